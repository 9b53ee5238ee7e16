r"""One assembly for every order and temperature: the five mechanisms, their alpha series, error bounds.

Extends :mod:`symenh.responses.spec` (which it reuses unchanged for bcd, inh, enh-t, enh-pt)
by the mechanism ``inh-full``, the full intrinsic second-order conductivity derived in
``derivations/inh_full_intrinsic.py`` (docs/derivations/inh_full_intrinsic.md): besides the
Berry-curvature term of the field-corrected Berry connection (the paper's ``inh``) it carries
the second-order band-energy correction ``eps^(2)_N = -(e^2/2) E^a G^{ab}_N E^b`` in the band
velocity.  With the occupations relaxing towards ``f0(eps0)`` (``occupation="bare"``, the
default) the energy term adds

    delta sigma^{cab} = -(e^3 / (2 hbar)) sum_N int G^{ab}_N d_c f_N = -(1/2) X^{cba},

so, with ``T^{cab} = X^{cba}`` (units e^3/hbar nm/eV, X of spec.py),

    sigma_INH^{cab}      = T^{cab} - T^{acb}           (antisymmetric in c, a: Hall)
    sigma_INH-full^{cab} = (1/2) T^{cab} - T^{acb}     (not antisymmetric: a non-Hall part).

With the occupations following the field-corrected energy, ``f0(eps0 + eps^(2))``
(``occupation="field-corrected"``), the energy term is a total derivative and drops out:
``inh-full`` then equals ``inh`` exactly.  Both follow from the same factor X, so every path
that computes X (closed form, quadrature, grid; T = 0 or T > 0; linear, cubic or exact in
alpha) computes ``inh-full`` too; it is the same in both sign conventions (odd in the charge
like ``inh``).

The alpha series.  Every factor F is linear in the occupations; a path supplies its alpha
derivatives ``F^(n) = d^n F / d alpha^n`` at alpha = 0 (a list ``[F^(0), F^(1), ...]`` of
factor dicts).  :func:`sigma_derivative` forms ``d^n sigma / d alpha^n`` (linear mechanisms:
the assembly of F^(n); ENH, bilinear: Leibniz ``sum_k C(n, k) A^(k) O^(n-k)``).  The linear
order is ``alpha sigma^(1)``, the cubic term ``alpha^3 sigma^(3) / 6`` (sigma is odd in alpha).

Error bounds.  :func:`error_bound` bounds the change of every raw element when each factor
entry moves by at most its given absolute error (the assembly with all coefficients replaced
by their absolute values; exact for the bilinear terms including the product of errors).
"""

from __future__ import annotations

from math import comb

import numpy as np

from .spec import FACTORS, LEVI_CIVITA, MECHANISMS, OCCUPATIONS, Prefactors, check_choice, sigma_from_factors

#: every mechanism of the thermal/exact-tilt paths: the paper's four and the full intrinsic one
#: (spec.MECHANISMS holds inh-full now; kept as a name for the callers)
MECHANISMS_ALL = MECHANISMS
#: factors each mechanism needs (spec.FACTORS, inh-full included: it needs only X)
FACTORS_ALL = FACTORS
#: factor name -> shape of its own indices (spec.py table)
FACTOR_SHAPES = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}
LINEAR_MECHANISMS = ("bcd", "inh", "inh-full")


def check_mechanism(mechanism: str) -> str:
    """``mechanism`` if it is one of :data:`MECHANISMS_ALL`, else a one-line ResponseError."""
    return check_choice("mechanism", mechanism, MECHANISMS_ALL)


def sigma_of(mechanism: str, factors: dict, pre: Prefactors, exchange: str = "same",
             occupation: str = "bare") -> np.ndarray:
    """Raw sigma^{cab} (e^3/hbar nm/eV) from the factors at one alpha, any temperature.

    Same conventions as :func:`symenh.responses.spec.sigma_from_factors` (leading component
    axis, batch axes, then the factor's indices); adds ``inh-full`` (module docstring).
    Returns (*batch, 2, 2, 2) indexed [c][a][b].
    """
    check_mechanism(mechanism)
    check_choice("occupation", occupation, OCCUPATIONS)
    return sigma_from_factors(mechanism, factors, pre, exchange, occupation)


def sigma_derivative(mechanism: str, derivs, n: int, pre: Prefactors, exchange: str = "same",
                     occupation: str = "bare") -> np.ndarray:
    """d^n sigma / d alpha^n at alpha = 0 from ``derivs[k]`` = {factor: F^(k)} (k = 0..n).

    Units e^3/hbar nm/eV per (eV nm)^n.  Linear mechanisms use F^(n) only; ENH uses
    Leibniz' rule over its two factors.
    """
    check_mechanism(mechanism)
    if mechanism in LINEAR_MECHANISMS:
        return sigma_of(mechanism, derivs[n], pre, exchange, occupation)
    a, b = FACTORS_ALL[mechanism]
    out = 0.0
    for k in range(n + 1):
        out = out + comb(n, k) * sigma_from_factors(mechanism, {a: derivs[k][a], b: derivs[n - k][b]}, pre,
                                                    exchange)
    return out


