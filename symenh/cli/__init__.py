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


def _join_negative_values(argv):
    """Turn ``--mu -60meV`` into ``--mu=-60meV`` so argparse accepts negative values with units."""
    out = []
    i = 0
    while i < len(argv):
        tok = argv[i]
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
