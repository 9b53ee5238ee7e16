"""Every notebook in notebooks/ executes top to bottom without error (their cells assert
what they show), and is stored without outputs.  Notebook 01 writes its figures into
results/notebook01 of the folder it runs in (not a temporary folder), and notebook 03
displays its Hamiltonian as rendered LaTeX (a display object), not as an escaped string."""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
BY_NUMBER = {p.name[:2]: p for p in NOTEBOOKS}


def _code(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_notebooks_exist():
    assert len(NOTEBOOKS) >= 3 and {"01", "02", "03"} <= set(BY_NUMBER)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_code_cell_is_only_a_comment(path):
    """Prose belongs in markdown cells."""
    for src in _code(path):
        assert any(line.strip() and not line.lstrip().startswith("#") for line in src.splitlines()), src


def test_notebook03_source_displays_the_latex_with_a_display_object():
    cells = [s for s in _code(BY_NUMBER["03"]) if "model.latex" in s]
    assert cells and all(re.search(r"display\((Math|Latex)\(model\.latex\)\)", s) for s in cells)
    for src in _code(BY_NUMBER["03"]):   # a bare trailing `x.latex` would show the escaped str repr
        last = [ln for ln in src.splitlines() if ln.strip() and not ln.lstrip().startswith("#")][-1]
        assert not last.strip().endswith(".latex"), src


def test_notebooks_write_no_temporary_folders():
    for path in NOTEBOOKS:
        assert "tempfile" not in "\n".join(_code(path)), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    if path.name.startswith("01"):   # written where the notebook runs, and the path told
        out = (tmp_path / "results" / "notebook01").resolve()
        assert (out / "fig2.png").is_file() and (out / "fig3.pdf").is_file() and (out / "fig3_curves.csv").is_file()
        assert f"figures are written to {out}" in text
    if path.name.startswith("02"):
        assert (tmp_path / "results" / "notebook02" / "asymptotics.png").is_file()
    if path.name.startswith("03"):   # the Hamiltonian rendered as LaTeX
        latex = [o["data"]["text/latex"] for o in outputs if o.output_type == "display_data"
                 and "text/latex" in o.get("data", {})]
        assert any("k_{x}" in s and "begin{matrix}" in s for s in latex), latex
