"""Richardson extrapolation of a sequence computed at shrinking steps h -> 0.

For an even expansion ``F(h) = F(0) + c_1 h^2 + c_2 h^4 + ...`` (a central difference
quotient ``[f(h) - f(-h)] / (2 h)`` is one), the Neville-type tableau

    T[i][0] = F(h_i),
    T[i][k] = T[i][k-1] + (T[i][k-1] - T[i-1][k-1]) / ((h_{i-k} / h_i)^p - 1)

(Neville's polynomial extrapolation in x = h^p to x = 0) removes one power
``h^(p k)`` per column (``p = 2`` for even expansions); any decreasing steps.  The
best value is the last diagonal entry; its error estimate is the larger of its
distance to the entry left of it and to the previous diagonal entry (the usual
conservative choice).  Steps may differ per batch entry (broadcast).
:func:`richardson_check` tests whether the tableau shows the expected convergence (each
diagonal correction smaller than the previous one); where it does not, the estimate above
is not to be trusted and its ``spread`` (distance of the best value from every tableau
entry) is the honest one.
"""

from __future__ import annotations

import numpy as np

__all__ = ["richardson", "richardson_check", "richardson_weights"]


def _tableau(values, hs, power):
    values = np.asarray(values)
    hs = np.asarray(hs, dtype=float)
    n = values.shape[0]
    if hs.shape[0] != n or n < 1:
        raise ValueError("richardson: need as many steps as values (>= 1)")
    # broadcast steps against the trailing axes of values
    hs = hs.reshape(hs.shape + (1,) * (values.ndim - hs.ndim))
    T = [[values[i]] for i in range(n)]
    for i in range(1, n):
        for k in range(1, i + 1):
            r = (hs[i - k] / hs[i]) ** power
            T[i].append(T[i][k - 1] + (T[i][k - 1] - T[i - 1][k - 1]) / (r - 1.0))
    return T


def richardson(values, hs, power: int = 2):
    """Extrapolate ``values[i] = F(hs[i])`` to h = 0.

    Parameters
    ----------
    values : array (n, ...) of F at the steps (any trailing batch shape).
    hs : array (n,) or (n, *batch-prefix) of step sizes, decreasing in magnitude.
    power : the expansion is in h^power, h^(2 power), ... (2 for central differences).

    Returns ``(value, error)``, both of the trailing shape of ``values``; ``error`` is
    the truncation-error estimate (0 when only one value is given).
    """
    T = _tableau(values, hs, power)
    n = len(T)
    best = T[n - 1][n - 1]
    if n == 1:
        return best, np.zeros_like(np.abs(best))
    err = np.maximum(np.abs(best - T[n - 1][n - 2]), np.abs(best - T[n - 2][n - 2]))
    return best, err


def richardson_weights(hs, power: int = 2):
    """Weights w_i with ``richardson(values, hs)[0] == sum_i w_i values[i]`` (shape of hs).

    Used to propagate independent errors of the values: ``sum_i |w_i| err_i``.
    """
    hs = np.asarray(hs, dtype=float)
    n = hs.shape[0]
    eye = np.eye(n).reshape((n, n) + (1,) * (hs.ndim - 1))
    eye = np.broadcast_to(eye, (n, n) + hs.shape[1:])
    # values[i] = e_m (unit vector along a new trailing axis m)
    vals = np.moveaxis(eye, 1, -1)  # (n, *batch, n)
    best, _ = richardson(vals, hs, power)
    return np.moveaxis(best, -1, 0)


def richardson_check(values, hs, power: int = 2, noise=0.0, ratio: float = 0.5):
    """Does the tableau show the convergence an expansion in h^power promises?

    The successive diagonal corrections ``d_k = |T[k][k] - T[k-1][k-1]|`` of a converging
    extrapolation shrink geometrically (each removes one more power of h^power); here each
    must be at most ``ratio`` times the previous one plus ``noise`` (the level below which
    the values cannot be told apart: roundoff, other errors of the values).  With fewer than
    three values there is nothing to compare and the check passes.

    Returns ``(ok, spread)`` of the trailing shape of ``values``: ``ok`` True where every
    correction shrinks; ``spread`` the largest distance of the best value from any tableau
    entry (the raw values included) -- an honest error estimate where ``ok`` is False.
    """
    T = _tableau(values, hs, power)
    n = len(T)
    best = T[n - 1][n - 1]
    spread = np.zeros_like(np.abs(best))
    for row in T:
        for entry in row:
            spread = np.maximum(spread, np.abs(best - entry))
    ok = np.ones(np.shape(best), dtype=bool)
    if n >= 3:
        d = [np.abs(T[k][k] - T[k - 1][k - 1]) for k in range(1, n)]
        for k in range(1, len(d)):
            ok &= d[k] <= ratio * d[k - 1] + noise
    return ok, spread
