"""Finite temperature in the closed form: Laurent forms, the higher alpha-orders, T -> 0, Sommerfeld,
thermal activation in the gap, and why ENH must be convolved factor by factor (physics.md 7)."""

import numpy as np
import pytest
import sympy as sp

from symenh.integrate.fermi_window import convolve, fermi, sommerfeld_coefficients
from symenh.integrate.symbolic import EF
from symenh.models.paper import paper_valleys
from symenh.models.symbols import DELTA, HVX, HVY
from symenh.params import PAPER
from symenh.responses import closed_form as cf
from symenh.responses import closed_form_thermal as ct
from symenh.responses.assembly import sigma_derivative
from symenh.responses.thermal import make_job, sigma_thermal_job
from symenh.kernels.lambdified import flatten

D = abs(PAPER.Delta_eV)
MU = D * np.array([0.6, 1.2, 2.0, 4.0, -2.0])
CASES = [("tilted-dirac", "bcd"), ("tilted-dirac", "enh-t"), ("pt-dirac", "inh"), ("pt-dirac", "enh-pt"),
         ("pt-dirac", "inh-full")]


def test_sommerfeld_coefficients():
    c = sommerfeld_coefficients(3)
    assert np.allclose(c, [1.0, np.pi**2 / 6, 7 * np.pi**4 / 360, 31 * np.pi**6 / 15120], rtol=1e-15)


def test_convolution_of_known_functions():
    """E^2 -> mu^2 + pi^2 kT^2 / 3; a step at a -> f((a - mu)/kT); estimates cover the errors."""
    mu = np.linspace(-0.2, 0.2, 41)
    kT = 0.01

    def fn(E):
        return np.stack([E**2, (E > 0.05) * 1.0], -1)

    v, e = convolve(fn, mu, kT, breakpoints=(0.05,), rtol=1e-12)
    exact = np.stack([mu**2 + np.pi**2 / 3 * kT**2, fermi((0.05 - mu) / kT)], -1)
    assert np.all(np.abs(v - exact) <= e + 1e-16)
    assert np.max(e[:, 1]) < 1e-10


def test_laurent_form_is_exact():
    """The stored Laurent coefficients reproduce the closed form and its SymPy derivatives."""
    comp = paper_valleys("pt-dirac")[0]
    vals = PAPER.symbol_values()
    subs = {DELTA: vals[DELTA], HVX: vals[HVX], HVY: vals[HVY]}
    ef = np.array([0.07, 0.13])
    for name, n in (("X", 1), ("A", 0), ("B", 0), ("A", 3), ("B", 2)):
        exprs = flatten(ct.order_expressions(comp)["conduction"][(name, n)])
        tb = ct.laurent_table(comp, "conduction", name, n, vals[DELTA], vals[HVX], vals[HVY])
        for k in (0, 2):
            got = tb.evaluate(ef, k)
            for i, ex in enumerate(exprs):
                f = sp.lambdify(EF, sp.diff(ex, EF, k).subs(subs), "numpy")
                ref = np.broadcast_to(np.asarray(f(ef), float), ef.shape)
                assert np.allclose(got[:, i], ref, rtol=1e-12, atol=1e-14 * (1 + np.max(np.abs(ref))))


@pytest.mark.parametrize("model,branch", [("tilted-dirac", "valence"), ("pt-dirac", "conduction")])
def test_general_order_one_is_the_closed_form_table(model, branch):
    """d^n F/d alpha^n = (-1)^n s d_mu^{n-1} F_s[tau^n Q] at n = 1 is closed_form's table (numerically)."""
    comp = paper_valleys(model)[0]
    vals = PAPER.symbol_values()
    subs = {DELTA: vals[DELTA], HVX: vals[HVX], HVY: vals[HVY], EF: 0.11}
    if True:
        table = cf.factor_expressions(comp)[branch]
        for name in ("D", "X", "A", "B", "C"):
            mine = [complex(sp.N(x.subs(subs))) for x in flatten(ct.general_order(comp, branch, name, 1))]
            ref = [complex(sp.N(x.subs(subs))) for x in flatten(table[name + "1"])]
            assert np.allclose(mine, ref, rtol=1e-12, atol=1e-14), (branch, name)


@pytest.mark.parametrize("model,mech", CASES)
def test_t_to_zero_recovers_zero_temperature(model, mech):
    """At k_B T = 1e-8 eV (0.1 mK) the thermal closed form equals today's numbers to 1e-10; T = 0
    is today's path itself (exact zeros in the gap)."""
    job = make_job(model, mech, MU)
    ref, _ = ct.compute(job, 0.0)
    if mech != "inh-full":
        today, _ = cf.compute(job)
        assert np.array_equal(ref, today)
    assert np.all(ref[0] == 0.0)                      # mu = 0.6 Delta: in the gap
    small, err = ct.compute(job, 1e-8 * 1.0)
    scale = np.max(np.abs(ref))
    assert np.max(np.abs(small - ref)) <= 1e-10 * scale


