"""``symenh geometry`` and ``symenh derive`` from the command line: JSON contract, errors."""

import json
import subprocess
import sys

import numpy as np
import pytest

from symenh.cli import main
from symenh.kernels import band_geometry
from symenh.models import pt_dirac, tilted_dirac
from symenh.params import PAPER

#: quantity -> (shape of "value" per level, unit) as promised by the issue's contract
CONTRACT = {
    "energy": ((), "eV"),
    "sbp": ((4, 2), "nm/eV"),
    "bcp": ((2, 2), "nm^2/eV"),
    "berry-curvature": ((), "nm^2"),
    "quantum-metric": ((2, 2), "nm^2"),
    "spin": ((3,), "dimensionless"),
}
KEYS = {"model", "quantity", "valley", "k_per_nm", "units", "levels"}


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run_cli(capsys, "geometry", *argv, "--json")
    assert code == 0, err
    assert out.count("\n") == 1
    return json.loads(out)


@pytest.mark.parametrize("quantity", list(CONTRACT))
@pytest.mark.parametrize("model, valley", [("tilted-dirac", "1"), ("tilted-dirac", "-1"), ("pt-dirac", None)])
def test_json_contract_keys_shapes_units_and_values(quantity, model, valley, capsys, natural_scale):
    argv = ["--model", model, "--quantity", quantity, "--k", "-0.1", "0.07"]
    if valley:
        argv += ["--valley", valley]
    obj = run_json(capsys, *argv)
    assert set(obj) == KEYS
    assert obj["model"] == model and obj["quantity"] == quantity
    assert obj["valley"] == (int(valley) if valley else None)
    assert obj["k_per_nm"] == [-0.1, 0.07]
    shape, unit = CONTRACT[quantity]
    assert obj["units"] == unit
    levels = obj["levels"]
    assert [set(lv) for lv in levels] == [{"energy_eV", "degeneracy", "value"}] * 2
    energies = [lv["energy_eV"] for lv in levels]
    assert energies == sorted(energies) and energies[0] < energies[1]
    assert [lv["degeneracy"] for lv in levels] == ([1, 1] if model == "tilted-dirac" else [2, 2])
    for lv in levels:
        assert np.shape(lv["value"]) == shape
    # the numbers: direct diagonalisation at the same k (independent path), paper parameters
    m = tilted_dirac(int(valley)) if valley else pt_dirac()
    bg = band_geometry(m, -0.1, 0.07, PAPER.symbol_values())
    first = [0, m.dim // 2]
    expect = bg.quantity(quantity)[first]
    if quantity == "spin":
        expect = expect[:, 1:]
    got = np.array([lv["value"] for lv in levels])
    paper = {"Delta": PAPER.Delta_eV, "hbar_v_x": PAPER.hbar_vx, "hbar_v_y": PAPER.hbar_vy}
    scale = max(np.max(np.abs(expect)), natural_scale(quantity, paper))
    assert np.allclose(got, expect, rtol=1e-10, atol=1e-10 * scale)
    assert np.allclose(energies, bg.energy[first], rtol=1e-12)


@pytest.mark.parametrize("kargs", [["--k", "-0.1", "-0.2"], ["--k=-0.1", "-0.2"], ["--k", "-1e-1", "-2e-1"],
                                   ["--k", "-.1", "-0.2"]])
def test_negative_k_values(kargs, capsys):
    obj = run_json(capsys, "--model", "pt-dirac", "--quantity", "energy", *kargs)
    assert obj["k_per_nm"] == [-0.1, -0.2]


def test_k_first_and_param_changes_values(capsys):
    a = run_json(capsys, "--k", "0.05", "-0.03", "--model", "tilted-dirac", "--valley", "1",
                 "--quantity", "energy", "--param", "Delta=-20meV", "--param", "v=3e5m/s")
    e = np.sqrt(0.02**2 + (PAPER.replace(vx_m_per_s=3e5).hbar_vx) ** 2 * (0.05**2 + 0.03**2))
    alpha = 0.1 * PAPER.replace(vx_m_per_s=3e5, vy_m_per_s=3e5).hbar_vy
    assert np.allclose([lv["value"] for lv in a["levels"]], [-0.03 * alpha - e, -0.03 * alpha + e], rtol=1e-12)


@pytest.mark.parametrize("argv, pattern", [
    (["--model", "graphene", "--quantity", "sbp", "--k", "0", "0"], "tilted-dirac"),
    (["--model", "pt-dirac", "--quantity", "torsion", "--k", "0", "0"], "berry-curvature"),
    (["--model", "pt-dirac", "--quantity", "sbp", "--k", "nan", "0"], "k:"),
    (["--model", "pt-dirac", "--quantity", "sbp", "--k", "0", "inf"], "k:"),
    (["--model", "pt-dirac", "--quantity", "sbp", "--k", "0"], "--k"),
    (["--model", "tilted-dirac", "--quantity", "sbp", "--k", "0", "0"], "valley: required"),
    (["--model", "pt-dirac", "--valley", "1", "--quantity", "sbp", "--k", "0", "0"], "valley: not allowed"),
    (["--model", "tilted-dirac", "--valley", "2", "--quantity", "sbp", "--k", "0", "0"], "--valley"),
    (["--model", "pt-dirac", "--quantity", "sbp", "--k", "0", "0", "--param", "gap=1meV"], "gap"),
    (["--model", "pt-dirac", "--quantity", "sbp", "--k", "0", "0", "--param", "Delta=50"], "Delta"),
    (["--model", "pt-dirac", "--quantity", "sbp", "--k", "0", "0", "--param", "tau=1eV"], "tau"),
])
def test_bad_input_is_one_line_exit_2(argv, pattern, capsys):
    try:
        code, out, err = run_cli(capsys, "geometry", *argv, "--json")
    except SystemExit as exc:            # argparse errors exit from inside main
        code = exc.code
        out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("symenh geometry: error:")
    assert pattern in err


@pytest.mark.parametrize("argv, pattern", [
    (["geometry", "--model", "pt-dirac", "--quantity", "sbp", "--k", "-inf", "0", "--json"], "k:"),
    (["geometry", "--model", "tilted-dirac", "--quantity", "spin", "--k", "0", "0", "--json"], "valley"),
    (["derive", "--model", "pt-dirac", "--valley", "-1", "--quantity", "sbp"], "valley"),
    (["derive", "--model", "pt-dirac", "--quantity", "curl"], "quantity"),
])
def test_command_line_errors_have_no_traceback(argv, pattern):
    proc = subprocess.run([sys.executable, "-m", "symenh.cli", *argv], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert pattern in proc.stderr and proc.stdout == ""


def test_derive_prints_simplified_sbp_latex_and_text(capsys):
    code, out, _ = run_cli(capsys, "derive", "--model", "pt-dirac", "--quantity", "sbp")
    assert code == 0
    assert r"E = \sqrt{\Delta^{2} + (\hbar v_x)^{2} k_x^{2} + (\hbar v_y)^{2} k_y^{2}}" in out
    # conduction level S^{2x} = Delta hbar v_x / E^3 (traced over the Kramers pair)
    assert r"\frac{\Delta (\hbar v_x)}{E^{3}}" in out and r"\mathcal{S}_{1}" in out
    code, out, _ = run_cli(capsys, "derive", "--model", "tilted-dirac", "--valley", "1",
                           "--quantity", "berry-curvature", "--format", "text")
    assert code == 0
    lines = [ln for ln in out.splitlines() if ln.startswith("Omega[")]
    assert len(lines) == 2 and "E**3" in lines[0]


@pytest.mark.parametrize("quantity", ["energy", "eigenvectors", "r", "s", "bcp", "quantum-metric", "spin"])
def test_derive_every_quantity_runs(quantity, capsys):
    code, out, _ = run_cli(capsys, "derive", "--model", "tilted-dirac", "--valley", "-1", "--quantity", quantity,
                           "--format", "text")
    assert code == 0 and len(out.splitlines()) >= 4
