"""``symenh sigma``: the second-order conductivity tensor of one mechanism as JSON."""

from __future__ import annotations

from ..responses import api
from ..responses.spec import METHODS
from ..units import SIGMA_UNITS, parse_quantity
from .common import add_response_options, params_from, print_json


def register(sub) -> None:
    p = sub.add_parser("sigma", help=f"nonlinear Hall conductivity sigma^{{cab}} in {SIGMA_UNITS}")
    p.add_argument("--mu", action="append", required=True, metavar="VALUE",
                   help="chemical potential with an energy unit (100meV, 0.1eV, -60meV); repeatable")
    p.add_argument("--method", default="closed-form", choices=METHODS)
    add_response_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    params = params_from(args)
    mu = [parse_quantity(text, "energy", "--mu") for text in args.mu]
    result = api.sigma(args.model, args.mechanism, mu, method=args.method, convention=args.convention,
                       exchange_valleys=args.exchange_valleys, params=params)
    print_json(result.to_json())
    return 0
