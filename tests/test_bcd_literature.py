"""BCD of the tilted massive Dirac cone against the literature closed form (physics.md 3).

For one valley of a tilted massive Dirac cone (tilt t along y, first order in t,
mu > |Delta|) the Berry curvature dipole along the tilt is

    D_y = -3 t Delta (mu^2 - Delta^2) / (8 pi mu^4)        (independent of v)

for the chirality of H_T's xi = +1 valley.  With symenh's Omega convention
(Omega_N = -2 Im sum Tr(P_N v^x P_M v^y)/(E_N - E_M)^2) the closed form gives the SAME
sign: no sign difference to report.  The test compares symbolically (sign included),
for a general real Delta (either sign), with t = alpha.
"""

import numpy as np
import sympy as sp

from symenh.integrate.symbolic import EF, MU
from symenh.models import ALPHA, DELTA, HVX, HVY, tilted_dirac
from symenh.params import PAPER
from symenh.responses import api
from symenh.responses.closed_form import TAU_OVER_HBAR, branch_expressions, factor_expressions
from symenh.units import sigma_to_si


def literature_D(mu, t, delta):
    return -3 * t * delta * (mu**2 - delta**2) / (8 * sp.pi * mu**4)


#: the literature formula is for positive velocities (a negative one flips the chirality and
#: the closed forms carry sign(hbar v_x) sign(hbar v_y)); compare with positive velocity symbols
POSITIVE_V = {HVX: sp.Symbol("hbar_v_x", positive=True), HVY: sp.Symbol("hbar_v_y", positive=True)}


def test_bcd_dipole_xi_plus_equals_literature_sign_included():
    f = factor_expressions(tilted_dirac(1))["conduction"]
    D_y = (ALPHA * f["D1"][1].subs(EF, MU)).subs(POSITIVE_V)  # linear order: alpha * dD/dalpha
    assert sp.simplify(D_y - literature_D(MU, ALPHA, DELTA)) == 0
    assert sp.simplify(f["D1"][0]) == 0  # no dipole across the tilt
    assert not D_y.free_symbols & set(POSITIVE_V.values())  # independent of v, as the literature says


def test_opposite_chirality_with_opposite_tilt_adds():
    """xi = -1: chirality flipped (sign of D flips) and tilt flipped (sign flips again)."""
    f = factor_expressions(tilted_dirac(-1))["conduction"]
    D_y = (ALPHA * f["D1"][1].subs(EF, MU)).subs(POSITIVE_V)
    # xi = -1 has tilt -alpha and the opposite chirality: D = -literature(t = -alpha)
    assert sp.simplify(D_y + literature_D(MU, -ALPHA, DELTA)) == 0


def test_sigma_bcd_is_tau_over_hbar_eps_D_of_both_valleys():
    expr = {k: e.subs(POSITIVE_V) for k, e in branch_expressions("tilted-dirac", "bcd", "conduction").items()}
    D_total = 2 * literature_D(MU, ALPHA, DELTA)
    assert sp.simplify(expr["xyy"] - TAU_OVER_HBAR * D_total) == 0
    assert sp.simplify(expr["yxy"] + TAU_OVER_HBAR * D_total) == 0


def test_numeric_bcd_matches_literature_for_negative_delta():
    p = PAPER.replace(Delta_eV=-0.05)
    mu = np.array([0.06, 0.1, 0.4])
    res = api.sigma("tilted-dirac", "bcd", mu, params=p)
    alpha, delta = p.alpha_eV_nm, p.Delta_eV
    D = np.array([float(2 * literature_D(m, alpha, delta)) for m in mu])
    expected = sigma_to_si(p.tau_over_hbar_per_eV * D)
    np.testing.assert_allclose(res.element("xyy"), expected, rtol=1e-12)
    np.testing.assert_allclose(res.element("yxy"), -expected, rtol=1e-12)
