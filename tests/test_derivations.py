"""Run every derivation script (derivations/*.py, not starting with '_') as a subprocess.

Each script asserts its own results, so a non-zero exit code means a derivation failed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"
SCRIPTS = sorted(p for p in DERIVATIONS.glob("*.py") if not p.name.startswith("_"))


def test_enough_scripts_found():
    assert len(SCRIPTS) >= 6, [p.name for p in SCRIPTS]


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_derivation_script_runs(script):
    md = ROOT / "docs" / "derivations" / f"{script.stem}.md"
    before = md.stat().st_mtime_ns if md.exists() else None
    proc = subprocess.run([sys.executable, str(script)], cwd=str(ROOT),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert md.is_file(), f"{script.name} did not write {md}"
    # the script must (re)write it now: a committed file left over from an earlier run does not count
    assert before is None or md.stat().st_mtime_ns > before, f"{script.name} did not rewrite {md}"
