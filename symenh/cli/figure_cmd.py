"""``symenh figure NAME --out DIR``: write one of the paper's figures as PNG and PDF.

``symenh figure model --model-file FILE --mu 60:200:8meV [--mechanism bcd ...]`` draws a user's model
file (:mod:`symenh.figures.user_model`): levels, Berry curvature and SBP maps, and sigma(mu) with CSV.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ..responses.spec import CONVENTIONS, MECHANISMS, METHODS
from .common import CliError, add_param_option, params_from, progress

#: figure name -> module in symenh.figures providing make(out_dir, params, progress) -> [paths]
FIGURES = {"fig1": "fig1", "fig2": "fig2", "fig3": "fig3", "asymptotics": "asymptotics", "map": "map",
           "interactions": "interactions", "temperature": "temperature", "model": "user_model"}
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
    p.add_argument("--model-file", metavar="FILE",
                   help="figure model: the model file to draw (symenh.load_model): its levels, Berry curvature and "
                        "SBP maps (numeric kernel) and sigma(mu)")
    p.add_argument("--mu", action="append", default=[], metavar="VALUE",
                   help="figure model: chemical potentials with their unit, e.g. 60:200:8meV (repeatable)")
    p.add_argument("--mechanism", action="append", default=[], choices=MECHANISMS,
                   help="figure model: the mechanisms of panel (d), repeatable (default bcd)")
    p.add_argument("--method", default=None, choices=METHODS,
                   help="figure model: the method of panel (d) (default quadrature; grid for a lattice model)")
    p.add_argument("--valley", type=int, choices=(1, -1), default=None,
                   help="figure model: the component of the geometry panels by the file's valley value")
    p.add_argument("--component", type=int, default=None, metavar="INDEX",
                   help="figure model: the component of the geometry panels (0-based; default 0)")
    p.add_argument("--progress", action="store_true", help="(progress lines are always on stderr)")
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


def _model_options(args) -> dict:
    """The options of ``figure model``: the loaded file, its component, mu (eV), mechanisms, method."""
    from ..units import parse_quantities
    from .user_model import PAPER_HAMILTONIAN_PARAMS, component, load

    if args.model_file is None:
        raise CliError("--model-file: figure model draws a model file; give --model-file FILE")
    if not args.mu:
        raise CliError("--mu: figure model needs chemical potentials, e.g. --mu 60:200:8meV")
    bad = [a.split("=", 1)[0] for a in args.param if a.split("=", 1)[0] in PAPER_HAMILTONIAN_PARAMS]
    if bad:
        raise CliError(f"--param: {bad[0]} sets a paper model's Hamiltonian; the model file holds its own")
    loaded = load(args)
    index = 0
    if args.valley is not None or args.component is not None:
        model, _ = component(loaded, args.valley, args.component)
        index = loaded.components.index(model)
    mu = [x for text in args.mu for x in parse_quantities(text, "energy", "--mu")]
    return {"loaded": loaded, "component": index, "mu_eV": mu, "mechanisms": tuple(args.mechanism or ("bcd",)),
            "method": args.method, "convention": args.convention}


def run(args) -> int:
    if args.name != "model":
        used = [f for f, v in (("--model-file", args.model_file), ("--mu", args.mu), ("--mechanism", args.mechanism),
                               ("--method", args.method), ("--valley", args.valley),
                               ("--component", args.component)) if v not in (None, [])]
        if used:
            raise CliError(f"{used[0]}: only for figure model (figure {args.name} draws the paper's models; for a "
                           "model file: symenh figure model --model-file FILE --mu ...)")
    if args.name == "model":
        paths = make_figure("model", Path(args.out), params_from(args), **_model_options(args))
        for path in paths:
            print(path)
        return 0
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
