"""symenh.sigma with the settings beyond the paper's (issues 8, 9): eps_r, T, interaction, exchange,
order, inh-full.  Expected values come from independent routes: the closed form called on a Job built
the way the API built it before the settings, closed_form_thermal called directly, the direct
finite-T quadrature (quadrature_thermal), the exchange-field quadrature (responses/exchange.py),
exact scaling laws (V_0 / eps_r) and the O(alpha^5) remainder of the alpha series."""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh import units
from symenh.errors import InputTypeError, ParameterError, ResponseError, SymenhError
from symenh.interactions import Q, screened_coulomb
from symenh.models.paper import paper_valleys
from symenh.params import PAPER
from symenh.responses import closed_form, closed_form_thermal, quadrature_thermal
from symenh.responses.exchange import enh_exchange
from symenh.responses.job import Job
from symenh.responses.spec import FORBIDDEN, MECHANISMS, PAPER_MECHANISMS, Prefactors, enh_sign
from symenh.responses.thermal import make_job
from symenh.temperature import kT_eV

D = abs(PAPER.Delta_eV)
MU = np.array([-0.3, -0.08, 0.0, 0.03, 0.06, 0.1, 0.25, 2.0])
ANISO = PAPER.replace(vy_m_per_s=3e5, Delta_eV=-0.04, tau_ps=0.3, q_s_per_nm=0.5)
ENH = {"tilted-dirac": "enh-t", "pt-dirac": "enh-pt"}


def _old_job(model, mech, mu, params=PAPER, convention="consistent"):
    """The Job as symenh.sigma built it before the settings (V_0 from units.contact_V0_eV_nm2)."""
    pre = Prefactors(params.tau_over_hbar_per_eV, units.contact_V0_eV_nm2(params.q_s_per_nm), enh_sign(convention))
    return Job(model, paper_valleys(model), mech, np.asarray(mu, dtype=float), params, params.symbol_values(), pre,
               convention, "same", {})


# ---------------------------------------------------------------------------
# defaults reproduce the paper's numbers bit for bit
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
@pytest.mark.parametrize("mech", PAPER_MECHANISMS)
@pytest.mark.parametrize("params", [PAPER, ANISO], ids=["paper", "aniso"])
def test_defaults_bit_identical_to_the_previous_call_path(model, mech, params):
    for conv in ("consistent", "printed"):
        new = symenh.sigma(model, mech, MU, params=params, convention=conv)
        raw, err = closed_form.compute_T0(_old_job(model, mech, MU, params, conv))
        np.testing.assert_array_equal(new.sigma, units.sigma_to_si(raw))
        assert err is None and new.error_estimate is None
        obj = new.to_json()
        assert obj["order"] == "linear in alpha" and obj["temperature_K"] == 0.0 == obj["meta"]["temperature_K"]
        assert obj["interaction"] == {"kind": "contact", "eps_r": 1.0, "q_s_per_nm": params.q_s_per_nm,
                                      "V0_eV_nm2": units.contact_V0_eV_nm2(params.q_s_per_nm)}
        assert obj["exchange"] == "printed"
        assert obj["meta"]["fierz_factor"] == "as printed (Eq. 3 without 1/2)"


def test_paper_number_unchanged():
    """sigma_ENH^(PT) yxx at mu = 0.1 eV with the paper's parameters (value as computed by the code before the
    settings existed, which the closed form, quadrature and mpmath paths agree on in tests/test_paths_agree.py)."""
    old = units.sigma_to_si(closed_form.compute_T0(_old_job("pt-dirac", "enh-pt", [0.1]))[0])
    assert symenh.sigma("pt-dirac", "enh-pt", 0.1).element("yxx")[0] == old[0, 1, 0, 0]
    assert symenh.PAPER.V0_eV_nm2 == units.contact_V0_eV_nm2(0.2)


