"""The ``symenh`` command line.

Each command lives in its own module with ``register(subparsers)`` adding a
sub-parser whose ``func(args) -> int`` runs it.  Exit status: 0 on success; 2 for a
user error (a :class:`~symenh.errors.SymenhError`: bad name, unit, value, type, a refused
request, a non-finite result), one line on stderr and no traceback; 130 when interrupted
(SIGINT / Ctrl-C), one line "symenh <command>: interrupted" on stderr.  Anything else
is a bug and shows its traceback.
"""

from __future__ import annotations

import importlib
import re
import sys

from ..threads import blas_threads
from .common import EXIT_INTERRUPTED, USER_ERRORS, CliError, Parser, fail

#: command modules, in the order shown by --help
COMMANDS = ("reproduce", "figure", "geometry", "derive", "sigma", "asymptotics", "noneq", "map")

_NEG = re.compile(r"^-\.?\d")
#: options that take several values; they reach argparse as one token "--opt=v1 v2"
MULTI_VALUE = {"--k": 2, "--field": 2}


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


def _version() -> str:
    from .. import __version__

    return f"symenh {__version__}"


def build_parser() -> Parser:
    parser = Parser(prog="symenh", description="Symbolic-numeric toolkit for the exchange nonlinear Hall effect.",
                    epilog="Exit status: 0 success; 2 bad input (one line on stderr); 130 interrupted.")
    parser.add_argument("--version", action="version", version=_version(), help="print 'symenh VERSION' and exit")
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


def _command_name(argv) -> str:
    """The sub-command in ``argv`` (for messages before argparse has run), or ''."""
    return next((tok for tok in argv if tok in COMMANDS), "")


def main(argv=None) -> int:
    """Run ``symenh ARGV``; returns the exit status (0, 2 or 130; see the module docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = " ".join(filter(None, ("symenh", _command_name(argv))))
    try:
        argv = _join_negative_values(argv)
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2, one line printed)
            return int(exc.code or 0)
        prog = f"symenh {args.command}"
        args.argv = argv
        try:
            with blas_threads():     # one BLAS thread per process (symenh/threads.py; SYMENH_BLAS_THREADS)
                return int(args.func(args) or 0)
        except (CliError, *USER_ERRORS) as exc:
            return fail(prog, str(exc))
    except KeyboardInterrupt:
        sys.stdout.flush()
        sys.stderr.write(f"{prog}: interrupted\n")
        sys.stderr.flush()
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
