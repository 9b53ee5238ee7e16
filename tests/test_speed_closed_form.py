"""The fast closed-form kernels (final simplified expression per non-zero element).

Expected values come from two independent routes: the previous numeric assembly of the
lambdified factor entries (``closed_form.compute_by_factors``, which shares the factor
integrals but not the symbolic assembly, the simplification or the lambdified final form)
and the 30-digit mpmath path (``mpmath_path.sigma_linear_mp``, which shares nothing with the
SymPy integrals).  Parameters are random: anisotropic velocities, either sign of Delta,
either sign of the tilt, hole doping, mu within 1e-9 of the band edge and at 1e3 |Delta|.
"""

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from symenh import cache
from symenh.models import paper_valleys, pt_block
from symenh.params import PAPER
from symenh.responses import api, closed_form
from symenh.responses.job import Job
from symenh.responses.mpmath_path import sigma_linear_mp
from symenh.responses.spec import FORBIDDEN, PAPER_MECHANISMS as MECHANISMS, Prefactors, enh_sign
from symenh.units import sigma_to_si

MODELS = ("tilted-dirac", "pt-dirac")


def _random_params(rng):
    return PAPER.replace(Delta_eV=float(rng.uniform(0.01, 0.1) * rng.choice([-1, 1])),
                         vx_m_per_s=float(rng.uniform(1e5, 8e5)), vy_m_per_s=float(rng.uniform(1e5, 8e5)),
                         alpha_over_hbar_v=float(rng.uniform(-0.5, 0.5)), tau_ps=float(rng.uniform(0.1, 2.0)),
                         q_s_per_nm=float(rng.uniform(0.05, 1.0)))


def _mu_set(delta):
    """Both branches: near the edge (1 + 1e-9 .. 1 + 1e-1), moderate, and 1e3 |Delta|; and the gap."""
    a = abs(delta)
    edge = 1 + np.logspace(-9, -1, 5)
    far = np.array([1.5, 3.0, 10.0, 100.0, 1e3])
    gap = np.array([-1.0, -0.5, 0.0, 0.3, 1.0])
    return a * np.concatenate([edge, far, -edge, -far, gap])


def _job(model, mech, mu, p, convention="consistent", exchange="same", components=None):
    pre = Prefactors(p.tau_over_hbar_per_eV, p.V0_eV_nm2, enh_sign(convention))
    comps = paper_valleys(model) if components is None else components
    return Job(model, comps, mech, np.asarray(mu, float), p, p.symbol_values(), pre, convention, exchange)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("model", MODELS)
def test_final_expressions_equal_the_factor_assembly_at_random_parameters(seed, model):
    rng = np.random.default_rng(seed)
    p = _random_params(rng)
    mu = _mu_set(p.Delta_eV)
    for mech in MECHANISMS:
        for convention in ("consistent", "printed"):
            for exchange in ("same", "all"):
                job = _job(model, mech, mu, p, convention, exchange)
                new, err = closed_form.compute(job)
                old, _ = closed_form.compute_by_factors(job)
                assert err is None and new.shape == old.shape == (len(mu), 2, 2, 2)
                scale = np.max(np.abs(old).reshape(len(mu), -1), axis=1)
                diff = np.max(np.abs(new - old).reshape(len(mu), -1), axis=1)
                assert np.all(diff <= 1e-14 * scale), (mech, convention, exchange, mu[diff > 1e-14 * scale])
                assert np.all((new == 0) == (old == 0)), (mech, convention, exchange)


def test_the_two_tau_y_blocks_use_their_own_final_expressions():
    """Components other than paper_valleys (the blocks of H_PT) get their own derivation."""
    p = PAPER.replace(vy_m_per_s=3e5, Delta_eV=-0.04)
    mu = _mu_set(p.Delta_eV)
    blocks = (pt_block(1), pt_block(-1))
    for mech in ("inh", "enh-pt"):
        for exchange in ("same", "all"):
            job = _job("pt-dirac", mech, mu, p, exchange=exchange, components=blocks)
            new, _ = closed_form.compute(job)
            old, _ = closed_form.compute_by_factors(job)
            np.testing.assert_allclose(new, old, rtol=1e-14, atol=0)


@pytest.mark.parametrize("seed", [3, 4])
def test_fast_kernels_against_the_mpmath_path(seed):
    """Independent route: 30-digit Fermi-circle and Fermi-sea integrals (no SymPy integrals)."""
    rng = np.random.default_rng(seed)
    p = _random_params(rng)
    a = abs(p.Delta_eV)
    mus = a * np.array([1 + 1e-6, 2.5, 1e3, -(1 + 1e-4), -7.0])
    convention = ("consistent", "printed")[seed % 2]
    for model in MODELS:
        for mech in MECHANISMS:
            if mech in FORBIDDEN[model]:
                continue
            got = api.sigma(model, mech, mus, params=p, convention=convention).sigma
            for i, m in enumerate(mus):
                ref = np.array(sigma_linear_mp(model, mech, float(m), p, convention), dtype=float)
                scale = np.max(np.abs(ref))
                assert scale > 0
                np.testing.assert_allclose(got[i], ref, rtol=0, atol=1e-13 * scale,
                                           err_msg=f"{model} {mech} mu/|Delta| = {m / a}")


