r"""Finite temperature from T = 0: the Fermi-window convolution in energy and the Sommerfeld series.

A quantity F that is linear in the occupations (every factor D, X, A, B, C of
:mod:`symenh.responses.spec`, and each of its alpha-derivatives) is at temperature T the T = 0
function of the chemical potential convolved with the Fermi window:

    F_T(mu) = int dE  w(E - mu)  F_0(E),     w(e) = -d f / d e = 1 / (4 kT cosh^2(e / 2 kT)),

because ``f(eps; mu, T) = int dE w(E - mu) theta(E - eps)``.  Energies in eV.

:func:`convolve` does the integral adaptively (``scipy.integrate.quad_vec``) in the scaled
variable x = (E - mu)/kT on the two half-lines x >= 0 and x <= 0, cut at |x| = :data:`X_CUT`
(the window beyond carries ``2 f(X_CUT) = 8.5e-18`` of the weight; its bound is added to the
error), with breakpoints where F_0 is not analytic (the band edges +-|Delta| of the Dirac
models, where surface factors start from zero with a kink and the sea factor joins the
filled-valence constant of the gap).  Every mu, half-line, segment and output component is
one entry of a single vectorised ``quad_vec`` call over a common parameter t in [0, 1].

:func:`sommerfeld` sums the Sommerfeld series

    F_T(mu) = sum_m c_m (kT)^{2m} F_0^{(2m)}(mu),   c_m = 2 (1 - 2^{1 - 2m}) zeta(2m)
            = 1, pi^2/6, 7 pi^4/360, 31 pi^6/15120, ...

from the derivatives of an analytic branch of F_0; the series is asymptotic (its terms first
fall, then grow), the non-analytic band edge at distance d adds terms of order exp(-d/kT).
Where it is used and with which error estimate is decided by the caller
(:mod:`symenh.responses.closed_form_thermal`).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
from scipy.integrate import quad_vec

#: |E - mu| / kT beyond which the Fermi window is dropped (its weight 2 f(X_CUT) goes to the error)
X_CUT = 40.0


def fermi(x):
    """Fermi function 1 / (exp(x) + 1) of x = (E - mu)/kT, overflow-free."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x > 0, e / (1.0 + e), 1.0 / (1.0 + e))


def window(x):
    """kT * w = -df/dx = 1 / (4 cosh^2(x / 2)) of x = (E - mu)/kT, overflow-free (dimensionless)."""
    e = np.exp(-np.abs(np.asarray(x, dtype=float)))
    return e / (1.0 + e) ** 2


def sommerfeld_coefficients(m_max: int) -> np.ndarray:
    """c_0 .. c_{m_max} of the Sommerfeld series, c_m = 2 (1 - 2^(1-2m)) zeta(2m), c_0 = 1."""
    out = [1.0]
    for m in range(1, m_max + 1):
        out.append(float(2 * (1 - mp.mpf(2) ** (1 - 2 * m)) * mp.zeta(2 * m)))
    return np.array(out)


def convolve(fn, mu, kT: float, breakpoints=(), rtol: float = 1e-12, scale=None, limit: int = 2000):
    """F_T(mu) = int dE w(E - mu) F_0(E) for every mu at once, with an error bound.

    ``fn(E)``: the T = 0 function, E an array of energies (eV) of any shape, returning
    ``(*E.shape, n_out)``; ``mu`` (n_mu,) in eV; ``kT`` > 0 in eV; ``breakpoints``: energies
    (eV) where F_0 is not analytic.  ``scale`` (n_mu, n_out) or None: the magnitude against
    which each entry's tolerance ``rtol`` is relative (default: the largest |F_0| on the
    window, per entry).  Returns ``(value, error)``, both (n_mu, n_out): the error adds
    quad_vec's estimate (relative to the scales) and the weight of the dropped tails.
    """
    mu = np.atleast_1d(np.asarray(mu, dtype=float))
    n_mu = mu.size
    bp = np.asarray(sorted(breakpoints), dtype=float)
    nb = bp.size
    # per (mu, half): segment edges in x in [0, X_CUT], the breakpoints of that half inside
    halves = np.array([1.0, -1.0])
    xb = (bp[None, None, :] - mu[:, None, None]) * halves[None, :, None] / kT     # (n_mu, 2, nb)
    xb = np.clip(np.where(xb > 0, xb, 0.0), 0.0, X_CUT)
    edges = np.concatenate([np.zeros((n_mu, 2, 1)), np.sort(xb, axis=-1), np.full((n_mu, 2, 1), X_CUT)], axis=-1)
    lo, hi = edges[..., :-1], edges[..., 1:]                                       # (n_mu, 2, nb + 1)
    length = hi - lo

    def energies(t):
        x = lo + length * t
        return mu[:, None, None] + halves[None, :, None] * kT * x, x

    probe = fn(np.asarray(mu[:, None] + kT * np.array([0.0, 1.0, -1.0, 5.0, -5.0, 20.0, -20.0])[None, :]))
    if scale is None:
        scale = np.max(np.abs(probe), axis=1)
    scale = np.where(np.asarray(scale) > 0, scale, 1.0)                             # (n_mu, n_out)

    def integrand(t):
        E, x = energies(t)
        F = fn(E)                                                                   # (n_mu, 2, nb+1, n_out)
        w = (window(x) * length)[..., None]
        return (w * F / scale[:, None, None, :]).ravel()

    res, err = quad_vec(integrand, 0.0, 1.0, epsabs=rtol, epsrel=0.0, norm="max", limit=limit)
    n_out = scale.shape[1]
    val = res.reshape(n_mu, 2, nb + 1, n_out).sum(axis=(1, 2)) * scale
    tails = 2.0 * fermi(X_CUT) * np.max(np.abs(fn(mu[:, None] + kT * X_CUT * halves[None, :])), axis=1)
    error = 2.0 * (nb + 1) * err * scale + tails
    return val, error


def sommerfeld(derivs, kT: float):
    """Partial sums of the Sommerfeld series and the size of each term.

    ``derivs``: array (M + 1, ...) with ``derivs[m]`` = F_0^{(2m)}(mu) (units of F per eV^2m).
    Returns ``(terms, partial)``: ``terms[m] = c_m (kT)^{2m} F^{(2m)}`` and
    ``partial[m] = sum_{j <= m} terms[j]``, both (M + 1, ...).
    """
    derivs = np.asarray(derivs, dtype=float)
    M = derivs.shape[0] - 1
    c = sommerfeld_coefficients(M) * kT ** (2 * np.arange(M + 1))
    terms = c.reshape((-1,) + (1,) * (derivs.ndim - 1)) * derivs
    return terms, np.cumsum(terms, axis=0)


__all__ = ["X_CUT", "convolve", "fermi", "sommerfeld", "sommerfeld_coefficients", "window"]
