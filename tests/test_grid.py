"""The brute-force grid path (symenh.responses.grid) against independent references.

References: the mpmath path (symenh.responses.mpmath_path, Fermi-circle identities at T = 0 in
polar coordinates, no grid, no temperature), the Sodemann-Fu literature BCD formula
(physics.md 3), symmetry, and exact identities of the extrapolation helpers.  The grid's
own error estimate (T, cutoff, sea-tail and grid-refinement differences plus a roundoff floor) must
cover the true error; it is also required to be small (relative 1e-4 of the tensor), so
the check cannot pass by inflating the estimate.

Runtime: one Fermi-box pass per model and mu (shared by the mechanisms through the
module cache), ~45 s in total on 2 cores (the k^2-mass user model's quadrature reference
derives its geometry symbolically, ~7 s).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symenh.integrate import grid as G
from symenh.integrate.richardson import richardson
from symenh.models.base import from_matrix
from symenh.models.paper import pt_dirac
from symenh.params import PAPER
from symenh.responses.api import sigma
from symenh.responses.spec import FORBIDDEN, PAPER_MECHANISMS as MECHANISMS, nonzero_elements
from symenh.units import sigma_to_si

import symenh.responses.mpmath_path as mp_ref  # noqa: E402

D = PAPER.Delta_eV
MUS = (1.5 * D, 4.0 * D)
ALLOWED = [(m, k) for m in ("tilted-dirac", "pt-dirac") for k in MECHANISMS if k not in FORBIDDEN[m]]
#: the grid's stated relative accuracy bound (error estimate / max |sigma|) at the test points
STATED_REL = 1e-4


def grid_sigma(model, mech, mu, **kw):
    return sigma(model, mech, [mu], method="grid", **kw)


def literature_bcd_xyy(mu, valleys=2):
    """sigma_BCD^{xyy} (A m/V^2) from D_y = -3 alpha Delta (mu^2 - Delta^2)/(8 pi mu^4) per valley
    (physics.md 3; both valleys of H_T contribute equally: tilt and chirality both flip)."""
    Dy = valleys * (-3 * D * (mu**2 - D**2) / (8 * np.pi * mu**4)) * PAPER.alpha_eV_nm
    return sigma_to_si(PAPER.tau_over_hbar_per_eV * Dy)   # sigma^{xyy} = (tau/hbar) eps^{xy} D_y


# ---------------------------------------------------------------------------
# helpers: exact identities
# ---------------------------------------------------------------------------

def test_richardson_is_exact_for_polynomials_in_x():
    """The shared Neville extrapolation the grid path uses: exact for a cubic in x = T^2."""
    kTs = np.array([0.3, 0.2, 0.1, 0.05])
    x = kTs**2
    vals = 1.7 - 2.0 * x + 5.0 * x**2 - 3.0 * x**3
    assert richardson(vals, kTs, power=2)[0] == pytest.approx(1.7, rel=1e-13)
    xs = np.array([0.3, 0.2, 0.1, 0.05])
    vals1 = 0.5 + 2.0 * xs + 7.0 * xs**3
    assert richardson(vals1, xs, power=1)[0] == pytest.approx(0.5, rel=1e-12)


def test_fermi_derivatives_match_finite_differences():
    eps = np.linspace(-0.05, 0.05, 11) + 0.1
    mu, kT, h = 0.1, 0.004, 1e-6
    f, f1, f2 = G.fermi_derivatives(eps, mu, kT)
    fp, f1p, _ = G.fermi_derivatives(eps + h, mu, kT)
    fm, f1m, _ = G.fermi_derivatives(eps - h, mu, kT)
    assert np.allclose(f, 1 / (np.exp((eps - mu) / kT) + 1), rtol=1e-14)
    assert np.allclose(f1, (fp - fm) / (2 * h), rtol=1e-7, atol=1e-9)
    assert np.allclose(f2, (f1p - f1m) / (2 * h), rtol=1e-6, atol=1e-6)
    # far tails: no overflow, exact limits
    f, f1, f2 = G.fermi_derivatives(np.array([-1e3, 1e3]), 0.0, 1e-4)
    assert f.tolist() == [1.0, 0.0] and np.all(f1 == 0) and np.all(f2 == 0)


def test_clenshaw_curtis_is_exact_for_polynomials_and_nested():
    x, w = G.clenshaw_curtis(16)
    xh, wh = G.clenshaw_curtis(8)
    assert np.allclose(x[::2], xh, rtol=0, atol=1e-15)           # the half rule uses every other node
    for deg in range(0, 17):
        exact = (1.0 - (-1.0) ** (deg + 1)) / (deg + 1)
        assert np.sum(w * x**deg) == pytest.approx(exact, abs=1e-14)
        if deg <= 8:
            assert np.sum(wh * xh**deg) == pytest.approx(exact, abs=1e-14)


def test_smooth_window_is_radial_step():
    s = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
    w = G.smooth_window(s)
    assert w[0] == w[1] == w[2] == 1.0 and w[4] == w[5] == 0.0 and w[3] == pytest.approx(0.5)


# ---------------------------------------------------------------------------
# grid vs mpmath, every allowed mechanism of both models
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mu", MUS, ids=["1.5Delta", "4Delta"])
@pytest.mark.parametrize("model,mech", ALLOWED)
def test_grid_matches_mpmath_within_its_error_estimate(model, mech, mu):
    res = grid_sigma(model, mech, mu)
    g, err = res.sigma[0], res.error_estimate[0]
    ref = np.array(mp_ref.sigma_linear_mp(model, mech, mu, PAPER, dps=20), dtype=float)
    scale = np.max(np.abs(ref))
    assert scale > 0
    # the true error is inside the estimate, element by element
    assert np.all(np.abs(g - ref) <= err), (g, ref, err)     # err: one bound per mu (JSON contract)
    # and the estimate is a useful one
    assert err <= STATED_REL * scale
    # the same non-zero elements
    assert nonzero_elements(g[None], rtol=1e-8) == nonzero_elements(ref[None], rtol=1e-8)


@pytest.mark.parametrize("mu", MUS, ids=["1.5Delta", "4Delta"])
def test_grid_bcd_matches_literature_formula(mu):
    res = grid_sigma("tilted-dirac", "bcd", mu)
    lit = literature_bcd_xyy(mu)
    assert abs(res.sigma[0][0, 1, 1] - lit) <= res.error_estimate[0]
    assert res.sigma[0][1, 0, 1] == pytest.approx(-lit, rel=1e-5)
    assert res.error_estimate[0] < STATED_REL * abs(lit)


def test_hole_doping_against_mpmath():
    mu = -2.0 * D
    for model, mech in (("tilted-dirac", "enh-t"), ("pt-dirac", "enh-pt")):
        res = grid_sigma(model, mech, mu)
        ref = np.array(mp_ref.sigma_linear_mp(model, mech, mu, PAPER, dps=20), dtype=float)
        assert np.all(np.abs(res.sigma[0] - ref) <= res.error_estimate[0])
        assert np.max(np.abs(ref)) > 0


# ---------------------------------------------------------------------------
# symmetry zeros, exchange over both valleys
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mu", MUS, ids=["1.5Delta", "4Delta"])
@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_symmetry_forbidden_mechanisms_vanish_to_grid_precision(model, mu):
    other = "pt-dirac" if model == "tilted-dirac" else "tilted-dirac"
    for mech in FORBIDDEN[model]:
        zero = grid_sigma(model, mech, mu).sigma[0]
        # the size the mechanism has where symmetry allows it (same parameters, same mu)
        allowed = np.max(np.abs(grid_sigma(other, mech, mu).sigma[0]))
        assert allowed > 0
        assert np.max(np.abs(zero)) <= 1e-10 * allowed, (model, mech)


def test_all_valley_exchange_enh_t_vanishes_for_tilted_dirac():
    same = grid_sigma("tilted-dirac", "enh-t", 4 * D).sigma[0]
    allv = sigma("tilted-dirac", "enh-t", [4 * D], method="grid", exchange_valleys="all").sigma[0]
    assert np.max(np.abs(same)) > 0
    assert np.max(np.abs(allv)) <= 1e-10 * np.max(np.abs(same))


# ---------------------------------------------------------------------------
# gap, cutoff, chunking, user models
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mech", MECHANISMS)
def test_mu_in_gap_is_exactly_zero(mech):
    mus = [0.0, 0.5 * D, -0.99 * D, D, -D]
    for model in ("tilted-dirac", "pt-dirac"):
        res = sigma(model, mech, mus, method="grid")
        assert np.all(res.sigma == 0.0) and not np.any(np.isnan(res.sigma))
        assert np.all(res.error_estimate == 0.0)


def test_fermi_sea_independent_of_cutoff():
    mu = 4 * D
    a = grid_sigma("pt-dirac", "enh-pt", mu)
    k_scale = D / PAPER.hbar_vx          # 1/nm: the scaled-momentum unit |Delta|/(hbar v)
    b = grid_sigma("pt-dirac", "enh-pt", mu, k_max=20 * k_scale)   # cutoffs 10..20 instead of 4..8
    assert np.all(np.abs(a.sigma[0] - b.sigma[0]) <= a.error_estimate[0] + b.error_estimate[0])
    assert np.max(np.abs(a.sigma)) > 0
    # the raw windowed sea at a single cutoff is NOT converged: the extrapolation matters
    num, p0, scan = G.scan_for(pt_dirac(), PAPER.symbol_values())
    sums = G.sea_reference_sums(num, p0, scan.k_scale, 0.0, [4.0, 8.0], 0.25)[0]
    assert np.max(np.abs(sums[1] - sums[0])) > 1e-3 * np.max(np.abs(sums[1]))


def test_chunked_grid_equals_single_chunk():
    num, p0, scan = G.scan_for(pt_dirac(), PAPER.symbol_values())
    grid = G.grid_over((-0.6, 0.7), (-0.5, 0.55), 0.02, 0.025)
    kTs = [0.01, 0.007]
    one = G.fermi_box_sums(num, p0, grid, 0.1, kTs, 0.0, chunk_points=10**8)
    many = G.fermi_box_sums(num, p0, grid, 0.1, kTs, 0.0, chunk_points=97)
    assert grid.size > 20 * 97
    for k in one:
        assert np.allclose(one[k], many[k], rtol=1e-12, atol=1e-14 * np.max(np.abs(one[k]))), k
    sea1 = G.sea_reference_sums(num, p0, scan.k_scale, 0.0, [1.0, 2.0], 0.25, chunk_points=10**8)
    sea2 = G.sea_reference_sums(num, p0, scan.k_scale, 0.0, [1.0, 2.0], 0.25, chunk_points=50)
    assert np.allclose(sea1, sea2, rtol=1e-12, atol=1e-14 * np.max(np.abs(sea1)))


def _user_valley():
    """H_T's xi = +1 valley written by a user with their own symbol names (no paper shortcuts)."""
    kx, ky, m, u, w, a = sp.symbols("qx qy m u w a", real=True)
    H = sp.Matrix([[m + a * ky, -sp.I * u * kx - w * ky], [sp.I * u * kx - w * ky, -m + a * ky]])
    model = from_matrix(H, kx=kx, ky=ky, params=(m, u, w, a), tilt_symbol=a, name="my-dirac")
    by_name = {"m": D, "u": PAPER.hbar_vx, "w": PAPER.hbar_vy, "a": PAPER.alpha_eV_nm}
    return model, {p: by_name[p.name] for p in model.params}


