"""``symenh figure NAME --out DIR``: write one of the paper's figures as PNG and PDF.

A user's model file (:func:`symenh.load_model`) goes through three figures:

- ``symenh figure model --model-file FILE --mu 60:200:8meV [--mechanism bcd ...]``
  (:mod:`symenh.figures.user_model`): levels, Berry curvature and SBP maps, and sigma(mu) with CSV;
- ``symenh figure fig2 --model-file FILE [--mu 60meV] [--valley +1 | --component I]``
  (:func:`symenh.figures.fig2.make_file`): the four SBP maps of the paper's Fig. 2 (nm/eV) of the file's
  model by the numeric kernel, its level and k window chosen as ``figure model`` chooses them (without
  --mu: the lowest level above E = 0 at k = 0); writes fig2-model-NAME.png/.pdf;
- ``symenh figure fig3 --model-file FILE --mu 60:200:5meV [--method quadrature|grid]``
  (:mod:`symenh.figures.fig3_file`): the paper's Fig. 3 layout, sigma_ENH^(T) and sigma_BCD (xyy),
  sigma_ENH^(PT) and sigma_INH (yxx) against mu with error bands and the two ratios, every component
  summed; writes fig3-model-NAME.png/.pdf/.csv (the CSV header names the file and its SHA-256).

Without --model-file fig2 and fig3 draw the paper's models exactly as before.  An option that does not
apply to the figure asked for (e.g. --mechanism with fig3, --mu without --model-file, --method with
fig2) is refused in one line, exit status 2.
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
#: the figures that draw a model file, and the options (besides --model-file) each takes with it
FILE_FIGURES = {"model": ("--mu", "--mechanism", "--method", "--valley", "--component"),
                "fig2": ("--mu", "--valley", "--component"),
                "fig3": ("--mu", "--method")}
#: the model-file options: flag -> attribute of the parsed arguments
FILE_OPTIONS = {"--model-file": "model_file", "--mu": "mu", "--mechanism": "mechanism", "--method": "method",
                "--valley": "valley", "--component": "component"}


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
                   help="figure model, fig2, fig3: the model file to draw (symenh.load_model); model: its levels, "
                        "Berry curvature and SBP maps (numeric kernel) and sigma(mu); fig2: its four SBP maps; "
                        "fig3: its ENH, BCD and INH conductivities against mu")
    p.add_argument("--mu", action="append", default=[], metavar="VALUE",
                   help="figure model, fig3 (required) and fig2 (optional: the first value chooses the level) "
                        "with --model-file: chemical potentials with their unit, e.g. 60:200:8meV (repeatable)")
    p.add_argument("--mechanism", action="append", default=[], choices=MECHANISMS,
                   help="figure model: the mechanisms of panel (d), repeatable (default bcd)")
    p.add_argument("--method", default=None, choices=METHODS,
                   help="figure model, fig3 with --model-file: the method of the conductivities (default "
                        "quadrature; grid for a lattice model)")
    p.add_argument("--valley", type=int, choices=(1, -1), default=None,
                   help="figure model, fig2 with --model-file: the component of the geometry panels by the "
                        "file's valley value")
    p.add_argument("--component", type=int, default=None, metavar="INDEX",
                   help="figure model, fig2 with --model-file: the component of the geometry panels (0-based; "
                        "default 0)")
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


def _check_file_options(args) -> None:
    """Refuse, in one line, a model-file option the figure asked for does not take (:data:`FILE_FIGURES`)."""
    given = [f for f, attr in FILE_OPTIONS.items() if getattr(args, attr) not in (None, [])]
    if args.name not in FILE_FIGURES:
        if given:
            raise CliError(f"{given[0]}: only for figure model, fig2 and fig3 (figure {args.name} draws the paper's "
                           "models; for a model file: symenh figure model|fig2|fig3 --model-file FILE)")
        return
    if args.model_file is None:
        if args.name == "model":
            raise CliError("--model-file: figure model draws a model file; give --model-file FILE")
        if given:
            raise CliError(f"{given[0]}: figure {args.name} takes it only with --model-file FILE (without, it draws "
                           "the paper's model)")
        return
    allowed = FILE_FIGURES[args.name]
    bad = [f for f in given if f != "--model-file" and f not in allowed]
    if bad:
        raise CliError(f"{bad[0]}: not an option of figure {args.name} --model-file (it takes "
                       f"{', '.join(allowed)})")
    if args.name == "fig2" and args.param:
        raise CliError(f"--param: figure fig2 --model-file draws the file's band geometry, which no --param enters "
                       f"(the file holds its parameters), got {args.param[0]!r}")
    if args.name in ("model", "fig3") and not args.mu:
        raise CliError(f"--mu: figure {args.name} --model-file needs chemical potentials, e.g. --mu 60:200:8meV")


def _file_options(args) -> dict:
    """The loaded file and the options of ``figure NAME --model-file``: mu (eV), and for model/fig2 the
    component of the geometry, for model/fig3 the method (and for model the mechanisms)."""
    from ..units import parse_quantities
    from .user_model import component, load

    loaded = load(args)
    out = {"loaded": loaded}
    allowed = FILE_FIGURES[args.name]
    if "--component" in allowed:
        index = 0
        if args.valley is not None or args.component is not None:
            model, _ = component(loaded, args.valley, args.component)
            index = loaded.components.index(model)
        out["component"] = index
    out["mu_eV"] = [x for text in args.mu for x in parse_quantities(text, "energy", "--mu")]
    if "--method" in allowed:
        out["method"] = args.method
    if "--mechanism" in allowed:
        out["mechanisms"] = tuple(args.mechanism or ("bcd",))
    if args.name != "fig2":
        out["convention"] = args.convention
    return out


def run(args) -> int:
    _check_file_options(args)
    if args.name in FILE_FIGURES and args.model_file is not None:
        paths = make_figure(args.name, Path(args.out), params_from(args), **_file_options(args))
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
