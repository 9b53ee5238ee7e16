"""The Fermi-window rule for few energies (symenh.integrate.fermi_smear.smear) against mpmath.

The reference is the convolution int dx w(x) F_0(mu + kT x), w = -f', by mpmath's tanh-sinh quadrature at
30 digits (split at the listed breakpoint): nothing of the Gauss rules for w is used.  Each estimate must
cover the true error, the converged ones must be small, and an analytic F_0 must need few energies."""

import mpmath as mp
import numpy as np
import pytest

from symenh.integrate.fermi_smear import smear, window_reach

MU, KT = 0.1, 0.01


def _ref(F, kink=None, X=80):
    with mp.workdps(30):
        def w(x):
            return 1 / (4 * mp.cosh(x / 2) ** 2)
        pts = sorted({-X, -20, -5, 0, 5, 20, X} | ({float((kink - MU) / KT)} if kink is not None else set()))
        return float(mp.quad(lambda x: w(x) * F(MU + KT * x), pts))


CASES = {
    # analytic on the window, poles at E = 0.1 +- 0.05 i (5 kT away): slow geometric convergence
    "lorentzian": (lambda E: 1 / (1 + ((E - 0.1) / 0.05) ** 2), None),
    # a power law in E (like the large-mu tails of the factors), analytic on the window
    "power": (lambda E: (E + 1.2) ** -1.5, None),
    # a band edge 2 kT above mu: zero below it, linear and curved above, the edge listed as a breakpoint
    "edge": (lambda E: (E - 0.12) * (1 + 3 * (E - 0.12)) if E > 0.12 else 0 * E, 0.12),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("tol", [1e-6, 1e-10])
def test_window_rule_against_mpmath_and_its_estimate_covers_the_error(name, tol):
    F, kink = CASES[name]

    def fn(E):
        v = np.array([float(F(mp.mpf(E)))])
        return v, 1e-16 * np.abs(v)

    val, err, used = smear(fn, MU, KT, np.zeros(1, int), tol, breakpoints=() if kink is None else (kink,))
    ref = _ref(F, kink)
    true = abs(val[0] - ref)
    assert true <= err[0], (name, tol, true, err[0])
    if name != "lorentzian":   # poles 5 kT from the real axis: 24 nodes do not reach 1e-6 (a wide estimate)
        assert err[0] <= 10 * tol * max(abs(ref), 1e-300) + 1e-15, (name, tol, err[0])
    assert used <= 100


def test_unlisted_kink_is_not_hidden():
    """A band edge not given as a breakpoint: the rule does not converge geometrically; the estimate must
    still cover the true error (it is wide, not small)."""
    def F(E):
        return (E - 0.12) if E > 0.12 else 0 * E

    def fn(E):
        v = np.array([float(F(mp.mpf(E)))])
        return v, 1e-16 * np.abs(v)

    val, err, _ = smear(fn, MU, KT, np.zeros(1, int), 1e-10)
    assert abs(val[0] - _ref(F, 0.12)) <= err[0]
    assert err[0] > 1e-10 * abs(val[0])


def test_the_window_is_cut_where_its_weight_is_below_the_tolerance():
    """window_reach(tol): the weight beyond is below 1e-5 tol (2 f(X) ~ 2 e^-X)."""
    for tol in (1e-4, 1e-8, 1e-12):
        X = window_reach(tol)
        assert 2 * np.exp(-X) < 1e-5 * tol and X <= 80


@pytest.mark.parametrize("width, tol", [(0.1, 1e-8), (0.15, 1e-10)])
def test_geometric_acceptance_covers_the_true_error(width, tol):
    """Lorentzians 10 and 15 kT wide: the 24-node rule still changes by more than tol, but two doublings
    show geometric convergence, and the rule is accepted with error d * rho (the branch the user path's
    k^2-mass model at 100 K takes).  The estimate must cover the true error and be small (below 10 tol: the
    unconverged fallback 2 (d + d_prev) is orders larger here)."""
    def F(E):
        return 1 / (1 + ((E - 0.1) / width) ** 2)

    def fn(E):
        v = np.array([float(F(mp.mpf(E)))])
        return v, 1e-16 * np.abs(v)

    val, err, used = smear(fn, MU, KT, np.zeros(1, int), tol)
    ref = _ref(F)
    assert abs(val[0] - ref) <= err[0]
    assert err[0] <= 10 * tol * abs(ref) and used == 45
