"""``symenh asymptotics``: large-mu power and coefficient of a conductivity, as JSON.

sigma ~ C (mu / 1 eV)^p in A m / V^2 (raw element, T = 0, linear order in alpha),
derived from the closed forms by a SymPy series in 1/mu (:mod:`symenh.asymptotics`).
"""

from __future__ import annotations

from .common import add_response_options, check_exchange_option, params_from, print_json
from .user_model import refuse


def register(sub) -> None:
    p = sub.add_parser("asymptotics", help="large-mu leading power and coefficient of a conductivity",
                       description="Large-mu series sigma ~ C (mu / 1 eV)^p (A m / V^2) of every non-zero raw "
                                   "element of one mechanism, from the closed forms; prints one JSON object.",
                       epilog="Exit status: 0 success; 2 bad input (one line on stderr); 130 interrupted.")
    add_response_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import asymptotics as asy

    if args.model_file is not None:
        refuse("asymptotics", "expands the paper models' closed-form conductivities in 1/mu (their series are "
               "derived for H_T and H_PT only)", "for a model file run symenh sigma --model-file FILE --mu "
               "START:STOP:N<unit> at large mu (quadrature or grid) and read the power off the numbers")
    params = params_from(args)
    check_exchange_option(args)
    exps = asy.element_expansions(args.model, args.mechanism, params, args.convention, args.exchange_valleys)
    main = exps[asy.main_element(exps)]
    ratio = asy.ratio_expansion(args.model, params, args.convention)
    out = {"model": args.model, "mechanism": args.mechanism, **main.as_dict(),
           "convention": args.convention,
           "order": "linear in alpha", "mu_units": "eV (sigma ~ C (mu / 1 eV)^p)",
           "elements": {k: v.as_dict() for k, v in exps.items()},
           "ratio": {"of": ratio.mechanism, **ratio.as_dict()},
           "params": params.as_dict()}
    print_json(out)
    return 0
