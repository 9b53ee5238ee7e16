"""``symenh geometry``: level-resolved band geometry at one k as one JSON object.

    symenh geometry --model pt-dirac --quantity sbp --k -0.1 0.2 --json
    symenh geometry --model tilted-dirac --valley -1 --quantity berry-curvature --k 0.05 0 --json

Keys and units: :func:`symenh.kernels.levels.geometry_levels` (the same numbers from Python).
"""

from __future__ import annotations

from ..geometry.symbolic import QUANTITIES
from ..kernels.levels import METHODS, geometry_levels
from ..models.paper import MODEL_NAMES
from .common import Parser, add_param_option, params_from, print_json

_K_OPTION = "--k"
_K_SEP = " "


def _merge_k(argv: list) -> list:
    """Join ``--k KX KY`` (or ``--k=KX KY``, as the top-level parser passes negative
    values) into the single token ``--k=KX KY``, so that negative and exponent
    numbers (``-0.1``, ``-1e-3``) are never mistaken for options."""
    out = []
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok == _K_OPTION or tok.startswith(_K_OPTION + "="):
            vals = [tok.split("=", 1)[1]] if "=" in tok else []
            j = i + 1
            while len(vals) < 2 and j < len(argv) and not argv[j].startswith("--"):
                vals.append(argv[j])
                j += 1
            out.append(f"{_K_OPTION}={_K_SEP.join(vals)}")
            i = j
            continue
        out.append(tok)
        i += 1
    return out


class _KParser(Parser):
    """The ``geometry`` sub-parser: reads ``--k KX KY`` with possibly negative numbers."""

    def parse_known_args(self, args=None, namespace=None):
        return super().parse_known_args(_merge_k(list(args or [])), namespace)


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
    p.__class__ = _KParser
    p.add_argument("--model", required=True, choices=MODEL_NAMES)
    p.add_argument("--valley", type=_valley, default=None, metavar="{1,-1}",
                   help="valley xi (required for tilted-dirac, refused for pt-dirac)")
    p.add_argument("--quantity", required=True, choices=tuple(QUANTITIES))
    p.add_argument(_K_OPTION, required=True, type=_k_pair, metavar="KX KY", dest="k",
                   help="crystal momentum in 1/nm, e.g. --k -0.1 0.2")
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
