"""``symenh sigma``: the second-order conductivity tensor of one mechanism as JSON.

    symenh sigma --model pt-dirac --mechanism enh-pt --mu 100meV --mu -60meV --json
    symenh sigma --model tilted-dirac --mechanism bcd --mu 50:300:26meV --method quadrature --json
    symenh sigma --model pt-dirac --mechanism enh-pt --mu 100meV --interaction screened-coulomb \
        --exchange fock --param eps_r=4 --method quadrature --json
    symenh sigma --model pt-dirac --mechanism inh --mu 100meV --param T=77K --json
    symenh sigma --model tilted-dirac --mechanism bcd --mu 100meV --order exact --method quadrature --json
"""

from __future__ import annotations

from ..geometry.channels import CHANNEL_SETS
from ..params import MU_MAX_EV, check_mu
from ..responses import api
from ..responses.job import ORDERS
from ..responses.spec import METHODS, OCCUPATIONS
from ..units import SIGMA_UNITS, parse_quantities
from .common import METHOD_HELP, add_response_options, check_exchange_option, choices_help, params_from, print_json


def register(sub) -> None:
    p = sub.add_parser("sigma", help=f"nonlinear Hall conductivity sigma^{{cab}} in {SIGMA_UNITS}",
                       description=f"The second-order conductivity sigma^{{cab}} ({SIGMA_UNITS}; j^c = sigma^{{cab}} "
                                   "E^a E^b) of one mechanism over a list of chemical potentials, by default as in "
                                   "the paper (T = 0, linear order in the tilt, contact interaction, printed Eq. 3); "
                                   "prints one JSON object.",
                       epilog="Exit status: 0 success; 2 bad input (one line on stderr); 130 interrupted.")
    p.add_argument("--mu", action="append", required=True, metavar="VALUE",
                   help="chemical potential with an energy unit (100meV, 0.1eV, -60meV; 0 needs no unit), or an "
                        "inclusive range START:STOP:N<unit> (50:300:26meV: N points from START to STOP, like "
                        f"numpy.linspace); |mu| <= {MU_MAX_EV:g} eV; repeatable, the values are concatenated")
    p.add_argument("--method", default="closed-form", choices=METHODS,
                   help=choices_help("", {m: METHOD_HELP[m] for m in METHODS}))
    p.add_argument("--interaction", default="contact", choices=api.INTERACTION_NAMES,
                   help=choices_help("interaction V(q) of the exchange (ENH only; q in 1/nm, V in eV nm^2, divided "
                                     "by --param eps_r): ",
                                     {"contact": "the paper's V_0 = e^2/(4 pi eps_0 eps_r q_s) (default)",
                                      "screened-coulomb": "V(q) = e^2/(2 eps_0 eps_r (q + q_s)); needs --method "
                                                          "quadrature or grid"}))
    p.add_argument("--exchange", default="printed", choices=CHANNEL_SETS,
                   help=choices_help("exchange channels of Eq. 3 (ENH only): ",
                                     {"printed": "s^eta with weight 1, as printed (default)",
                                      "fock": "the complete Fock exchange (every channel of an orthonormal "
                                              "Hermitian basis); the JSON key channels lists each channel group"}))
    p.add_argument("--order", default="linear", choices=tuple(ORDERS),
                   help=choices_help("order in the tilt alpha: ",
                                     {"linear": "alpha d sigma/d alpha at alpha = 0 (default)",
                                      "exact": "sigma at the finite alpha (quadrature, grid)",
                                      "cubic": "linear plus the alpha^3 term alpha^3/6 d^3 sigma/d alpha^3 "
                                               "(closed form)"}))
    p.add_argument("--occupation", default="bare", choices=OCCUPATIONS,
                   help=choices_help("occupations of inh-full: ",
                                     {"bare": "relaxing towards f0(eps0) (default)",
                                      "field-corrected": "towards f0(eps0 + eps^(2)); inh-full then equals inh"}))
    add_response_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    params = params_from(args)
    check_exchange_option(args)
    mu = check_mu([x for text in args.mu for x in parse_quantities(text, "energy", "--mu")], "--mu",
                  params.Delta_eV)
    result = api.sigma(args.model, args.mechanism, mu, method=args.method, convention=args.convention,
                       exchange_valleys=args.exchange_valleys, params=params, interaction=args.interaction,
                       exchange=args.exchange, order=args.order, occupation=args.occupation)
    print_json(result.to_json())
    return 0
