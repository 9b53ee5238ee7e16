"""The harmonic exchange reference (symenh.responses.mpmath_exchange) for a q-dependent V.

Independent checks:
* contact V_0, and a constant user V, against the contact reference sigma_linear_mp (its own
  Fermi-circle and Fermi-sea integrals) to >= 25 digits: the whole reduction, m = 0;
* a direct double-precision computation at finite tilt (tilted Fermi contours, the exchange
  field by a contour integral (Y) or a Fermi-sea integral in coordinates centred at the
  Fermi point (W), alpha derivative by Richardson-extrapolated central differences), with
  the screened Coulomb interaction: every harmonic m, the linear-order algebra, hole doping;
* the building blocks against closed forms: V_m of a Gaussian (Bessel I_m) and of 1/q
  (elliptic K), the Fermi-circle harmonics of the screened Coulomb V (elementary, derived in
  derivations/enh_q_dependent_reference.py), a sea integral against a 1-D Bessel quadrature;
* Fock channels, eps_r, symmetry zeros, the gap, bad input, precision self-consistency.
"""

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from numpy.polynomial.legendre import leggauss

from symenh.errors import ParameterError, ResponseError
from symenh.integrate.mp_exchange import V_harmonic, circle_harmonics, sea_integrals
from symenh.interactions import Q, screened_coulomb, user_interaction
from symenh.kernels import kernel_for
from symenh.models.paper import paper_valleys
from symenh.params import PAPER
from symenh.responses.mpmath_exchange import sigma_enh_reference_groups_mp, sigma_enh_reference_mp
from symenh.responses.mpmath_path import sigma_linear_mp
from symenh.units import sigma_to_si

D = PAPER.Delta_eV
ALLOWED = {"tilted-dirac": ("enh-t", ("xyy", "yxy")), "pt-dirac": ("enh-pt", ("xyx", "yxx"))}
EL = {"tilted-dirac": (0, 1, 1), "pt-dirac": (1, 0, 0)}


def _maxdiff(x, y):
    return max(abs(x[c][a][b] - y[c][a][b]) for c in range(2) for a in range(2) for b in range(2))


def _maxabs(x):
    return max(abs(x[c][a][b]) for c in range(2) for a in range(2) for b in range(2))


# ---------------------------------------------------------------------------
# contact and constant V: the contact reference, 25 digits
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("model,mu", [("tilted-dirac", 2 * D), ("tilted-dirac", -3 * D),
                                      ("pt-dirac", 2 * D), ("pt-dirac", -3 * D)])
def test_contact_equals_contact_reference_25_digits(model, mu):
    mech = ALLOWED[model][0]
    with mp.workdps(30):
        ref = sigma_linear_mp(model, mech, mu, PAPER, dps=30)
        new = sigma_enh_reference_mp(model, mech, mu, PAPER, "contact", dps=30)
        assert _maxabs(ref) > 0
        assert _maxdiff(ref, new) <= mp.mpf(10) ** -25 * _maxabs(ref)


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_constant_user_V_equals_contact(model):
    mech = ALLOWED[model][0]
    from scipy import constants as c   # the same constants as the contact reference
    with mp.workdps(40):
        V0 = mp.mpf(c.e) / (4 * mp.pi * mp.mpf(c.epsilon_0)) * mp.mpf(10) ** 9 / mp.mpf(PAPER.q_s_per_nm)
        expr = sp.Float(mp.nstr(V0, 38), 38) + 0 * Q
    inter = user_interaction(expr)
    with mp.workdps(30):
        ref = sigma_linear_mp(model, mech, 2 * D, PAPER, dps=30)
        new = sigma_enh_reference_mp(model, mech, 2 * D, PAPER, inter, dps=30)
        assert _maxdiff(ref, new) <= mp.mpf(10) ** -25 * _maxabs(ref)
    # a plain callable (double precision by construction)
    f = float(V0)
    call = user_interaction(lambda q: np.full(np.shape(q), f))
    new = sigma_enh_reference_mp("tilted-dirac", "enh-t", 2 * D, PAPER, call, dps=20)
    ref = sigma_linear_mp("tilted-dirac", "enh-t", 2 * D, PAPER, dps=20)
    assert float(_maxdiff(ref, new) / _maxabs(ref)) < 1e-14


