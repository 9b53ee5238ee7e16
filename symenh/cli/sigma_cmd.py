"""``symenh sigma``: the second-order conductivity tensor of one mechanism as JSON."""

from __future__ import annotations

from ..models.paper import MODEL_NAMES
from ..responses import api
from ..responses.spec import CONVENTIONS, EXCHANGE_VALLEYS, MECHANISMS, METHODS
from ..units import SIGMA_UNITS, parse_quantity
from .common import add_param_option, params_from, print_json


def register(sub) -> None:
    p = sub.add_parser("sigma", help=f"nonlinear Hall conductivity sigma^{{cab}} in {SIGMA_UNITS}")
    p.add_argument("--model", required=True, choices=MODEL_NAMES)
    p.add_argument("--mechanism", required=True, choices=MECHANISMS)
    p.add_argument("--mu", action="append", required=True, metavar="VALUE",
                   help="chemical potential with an energy unit (100meV, 0.1eV, -60meV); repeatable")
    p.add_argument("--method", default="closed-form", choices=METHODS)
    p.add_argument("--convention", default="consistent", choices=CONVENTIONS)
    p.add_argument("--exchange-valleys", default="same", choices=EXCHANGE_VALLEYS)
    add_param_option(p)
    p.add_argument("--json", action="store_true", help="print the JSON object (the only output format)")
    p.set_defaults(func=run)


def run(args) -> int:
    params = params_from(args)
    mu = [parse_quantity(text, "energy", "--mu") for text in args.mu]
    result = api.sigma(args.model, args.mechanism, mu, method=args.method, convention=args.convention,
                       exchange_valleys=args.exchange_valleys, params=params)
    print_json(result.to_json())
    return 0
