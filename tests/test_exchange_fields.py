"""The exchange fields W(k), Y(k) (physics.md 6) against independent integrals, their contact
limit (uniform V_0 B, V_0 C), the exchange potential U of Eq. 3 (signs, units, convention), and
a non-finite user V met inside an integral refused in one line."""

import numpy as np
import pytest
from scipy.integrate import quad

from symenh.errors import ParameterError
from symenh.integrate.exchange import exchange_fields
from symenh.interactions import contact, screened_coulomb, user_interaction
from symenh.kernels import kernel_for
from symenh.models import tilted_dirac
from symenh.params import PAPER
from symenh.responses.exchange import exchange_potential

VALS = PAPER.symbol_values()
D, HV = PAPER.Delta_eV, PAPER.hbar_vx
MU = 2 * D
KF = np.sqrt(MU ** 2 - D ** 2) / HV


def _w_reference(th0, eta, a, V):
    """W^{eta a} at k = k_F (cos th0, sin th0) in polar coordinates centred at k, radially first
    (absolutely convergent for V ~ 1/q), scipy.quad: shares no code with the Duffy path."""
    ker = kernel_for(tilted_dirac(1))
    k = KF * np.array([np.cos(th0), np.sin(th0)])

    def inner(phi):
        e = np.array([np.cos(phi), np.sin(phi)])
        lo = -2 * (k @ e) if k @ e < 0 else 0.0        # the chord of the circular Fermi contour
        def g(x):
            rho = lo + x / (1 - x)
            S = ker.evaluate("sbp", k[0] + rho * e[0], k[1] + rho * e[1], VALS)[..., 0, eta, a]
            return float(rho * V.V(rho) * S) / (1 - x) ** 2
        return quad(g, 0, 1, epsabs=1e-13, epsrel=1e-10, limit=200)[0]

    t = th0 + np.pi / 2
    return sum(quad(inner, a0, a0 + np.pi, epsabs=1e-13, epsrel=1e-10, limit=200)[0] for a0 in (t, t + np.pi)) \
        / (4 * np.pi ** 2)


def test_sea_field_on_the_contour_matches_a_k_centred_integral():
    V = screened_coulomb(0.2)
    F = exchange_fields(tilted_dirac(1), [KF * np.cos(0.3), KF * np.sin(0.3)], MU, values=VALS,
                        interaction=V, alpha_eV_nm=0.0)
    for eta, a in ((1, 0), (3, 1)):
        ref = _w_reference(0.3, eta, a, V)
        assert abs(F.W_nm[0, eta, a] - ref) < 1e-9 * abs(ref)
        assert F.W_error_nm[0] < 1e-8 * abs(ref)


def test_contact_fields_are_uniform_and_equal_a_constant_user_v():
    k = np.array([[0.0, 0.0], [0.3 * KF, -0.1], [KF, 0.0], [2.5 * KF, 1.0]])
    c = contact(0.2)
    Fc = exchange_fields(tilted_dirac(1), k, MU, values=VALS, interaction=c, alpha_eV_nm=0.01)
    Fu = exchange_fields(tilted_dirac(1), k, MU, values=VALS, interaction=user_interaction(lambda q: c.V0_eV_nm2 + 0 * q),
                         alpha_eV_nm=0.01)
    scale = np.max(np.abs(Fc.W_nm))
    assert np.max(np.abs(Fc.W_nm - Fc.W_nm[0])) < 1e-11 * scale            # uniform: V_0 B
    assert np.max(np.abs(Fc.Y_eV_nm - Fc.Y_eV_nm[0])) < 1e-11 * np.max(np.abs(Fc.Y_eV_nm))
    assert np.array_equal(Fc.W_nm, Fu.W_nm) and np.array_equal(Fc.Y_eV_nm, Fu.Y_eV_nm)
    assert np.max(np.abs(Fc.W_nm[:, 0])) == 0.0                           # S^{0a} = 0 identically


def test_y_field_is_a_contour_integral_of_the_spin():
    # Y^{ib}(k) = -oint dth w (d_b eps) <s^i> V: with V = 1 a plain trapezoid sum over the circle
    F = exchange_fields(tilted_dirac(1), [[0.1, 0.2]], MU, values=VALS, interaction=user_interaction(lambda q: 1 + 0 * q),
                        alpha_eV_nm=0.0)
    th = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    kx, ky = KF * np.cos(th), KF * np.sin(th)
    s = kernel_for(tilted_dirac(1)).evaluate("spin", kx, ky, VALS)[:, 1]      # conduction level
    w = MU / (4 * np.pi ** 2 * HV ** 2)                                       # int d^2k delta(mu - E) = oint dth w
    grad = np.stack([HV ** 2 * kx / MU, HV ** 2 * ky / MU], axis=-1)          # d_b E
    ref = -w * np.einsum("nb,ni->ib", grad, s) * (2 * np.pi / len(th))
    assert np.max(np.abs(ref[2])) > 1e-3                                     # <s^2> ~ cos: a non-zero test
    assert np.max(np.abs(F.Y_eV_nm[0] - ref)) < 1e-12 * np.max(np.abs(ref))


def test_exchange_potential_signs_units_and_convention():
    F = exchange_fields(tilted_dirac(1), [[KF, 0.0]], MU, values=VALS, interaction=screened_coulomb(0.2))
    E = np.array([1e5, 0.0])                                              # 0.1 V/um
    U = exchange_potential(F, E, tau_ps=0.5, convention="consistent")
    Up = exchange_potential(F, E, tau_ps=0.5, convention="printed")
    expect = -1e-9 * 1e5 * (F.W_nm[:, :, 0] + PAPER.tau_over_hbar_per_eV * F.Y_eV_nm[:, :, 0])
    assert np.allclose(U, expect, rtol=1e-14, atol=0) and np.allclose(Up, -U, rtol=1e-15, atol=0)


def test_non_finite_user_v_inside_the_integrals_is_refused():
    # NaN on a window between two probe points of symenh.interactions (the probe passes)
    bad = user_interaction(lambda q: np.where((q > 0.3020) & (q < 0.3035), np.nan, 1.0 / (q + 0.2)))
    with pytest.raises(ParameterError, match=r"^interaction: V\(q\) is not finite at q = [0-9.e-]+/nm inside"):
        exchange_fields(tilted_dirac(1), [[KF, 0.0]], MU, values=VALS, interaction=bad)