# ---------------------------------------------------------------------------
# direct finite-tilt computation (double precision, independent of the reduction)
# ---------------------------------------------------------------------------

def _graded_gl(a, b, scale, n, both=False):
    X, W = leggauss(n)

    def toward(lo, hi, s):
        p, x = [lo], s
        while lo + x < hi:
            p.append(lo + x)
            x *= 2
        return p + [hi]
    if both:
        m = (a + b) / 2
        pa = toward(a, m, scale)
        pts = pa + [a + b - x for x in pa[::-1]][1:]
    else:
        pts = toward(a, b, scale)
    xs = [(r - l) / 2 * X + (r + l) / 2 for l, r in zip(pts[:-1], pts[1:])]
    ws = [(r - l) / 2 * W for l, r in zip(pts[:-1], pts[1:])]
    return np.concatenate(xs), np.concatenate(ws)


def _contour(mu, hv, t, th):
    """Fermi contour sqrt(Delta^2 + p^2) + t p sin th = mu (p = hbar v k): k and dk/dth."""
    s, c = np.sin(th), np.cos(th)
    p = (-mu * t * s + np.sqrt(mu**2 * t**2 * s**2 + (1 - t**2 * s**2) * (mu**2 - D**2))) / (1 - t**2 * s**2)
    dp = -t * p * c / (p / np.sqrt(D**2 + p**2) + t * s)
    return p * c / hv, p * s / hv, (dp * c - p * s) / hv, (dp * s + p * c) / hv


_VALS = {"Delta": D, "hbar_v_x": PAPER.hbar_vx, "hbar_v_y": PAPER.hbar_vy, "alpha": 0.0}


def _direct(model_name, mu, V, qs, t, n_th=24, n=10):
    """sigma/P (e^3/hbar nm/eV; times tau/hbar for enh-t) at tilt alpha = t hbar v, printed sign."""
    hv = PAPER.hbar_vx
    dop = 1 if mu > 0 else -1
    th = 2 * np.pi * np.arange(n_th) / n_th
    out = np.zeros((2, 2, 2))
    for xi, model in zip((1, -1), paper_valleys(model_name)):
        tx = (xi * t if model_name == "tilted-dirac" else t) * dop
        ker = kernel_for(model)
        lev = 1 if dop > 0 else 0
        kx, ky, dkx, dky = _contour(abs(mu), hv, tx, th)
        N = dop * np.stack([dky, -dkx], -1)      # int (d_c f) Q = -(1/(2pi)^2) oint N_c Q dth
        S = ker.evaluate("sbp", kx, ky, _VALS)[:, lev]
        kF = np.mean(np.hypot(kx, ky))
        if model_name == "tilted-dirac":      # Y by a contour integral, split at th' = th (cusp)
            u, wu = _graded_gl(0, 2 * np.pi, qs / kF / 4, n, both=True)
            k2x, k2y, d2x, d2y = _contour(abs(mu), hv, tx, th[:, None] + u[None, :])
            s2 = ker.evaluate("spin", k2x, k2y, _VALS)[:, :, lev]
            N2 = dop * np.stack([d2y, -d2x], -1)
            Vq = V(np.hypot(kx[:, None] - k2x, ky[:, None] - k2y))
            F = -np.einsum("tu,u,tue,tub->teb", Vq, wu, s2, N2) / (2 * np.pi) ** 2
        else:                                   # W: sea outside the contour, centred polar coordinates
            ta = tx * hv
            F = np.zeros((n_th, 4, 2))
            X, Wx = _graded_gl(0, np.pi, qs / kF / 8, n, both=True)
            Qc = 8 * kF + 8 * D / hv
            s_in, ws_in = _graded_gl(0, Qc, qs / 8, n)
            Xt, Wt = leggauss(n)
            ut = (Xt + 1) / 2
            s_all = np.concatenate([s_in, Qc / ut])
            w_all = np.concatenate([ws_in, Wt / 2 * Qc / ut**2])
            psiT = np.arctan2(dky, dkx)
            for half in (0, 1):
                psi = psiT[:, None] + X[None, :] - (np.pi if half == 0 else 0)
                ex, ey = np.cos(psi), np.sin(psi)
                if half == 0:
                    q1 = np.zeros_like(psi)
                else:   # exit from the Fermi disk along the ray: the contour equation is quadratic in q
                    num = hv**2 * (kx[:, None] * ex + ky[:, None] * ey) + abs(mu) * ta * ey - ta**2 * ky[:, None] * ey
                    q1 = np.maximum(-2 * num / (hv**2 - ta**2 * ey**2), 0)
                qq = q1[..., None] + s_all
                Sv = ker.evaluate("sbp", kx[:, None, None] + qq * ex[..., None],
                                  ky[:, None, None] + qq * ey[..., None], _VALS)[..., 0, :, :]
                F += np.einsum("tpqeb,p,q->teb", (qq * V(qq))[..., None, None] * Sv, Wx, w_all) / (2 * np.pi) ** 2
        out += -np.einsum("tc,tea,teb->cab", N, S, F) * (2 * np.pi / n_th) / (2 * np.pi) ** 2
    return out - np.swapaxes(out, 0, 1)


