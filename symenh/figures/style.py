"""Shared figure styling: fonts and sizes close to a journal figure, and one save helper.

``plt`` is :mod:`matplotlib.pyplot`; :func:`styled` applies symenh's rc settings
while one figure function runs (the user's global matplotlib state is left alone);
``save`` writes a figure as PNG (300 dpi) and PDF beside each other.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib.pyplot as plt

RC = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "mathtext.fontset": "cm",
    "savefig.bbox": "tight",
}


def styled(fn):
    """Decorator: run a figure-making function inside ``plt.rc_context(RC)``."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with plt.rc_context(RC):
            return fn(*args, **kwargs)
    return wrapper

#: diverging colour map for signed quantities (centred on zero by the caller)
DIVERGING = "RdBu_r"


def save(fig, base: Path, dpi: int = 300) -> list[Path]:
    """Write ``base.png`` and ``base.pdf``; close the figure; return both paths."""
    base = Path(base)
    paths = [base.with_suffix(".png"), base.with_suffix(".pdf")]
    for path in paths:
        fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return paths


__all__ = ["DIVERGING", "RC", "plt", "save", "styled"]
