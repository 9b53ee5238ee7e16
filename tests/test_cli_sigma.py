"""The `symenh sigma` command-line contract (issue 3) and its Python twin."""

import json
import subprocess
import sys

import numpy as np
import pytest

import symenh
from symenh.cli import main

KEYS = {"model", "mechanism", "method", "convention", "units", "order", "alpha_over_hbar_v", "mu_eV", "sigma",
        "sigma_symmetrized", "nonzero", "error_estimate"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract_and_python_twin(capsys):
    code, out, err = run(capsys, "sigma", "--model", "pt-dirac", "--mechanism", "enh-pt", "--mu", "100meV",
                         "--mu", "0.2eV", "--json")
    assert code == 0
    obj = json.loads(out)
    assert KEYS <= set(obj)
    assert obj["units"] == "A m / V^2" and obj["order"] == "linear in alpha"
    assert obj["mu_eV"] == [0.1, 0.2]
    sig = np.array(obj["sigma"])
    assert sig.shape == (2, 2, 2, 2)
    # raw tensor antisymmetric in (c, a); the symmetrised one is (sigma^{cab} + sigma^{cba})/2
    np.testing.assert_allclose(sig, -np.swapaxes(sig, 1, 2), rtol=0, atol=0)
    np.testing.assert_allclose(np.array(obj["sigma_symmetrized"]), 0.5 * (sig + np.swapaxes(sig, 2, 3)))
    assert obj["nonzero"] == ["xyx", "yxx"]
    assert obj["error_estimate"] is None
    py = symenh.sigma("pt-dirac", "enh-pt", [0.1, 0.2])
    np.testing.assert_array_equal(py.sigma, sig)


def test_quadrature_reports_error_estimate(capsys):
    code, out, _ = run(capsys, "sigma", "--model", "tilted-dirac", "--mechanism", "bcd", "--mu", "80meV",
                       "--method", "quadrature", "--json")
    obj = json.loads(out)
    assert code == 0 and len(obj["error_estimate"]) == 1
    sig = np.array(obj["sigma"])[0]
    assert 0 < obj["error_estimate"][0] < 1e-8 * np.max(np.abs(sig))


@pytest.mark.parametrize("form", [("--mu", "-60meV"), ("--mu=-60meV",)])
def test_negative_mu_is_hole_doping(capsys, form):
    code, out, _ = run(capsys, "sigma", "--model", "tilted-dirac", "--mechanism", "bcd", *form, "--json")
    assert code == 0
    obj = json.loads(out)
    assert obj["mu_eV"] == [-0.06]
    # particle-hole symmetry of the massive Dirac model: sigma(-mu) = -sigma(mu) (charge conjugation)
    plus = symenh.sigma("tilted-dirac", "bcd", 0.06).sigma[0]
    np.testing.assert_allclose(np.array(obj["sigma"])[0], -plus, rtol=1e-12)


def test_gap_is_exactly_zero(capsys):
    code, out, _ = run(capsys, "sigma", "--model", "pt-dirac", "--mechanism", "inh", "--mu", "10meV",
                       "--mu", "-49meV", "--json")
    assert code == 0
    assert np.array(json.loads(out)["sigma"]).tolist() == np.zeros((2, 2, 2, 2)).tolist()


def test_printed_convention_flips_enh_only(capsys):
    for mech, flips in (("enh-pt", True), ("inh", False)):
        a = symenh.sigma("pt-dirac", mech, 0.1).sigma
        b = symenh.sigma("pt-dirac", mech, 0.1, convention="printed").sigma
        np.testing.assert_allclose(b, -a if flips else a, rtol=1e-14)


@pytest.mark.parametrize("argv, needle", [
    (["--model", "graphene", "--mechanism", "bcd", "--mu", "1eV"], "--model"),
    (["--model", "pt-dirac", "--mechanism", "shift", "--mu", "1eV"], "--mechanism"),
    (["--model", "pt-dirac", "--mechanism", "inh", "--mu", "100"], "--mu"),
    (["--model", "pt-dirac", "--mechanism", "inh", "--mu", "100K"], "--mu"),
    (["--model", "pt-dirac", "--mechanism", "inh", "--mu", "1eV", "--param", "tau=-1ps"], "tau"),
    (["--model", "pt-dirac", "--mechanism", "inh", "--mu", "1eV", "--param", "tau=0ps"], "tau"),
    (["--model", "pt-dirac", "--mechanism", "inh", "--mu", "1eV", "--param", "q_s=-0.2/nm"], "q_s"),
    (["--model", "pt-dirac", "--mechanism", "inh", "--mu", "1eV", "--param", "tau=1meV"], "tau"),
    (["--model", "pt-dirac", "--mechanism", "inh", "--mu", "1eV", "--method", "exact"], "--method"),
    (["--model", "pt-dirac", "--mechanism", "inh", "--mu", "1eV", "--convention", "mine"], "--convention"),
])
def test_bad_input_one_line_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, "sigma", *argv, "--json")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err


