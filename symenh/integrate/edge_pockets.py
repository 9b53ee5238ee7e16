"""Fermi pockets at a band edge of a lattice model that the zone mesh cannot resolve.

Just above a band bottom (or below a band top) the Fermi contour is a small loop around each point
where the band takes its extreme energy: radius ~ sqrt(2 |mu - E_edge| / lambda) (lambda the
smallest curvature of the band there, eV nm^2), which sinks below any zone mesh as mu -> E_edge.
The Fermi-window convolution at T > 0 puts energies arbitrarily close to a band edge, so these
pockets are found in a small Cartesian box around each extreme point instead
(:func:`symenh.integrate.cells.find_contours` with ``box=``) and handed on as a zone
:class:`~symenh.integrate.cells.Contours` (winding 0; the Fermi-sea fraction 0 at a bottom, 1 at a
top), which the zone Fermi-line and Green integrals take unchanged.

Only when every k on the pocket side of mu (eps_N < mu at a bottom, eps_N > mu at a top) on the
periodic probe lies inside the boxes -- the pockets are the level's only contours -- and the quadratic
radius is below two zone-mesh cells; otherwise the zone mesh is used (and refuses what it cannot
resolve).  Energies in eV, k in 1/nm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ContourError
from .cells import Contours, find_contours

#: periodic probe points per side (as the lattice quadrature's level ranges)
PROBE = 96


@dataclass(frozen=True)
class Edge:
    """The extreme energy of one level: ``energy`` (eV), the k points where it is taken ``points``
    (m, 2) in 1/nm, ``curvature`` the smallest |Hessian eigenvalue| there (eV nm^2), ``side`` +1 at
    the band bottom, -1 at the top."""

    energy: float
    points: np.ndarray
    curvature: float
    side: int


def _hessian(fn, k, h):
    """(2, 2) Hessian of the level at k (eV nm^2) by central differences of its gradient."""
    H = np.empty((2, 2))
    for b in range(2):
        d = np.zeros(2)
        d[b] = h
        gp = np.array([x[0] for x in fn(np.array([k[0] + d[0]]), np.array([k[1] + d[1]]))[1:]])
        gm = np.array([x[0] for x in fn(np.array([k[0] - d[0]]), np.array([k[1] - d[1]]))[1:]])
        H[:, b] = (gp - gm) / (2 * h)
    return 0.5 * (H + H.T)


class EdgeFinder:
    """Band edges of every level of a lattice :class:`~symenh.integrate.user_fermi.UserComponent` (or a
    :class:`~symenh.integrate.user_tilt.TiltedComponent`: the edges of the tilted levels) and the pockets
    around them (module docstring)."""

    def __init__(self, comp):
        self.comp = comp
        lat = comp.model.lattice
        self.lattice = lat
        us = np.arange(PROBE) / PROBE
        U1, U2 = np.meshgrid(us, us, indexing="ij")
        self.k = np.stack(lat.to_k(U1.ravel(), U2.ravel()), axis=-1)            # (P, 2)
        # (P, L) level energies through the component's level functions (tilted ones for a TiltedComponent)
        self.E = np.stack([comp.level_fn(N, 0.0)(self.k[:, 0], self.k[:, 1])[0] for N in range(len(comp.pattern))],
                          axis=-1)
        self._edges = {}

    def edge(self, level: int, side: int) -> Edge:
        """The :class:`Edge` of ``level`` at its bottom (side +1) or top (-1): the probe's local extrema
        within a hundredth of the level's width of its extreme, refined by BFGS, those at the extreme
        energy (to 1e-9 of the width) kept, one per zone point."""
        key = (level, side)
        if key in self._edges:
            return self._edges[key]
        from scipy.optimize import minimize
        fn = self.comp.level_fn(level, 0.0)
        f = side * self.E[:, level].reshape(PROBE, PROBE)
        width = float(f.max() - f.min()) + 1e-300
        neigh = np.stack([np.roll(np.roll(f, i, 0), j, 1) for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j])
        cand = np.flatnonzero(((f <= neigh.min(axis=0)) & (f <= f.min() + 1e-2 * width)).ravel())
        pts, ens = [], []
        for idx in cand:
            def obj(k):
                e, gx, gy = fn(np.array([k[0]]), np.array([k[1]]))
                return side * float(e[0]), side * np.array([float(gx[0]), float(gy[0])])
            res = minimize(obj, self.k[idx], jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 200})
            pts.append(res.x)
            ens.append(float(res.fun))
        ens = np.asarray(ens)
        best = float(ens.min())
        keep, seen = [], []
        for p, e in zip(pts, ens):
            u = np.mod(np.asarray(self.lattice.to_fractional(p[0], p[1])), 1.0)
            if e > best + 1e-9 * width or any(np.all(np.abs((u - s + 0.5) % 1.0 - 0.5) < 1e-6) for s in seen):
                continue
            seen.append(u)
            keep.append(p)
        h = 1e-4 * float(np.min(np.linalg.norm(self.lattice.reciprocal, axis=1)))
        curv = min(float(np.min(np.abs(np.linalg.eigvalsh(_hessian(fn, p, h))))) for p in keep)
        out = Edge(side * best, np.array(keep), curv, side)
        self._edges[key] = out
        return out

    def _min_image(self, k, p):
        """|k - p| (1/nm) to the nearest periodic image of p, for k (P, 2)."""
        u = np.stack(self.lattice.to_fractional(k[:, 0] - p[0], k[:, 1] - p[1]), axis=-1)
        u = (u + 0.5) % 1.0 - 0.5
        d = np.stack(self.lattice.to_k(u[:, 0], u[:, 1]), axis=-1)
        return np.linalg.norm(d, axis=-1)

    def pockets(self, level: int, mu: float, mesh: int, n0: int = 64):
        """A zone Contours of the small pockets of ``level`` at ``mu`` (eV) around a band edge, or None
        when the zone mesh of ``mesh`` points per side resolves them (module docstring)."""
        cell = float(np.max(np.linalg.norm(self.lattice.reciprocal, axis=1))) / mesh
        for side in (1, -1):
            lo, hi = float(self.E[:, level].min()), float(self.E[:, level].max())
            if (mu - lo if side == 1 else hi - mu) > 0.25 * (hi - lo):
                continue                       # far from this edge: no small pocket
            edge = self.edge(level, side)
            dE = side * (mu - edge.energy)
            if dE <= 0 or edge.curvature <= 0:
                continue
            r = np.sqrt(2 * dE / edge.curvature)
            if r >= 2 * cell:
                return None
            R = max(4 * r, 1e-9)
            inside = side * (self.E[:, level] - mu) < 0
            near = np.zeros(len(self.k), dtype=bool)
            for p in edge.points:
                near |= self._min_image(self.k, p) <= max(R, 1.5 * cell)
            if np.any(inside & ~near):
                return None                    # other contours of the level: the zone mesh's job
            loops, box = [], None
            fn = self.comp.level_fn(level, mu)
            for p in edge.points:
                Rp = R
                while True:
                    box = ((p[0] - Rp, p[0] + Rp), (p[1] - Rp, p[1] + Rp))
                    try:
                        c = find_contours(fn, box, n0=n0)
                        break
                    except ContourError:
                        if Rp > 4 * cell:
                            raise
                        Rp *= 2
                loops.extend(c.loops)
            if not loops:
                return None
            return Contours(tuple(loops), n0, box, self.lattice, np.zeros((len(loops), 2), dtype=int),
                            0.0 if side == 1 else 1.0)
        return None


__all__ = ["Edge", "EdgeFinder"]
