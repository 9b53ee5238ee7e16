r"""The Fermi-window convolution with few energies: for T = 0 functions that are expensive per energy.

A quantity linear in the occupations is at temperature T its T = 0 value as a function of the
chemical potential convolved with the Fermi window (:mod:`symenh.integrate.fermi_window`):

    F_T(mu) = int dx  w(x) F_0(mu + kT x),     w(x) = -f'(x) = 1 / (4 cosh^2(x / 2))   (int w = 1).

Here the integral is a **Gauss rule for the weight w itself** (a Gauss-Hermite-type rule: the
nodes are the zeros of the polynomials orthogonal under w, :func:`fermi_gauss`), so an n-point
rule is exact for F_0 a polynomial of degree 2n - 1 and converges geometrically for an F_0 analytic
on the window -- with a handful of energies (3, then 6, then 12, ...: the rule is refined by
doubling until two successive rules agree to ``tol`` of each block's scale; the change is the
error, the last value is returned, like the Gauss-Legendre order checks of the sea).  This is
the rule for the user k.p path, where F_0 at one energy means finding every Fermi contour anew
(~0.1-1 s); :func:`symenh.integrate.fermi_window.convolve` (adaptive Gauss-Kronrod, dozens of
energies per mu, breakpoints at known band edges) is the rule where F_0 is a cheap closed form.
A band edge within a few kT of mu makes F_0 non-analytic on the window: ``breakpoints`` (energies
where F_0 is not analytic, e.g. the extrema of the levels) within ``ln(100 / tol)`` kT of mu split the
line into segments, each with its own Gauss rule for w restricted to it (F_0 analytic on each); without
them (or at an unlisted non-analyticity, e.g. a saddle point of a level) the rules converge slowly and
the error (the change between the last two rules at ``n_max``) says so.

The recurrence coefficients of w (on the line or a segment) come from the discretised Stieltjes
procedure on composite 20-point Gauss-Legendre panels of width <= 1/4 (|x| <= 80: the tails beyond
carry 2e-35), the rule from the Golub-Welsch eigenproblem.  Energies in eV.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

import numpy as np

from .fermi_window import window

_U = 2.0 ** -53


#: |x| beyond which the weight is dropped in the Stieltjes grid (2 f(80) = 4e-35)
_X_GRID = 80.0


@lru_cache(maxsize=256)
def fermi_gauss(n: int, a: float = -_X_GRID, b: float = _X_GRID):
    """Nodes x (n,) and weights (n,) of the n-point Gauss rule for w(x) = -f'(x) on [a, b] (default: the
    whole line; the weights sum to the window's weight on [a, b])."""
    a, b = max(a, -_X_GRID), min(b, _X_GRID)
    n_pan = max(1, int(np.ceil((b - a) / 0.25)))        # composite Gauss-Legendre, 20 nodes per panel
    t, tw = np.polynomial.legendre.leggauss(20)
    lo = a + (b - a) * np.arange(n_pan) / n_pan
    h = (b - a) / n_pan
    x = (lo[:, None] + 0.5 * h * (t[None, :] + 1.0)).ravel()
    w = window(x) * np.tile(0.5 * h * tw, n_pan)
    mass = np.sum(w)
    p_prev, p = np.zeros_like(x), np.ones_like(x) / np.sqrt(mass)
    alpha, beta = [], []
    for _ in range(n):
        c = float(np.sum(w * x * p * p))
        alpha.append(c)
        q = (x - c) * p - (beta[-1] if beta else 0.0) * p_prev
        norm = np.sqrt(np.sum(w * q * q))
        beta.append(norm)
        p_prev, p = p, q / norm
    J = np.diag(alpha) + np.diag(beta[:n - 1], 1) + np.diag(beta[:n - 1], -1)
    nodes, vec = np.linalg.eigh(J)
    return nodes, mass * vec[0] ** 2


