"""Closed-form path (symenh.responses.closed_form, symenh.integrate.symbolic).

Expected values come from symmetries, limits, the block decomposition of H_PT, and
an independent numeric route: Fermi-contour and Fermi-sea integrals at finite
alpha = +-h with band geometry from direct diagonalisation (eigh), the linear
coefficient by a central difference (checks the linear-order identities, the
band sum rule and the symbolic integration at once).
"""

import numpy as np
import pytest
import sympy as sp

from symenh.integrate.symbolic import MU, angular_integral, to_polar, trig_moment
from symenh.kernels.direct import band_geometry
from symenh.models import ALPHA, DELTA, HVX, HVY, KX, KY, pt_block, pt_dirac, tilted_dirac
from symenh.params import PAPER
from symenh.responses import api, closed_form
from symenh.responses.job import Job
from symenh.responses.spec import PAPER_MECHANISMS as MECHANISMS, Prefactors, ResponseError, enh_sign, sigma_from_factors
from symenh.units import sigma_to_si

MODELS = ("tilted-dirac", "pt-dirac")
ANISO = PAPER.replace(vx_m_per_s=4e5, vy_m_per_s=3e5)


# ---------------------------------------------------------------------------
# the symbolic integrator itself
# ---------------------------------------------------------------------------

def test_trig_moments_against_sympy_integrate():
    th = sp.Symbol("th")
    for m in range(5):
        for n in range(5):
            assert trig_moment(m, n) == sp.integrate(sp.cos(th)**m * sp.sin(th)**n, (th, 0, 2 * sp.pi))


def test_angular_integral_of_dipole_vanishes_and_monopole_survives():
    E2 = DELTA**2 + HVX**2 * KX**2 + HVY**2 * KY**2
    dip = KY / E2**sp.Rational(3, 2)
    assert angular_integral(to_polar(dip)) == 0
    mono = HVX**2 * KX**2 / E2**sp.Rational(3, 2)
    E = sp.Symbol("E", positive=True)
    assert sp.simplify(angular_integral(to_polar(mono)) - sp.pi * (E**2 - DELTA**2) / E**3) == 0


# ---------------------------------------------------------------------------
# gap, symmetry zeros, alpha dependence
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("mech", MECHANISMS)
@pytest.mark.parametrize("delta", [0.05, -0.05])
def test_gap_is_exactly_zero(model, mech, delta):
    p = PAPER.replace(Delta_eV=delta)
    mu = np.array([-0.05, -0.03, 0.0, 0.02, 0.05])
    res = api.sigma(model, mech, mu, params=p)
    assert np.all(res.sigma == 0.0)
    assert not np.any(np.isnan(res.sigma))


@pytest.mark.parametrize("model,mech", [("pt-dirac", "bcd"), ("pt-dirac", "enh-t"),
                                        ("tilted-dirac", "inh"), ("tilted-dirac", "enh-pt")])
def test_symmetry_forbidden_mechanisms_vanish(model, mech):
    mu = np.array([-0.2, -0.07, 0.06, 0.1, 0.5])
    assert np.all(api.sigma(model, mech, mu).sigma == 0.0)
    assert all(e == 0 for e in closed_form.sigma_expressions(model, mech).values())


def test_all_valley_exchange_enh_t_vanishes_for_tilted_dirac():
    mu = np.array([-0.2, 0.06, 0.1, 0.5])
    assert np.all(api.sigma("tilted-dirac", "enh-t", mu, exchange_valleys="all").sigma == 0.0)
    # while the valley-diagonal exchange does not vanish
    assert np.max(np.abs(api.sigma("tilted-dirac", "enh-t", mu).sigma)) > 0


@pytest.mark.parametrize("model,mech", [("tilted-dirac", "bcd"), ("tilted-dirac", "enh-t"),
                                        ("pt-dirac", "inh"), ("pt-dirac", "enh-pt")])
