"""The quadrature and grid paths honour the Job settings beyond the paper's (issues 8 and 9) through
``compute(job)``: interaction, channels, temperature, order, inh-full.

Jobs are built directly (responses.thermal.make_job + dataclasses.replace), as symenh.sigma builds
them.  Expected values come from independent paths: the closed form (contact, T = 0 and its
finite-T convolution), the paper's own path (bit-identical defaults), exact relations (fock = printed
/ 2 for a two-band model, eps_r scaling, oddness in alpha) and the other numerical path.  What
tests/test_exchange_*.py, test_thermal_paths.py, test_exact_tilt.py and test_inh_full.py check at the
module level is not repeated here; this file checks the wiring and fills the gaps (grid at mu = 1.2
and 4 |Delta|, k_B T = 5 and 10 meV; V(q) and fock at T > 0).
"""

from dataclasses import replace

import numpy as np
import pytest

from symenh.errors import ResponseError
from symenh.interactions import contact, screened_coulomb, user_interaction
from symenh.params import PAPER
from symenh.responses import closed_form, grid, quadrature
from symenh.responses import closed_form_thermal as ct
from symenh.responses import quadrature_thermal as qt
from symenh.responses.job import require_default
from symenh.responses.spec import FORBIDDEN
from symenh.responses.thermal import make_job
from symenh.units import KB_EV_PER_K

D = abs(PAPER.Delta_eV)
QS = PAPER.q_s_per_nm
SC = screened_coulomb(QS)
CONST = user_interaction(lambda q: contact(QS).V0_eV_nm2 + 0 * q, label="constant")
ENH = {"tilted-dirac": "enh-t", "pt-dirac": "enh-pt"}
#: cheap grid settings (the estimates stay honest, only larger)
GRID_CHEAP = {"spacing_over_kT": 1.0, "margin_kT": 18.0}


def _job(model, mech, mu, options=None, params=PAPER, **settings):
    return replace(make_job(model, mech, np.atleast_1d(mu), params, **(options or {})), **settings)


def _T(kT_eV):
    return kT_eV / KB_EV_PER_K


def _per_mu(x):
    return np.max(np.abs(x).reshape(len(x), -1), axis=1)


# ----------------------------------------------------------------------------------------------
# the contract: SUPPORTS, the paper setting unchanged, one-line refusals
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [quadrature, grid])
def test_supports_is_the_require_default_contract(path):
    job = _job("pt-dirac", "enh-pt", 2 * D, interaction=SC, channels="fock", T_K=77.0, order="exact",
               occupation="field-corrected")
    require_default(job, path.__name__.rsplit(".", 1)[1], **path.SUPPORTS)          # accepted, no error
    with pytest.raises(ResponseError, match="^order"):
        require_default(replace(job, order="cubic"), "x", **path.SUPPORTS)


def test_paper_setting_is_bit_identical_on_both_paths():
    """A contact Interaction (eps_r = 1) in the Job gives exactly today's numbers."""
    for model in ("tilted-dirac", "pt-dirac"):
        for mech in ("bcd", "inh", "enh-t", "enh-pt"):
            job = _job(model, mech, [1.5 * D, 3 * D])
            ref = quadrature.compute_linear(job)
            got = quadrature.compute(replace(job, interaction=contact(QS)))
            assert np.array_equal(ref[0], got[0]) and np.array_equal(ref[1], got[1])
    job = _job("tilted-dirac", "bcd", [3 * D], GRID_CHEAP)
    ref = grid.compute_linear(job)
    got = grid.compute(replace(job, interaction=contact(QS)))
    assert np.array_equal(ref[0], got[0]) and np.array_equal(ref[1], got[1])


def test_bcd_and_inh_do_not_depend_on_the_interaction():
    for model, mech in (("tilted-dirac", "bcd"), ("pt-dirac", "inh")):
        job = _job(model, mech, [1.2 * D, 6 * D])
        ref = quadrature.compute(job)
        for inter in (SC, screened_coulomb(QS, 4.0), contact(QS, 4.0)):
            got = quadrature.compute(replace(job, interaction=inter, channels="fock"))
            assert np.array_equal(ref[0], got[0])


