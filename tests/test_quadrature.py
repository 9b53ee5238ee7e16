"""The quadrature path (finite tilt, Richardson) against independent routes.

* mpmath linear-order identities (exact derivative formulas on the alpha = 0 Fermi
  circle, 20+ digits): an independent route to alpha d sigma/d alpha;
* the closed-form path (SymPy), every mechanism, both models, both conventions;
* symmetries: gap zeros, oddness of sigma(alpha) at finite alpha, linearity;
* Richardson extrapolation on a function with a known limit;
* a user model (the tilted Dirac cone typed in as a matrix with its own symbols) goes
  through the generic ray root finder and must reproduce the paper model.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
import sympy as sp

from symenh.integrate.contour import RayContours
from symenh.responses.mpmath_path import sigma_linear_mp
from symenh.integrate.richardson import richardson, richardson_weights
from symenh.models import from_matrix, paper_valleys, tilted_dirac
from symenh.params import PAPER
from symenh.responses import sigma
from symenh.responses.closed_form import sigma_expressions as closed_form_sigma_expressions
from symenh.responses.spec import FORBIDDEN, PAPER_MECHANISMS as MECHANISMS, Prefactors, sigma_from_factors
from symenh.units import sigma_to_si

DELTA = PAPER.Delta_eV
MODELS = ("tilted-dirac", "pt-dirac")
MU_OVER_DELTA = (1.05, 2.0, 5.0, 20.0, -2.0)


@lru_cache(maxsize=None)
def _quad(model, mech, convention="consistent"):
    mus = np.array(MU_OVER_DELTA) * DELTA
    return sigma(model, mech, mus, method="quadrature", convention=convention)


@lru_cache(maxsize=None)
def _mp(model, mech, x):
    return np.array(sigma_linear_mp(model, mech, x * DELTA, PAPER, dps=20), dtype=float)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("mech", MECHANISMS)
def test_quadrature_matches_mpmath_linear_order(model, mech):
    res = _quad(model, mech)
    for i, x in enumerate(MU_OVER_DELTA):
        ref = _mp(model, mech, x)
        got = res.sigma[i]
        scale = np.max(np.abs(ref))
        if mech in FORBIDDEN[model]:
            # symmetry zero: mpmath gives ~1e-60 of the allowed scale; quadrature must be tiny too,
            # relative to the size of the model's allowed mechanisms at the same mu
            allowed = max(np.max(np.abs(_mp(model, m, x))) for m in MECHANISMS if m not in FORBIDDEN[model])
            assert np.max(np.abs(got)) < 1e-10 * allowed, (model, mech, x)
            continue
        assert scale > 1e-20
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-9 * scale, err_msg=f"{model} {mech} mu={x} Delta")


@pytest.mark.parametrize("model, mech", [(m, k) for m in MODELS for k in MECHANISMS if k not in FORBIDDEN[m]])
def test_error_estimate_small_and_honest(model, mech):
    res = _quad(model, mech)
    for i, x in enumerate(MU_OVER_DELTA):
        ref = _mp(model, mech, x)
        scale = np.max(np.abs(ref))
        true_err = np.max(np.abs(res.sigma[i] - ref))
        est = res.error_estimate[i]
        assert est < 1e-8 * scale, (x, est / scale)           # small
        assert true_err <= 3.0 * est, (x, true_err, est)     # honest


def test_gap_is_exactly_zero():
    mus = np.array([-DELTA, -0.6 * DELTA, 0.0, 0.3 * DELTA, DELTA])
    for model in MODELS:
        for mech in MECHANISMS:
            res = sigma(model, mech, mus, method="quadrature")
            assert np.all(res.sigma == 0.0) and not np.any(np.isnan(res.sigma))
            assert np.all(res.error_estimate == 0.0)
            assert all(all(v == 0 for v in np.ravel(np.array(
                sigma_linear_mp(model, mech, m, PAPER, dps=15), dtype=float))) for m in (0.0, DELTA))


def test_zero_tilt_and_linear_in_alpha():
    mus = np.array([2.0, 7.0]) * DELTA
    for model, mech in (("tilted-dirac", "enh-t"), ("pt-dirac", "enh-pt"), ("pt-dirac", "inh")):
        full = sigma(model, mech, mus, method="quadrature", params=PAPER).sigma
        zero = sigma(model, mech, mus, method="quadrature", params=PAPER.replace(alpha_over_hbar_v=0.0)).sigma
        neg = sigma(model, mech, mus, method="quadrature", params=PAPER.replace(alpha_over_hbar_v=-0.1)).sigma
        half = sigma(model, mech, mus, method="quadrature", params=PAPER.replace(alpha_over_hbar_v=0.05)).sigma
        assert np.all(zero == 0.0)
        s = np.max(np.abs(full))
        np.testing.assert_allclose(neg, -full, rtol=0, atol=1e-11 * s)
        np.testing.assert_allclose(half, 0.5 * full, rtol=0, atol=1e-10 * s)


@pytest.mark.parametrize("model,mech", [("tilted-dirac", "bcd"), ("tilted-dirac", "enh-t"),
                                        ("pt-dirac", "inh"), ("pt-dirac", "enh-pt")])
def test_sigma_is_odd_at_finite_alpha(model, mech):
    """sigma(alpha) + sigma(-alpha) = 0 at a large finite tilt, from the factors at +-alpha."""
    from symenh.integrate.sea import sea_compact, sea_exterior, split_radius
    from symenh.responses.quadrature import _surface_factors
    from symenh.responses.spec import FACTORS

    mu = np.array([1.5, 4.0]) * DELTA
    a = 0.4 * PAPER.hbar_vy
    hs = np.full((1, len(mu)), a)
    comps = [RayContours(m, PAPER.symbol_values()) for m in paper_valleys(model)]
    levels = [rc.crossing_level(mu) for rc in comps]
    names = [n for n in FACTORS[mech] if n != "B"]
    E, Dq, _, _ = _surface_factors(comps, levels, mu, hs, names, 1e-13)
    if "B" in FACTORS[mech]:
        parts = []
        for rc, lev in zip(comps, levels):
            R = split_radius(rc, lev, mu, np.concatenate([hs, -hs]))
            Ec, Dc, _, _ = sea_compact(rc, lev, mu, hs, R, 1e-13)
            parts.append((Ec + sea_exterior(rc, R, 1e-13)[0][None], Dc))
        E["B"], Dq["B"] = np.stack([p[0] for p in parts]), np.stack([p[1] for p in parts])
    pre = Prefactors(PAPER.tau_over_hbar_per_eV, PAPER.V0_eV_nm2, -1.0)
    plus = {n: E[n][:, 0] + a * Dq[n][:, 0] for n in E}
    minus = {n: E[n][:, 0] - a * Dq[n][:, 0] for n in E}
    sp_, sm_ = sigma_from_factors(mech, plus, pre), sigma_from_factors(mech, minus, pre)
    scale = np.max(np.abs(sp_))
    assert scale > 0
    np.testing.assert_allclose(sp_ + sm_, 0.0, atol=1e-12 * scale)
    # and the finite-alpha sigma is not just linear: the cubic term is visible at this tilt
    lin = sigma(model, mech, mu, method="quadrature", params=PAPER.replace(alpha_over_hbar_v=0.4)).sigma
    assert np.max(np.abs(sp_ - lin)) > 1e-6 * scale


def test_richardson_known_limit():
    # central difference of exp at 0: (e^h - e^-h)/(2h) = 1 + h^2/6 + h^4/120 + ...
    hs = 0.4 * 0.5 ** np.arange(5)
    vals = np.sinh(hs) / hs
    best, err = richardson(vals, hs)
    assert abs(best - 1.0) < 1e-12
    assert abs(best - 1.0) <= err + 1e-16
    w = richardson_weights(hs)
    assert abs(np.sum(w * vals) - best) < 1e-14 and abs(np.sum(w) - 1.0) < 1e-12
    # without extrapolation the finest step is far off: the test can fail
    assert abs(vals[-1] - 1.0) > 1e-4


def _user_dirac(valley=1):
    m, vx, vy, a, qx, qy = sp.symbols("m vx vy a qx qy", real=True)
    s1 = sp.Matrix([[0, 1], [1, 0]])
    s2 = sp.Matrix([[0, -sp.I], [sp.I, 0]])
    s3 = sp.Matrix([[1, 0], [0, -1]])
    H = vx * qx * s2 - valley * vy * qy * s1 + m * s3 + valley * a * qy * sp.eye(2)
    model = from_matrix(H, kx=qx, ky=qy, params=(m, vx, vy, a), tilt_symbol=a, name="user-dirac")
    values = {"m": PAPER.Delta_eV, "vx": PAPER.hbar_vx, "vy": PAPER.hbar_vy, "a": PAPER.alpha_eV_nm}
    return model, values


def test_user_model_generic_root_finder_matches_paper_model():
    model, values = _user_dirac(1)
    assert not RayContours(model, values).is_dirac  # goes through the bracketing path
    mus = np.array([1.3, 4.0, -2.5]) * DELTA
    for mech in ("bcd", "enh-t"):
        got = sigma(model, mech, mus, method="quadrature", model_values=values)
        ref = sigma(tilted_dirac(1), mech, mus, method="quadrature", model_values=PAPER.symbol_values())
        s = np.max(np.abs(ref.sigma))
        np.testing.assert_allclose(got.sigma, ref.sigma, rtol=0, atol=1e-9 * s)


def test_user_model_not_star_shaped_is_handled():
    m, b, v, a, qx, qy = sp.symbols("m b v a qx qy", real=True)
    s1 = sp.Matrix([[0, 1], [1, 0]])
    s2 = sp.Matrix([[0, -sp.I], [sp.I, 0]])
    s3 = sp.Matrix([[1, 0], [0, -1]])
    H = (m - b * (qx**2 + qy**2)) * s3 + v * qx * s1 + v * qy * s2 + a * qy * sp.eye(2)
    model = from_matrix(H, kx=qx, ky=qy, params=(m, b, v, a), tilt_symbol=a, name="inverted")
    values = {"m": 0.1, "b": 1.0, "v": 0.05, "a": 0.005}
    # conduction band: E(0) = 0.1, a ring minimum near 0.05 below it -> annular pocket at mu = 0.08;
    # handled since issue 11 by the any-topology user path (two loops; tests/test_user_topology.py
    # compares it with the grid)
    lines = []
    got = sigma(model, "bcd", [0.08], method="quadrature", model_values=values, progress=lines.append)
    assert any("2 Fermi contour(s)" in s for s in lines)
    assert 0 < got.error_estimate[0] < 1e-3 * np.max(np.abs(got.sigma))


def test_unknown_option_is_refused():
    from symenh.responses.spec import ResponseError
    with pytest.raises(ResponseError, match="unknown option"):
        sigma("pt-dirac", "inh", [0.1], method="quadrature", tolerance=1e-3)


# ---------------------------------------------------------------------------
# closed form vs quadrature (the test)
# ---------------------------------------------------------------------------

CF_MU = np.array([1.05, 1.3, 2.0, 3.5, 7.0, 12.0, 20.0]) * DELTA
HOLE_MU = np.array([-1.5, -4.0]) * DELTA


def _allowed_scale(model, mus):
    """Largest |sigma| over the model's symmetry-allowed mechanisms per mu (closed form), A m/V^2."""
    return np.max([np.max(np.abs(sigma(model, m, mus, method="closed-form").sigma), axis=(1, 2, 3))
                   for m in MECHANISMS if m not in FORBIDDEN[model]], axis=0)


