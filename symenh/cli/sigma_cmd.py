"""``symenh sigma``: the second-order conductivity tensor of one mechanism as JSON.

    symenh sigma --model pt-dirac --mechanism enh-pt --mu 100meV --mu -60meV --json
    symenh sigma --model tilted-dirac --mechanism bcd --mu 50:300:26meV --method quadrature --json
"""

from __future__ import annotations

from ..params import MU_MAX_EV, check_mu
from ..responses import api
from ..responses.spec import METHODS
from ..units import SIGMA_UNITS, parse_quantities
from .common import METHOD_HELP, add_response_options, check_exchange_option, choices_help, params_from, print_json


def register(sub) -> None:
    p = sub.add_parser("sigma", help=f"nonlinear Hall conductivity sigma^{{cab}} in {SIGMA_UNITS}",
                       description=f"The second-order conductivity sigma^{{cab}} ({SIGMA_UNITS}; j^c = sigma^{{cab}} "
                                   "E^a E^b) of one mechanism at T = 0, linear order in the tilt, over a list of "
                                   "chemical potentials; prints one JSON object.",
                       epilog="Exit status: 0 success; 2 bad input (one line on stderr); 130 interrupted.")
    p.add_argument("--mu", action="append", required=True, metavar="VALUE",
                   help="chemical potential with an energy unit (100meV, 0.1eV, -60meV; 0 needs no unit), or an "
                        "inclusive range START:STOP:N<unit> (50:300:26meV: N points from START to STOP, like "
                        f"numpy.linspace); |mu| <= {MU_MAX_EV:g} eV; repeatable, the values are concatenated")
    p.add_argument("--method", default="closed-form", choices=METHODS,
                   help=choices_help("", {m: METHOD_HELP[m] for m in METHODS}))
    add_response_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    params = params_from(args)
    check_exchange_option(args)
    mu = check_mu([x for text in args.mu for x in parse_quantities(text, "energy", "--mu")], "--mu",
                  params.Delta_eV)
    result = api.sigma(args.model, args.mechanism, mu, method=args.method, convention=args.convention,
                       exchange_valleys=args.exchange_valleys, params=params)
    print_json(result.to_json())
    return 0