@pytest.mark.parametrize("path", [quadrature])
def test_exact_tilt_with_a_q_dependent_interaction_is_refused_in_one_line(path):
    """(The k.p grid gives it: tests/test_exchange_grid_exact.py.)"""
    job = _job("tilted-dirac", "enh-t", 2 * D, interaction=SC, order="exact")
    with pytest.raises(ResponseError, match="^order: .*exact tilt") as exc:
        path.compute(job)
    assert "\n" not in str(exc.value)


# ----------------------------------------------------------------------------------------------
# issue 8 through compute(job): constant V, fock, eps_r, symmetry
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_constant_user_V_reproduces_contact_on_the_quadrature_path(model):
    mech = ENH[model]
    mu = D * np.array([1.2, 2.0, 6.0])
    cf, _ = closed_form.compute(_job(model, mech, mu))
    raw, err, extra = quadrature.compute(_job(model, mech, mu, {"rtol": 1e-11}, interaction=CONST))
    diff, scale = _per_mu(raw - cf), _per_mu(cf)
    assert np.all(diff < 1e-12 * scale), diff / scale
    assert np.all(diff <= err + 1e-15 * scale)
    assert len(extra["channels"]) >= 1                                            # a breakdown is returned
    assert np.allclose(sum(extra["channels"].values()), raw, rtol=0, atol=1e-14 * np.max(scale))


@pytest.mark.parametrize("model", ["tilted-dirac"])
def test_constant_user_V_reproduces_contact_on_the_grid_at_temperature(model):
    """The FFT path at k_B T = 20 meV directly: V = const equals the contact interaction to 1e-12
    (same exchange-field code, fock channels so that both take it), and both agree with the
    closed-form convolution within the estimates."""
    kT = 0.02
    job = _job(model, ENH[model], [2 * D], T_K=_T(kT), channels="fock")
    c, ec = ct.compute(job, kT)
    g, eg, _ = grid.compute(replace(job, interaction=CONST))
    g0, _, _ = grid.compute(replace(job, interaction=contact(QS)))
    assert np.max(np.abs(g - g0)) < 1e-12 * np.max(np.abs(g0))
    quarter = 0.5 if model == "tilted-dirac" else None          # fock / printed: 1/2 for H_T
    if quarter is not None:
        assert np.all(_per_mu(g - quarter * c) <= eg + quarter * ec)
        assert np.all(eg < 1e-4 * _per_mu(c))


