"""``symenh map`` (issue 12): the command-line contract, a run killed by its pid and resumed, one-line
refusals (axis without unit, empty range, unreachable scheduler, changed settings on resume,
missing extra) with exit status 2."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import symenh
from symenh.cli import main

xr = pytest.importorskip("xarray")
pytest.importorskip("h5netcdf")

from symenh.maps.dataset import read_netcdf

BASE = ["map", "--model", "tilted-dirac", "--mechanism", "enh-t", "--mechanism", "bcd"]


def _run(args, timeout=120):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "symenh", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_map_writes_netcdf_and_json(tmp_path, capsys):
    out = tmp_path / "m.nc"
    rc = main(BASE + ["--axis", "mu=50:300:6meV", "--axis", "q_s=0.05:2:4/nm", "--log", "--param", "tau=1ps",
                      "--out", str(out), "--json", "--no-progress"])
    cap = capsys.readouterr()
    assert (rc, cap.err) == (0, "")
    summary = json.loads(cap.out)
    assert summary["dims"] == {"mechanism": 2, "mu": 6, "q_s": 4, "c": 2, "a": 2, "b": 2}
    assert summary["coords"]["q_s"]["spacing"] == "log" and summary["coords"]["mu"]["units"] == "eV"
    assert summary["n_failed_points"] == 0 and summary["units"] == "A m / V^2"
    ds = read_netcdf(out)
    assert summary["settings_hash"] == ds.attrs["settings_hash"] and ds.attrs["param_tau_ps"] == 1.0
    assert ds.attrs["created_by"] == "symenh map"
    assert np.allclose(ds.q_s.values, np.geomspace(0.05, 2, 4), rtol=1e-15, atol=0)
    p = symenh.Parameters(tau_ps=1.0, q_s_per_nm=float(ds.q_s[2]))
    ref = symenh.sigma("tilted-dirac", "enh-t", ds.mu.values, params=p)
    assert np.array_equal(ds.sigma.sel(mechanism="enh-t").isel(q_s=2).values, ref.sigma)


def test_progress_bar_on_stderr(tmp_path):
    res = _run(BASE + ["--axis", "mu=50:300:6meV", "--axis", "tau=0.5,1ps", "--out", str(tmp_path / "m.nc")])
    assert res.returncode == 0 and res.stdout == ""
    assert "symenh map: 100%" in res.stderr and "12/12" in res.stderr and "pt/s" in res.stderr


#: a quadrature map of 24 points (chunks), ~0.05-0.2 s each: long enough to be killed half-way
SLOW = ["map", "--model", "pt-dirac", "--mechanism", "enh-pt", "--method", "quadrature",
        "--axis", "mu=60:200:3meV", "--axis", "Delta=20:50:24meV", "--executor", "serial", "--no-progress"]


def test_killed_run_resumes_to_the_uninterrupted_map(tmp_path, capsys):
    out = tmp_path / "killed.nc"
    parts = tmp_path / "killed.nc.parts"
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.Popen([sys.executable, "-m", "symenh", *SLOW, "--out", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(list(parts.glob("chunk-*.npz"))) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    done = len(list(parts.glob("chunk-*.npz")))
    assert not out.exists() and 3 <= done < 24, f"killed after {done} of 24 chunks"

    assert main(SLOW + ["--out", str(out), "--resume", "--param", "tau=1ps"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "changed: params.tau_ps" in err
    assert main(SLOW + ["--out", str(out)]) == 2        # without --resume: refused, nothing lost
    err = capsys.readouterr().err
    assert "--resume" in err and err.count("\n") == 1

    resumed = _run(SLOW + ["--out", str(out), "--resume", "--json"])
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["resumed_points"] >= done   # nothing already done recomputed
    assert out.exists() and not parts.exists()
    whole = tmp_path / "whole.nc"
    assert main(SLOW + ["--out", str(whole)]) == 0
    a, b = read_netcdf(out), read_netcdf(whole)
    assert a.identical(b) and not np.isnan(a.sigma.values).any()


def test_failed_point_warns_in_one_line(tmp_path, capsys):
    rc = main(BASE + ["--axis", "mu=50:300:6meV", "--axis", "Delta=50meV,20eV", "--out", str(tmp_path / "m.nc"),
                      "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 0 and err.count("\n") == 1
    assert err.startswith("symenh map: warning: 1 of 2 points of the map failed") and "Delta=20 eV" in err
    ds = read_netcdf(tmp_path / "m.nc")
    assert np.isnan(ds.sigma.sel(Delta=20).values).all() and not np.isnan(ds.sigma.sel(Delta=0.05).values).any()


@pytest.mark.parametrize("extra, start", [
    (["--axis", "mu=0.05:0.3:11"], "symenh map: error: mu: range '0.05:0.3:11' has no unit"),
    (["--axis", "mu=0.1"], "symenh map: error: mu: '0.1' has no unit"),
    (["--axis", "mu=0.05:0.3:11eV", "--axis", "q_s=0.1:1:0/nm"], "symenh map: error: q_s: a range START:STOP:N"),
    (["--axis", "mu="], "symenh map: error: mu: empty axis"),
    (["--axis", "q_s=0.1/nm"], "symenh map: error: --axis: give exactly one of mu"),
    (["--log", "--axis", "mu=0.1eV"], "symenh map: error: --log: give it after the --axis"),
    (["--axis", "mu=0.1eV", "--executor", "serial", "--scheduler", "tcp://127.0.0.1:9"],
     "symenh map: error: --scheduler: a scheduler address is for --executor dask"),
    (["--axis", "mu=0.1eV", "--workers", "0"], "symenh map: error: --workers: must be a positive"),
])
def test_bad_input_one_line_exit_2(extra, start, tmp_path, capsys):
    rc = main(BASE + extra + ["--out", str(tmp_path / "m.nc")])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith(start) and err.count("\n") == 1, err
    assert not (tmp_path / "m.nc").exists()


def test_needs_out_or_json(capsys):
    assert main(BASE + ["--axis", "mu=0.1eV"]) == 2
    assert capsys.readouterr().err.startswith("symenh map: error: --out: give --out FILE.nc")


def test_unreachable_scheduler_one_line_within_timeout(tmp_path):
    import socket

    with socket.socket() as s:       # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    res = _run(BASE + ["--axis", "mu=0.1eV", "--method", "quadrature", "--scheduler", f"tcp://127.0.0.1:{port}",
                       "--scheduler-timeout", "2", "--out", str(tmp_path / "m.nc")], timeout=60)
    elapsed = time.monotonic() - t0
    assert res.returncode == 2 and res.stdout == "" and res.stderr.count("\n") == 1, res.stderr
    assert res.stderr.startswith(f"symenh map: error: --scheduler: no dask scheduler answered at "
                                 f"'tcp://127.0.0.1:{port}' within 2 s")
    assert elapsed < 20, elapsed     # the 2 s timeout plus start-up, not dask's default of 30 s


def test_missing_extra_names_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "xarray", None)     # import xarray now raises ImportError
    assert main(BASE + ["--axis", "mu=0.1eV", "--json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.rstrip().endswith("pip install symenh[maps]") and "xarray" in err
