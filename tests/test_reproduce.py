"""`symenh reproduce`, the main job, end to end: figures, curves with unit headers, summary,
and manifest.json written last (every file with its size and SHA-256, the settings); a run
that does not finish leaves no manifest."""

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys

import numpy as np

import symenh
from symenh.cli import main, reproduce_cmd


def _check_manifest(out, expected_settings):
    """The manifest lists exactly the other files of ``out``, with their sizes and hashes."""
    man = json.loads((out / "manifest.json").read_text())
    assert set(man) == {"symenh_version", "command", "settings", "files", "started", "finished"}
    assert man["symenh_version"] == symenh.__version__
    assert man["command"].startswith("symenh reproduce")
    assert man["settings"] == expected_settings
    assert man["started"] <= man["finished"]
    on_disk = {p.name for p in out.iterdir() if p.name != "manifest.json"}
    assert {f["path"] for f in man["files"]} == on_disk            # nothing missing, nothing left over
    for f in man["files"]:
        data = (out / f["path"]).read_bytes()
        assert f["bytes"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest(), f["path"]
    return man


def test_reproduce_writes_everything(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "manifest.json").write_text('{"stale": true}')         # from an earlier run: must be replaced
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "symenh", "reproduce", "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "[symenh]" in proc.stderr  # progress indication
    for name in ("fig1", "fig2", "fig3", "asymptotics", "interactions", "temperature"):
        for ext in ("png", "pdf"):
            assert (out / f"{name}.{ext}").stat().st_size > 10_000
    summary = (out / "summary.md").read_text()
    for section in ("Non-zero tensor elements", "Relative signs", "Large-mu asymptotics", "Cross-check",
                    "ambiguous", "Screened Coulomb interaction", "Finite temperature"):
        assert section in summary
    # the curves: unit headers, and the numbers are the conductivities (closed form at the same mu)
    with open(out / "fig3_curves.csv") as fh:
        rows = [r for r in csv.reader(fh) if not r[0].startswith("#")]
    header, data = rows[0], np.array(rows[1:], dtype=float)
    assert header[0] == "mu_meV" and all(h.endswith("_A_m_per_V2") for h in header[1:])
    mu = data[:, 0] * 1e-3
    np.testing.assert_allclose(data[:, 2], symenh.sigma("tilted-dirac", "bcd", mu).element("xyy"), rtol=1e-10)
    # the manifest comes last and accounts for every file
    man = _check_manifest(out, {"params": symenh.PAPER.as_dict(), "convention": "consistent", "out": str(out)})
    assert {"fig1.pdf", "fig2.png", "fig3.pdf", "asymptotics.png", "fig3_curves.csv", "summary.md"} <= \
        {f["path"] for f in man["files"]}
    assert proc.stdout.strip().splitlines()[-1] == str(out / "manifest.json")


def _fake_figure(calls, stop_at=None):
    def make_figure(name, out, params, report, **kw):
        calls.append(name)
        if name == stop_at:
            raise KeyboardInterrupt   # what SIGINT raises mid-run
        path = out / f"{name}.png"
        path.write_bytes(name.encode() * 100)
        return [path]
    return make_figure


def test_a_run_interrupted_before_the_end_has_no_manifest(tmp_path, monkeypatch, capsys):
    out = tmp_path / "r"
    out.mkdir()
    (out / "manifest.json").write_text("{}")    # a finished earlier run
    calls = []
    monkeypatch.setattr(reproduce_cmd, "make_figure", _fake_figure(calls, stop_at="fig3"))
    assert main(["reproduce", "--out", str(out)]) == 130
    assert calls == ["fig1", "fig2", "fig3"]
    assert (out / "fig2.png").exists() and not (out / "manifest.json").exists()
    assert capsys.readouterr().err.strip().splitlines()[-1] == "symenh reproduce: interrupted"


def test_manifest_settings_and_hashes_without_the_figures(tmp_path, monkeypatch, capsys):
    """The manifest logic alone (cheap): fake figures, the real summary writer replaced by a small one."""
    import symenh.report

    def write_summary(path, params, report, convention):
        path.write_text(f"# summary {convention} {params.Delta_eV}\n")
        return path

    calls = []
    monkeypatch.setattr(reproduce_cmd, "make_figure", _fake_figure(calls))
    monkeypatch.setattr(symenh.report, "write_summary", write_summary)
    out = tmp_path / "r"
    argv = ["reproduce", "--out", str(out), "--convention", "printed", "--param", "Delta=30meV"]
    assert main(argv) == 0
    man = _check_manifest(out, {"params": symenh.PAPER.replace(Delta_eV=0.03).as_dict(), "convention": "printed",
                                "out": str(out)})
    assert man["command"] == "symenh " + " ".join(argv)
    assert [f["path"] for f in man["files"]] == ["fig1.png", "fig2.png", "fig3.png", "asymptotics.png", "interactions.png",
                                                "temperature.png", "summary.md"]
    assert (out / "summary.md").read_text() == "# summary printed 0.03\n"
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]   # no temporary file left
    capsys.readouterr()


def test_a_killed_run_has_no_manifest(tmp_path):
    """SIGKILL (no clean-up possible) once the run has started: the old manifest is already gone."""
    out = tmp_path / "r"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.Popen([sys.executable, "-m", "symenh", "reproduce", "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()          # the first progress line: the run has started
        assert line.startswith("[symenh] [1/"), line
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "manifest.json").exists()
