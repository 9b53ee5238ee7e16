"""ENH(PT) with a q-dependent interaction V(q) on the user k.p quadrature path (symenh/integrate/
user_sea_exchange.py, symenh/responses/user_quadrature.py): V(0) as the contact part plus the Fermi-line
integral of the sea field W_dV(k) of dV = V - V(0) and the pair sum of the sea's tilt derivative.

Independent references: the limit V = const (the contact numbers exactly); the paper model's own ray-based
exchange-field quadrature (symenh/responses/exchange_quadrature.py: Duffy triangles, adaptive inner integrals)
for H_PT typed in by hand; the grid path (FFT-convolved fields, T -> 0 extrapolation) for a user two-band
model (one valley of H_T); and a brute-force scipy integral of the crossing level's part of W_dV at one k."""

import os

import numpy as np
import pytest
from test_user_quadrature import VALS, h_pt, h_t

import symenh
from symenh.errors import ResponseError
from symenh.interactions import make_interaction, user_interaction
from symenh.params import PAPER


def test_constant_V_through_the_q_dependent_route_is_contact_exactly():
    """A callable constant V (no SymPy form: the q-dependent route): dV = 0, the contact numbers bit for bit."""
    V0 = make_interaction("contact", PAPER.q_s_per_nm, 1.0).V0_eV_nm2
    flat = user_interaction(lambda q: V0 + 0.0 * np.asarray(q))
    kw = {"method": "quadrature", "model_values": VALS, "rtol": 1e-4}
    con = symenh.sigma(h_t(1), "enh-pt", [0.15], **kw)
    got = symenh.sigma(h_t(1), "enh-pt", [0.15], interaction=flat, **kw)
    assert np.max(np.abs(con.sigma)) > 0
    assert np.array_equal(got.sigma, con.sigma)
    assert np.array_equal(got.error_estimate, con.error_estimate)


@pytest.mark.parametrize("mu", [0.15, -0.12])
def test_hand_typed_H_PT_screened_coulomb_matches_the_built_in_quadrature(mu):
    """Electron doping (the empty conduction level's pocket) and hole doping (a hole pocket of the filled level:
    the opposite orientation in the polar Green theorem)."""
    got = symenh.sigma(h_pt(), "enh-pt", [mu], method="quadrature", model_values=VALS, rtol=1e-2,
                       interaction="screened-coulomb")
    ref = symenh.sigma("pt-dirac", "enh-pt", [mu], method="quadrature", interaction="screened-coulomb")
    con = symenh.sigma("pt-dirac", "enh-pt", [mu], method="quadrature")
    scale = np.max(np.abs(ref.sigma))
    assert np.max(np.abs(got.sigma - ref.sigma)) <= got.error_estimate[0] + ref.error_estimate[0]
    assert got.error_estimate[0] < 1e-2 * scale
    # the q dependence is resolved: far from the paper's contact value
    assert np.max(np.abs(got.sigma - con.sigma)) > 100 * (got.error_estimate[0] + con.error_estimate[0])


#: ``symenh.sigma(h_t(1), "enh-pt", [0.15], method="grid", model_values=VALS, interaction="screened-coulomb")``
#: sigma^{xyx} and its estimate (21 s on one core; set SYMENH_LIVE_GRID=1 to recompute)
GRID_HT1 = (2.2992054368243582e-14, 5.512352900926806e-18)


def test_one_valley_of_H_T_screened_coulomb_matches_the_grid():
    """A user two-band model (one valley of H_T: ENH(PT) is non-zero per valley) against the grid path,
    within both estimates."""
    q = symenh.sigma(h_t(1), "enh-pt", [0.15], method="quadrature", model_values=VALS, rtol=1e-2,
                     interaction="screened-coulomb")
    if os.environ.get("SYMENH_LIVE_GRID") == "1":
        g = symenh.sigma(h_t(1), "enh-pt", [0.15], method="grid", model_values=VALS, interaction="screened-coulomb")
        ref, eg = g.sigma[0, 0, 1, 0], g.error_estimate[0]
    else:
        ref, eg = GRID_HT1
    for got, want in ((q.sigma[0, 0, 1, 0], ref), (q.sigma[0, 1, 0, 0], -ref)):
        assert abs(got - want) <= q.error_estimate[0] + eg
    con = symenh.sigma(h_t(1), "enh-pt", [0.15], method="quadrature", model_values=VALS, rtol=1e-4)
    assert abs(con.sigma[0, 0, 1, 0] - ref) > 10 * (eg + con.error_estimate[0])


def test_the_two_valleys_of_H_T_are_opposite():
    """T symmetry (sigma_ENH(PT) = 0 for H_T, physics.md 3): the xi = -1 valley gives minus the xi = +1 one,
    within both estimates (each valley's contours, sea and pair sums computed separately)."""
    kw = {"method": "quadrature", "model_values": VALS, "rtol": 1e-2, "interaction": "screened-coulomb"}
    p, m = symenh.sigma(h_t(1), "enh-pt", [0.15], **kw), symenh.sigma(h_t(-1), "enh-pt", [0.15], **kw)
    assert np.max(np.abs(p.sigma + m.sigma)) <= p.error_estimate[0] + m.error_estimate[0]
    assert np.max(np.abs(p.sigma)) > 100 * p.error_estimate[0]


