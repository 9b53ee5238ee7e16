"""`symenh sigma` with --interaction, --exchange, --order, --occupation, --param eps_r=..., --param T=...
(issues 8, 9): the JSON keys and their types, the Python twin, and one-line refusals with exit status 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

import symenh
from symenh import units
from symenh.cli import main

OLD_KEYS = {"model", "mechanism", "method", "convention", "units", "order", "alpha_over_hbar_v", "mu_eV", "sigma",
            "sigma_symmetrized", "nonzero", "error_estimate", "exchange_valleys", "params", "meta"}
NEW_KEYS = {"interaction", "exchange", "channels", "temperature_K"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _cli(*argv):
    return subprocess.run([sys.executable, "-m", "symenh", "sigma", *argv], capture_output=True, text=True, check=False)


def test_json_keys_and_types_through_a_subprocess():
    proc = _cli("--model", "pt-dirac", "--mechanism", "enh-pt", "--mu", "100meV", "--mu", "-0.2eV",
                "--exchange", "fock", "--param", "eps_r=4", "--param", "T=77K", "--json")
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout)
    assert OLD_KEYS | NEW_KEYS <= set(obj)
    inter = obj["interaction"]
    assert set(inter) == {"kind", "eps_r", "q_s_per_nm", "V0_eV_nm2"}
    assert inter["kind"] == "contact" and inter["eps_r"] == 4.0 and inter["q_s_per_nm"] == 0.2
    assert inter["V0_eV_nm2"] == pytest.approx(units.contact_V0_eV_nm2(0.2) / 4, rel=1e-15)
    assert obj["exchange"] == "fock"
    assert isinstance(obj["temperature_K"], float) and obj["temperature_K"] == 77.0
    assert obj["meta"]["temperature_K"] == 77.0 and obj["params"]["T_K"] == 77.0 and obj["params"]["eps_r"] == 4.0
    assert obj["order"] == "linear in alpha"
    sig = np.array(obj["sigma"])
    assert set(obj["channels"]) == {"tau_0 (x) s^eta", "other channels"}
    parts = {g: np.array(v) for g, v in obj["channels"].items()}
    assert all(v.shape == sig.shape == (2, 2, 2, 2) for v in parts.values())
    np.testing.assert_allclose(sum(parts.values()), sig, rtol=1e-14, atol=0)
    assert len(obj["error_estimate"]) == 2 and all(isinstance(e, float) for e in obj["error_estimate"])
    py = symenh.sigma("pt-dirac", "enh-pt", [0.1, -0.2], exchange="fock",
                      params=symenh.PAPER.replace(eps_r=4.0, T_K=77.0))
    np.testing.assert_array_equal(py.sigma, sig)


def test_defaults_keep_the_old_json_and_add_the_new_keys(capsys):
    code, out, _ = run(capsys, "sigma", "--model", "tilted-dirac", "--mechanism", "enh-t", "--mu", "100meV", "--json")
    assert code == 0
    obj = json.loads(out)
    assert obj["interaction"] == {"kind": "contact", "eps_r": 1.0, "q_s_per_nm": 0.2,
                                  "V0_eV_nm2": units.contact_V0_eV_nm2(0.2)}
    assert obj["exchange"] == "printed" and obj["temperature_K"] == 0.0 and obj["order"] == "linear in alpha"
    assert list(obj["channels"]) == ["s^eta"] and obj["channels"]["s^eta"] == obj["sigma"]
    assert obj["meta"]["fierz_factor"] == "as printed (Eq. 3 without 1/2)"
    np.testing.assert_array_equal(np.array(obj["sigma"]), symenh.sigma("tilted-dirac", "enh-t", 0.1).sigma)
    code, out, _ = run(capsys, "sigma", "--model", "tilted-dirac", "--mechanism", "bcd", "--mu", "100meV", "--json")
    assert json.loads(out)["channels"] is None


def test_temperature_as_k_B_T_and_the_cubic_order(capsys):
    code, out, _ = run(capsys, "sigma", "--model", "pt-dirac", "--mechanism", "inh", "--mu", "100meV",
                       "--param", "T=6.6meV", "--json")
    assert code == 0
    assert json.loads(out)["temperature_K"] == pytest.approx(6.6e-3 / units.KB_EV_PER_K, rel=1e-12)
    code, out, _ = run(capsys, "sigma", "--model", "pt-dirac", "--mechanism", "inh-full", "--mu", "100meV",
                       "--order", "cubic", "--json")
    assert code == 0
    obj = json.loads(out)
    assert obj["order"] == "linear + cubic in alpha" and obj["mechanism"] == "inh-full"
    assert obj["meta"]["occupation"] == "bare"


@pytest.mark.parametrize("argv,needle", [
    (["--interaction", "yukawa"], ("contact", "screened-coulomb")),
    (["--exchange", "full"], ("printed", "fock")),
    (["--order", "second"], ("linear", "exact", "cubic")),
    (["--occupation", "thermal"], ("bare", "field-corrected")),
    (["--param", "eps_r=0"], "eps_r"),
    (["--param", "eps_r=-1"], "eps_r"),
    (["--param", "eps_r=nan"], "eps_r"),
    (["--param", "eps_r=4K"], "eps_r"),
    (["--param", "T=-5K"], "T"),
    (["--param", "T=77"], "no unit"),
    (["--param", "T=-1meV"], "T"),
    (["--param", "T=1e6K"], "T"),
    (["--param", "T=hot"], "T"),
    (["--interaction", "screened-coulomb", "--param", "q_s=0"], "q_s"),
    (["--interaction", "screened-coulomb"], "closed-form"),
    (["--order", "exact"], "closed-form"),
    (["--occupation", "field-corrected"], "inh-full"),
])
def test_bad_input_one_line_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, "sigma", "--model", "pt-dirac", "--mechanism", "enh-pt", "--mu", "100meV", *argv,
                         "--json")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    for word in (needle,) if isinstance(needle, str) else needle:
        assert word in err, err


def test_bad_temperature_in_a_subprocess_has_no_traceback():
    proc = _cli("--model", "pt-dirac", "--mechanism", "inh", "--mu", "1eV", "--param", "T=77", "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("symenh sigma: error: T:")


def test_help_explains_every_new_flag(capsys):
    try:
        code = main(["sigma", "--help"])
    except SystemExit as exc:
        code = exc.code
    assert code == 0
    out = capsys.readouterr().out
    for flag in ("--interaction", "--exchange", "--order", "--occupation", "eps_r", "T=77K", "screened-coulomb",
                 "fock", "cubic", "exact"):
        assert flag in out