def linear_term(mechanism, derivs, alpha, pre, exchange="same", occupation="bare"):
    """alpha * d sigma / d alpha at 0 (the linear order of spec.linear_sigma), raw units."""
    return alpha * sigma_derivative(mechanism, derivs, 1, pre, exchange, occupation)


def cubic_term(mechanism, derivs, alpha, pre, exchange="same", occupation="bare"):
    """alpha^3 / 6 * d^3 sigma / d alpha^3 at 0 (the next odd order), raw units."""
    return alpha ** 3 / 6.0 * sigma_derivative(mechanism, derivs, 3, pre, exchange, occupation)


# ---------------------------------------------------------------------------
# error propagation through the assembly
# ---------------------------------------------------------------------------

def _abs_linear(mechanism, dF, pre: Prefactors, exchange):
    """|sigma| assembled from |dF| with every coefficient made positive (linear mechanisms)."""
    if mechanism == "bcd":
        D = np.sum(np.abs(dF["D"]), axis=0)
        return abs(pre.tau_over_hbar) * np.einsum("ca,...b->...cab", np.abs(LEVI_CIVITA), D)
    T = np.swapaxes(np.sum(np.abs(dF["X"]), axis=0), -1, -2)
    w = 0.5 if mechanism == "inh-full" else 1.0
    return w * T + np.swapaxes(T, -3, -2)


def _abs_bilinear(mechanism, A, O, pre: Prefactors, exchange):
    """Elementwise bound of |sum_eta A O - (c <-> a)| from non-negative A, O (ENH)."""
    if exchange == "all":
        A, O = A.sum(axis=0, keepdims=True), O.sum(axis=0, keepdims=True)
    T = np.einsum("v...cea,v...eb->...cab", A, O)
    scale = abs(pre.V0) * (abs(pre.tau_over_hbar) if mechanism == "enh-t" else 1.0)
    return scale * (T + np.swapaxes(T, -3, -2))


def error_bound(mechanism: str, terms, pre: Prefactors, exchange: str = "same") -> np.ndarray:
    """Elementwise bound (*batch, 2, 2, 2) on the error of a sum of assembled terms.

    ``terms``: list of (coefficient, values, errors) with ``values``/``errors`` factor dicts
    (errors >= 0, same shapes; for a linear mechanism ``values`` may be None).  A linear
    mechanism contributes |coefficient| * |L|(errors); an ENH product term A O contributes
    |coefficient| * (|A| dO + dA |O| + dA dO).
    """
    total = 0.0
    for coef, vals, errs in terms:
        if mechanism in LINEAR_MECHANISMS:
            total = total + abs(coef) * _abs_linear(mechanism, errs, pre, exchange)
            continue
        a, b = FACTORS_ALL[mechanism]
        Av, Ov = np.abs(vals[a]), np.abs(vals[b])
        dA, dO = np.abs(errs[a]), np.abs(errs[b])
        total = total + abs(coef) * (_abs_bilinear(mechanism, Av, dO, pre, exchange)
                                     + _abs_bilinear(mechanism, dA, Ov, pre, exchange)
                                     + _abs_bilinear(mechanism, dA, dO, pre, exchange))
    return total


def derivative_error_terms(mechanism: str, derivs, errs, n: int):
    """The (coefficient, values, errors) terms of :func:`error_bound` for sigma^(n)."""
    if mechanism in LINEAR_MECHANISMS:
        return [(1.0, None, errs[n])]
    a, b = FACTORS_ALL[mechanism]
    return [(comb(n, k), {a: derivs[k][a], b: derivs[n - k][b]}, {a: errs[k][a], b: errs[n - k][b]})
            for k in range(n + 1)]


def needed_orders(mechanism: str, order_max: int) -> dict:
    """{factor: sorted alpha-derivative orders} a mechanism needs for the terms up to
    ``order_max`` (1: linear; 3: linear and cubic)."""
    odd = [n for n in range(1, order_max + 1) if n % 2]
    if mechanism in LINEAR_MECHANISMS:
        return {FACTORS_ALL[mechanism][0]: odd}
    return {f: list(range(0, order_max + 1)) for f in FACTORS_ALL[mechanism]}


def zero_factors(names, batch_shape=()) -> dict:
    """{name: zeros((1, *batch, *shape))} (one component)."""
    return {n: np.zeros((1,) + tuple(batch_shape) + FACTOR_SHAPES[n]) for n in names}


__all__ = ["FACTORS_ALL", "FACTOR_SHAPES", "MECHANISMS_ALL", "OCCUPATIONS", "check_mechanism", "cubic_term",
           "derivative_error_terms", "error_bound", "linear_term", "needed_orders", "sigma_derivative",
           "sigma_of", "zero_factors"]