@pytest.mark.parametrize("model,mu_over_delta", [("tilted-dirac", 6.0), ("pt-dirac", 1.2)])
def test_screened_coulomb_quadrature_job_against_the_30_digit_reference(model, mu_over_delta):
    """compute(job) with screened Coulomb at T = 0 against the harmonic-reduction mpmath reference
    (mu = 6 and 1.2 |Delta|: test_mpmath_exchange.py checks the reference at 2 and -3 |Delta|,
    test_exchange_grid.py quadrature against grid at every listed point)."""
    from symenh.responses.mpmath_exchange import sigma_enh_reference_mp
    from symenh.units import sigma_to_si
    mech = ENH[model]
    mu = mu_over_delta * D
    ref = np.array(sigma_enh_reference_mp(model, mech, mu, PAPER, SC, dps=20), dtype=float)
    raw, err, _ = quadrature.compute(_job(model, mech, [mu], interaction=SC))
    assert np.max(np.abs(sigma_to_si(raw[0]) - ref)) <= sigma_to_si(err[0])
    assert sigma_to_si(err[0]) < 1e-8 * np.max(np.abs(ref))


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_quadrature_with_V_q_at_temperature(model):
    """ENH with an interaction at k_B T = 10 meV on the quadrature path (exchange_thermal): a
    constant user V equals the contact interaction of the same assembly to 1e-12, and that the
    factor-product quadrature of the paper's contact V_0 within the estimates (mu in the gap
    included); screened Coulomb agrees with the grid directly at T within both estimates."""
    kT = 0.01
    mech = ENH[model]
    job = _job(model, mech, D * np.array([0.6, 2.0]), T_K=_T(kT))
    ref, eref = qt.compute(job, kT)
    u, eu, _ = quadrature.compute(replace(job, interaction=CONST))
    c0, ec0, _ = quadrature.compute(replace(job, channels="fock", interaction=contact(QS)))
    half = 0.5 if model == "tilted-dirac" else None
    assert np.all(_per_mu(u - ref) <= eu + eref)
    assert np.all(_per_mu(u - ref) < 1e-9 * np.max(np.abs(ref)))
    if half is not None:                                   # fock = printed / 2 for the two-band H_T
        assert np.all(_per_mu(c0 - half * ref) <= ec0 + half * eref)
    sjob = _job(model, mech, [2 * D], T_K=_T(kT), interaction=SC)
    q, eq, extra = quadrature.compute(sjob)
    g, eg, _ = grid.compute(replace(sjob, options=GRID_CHEAP))
    assert np.all(_per_mu(q - g) <= eq + eg), (_per_mu(q - g), eq, eg)
    assert np.all(eq < 1e-3 * _per_mu(q))                                   # not vacuous
    assert np.allclose(sum(extra["channels"].values()), q, rtol=0, atol=1e-14 * np.max(np.abs(q)))
    # different from the contact value: the interaction matters at T > 0 too
    assert np.all(_per_mu(q - ref[1:]) > 10 * (eq + eref[1:]))


@pytest.mark.parametrize("kT", [0.0, 0.02])
def test_fock_is_exactly_half_of_printed_for_H_T(kT):
    """Every channel product of the two-band fock set is half the printed one: on each path the
    two runs differ by the rounding of the channel operators only."""
    paths = [quadrature] if kT == 0 else [grid, quadrature]
    cheap = {"n_theta": 16, "n_fine": 256, "panel_kT": 4.0}         # the relation holds for any rule
    for path in paths:
        for inter in (SC, CONST) if path is grid or kT == 0 else (SC,):
            opts = cheap if (path is quadrature and kT > 0) else None
            job = _job("tilted-dirac", "enh-t", [1.2 * D, 4 * D], opts, interaction=inter, T_K=_T(kT))
            pr, ep = path.compute(job)[:2]
            fk, ef = path.compute(replace(job, channels="fock"))[:2]
            assert np.allclose(fk, 0.5 * pr, rtol=0, atol=1e-12 * np.max(np.abs(pr))), path.__name__
    # contact with fock takes the exchange-field assembly: half the paper path's printed value
    job = _job("tilted-dirac", "enh-t", [2 * D])
    pr, ep = quadrature.compute(job)
    fk, ef, extra = quadrature.compute(replace(job, channels="fock"))
    assert np.all(_per_mu(fk - 0.5 * pr) <= ef + 0.5 * ep)
    assert list(extra["channels"]) and np.allclose(sum(extra["channels"].values()), fk)


def test_eps_r_divides_both_enh_mechanisms_through_the_job():
    for model in ("tilted-dirac", "pt-dirac"):
        for mech in ("enh-t", "enh-pt"):
            job = _job(model, mech, [2 * D])
            for inter1, inter4 in ((contact(QS), contact(QS, 4.0)), (SC, screened_coulomb(QS, 4.0))):
                a = quadrature.compute(replace(job, interaction=inter1))[0]
                b = quadrature.compute(replace(job, interaction=inter4))[0]
                assert np.allclose(b, a / 4, rtol=0, atol=1e-13 * max(np.max(np.abs(a)), 1e-300))


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_symmetry_forbidden_enh_vanishes_with_screened_coulomb(model):
    forbidden = next(m for m in FORBIDDEN[model] if m.startswith("enh"))
    raw, err, _ = quadrature.compute(_job(model, forbidden, [1.2 * D, 2 * D, -2 * D], interaction=SC))
    assert np.all(_per_mu(raw) <= err)
    allowed, aerr, _ = quadrature.compute(_job(model, ENH[model], [2 * D], interaction=SC))
    assert np.max(err) < 1e-6 * np.max(np.abs(allowed))
    # within the allowed mechanism, the elements the symmetry forbids
    zero = np.abs(closed_form.compute(_job(model, ENH[model], [2 * D]))[0][0]) == 0
    assert np.all(np.abs(allowed[0][zero]) <= aerr[0])


