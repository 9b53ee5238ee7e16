"""Every figure is drawn with symenh's style, and importing the figures leaves the user's
global matplotlib settings alone."""

import importlib
import subprocess
import sys

import pytest

from symenh.cli.figure_cmd import FIGURES


def test_importing_the_figures_does_not_touch_global_rc():
    """In a fresh interpreter (imports earlier in this process would hide it); choosing the Agg
    backend on a machine without a display is the one deliberate change."""
    code = ("import matplotlib\n"
            "style = lambda: {k: v for k, v in dict(matplotlib.rcParams).items() if not k.startswith('backend')}\n"
            "before = style()\n"
            f"import {', '.join('symenh.figures.' + m for m in FIGURES.values())}\n"
            "assert style() == before, sorted(k for k in style() if style()[k] != before[k])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_styled(name):
    make = importlib.import_module(f"symenh.figures.{FIGURES[name]}").make
    assert getattr(make, "__wrapped__", None) is not None, f"{name}.make is not decorated with style.styled"
