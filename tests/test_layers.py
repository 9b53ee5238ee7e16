"""The pipeline's imports run one way: nothing in a lower layer imports a higher one.

Layers (low to high): errors/units/cache -> models/params -> geometry -> kernels ->
integrate -> responses -> asymptotics -> report/figures -> cli.  Read from the source
(AST), so a lazy import inside a function counts too.
"""

import ast
from pathlib import Path

import pytest

import symenh

ROOT = Path(symenh.__file__).parent
LAYER = {"errors": 0, "units": 0, "cache": 0, "fileio": 0, "temperature": 0, "threads": 0, "interactions": 1, "models": 1,
         "params": 1, "geometry": 2, "kernels": 3, "integrate": 4, "responses": 5, "asymptotics": 6,
         "asymptotics_interaction": 6, "asymptotics_user": 6, "noneq": 6, "maps": 6, "report": 7, "figures": 7, "cli": 8,
         "__init__": 9, "__main__": 9}


def _top(module_path: Path) -> str:
    rel = module_path.relative_to(ROOT).parts
    return rel[0].removesuffix(".py")


def _imported_tops(path: Path):
    tree = ast.parse(path.read_text())
    here = path.relative_to(ROOT).with_suffix("").parts
    pkg = here[:-1] if path.name != "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - (node.level - 1)] if node.level > 1 else pkg
                parts = list(base) + (node.module.split(".") if node.module else [])
                if not parts:   # "from . import x" at the package root
                    parts = [a.name for a in node.names]
                yield parts[0], node.lineno
            elif node.module and node.module.split(".")[0] == "symenh":
                parts = node.module.split(".")[1:] or [a.name for a in node.names]
                yield parts[0], node.lineno
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "symenh" and len(parts) > 1:
                    yield parts[1], node.lineno


FILES = sorted(p for p in ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_upward_import(path):
    here = _top(path)
    assert here in LAYER, f"{here}: add the new top-level module to LAYER"
    for top, line in _imported_tops(path):
        if top not in LAYER:
            continue
        assert LAYER[top] <= LAYER[here], f"{path.relative_to(ROOT)}:{line} imports {top} (a higher layer)"