def test_odd_in_alpha_and_zero_at_alpha_zero(model, mech):
    mu = np.array([-0.3, -0.08, 0.07, 0.15, 0.6])
    plus = api.sigma(model, mech, mu, params=PAPER.replace(alpha_over_hbar_v=0.2)).sigma
    minus = api.sigma(model, mech, mu, params=PAPER.replace(alpha_over_hbar_v=-0.2)).sigma
    zero = api.sigma(model, mech, mu, params=PAPER.replace(alpha_over_hbar_v=0.0)).sigma
    assert np.max(np.abs(plus)) > 0
    np.testing.assert_allclose(minus, -plus, rtol=1e-13, atol=0)
    assert np.all(zero == 0.0)


def test_user_model_is_refused_with_a_pointer_to_other_methods():
    # a two-level user model gets closed forms since issue 11 (tests/test_user_closed_form.py);
    # a four-band one is refused with the pointer
    job = Job("my-model", (pt_dirac(),), "bcd", np.array([0.1]), PAPER, PAPER.symbol_values(),
              Prefactors(1.0, 1.0, -1.0))
    with pytest.raises(ResponseError, match="quadrature"):
        closed_form.compute(job)


# ---------------------------------------------------------------------------
# explicit expressions agree with the numeric assembly (both branches)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model,mech", [("tilted-dirac", "bcd"), ("tilted-dirac", "enh-t"),
                                        ("pt-dirac", "inh"), ("pt-dirac", "enh-pt")])
@pytest.mark.parametrize("convention", ["consistent", "printed"])
def test_sigma_expressions_match_compute(model, mech, convention):
    p = ANISO
    exprs = closed_form.sigma_expressions(model, mech, convention)
    vals = {**p.symbol_values(), closed_form.V0: p.V0_eV_nm2, closed_form.TAU_OVER_HBAR: p.tau_over_hbar_per_eV}
    mus = [-0.4, -0.06, 0.01, 0.07, 0.3]
    res = api.sigma(model, mech, mus, params=p, convention=convention)
    for i, m in enumerate(mus):
        for name, e in exprs.items():
            c, a, b = ("xy".index(ch) for ch in name)
            expected = float(sigma_to_si(float(e.subs(vals).subs(MU, m))))
            assert res.sigma[i, c, a, b] == pytest.approx(expected, rel=1e-12, abs=1e-40)


# ---------------------------------------------------------------------------
# H_PT from its two tau_y blocks
# ---------------------------------------------------------------------------

def _job(name, comps, mech, mu, exchange, p=PAPER):
    pre = Prefactors(p.tau_over_hbar_per_eV, p.V0_eV_nm2, enh_sign("consistent"))
    return Job(name, comps, mech, np.asarray(mu, float), p, p.symbol_values(), pre, "consistent", exchange)


@pytest.mark.parametrize("mech", ["inh", "enh-pt", "bcd", "enh-t"])
def test_pt_dirac_equals_its_two_blocks(mech):
    mu = [-0.3, -0.07, 0.06, 0.2]
    full, _ = closed_form.compute(_job("pt-dirac", (pt_dirac(),), mech, mu, "same"))
    blocks = (pt_block(1), pt_block(-1))
    both, _ = closed_form.compute(_job("pt-dirac", blocks, mech, mu, "all"))
    np.testing.assert_allclose(both, full, rtol=1e-12, atol=1e-14 * np.max(np.abs(full), initial=1e-300))
    if mech == "enh-pt":
        # exchange block by block (k' in the block of k only) halves Eq. 9
        half, _ = closed_form.compute(_job("pt-dirac", blocks, mech, mu, "same"))
        np.testing.assert_allclose(half, 0.5 * full, rtol=1e-12)


# ---------------------------------------------------------------------------
# independent route: finite alpha, eigh geometry, contour / sea quadrature
# ---------------------------------------------------------------------------

def _tilt_coeffs(model):
    t = sp.expand(model.tilt() / ALPHA)
    return float(t.coeff(KX)), float(t.coeff(KY))


