"""Large-mu asymptotics of a user's model (symenh.asymptotics_user, ``symenh asymptotics --model-file``).

References, each independent of the code under test:
* the built-in series of the paper models (symenh.asymptotics on --model tilted-dirac / pt-dirac:
  the paper models' own closed forms) for H_T and H_PT typed in by hand as model files;
* for a massive Dirac model with a B k^2 s_z term, the leading BCD term derived by hand (below):
  with eps = E(k) + t k_y and the conduction-band Berry curvature of d = (v k_x, v k_y, m + B k^2),
  Omega = -(1/2) v^2 (m - B k^2) / E^3 (the convention in which m s_z alone gives the literature
  D_y = -3 t m (mu^2 - m^2) / (8 pi mu^4), README), the dipole per valley at linear order in t is
  D_y = (t / 4 pi) [2 k_F Omega_F / E'(k_F) - d/dmu (k_F^2 Omega_F)].  At large mu E ~ B k^2, so
  Omega_F ~ v^2 / (2 mu^2) and both terms give v^2 / (2 B mu^2): D_y ~ t v^2 / (4 pi B mu^2), and
  with two valleys sigma^{xyy} = 2 (tau/hbar) D_y ~ t v^2 (tau/hbar) / (2 pi B) mu^-2 (e^3/hbar nm/eV):
  the power of the Dirac model (-2) but the opposite sign (the B k^2 mass wins over m).
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import symenh
from symenh import asymptotics as asy
from symenh.asymptotics_user import NumericExpansion, analyse, energy_scale
from symenh.errors import SymenhError
from symenh.params import PAPER
from symenh.units import sigma_to_si
from test_cli_user_model import one_line_error, run   # the CLI checks of the model-file commands

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "models"
H_T = EXAMPLES / "tilted_dirac.json"
LATTICE = EXAMPLES / "lattice_tilted_dirac.json"
HV = "0.26328478278036266 eV nm"          # hbar * 4e5 m/s, the paper's
PARAMS = {"m": "50 meV", "u": HV, "w": HV, "t": "0.026328478278036267 eV nm"}
#: H_PT = tau_y (x) (u k_x s_x + w k_y s_y + m s_z) + t k_y, typed in as a 4 x 4 matrix with s = tau_0 (x) s
H_PT_4 = {"name": "hand-H_PT", "momentum": ["qx", "qy"], "parameters": PARAMS, "tilt_symbol": "t",
          "matrix": [["t*qy", "0", "-I*m", "-I*(u*qx - I*w*qy)"],
                     ["0", "t*qy", "-I*(u*qx + I*w*qy)", "I*m"],
                     ["I*m", "I*(u*qx - I*w*qy)", "t*qy", "0"],
                     ["I*(u*qx + I*w*qy)", "-I*m", "0", "t*qy"]],
          "spin": [[["0", "1", "0", "0"], ["1", "0", "0", "0"], ["0", "0", "0", "1"], ["0", "0", "1", "0"]],
                   [["0", "-I", "0", "0"], ["I", "0", "0", "0"], ["0", "0", "0", "-I"], ["0", "0", "I", "0"]],
                   [["1", "0", "0", "0"], ["0", "-1", "0", "0"], ["0", "0", "1", "0"], ["0", "0", "0", "-1"]]]}
#: H_PT as its two tau_y blocks (+-(d.s) + t k_y): two-level components; the exchange runs over both ("all")
H_PT_BLOCKS = {"name": "hand-H_PT-blocks", "momentum": ["qx", "qy"], "parameters": PARAMS, "tilt_symbol": "t",
               "components": [{"name": "tau_y=+1", "matrix": [["m + t*qy", "u*qx - I*w*qy"],
                                                               ["u*qx + I*w*qy", "-m + t*qy"]]},
                              {"name": "tau_y=-1", "matrix": [["-m + t*qy", "-u*qx + I*w*qy"],
                                                               ["-u*qx - I*w*qy", "m + t*qy"]]}]}
B_EV_NM2 = 0.5
DIRAC_K2 = {"name": "dirac-k2", "momentum": ["qx", "qy"],
            "parameters": {"m": "50 meV", "v": HV, "B": f"{B_EV_NM2} eV nm^2", "t": "0.026328478278036267 eV nm"},
            "tilt_symbol": "t", "valley": {"symbol": "xi", "values": [1, -1]},
            "matrix": [["m + B*(qx**2 + qy**2) + xi*t*qy", "-I*v*qx - xi*v*qy"],
                       ["I*v*qx - xi*v*qy", "-m - B*(qx**2 + qy**2) + xi*t*qy"]]}


def _file(tmp_path, obj, name="model.json"):
    path = tmp_path / name
    path.write_text(json.dumps(obj))
    return path


def _same_series(got: dict, ref: dict):
    assert set(got) == set(ref) and ref
    for el, r in ref.items():
        g = got[el]
        assert [t.power for t in g.terms] == [t.power for t in r.terms]
        for tg, tr in zip(g.terms, r.terms):
            assert tg.coefficient == pytest.approx(tr.coefficient, rel=1e-12, abs=0)


def _covers(num: NumericExpansion, ref_term):
    """The numeric analysis finds the true power and coefficient within its own uncertainty, and that
    uncertainty is small enough to mean something (1 % of C, 0.05 in the power)."""
    assert num.power == ref_term.power and isinstance(num.power, int)
    assert abs(num.power_estimate - ref_term.power) <= num.power_uncertainty <= 0.05
    assert abs(num.coefficient - ref_term.coefficient) <= num.coefficient_uncertainty
    assert num.coefficient_uncertainty <= 0.01 * abs(ref_term.coefficient)


# ---------------------------------------------------------------------------------------------
# series path: exactly the built-in series
# ---------------------------------------------------------------------------------------------

def test_series_of_hand_written_h_t_is_the_built_in_series():
    loaded = symenh.load_model(H_T)
    for mech in ("bcd", "enh-t"):
        res = analyse(loaded, mech, method="series")
        assert res.method == "series" and res.note is None
        _same_series(res.expansions, asy.element_expansions("tilted-dirac", mech))
        ref_ratio = asy.ratio_expansion("tilted-dirac")
        assert res.ratio.element == ref_ratio.element and res.ratio.leading.power == ref_ratio.leading.power == 1
        assert res.ratio.leading.coefficient == pytest.approx(ref_ratio.leading.coefficient, rel=1e-12)
    lead = res.expansions["xyy"]
    assert "m t" in lead.latex and r"\Delta" not in lead.latex          # the user's own symbols
    # the public API takes the user model the same way
    exp = asy.expansion(loaded.model, "bcd", model_values=loaded.model_values)
    assert exp.leading.coefficient == pytest.approx(asy.expansion("tilted-dirac", "bcd").leading.coefficient,
                                                    rel=1e-12)


def test_series_of_h_pt_as_two_tau_y_blocks_is_the_built_in_series(tmp_path):
    loaded = symenh.load_model(_file(tmp_path, H_PT_BLOCKS))
    res = analyse(loaded, "enh-pt", method="series", exchange="all")
    _same_series(res.expansions, asy.element_expansions("pt-dirac", "enh-pt"))
    ref_ratio = asy.ratio_expansion("pt-dirac")
    assert res.ratio.element == ref_ratio.element
    assert [t.power for t in res.ratio.terms] == [t.power for t in ref_ratio.terms]
    assert res.ratio.leading.coefficient == pytest.approx(ref_ratio.leading.coefficient, rel=1e-12)
    _same_series(asy.element_expansions(loaded, "inh", method="series"), asy.element_expansions("pt-dirac", "inh"))


# ---------------------------------------------------------------------------------------------
# numeric path: the built-in series within the stated uncertainty, and an independent exponent
# ---------------------------------------------------------------------------------------------

def test_numeric_path_on_h_t_finds_the_series_within_its_uncertainty():
    """A closed form that does not come within closed_form_timeout: auto falls back to numeric (saying
    so), and the numeric analysis reproduces the series within its stated uncertainty."""
    loaded = symenh.load_model(H_T)
    with pytest.raises(SymenhError, match="closed_form_timeout"):
        analyse(loaded, "bcd", method="series", closed_form_timeout=0.05)
    res = analyse(loaded, "bcd", closed_form_timeout=0.05)
    assert res.method == "numeric" and "closed_form_timeout" in res.note
    assert res.energy_scale_eV == pytest.approx(PAPER.Delta_eV, rel=1e-12)
    ref = asy.element_expansions("tilted-dirac", "bcd")
    assert set(res.expansions) == set(ref)
    for el, num in res.expansions.items():
        _covers(num, ref[el].leading)
        assert num.mu_eV[0] == pytest.approx(10 * PAPER.Delta_eV)
    # the ratio ENH(T)/BCD ~ mu, from ENH(T) sampled at the same mu
    ref_ratio = asy.ratio_expansion("tilted-dirac")
    assert res.ratio.element == ref_ratio.element and res.ratio.mechanism == "enh-t/bcd"
    _covers(res.ratio, ref_ratio.leading)


def test_numeric_path_on_the_four_band_h_pt_finds_enh_pt_one_over_mu(tmp_path):
    """H_PT as a 4 x 4 matrix has no two-level closed form: auto falls back to numeric, saying why."""
    res = analyse(symenh.load_model(_file(tmp_path, H_PT_4)), "enh-pt", ratio=False)
    assert res.method == "numeric" and "4 bands" in res.note
    ref = asy.element_expansions("pt-dirac", "enh-pt")
    assert set(res.expansions) == set(ref)
    for el, num in res.expansions.items():
        _covers(num, ref[el].leading)
    assert res.expansions[res.main].power == -1                           # the paper's ENH(PT) ~ 1/mu


def test_numeric_path_on_a_dirac_model_with_a_k2_mass_matches_the_hand_derivation(tmp_path):
    loaded = symenh.load_model(_file(tmp_path, DIRAC_K2))
    v, t = loaded.model_values["v"], loaded.model_values["t"]
    # the energy scale: the largest crossover, (hbar v)^2 / B here (above m = 50 meV)
    assert energy_scale(loaded.components, {p: loaded.model_values[p.name] for p in loaded.components[0].params}) \
        == pytest.approx(v**2 / B_EV_NM2, rel=1e-12)
    res = analyse(loaded, "bcd", ratio=False)
    assert res.method == "numeric" and "dispersion" in res.note
    expected = float(sigma_to_si(t * v**2 * PAPER.tau_over_hbar_per_eV / (2 * math.pi * B_EV_NM2)))
    num = res.expansions["xyy"]
    assert expected > 0 > asy.expansion("tilted-dirac", "bcd").leading.coefficient     # sign flipped by B k^2
    assert num.power == -2 and abs(num.power_estimate + 2) <= num.power_uncertainty
    assert abs(num.coefficient - expected) <= num.coefficient_uncertainty <= 0.01 * expected
    assert res.expansions["yxy"].coefficient == pytest.approx(-num.coefficient, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# command line: the paper model's JSON keys, refusals in one line
# ---------------------------------------------------------------------------------------------

def _run(capsys, *argv):
    return run(capsys, *(str(a) for a in argv))


def _one_line_error(capsys, *argv, needles=()):
    one_line_error(capsys, *(str(a) for a in argv), needles=needles)


def test_cli_series_has_the_paper_models_json_keys(capsys):
    code, out, err = _run(capsys, "asymptotics", "--model-file", H_T, "--mechanism", "enh-t", "--progress", "--json")
    assert code == 0, err
    got = json.loads(out)
    code, out, _ = _run(capsys, "asymptotics", "--model", "tilted-dirac", "--mechanism", "enh-t", "--json")
    ref = json.loads(out)
    assert set(got) == set(ref) and got["method"] == ref["method"] == "series"
    assert set(got["leading"]) == {"power", "coefficient", "units"} and set(got["ratio"]) == set(ref["ratio"])
    for key in ("element", "leading", "next"):
        assert got[key] == ref[key] or got[key]["coefficient"] == pytest.approx(ref[key]["coefficient"], rel=1e-12)
    assert got["model"]["file"] == "tilted_dirac.json" and "[symenh] asymptotics:" in err


def test_cli_numeric_keys_and_unsettled_slope_refused(capsys):
    code, out, err = _run(capsys, "asymptotics", "--model-file", H_T, "--mechanism", "bcd", "--method", "numeric",
                          "--no-ratio", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["method"] == "numeric" and got["ratio"] is None and got["ratio_note"]
    assert set(got["leading"]) == {"power", "coefficient", "units"} and got["leading"]["power"] == -2
    assert got["energy_scale_eV"] == pytest.approx(0.05) and set(got["uncertainty"]) == {"power", "coefficient"}
    assert set(got["elements"]) == {"xyy", "yxy"}
    # mu from 60 meV to 0.2 eV is not asymptotic (mu ~ Delta): one line, the slopes found
    _one_line_error(capsys, "asymptotics", "--model-file", H_T, "--mechanism", "bcd", "--method", "numeric",
                    "--mu-min", "60meV", "--mu-max", "0.2eV", "--no-ratio", "--json",
                    needles=("has not settled", "local slopes", "mu_max"))


def test_lattice_model_refused_in_one_line(capsys):
    _one_line_error(capsys, "asymptotics", "--model-file", LATTICE, "--mechanism", "bcd", "--json",
                    needles=("lattice model", "every band is filled", "no large-mu limit"))
    with pytest.raises(SymenhError, match="lattice model"):
        asy.element_expansions(symenh.load_model(LATTICE), "bcd")


def test_bounded_continuum_band_refused_in_one_line(tmp_path):
    """A continuum matrix bounded in k (sin without lattice vectors): no Fermi pocket at large mu."""
    obj = {"name": "sine", "momentum": ["qx", "qy"], "constants": {"a": "0.5 nm"},
           "parameters": {"m": "50 meV", "v": "0.5 eV", "t": "0.02 eV nm"}, "tilt_symbol": "t",
           "matrix": [["m + t*qy", "v*sin(a*qx) - I*v*sin(a*qy)"], ["v*sin(a*qx) + I*v*sin(a*qy)", "-m + t*qy"]]}
    with pytest.raises(SymenhError, match="stays below mu_max.*bounded"):
        analyse(symenh.load_model(_file(tmp_path, obj)), "bcd", ratio=False)


@pytest.mark.parametrize("argv, needles", [
    (["--model", "pt-dirac", "--mechanism", "enh-pt", "--method", "numeric"], ("--method numeric", "--model-file")),
    (["--model", "pt-dirac", "--mechanism", "enh-pt", "--mu-max", "1eV"], ("--mu-max: only with --model-file",)),
    (["--model-file", H_T, "--mechanism", "bcd", "--mu-max", "3"], ("--mu-max", "no unit")),
    (["--model-file", H_T, "--mechanism", "bcd", "--mu-min", "2eV", "--mu-max", "1eV", "--method", "numeric"],
     ("mu_min, mu_max", "0 < mu_min < mu_max")),
    (["--model-file", H_T, "--mechanism", "bcd", "--method", "series", "--mu-max", "1eV"],
     ("--mu-max: only with --method numeric",)),
    (["--model-file", H_T, "--mechanism", "bcd", "--slope-tol", "0", "--method", "numeric"], ("slope_tol",)),
    (["--model-file", H_T, "--mechanism", "inh-full"], ("mechanism",)),
    (["--model-file", H_T, "--mechanism", "bcd", "--param", "T=10K"], ("T:", "T = 0")),
    (["--model-file", H_T, "--mechanism", "inh", "--method", "series"], ("vanishes identically",)),
    (["--model-file", H_T, "--mechanism", "bcd", "--method", "numeric", "--option", "bogus=1"],
     ("numeric, bcd at mu = 0.5 eV", "unknown option", "bogus")),
    (["--model-file", H_T, "--mechanism", "bcd", "--method", "series", "--option", "rtol=1e-9"],
     ("--option: only with --method numeric",)),
    (["--model", "tilted-dirac", "--mechanism", "bcd", "--option", "rtol=1e-9"], ("--option: only with --model-file",)),
])
def test_bad_input_is_one_line_exit_2(capsys, argv, needles):
    _one_line_error(capsys, "asymptotics", *argv, "--json", needles=needles)


def test_series_refusal_names_the_reason(capsys, tmp_path):
    _one_line_error(capsys, "asymptotics", "--model-file", _file(tmp_path, H_PT_4), "--mechanism", "inh",
                    "--method", "series", "--json", needles=("4 bands", "two-level"))


def test_series_with_a_negative_velocity_keeps_the_sign_of_the_closed_form(tmp_path):
    """u < 0 reverses the orientation of d(k): BCD flips sign; the series (taken for hbar v > 0) must
    follow the closed form evaluated at large mu (its own sign(v) factors, lambdified)."""
    obj = json.loads(H_T.read_text())
    obj["parameters"]["u"] = "-" + HV
    loaded = symenh.load_model(_file(tmp_path, obj))
    mu = 300.0
    for mech in ("bcd", "enh-t"):
        lead = analyse(loaded, mech, method="series", ratio=False).expansions["xyy"]
        closed = symenh.sigma(loaded.model, mech, [mu], model_values=loaded.model_values).element("xyy")[0]
        assert lead.value(mu) == pytest.approx(closed, rel=1e-8)
        assert lead.value(mu) * asy.expansion("tilted-dirac", mech).value(mu) < 0


@pytest.mark.parametrize("p", [-2, -1.37])
@pytest.mark.parametrize("q, amp", [(0.7, 0.3), (1.0, -0.5), (2.0, 2.0), (3.0, -1.0)])
def test_the_stated_uncertainty_covers_a_known_correction(p, q, amp):
    """sigma = C mu^p (1 + A (E_s/mu)^q) sampled as the numeric path samples it (two points per decade,
    10 .. 1000 E_s): the power and C are found within the stated uncertainty, for any correction
    falling at least as fast as mu^-0.7 (the module's r^q >= 2 argument), of either sign."""
    from symenh.asymptotics_user import _numeric_expansion

    c, scale = 3.0e-14, 0.05
    mu = scale * np.geomspace(10, 1000, 5)
    s = c * mu**p * (1 + amp * (scale / mu) ** q)
    err = 1e-12 * np.abs(s)
    num = _numeric_expansion("synthetic", "bcd", "xyy", mu, s, err, "A m / V^2", "consistent", 0.05,
                             math.log(mu[1] / mu[0]))
    assert abs(num.power_estimate - p) <= num.power_uncertainty
    assert abs(num.coefficient - c) <= num.coefficient_uncertainty
    assert isinstance(num.power, int) == isinstance(p, int)


def test_a_correction_still_large_at_the_top_of_the_range_is_refused():
    """sigma = mu^-2 (1 + 50 E_s/mu): still 5 % at mu_max, the last two local slopes differ by 0.14."""
    from symenh.asymptotics_user import _numeric_expansion

    mu = np.geomspace(0.5, 50, 5)
    s = mu**-2 * (1 + 50 * 0.05 / mu)
    with pytest.raises(SymenhError, match="has not settled.*raise mu_max"):
        _numeric_expansion("synthetic", "bcd", "xyy", mu, s, 1e-12 * s, "A m / V^2", "consistent", 0.02,
                           math.log(mu[1] / mu[0]))


def test_python_api_refusals_are_one_line():
    loaded = symenh.load_model(H_T)
    for call, needle in ((lambda: asy.ratio_expansion(loaded), "mechanism="),
                         (lambda: asy.expansion("tilted-dirac", "bcd", method="numeric"), "only for a user model"),
                         (lambda: asy.ratio_expansion("pt-dirac", mechanism="inh"), "only for a user model"),
                         (lambda: analyse(loaded, "bcd", method="bogus"), "method"),
                         (lambda: analyse(loaded, "bcd", points_per_decade=0), "points_per_decade"),
                         (lambda: analyse(loaded, "bcd", mu_max=2e4), "mu_max"),
                         (lambda: analyse(loaded, "bcd", method="series", mu_max=10.0), "only for method")):
        with pytest.raises(SymenhError, match=needle) as info:
            call()
        assert "\n" not in str(info.value)