def test_user_model_bcd_matches_literature_and_gap_rule():
    model, vals = _user_valley()
    mu = 2.0 * D
    res = sigma(model, "bcd", [mu, 0.3 * D], method="grid", model_values=vals)
    lit = literature_bcd_xyy(mu, valleys=1)
    assert abs(res.sigma[0][0, 1, 1] - lit) <= res.error_estimate[0]
    assert res.error_estimate[0] < STATED_REL * abs(lit)
    assert np.all(res.sigma[1] == 0.0)          # in the gap found by the probe


def test_error_estimate_stays_honest_on_a_coarse_grid():
    """Under-resolved settings (few points, high temperatures): the error grows, the estimate with it."""
    mu = 4 * D
    ref = np.array(mp_ref.sigma_linear_mp("tilted-dirac", "bcd", mu, PAPER, dps=20), dtype=float)
    res = grid_sigma("tilted-dirac", "bcd", mu, n_k=101, temperatures_K=(60, 80, 100))
    diff = np.abs(res.sigma[0] - ref)
    assert np.max(diff) > 1e-4 * np.max(np.abs(ref))        # genuinely coarse
    assert np.all(diff <= res.error_estimate[0])


@pytest.mark.parametrize("bad", [{"foo": 1}, {"temperatures_K": (-1.0,)}, {"n_k": 2},
                                 {"kT_fractions": (0.1, 0.1)}, {"k_max": 0.0}, {"sea_cutoffs": (4.0,)}])
