"""ENH with a real interaction, quadrature path (symenh.responses.exchange, method="quadrature").

Expected values come from elsewhere: the closed-form contact conductivities of symenh.sigma, a
finite-tilt evaluation of the same integrals (checks the linear-order identities and the V'
kernels), the derived large-q_s rates (derivations/exchange_fields.py), exact channel algebra."""

import numpy as np
import pytest

import symenh
from symenh.errors import ResponseError
from symenh.integrate.exchange import ExchangeComponent, FermiContour, contour_field, sea_field, y_source
from symenh.interactions import contact, screened_coulomb, user_interaction
from symenh.models.paper import paper_valleys
from symenh.params import PAPER
from symenh.responses.exchange import enh_exchange
from symenh.responses.exchange_quadrature import _node_geometry
from symenh.units import sigma_to_si

VALS = PAPER.symbol_values()
D = PAPER.Delta_eV
MUS = np.array([1.2, 2.0, 6.0, -2.0]) * D
ALLOWED = {"tilted-dirac": ("enh-t", (0, 1, 1)), "pt-dirac": ("enh-pt", (1, 0, 0))}
FORBIDDEN = {"tilted-dirac": "enh-pt", "pt-dirac": "enh-t"}


def const_v(value):
    return user_interaction(lambda q: value + 0 * q, label="constant")


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_constant_user_v_reproduces_the_contact_closed_form(model):
    mech, _ = ALLOWED[model]
    cf = symenh.sigma(model, mech, MUS).sigma                                   # A m/V^2, closed form
    for V in (contact(0.2), const_v(contact(0.2).V0_eV_nm2)):
        res = enh_exchange(paper_valleys(model), mech, MUS, VALS, interaction=V, rtol=1e-11)
        got = sigma_to_si(res.sigma)
        scale = np.max(np.abs(cf.reshape(len(MUS), -1)), axis=1)
        diff = np.max(np.abs(got - cf).reshape(len(MUS), -1), axis=1)
        assert np.all(diff < 1e-12 * scale), diff / scale
        assert np.all(diff <= sigma_to_si(res.error) + 1e-15 * scale)            # the estimate covers it
        assert np.all(res.error < 1e-8 * np.max(np.abs(res.sigma.reshape(len(MUS), -1)), axis=1))


def test_screened_coulomb_error_estimate_covers_the_true_error():
    comps = paper_valleys("tilted-dirac")[:1]
    mus = MUS[[0, 2]]
    loose = enh_exchange(comps, "enh-t", mus, VALS, interaction="screened-coulomb", rtol=1e-8)
    tight = enh_exchange(comps, "enh-t", mus, VALS, interaction="screened-coulomb", rtol=1e-11)
    diff = np.max(np.abs(loose.sigma - tight.sigma).reshape(len(mus), -1), axis=1)
    assert np.all(diff <= loose.error)
    scale = np.max(np.abs(tight.sigma.reshape(len(mus), -1)), axis=1)
    assert np.all(loose.error < 1e-8 * scale)


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_linear_order_identities_equal_finite_tilt_differences(model):
    """d sigma/d alpha from the derived identities (V and V' kernels) against central differences
    of sigma(alpha) = int (d_c f_alpha) S W_alpha (or Y_alpha) on tilted contours, Richardson."""
    mech, el = ALLOWED[model]
    comp = paper_valleys(model)[0]
    V = screened_coulomb(0.2)
    lin = enh_exchange((comp,), mech, [2 * D], VALS, interaction=V, params=PAPER, rtol=1e-11)
    c = ExchangeComponent(comp, "printed", VALS)

    def sig(alpha, N=32):
        ct = FermiContour(c, 2 * D, alpha)
        p = ct.points(2 * np.pi * np.arange(N) / N)
        S = c.sbp(ct.level, p["kx"], p["ky"])
        _, thk = c.polar(p["kx"], p["ky"])
        if mech == "enh-t":
            F = contour_field(ct, y_source(c, ct), p["kx"], p["ky"], thk, V, tol=1e-13)[0]
        else:
            F = sea_field(c, ct, p["kx"], p["ky"], V, tol=1e-13)[0]
        T = np.einsum("n,nc,nia,nib->icab", -p["w"], p["d"], S, F) * 2 * np.pi / N
        return (T - np.swapaxes(T, 1, 2)).sum(0)[el]

    h = 0.02 * PAPER.alpha_eV_nm
    d1, d2 = [(sig(x) - sig(-x)) / (2 * x) for x in (h, h / 2)]
    slope = (4 * d2 - d1) / 3
    pref = PAPER.alpha_eV_nm * -1 * (PAPER.tau_over_hbar_per_eV if mech == "enh-t" else 1.0)
    assert abs(pref * slope - lin.sigma[0][el]) < 1e-8 * abs(lin.sigma[0][el])


