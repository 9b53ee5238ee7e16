"""Brillouin-zone integrals of a lattice model: zone grids, the spectrum probe, the Fermi box on
the torus, and the filled-band sea.

A lattice model (``model.lattice`` set, :mod:`symenh.models.lattice`) is periodic under the
reciprocal lattice, so every integral runs over one reciprocal cell, parametrised by fractional
coordinates u in [0, 1)^2 (k = u1 b1 + u2 b2, d^2k = |b1 x b2| d^2u).  Three pieces:

* :class:`ZoneGrid`: a uniform grid on a fractional rectangle, periodic (endpoint excluded, even
  count: the plain sum is the periodic trapezoid rule, exponentially convergent for an analytic
  periodic integrand) or bounded (endpoints included, odd count: used where the integrand has
  decayed to exp(-margin) at the edges).  It has the interface of
  :class:`symenh.integrate.grid.UniformGrid`, so :func:`symenh.integrate.grid.fermi_box_sums`
  computes every Fermi-surface factor on it, with its checkerboard and 2 h sub-lattices and
  roundoff floors.
* :class:`ZoneSpectrum` (:func:`zone_spectrum`): band ranges and critical energies (extrema and
  saddle points, where the Sommerfeld expansion in T^2 breaks down) from a periodic probe refined
  by local minimisation; which chemical potentials lie in a band, in a gap, below or above every
  band; and the Fermi box -- the smallest fractional rectangle on the torus holding every k where
  a level lies in an energy window (wrapping the zone where the Fermi contour is open).
* :func:`filled_sea`: ``sum_{N: eps_N < E_ref} int_BZ S_N`` for E_ref in a gap (whole bands,
  smooth and periodic): periodic trapezoid on n x n points, n doubled until the n/2 sub-grid agrees.

Units: k in 1/nm, energies eV, velocities eV nm, int = int d^2k/(2 pi)^2 (1/nm^2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models.lattice import Lattice
from .grid.numerics import SUM_LAMBDA, UNIT_ROUNDOFF, ModelNumerics, chunk_geometry

TWO_PI_SQ = 4.0 * np.pi**2
#: probe points per side of the zone (periodic) and of each refinement of the Fermi box
PROBE_POINTS = 96
#: a refined critical point counts when |grad eps| there is below this times the largest band velocity
CRITICAL_VTOL = 1e-7


@dataclass(frozen=True)
class ZoneGrid:
    """A uniform grid in fractional coordinates of ``lattice``: u_i = u0_i + n * h_i, n = 0..n_i - 1.

    ``periodic[i]``: the grid covers the whole period in direction i (h_i = 1/n_i, n_i even), else
    a bounded interval with both endpoints (n_i odd).  ``hx``, ``hy`` are the physical steps
    |b_i| h_i (1/nm) along the two reciprocal vectors (named like UniformGrid's)."""

    lattice: Lattice
    u0: tuple
    h: tuple
    n: tuple
    periodic: tuple

    @property
    def nx(self) -> int:
        return int(self.n[0])

    @property
    def ny(self) -> int:
        return int(self.n[1])

    @property
    def size(self) -> int:
        return self.nx * self.ny

    @property
    def hx(self) -> float:
        return float(np.linalg.norm(self.lattice.reciprocal[0]) * self.h[0])

    @property
    def hy(self) -> float:
        return float(np.linalg.norm(self.lattice.reciprocal[1]) * self.h[1])

    @property
    def cell(self) -> float:
        """Weight of one point in int d^2k/(2 pi)^2 (1/nm^2)."""
        return self.lattice.bz_area_per_nm2 * self.h[0] * self.h[1] / TWO_PI_SQ

    def chunks(self, chunk_points: int, coarse: bool = False):
        """Like :meth:`symenh.integrate.grid.UniformGrid.chunks`: (kx, ky, sub[, coarse]) over blocks of
        whole rows; ``sub`` 2 on the checkerboard (i + j even), ``coarse`` 4 on i, j both even."""
        rows = max(1, int(chunk_points) // self.nx)
        i = np.arange(self.nx)
        for j0 in range(0, self.ny, rows):
            j = np.arange(j0, min(j0 + rows, self.ny))
            I, J = np.meshgrid(i, j, indexing="xy")
            kx, ky = self.lattice.to_k(self.u0[0] + I * self.h[0], self.u0[1] + J * self.h[1])
            sub = np.where((I + J) % 2 == 0, 2.0, 0.0).ravel()
            if coarse:
                yield kx.ravel(), ky.ravel(), sub, np.where((I % 2 == 0) & (J % 2 == 0), 4.0, 0.0).ravel()
            else:
                yield kx.ravel(), ky.ravel(), sub


def zone_grid(lattice: Lattice, box, steps) -> ZoneGrid:
    """The :class:`ZoneGrid` over ``box`` = ((u0, u1) or None, (v0, v1) or None) (None: the whole
    period) with fractional steps at most ``steps`` = (h1, h2)."""
    u0, h, n, per = [], [], [], []
    for lim, step in zip(box, steps):
        if lim is None:
            m = int(np.ceil(1.0 / step))
            m += m % 2
            m = max(m, 8)
            u0.append(0.0), h.append(1.0 / m), n.append(m), per.append(True)
        else:
            m = int(np.ceil((lim[1] - lim[0]) / step)) + 1
            m = max(m | 1, 9)
            u0.append(lim[0]), h.append((lim[1] - lim[0]) / (m - 1)), n.append(m), per.append(False)
    return ZoneGrid(lattice, tuple(u0), tuple(h), tuple(n), tuple(per))


def _energies(num: ModelNumerics, kx, ky, params0):
    """Energies (P, N) and level-averaged band velocities (P, N, 2) at 1-D arrays of k."""
    bg, vel = chunk_geometry(num, kx, ky, params0)
    return bg.energy, vel


def _arc(mask: np.ndarray, pad: int):
    """The smallest arc of the circle of ``len(mask)`` cells covering the True cells, padded by
    ``pad`` cells each side: (start, stop) cell indices with stop > start (may exceed len), or None
    when the arc is the whole circle."""
    m = len(mask)
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return None
    gaps = np.diff(np.concatenate([idx, [idx[0] + m]]))      # gap after each True cell
    j = int(np.argmax(gaps))
    if gaps[j] - 1 <= 2 * pad:
        return None
    start = int(idx[(j + 1) % idx.size])
    stop = int(idx[j]) + (m if idx[j] < start else 0) + 1
    return start - pad, stop + pad


@dataclass(frozen=True)
class ZoneSpectrum:
    """The alpha = 0 spectrum of a lattice model over its zone.

    ``ranges`` (N, 2): [min, max] of each band (eV); ``critical`` sorted critical energies (band
    extrema and saddle points, eV); ``v_max`` the largest band speed seen (eV nm)."""

    num: ModelNumerics
    params0: tuple
    lattice: Lattice
    ranges: np.ndarray
    critical: np.ndarray
    v_max: float

    @property
    def energy_scale(self) -> float:
        return float(max(np.max(np.abs(self.ranges)), 1e-300))

    def regime(self, mu: float) -> str:
        """Where mu lies at T = 0: "band" (some band crosses mu: a Fermi surface), "gap" (between
        bands), "below" (below every band: nothing filled) or "above" (above every band: all filled)."""
        lo, hi = self.ranges[:, 0], self.ranges[:, 1]
        if np.any((lo < mu) & (mu < hi)):
            return "band"
        if mu <= lo.min():
            return "below"
        if mu >= hi.max():
            return "above"
        return "gap"

    def gaps(self) -> list:
        """[(lo, hi), ...] of the energy intervals no band reaches, the two outside ones included
        (as (-inf, min) and (max, inf))."""
        iv = sorted((float(a), float(b)) for a, b in self.ranges)
        out = [(-np.inf, iv[0][0])]
        top = iv[0][1]
        for a, b in iv[1:]:
            if a > top:
                out.append((top, a))
            top = max(top, b)
        out.append((top, np.inf))
        return out

    def reference_energy(self, mu: float) -> float:
        """An energy inside the gap nearest mu (outside every band when the nearest is below or above all)."""
        best, pick = np.inf, None
        for lo, hi in self.gaps():
            d = 0.0 if lo <= mu <= hi else min(abs(mu - lo), abs(mu - hi))
            if d < best:
                best, pick = d, (lo, hi)
        lo, hi = pick
        width = self.ranges.max() - self.ranges.min() + 1.0
        if not np.isfinite(lo):
            return float(hi - width)
        if not np.isfinite(hi):
            return float(lo + width)
        return 0.5 * (lo + hi)

    def fermi_box(self, lo: float, hi: float, chunk_points: int = 16384, also=None):
        """Fractional box ((u0, u1) or None, (v0, v1) or None) holding every k where some level lies
        in [lo, hi] (eV), and the largest band speed there (eV nm); None if no level reaches the window.
        ``also``: a second parameter vector of the same model whose levels count too (the exact tilt: the
        spectrum at the tilt and the untilted levels of the filled-band reference; default none).

        Cells of a periodic probe are marked where the corner energies, widened by twice the cell
        diagonal times the largest corner speed, reach the window; the smallest arc per fractional
        axis covering the marked cells, padded by two cells, is probed again at the same resolution
        (up to three times), so a pocket much smaller than the zone gets a tight box."""
        box, vmax = (None, None), 0.0
        for _ in range(4):
            marks, v = self._mark(box, lo, hi, chunk_points, also)
            if marks is None:
                return None
            vmax = max(vmax, v)
            new = []
            for axis, lim in enumerate(box):
                m = marks.any(axis=1 - axis)
                arc = _arc(m, 2) if lim is None else _bounded(m, 2)
                if arc is None:
                    new.append(None if lim is None else lim)
                    continue
                a, b = arc
                if lim is None:
                    step = 1.0 / len(m)
                    new.append((a * step, b * step))
                else:
                    step = (lim[1] - lim[0]) / (len(m) - 1)
                    new.append((lim[0] + a * step, lim[0] + b * step))
            if tuple(new) == tuple(box):
                break
            box = tuple(new)
        return box, vmax

    def _mark(self, box, lo, hi, chunk_points, also=None):
        n = PROBE_POINTS
        grid = zone_grid(self.lattice, box, [1.0 / n if b is None else (b[1] - b[0]) / (n - 1) for b in box])
        E, S = [], []
        for kx, ky, _ in grid.chunks(chunk_points):
            e, vel = _energies(self.num, kx, ky, self.params0)
            if also is not None:
                e2, vel2 = _energies(self.num, kx, ky, also)
                e, vel = np.concatenate([e, e2], axis=-1), np.concatenate([vel, vel2], axis=-2)
            E.append(e)
            S.append(np.linalg.norm(vel, axis=-1))
        E = np.concatenate(E).reshape(grid.ny, grid.nx, -1).swapaxes(0, 1)      # (n1, n2, N)
        S = np.concatenate(S).reshape(grid.ny, grid.nx, -1).swapaxes(0, 1)
        diag = np.hypot(grid.hx, grid.hy)

        def corners(x):
            if grid.periodic[0]:
                x1 = np.roll(x, -1, axis=0)
            else:
                x1 = np.concatenate([x[1:], x[-1:]], axis=0)
            x2 = np.roll(x, -1, axis=1) if grid.periodic[1] else np.concatenate([x[:, 1:], x[:, -1:]], axis=1)
            x12 = np.roll(x1, -1, axis=1) if grid.periodic[1] else np.concatenate([x1[:, 1:], x1[:, -1:]], axis=1)
            return np.stack([x, x1, x2, x12])

        Ec, Sc = corners(E), corners(S)
        slack = 2.0 * diag * Sc.max(axis=0)
        hit = (Ec.min(axis=0) - slack <= hi) & (Ec.max(axis=0) + slack >= lo)   # (n1, n2, N)
        marks = hit.any(axis=-1)
        if not marks.any():
            return None, 0.0
        near = (E >= lo - 2.0 * diag * S) & (E <= hi + 2.0 * diag * S)
        return marks, float(S[near].max()) if near.any() else float(S.max())


def _bounded(mask: np.ndarray, pad: int):
    """(first, last) marked index of a bounded probe axis padded by ``pad``, clipped to the axis."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return None
    return max(int(idx[0]) - pad, 0), min(int(idx[-1]) + pad, len(mask) - 1)


def zone_spectrum(num: ModelNumerics, params0, lattice: Lattice, chunk_points: int = 16384) -> ZoneSpectrum:
    """Band ranges and critical energies of a lattice model over its zone (alpha = 0 parameters).

    A periodic PROBE_POINTS^2 probe; every probe point that is a local minimum of |grad eps_N| among
    its 8 neighbours (every critical point of a resolved band lies next to one) starts a damped
    Newton iteration for grad eps_N = 0 (Hessian by central differences of the band velocity, steps
    clipped to the probe spacing), vectorised over all starts; the converged points (|grad eps_N|
    below CRITICAL_VTOL v_max) are the critical points (extrema and saddles), and their energies,
    with the probe's extremes, give the band ranges.  A band feature narrower than the probe
    spacing (|b| / 96) may be missed."""
    grid = zone_grid(lattice, (None, None), (1.0 / PROBE_POINTS, 1.0 / PROBE_POINTS))
    E, V, K = [], [], []
    for kx, ky, _ in grid.chunks(chunk_points):
        e, vel = _energies(num, kx, ky, params0)
        E.append(e), V.append(vel), K.append(np.stack([kx, ky], -1))
    n = PROBE_POINTS
    E = np.concatenate(E).reshape(n, n, -1)
    V = np.concatenate(V).reshape(n, n, -1, 2)
    K = np.concatenate(K).reshape(n, n, 2)
    speed2 = np.sum(V**2, axis=-1)                     # (n, n, N)
    v_max = float(np.sqrt(speed2.max()))
    ranges = np.stack([E.min(axis=(0, 1)), E.max(axis=(0, 1))], axis=-1)
    starts, bands = [], []
    for band in range(E.shape[-1]):
        s = speed2[..., band]
        neigh = np.stack([np.roll(np.roll(s, i, 0), j, 1) for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j])
        cand = np.argwhere(s <= neigh.min(axis=0))
        starts.append(K[cand[:, 0], cand[:, 1]])
        bands.append(np.full(len(cand), band))
    k = np.concatenate(starts)
    band = np.concatenate(bands)
    rows = np.arange(len(band))
    step = np.hypot(grid.hx, grid.hy)
    delta = 1e-4 * step

    def grad(kk):
        _, vel = _energies(num, kk[:, 0], kk[:, 1], params0)
        return vel[rows, band]

    for _ in range(40):
        g = grad(k)
        hess = np.empty((len(k), 2, 2))
        for b in range(2):
            e = np.zeros(2)
            e[b] = delta
            hess[:, :, b] = (grad(k + e) - grad(k - e)) / (2 * delta)
        with np.errstate(all="ignore"):
            det = hess[:, 0, 0] * hess[:, 1, 1] - hess[:, 0, 1] * hess[:, 1, 0]
            dk = -np.stack([hess[:, 1, 1] * g[:, 0] - hess[:, 0, 1] * g[:, 1],
                            -hess[:, 1, 0] * g[:, 0] + hess[:, 0, 0] * g[:, 1]], -1) / det[:, None]
        dk = np.where(np.isfinite(dk), dk, 0.0)
        size = np.linalg.norm(dk, axis=-1)
        dk = dk * np.minimum(1.0, step / np.maximum(size, 1e-300))[:, None]
        k = k + dk
        if np.all(size <= 1e-12 * step):
            break
    e, vel = _energies(num, k[:, 0], k[:, 1], params0)
    ok = np.linalg.norm(vel[rows, band], axis=-1) <= CRITICAL_VTOL * max(v_max, 1e-300)
    ecrit = e[rows, band][ok]
    for b, x in zip(band[ok], ecrit):
        ranges[b, 0] = min(ranges[b, 0], x)
        ranges[b, 1] = max(ranges[b, 1], x)
    crit = np.unique(np.concatenate([ecrit, ranges.ravel()]))
    return ZoneSpectrum(num, tuple(params0), lattice, ranges, crit, v_max)


def _cluster_map(t, centre: float, beta: float):
    """u(t) = t - beta/(2 pi) sin(2 pi (t - centre)) and du/dt: a periodic map (u(t + 1) = u(t) + 1)
    that puts (1 - beta) times the uniform spacing at u = centre; a periodic trapezoid in t of an
    analytic periodic integrand times du/dt still converges exponentially."""
    arg = 2 * np.pi * (t - centre)
    return t - beta / (2 * np.pi) * np.sin(arg), 1.0 - beta * np.cos(arg)


def filled_sea(num: ModelNumerics, params0, lattice: Lattice, E_ref: float, *, rtol: float = 1e-11,
               n_start: int = 32, n_max: int = 2048, chunk_points: int = 16384):
    """``sum_{N: eps_N < E_ref} int_BZ S_N`` (4, 2) in 1/(eV nm), E_ref inside a gap (whole bands).

    The integrand is analytic and periodic.  Its narrowest feature sits where the filled and the
    empty bands come closest (direct gap g at k_c, from a periodic probe; width ~ g / v_max); each
    fractional axis is mapped by :func:`_cluster_map` to put more points there, and the periodic
    trapezoid on n x n points (n = n_start, doubled) is taken until the estimate d_n (d_n / d_{n/2})
    of its error (d_n the change from the every-other-point sub-grid: the algebraic-rate estimate,
    conservative for the exponential convergence seen) is at most ``rtol`` times the sum of |terms|.
    Returns (value, sub-grid value, error estimate incl. roundoff floor, n, sum of |terms|)."""
    probe = zone_grid(lattice, (None, None), (1.0 / PROBE_POINTS, 1.0 / PROBE_POINTS))
    gap, kc, v_max = np.inf, (0.0, 0.0), 0.0
    for kx, ky, _ in probe.chunks(chunk_points):
        e, vel = _energies(num, kx, ky, params0)
        v_max = max(v_max, float(np.max(np.linalg.norm(vel, axis=-1))))
        below = np.where(e < E_ref, e, -np.inf).max(axis=-1)
        above = np.where(e >= E_ref, e, np.inf).min(axis=-1)
        g = above - below
        j = int(np.argmin(g))
        if g[j] < gap:
            gap, kc = float(g[j]), (float(kx[j]), float(ky[j]))
    uc = lattice.to_fractional(*kc)
    beta = []
    for i in range(2):
        width = gap / max(v_max, 1e-300) if np.isfinite(gap) else np.inf
        beta.append(float(np.clip(1.0 - 12.0 * width / np.linalg.norm(lattice.reciprocal[i]), 0.0, 0.95)))
    n, prev = n_start, None
    cell0 = lattice.bz_area_per_nm2 / TWO_PI_SQ
    while True:
        t = np.arange(n) / n
        u1, w1 = _cluster_map(t, float(uc[0]), beta[0])
        u2, w2 = _cluster_map(t, float(uc[1]), beta[1])
        U1, U2 = np.meshgrid(u1, u2, indexing="ij")
        W = np.outer(w1, w2).ravel() * cell0 / n**2
        even = (np.arange(n)[:, None] % 2 == 0) & (np.arange(n)[None, :] % 2 == 0)
        even = even.ravel() * 4.0
        KX, KY = lattice.to_k(U1.ravel(), U2.ravel())
        tot, sub, absum = np.zeros((4, 2)), np.zeros((4, 2)), np.zeros((4, 2))
        for s0 in range(0, KX.size, chunk_points):
            sl = slice(s0, s0 + chunk_points)
            bg, _ = chunk_geometry(num, KX[sl], KY[sl], params0)
            w = (bg.energy < E_ref) / bg.degeneracy                    # (P, N): level sums from band sums
            terms = np.einsum("pn,pnea->pea", w, bg.sbp[..., :4, :]) * W[sl, None, None]
            tot += terms.sum(axis=0)
            sub += np.einsum("p,pea->ea", even[sl], terms)
            absum += np.abs(terms).sum(axis=0)
        floor = UNIT_ROUNDOFF * SUM_LAMBDA * np.sqrt(KX.size * num.n_bands) * absum
        d = np.abs(tot - sub)
        if prev is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                est = np.where(d <= 0.5 * prev, d * np.minimum(1.0, d / np.where(prev > 0, prev, 1.0)), d)
            if np.all(est <= rtol * absum.max() + floor) or n >= n_max:
                return tot, sub, est + floor, n, absum
        elif n >= n_max:
            return tot, sub, d + floor, n, absum
        prev = d
        n *= 2