@pytest.mark.parametrize("convention", ("consistent", "printed"))
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("mech", MECHANISMS)
def test_closed_form_vs_quadrature(model, mech, convention):
    q = sigma(model, mech, CF_MU, method="quadrature", convention=convention)
    c = sigma(model, mech, CF_MU, method="closed-form", convention=convention)
    if mech in FORBIDDEN[model]:
        allowed = _allowed_scale(model, CF_MU)  # (n_mu,): the model's allowed mechanisms' size
        assert np.all(np.max(np.abs(q.sigma), axis=(1, 2, 3)) < 1e-10 * allowed)
        assert np.all(np.max(np.abs(c.sigma), axis=(1, 2, 3)) < 1e-10 * allowed)
        return
    for i in range(len(CF_MU)):
        s = np.max(np.abs(c.sigma[i]))
        assert s > 0
        np.testing.assert_allclose(q.sigma[i], c.sigma[i], rtol=0, atol=1e-9 * s,
                                   err_msg=f"{model} {mech} {convention} mu={CF_MU[i] / DELTA} Delta")


@pytest.mark.parametrize("model, mech", [(m, k) for m in MODELS for k in MECHANISMS if k not in FORBIDDEN[m]])
def test_closed_form_vs_quadrature_hole_doping(model, mech):
    """mu = -1.5, -4 Delta (valence level): the two paths agree to 1e-9 of the largest element."""
    q = sigma(model, mech, HOLE_MU, method="quadrature")
    c = sigma(model, mech, HOLE_MU, method="closed-form")
    for i in range(len(HOLE_MU)):
        s = np.max(np.abs(c.sigma[i]))
        assert s > 0
        np.testing.assert_allclose(q.sigma[i], c.sigma[i], rtol=0, atol=1e-9 * s,
                                   err_msg=f"{model} {mech} mu={HOLE_MU[i] / DELTA} Delta")