def test_bad_grid_options_are_refused(bad):
    from symenh.responses.spec import ResponseError
    with pytest.raises(ResponseError):
        sigma("tilted-dirac", "bcd", [2 * D], method="grid", **bad)


def test_four_band_user_model_matches_mpmath():
    """H_PT typed in by a user (own symbol names, own spin matrices): probe-found gap, scales,
    reference energy and degenerate levels, against the mpmath path for the paper model."""
    kx, ky, m, u, w, a = sp.symbols("qx qy m u w a", real=True)
    s0, s1, s2, s3 = (sp.eye(2), sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                      sp.Matrix([[1, 0], [0, -1]]))
    d_s = u * kx * s1 + w * ky * s2 + m * s3
    H = sp.kronecker_product(s2, d_s) + a * ky * sp.eye(4)
    spin = [sp.kronecker_product(s0, s) for s in (s1, s2, s3)]
    model = from_matrix(H, kx=kx, ky=ky, spin=spin, params=(m, u, w, a), tilt_symbol=a, name="my-pt")
    by_name = {"m": D, "u": PAPER.hbar_vx, "w": PAPER.hbar_vy, "a": PAPER.alpha_eV_nm}
    vals = {p: by_name[p.name] for p in model.params}
    mu = 4 * D
    for mech in ("inh", "enh-pt"):
        res = sigma(model, mech, [mu], method="grid", model_values=vals)
        ref = np.array(mp_ref.sigma_linear_mp("pt-dirac", mech, mu, PAPER, dps=20), dtype=float)
        assert np.all(np.abs(res.sigma[0] - ref) <= res.error_estimate[0]), mech
        assert np.max(res.error_estimate[0]) < STATED_REL * np.max(np.abs(ref))