def _direct_linear(model_name, mu, V, qs, h=0.01):
    d = [(_direct(model_name, mu, V, qs, x) - _direct(model_name, mu, V, qs, -x)) / (2 * x) for x in (h, h / 2)]
    return PAPER.alpha_over_hbar_v * (4 * d[1] - d[0]) / 3


@pytest.mark.parametrize("model,mu", [("tilted-dirac", 2 * D), ("tilted-dirac", -3 * D), ("pt-dirac", 2 * D),
                                      ("pt-dirac", -3 * D)])
def test_screened_coulomb_against_direct_finite_tilt(model, mu):
    """Richardson error O(h^4) ~ 1e-9 relative, quadrature ~ 1e-11: 1e-7 is a wide margin, not a fit."""
    sc = screened_coulomb(PAPER.q_s_per_nm)
    mech = ALLOWED[model][0]
    raw = -_direct_linear(model, mu, sc.V, PAPER.q_s_per_nm)       # consistent: s = -1
    if mech == "enh-t":
        raw = raw * PAPER.tau_over_hbar_per_eV
    direct = sigma_to_si(raw)
    ref = np.array(sigma_enh_reference_mp(model, mech, mu, PAPER, sc, dps=20), dtype=float)
    c, a, b = EL[model]
    assert abs(ref[c, a, b]) > 1e-16
    assert np.max(np.abs(direct - ref)) < 1e-7 * abs(ref[c, a, b])


# ---------------------------------------------------------------------------
# building blocks against closed forms
# ---------------------------------------------------------------------------

def test_V_harmonic_gaussian_and_coulomb_closed_forms():
    with mp.workdps(30):
        lam = mp.mpf("0.7")
        V = lambda q: mp.exp(-q * q / (lam * lam))       # noqa: E731
        for k, kp in ((mp.mpf("0.3"), mp.mpf("0.9")), (mp.mpf("1.1"), mp.mpf("2.5"))):
            got = V_harmonic(V, k, kp, 3)
            for m in range(4):
                exact = 2 * mp.pi * mp.exp(-(k * k + kp * kp) / lam**2) * mp.besseli(m, 2 * k * kp / lam**2)
                assert abs(got[m] - exact) < mp.mpf(10) ** -27 * abs(exact)
        k, kp = mp.mpf(1), mp.mpf("2.3")
        got = V_harmonic(lambda q: 1 / q, k, kp, 0)[0]
        exact = 4 / (k + kp) * mp.ellipk(4 * k * kp / (k + kp) ** 2)
        assert abs(got - exact) < mp.mpf(10) ** -27 * exact


