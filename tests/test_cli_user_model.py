"""``--model-file`` on the command line: a user's model file through sigma, geometry, noneq and derive.

References (independent of the model-file parser): the built-in ``--model tilted-dirac`` (H_T of
symenh.models.paper, its own closed forms) for the hand-written H_T file, and the built-in lattice
example symenh.models.examples.lattice_tilted_dirac for a lattice file.  Bad input: one line on
stderr, exit status 2, no traceback, and nothing in the file ever executed."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import symenh
from symenh.cli import main
from symenh.models.examples import lattice_tilted_dirac

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "models"
H_T = str(EXAMPLES / "tilted_dirac.json")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert out.count("\n") == 1
    return json.loads(out), err


def one_line_error(capsys, *argv, needles=()):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "", (code, out, err)
    assert err.count("\n") == 1 and "error:" in err and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


def test_sigma_closed_form_of_the_file_is_the_built_in_h_t(capsys):
    mu = ["--mu", "100meV", "--mu", "-0.2eV", "--mu", "20meV"]   # the last in the gap
    got, err = run_json(capsys, "sigma", "--model-file", H_T, "--mechanism", "enh-t", *mu, "--progress", "--json")
    ref, _ = run_json(capsys, "sigma", "--model", "tilted-dirac", "--mechanism", "enh-t", *mu, "--json")
    assert np.max(np.abs(ref["sigma"])) > 0
    np.testing.assert_allclose(got["sigma"], ref["sigma"], rtol=1e-10, atol=0)
    assert np.all(np.asarray(got["sigma"][2]) == 0)
    assert got["nonzero"] == ref["nonzero"] and set(got) == set(ref)     # the same JSON keys
    entry = got["model"]
    assert entry["file"] == "tilted_dirac.json" and entry["name"] == "hand-written-H_T"
    assert entry["sha256"] == hashlib.sha256(Path(H_T).read_bytes()).hexdigest()
    assert entry["parameters"]["u"] == {"value": 0.26328478278036266, "unit": "eV nm"}
    lines = err.splitlines()
    assert lines and all(ln.startswith("[symenh] ") for ln in lines)
    assert any("factor A1: closed form" in ln for ln in lines) and any("done in" in ln for ln in lines)


#: a coarse grid (cheap; its error estimate still has to cover the closed form's difference)
COARSE = ("--option", "kT_fractions=0.25,0.2,0.166667,0.142857", "--option", "spacing_over_kT=1.75")


@pytest.mark.parametrize("method, extra, mu", [("quadrature", (), ("--mu", "0.1eV", "--mu", "-0.15eV")),
                                               ("grid", COARSE, ("--mu", "-0.15eV"))])
def test_sigma_numeric_paths_of_the_file_match_the_built_in_closed_form_within_their_estimates(
        capsys, method, extra, mu):
    got, err = run_json(capsys, "sigma", "--model-file", H_T, "--mechanism", "bcd", *mu, "--method", method,
                        *extra, "--progress", "--json")
    ref, _ = run_json(capsys, "sigma", "--model", "tilted-dirac", "--mechanism", "bcd", *mu, "--json")
    s, r = np.asarray(got["sigma"]), np.asarray(ref["sigma"])
    est = np.asarray(got["error_estimate"])
    assert np.max(np.abs(r)) > 0 and np.all(est > 0) and np.all(est < 0.1 * np.max(np.abs(r)))   # not vacuous
    dev = np.abs(s - r).reshape(len(est), -1).max(axis=1)
    assert np.all(dev <= est), (dev, est)                          # the estimate covers the true error
    assert got["method"] == method and got["model"]["name"] == "hand-written-H_T"
    assert any(f"by {method}" in ln for ln in err.splitlines())
    if method == "quadrature":                                      # the path's own progress lines
        assert any("Fermi contour" in ln for ln in err.splitlines())


def test_lattice_file_through_the_grid_is_the_built_in_lattice_model(capsys, tmp_path):
    vals = {"Delta": 0.05, "hbar_v_x": 0.3, "hbar_v_y": 0.3, "B": 0.3, "alpha": 0.03}
    obj = json.loads((EXAMPLES / "lattice_tilted_dirac.json").read_text())
    obj.update(constants={"a": "1 nm"}, lattice_vectors=[[1, 0], [0, "1 nm"]], valley={"symbol": "xi", "values": [1]},
               parameters={k: f"{v} {'eV' if k == 'Delta' else 'eV nm^2' if k == 'B' else 'eV nm'}"
                           for k, v in vals.items()})
    path = tmp_path / "lattice.json"
    path.write_text(json.dumps(obj))
    fr = (1 / 4, 1 / 5, 1 / 6, 1 / 7)   # coarse (cheap): the estimates are checked to be small all the same
    got, _ = run_json(capsys, "sigma", "--model-file", str(path), "--mechanism", "bcd", "--mu", "70meV",
                      "--mu", "5eV", "--method", "grid", "--option", "kT_fractions=" + ",".join(map(str, fr)),
                      "--option", "spacing_over_kT=1.75", "--json")
    ref = symenh.sigma(lattice_tilted_dirac(1.0, 1), "bcd", [0.07, 5.0], method="grid", model_values=vals,
                       kT_fractions=fr, spacing_over_kT=1.75)
    s, est = np.asarray(got["sigma"]), np.asarray(got["error_estimate"])
    assert np.max(np.abs(ref.sigma[0])) > 0 and est[0] < 0.1 * np.max(np.abs(ref.sigma[0]))
    dev = np.abs(s - ref.sigma).reshape(2, -1).max(axis=1)
    assert np.all(dev <= est + ref.error_estimate)
    assert np.all(s[1] == 0)                  # mu above every band: a filled band, no Fermi surface


@pytest.mark.parametrize("method, valley", [("closed-form", "1"), ("direct", "-1")])
def test_geometry_of_the_file_is_the_built_in_geometry(capsys, method, valley, natural_scale):
    scale_vals = {"Delta": 0.05, "hbar_v_x": 0.263, "hbar_v_y": 0.263}
    for quantity in ("sbp", "berry-curvature", "quantum-metric", "spin"):
        common = ["--quantity", quantity, "--k", "-0.1", "0.07", "--valley", valley, "--method", method, "--json"]
        got, _ = run_json(capsys, "geometry", "--model-file", H_T, *common)
        ref, _ = run_json(capsys, "geometry", "--model", "tilted-dirac", *common)
        assert set(got) == set(ref) and got["units"] == ref["units"] and got["valley"] == int(valley)
        assert got["model"]["component"] == f"hand-written-H_T[xi={int(valley):+d}]"
        assert [lv["degeneracy"] for lv in got["levels"]] == [lv["degeneracy"] for lv in ref["levels"]]
        atol = 1e-12 * natural_scale(quantity, scale_vals)
        for a, b in zip(got["levels"], ref["levels"]):
            np.testing.assert_allclose(a["energy_eV"], b["energy_eV"], rtol=1e-12)
            np.testing.assert_allclose(a["value"], b["value"], rtol=1e-10, atol=atol)


def test_noneq_of_the_file_is_the_built_in_state(capsys):
    common = ["--quantity", "delta-berry-curvature", "--k", "0.1", "0.05", "--field", "1e5V/m", "0V/m",
              "--mu", "0.1eV", "--valley", "-1", "--json"]
    got, err = run_json(capsys, "noneq", "--model-file", H_T, *common, "--progress")
    ref, _ = run_json(capsys, "noneq", "--model", "tilted-dirac", *common)
    assert np.max(np.abs([lv["value"] for lv in ref["levels"]])) > 0
    for a, b in zip(got["levels"], ref["levels"]):
        np.testing.assert_allclose(a["value"], b["value"], rtol=1e-9)
    assert got["model"]["sha256"] == hashlib.sha256(Path(H_T).read_bytes()).hexdigest()
    assert "noneq: done in" in err


def test_derive_prints_the_file_components_closed_forms(capsys):
    code, out, _ = run(capsys, "derive", "--model-file", H_T, "--valley", "1", "--quantity", "berry-curvature",
                       "--format", "text")
    assert code == 0
    lines = [ln for ln in out.splitlines() if ln.startswith("Omega[")]
    # Omega = -+ m u w / (2 (m^2 + u^2 k_x^2 + w^2 k_y^2)^(3/2)) for valley +1, levels ascending
    assert len(lines) == 2 and "m*u*w/(2*(k_x**2*u**2 + k_y**2*w**2 + m**2)**(3/2))" in lines[0]
    assert "sha256" in out and "u in eV nm" in out


def _warped_variant(tmp_path, name):
    obj = json.loads((EXAMPLES / "warped_dirac.json").read_text())
    obj["name"] = name          # a name no other test derives: the symbolic geometry is never cached
    path = tmp_path / "warped.json"
    path.write_text(json.dumps(obj))
    return str(path)


@pytest.mark.parametrize("command", ["geometry", "derive"])
def test_symbolic_geometry_time_out_is_one_line(capsys, tmp_path, command):
    path = _warped_variant(tmp_path, "warped-never-derived")
    argv = [command, "--model-file", path, "--quantity", "bcp", "--geometry-timeout", "0.01"]
    if command == "geometry":
        argv += ["--k", "0.1", "0", "--json"]
    one_line_error(capsys, *argv, needles=("--geometry-timeout", "did not finish within 0.01 s", "--method direct"))


def _bad(tmp_path, **change):
    obj = json.loads(Path(H_T).read_text())
    obj.update(change)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(obj))
    return str(path)


SIGMA = ["--mechanism", "bcd", "--mu", "0.1eV", "--json"]
ROWS = [["m + xi*t*qy", "-I*u*qx - xi*w*qy"], ["I*u*qx - xi*w*qy", "-m + xi*t*qy"]]


@pytest.mark.parametrize("change, needles", [
    ({"lattice_vectors": [[0.5, 0], [0, 0.5]]}, ("not periodic", "lattice_vectors")),
    ({"lattice_vectors": [[0.5, 0.5], [1, 1]]}, ("collinear", "lattice_vectors")),
    ({"matrix": [ROWS[0], ["I*u*qx + xi*w*qy", ROWS[1][1]]]}, ("not Hermitian",)),
    ({"matrix": [ROWS[0], [ROWS[1][0], "-m + xi*tt*qy"]]}, ("matrix[1][1]", "unknown name 'tt'")),
    ({"parameters": {"m": "50 meV", "u": "0.26 eV nm", "w": "0.26 eV nm", "t": None}}, ("parameters.t", "missing")),
    ({"parameters": {"m": "50 meV", "u": 0.26, "w": "0.26 eV nm", "t": "0.02 eV nm"}}, ("parameters.u", "no unit")),
    ({"parameters": {"m": "50 meV", "u": "0.26 eV nm", "w": "0.26 eV nm", "t": "0.02 ps"}},
     ("parameters.t", "'ps'", "allowed")),
    ({"matrix": [[ROWS[0][0], "qx.real"], ROWS[1]]}, ("matrix[0][1]", "attribute access")),
    ({"matrix": [[ROWS[0][0], "(lambda: 1)()"], ROWS[1]]}, ("matrix[0][1]", "not allowed")),
    ({"matrix": [[ROWS[0][0], "[u for u in (1,)]"], ROWS[1]]}, ("matrix[0][1]", "comprehension")),
])
def test_bad_model_files_are_one_line_exit_2(capsys, tmp_path, change, needles):
    one_line_error(capsys, "sigma", "--model-file", _bad(tmp_path, **change), *SIGMA,
                   needles=("bad.json",) + needles)


@pytest.mark.parametrize("what, needle", [("missing", "does not exist"), ("dir", "is a directory"),
                                          ("text", "not valid JSON")])
def test_unreadable_model_files_are_one_line_exit_2(capsys, tmp_path, what, needle):
    path = tmp_path / "model.json"
    if what == "dir":
        path.mkdir()
    elif what == "text":
        path.write_text("H = [[m, 0], [0, -m]]")
    one_line_error(capsys, "geometry", "--model-file", str(path), "--quantity", "sbp", "--k", "0", "0",
                   needles=(needle, str(path)))


def test_code_in_a_model_file_never_runs(tmp_path):
    """A subprocess, as a user would run it: no traceback, exit 2, and the payload did not run."""
    target = tmp_path / "pwned"
    path = _bad(tmp_path, matrix=[[ROWS[0][0], f"__import__('os').system('touch {target}')"], ROWS[1]])
    proc = subprocess.run([sys.executable, "-m", "symenh", "sigma", "--model-file", path, *SIGMA],
                          check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "matrix[0][1]" in proc.stderr and "a call of anything but" in proc.stderr
    assert not target.exists()


@pytest.mark.parametrize("argv, needles", [
    (["sigma", "--model", "tilted-dirac", "--model-file", H_T, *SIGMA], ("not allowed with argument",)),
    (["sigma", "--model", "tilted-dirac", "--closed-form-timeout", "5", *SIGMA], ("only with --model-file",)),
    (["sigma", "--model-file", H_T, "--param", "Delta=10meV", *SIGMA], ("--param: Delta", "model file")),
    (["sigma", "--model-file", H_T, "--method", "grid", "--closed-form-timeout", "5", *SIGMA],
     ("only with --method closed-form",)),
    (["sigma", "--model-file", H_T, "--closed-form-timeout", "0", *SIGMA], ("--closed-form-timeout",)),
    (["sigma", "--model-file", H_T, "--option", "progress=1", *SIGMA], ("own flag, --progress",)),
    (["geometry", "--model-file", H_T, "--quantity", "sbp", "--k", "0", "0"], ("--component", "2 components")),
    (["geometry", "--model-file", H_T, "--quantity", "sbp", "--k", "0", "0", "--component", "5"],
     ("--component: must be 0 .. 1",)),
    (["asymptotics", "--model-file", str(EXAMPLES / "lattice_tilted_dirac.json"), "--mechanism", "bcd"],
     ("is a lattice model", "no large-mu limit")),
    (["map", "--model-file", H_T, "--mechanism", "bcd", "--axis", "mu_over_Delta=2:3:3", "--json"],
     ("axis mu_over_Delta: sets a paper model's Hamiltonian", "allowed axes: mu")),
])
def test_option_refusals_are_one_line(capsys, argv, needles):
    one_line_error(capsys, *argv, needles=needles)


def test_figure_model_draws_the_file_and_its_csv_matches_the_built_in_closed_form(capsys, tmp_path):
    from symenh.figures.table import read_metadata

    code, out, err = run(capsys, "figure", "model", "--model-file", H_T, "--mu", "60:150:2meV", "--mechanism", "bcd",
                         "--out", str(tmp_path))
    assert code == 0, err
    paths = [Path(p) for p in out.split()]
    assert sorted(p.suffix for p in paths) == [".csv", ".pdf", ".png"] and all(p.stat().st_size > 0 for p in paths)
    csv = next(p for p in paths if p.suffix == ".csv")
    meta = read_metadata(csv)
    assert meta["sha256"] == hashlib.sha256(Path(H_T).read_bytes()).hexdigest() and meta["method"] == "quadrature"
    data = np.loadtxt(csv, delimiter=",", comments="#", skiprows=len(meta) + 1)
    ref = symenh.sigma("tilted-dirac", "bcd", data[:, 0])
    expected = ref.sigma[:, 0, 1, 1]                      # the xyy element the CSV names
    assert meta["elements"] == "bcd: xyy" and np.max(np.abs(expected)) > 0
    assert np.all(np.abs(data[:, 1] - expected) <= data[:, 2])
    assert "figure model:" in err


def test_paper_figures_refuse_model_file_options(capsys):
    one_line_error(capsys, "figure", "fig1", "--model-file", H_T, "--out", "/nonexistent",
                   needles=("--model-file: only for figure model",))   # fig2, fig3 take a model file