def test_defaults_bit_identical_on_quadrature():
    """The quadrature path with the defaults gives exactly what its compute gives on the old Job."""
    from symenh.responses import quadrature
    mu = [0.07, 0.12]
    new = symenh.sigma("pt-dirac", "enh-pt", mu, method="quadrature")
    out = quadrature.compute(_old_job("pt-dirac", "enh-pt", mu))
    np.testing.assert_array_equal(new.sigma, units.sigma_to_si(out[0]))
    np.testing.assert_array_equal(new.error_estimate, np.asarray(units.sigma_to_si(out[1]), dtype=float))


# ---------------------------------------------------------------------------
# eps_r: divides every interaction, ENH only
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_eps_r_divides_enh_and_leaves_bcd_inh_unchanged(model):
    p4 = PAPER.replace(eps_r=4.0)
    for mech in MECHANISMS:
        a = symenh.sigma(model, mech, MU).sigma
        b = symenh.sigma(model, mech, MU, params=p4).sigma
        if mech in ("enh-t", "enh-pt"):
            np.testing.assert_allclose(4.0 * b, a, rtol=1e-14, atol=0)
            if mech not in FORBIDDEN[model]:
                assert np.max(np.abs(a)) > 0
        else:
            np.testing.assert_array_equal(a, b)
    obj = symenh.sigma(model, ENH[model], [0.1], params=p4).to_json()
    assert obj["interaction"]["eps_r"] == 4.0
    assert obj["interaction"]["V0_eV_nm2"] == pytest.approx(units.contact_V0_eV_nm2(0.2) / 4, rel=1e-15)
    assert obj["params"]["eps_r"] == 4.0


# ---------------------------------------------------------------------------
# temperature
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model,mech", [("pt-dirac", "enh-pt"), ("pt-dirac", "inh"), ("tilted-dirac", "bcd"),
                                        ("tilted-dirac", "enh-t"), ("pt-dirac", "inh-full")])
def test_closed_form_at_temperature_is_closed_form_thermal(model, mech):
    T = 116.0
    mu = D * np.array([0.6, 1.2, 2.0, 4.0])
    res = symenh.sigma(model, mech, mu, params=PAPER.replace(T_K=T))
    raw, err = closed_form_thermal.compute(make_job(model, mech, mu), kT_eV(T))
    np.testing.assert_allclose(res.sigma, units.sigma_to_si(raw), rtol=1e-13, atol=0)
    np.testing.assert_allclose(res.error_estimate, units.sigma_to_si(err), rtol=1e-13)
    assert res.to_json()["temperature_K"] == T and res.meta["temperature_K"] == T
    assert np.max(np.abs(res.sigma[0])) > 0          # mu in the gap: thermally activated, non-zero


@pytest.mark.parametrize("model,mech", [("pt-dirac", "enh-pt"), ("tilted-dirac", "bcd")])
def test_closed_form_at_temperature_agrees_with_direct_quadrature(model, mech):
    """Independent path: momentum integrals with the Fermi function on rays (no convolution)."""
    T, mu = 116.0, D * np.array([1.2, 2.0])
    res = symenh.sigma(model, mech, mu, params=PAPER.replace(T_K=T))
    q, eq = quadrature_thermal.compute(make_job(model, mech, mu), kT_eV(T))
    q, eq = units.sigma_to_si(q), units.sigma_to_si(eq)
    diff = np.max(np.abs(res.sigma - q).reshape(len(mu), -1), axis=1)
    assert np.all(diff <= res.error_estimate + eq), (diff, res.error_estimate, eq)
    assert np.max(np.abs(res.sigma - symenh.sigma(model, mech, mu).sigma)) > 100 * np.max(diff)  # T matters


def test_temperature_from_the_parameter_text():
    p = symenh.params.parse_params(["T=6.6meV", "eps_r=4"])
    assert p.T_K == pytest.approx(6.6e-3 / units.KB_EV_PER_K, rel=1e-12) and p.eps_r == 4.0
    assert symenh.params.parse_params(["T=77K"]).T_K == 77.0


