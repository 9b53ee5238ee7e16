"""``symenh geometry``: level-resolved band geometry at one k as one JSON object.

    symenh geometry --model pt-dirac --quantity sbp --k -0.1 0.2 --json
    symenh geometry --model tilted-dirac --valley -1 --quantity berry-curvature --k 0.05 0 --json

Keys and units: :func:`symenh.kernels.levels.geometry_levels` (the same numbers from Python).
"""

from __future__ import annotations

from ..geometry.symbolic import QUANTITIES
from ..kernels.levels import METHODS, geometry_levels
from ..models.paper import MODEL_NAMES
from .common import add_param_option, params_from, print_json

def _k_pair(text: str) -> tuple:
    """argparse type of ``--k``: two numbers in 1/nm (finiteness is checked by geometry_levels)."""
    import argparse

    parts = text.replace(",", " ").split()
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected two numbers KX KY (1/nm), got {text!r}")
    try:
        return tuple(float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"k components must be numbers (1/nm), got {text!r}") from None


def _valley(text: str) -> int:
    import argparse

    if text.strip() in ("1", "+1"):
        return 1
    if text.strip() == "-1":
        return -1
    raise argparse.ArgumentTypeError(f"must be 1 or -1, got {text!r}")


def register(sub) -> None:
    p = sub.add_parser("geometry", help="band geometry per energy level at one k (JSON)",
                       description="Band geometry of a paper model at one k, traced over each energy "
                                   "level; prints one JSON object.")
    p.add_argument("--model", required=True, choices=MODEL_NAMES)
    p.add_argument("--valley", type=_valley, default=None, metavar="{1,-1}",
                   help="valley xi (required for tilted-dirac, refused for pt-dirac)")
    p.add_argument("--quantity", required=True, choices=tuple(QUANTITIES))
    p.add_argument("--k", required=True, type=_k_pair, metavar="KX KY", dest="k",
                   help="crystal momentum in 1/nm, each |k_a| <= 1e3, e.g. --k -0.1 0.2")
    p.add_argument("--method", default="closed-form", choices=METHODS,
                   help="closed-form kernel (default) or direct diagonalisation")
    add_param_option(p)
    p.add_argument("--json", action="store_true", help="print the JSON object (the only output format)")
    p.set_defaults(func=run)


def run(args) -> int:
    result = geometry_levels(args.model, args.quantity, args.k, valley=args.valley,
                             params=params_from(args), method=args.method)
    print_json(result)
    return 0
