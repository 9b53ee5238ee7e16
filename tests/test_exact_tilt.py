"""The exact tilt: sigma at the finite alpha, odd in alpha, linear + alpha^3 = exact to O(alpha^5),
exact -> linear as alpha -> 0; quadrature (contours / finite-T rays) and grid (tilted occupations)."""

import numpy as np
import pytest

from symenh.params import PAPER
from symenh.responses import closed_form_thermal as ct
from symenh.responses import grid_thermal as gt
from symenh.responses import quadrature_thermal as qt
from symenh.responses.thermal import make_job, sigma_thermal

D = abs(PAPER.Delta_eV)
MU = D * np.array([1.2, 2.0, 4.0])
CASES = {"tilted-dirac": ("bcd", "enh-t"), "pt-dirac": ("inh", "enh-pt", "inh-full")}


def _exact(model, a, kT, mu=MU):
    job = make_job(model, "bcd", mu, params=PAPER.replace(alpha_over_hbar_v=a))
    return qt.compute_mechanisms(job, kT, CASES[model], "exact")


@pytest.mark.parametrize("kT", [0.0, 0.01])
@pytest.mark.parametrize("model", list(CASES))
def test_exact_is_odd_in_alpha(model, kT):
    plus, minus = _exact(model, 0.1, kT), _exact(model, -0.1, kT)
    for mech in CASES[model]:
        (p, ep), (m, em) = plus[mech], minus[mech]
        assert np.all(np.max(np.abs(p + m).reshape(len(MU), -1), axis=1) <= ep + em), mech
        assert np.max(np.abs(p)) > 0


@pytest.mark.parametrize("kT", [0.0, 0.01])
@pytest.mark.parametrize("model", list(CASES))
def test_linear_plus_cubic_agrees_to_fifth_order(model, kT):
    """residual = exact - (linear + cubic) scales as alpha^5: halving alpha divides it by 32."""
    res = {}
    for a in (0.1, 0.05):
        ex = _exact(model, a, kT)
        for mech in CASES[model]:
            job = make_job(model, mech, MU, params=PAPER.replace(alpha_over_hbar_v=a))
            c, ec = ct.compute(job, kT, "cubic")
            e, ee = ex[mech]
            i = (slice(None),) + np.unravel_index(np.argmax(np.abs(c[1])), c.shape[1:])
            r = e[i] - c[i]
            assert np.all(np.abs(r) > 100 * (ee + ec)), (mech, a, r, ee, ec)   # resolved
            res[(mech, a)] = r
    for mech in CASES[model]:
        ratio = res[(mech, 0.1)] / res[(mech, 0.05)]
        assert np.all((ratio > 30) & (ratio < 34)), (mech, ratio)


@pytest.mark.parametrize("model", list(CASES))
def test_exact_tends_to_linear(model):
    """(exact - linear)/linear = O(alpha^2): < 1e-3 at alpha/hbar v = 0.01, and 4x smaller at half alpha."""
    dev = {}
    for a in (0.02, 0.01):
        ex = _exact(model, a, 0.0)
        for mech in CASES[model]:
            job = make_job(model, mech, MU, params=PAPER.replace(alpha_over_hbar_v=a))
            lin, _ = ct.compute(job, 0.0)
            i = (slice(None),) + np.unravel_index(np.argmax(np.abs(lin[1])), lin.shape[1:])
            dev[(mech, a)] = (ex[mech][0][i] - lin[i]) / lin[i]
    for mech in CASES[model]:
        assert np.all(np.abs(dev[(mech, 0.01)]) < 1e-3)
        ratio = dev[(mech, 0.02)] / dev[(mech, 0.01)]
        assert np.all((ratio > 3.8) & (ratio < 4.2)), (mech, ratio)


@pytest.mark.parametrize("model,mech", [("pt-dirac", "inh-full"), ("tilted-dirac", "enh-t")])
def test_grid_exact_at_temperature(model, mech):
    job = make_job(model, mech, MU[[0, 2]])
    g, eg = gt.compute(job, 0.01, "exact")
    q, eq = qt.compute(job, 0.01, "exact")
    assert np.all(np.max(np.abs(g - q).reshape(2, -1), axis=1) <= eg + eq)
    lin, _ = qt.compute(job, 0.01, "linear")
    assert np.all(np.max(np.abs(g - lin).reshape(2, -1), axis=1) > 10 * (eg + eq))   # exact != linear, resolved


def test_grid_exact_at_zero_temperature():
    job = make_job("tilted-dirac", "bcd", [4.0 * D])
    g, eg = gt.compute(job, 0.0, "exact")
    q, eq = qt.compute(job, 0.0, "exact")
    assert np.max(np.abs(g - q)) <= eg[0] + eq[0]


def test_order_choices_per_method():
    from symenh.errors import ResponseError
    with pytest.raises(ResponseError, match="^order"):
        sigma_thermal("pt-dirac", "inh", 0.1, order="exact", method="closed-form")
    with pytest.raises(ResponseError, match="^order"):
        sigma_thermal("pt-dirac", "inh", 0.1, order="cubic", method="grid")
    with pytest.raises(ResponseError, match="^order"):
        sigma_thermal("pt-dirac", "inh", 0.1, order="quadratic")
    assert sigma_thermal("pt-dirac", "inh", 0.1, order="exact", method="quadrature").json_fields()["order"] \
        == "exact in alpha"