def _Jm(m, e):
    J0 = mp.acosh(1 / e) / mp.sqrt(1 - e * e)
    return [J0, -2 + mp.pi * e + (1 - 2 * e * e) * J0,
            -mp.mpf(8) / 3 + 2 * mp.pi * e + 8 * e**2 - 4 * mp.pi * e**3 + (1 - 8 * e**2 + 8 * e**4) * J0][m]


@pytest.mark.parametrize("kF", ["0.33", "25.0", "190.0"])
def test_circle_harmonics_screened_coulomb_closed_form(kF):
    """a_m = (2C/k_F) J_m(q_s/(2 k_F)) (derivations/enh_q_dependent_reference.py), b_m = (1/2) da_m/dk_F."""
    sc = screened_coulomb(0.2)
    with mp.workdps(34):
        kF = mp.mpf(kF)
        qs = mp.mpf(sc.q_s_per_nm)          # the float 0.2, as the interaction holds it
        C = sc.V_mp(0) * qs
        a, b = circle_harmonics(sc, kF, 2)
        for m in range(3):
            am = lambda k: 2 * C / k * _Jm(m, qs / (2 * k))   # noqa: E731
            assert abs(a[m] - am(kF)) < mp.mpf(10) ** -28 * abs(a[0])
            assert abs(b[m] - mp.diff(am, kF) / 2) < mp.mpf(10) ** -25 * abs(a[0] / kF)


def test_sea_integral_against_radial_bessel_quadrature():
    """The annulus (centred polar) + radial-V_m split against a plain 1-D integral of the Gaussian's
    closed-form V_m: int_{k_F}^oo k' V_m(k_F, k') g(k') dk'."""
    inter = user_interaction(sp.exp(-Q**2 / sp.Rational(3, 5) ** 2))   # exact lambda = 3/5
    with mp.workdps(25):
        kF = mp.mpf("0.4")
        L = mp.mpf(3) / 5
        g = lambda kp: [1 / (1 + kp * kp) ** 2, kp / (1 + kp * kp) ** 3, 1 / (1 + kp**3)]   # noqa: E731
        ms = [0, 1, 2]
        got = sea_integrals(inter, kF, ms, g, mp.mpf(1))
        for j, m in enumerate(ms):
            f = lambda kp: kp * 2 * mp.pi * mp.exp(-(kF**2 + kp**2) / L**2) * mp.besseli(m, 2 * kF * kp / L**2) * g(kp)[j]  # noqa: E731
            exact = mp.quad(f, [kF, 2 * kF, 4, mp.inf])
            assert abs(got[j] - exact) < mp.mpf(10) ** -20 * abs(exact)


# ---------------------------------------------------------------------------
# channels, eps_r, zeros, input
# ---------------------------------------------------------------------------

