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
A band edge within a few kT of mu makes F_0 non-analytic on the window: the rules then converge
slowly and the error (the change between the last two rules at ``n_max``) says so.

The recurrence coefficients of w come from the discretised Stieltjes procedure on a trapezoid
grid (|x| <= 80, step 0.01: spectrally accurate for this analytic weight, whose tails beyond 80
carry 2e-35), the rule from the Golub-Welsch eigenproblem.  Energies in eV.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .fermi_window import window

_U = 2.0 ** -53


@lru_cache(maxsize=16)
def fermi_gauss(n: int):
    """Nodes x (n,) and weights (n,) (sum 1) of the n-point Gauss rule for w(x) = -f'(x) on R."""
    x = np.linspace(-80.0, 80.0, 16001)
    w = window(x) * (x[1] - x[0])
    p_prev, p = np.zeros_like(x), np.ones_like(x) / np.sqrt(np.sum(w))
    b = []
    for _ in range(n):                          # the weight is even: every a_k = 0
        q = x * p - (b[-1] if b else 0.0) * p_prev
        norm = np.sqrt(np.sum(w * q * q))
        b.append(norm)
        p_prev, p = p, q / norm
    J = np.diag(b[:n - 1], 1) + np.diag(b[:n - 1], -1)
    nodes, vec = np.linalg.eigh(J)
    return nodes, vec[0] ** 2


def smear(fn, mu: float, kT: float, groups, tol: float, *, n0: int = 3, n_max: int = 24):
    """``int dx w(x) F_0(mu + kT x)`` and its error (module docstring).

    ``fn(E)`` -> (values (m,), point errors (m,)) of F_0 at one energy E (eV); ``mu`` (eV), ``kT`` > 0
    (eV); ``groups`` (m,) block index of every entry (each block converges to ``tol`` of its own scale
    ``max |F_0|`` on the nodes).  Returns (value (m,), error (m,), number of energies used)."""
    groups = np.asarray(groups)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    n, used, prev = int(n0), 0, None
    while True:
        x, w = fermi_gauss(n)
        vals, errs = zip(*(fn(float(mu + kT * xi)) for xi in x))
        vals, errs = np.stack(vals), np.stack(errs)
        used += n
        I = w @ vals
        noise = w @ errs + 16 * _U * (w @ np.abs(vals))
        if prev is not None:
            d = np.abs(I - prev)
            scale = np.zeros(n_groups)
            np.maximum.at(scale, groups, np.max(np.abs(vals), axis=0))
            if np.all((d <= tol * scale[groups]) | (d <= 2 * noise)) or 2 * n > n_max:
                return I, d + noise, used
        prev = I
        n *= 2


__all__ = ["fermi_gauss", "smear"]