# ---------------------------------------------------------------------------
# a user model whose mass grows as k^2: the Fermi-sea tail is not Dirac-like
# ---------------------------------------------------------------------------

#: H = hv (k_x s1 + k_y s2) + (Delta + beta k^2) s3 + t k_y (eV, eV nm, eV nm^2, eV nm)
K2_VALUES = {"hv": 0.3, "Delta": 0.04, "beta": 0.5, "t": 0.02}


def _k2_mass_model():
    kx, ky = sp.symbols("k_x k_y", real=True)
    hv, m, beta, t = sp.symbols("hv Delta beta t", real=True)
    s1, s2, s3 = sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]), sp.Matrix([[1, 0], [0, -1]])
    H = hv * (kx * s1 + ky * s2) + (m + beta * (kx**2 + ky**2)) * s3 + t * ky * sp.eye(2)
    return from_matrix(H, kx=kx, ky=ky, params=(hv, m, beta, t), tilt_symbol=t, name="k2-mass-dirac")


def test_filled_band_sea_of_k2_mass_model_matches_radial_closed_form():
    """For d = (hv k_x, hv k_y, Delta + beta k^2) and Pauli spin, the valence-level S^{yx} is
    (2 beta hv k_x^2 - hv (Delta + beta k^2)) / (2 |d|^3), whose angular average is
    -hv Delta / (2 |d|^3) (S^{xy} = -S^{yx} by the rotation symmetry).  So the filled-band sea is
    B^{yx} = -(hv Delta / (4 pi)) int_0^inf k dk / |d|^3, a 1-D integral (scipy quad here), and its
    radial integrand a(r) ~ r^-5 at large k (|d| ~ beta k^2): not the 1/r^2 of the Dirac models."""
    from scipy.integrate import quad

    hv, m, beta = K2_VALUES["hv"], K2_VALUES["Delta"], K2_VALUES["beta"]
    d3 = lambda k: (hv**2 * k**2 + (m + beta * k**2) ** 2) ** 1.5  # noqa: E731
    exact = -(hv * m / (4 * np.pi)) * quad(lambda k: k / d3(k), 0, np.inf, epsabs=0, epsrel=1e-13, limit=200)[0]
    num, p0, scan = G.scan_for(_k2_mass_model(), K2_VALUES)
    cut = np.array([4.0, 8.0])
    cart = G.sea_reference_sums(num, p0, scan.k_scale, 0.0, cut, 0.2)[0]
    tail = G.sea_tail(num, p0, scan.k_scale, 0.0, cut)
    total = cart + tail.value                      # (nK, eta, a): index eta 1 = x, 2 = y
    assert tail.power == pytest.approx(5.0, abs=1e-3)
    for j in range(len(cut)):
        assert total[j, 2, 0] == pytest.approx(exact, rel=1e-8)
        assert total[j, 1, 1] == pytest.approx(-exact, rel=1e-8)
    # the windowed Cartesian sum alone misses a tail well above that accuracy
    assert abs(cart[0, 2, 0] - exact) > 1e-4 * abs(exact)


