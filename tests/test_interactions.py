"""The interaction V(q): values against the formulas written out, eps_r divides every kind, the
screened Coulomb form tends to e^2/(2 eps_0 eps_r q_s) = 2 pi V_0 at q << q_s, the three
evaluators agree, and bad interactions are refused in one line."""

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy import constants as c

from symenh.errors import InputTypeError, ParameterError, SymenhError
from symenh.interactions import Q, contact, make_interaction, screened_coulomb, user_interaction

E2_4PIEPS0 = c.e / (4 * np.pi * c.epsilon_0) * 1e9   # eV nm


def test_contact_is_the_paper_value_and_eps_r_divides():
    v = contact(0.2)
    assert v.V0_eV_nm2 == pytest.approx(7.1998, rel=1e-4)        # paper: 7.2 eV nm^2 at q_s = 0.2/nm
    assert np.all(v.V(np.array([0.0, 1.0, 100.0])) == v.V0_eV_nm2) and v.is_uniform
    assert contact(0.2, eps_r=4).V0_eV_nm2 == pytest.approx(v.V0_eV_nm2 / 4, rel=1e-15)


def test_screened_coulomb_formula_limits_and_evaluators():
    v = screened_coulomb(0.3, eps_r=2.5)
    q = np.array([0.0, 0.1, 1.0, 10.0])
    expect = c.e**2 / (2 * c.epsilon_0 * 2.5 * (q + 0.3) * 1e9) / c.e * 1e18   # J m^2 -> eV nm^2
    assert np.allclose(v.V(q), expect, rtol=1e-13)
    assert v.V(0.0) == pytest.approx(2 * np.pi * contact(0.3, 2.5).V0_eV_nm2, rel=1e-14)   # not V_0 itself
    with mp.workdps(30):
        assert float(v.V_mp(mp.mpf("1.0"))) == pytest.approx(float(v.V(1.0)), rel=1e-15)
    assert float(v.expression().subs(Q, 1.0)) == pytest.approx(float(v.V(1.0)), rel=1e-15)
    assert not v.is_uniform and v.V0_eV_nm2 is None
    assert v.describe() == {"kind": "screened-coulomb", "eps_r": 2.5, "q_s_per_nm": 0.3}


def test_user_interactions_callable_and_sympy():
    const = user_interaction(lambda q: 7.0 + 0.0 * q, eps_r=2.0)
    assert np.allclose(const.V(np.array([0.0, 3.0])), 3.5)
    with mp.workdps(25):
        assert float(const.V_mp(2)) == 3.5
    yuk = user_interaction(5.0 / (Q + 1) ** 2)
    assert yuk.V(1.0) == pytest.approx(1.25) and float(yuk.V_mp(1)) == pytest.approx(1.25, rel=1e-20)
    assert make_interaction(yuk) is yuk


@pytest.mark.parametrize("bad, match", [
    (lambda: make_interaction("yukawa"), r"^interaction: unknown interaction 'yukawa'; allowed: contact, screened"),
    (lambda: screened_coulomb(0.0), r"^q_s: must be a finite positive"),
    (lambda: screened_coulomb(0.2, eps_r=-1), r"^eps_r: must be a finite positive"),
    (lambda: contact(float("nan")), r"^q_s: "),
    (lambda: user_interaction(lambda q: 1.0 / q), r"^interaction: V\(q\) is not finite at q = 0/nm"),
    (lambda: user_interaction(lambda q: np.where(q > 50, np.nan, 1.0)), r"^interaction: V\(q\) is not finite at q = 5"),
    (lambda: user_interaction(sp.Symbol("a") / (Q + 1)), r"^interaction: V\(q\) may depend on .*Q only, not on a"),
])
def test_bad_interactions_are_one_line_errors(bad, match):
    with pytest.raises(SymenhError, match=match) as info:
        bad()
    assert "\n" not in str(info.value)


def test_wrong_types():
    with pytest.raises(InputTypeError, match="^q_s: must be a real number"):
        screened_coulomb("0.2")
    with pytest.raises(InputTypeError, match="^eps_r: "):
        contact(0.2, eps_r=True)
    with pytest.raises(InputTypeError, match="^interaction: a user V must be a callable"):
        user_interaction(3.0)
    with pytest.raises(ParameterError):
        make_interaction("contact", q_s_per_nm=-1)
