"""Fermi contours and Fermi-sea integrals over a Brillouin zone (the zone as a torus).

A lattice model's level function ``phi(k) = eps_N(k) - mu`` is periodic under the reciprocal
lattice.  :func:`symenh.integrate.cells.find_contours` with ``lattice=`` finds every zero-level
contour on the torus (marching squares on the periodic mesh of fractional coordinates, refined,
smoothly re-parametrised): pockets anywhere in the cell (winding 0) and open contours that wrap
the zone, closing up to a reciprocal lattice vector G (winding W, G = W1 b1 + W2 b2).  The
Fermi-line integrals of :func:`symenh.integrate.cells.line_integral` then apply unchanged (every
integrand is periodic in the loop parameter).

The region integral ``int_{phi<0} F d^2k`` over the torus (:func:`region_integral`): open contours
are disjoint simple closed curves, so all share one primitive winding +-W.  With the basis
e_r = W1 b1 + W2 b2, e_s = p b1 + q b2 (W1 q - W2 p = 1, a unimodular basis of the reciprocal
lattice), Green's theorem with cuts along e_s (:func:`symenh.integrate.cells.region_integral`)
gives a periodic, smooth loop integrand for every loop.  Their sum is the integral up to a whole
number c of zone integrals of F (which lift of each loop is taken, whether the region contains the
non-contractible part of the torus); c is read off the same sum for F = 1 (the region's area) against
the mesh's count of points with phi < 0 (exact to far better than half a zone: c is an integer).

Zone integrals of a smooth periodic F (:func:`zone_integral`): the periodic trapezoid rule on
n x n fractional points, n doubled until two successive values agree within the tolerance; the
error estimate is the last change (the geometric convergence makes it an overestimate) plus a
roundoff floor.

Units: k in 1/nm, F in its own unit; integrals are F times 1/nm^2.
"""

from __future__ import annotations

from dataclasses import replace
from math import gcd

import numpy as np

from ..errors import ContourError
from .cells import region_integral as _cut_region_integral

_U = 2.0 ** -53
#: the mesh estimate of the region's area must lie within this fraction of a zone of the loop sum
#: plus a whole number of zones (it is off by O(perimeter x mesh step))
AREA_SLACK = 0.2


def _unimodular(W, b) -> tuple:
    """(p, q) with W1 q - W2 p = 1 for a primitive integer vector W, the shortest p b1 + q b2
    (a small search: |p|, |q| <= |W| + 1)."""
    w1, w2 = int(W[0]), int(W[1])
    m = max(abs(w1), abs(w2)) + 1
    best = None
    for p in range(-m, m + 1):
        for q in range(-m, m + 1):
            if w1 * q - w2 * p == 1:
                size = float(np.linalg.norm(p * b[0] + q * b[1]))
                if best is None or size < best[0] - 1e-12:
                    best = (size, p, q)
    if best is None:
        raise ContourError(f"contour: an open Fermi contour winds {W} times (not a primitive vector)")
    return best[1], best[2]