def _segment(fn, mu, kT, a, b, groups, n_groups, tol, n0, n_max, floor=None):
    """(value, error, energies used, block scales, largest |F_0| on the nodes) of the window integral over
    x in [a, b]; ``floor`` (n_groups,): block scales below which a change never needs to fall (None: the
    segment's own)."""
    n, used, prev, d_prev, rho_prev = int(n0), 0, None, 0.0, None
    while True:
        x, w = fermi_gauss(n, a, b)
        vals, errs = zip(*(fn(float(mu + kT * xi)) for xi in x))
        vals, errs = np.stack(vals), np.stack(errs)
        used += n
        I = w @ vals
        noise = w @ errs + 16 * _U * (w @ np.abs(vals))
        if prev is not None:
            d = np.abs(I - prev)
            scale = np.zeros(n_groups)
            np.maximum.at(scale, groups, np.sum(w) * np.max(np.abs(vals), axis=0))
            own = scale.copy()
            if floor is not None:
                scale = np.maximum(scale, floor)
            big = np.max(np.abs(vals), axis=0)
            ok = (d <= tol * scale[groups]) | (d <= 2 * noise)
            if np.all(ok):
                return I, d + noise, used, own, big
            # geometric convergence seen on two doublings (each change below 1/10 of the one before and
            # falling faster): the last change d bounds the error of the previous rule; the present
            # rule's error is d * rho (rho = d / d_prev; an analytic F_0 gives d * rho^2 and less)
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = np.where(d_prev > 0, d / np.where(d_prev > 0, d_prev, 1.0), np.inf)
            if rho_prev is not None:
                geo = (rho <= 0.1) & (rho <= rho_prev)
                e_geo = np.where(geo, d * np.where(geo, rho, 0.0), np.inf)
                if np.all(ok | (e_geo <= tol * scale[groups])):
                    return I, np.where(d <= tol * scale[groups], d, np.minimum(d, e_geo)) + noise, used, own, big
            if 2 * n > n_max:              # not converged (an unlisted kink): a wide estimate
                return I, 2.0 * (d + d_prev) + noise, used, own, big
            if np.ndim(d_prev) > 0:
                rho_prev = rho
            d_prev = d
        prev = I
        n *= 2


def reach_kT(tol: float) -> float:
    """|E - mu| / kT within which a breakpoint splits the window: ln(100 / tol) (beyond it the window's
    weight, ~exp(-|x|), is below tol / 100)."""
    return float(np.log(100.0 / max(tol, 1e-300)))


def window_reach(tol: float, reach: float | None = None) -> float:
    """|x| = |E - mu| / kT beyond which the window is dropped: ln(100 / tol) + 8 (weight 2 f(x) < 7e-6 tol
    beyond), or ``reach`` + 8 where a caller's breakpoint reach is wider (mu in a gap: the band's
    activated tail); at most 80.  A shorter line than the Stieltjes grid's |x| <= 80 lets a Gauss rule
    of few nodes reach tol: F_0 varies over the line, and at 1e-10 a 24-node rule on [-4.6, 80] did
    not converge where one on [-4.6, 31] does."""
    r = reach_kT(tol) if reach is None else max(reach_kT(tol), float(reach))
    return float(min(_X_GRID, r + 8.0))


def smear(fn, mu: float, kT: float, groups, tol: float, *, breakpoints=(), n0: int = 3, n_max: int = 24,
          line_scale: bool = False, reach: float | None = None):
    """``int dx w(x) F_0(mu + kT x)`` and its error (module docstring).

    ``fn(E)`` -> (values (m,), point errors (m,)) of F_0 at one energy E (eV); ``mu`` (eV), ``kT`` > 0
    (eV); ``groups`` (m,) block index of every entry (each block converges to ``tol`` of its own scale
    on each segment); ``breakpoints``: energies (eV) where F_0 is not analytic.  ``line_scale``: the
    segments are done in order of falling window weight and each block converges to ``tol`` of the
    largest scale met so far on the line (a segment far in the window's tail, weight e^-|x|, need
    not be resolved to ``tol`` of its own tiny part).  ``reach``: |E - mu| / kT within which a
    breakpoint splits the line (default :func:`reach_kT` of ``tol``).  Returns (value (m,), error (m,), number of
    energies used)."""
    groups = np.asarray(groups)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    X = window_reach(tol, reach)
    reach = reach_kT(tol) if reach is None else float(reach)
    xs = sorted({round((float(e) - mu) / kT, 9) for e in breakpoints if abs(float(e) - mu) < reach * kT})
    edges = [-X] + [x for x in xs if -X < x < X] + [X]
    segs = [(a, b) for a, b in pairwise(edges) if b - a >= 1e-9]
    floor = None
    if line_scale:
        mass = [float(np.sum(fermi_gauss(1, a, b)[1])) for a, b in segs]
        segs = [segs[j] for j in np.argsort(mass, kind="stable")[::-1]]
        floor = np.zeros(n_groups)
    total, err, used, big = 0.0, 0.0, 0, 0.0
    for a, b in segs:
        v, e, u, own, m = _segment(fn, mu, kT, a, b, groups, n_groups, tol, n0, n_max, floor)
        total, err, used, big = total + v, err + e, used + u, np.maximum(big, m)
        if line_scale:
            floor = np.maximum(floor, own)
    # the window beyond |x| = X (weight 2 f(X) ~ 2 e^-X), F_0 bounded there by 10 x its largest node value
    return total, err + 20.0 * np.exp(-X) * big, used


__all__ = ["fermi_gauss", "reach_kT", "smear", "window_reach"]
