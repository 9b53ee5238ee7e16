"""``symenh sigma``: the second-order conductivity tensor of one mechanism as JSON.

    symenh sigma --model pt-dirac --mechanism enh-pt --mu 100meV --mu -60meV --json
    symenh sigma --model tilted-dirac --mechanism bcd --mu 50:300:26meV --method quadrature --json
    symenh sigma --model pt-dirac --mechanism enh-pt --mu 100meV --interaction screened-coulomb \
        --exchange fock --param eps_r=4 --method quadrature --json
    symenh sigma --model pt-dirac --mechanism inh --mu 100meV --param T=77K --json
    symenh sigma --model tilted-dirac --mechanism bcd --mu 100meV --order exact --method quadrature --json
    symenh sigma --model-file examples/models/tilted_dirac.json --mechanism bcd --mu 100meV --progress --json

With ``--model-file`` the "model" entry of the JSON is an object {name, file, sha256, components,
parameters (value, unit)} instead of the paper model's name; everything else is as for ``--model``.
"""

from __future__ import annotations

import time

from ..geometry.channels import CHANNEL_SETS
from ..params import MU_MAX_EV, check_mu
from ..responses import api
from ..responses.job import ORDERS
from ..responses.spec import METHODS, OCCUPATIONS
from ..units import SIGMA_UNITS, parse_quantities, parse_quantity
from .common import (
    METHOD_HELP,
    CliError,
    add_response_options,
    check_exchange_option,
    choices_help,
    params_from,
    print_json,
    progress,
)
from .user_model import (
    DEFAULT_CLOSED_FORM_TIMEOUT,
    add_progress_option,
    add_timeout_options,
    load,
    model_entry,
    reporter,
)


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
    p.add_argument("--k-cutoff", default=None, metavar="VALUE",
                   help="--model-file with --method quadrature: integrate the Fermi sea of enh-pt over |k| < "
                        "k_cutoff only (an inverse length, e.g. 5/nm), for a k.p model whose sea converges too "
                        "slowly; recorded with d sigma / d ln k_cutoff in meta")
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                   help="a path setting of symenh.sigma(**options), repeatable: a number or a comma-separated list "
                        "of numbers in the option's unit, e.g. rtol=1e-6 (quadrature), n_k=201 or "
                        "kT_fractions=0.083,0.067,0.056,0.048 (grid); the path checks the name and the range")
    add_progress_option(p)
    add_timeout_options(p, geometry=False)
    add_response_options(p)
    p.set_defaults(func=run)


def _user_options(args, loaded) -> dict:
    """The path options of a user model: progress (closed form, quadrature, grid), closed_form_timeout, k_cutoff."""
    opts = {}
    if args.progress and args.method in ("closed-form", "quadrature", "grid"):
        opts["progress"] = progress
    if args.closed_form_timeout is not None:
        if args.method != "closed-form":
            raise CliError(f"--closed-form-timeout: only with --method closed-form, not {args.method}")
        opts["closed_form_timeout"] = args.closed_form_timeout
    elif args.method == "closed-form":
        opts["closed_form_timeout"] = DEFAULT_CLOSED_FORM_TIMEOUT
    if args.k_cutoff is not None:
        if args.method != "quadrature":
            raise CliError(f"--k-cutoff: only with --method quadrature, not {args.method}")
        opts["k_cutoff"] = parse_quantity(args.k_cutoff, "inverse length", "--k-cutoff")
    return opts


#: the path options with a flag of their own
_OWN_FLAGS = {"progress": "--progress", "closed_form_timeout": "--closed-form-timeout", "k_cutoff": "--k-cutoff"}


def path_options(items) -> dict:
    """{name: float or tuple of floats} of ``--option NAME=VALUE`` (the path checks names and ranges)."""
    out = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise CliError(f"--option: expected NAME=VALUE (e.g. rtol=1e-6), got {item!r}")
        if name in _OWN_FLAGS:
            raise CliError(f"--option: {name} has its own flag, {_OWN_FLAGS[name]}")
        if name in out:
            raise CliError(f"--option: {name} given twice")
        try:
            vals = [float(x) for x in text.split(",")]
        except ValueError:
            raise CliError(f"--option: {name}: expected a number or a comma-separated list of numbers, "
                           f"got {text!r}") from None
        out[name] = vals[0] if "," not in text else tuple(vals)
        if len(vals) == 1 and vals[0].is_integer() and "." not in text and "e" not in text.lower():
            out[name] = int(vals[0])
    return out


def run(args) -> int:
    params = params_from(args)
    loaded = load(args)
    say = reporter(args)
    if loaded is None and args.k_cutoff is not None:
        raise CliError("--k-cutoff: only with --model-file (the paper models' seas converge; no cutoff is needed)")
    check_exchange_option(args, None if loaded is None else loaded.components)
    mu = check_mu([x for text in args.mu for x in parse_quantities(text, "energy", "--mu")], "--mu",
                  params.Delta_eV if loaded is None else None)
    model = args.model if loaded is None else loaded.model
    extra = path_options(args.option)
    if loaded is not None:
        extra.update(model_values=loaded.model_values, **_user_options(args, loaded))
    elif args.progress and args.method == "grid":      # the grid path's own lines (per mu, box, temperatures)
        extra["progress"] = progress
    say(f"sigma: {args.mechanism} of {args.model or loaded.name} by {args.method} at {len(mu)} mu value(s)")
    t0 = time.perf_counter()
    result = api.sigma(model, args.mechanism, mu, method=args.method, convention=args.convention,
                       exchange_valleys=args.exchange_valleys, params=params, interaction=args.interaction,
                       exchange=args.exchange, order=args.order, occupation=args.occupation, **extra)
    say(f"sigma: done in {time.perf_counter() - t0:.2f} s")
    obj = result.to_json()
    if loaded is not None:
        obj["model"] = model_entry(loaded)
    print_json(obj)
    return 0
