"""Shared command-line plumbing: one-line errors with exit status 2, --param, JSON output."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import SymenhError
from ..params import PARAM_NAMES, parse_params

#: exceptions that are the user's input errors: reported in one line, exit status 2
USER_ERRORS = (SymenhError,)

EXIT_USAGE = 2


class CliError(SymenhError):
    """A user error found by the command line itself."""


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line on stderr and exit status 2 (no usage dump)."""

    def error(self, message):  # noqa: D401 - argparse API
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def add_param_option(p: argparse.ArgumentParser) -> None:
    """The repeatable ``--param NAME=VALUE`` option shared by every model command."""
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="model parameter with its unit, repeatable; NAME in "
                        f"{{{', '.join(PARAM_NAMES)}}}, e.g. Delta=50meV v=4e5m/s tau=0.5ps "
                        "q_s=0.2/nm alpha_over_hbar_v=0.1")


def add_response_options(p: argparse.ArgumentParser) -> None:
    """Options shared by the conductivity commands: --model, --mechanism, --convention,
    --exchange-valleys, --param and --json (added after any command-specific ones)."""
    from ..models.paper import MODEL_NAMES
    from ..responses.spec import CONVENTIONS, EXCHANGE_VALLEYS, MECHANISMS

    p.add_argument("--model", required=True, choices=MODEL_NAMES)
    p.add_argument("--mechanism", required=True, choices=MECHANISMS)
    p.add_argument("--convention", default="consistent", choices=CONVENTIONS)
    p.add_argument("--exchange-valleys", default="same", choices=EXCHANGE_VALLEYS)
    add_param_option(p)
    p.add_argument("--json", action="store_true", help="print the JSON object (the only output format)")


def params_from(args):
    """Parameters from the parsed ``--param`` options (paper values by default)."""
    return parse_params(args.param)


def print_json(obj) -> None:
    """Print one JSON object on stdout."""
    json.dump(obj, sys.stdout, indent=None, allow_nan=False)
    sys.stdout.write("\n")


def fail(prog: str, message: str) -> int:
    """Print a one-line error to stderr and return exit status 2."""
    sys.stderr.write(f"{prog}: error: {message}\n")
    return EXIT_USAGE


def progress(message: str) -> None:
    """A progress line on stderr (stdout stays machine-readable)."""
    sys.stderr.write(f"[symenh] {message}\n")
    sys.stderr.flush()
