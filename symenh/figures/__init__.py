"""Figures (PNG and PDF).  This package is the only place in symenh that imports matplotlib.

Importing it selects the non-interactive Agg backend when no display is available
(no ``$DISPLAY``/``$WAYLAND_DISPLAY`` and no ``$MPLBACKEND``), so figures can be
written on a headless machine.  Shared styling: :mod:`symenh.figures.style`.
Each figure module provides ``make(out_dir, params, report) -> [paths]``.
"""

import os as _os

if not (_os.environ.get("MPLBACKEND") or _os.environ.get("DISPLAY") or _os.environ.get("WAYLAND_DISPLAY")):
    import matplotlib as _mpl

    _mpl.use("Agg")
