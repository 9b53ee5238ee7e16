"""The ``symenh`` command line.

Each command lives in its own module with ``register(subparsers)`` adding a
sub-parser whose ``func(args) -> int`` runs it.  User errors (bad names, units,
values) print one line on stderr and exit with status 2; no traceback.
"""

from __future__ import annotations

import importlib
import re
import sys

from .common import USER_ERRORS, CliError, Parser, fail

#: command modules, in the order shown by --help
COMMANDS = ("reproduce", "figure", "geometry", "derive", "sigma", "asymptotics")

_NEG = re.compile(r"^-\.?\d")
#: options that take several values; they reach argparse as one token "--opt=v1 v2"
MULTI_VALUE = {"--k": 2}


def _join_negative_values(argv):
    """Let argparse accept negative values (``--mu -60meV``, ``--k -0.1 -1e-3``).

    A single-valued option followed by a negative value becomes ``--mu=-60meV``; a
    multi-valued option (:data:`MULTI_VALUE`) always becomes one token ``--k=KX KY``
    (also from ``--k=KX KY``), which its argparse ``type`` splits.
    """
    out = []
    i = 0
    while i < len(argv):
        tok = argv[i]
        name = tok.split("=", 1)[0]
        if name in MULTI_VALUE:
            vals = [tok.split("=", 1)[1]] if "=" in tok else []
            i += 1
            while len(vals) < MULTI_VALUE[name] and i < len(argv) and \
                    (not argv[i].startswith("-") or _NEG.match(argv[i])):
                vals.append(argv[i])
                i += 1
            out.append(f"{name}={' '.join(vals)}")
            continue
        if tok.startswith("--") and "=" not in tok and i + 1 < len(argv) and _NEG.match(argv[i + 1]):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def build_parser() -> Parser:
    parser = Parser(prog="symenh", description="Symbolic-numeric toolkit for the exchange nonlinear Hall effect.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"{__name__}.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}_cmd":
                raise
            continue
        mod.register(sub)
    return parser


def main(argv=None) -> int:
    argv = _join_negative_values(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2, one line already printed)
        return int(exc.code or 0)
    prog = f"symenh {args.command}"
    try:
        return int(args.func(args) or 0)
    except (CliError, *USER_ERRORS) as exc:
        return fail(prog, str(exc))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