def test_fock_is_half_printed_for_HT_and_quarter_for_HPT():
    sc = screened_coulomb(0.2)
    with mp.workdps(30):
        p = sigma_enh_reference_mp("tilted-dirac", "enh-t", 2 * D, PAPER, sc, "printed", dps=30)
        f = sigma_enh_reference_mp("tilted-dirac", "enh-t", 2 * D, PAPER, sc, "fock", dps=30)
        assert _maxdiff([[[x / 2 for x in r] for r in m] for m in p], f) < mp.mpf(10) ** -26 * _maxabs(p)
    p = sigma_enh_reference_groups_mp("pt-dirac", "enh-pt", 2 * D, PAPER, sc, "printed", dps=20)
    f = sigma_enh_reference_groups_mp("pt-dirac", "enh-pt", 2 * D, PAPER, sc, "fock", dps=20)
    assert set(f) == {"total", "tau_0 (x) s^eta", "tau_i (x) s^nu, i != 0"}
    others = f["tau_i (x) s^nu, i != 0"]
    assert all(others[c][a][b] == 0 for c in range(2) for a in range(2) for b in range(2))
    with mp.workdps(20):
        assert _maxdiff([[[x / 4 for x in r] for r in m] for m in p["total"]], f["total"]) \
            < mp.mpf(10) ** -18 * _maxabs(p["total"])


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_eps_r_divides(model):
    mech = ALLOWED[model][0]
    s1 = sigma_enh_reference_mp(model, mech, 3 * D, PAPER, screened_coulomb(0.2), dps=20)
    s4 = sigma_enh_reference_mp(model, mech, 3 * D, PAPER, screened_coulomb(0.2, eps_r=4.0), dps=20)
    with mp.workdps(20):
        assert _maxdiff([[[x / 4 for x in r] for r in m] for m in s1], s4) < mp.mpf(10) ** -18 * _maxabs(s1)


def test_symmetry_forbidden_elements_exactly_zero():
    sc = screened_coulomb(0.2)
    for model, (mech, allowed) in ALLOWED.items():
        s = sigma_enh_reference_mp(model, mech, 2.5 * D, PAPER, sc, dps=20)
        for c in range(2):
            for a in range(2):
                for b in range(2):
                    name = "xy"[c] + "xy"[a] + "xy"[b]
                    if name in allowed:
                        assert s[c][a][b] != 0
                    else:
                        assert s[c][a][b] == 0, name
        i, j = allowed
        ci, ai, bi = ("xy".index(x) for x in i)
        cj, aj, bj = ("xy".index(x) for x in j)
        with mp.workdps(20):
            assert abs(s[ci][ai][bi] + s[cj][aj][bj]) < mp.mpf(10) ** -19 * abs(s[ci][ai][bi])
    for model, mech in (("tilted-dirac", "enh-pt"), ("pt-dirac", "enh-t")):
        s = sigma_enh_reference_mp(model, mech, 2.5 * D, PAPER, sc, dps=20)
        assert _maxabs(s) == 0


def test_gap_gives_exact_zeros():
    for mu in (0.0, 0.6 * D, -D):
        s = sigma_enh_reference_groups_mp("pt-dirac", "enh-pt", mu, PAPER, "screened-coulomb", "fock", dps=20)
        assert all(_maxabs(v) == 0 for v in s.values())


def test_bad_input_one_line_errors():
    with pytest.raises(ParameterError, match=r"^vx_m_per_s: .*quadrature.*grid") as e:
        sigma_enh_reference_mp("pt-dirac", "enh-pt", 0.1, PAPER.replace(vx_m_per_s=3e5), "contact")
    assert "\n" not in str(e.value)
    with pytest.raises(ResponseError, match=r"^channels: .*printed, fock"):
        sigma_enh_reference_mp("pt-dirac", "enh-pt", 0.1, PAPER, "contact", channels="full")
    with pytest.raises(ResponseError, match=r"^mechanism: .*enh-t, enh-pt"):
        sigma_enh_reference_mp("pt-dirac", "inh", 0.1, PAPER, "contact")
    with pytest.raises(ParameterError, match=r"^interaction: unknown"):
        sigma_enh_reference_mp("pt-dirac", "enh-pt", 0.1, PAPER, "yukawa")


def test_precision_self_consistency_screened_enh_pt():
    """dps 20 and dps 30 (different node counts and guard digits) agree to the 20 digits asked for."""
    sc = screened_coulomb(0.2)
    a = sigma_enh_reference_mp("pt-dirac", "enh-pt", 2 * D, PAPER, sc, dps=20)[1][0][0]
    b = sigma_enh_reference_mp("pt-dirac", "enh-pt", 2 * D, PAPER, sc, dps=30)[1][0][0]
    with mp.workdps(30):
        assert abs(a - b) < mp.mpf(10) ** -19 * abs(b)
