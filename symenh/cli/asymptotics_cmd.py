"""``symenh asymptotics``: large-mu power and coefficient of a conductivity, as JSON.

sigma ~ C (mu / 1 eV)^p in A m / V^2 (raw element, T = 0, linear order in alpha), derived from the
closed forms by a SymPy series in 1/mu (:mod:`symenh.asymptotics`).

    symenh asymptotics --model pt-dirac --mechanism enh-pt --json
    symenh asymptotics --model-file examples/models/tilted_dirac.json --mechanism bcd --progress --json
    symenh asymptotics --model-file my_model.json --mechanism enh-pt --method numeric --mu-max 20eV --json

With ``--model-file`` (:mod:`symenh.asymptotics_user`): the same series when the model is two-level
with a Dirac-type dispersion and its closed form comes within ``--closed-form-timeout``
(``"method": "series"``), else a numeric large-mu analysis of the quadrature path
(``"method": "numeric"``: local log-log slopes at log-spaced mu, the power with its uncertainty,
refused in one line when the slope has not settled); a lattice model is refused in one line.  The
JSON keys are those of a paper model (``"model"`` is the file's entry {name, file, sha256,
components, parameters}; ``"ratio"`` may be null, ``"ratio_note"`` saying why), plus ``"method"``
and, for the numeric path, ``"energy_scale_eV"``, ``"note"`` (why not the series) and per element
``"uncertainty"`` {power, coefficient}, ``"power_estimate"`` and ``"samples"``.
"""

from __future__ import annotations

from ..asymptotics_user import METHODS
from ..units import parse_quantity
from .common import CliError, add_response_options, check_exchange_option, params_from, print_json, progress
from .user_model import DEFAULT_CLOSED_FORM_TIMEOUT, add_progress_option, add_timeout_options, load, model_entry

#: the analysis methods (--method)


def register(sub) -> None:
    p = sub.add_parser("asymptotics", help="large-mu leading power and coefficient of a conductivity",
                       description="Large-mu series sigma ~ C (mu / 1 eV)^p (A m / V^2) of every non-zero raw "
                                   "element of one mechanism, from the closed forms; prints one JSON object. "
                                   "With --model-file: the series where the model's closed form is available "
                                   "(two-level, Dirac-type dispersion, within --closed-form-timeout), else a numeric "
                                   "analysis of the quadrature at log-spaced mu (the power with its uncertainty); "
                                   "lattice models are refused (bounded bands: above the top band everything is "
                                   "filled).",
                       epilog="Exit status: 0 success; 2 bad input or a refusal (one line on stderr); 130 interrupted.")
    p.add_argument("--method", default="auto", choices=METHODS,
                   help="--model-file: auto (default): the series if the closed form is available, else numeric; "
                        "series: the series or a one-line refusal; numeric: the quadrature's local log-log slopes at "
                        "log-spaced mu. The paper models: the series (auto, series)")
    p.add_argument("--mu-min", default=None, metavar="VALUE",
                   help="--model-file, numeric: the lowest mu sampled, with an energy unit (default 10 x the model's "
                        "energy scale: the largest crossover energy of the terms of H, e.g. Delta)")
    p.add_argument("--mu-max", default=None, metavar="VALUE",
                   help="--model-file, numeric: the highest mu sampled (default 1000 x the energy scale, at most "
                        "1e4 eV); sampling stops earlier once the slope has settled")
    p.add_argument("--slope-tol", type=float, default=None, metavar="TOL",
                   help="--model-file, numeric: the largest uncertainty of the power accepted as settled (default "
                        "0.02); beyond it one line refusing")
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                   help="--model-file, numeric: a setting of the quadrature path (as symenh sigma --option), "
                        "repeatable, e.g. rtol=1e-10")
    p.add_argument("--no-ratio", action="store_true",
                   help="--model-file: skip the ENH / reference ratio (\"ratio\": null; the numeric path then "
                        "samples one mechanism only)")
    add_progress_option(p)
    add_timeout_options(p, geometry=False,
                        closed_form_help="--model-file: time limit of the SymPy closed form the series expands "
                                         f"(default {DEFAULT_CLOSED_FORM_TIMEOUT:g} s); on time-out --method auto "
                                         "goes numeric (saying why in \"note\"), --method series refuses in one line")
    add_response_options(p)
    p.set_defaults(func=run)


def _numeric_flags(args) -> dict:
    out = {}
    for flag in ("mu_min", "mu_max"):
        text = getattr(args, flag)
        if text is not None:
            out[flag] = parse_quantity(text, "energy", "--" + flag.replace("_", "-"))
    if args.slope_tol is not None:
        out["slope_tol"] = args.slope_tol
    if args.option:
        from .sigma_cmd import path_options

        out.update(path_options(args.option))
    return out


def run(args) -> int:
    from .. import asymptotics as asy

    loaded = load(args)
    params = params_from(args)
    if loaded is not None:
        return _run_user(args, loaded, params)
    used = [f for f, v in (("--mu-min", args.mu_min), ("--mu-max", args.mu_max), ("--slope-tol", args.slope_tol),
                           ("--no-ratio", args.no_ratio or None), ("--option", args.option or None)) if v is not None]
    if args.method == "numeric" or used:
        raise CliError(f"{used[0] if used else '--method numeric'}: only with --model-file (the paper models' series "
                       "are exact)")
    check_exchange_option(args)
    exps = asy.element_expansions(args.model, args.mechanism, params, args.convention, args.exchange_valleys)
    main = exps[asy.main_element(exps)]
    ratio = asy.ratio_expansion(args.model, params, args.convention)
    out = {"model": args.model, "mechanism": args.mechanism, **main.as_dict(),
           "convention": args.convention,
           "order": "linear in alpha", "mu_units": "eV (sigma ~ C (mu / 1 eV)^p)",
           "elements": {k: v.as_dict() for k, v in exps.items()},
           "ratio": {"of": ratio.mechanism, **ratio.as_dict()},
           "params": params.as_dict(), "method": "series"}
    print_json(out)
    return 0


def _run_user(args, loaded, params) -> int:
    from ..asymptotics_user import analyse

    check_exchange_option(args, loaded.components)
    numeric = _numeric_flags(args)
    if args.method == "series" and numeric:
        first = next(iter(numeric))
        flag = f"--{first.replace('_', '-')}" if first in ("mu_min", "mu_max", "slope_tol") else "--option"
        raise CliError(f"{flag}: only with --method numeric or auto (the series is exact)")
    timeout = DEFAULT_CLOSED_FORM_TIMEOUT if args.closed_form_timeout is None else args.closed_form_timeout
    res = analyse(loaded, args.mechanism, params=params, convention=args.convention, exchange=args.exchange_valleys,
                  method=args.method, closed_form_timeout=timeout, ratio=not args.no_ratio,
                  progress=progress if args.progress else None, **numeric)
    main = res.expansions[res.main]
    r = res.ratio
    out = {"model": model_entry(loaded), "mechanism": args.mechanism, **main.as_dict(),
           "convention": args.convention,
           "order": "linear in alpha", "mu_units": "eV (sigma ~ C (mu / 1 eV)^p)",
           "elements": {k: v.as_dict() for k, v in res.expansions.items()},
           "ratio": None if r is None else {"of": r.mechanism, **r.as_dict()},
           "params": params.as_dict(), "method": res.method}
    if r is None:
        out["ratio_note"] = "not asked (--no-ratio)" if args.no_ratio else res.ratio_note
    if res.method == "numeric":
        out["energy_scale_eV"] = res.energy_scale_eV
        out["note"] = res.note
    print_json(out)
    return 0