def test_fock_is_half_of_printed_for_H_T_and_a_quarter_for_H_PT():
    comps = paper_valleys("tilted-dirac")
    pr = enh_exchange(comps, "enh-t", MUS[:3], VALS, interaction="screened-coulomb", rtol=1e-8)
    fk = enh_exchange(comps, "enh-t", MUS[:3], VALS, interaction="screened-coulomb", channels="fock", rtol=1e-8)
    assert np.max(np.abs(fk.sigma - pr.sigma / 2)) < 1e-12 * np.max(np.abs(pr.sigma))
    assert list(fk.groups) == ["s^eta"]
    pt = paper_valleys("pt-dirac")
    for mech in ("enh-pt", "enh-t"):
        pr = enh_exchange(pt, mech, [2 * D], VALS, interaction="screened-coulomb", rtol=1e-8)
        fk = enh_exchange(pt, mech, [2 * D], VALS, interaction="screened-coulomb", channels="fock", rtol=1e-8)
        g0, g1 = fk.groups["tau_0 (x) s^eta"], fk.groups["other channels"]
        floor = np.max(fk.error) + 1e-300
        assert np.max(np.abs(g0 - pr.sigma / 4)) <= floor + 1e-12 * np.max(np.abs(pr.sigma))
        assert np.max(np.abs(g1)) <= floor                       # traced SBP of tau_i (x) s^nu vanishes
        assert np.array_equal(fk.sigma, g0 + g1)


@pytest.mark.parametrize("interaction", ["contact", "screened-coulomb"])
def test_eps_r_divides_both_enh_mechanisms(interaction):
    for model, (mech, _) in ALLOWED.items():
        one = enh_exchange(paper_valleys(model), mech, [2 * D], VALS, interaction=interaction)
        four = enh_exchange(paper_valleys(model), mech, [2 * D], VALS, interaction=interaction, eps_r=4.0)
        assert np.max(np.abs(four.sigma - one.sigma / 4)) < 1e-13 * np.max(np.abs(one.sigma))
    # BCD and INH take no interaction and no eps_r
    with pytest.raises(ResponseError, match="^quadrature: unknown option"):
        symenh.sigma("tilted-dirac", "bcd", 0.1, method="quadrature", eps_r=4.0)


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_symmetry_forbidden_elements_vanish(model):
    aniso = PAPER.replace(vx_m_per_s=3e5, vy_m_per_s=5e5)
    vals = aniso.symbol_values()
    mech, el = ALLOWED[model]
    mus = [2 * D, -1.2 * D]
    ok = enh_exchange(paper_valleys(model), mech, mus, vals, params=aniso, interaction="screened-coulomb", rtol=1e-8)
    bad = enh_exchange(paper_valleys(model), FORBIDDEN[model], mus, vals, params=aniso,
                       interaction="screened-coulomb", rtol=1e-8)
    assert np.all(np.abs(bad.sigma).reshape(2, -1).max(axis=1) <= bad.error + 1e-14 * np.abs(ok.sigma).max())
    c, a, b = el
    mask = np.ones((2, 2, 2), bool)
    mask[c, a, b] = mask[a, c, b] = False
    assert np.all(np.abs(ok.sigma[:, mask]).max(axis=1) <= ok.error)
    assert np.all(np.abs(ok.sigma[:, c, a, b]) > 1e3 * ok.error)
    assert np.allclose(ok.sigma[:, a, c, b], -ok.sigma[:, c, a, b], rtol=1e-14, atol=0)