# ---------------------------------------------------------------------------
# order: the alpha^3 term of the closed form against the exact tilt
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model,mech", [("pt-dirac", "enh-pt"), ("tilted-dirac", "bcd"), ("pt-dirac", "inh")])
def test_cubic_order_approaches_the_exact_tilt(model, mech):
    """linear + alpha^3 term vs sigma at the finite alpha (direct quadrature at alpha itself): the remainder
    is O(alpha^5), so it shrinks by ~2^5 when alpha halves, and is far below linear's O(alpha^3) one."""
    mu = D * np.array([1.5, 3.0])
    for a in (0.2, 0.1):
        p = PAPER.replace(alpha_over_hbar_v=a)
        lin = symenh.sigma(model, mech, mu, params=p).sigma
        cub = symenh.sigma(model, mech, mu, params=p, order="cubic")
        assert cub.to_json()["order"] == "linear + cubic in alpha"
        ex, _ = quadrature_thermal.compute(make_job(model, mech, mu, params=p), 0.0, "exact")
        ex = units.sigma_to_si(ex)
        r_lin = np.max(np.abs(ex - lin))
        r_cub = np.max(np.abs(ex - cub.sigma))
        assert r_cub < 0.05 * r_lin, (a, r_cub, r_lin)
        if a == 0.2:
            r_cub_big = r_cub
    assert r_cub < r_cub_big / 8          # O(alpha^5): 32 in the limit


# ---------------------------------------------------------------------------
# exchange channels: the complete Fock exchange on the closed form
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model,ratio", [("tilted-dirac", 0.5), ("pt-dirac", 0.25)])
def test_fock_contact_closed_form_against_exchange_quadrature(model, ratio):
    """Closed form (spin operators replaced by the Fock channel basis) vs the exchange-field quadrature with
    channels="fock" (responses/exchange.py), and the exact ratio to printed: 1/2 (H_T), 1/4 (H_PT)."""
    mech, mu = ENH[model], np.array([0.07, -0.12])
    cf = symenh.sigma(model, mech, mu, exchange="fock")
    pr = symenh.sigma(model, mech, mu)
    q = enh_exchange(paper_valleys(model), mech, mu, PAPER.symbol_values(), channels="fock", interaction="contact",
                     method="quadrature", rtol=1e-8)
    qs, qe = units.sigma_to_si(q.sigma), units.sigma_to_si(q.error)
    diff = np.max(np.abs(cf.sigma - qs).reshape(len(mu), -1), axis=1)
    assert np.all(diff <= qe), (diff, qe)                               # the estimate covers the true error
    assert np.all(qe < 1e-6 * np.max(np.abs(qs)))
    assert set(cf.channels) == set(q.groups)
    for g in q.groups:
        gq = units.sigma_to_si(q.groups[g])
        assert np.all(np.max(np.abs(cf.channels[g] - gq).reshape(len(mu), -1), axis=1) <= qe)
    np.testing.assert_allclose(cf.sigma, ratio * pr.sigma, rtol=1e-12, atol=1e-14 * np.max(np.abs(pr.sigma)))
    np.testing.assert_allclose(sum(cf.channels.values()), cf.sigma, rtol=1e-15, atol=0)
    assert cf.exchange == "fock" and cf.to_json()["exchange"] == "fock"
    assert "Fock" in cf.meta["fierz_factor"]