def test_all_valley_exchange_enh_t_vanishes_on_quadrature_path():
    """Exchange over both valleys of H_T: the valley-summed A and C factors of ENH(T) cancel
    (time reversal), so sigma = 0 to rounding of the same-valley result's size."""
    mus = np.array([1.5, 4.0, -2.0]) * DELTA
    same = sigma("tilted-dirac", "enh-t", mus, method="quadrature").sigma
    allv = sigma("tilted-dirac", "enh-t", mus, method="quadrature", exchange_valleys="all").sigma
    scale = np.max(np.abs(same), axis=(1, 2, 3))
    assert np.all(scale > 0)
    assert np.all(np.max(np.abs(allv), axis=(1, 2, 3)) < 1e-10 * scale)


@pytest.mark.parametrize("mech", ("inh", "enh-pt"))
def test_negative_hbar_v_is_a_mirror(mech):
    """H_PT typed in as a user model with hbar v_x < 0: k_x -> -k_x maps it onto the v_x > 0
    model; sigma^{cab} picks up (-1)^(number of x indices), so the allowed elements
    (yxx, xyx: two x's) are unchanged -- the Jacobian must be 1/|hbar v_x hbar v_y|."""
    from symenh.models import pt_dirac

    v = {k.name: val for k, val in PAPER.symbol_values().items()}
    vn = dict(v, hbar_v_x=-v["hbar_v_x"])
    mus = np.array([1.5, 4.0, -2.0]) * DELTA
    pos = sigma(pt_dirac(), mech, mus, method="quadrature", model_values=v).sigma
    neg = sigma(pt_dirac(), mech, mus, method="quadrature", model_values=vn).sigma
    parity = np.array([[[(-1) ** ("xy"[c] + "xy"[a] + "xy"[b]).count("x") for b in range(2)]
                        for a in range(2)] for c in range(2)])
    for i in range(len(mus)):
        s = np.max(np.abs(pos[i]))
        assert s > 0
        np.testing.assert_allclose(neg[i], parity * pos[i], rtol=0, atol=1e-9 * s)
    # and the closed forms, evaluated at hbar v_x < 0, give the same
    exprs = closed_form_sigma_expressions("pt-dirac", mech)
    vals = {**{sp.Symbol(k, real=True): x for k, x in vn.items()}, sp.Symbol("V_0", positive=True): PAPER.V0_eV_nm2,
            sp.Symbol("tau_over_hbar", positive=True): PAPER.tau_over_hbar_per_eV}
    for i, m in enumerate(mus):
        got = np.array([[[float(sigma_to_si(float(exprs["xy"[c] + "xy"[a] + "xy"[b]].subs(vals).subs(
            sp.Symbol("mu", real=True), m)))) for b in range(2)] for a in range(2)] for c in range(2)])
        np.testing.assert_allclose(got, parity * pos[i], rtol=0, atol=1e-9 * np.max(np.abs(pos[i])))
