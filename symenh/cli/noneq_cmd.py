"""``symenh noneq``: the nonequilibrium quantum geometry at one k as one JSON object (paper Eqs. 2-7).

    symenh noneq --model pt-dirac --quantity delta-berry-curvature --k 0.1 0.05 --field 1e5V/m 0V/m --mu 0.1eV --json
    symenh noneq --model tilted-dirac --valley 1 --quantity exchange-field --k 0 0 --field 1kV/cm 0kV/cm \\
                 --mu 100meV --temperature 20K --convention printed --json
    symenh noneq --model pt-dirac --quantity exchange-field --k 0.2 0 --field 1e5V/m 0V/m --mu 0.1eV \
                 --interaction screened-coulomb --json
    symenh noneq --model-file examples/models/warped_dirac.json --quantity delta-berry-curvature --k 0.1 0 \
                 --field 1e5V/m 0V/m --mu 0.1eV --json

Keys and units: :func:`symenh.noneq.levels.noneq_levels` (the same numbers from Python).  Every field
component carries its unit (V/m, kV/m, MV/m, V/cm, kV/cm, MV/cm, V/um, V/nm); the field must be
non-zero.  ``--temperature`` with its unit (K, mK; default 0K).  ``--interaction`` contact (default) or
screened-coulomb (a k-dependent exchange field; T = 0, exchange within the valley of k).
"""

from __future__ import annotations

import argparse
import time

from ..models.paper import MODEL_NAMES
from ..noneq.inputs import parse_field_component, parse_temperature
from ..noneq.levels import QUANTITIES, noneq_levels
from ..responses.spec import CONVENTIONS, EXCHANGE_VALLEYS
from ..units import parse_quantity
from .common import CliError, add_param_option, params_from, print_json
from .user_model import (
    add_component_option,
    add_model_choice,
    add_progress_option,
    component,
    load,
    model_entry,
    reporter,
)

#: the interactions ``--interaction`` offers (a user V(q) is for Python: ``noneq_state(interaction=...)``)
INTERACTIONS = ("contact", "screened-coulomb")


def _split(values) -> list:
    """The tokens of a multi-valued option: ``--k 0.1 0.2`` (two tokens) or ``--k=0.1 0.2`` (one token,
    as the top-level argv normalisation passes it)."""
    out = []
    for v in values:
        out.extend(str(v).replace(",", " ").split())
    return out


def _valley(text: str) -> int:
    if text.strip() in ("1", "+1"):
        return 1
    if text.strip() == "-1":
        return -1
    raise argparse.ArgumentTypeError(f"must be 1 or -1, got {text!r}")


def register(sub) -> None:
    p = sub.add_parser("noneq", help="nonequilibrium geometry at one k for a field E (JSON)",
                       description="Nonequilibrium density matrix, spin density, exchange field and the shifts "
                                   "of the Berry connection, curvature and quantum metric (paper Eqs. 2-7) at one "
                                   "k, per energy level; prints one JSON object.")
    add_model_choice(p, MODEL_NAMES, "a paper model: tilted-dirac (H_T, one valley: --valley) or pt-dirac (H_PT)")
    p.add_argument("--valley", type=_valley, default=None, metavar="{1,-1}",
                   help="valley xi (required for tilted-dirac, refused for pt-dirac; for --model-file: the value "
                        "of the file's valley symbol)")
    add_component_option(p)
    add_progress_option(p)
    p.add_argument("--quantity", required=True, metavar="QUANTITY",
                   help="one of " + ", ".join(QUANTITIES))
    p.add_argument("--k", required=True, nargs="+", metavar="K", help="KX KY in 1/nm, e.g. --k 0.1 -0.05")
    p.add_argument("--field", required=True, nargs="+", metavar="E",
                   help="EX EY, each with its unit, e.g. --field 1e5V/m 0V/m (also kV/cm, MV/m)")
    p.add_argument("--mu", required=True, help="chemical potential with its unit, e.g. 0.1eV or 100meV")
    p.add_argument("--temperature", default="0K", help="temperature with its unit (K, mK); default 0K")
    p.add_argument("--convention", default="consistent", choices=CONVENTIONS)
    p.add_argument("--exchange-valleys", default="same", choices=EXCHANGE_VALLEYS)
    p.add_argument("--interaction", default="contact", choices=INTERACTIONS,
                   help="V(q) of the exchange (Eq. 3), with the q_s of --param (default 0.2/nm) and eps_r = 1: "
                        "contact (the paper's V_0, U uniform in k; default) or screened-coulomb "
                        "(e^2/(2 eps_0 (q + q_s)), U a function of k; T = 0 only)")
    add_param_option(p)
    p.add_argument("--json", action="store_true", help="print the JSON object (the only output format)")
    p.set_defaults(func=run)


def _k_of(values):
    from ..errors import ParameterError

    parts = _split(values)
    if len(parts) != 2:
        raise ParameterError(f"--k: expected two numbers KX KY (1/nm), got {' '.join(parts)!r}")
    try:
        return tuple(float(x) for x in parts)
    except ValueError:
        raise ParameterError(f"--k: components must be numbers (1/nm), got {' '.join(parts)!r}") from None


def _field_of(values):
    from ..errors import ParameterError

    parts = _split(values)
    if len(parts) != 2:
        raise ParameterError(f"--field: expected two components EX EY with units (e.g. 1e5V/m 0V/m), got "
                             f"{' '.join(parts)!r}")
    E = [parse_field_component(x, "--field") for x in parts]
    if E[0] == 0 and E[1] == 0:
        raise ParameterError("--field: must be non-zero: its direction defines the nonequilibrium state (every "
                             "quantity is linear in E)")
    return E


def run(args) -> int:
    from ..errors import ResponseError

    if args.quantity not in QUANTITIES:
        raise ResponseError(f"--quantity: unknown quantity {args.quantity!r}; allowed: {', '.join(QUANTITIES)}")
    k = _k_of(args.k)
    E = _field_of(args.field)
    mu = parse_quantity(args.mu, "energy", "--mu")
    T = parse_temperature(args.temperature, "--temperature")
    loaded = load(args)
    if loaded is None:
        if args.component is not None:
            raise CliError("--component: only with --model-file (a paper model: --valley)")
        result = noneq_levels(args.model, args.quantity, k, E, mu, valley=args.valley, params=params_from(args),
                              convention=args.convention, temperature_K=T, exchange_valleys=args.exchange_valleys,
                              interaction=args.interaction)
    else:
        if args.exchange_valleys != "same":
            raise CliError("--exchange-valleys: 'all' is for the paper model tilted-dirac; the nonequilibrium state "
                           "of a model file's component takes its exchange within that component ('same')")
        model, label = component(loaded, args.valley, args.component)
        say = reporter(args)
        say(f"noneq: {args.quantity} of {label} at k = ({k[0]:g}, {k[1]:g}) /nm")
        t0 = time.perf_counter()
        result = noneq_levels(model, args.quantity, k, E, mu, params=params_from(args), convention=args.convention,
                              temperature_K=T, model_values=loaded.model_values, interaction=args.interaction)
        say(f"noneq: done in {time.perf_counter() - t0:.2f} s")
        result["model"] = model_entry(loaded, label)
        result["valley"] = args.valley
    print_json(result)
    return 0
