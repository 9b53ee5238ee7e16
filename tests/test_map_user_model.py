"""Maps of a user's model file (``symenh map --model-file``, ``symenh.sweep(symenh.load_model(...))``).

Independent checks: the hand-written H_T file's map equals the built-in paper model's closed form
at every point within the map's own error estimate; the serial and process executors give the same
numbers bit for bit (the workers rebuild the model from the bytes carried by the map); the model
file's SHA-256 is in the settings hash (an edited file is a different map); a paper-Hamiltonian
axis is refused in one line."""

import json
from pathlib import Path

import numpy as np
import pytest

import symenh
from symenh.cli import main
from symenh.errors import ModelError, ParameterError
from symenh.maps import ModelFile, make_spec

pytest.importorskip("xarray")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "models"
HT = EXAMPLES / "tilted_dirac.json"
AXES = {"mu": "0.08,0.2eV", "tau": "0.5,1ps"}


@pytest.fixture(scope="module")
def serial_map():
    return symenh.sweep(symenh.load_model(HT), "bcd", AXES, method="quadrature", executor="serial", rtol=1e-9)


def test_user_map_equals_the_built_in_model_within_its_estimate(serial_map):
    ds = serial_map
    assert "sha256" in ds.attrs["model"] and "tilted_dirac.json" in ds.attrs["model"]
    for j, tau in enumerate(ds.tau.values):
        ref = symenh.sigma("tilted-dirac", "bcd", ds.mu.values, params=symenh.Parameters(tau_ps=float(tau)))
        got = ds.sigma.isel(tau=j).values
        err = ds.error_estimate.isel(tau=j).values
        diff = np.abs(got - ref.sigma).reshape(len(ds.mu), -1).max(axis=1)
        assert np.all(np.abs(ref.sigma).max() > 1e3 * err)      # a resolved, non-trivial number
        assert np.all(diff <= err), (diff, err)


def test_processes_rebuild_the_model_from_the_bytes_bit_for_bit(serial_map):
    ds = symenh.sweep(symenh.load_model(HT), "bcd", AXES, method="quadrature", executor="processes", workers=2,
                      chunk_points=1, rtol=1e-9)
    assert np.array_equal(ds.sigma.values, serial_map.sigma.values)
    assert ds.attrs["settings_hash"] == serial_map.attrs["settings_hash"]


def test_the_file_hash_is_in_the_settings_hash(tmp_path):
    text = HT.read_text()
    edited = tmp_path / "tilted_dirac.json"
    edited.write_text(text.replace('"m": "50 meV"', '"m": "51 meV"'))
    a = make_spec(symenh.load_model(HT), "bcd", AXES, method="quadrature")
    b = make_spec(symenh.load_model(edited), "bcd", AXES, method="quadrature")
    assert a.settings()["model"]["sha256"] != b.settings()["model"]["sha256"] and a.hash != b.hash
    with pytest.raises(ModelError, match="do not match the SHA-256"):
        ModelFile("x.json", a.model.sha256, edited.read_bytes())


@pytest.mark.parametrize("axes, start", [({"mu": "0.1eV", "Delta": "40,50meV"}, "axis Delta: sets a paper model"),
                                         ({"mu_over_Delta": "2,3"}, "axis mu_over_Delta: sets a paper model")])
def test_paper_hamiltonian_axes_refused(axes, start):
    with pytest.raises(ParameterError, match=start):
        make_spec(symenh.load_model(HT), "bcd", axes, method="quadrature")
    with pytest.raises(ParameterError, match="params.Delta_eV: sets a paper model"):
        make_spec(symenh.load_model(HT), "bcd", {"mu": "0.1eV"}, params=symenh.Parameters(Delta_eV=0.04))


def test_cli_map_of_a_model_file(tmp_path, capsys):
    out = tmp_path / "m.nc"
    rc = main(["map", "--model-file", str(HT), "--mechanism", "bcd", "--method", "quadrature",
               "--axis", "mu=0.08,0.2eV", "--axis", "tau=0.5,1ps", "--out", str(out), "--json", "--no-progress"])
    cap = capsys.readouterr()
    assert (rc, cap.err) == (0, "")
    summary = json.loads(cap.out)
    assert summary["dims"] == {"tau": 2, "mu": 2, "c": 2, "a": 2, "b": 2} and "sha256" in summary["model"]
    rc = main(["map", "--model-file", str(HT), "--mechanism", "bcd", "--axis", "mu=0.1eV", "--param", "Delta=40meV",
               "--json"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "Delta" in err, err
