"""The lattice regularisation converges to the continuum model with the B k^2 s_z term as a -> 0, for every
mechanism, at the rate derived here.  The continuum model is a k.p user model run through the k.p grid
path (Cartesian Fermi box, circular-window Fermi sea with its radial tail): none of the zone machinery.

Rate.  With sin(k a)/a = k - a^2 k^3/6 + O(a^4) and (2/a^2)(1 - cos k a) = k^2 - a^2 k^4/12 + O(a^4), the
lattice Hamiltonian is H_cont + a^2 P(k) + O(a^4 k^6) with P a fixed polynomial (physics.md section 9,
symenh.models.examples).  A Fermi-surface factor (BCD's dD/dalpha, INH's X, ENH(T)'s A and C) is an
integral over a fixed pocket (radius k_F ~ 0.25 /nm here), so it changes by a^2 times a fixed number plus
O(a^4): **O(a^2)**, i.e. the differences from the continuum at a and a/2 have the ratio 4 up to the relative
O(a^2 k_0^2) of the next order (k_0 ~ 1 /nm, the scale of S and the pocket; < 10 % here).  ENH(PT) also has
the filled-sea factor B0 = sum int f S, whose integrand reaches to the zone boundary k ~ pi/a: there the
continuum S falls as hbar v / (B^2 k^4) pointwise (its angular average as 1/k^6), and the lattice
correction a^2 k^2 S is not isotropic, so it escapes the angular cancellation: int^{1/a} d^2k a^2 k^2 / k^4
= a^2 ln(1/a) + ...: **O(a^2 ln(1/a))**, differences of the form a^2 (c ln(1/a) + d).  The test fits c, d
at a = 1, 0.5 nm and predicts a = 0.25 nm.
"""

import numpy as np
import pytest

import symenh
from symenh.models.examples import k2_tilted_dirac, lattice_tilted_dirac

VALS = {"Delta": 0.05, "hbar_v_x": 0.3, "hbar_v_y": 0.3, "B": 0.3, "alpha": 0.03}
OPTS = {"kT_fractions": (1 / 16, 1 / 20, 1 / 24, 1 / 28)}
MU = [0.1]        # 2 Delta: a closed pocket around Gamma, k_F ~ 0.25 /nm


def _pair(mech, a):
    """(continuum result, lattice result at a) for one valley (xi = +1: every mechanism allowed)."""
    cont = symenh.sigma(k2_tilted_dirac(1), mech, MU, method="grid", model_values=VALS, **OPTS)
    lat = symenh.sigma(lattice_tilted_dirac(a, 1), mech, MU, method="grid", model_values=VALS, **OPTS)
    return cont, lat


def _diff(mech, a):
    cont, lat = _pair(mech, a)
    s0 = cont.sigma.ravel()
    j = int(np.argmax(np.abs(s0)))
    d = lat.sigma.ravel()[j] - s0[j]
    return d, float(cont.error_estimate[0] + lat.error_estimate[0]), abs(s0[j])


@pytest.mark.parametrize("mech", ["bcd", "inh", "enh-t"])
def test_fermi_surface_mechanisms_converge_as_a_squared(mech):
    d1, e1, scale = _diff(mech, 0.5)
    d2, e2, _ = _diff(mech, 0.25)
    assert abs(d2) < 1e-3 * scale                      # the limit is the continuum model's number
    assert e1 < 0.25 * abs(d1) and e2 < 0.25 * abs(d2)  # the estimates resolve the differences
    assert np.sign(d1) == np.sign(d2)
    assert 3.6 <= d1 / d2 <= 4.4                       # O(a^2): ratio 4 (1 +- 0.1)
    lo, hi = (abs(d1) - e1) / (abs(d2) + e2), (abs(d1) + e1) / (abs(d2) - e2)
    assert lo <= 4.4 and hi >= 3.6                     # and so within the estimates
    assert not (lo <= 2.0 <= hi) and not (lo <= 8.0 <= hi)   # O(a) and O(a^3) excluded


def test_enh_pt_converges_as_a_squared_log_a():
    d = {a: _diff("enh-pt", a) for a in (1.0, 0.5, 0.25)}
    for x, e, _scale in d.values():
        assert e < 0.01 * abs(x)
    y = {a: abs(d[a][0]) / a**2 for a in d}          # = c ln(1/a) + d_0
    c = (y[0.5] - y[1.0]) / np.log(2.0)
    d0 = y[1.0]
    predicted = 0.25**2 * (c * np.log(4.0) + d0)
    assert c > 0                                      # the logarithm is there (a pure a^2 would give c = 0)
    assert abs(abs(d[0.25][0]) - predicted) <= 0.03 * predicted
    assert abs(d[0.25][0]) < 0.03 * d[0.25][2]        # and the limit is the continuum model's number