def test_crossing_level_part_of_the_field_against_scipy():
    """The polar-Green part of W_dV (the conduction pocket of one H_T valley, theta(mu - eps_c) S_c) at a node k
    on the contour against scipy's dblquad over the pocket in polar coordinates centred on k (r up to the
    contour, found by brentq on each ray)."""
    from scipy.integrate import quad
    from scipy.optimize import brentq

    import symenh.integrate.user_sea_exchange as se
    from symenh.integrate.user_fermi import UserComponent, crossing_box, level_contours
    from symenh.integrate.user_exchange import PairV as _Pair

    mu = 0.15
    comp = UserComponent.build(h_t(1), VALS)
    levels, K = crossing_box(comp, mu)
    N = levels[0]
    loop = level_contours(comp, N, mu, K).loops[0]
    inter = make_interaction("screened-coulomb", PAPER.q_s_per_nm, 1.0)
    pair = _Pair(inter, float(inter.V(np.array([0.0]))[0]))
    t0 = np.array([0.7])
    nd = loop.nodes(t0)
    k = np.array([[nd["kx"][0], nd["ky"][0]]])
    m = 2 * len(comp.model.spin)
    W, gW, eW, eg = se._compact(comp, [(N, loop)], k, np.array([0]), t0, pair, 256, m)
    j = int(np.argmax(np.abs(W[0])))

    def eps(kx, ky):
        return float(comp.kernel.energies(np.array([kx]), np.array([ky]), comp.values)[0, N]) - mu

    def S(kx, ky):
        return float(comp.kernel.only(("sbp",), np.array([kx]), np.array([ky]), comp.values)["sbp"][0, N].ravel()[j])

    def ray(th):
        e = np.array([np.cos(th), np.sin(th)])
        f = lambda r: eps(*(k[0] + r * e))                                    # noqa: E731
        if f(1e-9) >= 0:                                                      # the ray leaves the pocket at once
            return 0.0
        r_out = brentq(f, 1e-9, 4 * K, xtol=1e-14)
        return quad(lambda r: r * float(pair.dV(np.array([r]))[0]) * S(*(k[0] + r * e)), 0, r_out,
                    epsabs=1e-13, epsrel=1e-11)[0]

    # the tangent direction at k splits the angles where the ray enters the (convex) pocket
    tx, ty = nd["dkx"][0], nd["dky"][0]
    th_t = np.arctan2(ty, tx)
    ref = quad(ray, th_t, th_t + np.pi, epsabs=1e-12, epsrel=1e-10, limit=200)[0] / (4 * np.pi ** 2)
    assert abs(W[0, j] - ref) <= eW[0] + 1e-9 * abs(ref)
    assert abs(ref) > 0 and eW[0] < 1e-6 * abs(ref)


@pytest.mark.parametrize("kw, what", [({"T_K": 30.0}, "T_K"), ({"order": "exact"}, "order"),
                                      ({"k_cutoff": 0.1}, "k_cutoff")])
def test_what_the_enh_pt_route_does_not_do_is_one_line(kw, what):
    import dataclasses
    params = dataclasses.replace(PAPER, T_K=kw.pop("T_K")) if "T_K" in kw else PAPER
    with pytest.raises(ResponseError, match=what) as exc:
        symenh.sigma(h_t(1), "enh-pt", [0.15], method="quadrature", model_values=VALS, params=params,
                     interaction="screened-coulomb", **kw)
    assert "\n" not in str(exc.value)


def test_fock_channels_are_half_the_printed():
    """Two-band identity sum_i Gamma_i (x) Gamma_i = (1/2) sum_eta s^eta (x) s^eta (physics.md 6): with any V(q),
    ENH(PT) with channels='fock' is half the printed-channel value."""
    kw = {"method": "quadrature", "model_values": VALS, "rtol": 1e-2, "interaction": "screened-coulomb"}
    p = symenh.sigma(h_t(1), "enh-pt", [0.15], **kw)
    f = symenh.sigma(h_t(1), "enh-pt", [0.15], exchange="fock", **kw)
    assert np.max(np.abs(p.sigma - 2 * f.sigma)) <= 1e-9 * np.max(np.abs(p.sigma))
    assert np.max(np.abs(p.sigma)) > 100 * p.error_estimate[0]


def test_k_cutoff_slope_is_the_derivative_of_the_cut_sigma():
    """With k_cutoff the sea (of B and of W_dV) is cut at |k'| = k_c; the reported d sigma / d ln k_c (contact ring
    plus the dV ring) against a central difference of sigma in ln k_c (truncation ~ delta^2 ~ 4e-4 of the slope).
    The contact part alone (a constant V = V(0)) gives a clearly different slope: the dV ring is tested."""
    kw = {"method": "quadrature", "model_values": VALS, "rtol": 1e-2}
    kc, d = 1.0, 0.02
    sc = {"interaction": "screened-coulomb"}
    lo, hi = (symenh.sigma(h_t(1), "enh-pt", [0.15], k_cutoff=kc * np.exp(s * d), **kw, **sc) for s in (-1, 1))
    mid = symenh.sigma(h_t(1), "enh-pt", [0.15], k_cutoff=kc, **kw, **sc)
    V00 = float(make_interaction("screened-coulomb", PAPER.q_s_per_nm, 1.0).V(np.array([0.0]))[0])
    flat = symenh.sigma(h_t(1), "enh-pt", [0.15], k_cutoff=kc, interaction=user_interaction(
        lambda q: V00 + 0.0 * np.asarray(q)), **kw)
    fd = (hi.sigma[0, 0, 1, 0] - lo.sigma[0, 0, 1, 0]) / (2 * d)
    got = mid.meta["dsigma_dln_k_cutoff_SI"][0][0][1][0]
    contact = flat.meta["dsigma_dln_k_cutoff_SI"][0][0][1][0]
    assert abs(got - fd) <= 1e-2 * abs(fd)
    assert abs(contact - fd) > 10 * abs(got - fd)
