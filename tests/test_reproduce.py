"""`symenh reproduce`, the main job, end to end: figures, curves with unit headers, summary."""

import csv
import os
import subprocess
import sys

import numpy as np

import symenh


def test_reproduce_writes_everything(tmp_path):
    out = tmp_path / "results"
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "symenh", "reproduce", "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "[symenh]" in proc.stderr  # progress indication
    for name in ("fig2", "fig3", "asymptotics"):
        for ext in ("png", "pdf"):
            assert (out / f"{name}.{ext}").stat().st_size > 10_000
    summary = (out / "summary.md").read_text()
    for section in ("Non-zero tensor elements", "Relative signs", "Large-mu asymptotics", "Cross-check",
                    "ambiguous"):
        assert section in summary
    # the curves: unit headers, and the numbers are the conductivities (closed form at the same mu)
    with open(out / "fig3_curves.csv") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], np.array(rows[1:], dtype=float)
    assert header[0] == "mu_meV" and all(h.endswith("_A_m_per_V2") for h in header[1:])
    mu = data[:, 0] * 1e-3
    np.testing.assert_allclose(data[:, 2], symenh.sigma("tilted-dirac", "bcd", mu).element("xyy"), rtol=1e-10)