def cut_basis(contours) -> tuple:
    """(e_r, e_s) k-space vectors (1/nm): a reciprocal-lattice basis with every open contour of
    ``contours`` (a zone :class:`~symenh.integrate.cells.Contours`) winding along e_r."""
    b = contours.lattice.reciprocal
    W = [tuple(int(x) for x in w) for w in np.asarray(contours.winding).reshape(-1, 2) if np.any(w)]
    if not W:
        return tuple(b[1]), tuple(b[0])
    w0 = W[0]
    g = gcd(abs(w0[0]), abs(w0[1]))
    w0 = (w0[0] // g, w0[1] // g)
    for w in W:
        if w[0] * w0[1] - w[1] * w0[0] != 0:
            raise ContourError(f"contour: open Fermi contours wind along different directions {W} (they "
                               "would cross); raise the mesh resolution")
    p, q = _unimodular(w0, b)
    return tuple(w0[0] * b[0] + w0[1] * b[1]), tuple(p * b[0] + q * b[1])


def zone_integral(F, lattice, tol: float, *, n_start: int = 32, n_max: int = 1024, chunk: int = 65536):
    """``int_BZ F d^2k`` of a smooth periodic ``F(kx, ky) -> (..., m)`` (F times 1/nm^2), periodic
    trapezoid on n x n fractional points, n doubled (``n_start`` .. ``n_max``) until the change is
    below ``tol`` times the sum of |terms|.  Returns (value (m,), error estimate (m,), n)."""
    n, prev = int(n_start), None
    area = lattice.bz_area_per_nm2
    while True:
        us = (np.arange(n) + 0.0) / n
        U1, U2 = np.meshgrid(us, us, indexing="ij")
        KX, KY = lattice.to_k(U1.ravel(), U2.ravel())
        tot, absum = 0.0, 0.0
        for s0 in range(0, KX.size, chunk):
            v = np.asarray(F(KX[s0:s0 + chunk], KY[s0:s0 + chunk])).reshape(min(chunk, KX.size - s0), -1)
            tot = tot + v.sum(axis=0)
            absum = absum + np.abs(v).sum(axis=0)
        tot, absum = tot * area / n**2, absum * area / n**2
        floor = 16 * _U * np.sqrt(KX.size) * absum
        if prev is not None:
            d = np.abs(tot - prev)
            if np.all(d <= tol * np.max(absum) + floor) or 2 * n > n_max:
                return tot, d + floor, n
        prev = tot
        n *= 2


#: the Gauss-Legendre panels of the cut integrals are doubled (from 4) up to this many while the
#: estimate exceeds the tolerance and halves at each doubling (a cut crossing a narrow feature of F,
#: e.g. near a small gap)
MAX_PANELS = 128


def _s_of(loop, es, er):
    """The e_s coordinate of a loop's reference curve at 64 parameters."""
    c = loop.reference(np.linspace(0, 2 * np.pi, 64, endpoint=False))[0]
    inv = np.linalg.inv(np.array([[er[0], es[0]], [er[1], es[1]]]))
    return inv[1, 0] * c.real + inv[1, 1] * c.imag


def _cut_sum(contours, F, er, es, tol):
    """Sum over the loops of the Green terms with cuts along e_s (the result up to whole zones):
    each pocket from its own base line (any base gives its disc integral), the open contours from one
    common base with their lifts moved to within half a period of it (short cuts); panels doubled
    until the Gauss-Legendre check meets the tolerance."""
    groups, open_loops, base_open = [], [], None
    for loop, w in zip(contours.loops, np.asarray(contours.winding).reshape(-1, 2)):
        s_mean = float(np.mean(_s_of(loop, es, er)))
        if not np.any(w):
            groups.append(((loop,), s_mean))
            continue
        if base_open is None:
            base_open = s_mean
        n = round(s_mean - base_open)
        if n:
            coef = loop.coef.copy()
            coef[loop.modes == 0] -= n * complex(es[0], es[1])
            loop = replace(loop, coef=coef)
        open_loops.append(loop)
    if open_loops:
        groups.append((tuple(open_loops), base_open))
    total, err = 0.0, 0.0
    for loops, base in groups:
        sub = replace(contours, loops=loops)
        panels, prev = 4, np.inf
        while True:
            v, e = _cut_region_integral(sub, F, cut=(er, es), base=base, tol=tol, panels=panels)
            emax = float(np.max(e))
            # stop when met, at MAX_PANELS, or when doubling no longer halves the estimate (the loop
            # trapezoid's part then dominates, not the cut panels')
            if (emax <= tol * max(float(np.max(np.abs(v))), 1e-300) or 2 * panels > MAX_PANELS
                    or emax > 0.5 * prev):
                break
            prev = emax
            panels *= 2
        total, err = total + v, err + e
    return np.asarray(total), np.asarray(err)


def loop_sum(contours, F, tol: float):
    """The loop part of :func:`region_integral`: (value (m,), error (m,), c) with
    ``int_{phi<0} F d^2k = value + c int_BZ F d^2k`` exactly (c a whole number, module docstring)."""
    lat = contours.lattice
    area = lat.bz_area_per_nm2
    if len(contours.loops) == 0:
        return np.zeros(1), np.zeros(1), round(contours.inside)
    er, es = cut_basis(contours)
    val, err = _cut_sum(contours, F, er, es, tol)

    def ones(kx, ky):
        return np.ones(np.shape(kx) + (1,))

    a_loops, _ = _cut_sum(contours, ones, er, es, tol)
    x = (contours.inside * area - float(a_loops[0])) / area
    c = round(x)
    if abs(x - c) > AREA_SLACK:
        raise ContourError(f"contour: the Fermi-sea area from the loops misses the mesh count by {abs(x - c):.2f} "
                           "of a zone; raise the mesh resolution")
    return val, err, c


def region_integral(contours, F, tol: float, zone_F=None):
    """``int_{phi<0} F d^2k`` over the zone torus (module docstring): (value (m,), error (m,)).

    ``contours``: from :func:`~symenh.integrate.cells.find_contours` with ``lattice=``; ``F(kx, ky)``
    -> (..., m), smooth and periodic; ``zone_F``: optionally ``(value, error)`` of ``int_BZ F d^2k``
    (computed by :func:`zone_integral` when needed and not given)."""
    val, err, c = loop_sum(contours, F, tol)
    if c:
        if zone_F is None:
            zone_F = zone_integral(F, contours.lattice, tol)[:2]
        val, err = val + c * np.asarray(zone_F[0]), err + abs(c) * np.asarray(zone_F[1])
    return val, err


__all__ = ["cut_basis", "loop_sum", "region_integral", "zone_integral"]
