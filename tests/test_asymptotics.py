"""Large-mu asymptotics (symenh.asymptotics) and ``symenh asymptotics``.

Independent checks of the series: SymPy limits of the closed forms (not the series
routine), the closed forms evaluated at 30 digits, and the high-precision mpmath
quadrature of symenh.responses.mpmath_path (its own Fermi-contour and Fermi-sea integrals).

The paper's claims (text after Fig. 3): sigma_ENH^(PT) ~ 1/mu and sigma_INH ~ 1/mu^2.
The series gives exactly these powers (-1 and -2) for H_PT; for H_T it gives BCD ~ 1/mu^2
and ENH(T) ~ 1/mu, so ENH(T)/BCD ~ mu (the growth of the paper's Fig. 3b).
"""

import json

import mpmath as mp
import pytest
import sympy as sp

from symenh import asymptotics as asy
from symenh.cli import main
from symenh.integrate.symbolic import MU
from symenh.models.symbols import HVX, HVY
from symenh.params import PAPER
from symenh.responses import closed_form as cf
from symenh.responses.spec import ResponseError
from symenh.units import sigma_to_si

ALLOWED = (("tilted-dirac", "bcd"), ("tilted-dirac", "enh-t"), ("pt-dirac", "inh"), ("pt-dirac", "enh-pt"))


def _vals(p=PAPER):
    return {**p.symbol_values(), cf.V0: p.V0_eV_nm2, cf.TAU_OVER_HBAR: p.tau_over_hbar_per_eV}


def _closed_mp(model, mech, element, mu, p=PAPER, dps=40):
    """The closed form at high precision, A m / V^2 (mpf)."""
    expr = cf.branch_expressions(model, mech, "conduction")[element]
    with mp.workdps(dps):
        f = sp.lambdify(MU, expr.subs(_vals(p)), "mpmath")
        return f(mp.mpf(mu)) * mp.mpf(float(sigma_to_si(1.0)))


@pytest.mark.parametrize("model,mech", ALLOWED)
def test_leading_power_and_coefficient_from_sympy_limit(model, mech):
    # compared for positive velocities (the closed forms carry sign/Abs of hbar v, which SymPy
    # cannot always simplify symbolically; every paper parameter set has v > 0)
    pos = {HVX: sp.Symbol("hvx_pos", positive=True), HVY: sp.Symbol("hvy_pos", positive=True)}
    for name, exp in asy.element_expansions(model, mech).items():
        expr = cf.branch_expressions(model, mech, "conduction")[name].subs(pos)
        lead_sym, next_sym = exp.leading.symbolic.subs(pos), exp.next.symbolic.subs(pos)
        p = exp.leading.power
        # mu^{-p} sigma -> finite non-zero limit, equal to the leading symbolic coefficient
        lim = sp.limit(expr * MU ** (-p), MU, sp.oo)
        assert lim != 0 and lim.is_finite is not False
        assert sp.simplify(lim - lead_sym) == 0
        # the next power: mu^{-q} (sigma - leading) -> the next coefficient
        q = exp.next.power
        lim2 = sp.limit((expr - lead_sym * MU**p) * MU ** (-q), MU, sp.oo)
        assert sp.simplify(lim2 - next_sym) == 0
        back = {v: k for k, v in pos.items()}
        assert float(sigma_to_si(float(lim.subs(back).subs(_vals())))) == pytest.approx(exp.leading.coefficient, rel=1e-12)


def test_paper_claims_enh_pt_one_over_mu_and_inh_one_over_mu_squared():
    """The paper: sigma_ENH^(PT) ~ 1/mu, sigma_INH ~ 1/mu^2 -- the series agrees."""
    assert asy.expansion("pt-dirac", "enh-pt").leading.power == -1
    assert asy.expansion("pt-dirac", "inh").leading.power == -2
    claims = asy.report()["paper_claims"]
    assert all(c["agrees"] for c in claims.values())
    # and the ENH/INH ratio grows linearly
    assert asy.ratio_expansion("pt-dirac").leading.power == 1
    assert asy.ratio_expansion("tilted-dirac").leading.power == 1


@pytest.mark.parametrize("model,mech", ALLOWED)
def test_series_vs_closed_form_at_high_mu(model, mech):
    exp = asy.expansion(model, mech)
    d = PAPER.Delta_eV
    lead, nxt = exp.leading, exp.next
    rems = []
    for f in (1e2, 1e3, 1e4):
        mu = f * d
        exact = _closed_mp(model, mech, exp.element, mu)
        with mp.workdps(40):
            rel = abs((exact - lead.coefficient * mp.mpf(mu) ** lead.power) / exact)
        rems.append(rel)
        if f == 1e3:
            nrel = abs(nxt.value(mu) / lead.value(mu))
            assert rel < 1.01 * nrel
            assert rel > 0.99 * nrel  # the next term is what is left
    # the remainder falls with the next power: slope q - p per decade
    for r1, r2 in zip(rems, rems[1:]):
        assert float(mp.log10(r2 / r1)) == pytest.approx(nxt.power - lead.power, abs=1e-3)


