"""The command line's input contract (issue 7, items 3 and 5): one line, exit 2, nothing on
stdout, no traceback, no NaN; --version; --mu ranges; the help of --mechanism and --method;
--exchange-valleys refused where it means nothing; grammatical unit messages; a zero needs
no unit."""

import json

import numpy as np
import pytest

import symenh
from symenh import asymptotics as asy
from symenh.cli import main
from symenh.cli.common import CliError, print_json
from symenh.errors import ResponseError


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, out, err, needle):
    assert code == 2, err
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert needle in err, err


SIGMA = ("sigma", "--model", "pt-dirac", "--mechanism", "inh")


@pytest.mark.parametrize("argv, needle", [
    (("geometry", "--model", "pt-dirac", "--quantity", "sbp", "--k", "0.1", "0.2", "--param", "Delta=1e308eV",
      "--json"), "Delta: must be 0 or 1e-06 <= |Delta| <= 10 eV"),
    (("sigma", "--model", "tilted-dirac", "--mechanism", "bcd", "--mu", "0.1eV", "--method", "quadrature",
      "--param", "v=1e-300m/s", "--json"), "v: must be within 100 <= v_x <= 1e+08 m/s"),
    (("asymptotics", "--model", "pt-dirac", "--mechanism", "enh-pt", "--param", "q_s=1e-320/nm", "--json"),
     "q_s: must be within 1e-06 <= q_s <= 1000 1/nm"),
    (("geometry", "--model", "pt-dirac", "--quantity", "energy", "--k", "1e308", "1e308", "--json"), "k: "),
    (("geometry", "--model", "pt-dirac", "--quantity", "energy", "--k", "1e400", "0", "--json"), "k: "),
    ((*SIGMA, "--mu", "2e4eV", "--json"), "--mu: chemical potentials must satisfy |mu| <= 10000 eV"),
    ((*SIGMA, "--mu", "1e400eV", "--json"), "--mu: "),
    ((*SIGMA, "--mu", "5e-5eV", "--param", "Delta=0", "--json"), "--mu: with Delta = 0"),
    ((*SIGMA, "--mu", "0.1eV", "--param", "tau=1e9ps", "--json"), "tau: must be within"),
    ((*SIGMA, "--mu", "0.1eV", "--param", "alpha_over_hbar_v=1e-10", "--json"), "alpha_over_hbar_v: must be 0 or"),
    ((*SIGMA, "--mu", "0.1eV", "--param", "vx=1e3m/s", "--json"), "vx: the anisotropy"),
])
def test_reported_overflows_are_one_line_exit_2(capsys, argv, needle):
    assert_one_line_error(*run(capsys, *argv), needle)


def test_non_finite_json_is_never_printed(capsys, monkeypatch):
    """Before, an infinite coefficient found while serialising left truncated JSON on stdout."""
    real = asy.ratio_expansion

    def infinite_ratio(*a, **k):
        r = real(*a, **k)
        lead = type(r.leading)(r.leading.power, float("inf"), r.leading.units, r.leading.symbolic)
        return type(r)(r.model, r.mechanism, r.element, (lead,) + r.terms[1:], r.latex, r.convention)

    monkeypatch.setattr(asy, "ratio_expansion", infinite_ratio)
    code, out, err = run(capsys, "asymptotics", "--model", "pt-dirac", "--mechanism", "enh-pt", "--json")
    assert_one_line_error(code, out, err, "ratio.leading.coefficient: the result is not finite")
    with pytest.raises(CliError, match=r"^sigma\[1\]\[0\]: "):
        print_json({"sigma": [[1.0], [float("nan")]]})
    assert capsys.readouterr().out == ""


def test_version(capsys):
    code, out, err = run(capsys, "--version")
    assert code == 0 and out == f"symenh {symenh.__version__}\n" and err == ""


def test_mu_ranges_single_values_and_zero(capsys):
    code, out, err = run(capsys, *SIGMA, "--mu", "50:300:26meV", "--mu", "0", "--mu", "-300:-50:6meV", "--json")
    assert code == 0, err
    mu = json.loads(out)["mu_eV"]
    expected = list(np.linspace(0.05, 0.3, 26)) + [0.0] + list(np.linspace(-0.3, -0.05, 6))
    np.testing.assert_allclose(mu, expected, rtol=1e-15, atol=0)
    assert len(mu) == 33 and mu[0] == 0.05 and mu[25] == pytest.approx(0.3, rel=1e-15)
    sig = np.array(json.loads(out)["sigma"])
    np.testing.assert_allclose(sig, symenh.sigma("pt-dirac", "inh", expected).sigma, rtol=1e-13, atol=0)
    code, out, _ = run(capsys, *SIGMA, "--mu=-0.3:0.3:3eV", "--json")     # a range across the gap
    assert code == 0 and json.loads(out)["mu_eV"] == [-0.3, 0.0, 0.3]


