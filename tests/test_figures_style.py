"""Every figure is drawn with symenh's style, and importing the figures leaves the user's
global matplotlib settings alone."""

import importlib

import matplotlib
import pytest

from symenh.cli.figure_cmd import FIGURES


def test_importing_the_figures_does_not_touch_global_rc():
    """(Choosing the Agg backend on a machine without a display is the one deliberate change.)"""
    def style(rc):
        return {k: v for k, v in rc.items() if not k.startswith("backend")}
    before = style(dict(matplotlib.rcParams))
    for mod in FIGURES.values():
        importlib.import_module(f"symenh.figures.{mod}")
    assert style(dict(matplotlib.rcParams)) == before


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_styled(name):
    make = importlib.import_module(f"symenh.figures.{FIGURES[name]}").make
    assert getattr(make, "__wrapped__", None) is not None, f"{name}.make is not decorated with style.styled"