@pytest.mark.parametrize("model,ratio", [("tilted-dirac", 0.5), ("pt-dirac", 0.25)])
def test_fock_at_temperature_and_cubic_order_keeps_the_exact_ratio(model, ratio):
    """The Fock channel basis is s^eta / sqrt 2 (H_T) and tau_0 (x) s^eta / 2 plus twelve channels that vanish
    (H_PT): the ratio to printed holds factor by factor, so at T > 0 and for the alpha^3 term too."""
    mu, mech = D * np.array([0.6, 1.2, 2.0, -3.0]), ENH[model]
    for kw in ({"params": PAPER.replace(T_K=116.0)}, {"order": "cubic"}):
        pr = symenh.sigma(model, mech, mu, **kw)
        fo = symenh.sigma(model, mech, mu, exchange="fock", **kw)
        np.testing.assert_allclose(fo.sigma, ratio * pr.sigma, rtol=1e-12, atol=1e-14 * np.max(np.abs(pr.sigma)))
        np.testing.assert_allclose(sum(fo.channels.values()), fo.sigma, rtol=1e-15, atol=0)
    assert np.max(np.abs(pr.sigma - symenh.sigma(model, mech, mu).sigma)) > 0


def test_printed_channels_are_one_group_and_bcd_has_none():
    r = symenh.sigma("pt-dirac", "enh-pt", [0.1])
    assert list(r.channels) == ["tau_0 (x) s^eta"]
    np.testing.assert_array_equal(r.channels["tau_0 (x) s^eta"], r.sigma)
    assert symenh.sigma("tilted-dirac", "bcd", [0.1]).to_json()["channels"] is None


def test_bcd_and_inh_do_not_depend_on_the_interaction_or_exchange():
    for model, mech in (("tilted-dirac", "bcd"), ("pt-dirac", "inh")):
        a = symenh.sigma(model, mech, MU).sigma
        b = symenh.sigma(model, mech, MU, interaction="screened-coulomb", exchange="fock").sigma
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# inh-full
# ---------------------------------------------------------------------------

def test_inh_full_closed_form():
    """Relation to inh (same factor X): inh = T - T^{acb}, inh-full = T/2 - T^{acb}, so inh - inh-full = T/2 and
    inh must equal (2 (inh - inh-full)) minus its (c, a) swap; the field-corrected occupation gives inh exactly;
    the T = 0 closed form agrees with the thermal closed form's Laurent-table route at kT -> 0."""
    mu = D * np.array([-3.0, 0.5, 1.2, 2.0, 6.0])
    full = symenh.sigma("pt-dirac", "inh-full", mu)
    inh = symenh.sigma("pt-dirac", "inh", mu).sigma
    T = 2 * (inh - full.sigma)
    np.testing.assert_allclose(T - np.swapaxes(T, 1, 2), inh, rtol=1e-12, atol=1e-14 * np.max(np.abs(inh)))
    asym = np.max(np.abs(full.sigma + np.swapaxes(full.sigma, 1, 2)))        # not antisymmetric in (c, a)
    assert asym > 0.1 * np.max(np.abs(full.sigma))
    np.testing.assert_array_equal(full.sigma[1], 0.0)                       # in the gap: exact zero
    fc = symenh.sigma("pt-dirac", "inh-full", mu, occupation="field-corrected")
    np.testing.assert_array_equal(fc.sigma, inh)
    assert fc.meta["occupation"] == "field-corrected"
    raw, _ = closed_form_thermal.compute(make_job("pt-dirac", "inh-full", mu), 0.0)
    np.testing.assert_allclose(full.sigma, units.sigma_to_si(raw), rtol=1e-11, atol=1e-13 * np.max(np.abs(inh)))
    np.testing.assert_array_equal(symenh.sigma("tilted-dirac", "inh-full", mu).sigma, 0.0)   # FORBIDDEN


# ---------------------------------------------------------------------------
# refusals: one line, naming the argument and the choices / the methods that do
# ---------------------------------------------------------------------------

def _one_line(exc_info, start):
    msg = str(exc_info.value)
    assert msg.startswith(start) and "\n" not in msg, msg
    return msg