@pytest.mark.parametrize("model,mech", ALLOWED)
def test_series_vs_mpmath_quadrature(model, mech):
    """Series vs the mpmath quadrature at 30 digits (every mechanism)."""
    from symenh.responses.mpmath_path import sigma_linear_mp

    exp = asy.expansion(model, mech)
    c, a, b = ("xy".index(ch) for ch in exp.element)
    dps = 30
    lead, nxt = exp.leading, exp.next
    rems = {}
    for f in (1e2, 1e3, 1e4):
        mu = f * PAPER.Delta_eV
        val = sigma_linear_mp(model, mech, mu, PAPER, dps=dps)[c][a][b]
        with mp.workdps(dps):
            rems[f] = abs((val - lead.coefficient * mp.mpf(mu) ** lead.power) / val)
            full = abs((val - exp.value(mp.mpf(mu))) / val)
        assert full < 1e-13  # the whole (terminating) series vs quadrature: float coefficients
    nrel = abs(nxt.value(1e3 * PAPER.Delta_eV) / lead.value(1e3 * PAPER.Delta_eV))
    assert rems[1e3] < 1.01 * nrel
    assert float(mp.log10(rems[1e4] / rems[1e2])) / 2 == pytest.approx(nxt.power - lead.power, abs=1e-3)


@pytest.mark.parametrize("model,mech", ALLOWED)
def test_mpmath_local_slope_converges_to_derived_power(model, mech):
    """The local log-log slope d ln|sigma| / d ln mu of the 30-digit mpmath quadrature (independent
    of the closed forms) between neighbouring decades from 10 |Delta| to 10^4 |Delta| approaches
    the power the series derives, monotonically, and is within 1e-5 of it in the last decade."""
    from symenh.responses.mpmath_path import sigma_linear_mp

    exp = asy.expansion(model, mech)
    c, a, b = ("xy".index(ch) for ch in exp.element)
    p = exp.leading.power
    with mp.workdps(30):
        vals = [abs(sigma_linear_mp(model, mech, f * PAPER.Delta_eV, PAPER, dps=30)[c][a][b])
                for f in (1e1, 1e2, 1e3, 1e4)]
        slopes = [mp.log10(vals[i + 1] / vals[i]) for i in range(3)]   # one decade each
        dev = [abs(x - p) for x in slopes]
    assert dev[0] > dev[1] > dev[2]
    assert dev[2] < 1e-5, [float(x) for x in slopes]


def test_convention_flips_enh_ratios_only():
    for model in ("tilted-dirac", "pt-dirac"):
        r1 = asy.ratio_expansion(model, convention="consistent").leading.coefficient
        r2 = asy.ratio_expansion(model, convention="printed").leading.coefficient
        assert r1 == pytest.approx(-r2, rel=1e-14)
    b1 = asy.expansion("tilted-dirac", "bcd", convention="consistent").leading.coefficient
    b2 = asy.expansion("tilted-dirac", "bcd", convention="printed").leading.coefficient
    assert b1 == b2


def test_forbidden_mechanism_raises():
    with pytest.raises(ResponseError, match="vanishes identically"):
        asy.expansion("tilted-dirac", "inh")


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------

def test_cli_json_keys(capsys):
    assert main(["asymptotics", "--model", "pt-dirac", "--mechanism", "enh-pt", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("model", "mechanism", "element", "leading", "next", "latex"):
        assert key in out
    assert out["model"] == "pt-dirac" and out["mechanism"] == "enh-pt"
    assert set(out["leading"]) == {"power", "coefficient", "units"}
    assert set(out["next"]) == {"power", "coefficient", "units"}
    assert out["leading"]["units"] == "A m / V^2"
    assert out["leading"]["power"] == -1
    assert out["element"] in out["elements"]


def test_cli_param_and_printed_convention(capsys):
    assert main(["asymptotics", "--model", "tilted-dirac", "--mechanism", "enh-t", "--convention", "printed",
                 "--param", "q_s=0.4/nm", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = asy.expansion("tilted-dirac", "enh-t", PAPER.replace(q_s_per_nm=0.4), "printed")
    assert out["leading"]["coefficient"] == pytest.approx(ref.leading.coefficient, rel=1e-14)


@pytest.mark.parametrize("model,mech", [("tilted-dirac", "inh"), ("tilted-dirac", "enh-pt"),
                                        ("pt-dirac", "bcd"), ("pt-dirac", "enh-t")])
def test_cli_forbidden_mechanism_exit_2_one_line(model, mech, capsys):
    assert main(["asymptotics", "--model", model, "--mechanism", mech, "--json"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1
    assert mech in lines[0] and model in lines[0] and "vanishes identically" in lines[0]


def test_a_temperature_is_refused_in_one_line_not_ignored():
    """The large-mu series is a T = 0 expansion: a T given to it is refused, not silently dropped."""
    import subprocess
    import sys

    from symenh.errors import ParameterError

    with pytest.raises(ParameterError, match="^T: the large-mu series is a T = 0 expansion"):
        asy.expansion("pt-dirac", "inh", PAPER.replace(T_K=300.0))
    res = subprocess.run([sys.executable, "-m", "symenh", "asymptotics", "--model", "pt-dirac", "--mechanism", "inh",
                          "--param", "T=300K"], capture_output=True, text=True, check=False)
    assert res.returncode == 2 and res.stdout == "" and res.stderr.count("\n") == 1, res.stderr