# ----------------------------------------------------------------------------------------------
# issue 9 through compute(job): temperature, exact tilt, inh-full
# ----------------------------------------------------------------------------------------------

def test_quadrature_at_temperature_is_the_direct_thermal_path():
    job = _job("pt-dirac", "enh-pt", D * np.array([0.6, 2.0]), T_K=_T(0.01))
    got = quadrature.compute(job)
    ref = qt.compute(job, 0.01)
    assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


GRID_GAPS = [(0.005, "tilted-dirac", "enh-t"), (0.01, "pt-dirac", "inh"), (0.01, "pt-dirac", "inh-full"),
             (0.02, "tilted-dirac", "enh-pt")]


@pytest.mark.parametrize("kT,model,mech", GRID_GAPS)
def test_grid_at_temperature_agrees_with_the_closed_form_convolution(kT, model, mech):
    """mu = 1.2 and 4 |Delta| (test_thermal_paths.py has 0.6 and 2): grid directly at T vs factors
    convolved with -df/dE; a forbidden mechanism (tilted-dirac enh-pt) is zero within the estimate."""
    job = _job(model, mech, D * np.array([1.2, 4.0]), GRID_CHEAP, T_K=_T(kT))
    g, eg = grid.compute(job)
    c, ec = ct.compute(job, kT)
    assert np.all(_per_mu(g - c) <= eg + ec), (_per_mu(g - c), eg, ec)
    scale = np.max(np.abs(closed_form.compute(_job(model, ENH[model], [2 * D]))[0]))
    assert np.all(eg < 1e-3 * max(np.max(np.abs(c)), scale))              # the estimate is not vacuous


def test_exact_tilt_through_compute_is_odd_and_tends_to_linear():
    mu = D * np.array([1.2, 3.0])
    for model, mech in (("tilted-dirac", "enh-t"), ("pt-dirac", "inh-full")):
        dev = {}
        for a in (0.02, 0.01):
            p_plus, p_minus = PAPER.replace(alpha_over_hbar_v=a), PAPER.replace(alpha_over_hbar_v=-a)
            ep, eep = quadrature.compute(_job(model, mech, mu, params=p_plus, order="exact"))
            em, eem = quadrature.compute(_job(model, mech, mu, params=p_minus, order="exact"))
            assert np.all(_per_mu(ep + em) <= eep + eem)                                  # odd in alpha
            lin, _ = quadrature.compute(_job(model, mech, mu, params=p_plus))
            i = (slice(None),) + np.unravel_index(np.argmax(np.abs(lin[0])), lin.shape[1:])
            dev[a] = (ep[i] - lin[i]) / lin[i]
        assert np.all(np.abs(dev[0.01]) < 1e-3)
        assert np.all(np.abs(dev[0.02] / dev[0.01] - 4) < 0.2)                    # O(alpha^2)
    # the grid: exact tilt at T > 0, odd in alpha and equal to the quadrature
    job = _job("tilted-dirac", "bcd", [3 * D], GRID_CHEAP, params=PAPER.replace(alpha_over_hbar_v=0.1),
               order="exact", T_K=_T(0.02))
    g, eg = grid.compute(job)
    gm, egm = grid.compute(_job("tilted-dirac", "bcd", [3 * D], GRID_CHEAP, params=PAPER.replace(alpha_over_hbar_v=-0.1),
                                order="exact", T_K=_T(0.02)))
    q, eq = quadrature.compute(replace(job, options={}))
    assert np.all(_per_mu(g + gm) <= eg + egm)
    assert np.all(_per_mu(g - q) <= eg + eq)