@pytest.mark.parametrize("kwargs,exc,start,needle", [
    ({"interaction": "yukawa"}, ResponseError, "interaction", "contact, screened-coulomb"),
    ({"interaction": 3.0}, InputTypeError, "interaction", "contact, screened-coulomb"),
    ({"exchange": "full"}, ResponseError, "exchange", "printed, fock"),
    ({"exchange": None}, InputTypeError, "exchange", "printed, fock"),
    ({"order": "second"}, ResponseError, "order", "linear, exact, cubic"),
    ({"occupation": "thermal", "mechanism": "inh-full"}, ResponseError, "occupation", "bare, field-corrected"),
    ({"occupation": "field-corrected"}, ResponseError, "occupation", "inh-full"),
    ({"interaction": lambda q: np.where(q > 1, np.nan, 1.0)}, ParameterError, "interaction", "not finite"),
    ({"interaction": lambda q: 1.0 / q}, ParameterError, "interaction", "not finite"),
    ({"interaction": 1 / Q}, ParameterError, "interaction", "not finite"),
    ({"interaction": sp.Symbol("x") / (Q + 1)}, ParameterError, "interaction", "Q only"),
    ({"interaction": screened_coulomb(0.2, eps_r=4.0)}, ResponseError, "interaction", "eps_r"),
    ({"interaction": screened_coulomb(0.3)}, ResponseError, "interaction", "q_s"),
])
def test_bad_settings_are_one_line(kwargs, exc, start, needle):
    args = {"mechanism": "enh-pt"}
    args.update(kwargs)
    mech = args.pop("mechanism")
    with pytest.raises(exc) as info:
        symenh.sigma("pt-dirac", mech, 0.1, method="quadrature", **args)
    assert needle in _one_line(info, start)


def test_bad_parameters_are_one_line():
    for kw, start in (({"eps_r": 0.0}, "eps_r"), ({"eps_r": -1.0}, "eps_r"), ({"eps_r": float("nan")}, "eps_r"),
                      ({"T_K": -1.0}, "T_K"), ({"T_K": float("inf")}, "T_K"), ({"T_K": 1e5}, "T_K")):
        with pytest.raises(ParameterError) as info:
            PAPER.replace(**kw)
        _one_line(info, start)
    with pytest.raises(InputTypeError):
        PAPER.replace(T_K="77K")


def test_a_setting_the_method_does_not_handle_names_the_methods_that_do(monkeypatch):
    """With the SUPPORTS the quadrature and grid paths declare, a q-dependent V or the exact tilt on the closed
    form is refused in one line naming them; a cubic order on quadrature names the closed form."""
    from symenh.responses import grid, quadrature
    sup = {"interaction": True, "channels": ("printed", "fock"), "T_K": True, "order": ("linear", "exact"),
           "occupation": True}
    monkeypatch.setattr(quadrature, "SUPPORTS", sup, raising=False)
    monkeypatch.setattr(grid, "SUPPORTS", sup, raising=False)
    with pytest.raises(ResponseError) as info:
        symenh.sigma("pt-dirac", "enh-pt", 0.1, interaction="screened-coulomb")
    assert "closed-form" in _one_line(info, "interaction") and "quadrature, grid" in str(info.value)
    with pytest.raises(ResponseError) as info:
        symenh.sigma("pt-dirac", "enh-pt", 0.1, interaction=lambda q: 7.0 + 0 * q)
    assert "quadrature, grid" in _one_line(info, "interaction")
    with pytest.raises(ResponseError) as info:
        symenh.sigma("pt-dirac", "inh", 0.1, order="exact")
    assert "quadrature, grid" in _one_line(info, "order")
    with pytest.raises(ResponseError) as info:
        symenh.sigma("pt-dirac", "inh", 0.1, order="cubic", method="quadrature")
    assert "closed-form" in _one_line(info, "order")


def test_every_refusal_is_a_symenh_error():
    with pytest.raises(SymenhError):
        symenh.sigma("pt-dirac", "enh-pt", 0.1, params=PAPER.replace(Delta_eV=0.0, T_K=10.0))