def test_large_q_s_approaches_contact_at_the_derived_rates():
    """V = V_c/(1 + q/q_s): ENH(T) deviates from V_c sigma[V=1] by -sigma[V=q]/(q_s sigma[1]); ENH(PT)
    by (a log q_s + b)/q_s with a from the far valence sea (angular mean M/k^3 and p-wave P/k^2 of S)."""
    mu = [2 * D]
    # ENH(T): q_s dev -> -sigma[q]/sigma[1], the remainder O(1/q_s)
    T = paper_valleys("tilted-dirac")
    s1 = enh_exchange(T, "enh-t", mu, VALS, interaction=const_v(1.0)).sigma[0][0, 1, 1]
    sq = enh_exchange(T, "enh-t", mu, VALS, interaction=user_interaction(lambda q: q)).sigma[0][0, 1, 1]
    lim = -sq / s1
    rem = []
    for qs in (40.0, 80.0, 160.0):
        V = screened_coulomb(qs)
        s = enh_exchange(T, "enh-t", mu, VALS, interaction=V).sigma[0][0, 1, 1]
        rem.append(qs * (s / (float(V.V(0.0)) * s1) - 1) - lim)
    assert abs(rem[2]) < 0.01 * abs(lim)
    assert 1.8 < rem[0] / rem[1] < 2.2 and 1.8 < rem[1] / rem[2] < 2.2          # O(1/q_s)
    # ENH(PT): the increments of q_s dev per doubling of q_s tend to a log 2
    m = paper_valleys("pt-dirac")[0]
    c = ExchangeComponent(m, "printed", VALS)
    ct = FermiContour(c, 2 * D, 0.0)
    N = 32
    g = _node_geometry(c, ct, 2 * np.pi * np.arange(N) / N)
    K, ph = 4000.0, 2 * np.pi * np.arange(256) / 256
    S = c.sbp(c.val, K * np.cos(ph), K * np.sin(ph))
    M = K ** 3 * S.mean(axis=0)
    P = np.stack([K ** 2 * (np.cos(ph)[:, None, None] * S).mean(0), K ** 2 * (np.sin(ph)[:, None, None] * S).mean(0)])
    F = M[None] - np.einsum("nc,ceb->neb", np.stack([g["kx"], g["ky"]], 1), P)       # the log's field shape
    wt = g["w"] * g["tau"]
    Tt = (np.einsum("n,ncia,nib->icab", wt, g["gS"], F)
          - np.einsum("n,nia,ceb->icab", wt, g["S"], P)[:, :, :, :]) * 2 * np.pi / N / (2 * np.pi)
    num = (Tt - np.swapaxes(Tt, 1, 2)).sum(0)[1, 0, 0]
    p1 = enh_exchange((m,), "enh-pt", mu, VALS, interaction=const_v(1.0)).sigma[0][1, 0, 0]
    a = PAPER.alpha_eV_nm * num / p1
    x = []
    for qs in (80.0, 160.0, 320.0):
        V = screened_coulomb(qs)
        s = enh_exchange((m,), "enh-pt", mu, VALS, interaction=V).sigma[0][1, 0, 0]
        x.append(qs * (s / (float(V.V(0.0)) * p1) - 1))
    inc = np.diff(x) / np.log(2)
    assert abs(inc[-1] - a) < 0.01 * abs(a)
    assert abs(inc[-1] - a) < abs(inc[0] - a)                                      # converging to a


def test_bad_requests_are_one_line():
    T = paper_valleys("tilted-dirac")
    with pytest.raises(ResponseError, match="^exchange_valleys: 'all'"):
        enh_exchange(T, "enh-t", [0.1], VALS, interaction="screened-coulomb", exchange_valleys="all")
    with pytest.raises(ResponseError, match="^exchange: unknown exchange"):
        enh_exchange(T, "enh-t", [0.1], VALS, channels="hartree")
    with pytest.raises(ResponseError, match="^mechanism: unknown mechanism 'bcd'"):
        enh_exchange(T, "bcd", [0.1], VALS)
    with pytest.raises(Exception, match="^interaction: unknown interaction"):
        enh_exchange(T, "enh-t", [0.1], VALS, interaction="yukawa")


def test_all_valleys_contact_vanishes_for_H_T_and_gap_gives_exact_zero():
    T = paper_valleys("tilted-dirac")
    allv = enh_exchange(T, "enh-t", [2 * D], VALS, interaction="contact", exchange_valleys="all")
    same = enh_exchange(T, "enh-t", [2 * D], VALS, interaction="contact")
    assert np.max(np.abs(allv.sigma)) <= allv.error[0] + 1e-12 * np.max(np.abs(same.sigma))
    gap = enh_exchange(T, "enh-t", [0.5 * D, -0.9 * D], VALS, interaction="screened-coulomb")
    assert np.all(gap.sigma == 0.0) and np.all(gap.error == 0.0)