def test_no_traceback_from_a_subprocess():
    proc = subprocess.run([sys.executable, "-m", "symenh", "sigma", "--model", "pt-dirac", "--mechanism", "inh",
                           "--mu", "1eV", "--param", "tau=-0.5ps", "--json"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_python_api_errors_name_the_parameter():
    with pytest.raises(ValueError, match="mechanism"):
        symenh.sigma("pt-dirac", "drude", 0.1)
    with pytest.raises(ValueError, match="model"):
        symenh.sigma("bilayer", "inh", 0.1)
    with pytest.raises(ValueError, match="mu_eV"):
        symenh.sigma("pt-dirac", "inh", float("nan"))
    with pytest.raises(ValueError, match="tau"):
        symenh.Parameters(tau_ps=-1)


@pytest.mark.parametrize("convention", ["consistent", "printed"])
def test_relative_signs_in_metadata_hold_on_the_numbers(convention):
    mu = abs(symenh.PAPER.Delta_eV) * np.concatenate([np.linspace(1.02, 30, 25), -np.linspace(1.02, 30, 25)])
    claims = symenh.sigma("pt-dirac", "inh", 0.1, convention=convention).meta["relative_signs"]
    for (model, enh, ref, el), key in (
            (("pt-dirac", "enh-pt", "inh", "xyx"), "enh-pt vs inh (pt-dirac)"),
            (("tilted-dirac", "enh-t", "bcd", "xyy"), "enh-t vs bcd (tilted-dirac)")):
        for method in ("closed-form", "quadrature"):
            r = symenh.sigma(model, enh, mu, convention=convention, method=method).element(el) / \
                symenh.sigma(model, ref, mu, convention=convention, method=method).element(el)
            found = "same sign" if np.all(r > 0) else "opposite signs" if np.all(r < 0) else "mixed"
            assert found == claims[key], (model, method, convention)


def test_more_bad_input_is_one_line(capsys, tmp_path):
    afile = tmp_path / "a_file"
    afile.write_text("x")
    cases = [(["figure", "fig2", "--out", str(afile)], "--out"),
             (["figure", "fig3", "--out", str(tmp_path / "f"), "--param", "Delta=0eV"], "Delta"),
             (["asymptotics", "--model", "tilted-dirac", "--mechanism", "enh-t", "--exchange-valleys", "all",
               "--json"], "vanishes"),
             (["sigma", "--model", "pt-dirac", "--mechanism", "inh", "--mu", "1eV", "--param", "v=0m/s"], "v:")]
    for argv, needle in cases:
        code, out, err = run(capsys, *argv)
        assert code == 2 and len(err.strip().splitlines()) == 1 and needle in err, (argv, err)


def test_python_api_refuses_misplaced_model_values_and_bad_element_names():
    with pytest.raises(ValueError, match="model_values"):
        symenh.sigma("pt-dirac", "inh", 0.1, model_values={"Delta": 0.03})
    res = symenh.sigma("pt-dirac", "inh", 0.1)
    for bad in ("xy", "xyz", "XYY"):
        with pytest.raises(ValueError, match="element"):
            res.element(bad)