def _kF(theta, mu, alpha, p, model):
    """Radius (1/nm) of the conduction Fermi contour E(k) + alpha tau(k) = mu along theta."""
    c, s = np.cos(theta), np.sin(theta)
    tx, ty = _tilt_coeffs(model)
    a = (p.hbar_vx * c) ** 2 + (p.hbar_vy * s) ** 2
    b = alpha * (tx * c + ty * s)
    A = a - b * b
    return (-mu * b + np.sqrt(mu * mu * b * b - A * (p.Delta_eV**2 - mu * mu))) / A, a, b


def _geom(model, kx, ky, p, alpha):
    vals = {**p.symbol_values(), ALPHA: alpha}
    g = band_geometry(model, kx, ky, vals)
    return g, model.dim - 1  # the top band carries the conduction-level trace


def _contour(model, mu, alpha, p, integrand, n_theta=512):
    """int d^2k/(2pi)^2 delta(mu - eps_c(k)) F(k) at finite alpha; F(g, n, kx, ky, grad_eps) -> array."""
    th = 2 * np.pi * np.arange(n_theta) / n_theta
    k, a, b = _kF(th, mu, alpha, p, model)
    kx, ky = k * np.cos(th), k * np.sin(th)
    E = np.sqrt(p.Delta_eV**2 + (p.hbar_vx * kx) ** 2 + (p.hbar_vy * ky) ** 2)
    tx, ty = _tilt_coeffs(model)
    grad = np.stack([p.hbar_vx**2 * kx / E + alpha * tx, p.hbar_vy**2 * ky / E + alpha * ty], axis=-1)
    dk = a * k / E + b  # d eps / d k along the ray
    g, n = _geom(model, kx, ky, p, alpha)
    F = integrand(g, n, grad)
    w = (k / dk).reshape((-1,) + (1,) * (F.ndim - 1))
    return np.sum(F * w, axis=0) * (2 * np.pi / n_theta) / (4 * np.pi**2)


def _inside(model, mu, alpha, p, n_theta=256, n_k=48):
    """int_{eps_c < mu} d^2k/(2pi)^2 S_c (conduction-level SBP), Gauss-Legendre in k."""
    th = 2 * np.pi * np.arange(n_theta) / n_theta
    k, _, _ = _kF(th, mu, alpha, p, model)
    x, w = np.polynomial.legendre.leggauss(n_k)
    kk = 0.5 * (x[None, :] + 1) * k[:, None]
    wk = 0.5 * w[None, :] * k[:, None] * kk
    g, n = _geom(model, kk * np.cos(th)[:, None], kk * np.sin(th)[:, None], p, alpha)
    return np.einsum("tk,tkeb->eb", wk, g.sbp[..., n, :, :]) * (2 * np.pi / n_theta) / (4 * np.pi**2)


def _outside0(model, mu, p, n_theta=256, n_u=64):
    """-int_{E > mu} d^2k/(2pi)^2 S_c at alpha = 0, angular sum first (k = k_F / u)."""
    th = 2 * np.pi * np.arange(n_theta) / n_theta
    k, _, _ = _kF(th, mu, 0.0, p, model)
    x, w = np.polynomial.legendre.leggauss(n_u)
    u = 0.5 * (x + 1)
    kk = k[:, None] / u[None, :]
    wk = (0.5 * w[None, :]) * kk * (k[:, None] / u[None, :] ** 2)
    g, n = _geom(model, kk * np.cos(th)[:, None], kk * np.sin(th)[:, None], p, 0.0)
    return -np.einsum("tk,tkeb->eb", wk, g.sbp[..., n, :, :]) * (2 * np.pi / n_theta) / (4 * np.pi**2)


def _enh_pt_finite(mu, alpha, p):
    m = pt_dirac()
    A = -_contour(m, mu, alpha, p, lambda g, n, grad: grad[:, :, None, None] * g.sbp[:, n][:, None, :, :])
    B = _outside0(m, mu, p) + _inside(m, mu, alpha, p) - _inside(m, mu, 0.0, p)
    pre = Prefactors(p.tau_over_hbar_per_eV, p.V0_eV_nm2, enh_sign("consistent"))
    return sigma_from_factors("enh-pt", {"A": A[None], "B": B[None]}, pre)


