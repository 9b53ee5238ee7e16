"""Shared command-line plumbing: one-line errors with exit status 2, --param, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import sys

from ..errors import SymenhError
from ..params import PARAM_NAMES, parse_params

#: exceptions that are the user's input errors: reported in one line, exit status 2
USER_ERRORS = (SymenhError,)

EXIT_USAGE = 2
#: exit status after SIGINT (128 + 2, the shell's convention)
EXIT_INTERRUPTED = 130

#: what each mechanism is (the --mechanism help of every conductivity command)
MECHANISM_HELP = {
    "bcd": "Berry curvature dipole, DC form (Sodemann-Fu; tau-linear)",
    "inh": "intrinsic nonlinear Hall effect, Berry connection polarizability (BCP)",
    "enh-t": "exchange nonlinear Hall, T-even part, paper Eq. 10 (tau-linear)",
    "enh-pt": "exchange nonlinear Hall, PT-even part, paper Eq. 9",
    "inh-full": "full intrinsic second-order conductivity: INH plus the second-order band energy "
                "-(e^2/2) E.G.E (derivations/inh_full_intrinsic.py; not antisymmetric in c, a)",
}
#: what each method is (the --method help of symenh sigma)
METHOD_HELP = {
    "closed-form": "SymPy closed form, lambdified: exact, fast (paper models); the default; at T > 0 the factors "
                   "convolved with -df/dE (error estimate); contact interaction only",
    "quadrature": "adaptive Fermi-contour and Fermi-sea integrals at finite tilt, Richardson in alpha; "
                  "error estimate (~1e-12 relative); any interaction, T > 0 with the Fermi function",
    "grid": "brute-force k grid with eigh at small temperature, extrapolated to T -> 0 (at T > 0: at that T): "
            "the slow, independent reference; error estimate",
}


def choices_help(intro: str, table: dict) -> str:
    """``intro`` followed by "name: meaning" for every choice (argparse help text)."""
    return intro + "; ".join(f"{k}: {v}" for k, v in table.items())


class CliError(SymenhError):
    """A user error found by the command line itself."""


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line on stderr and exit status 2 (no usage dump)."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def add_param_option(p: argparse.ArgumentParser) -> None:
    """The repeatable ``--param NAME=VALUE`` option shared by every model command."""
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="model parameter with its unit, repeatable; NAME in "
                        f"{{{', '.join(PARAM_NAMES)}}}, e.g. Delta=50meV v=4e5m/s tau=0.5ps "
                        "q_s=0.2/nm alpha_over_hbar_v=0.1; eps_r=4 (relative permittivity, dimensionless, divides "
                        "every interaction; default 1); T=77K (temperature in K, or k_B T as an energy: T=6.6meV; "
                        "default 0)")


def add_response_options(p: argparse.ArgumentParser, mechanisms=None) -> None:
    """Options shared by the conductivity commands: --model or --model-file, --mechanism (one of ``mechanisms``,
    default every mechanism), --convention, --exchange-valleys, --param and --json (added after
    any command-specific ones)."""
    from ..models.paper import MODEL_NAMES
    from ..responses.spec import CONVENTIONS, EXCHANGE_VALLEYS, MECHANISMS

    mechanisms = MECHANISMS if mechanisms is None else tuple(mechanisms)
    from .user_model import add_model_choice

    add_model_choice(p, MODEL_NAMES, "tilted-dirac: H_T, two valleys (summed); pt-dirac: H_PT, four bands, one valley")
    p.add_argument("--mechanism", required=True, choices=mechanisms,
                   help=choices_help("", {m: MECHANISM_HELP[m] for m in mechanisms}))
    p.add_argument("--convention", default="consistent", choices=CONVENTIONS,
                   help="consistent (default): charge -e and H' = +e E.r throughout, ENH = -(printed Eqs. 9, 10); "
                        "printed: Eqs. 9 and 10 as printed")
    p.add_argument("--exchange-valleys", default="same", choices=EXCHANGE_VALLEYS,
                   help="exchange scope of the ENH mechanisms for tilted-dirac: same (default): k' in the valley "
                        "of k; all: both valleys (ENH(T) then vanishes); refused for pt-dirac (one valley)")
    add_param_option(p)
    p.add_argument("--json", action="store_true", help="print the JSON object (the only output format)")


def params_from(args):
    """Parameters from the parsed ``--param`` options (paper values by default)."""
    return parse_params(args.param)


def check_exchange_option(args, components=None) -> None:
    """``--exchange-valleys all`` only for a model with several valleys (CliError otherwise);
    ``components``: those of a model file (default: the paper model's)."""
    from ..models.paper import paper_valleys
    from ..responses.api import check_exchange_scope

    comps = paper_valleys(args.model) if components is None else components
    check_exchange_scope(comps, args.exchange_valleys, "--exchange-valleys")


def _first_non_finite(obj, where="") -> str | None:
    """The key path ("sigma[0][1][0][0]") of the first non-finite float in ``obj``, or None."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) else (where or "value")
    if isinstance(obj, dict):
        items = ((f"{where}.{k}" if where else str(k), v) for k, v in obj.items())
    elif isinstance(obj, (list, tuple)):
        items = ((f"{where}[{i}]", v) for i, v in enumerate(obj))
    else:
        return None
    for key, value in items:
        found = _first_non_finite(value, key)
        if found:
            return found
    return None


def print_json(obj) -> None:
    """Print one JSON object on stdout, only once all of it is known to be finite.

    The object is serialised to a string first (``allow_nan=False``); a NaN or infinity
    anywhere raises :class:`CliError` naming where it is, and nothing reaches stdout."""
    try:
        text = json.dumps(obj, indent=None, allow_nan=False)
    except ValueError:
        raise CliError(f"{_first_non_finite(obj) or 'result'}: the result is not finite with these inputs "
                       "(overflow or underflow); nothing printed") from None
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def fail(prog: str, message: str) -> int:
    """Print a one-line error to stderr and return exit status 2."""
    line = " ".join(str(message).split())   # one line, whatever the message holds
    sys.stderr.write(f"{prog}: error: {line}\n")
    return EXIT_USAGE


def progress(message: str) -> None:
    """A progress line on stderr (stdout stays machine-readable)."""
    sys.stderr.write(f"[symenh] {message}\n")
    sys.stderr.flush()