@pytest.mark.parametrize("model", MODELS)
def test_gap_and_forbidden_elements_are_exact_zeros(model):
    rng = np.random.default_rng(7)
    p = _random_params(rng)
    a = abs(p.Delta_eV)
    gap = a * np.array([-1.0, -np.nextafter(1.0, 0.0), -0.3, 0.0, 0.5, 1.0])
    for mech in MECHANISMS:
        res = api.sigma(model, mech, gap, params=p)
        assert np.all(res.sigma == 0.0) and not np.signbit(res.sigma).any()
        for branch in closed_form.BRANCHES:
            kern = closed_form.sigma_kernel(paper_valleys(model), mech, branch, "same")
            if mech in FORBIDDEN[model]:
                assert kern.index == () and kern.fn is None  # nothing is evaluated: zero by construction
            else:
                # only the two raw elements the symmetry allows (sigma^{cab} = -sigma^{acb})
                assert len(kern.index) == 2
        outside = api.sigma(model, mech, a * np.array([-3.0, 1.2, 40.0]), params=p).sigma
        if mech in FORBIDDEN[model]:
            assert np.all(outside == 0.0)
        else:
            kern = closed_form.sigma_kernel(paper_valleys(model), mech, "conduction", "same")
            zero = [i for i in range(8) if i not in kern.index]
            assert np.all(outside.reshape(3, 8)[:, zero] == 0.0)
            assert np.all(outside.reshape(3, 8)[:, list(kern.index)] != 0.0)


def test_mixed_branches_and_gap_in_one_call_match_separate_calls():
    p = PAPER.replace(Delta_eV=-0.03, vx_m_per_s=2e5)
    mu = np.array([0.2, -0.01, -0.5, 0.031, 0.0, -0.0300001, 2.0])
    for model, mech in (("tilted-dirac", "enh-t"), ("pt-dirac", "enh-pt")):
        together = api.sigma(model, mech, mu, params=p).sigma
        alone = np.concatenate([api.sigma(model, mech, [m], params=p).sigma for m in mu])
        np.testing.assert_array_equal(together, alone)


def test_cached_final_expressions_equal_fresh_ones(tmp_path, monkeypatch):
    """A value read back from the disk cache is the expression a fresh derivation gives."""
    comps = paper_valleys("pt-dirac")
    fresh = closed_form._derive_sigma(comps, "enh-pt", "valence", "same")  # factors from the usual cache
    monkeypatch.setenv("SYMENH_CACHE", str(tmp_path))
    key = cache.make_key("test-final-expressions")
    cache.cached_exprs(key, lambda: fresh)  # write
    read = cache.cached_exprs(key, lambda: pytest.fail("the entry was not read back"))
    assert len(read) == 8
    for a, b in zip(read, fresh):
        assert sp.simplify(a - b) == 0
    # and the process-wide (lru + disk) value is the same closed form
    for a, b in zip(closed_form.final_expressions(comps, "enh-pt", "valence", "same"), fresh):
        assert sp.simplify(a - b) == 0


def test_branch_expressions_carry_the_convention_sign():
    for model, mech in (("tilted-dirac", "enh-t"), ("pt-dirac", "enh-pt")):
        for branch in closed_form.BRANCHES:
            cons = closed_form.branch_expressions(model, mech, branch, "consistent")
            prin = closed_form.branch_expressions(model, mech, branch, "printed")
            for name in cons:
                assert not cons[name].has(closed_form.ENH_SIGN)
                assert sp.simplify(cons[name] + prin[name]) == 0


def test_kernel_value_at_one_point_against_the_readme_formula():
    """sigma_ENH(PT)^yxx = -V0 alpha (mu^2 - Delta^2)(mu^2 + 2 Delta^2) / (8 pi^2 (hbar v_y)^2 mu^5)
    (README, consistent convention) in e^3/hbar nm/eV, evaluated here in mpmath."""
    p = PAPER.replace(vy_m_per_s=3.1e5, Delta_eV=0.02)
    mu = 0.37
    got = api.sigma("pt-dirac", "enh-pt", [mu], params=p).element("yxx")[0]
    m, d, hvy = mp.mpf(mu), mp.mpf(p.Delta_eV), mp.mpf(p.hbar_vy)
    raw = -mp.mpf(p.V0_eV_nm2) * mp.mpf(p.alpha_eV_nm) * (m**2 - d**2) * (m**2 + 2 * d**2) / (
        8 * mp.pi**2 * hvy**2 * m**5)
    assert got == pytest.approx(float(sigma_to_si(float(raw))), rel=1e-14)