def _bcd_finite(mu, alpha, p):
    D = 0
    for xi in (1, -1):
        m = tilted_dirac(xi)
        # D_b = sum int f d_b Omega = +int delta(mu - eps_c) (d_b eps_c) Omega_c (valence: total derivative)
        D = D + _contour(m, mu, alpha, p, lambda g, n, grad: grad * g.berry_curvature[:, n, None])
    pre = Prefactors(p.tau_over_hbar_per_eV, p.V0_eV_nm2, -1.0)
    return sigma_from_factors("bcd", {"D": np.asarray(D)[None]}, pre)


@pytest.mark.parametrize("mu_over_delta", [1.6, 4.0])
def test_enh_pt_linear_coefficient_against_finite_alpha_quadrature(mu_over_delta):
    p = ANISO
    mu = mu_over_delta * p.Delta_eV
    h = 1e-3 * p.hbar_vy
    numeric = p.alpha_eV_nm * (_enh_pt_finite(mu, h, p) - _enh_pt_finite(mu, -h, p)) / (2 * h)
    closed, _ = closed_form.compute(_job("pt-dirac", (pt_dirac(),), "enh-pt", [mu], "same", p))
    scale = np.max(np.abs(closed))
    assert scale > 0
    np.testing.assert_allclose(numeric, closed[0], rtol=0, atol=1e-6 * scale)


def test_bcd_linear_coefficient_against_finite_alpha_contour():
    p = ANISO.replace(Delta_eV=-0.05)  # negative Delta on purpose
    mu = 2.5 * abs(p.Delta_eV)
    h = 1e-3 * p.hbar_vy
    numeric = p.alpha_eV_nm * (_bcd_finite(mu, h, p) - _bcd_finite(mu, -h, p)) / (2 * h)
    comps = (tilted_dirac(1), tilted_dirac(-1))
    closed, _ = closed_form.compute(_job("tilted-dirac", comps, "bcd", [mu], "same", p))
    scale = np.max(np.abs(closed))
    assert scale > 0
    np.testing.assert_allclose(numeric, closed[0], rtol=0, atol=1e-6 * scale)


def test_sea_factor_from_closed_form_matches_numeric_outside_integral():
    """B(0) = -int_{E > mu} S_c: closed form vs the angular-first numeric integral (no cutoff)."""
    p = ANISO
    mu = 3 * p.Delta_eV
    expr = closed_form.factor_expressions(pt_dirac())["conduction"]["B0"]
    f = sp.lambdify((sp.Symbol("E_F", positive=True), DELTA, HVX, HVY), expr)
    closed = np.array(f(mu, p.Delta_eV, p.hbar_vx, p.hbar_vy), dtype=float)
    numeric = _outside0(pt_dirac(), mu, p)
    np.testing.assert_allclose(numeric, closed, rtol=0, atol=1e-8 * np.max(np.abs(closed)))


def test_surface_and_outside_integrals_density_of_states_and_derivative():
    """The two integrals the closed-form path uses: the density of states of the ellipse
    E(k) = E_F is d/dE_F of its area pi k_x k_y / (4 pi^2) = (E_F^2 - Delta^2)/(4 pi |hv_x hv_y|);
    and d/dE_F of the outside integral is minus the surface integral (for a convergent F)."""
    from symenh.integrate.symbolic import EF, fermi_surface_integral_ef, outside_fermi_surface_integral_ef

    area = (EF**2 - DELTA**2) / (4 * sp.pi * sp.Abs(HVX * HVY))
    assert sp.simplify(fermi_surface_integral_ef(sp.Integer(1)) - sp.diff(area, EF)) == 0
    E2 = DELTA**2 + HVX**2 * KX**2 + HVY**2 * KY**2
    F = (DELTA**2 + HVY**2 * KY**2) / E2**3
    out = outside_fermi_surface_integral_ef(F)
    assert sp.simplify(sp.diff(out, EF) + fermi_surface_integral_ef(F)) == 0
    assert sp.limit(out.subs({HVX: 1, HVY: 1, DELTA: 1}), EF, sp.oo) == 0