def test_k2_mass_user_model_enh_pt_matches_quadrature_within_estimate():
    """ENH(PT) of the k^2-mass model: grid vs the quadrature path (symbolic geometry, polar
    quadrature, T = 0): the grid's estimate covers the difference and is below 1e-4 relative."""
    model = _k2_mass_model()
    mus = [0.08, 0.15]
    g = sigma(model, "enh-pt", mus, method="grid", model_values=K2_VALUES)
    q = sigma(model, "enh-pt", mus, method="quadrature", model_values=K2_VALUES)
    for i in range(len(mus)):
        scale = np.max(np.abs(q.sigma[i]))
        assert scale > 0
        assert np.all(np.abs(g.sigma[i] - q.sigma[i]) <= g.error_estimate[i]), (mus[i], g.sigma[i], q.sigma[i])
        assert g.error_estimate[i] < STATED_REL * scale


@pytest.mark.parametrize("model, mech", [("tilted-dirac", "bcd"), ("pt-dirac", "inh")])
def test_grid_odd_in_alpha_and_zero_at_zero_tilt(model, mech):
    """sigma(-alpha) = -sigma(alpha) and sigma(alpha = 0) = 0 exactly on the grid path (one mu)."""
    mu = [3.0 * D]
    p = PAPER.replace(alpha_over_hbar_v=0.05)
    plus = sigma(model, mech, mu, method="grid", params=p).sigma
    minus = sigma(model, mech, mu, method="grid", params=p.replace(alpha_over_hbar_v=-0.05)).sigma
    zero = sigma(model, mech, mu, method="grid", params=p.replace(alpha_over_hbar_v=0.0)).sigma
    s = np.max(np.abs(plus))
    assert s > 0
    np.testing.assert_allclose(minus, -plus, rtol=0, atol=1e-12 * s)
    assert np.all(zero == 0.0)