@pytest.mark.parametrize("model,mech", CASES)
def test_sommerfeld_t_squared_law(model, mech):
    """sigma(T) - sigma(0) = C (kT)^2 + O(kT^4) at low T with the derived coefficient
    C = (pi^2/6) alpha [sigma1(F'')] (linear mechanisms) or (pi^2/6) alpha [sigma1(A'', O) + sigma1(A, O'')]
    (ENH: each factor convolved, then multiplied -- no 2 A' O' term), F'' = d^2F/dmu^2 from the exact
    Laurent forms.  The T-dependence comes from the adaptive convolution (forced), an independent route."""
    mu = np.array([1.5 * D, 3.0 * D])
    job = make_job(model, mech, mu)
    s0, _ = ct.compute(job, 0.0)
    F = ct.ZeroTFactors(job.components, job.values, ct._entries(mech, 1))
    d0, d2 = F.unpack(F(mu)), F.unpack(F(mu, 2))
    if mech in ("bcd", "inh", "inh-full"):
        C = job.alpha * sigma_derivative(mech, [{}, d2[1]], 1, job.pre, job.exchange)
    else:
        from symenh.responses.spec import FACTORS
        a, b = FACTORS[mech]
        C = 0.0
        for fa, fb in ((d2, d0), (d0, d2)):
            C = C + job.alpha * sigma_derivative(mech, [{a: fa[0][a], b: fb[0][b]}, {a: fa[1][a], b: fb[1][b]}],
                                                 1, job.pre, job.exchange)
    C = np.pi**2 / 6 * C
    i = (slice(None),) + np.unravel_index(np.argmax(np.abs(s0[0])), s0.shape[1:])
    y = []
    for kT in (2e-4, 4e-4):
        sT, eT = ct.compute(job, kT, thermal="quadrature")
        shift = sT[i] - s0[i]
        assert np.all(eT < 1e-5 * np.abs(shift))
        y.append(shift / kT**2)                   # = C + C4 kT^2 + ...
    dev = [yy / C[i] - 1 for yy in y]
    assert np.all(np.abs(dev[0]) < 1e-2), (y, C[i])
    ratio = dev[1] / dev[0]                       # the remainder is O(kT^2) relative: ratio 4
    assert np.all((ratio > 3.5) & (ratio < 4.5)), ratio
    fit = (4 * y[0] - y[1]) / 3                   # the kT^4 term eliminated
    assert np.all(np.abs(fit / C[i] - 1) < 1e-3), (fit, C[i])


def test_gap_is_thermally_activated():
    """mu in the gap: exactly 0 at T = 0, non-zero at T > 0, growing with T, vanishing as T -> 0."""
    for model, mech in CASES:
        job = make_job(model, mech, [0.6 * D])
        el = []
        for T_K in (0.0, 20.0, 60.0, 120.0):
            raw, err = sigma_thermal_job(job, T_K)
            el.append(np.max(np.abs(raw)))
        assert el[0] == 0.0
        assert 0 < el[1] < el[2] < el[3], (model, mech, el)


@pytest.mark.parametrize("model,mech", [("tilted-dirac", "enh-t"), ("pt-dirac", "enh-pt")])
def test_enh_must_convolve_factors_not_sigma(model, mech):
    """At k_B T = 20 meV, convolving sigma(T = 0) differs from convolving the factors and then
    multiplying by far more than both error estimates; for BCD / INH (linear) they agree."""
    job = make_job(model, mech, MU[:4])
    right, err = ct.compute(job, 0.02, thermal="quadrature")
    wrong = ct.convolved_sigma_T0(job, 0.02)
    diff = np.max(np.abs(right - wrong).reshape(4, -1), axis=1)
    scale = np.max(np.abs(right))
    assert np.all(diff > 1e3 * (err + 1e-12 * scale)), (diff, err)
    assert np.max(diff) > 1e-2 * scale
    lin = {"enh-t": "bcd", "enh-pt": "inh"}[mech]
    job_l = make_job(model, lin, MU[:4])
    r_l, e_l = ct.compute(job_l, 0.02, thermal="quadrature")
    w_l = ct.convolved_sigma_T0(job_l, 0.02)
    assert np.all(np.max(np.abs(r_l - w_l).reshape(4, -1), axis=1) <= e_l + 1e-12 * np.max(np.abs(r_l)))


def test_sommerfeld_agrees_with_quadrature_where_used():
    """Where the criterion picks the Sommerfeld series, it agrees with the adaptive convolution
    within both estimates; near the band edge the criterion refuses it."""
    mu = D * np.array([1.2, 4.0, 12.0, 30.0])
    comps = paper_valleys("pt-dirac")
    entries = [("X", 1), ("A", 0), ("A", 1), ("B", 0), ("B", 1)]
    kT = 1e-3
    v_a, e_a, used = ct.thermal_factors(comps, PAPER.symbol_values(), mu, kT, entries)
    assert not used[0] and used[-1]
    v_q, e_q, _ = ct.thermal_factors(comps, PAPER.symbol_values(), mu, kT, entries, thermal="quadrature")
    for n in v_a:
        for name in v_a[n]:
            assert np.all(np.abs(v_a[n][name] - v_q[n][name]) <= e_a[n][name] + e_q[n][name] + 1e-300)
