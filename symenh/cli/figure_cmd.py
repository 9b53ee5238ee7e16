"""``symenh figure NAME --out DIR``: write one of the paper's figures as PNG and PDF."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..responses.spec import CONVENTIONS
from .common import CliError, add_param_option, params_from, progress

#: figure name -> module in symenh.figures providing make(out_dir, params, progress) -> [paths]
FIGURES = {"fig1": "fig1", "fig2": "fig2", "fig3": "fig3", "asymptotics": "asymptotics", "map": "map",
           "interactions": "interactions", "temperature": "temperature"}
#: figures whose signs depend on the convention
WITH_CONVENTION = ("fig1", "fig3", "asymptotics", "interactions", "temperature")


def register(sub) -> None:
    p = sub.add_parser("figure", help="write a figure (PNG and PDF)")
    p.add_argument("name", choices=sorted(FIGURES), help="which figure")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    p.add_argument("--convention", default="consistent", choices=CONVENTIONS,
                   help="sign convention of the ENH results (fig1, fig3, asymptotics)")
    add_param_option(p)
    p.add_argument("--in", dest="input", metavar="FILE.nc", help="figure map: the map to draw (from symenh map --out)")
    p.add_argument("--axes", metavar="X[,Y]", help="figure map: the one or two axes of the cut (default: the first two)")
    p.add_argument("--at", action="append", default=[], metavar="NAME=VALUE",
                   help="figure map: hold an axis at its value nearest VALUE (with its unit), repeatable")
    p.set_defaults(func=run)


def make_figure(name: str, out: Path, params, report=progress, **options) -> list:
    """Build figure ``name`` into folder ``out``; returns the written paths.

    ``options`` go to the figure's ``make`` (e.g. ``convention`` for fig3)."""
    try:
        mod = importlib.import_module(f"symenh.figures.{FIGURES[name]}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("matplotlib"):
            raise CliError("figures need matplotlib: pip install matplotlib") from None
        raise
    try:
        out.mkdir(parents=True, exist_ok=True)
        return mod.make(out, params, report, **options)
    except OSError as exc:
        raise CliError(f"--out: cannot write into {out} ({exc.strerror or exc})") from None


def run(args) -> int:
    options = {"convention": args.convention} if args.name in WITH_CONVENTION else {}
    if args.name == "map":
        bad = [a for a in args.at if "=" not in a]
        if bad:
            raise CliError(f"--at: expected NAME=VALUE, got {bad[0]!r}")
        options = {"path": args.input, "axes": args.axes.split(",") if args.axes else None,
                   "at": dict(a.split("=", 1) for a in args.at)}
    paths = make_figure(args.name, Path(args.out), params_from(args), **options)
    for path in paths:
        print(path)
    return 0
