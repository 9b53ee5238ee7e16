"""``symenh map``: sigma^{cab} over a map of parameters, written as netCDF (xarray, h5netcdf).

    symenh map --model tilted-dirac --mechanism enh-t --mechanism bcd \\
        --axis mu=0.05:0.3:101eV --axis q_s=0.05:2:40/nm --log --out map.nc
    symenh map --model pt-dirac --mechanism enh-pt --method quadrature --axis mu=0.06:0.3:20eV \\
        --axis tau=0.1,0.5,1ps --executor dask --scheduler tcp://head:8786 --out map.nc --json

Needs ``pip install symenh[maps]``.  A progress bar on stderr; finished chunks kept in
FILE.nc.parts/ until FILE.nc is written, so a killed run continues with ``--resume``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..geometry.channels import CHANNEL_SETS
from ..models.paper import MODEL_NAMES
from ..responses.api import INTERACTION_NAMES
from ..responses.job import ORDERS
from ..responses.spec import CONVENTIONS, EXCHANGE_VALLEYS, MECHANISMS, METHODS, OCCUPATIONS
from .common import MECHANISM_HELP, METHOD_HELP, CliError, add_param_option, choices_help, params_from, print_json
from .user_model import add_model_choice, load

EXECUTOR_HELP = {"auto": "serial, or processes when the estimated serial time exceeds 20 s (the default)",
                 "serial": "one point after another in this process",
                 "processes": "local worker processes (--workers, default all CPUs)",
                 "dask": "a dask.distributed cluster: --scheduler ADDRESS, or a LocalCluster of --workers processes"}


class _Axis(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        items = list(getattr(namespace, self.dest) or [])
        items.append([values, False])
        setattr(namespace, self.dest, items)


class _Log(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        items = getattr(namespace, "axis", None)
        if not items:
            parser.error("--log: give it after the --axis START:STOP:N it makes log-spaced")
        items[-1][1] = True


def register(sub) -> None:
    p = sub.add_parser("map", help="sigma^{cab} over a map of parameters (netCDF; needs symenh[maps])",
                       description="The second-order conductivity sigma^{cab} (A m / V^2) over the product of the "
                                   "axes, as an xarray Dataset written to netCDF: sigma, sigma_symmetrized, "
                                   "error_estimate, coordinates with units, every setting in the attributes.",
                       epilog="Exit status: 0 success (failed points are NaN, named in one warning line and in the "
                              "file); 2 bad input (one line on stderr); 130 interrupted (finished chunks kept: "
                              "--resume).")
    add_model_choice(p, MODEL_NAMES, "tilted-dirac: H_T, two valleys (summed); pt-dirac: H_PT, four bands, one valley")
    p.add_argument("--mechanism", required=True, action="append", choices=MECHANISMS,
                   help=choices_help("repeatable (several: a mechanism dimension); ",
                                     {m: MECHANISM_HELP[m] for m in MECHANISMS}))
    p.add_argument("--axis", required=True, action=_Axis, metavar="NAME=SPEC",
                   help="an axis with its unit, repeatable: mu=0.05:0.3:101eV (START:STOP:N, ends included), "
                        "T=0,10,100,300K (a list; the last unit applies to bare values), Delta=50meV (one value); "
                        "NAME: mu or mu_over_Delta (exactly one of them; evaluated as an array) or a --param name")
    p.add_argument("--log", nargs=0, action=_Log, help="the preceding --axis START:STOP:N is log-spaced")
    p.add_argument("--method", default="closed-form", choices=METHODS,
                   help=choices_help("", {m: METHOD_HELP[m] for m in METHODS}))
    p.add_argument("--convention", default="consistent", choices=CONVENTIONS,
                   help="consistent (default): charge -e and H' = +e E.r throughout; printed: Eqs. 9, 10 as printed")
    p.add_argument("--exchange-valleys", default="same", choices=EXCHANGE_VALLEYS,
                   help="exchange scope of the ENH mechanisms for tilted-dirac: same (default) or all")
    p.add_argument("--interaction", default="contact", choices=INTERACTION_NAMES,
                   help="interaction V(q) of the exchange, as for symenh sigma: contact (default, V_0 = "
                        "e^2/(4 pi eps_0 eps_r q_s)) or screened-coulomb (quadrature, grid)")
    p.add_argument("--exchange", default="printed", choices=CHANNEL_SETS,
                   help="exchange channels of Eq. 3, as for symenh sigma: printed (default) or fock")
    p.add_argument("--order", default="linear", choices=tuple(ORDERS),
                   help="order in the tilt, as for symenh sigma: linear (default), exact, cubic")
    p.add_argument("--occupation", default="bare", choices=OCCUPATIONS,
                   help="occupations of inh-full, as for symenh sigma: bare (default) or field-corrected")
    add_param_option(p)
    p.add_argument("--executor", default="auto", choices=tuple(EXECUTOR_HELP),
                   help=choices_help("", EXECUTOR_HELP) + "; the numbers are the same bit for bit")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="worker processes (processes, dask)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="address of a running dask scheduler (e.g. tcp://head:8786; implies --executor dask)")
    p.add_argument("--scheduler-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="how long to wait for --scheduler to answer (default 10 s)")
    p.add_argument("--chunk-points", type=int, default=None, metavar="N",
                   help="points per chunk, the unit of work and of --resume (default: 1; the closed form: all)")
    p.add_argument("--out", default=None, metavar="FILE.nc", help="write the dataset as netCDF (h5netcdf)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run from FILE.nc.parts/ (refused if any setting differs)")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def _check_numbers(args) -> None:
    if args.workers is not None and args.workers < 1:
        raise CliError(f"--workers: must be a positive number of processes, got {args.workers}")
    if args.chunk_points is not None and args.chunk_points < 1:
        raise CliError(f"--chunk-points: must be a positive number of points, got {args.chunk_points}")
    if not 0 < args.scheduler_timeout <= 3600:
        raise CliError(f"--scheduler-timeout: must be within 0 < seconds <= 3600, got {args.scheduler_timeout:g}")
    if args.out is None and not args.json:
        raise CliError("--out: give --out FILE.nc (the map as netCDF) and/or --json (a summary)")
    if args.resume and args.out is None:
        raise CliError("--resume: needs --out FILE.nc (the finished chunks are kept beside it)")
    if args.out is not None and not Path(args.out).parent.is_dir():
        raise CliError(f"--out: folder {Path(args.out).parent} does not exist")


def run(args) -> int:
    from ..maps import failure_line, make_spec, parse_axis, require
    from ..maps.dataset import summary, to_dataset, write_netcdf
    from ..maps.run import compute
    from ..maps.store import parts_dir

    model = args.model
    if args.model_file is not None:   # a user's model: its bytes travel with the map (symenh.maps.ModelFile)
        from ..maps import ModelFile

        load(args)                    # one-line refusal of a bad file and of the paper-Hamiltonian --param names
        model = ModelFile.from_path(args.model_file)
    _check_numbers(args)
    require("xarray", "symenh map")
    if args.out is not None:
        require("h5netcdf", "symenh map --out")
        require("h5py", "symenh map --out (h5netcdf's backend)")
    if not args.no_progress:
        require("tqdm", "symenh map's progress bar")
    axes = [parse_axis(text, log) for text, log in args.axis]
    spec = make_spec(model, args.mechanism, axes, method=args.method, params=params_from(args),
                     convention=args.convention, exchange_valleys=args.exchange_valleys,
                     interaction=args.interaction, exchange=args.exchange, order=args.order,
                     occupation=args.occupation)
    store = parts_dir(args.out) if args.out is not None else None
    result = compute(spec, executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                     scheduler_timeout=args.scheduler_timeout, store=store, resume=args.resume,
                     chunk_points=args.chunk_points, progress=not args.no_progress)
    if result.failures:
        sys.stderr.write(f"symenh map: warning: {' '.join(failure_line(result).split())}\n")
        sys.stderr.flush()
    ds = to_dataset(result, created_by="symenh map")
    if args.out is not None:
        write_netcdf(ds, args.out)
        import shutil

        shutil.rmtree(store, ignore_errors=True)
    if args.json:
        print_json(summary(ds, args.out, result.executor, result.elapsed_s, result.resumed_points))
    return 0