@pytest.mark.parametrize("text, needle", [("50:300:1meV", "2 <= N"), ("50:300:26", "no unit"),
                                          ("50:300meV", "START:STOP:N"), ("1:2:3K", "unit 'K' is not an energy"),
                                          ("0:1e5:3eV", "|mu| <= 10000 eV"), ("50:300:999999999meV", "2 <= N")])
def test_bad_mu_ranges_are_one_line(capsys, text, needle):
    assert_one_line_error(*run(capsys, *SIGMA, "--mu", text, "--json"), "--mu: ")
    _, _, err = run(capsys, *SIGMA, "--mu", text, "--json")
    assert needle in err


def test_zero_needs_no_unit(capsys):
    code, out, err = run(capsys, *SIGMA, "--mu", "0.1eV", "--param", "Delta=0", "--json")
    assert code == 0, err
    assert json.loads(out)["params"]["Delta_eV"] == 0.0
    # q_s = 0 is read (no unit needed) and then fails its own range check, not the unit check
    assert_one_line_error(*run(capsys, *SIGMA, "--mu", "0.1eV", "--param", "q_s=0", "--json"),
                          "q_s: must be positive, 1e-06 <= q_s <= 1000 1/nm; got 0 1/nm")
    code, out, _ = run(capsys, *SIGMA, "--mu", "0", "--json")
    assert code == 0 and json.loads(out)["mu_eV"] == [0.0]


@pytest.mark.parametrize("item, needle", [
    ("v=4e5", "v: '4e5' has no unit; give a velocity with one of the units"),
    ("tau=1", "tau: '1' has no unit; give a time with"),
    ("q_s=0.2", "q_s: '0.2' has no unit; give an inverse length with"),
    ("Delta=50", "Delta: '50' has no unit; give an energy with"),
    ("v=4e5meV", "v: unit 'meV' is not a velocity;"),
    ("tau=1m/s", "tau: unit 'm/s' is not a time;"),
])
def test_unit_messages_are_grammatical(capsys, item, needle):
    assert_one_line_error(*run(capsys, *SIGMA, "--mu", "0.1eV", "--param", item), needle)


def test_help_explains_mechanisms_and_methods(capsys):
    for cmd in ("sigma", "asymptotics"):
        code, out, _ = run(capsys, cmd, "--help")
        text = " ".join(out.split())
        assert code == 0
        for phrase in ("bcd: Berry curvature dipole, DC form", "inh: intrinsic", "Berry connection polarizability",
                       "enh-t: exchange", "T-even part, paper Eq. 10", "enh-pt: exchange", "PT-even part, paper Eq. 9"):
            assert phrase in text, (cmd, phrase)
    code, out, _ = run(capsys, "sigma", "--help")
    text = " ".join(out.split())
    for phrase in ("closed-form: SymPy closed form", "quadrature: adaptive Fermi-contour", "grid: brute-force k grid",
                   "START:STOP:N"):
        assert phrase in text, phrase


def test_exchange_valleys_all_is_refused_for_a_single_valley(capsys):
    for argv in ((*SIGMA[:3], "--mechanism", "enh-pt", "--mu", "0.1eV"), ("asymptotics", "--model", "pt-dirac",
                                                                          "--mechanism", "enh-pt")):
        assert_one_line_error(*run(capsys, *argv, "--exchange-valleys", "all", "--json"),
                              "--exchange-valleys: 'all' sums the exchange over several valleys, but pt-dirac")
    with pytest.raises(ResponseError, match=r"^exchange_valleys: 'all' .*single valley"):
        symenh.sigma("pt-dirac", "enh-pt", 0.1, exchange_valleys="all")


def test_the_json_reports_an_exchange_scope_only_where_it_means_something(capsys):
    def scope(model, mech, *extra):
        code, out, err = run(capsys, "sigma", "--model", model, "--mechanism", mech, "--mu", "0.1eV", *extra, "--json")
        assert code == 0, err
        return json.loads(out)["exchange_valleys"]

    assert scope("tilted-dirac", "enh-t") == "same"
    assert scope("tilted-dirac", "enh-t", "--exchange-valleys", "all") == "all"
    assert scope("tilted-dirac", "bcd", "--exchange-valleys", "all") is None   # no exchange in BCD
    assert scope("pt-dirac", "enh-pt") is None                                  # one valley
    assert scope("pt-dirac", "inh") is None
