"""``--model-file FILE``: a user's model (:func:`symenh.load_model`) on the command line.

Shared by every command that takes a model: the ``--model`` / ``--model-file`` pair (exactly one),
``--progress`` (lines on stderr), ``--closed-form-timeout`` and ``--geometry-timeout`` (seconds), the
choice of one component (``--valley`` / ``--component``) where a command works on one Hamiltonian,
and the JSON "model" entry of a user model (its name, file and SHA-256).
"""

from __future__ import annotations

import argparse
import time

from .common import CliError, progress

#: --param names that set a paper model's Hamiltonian (a model file carries its own parameters)
PAPER_HAMILTONIAN_PARAMS = ("Delta", "v", "vx", "vy", "alpha_over_hbar_v")
#: default time limits (s): the closed-form conductivities (responses/user_closed_form.py) and the
#: symbolic geometry (kernels/numeric.py geometry_kernel)
DEFAULT_CLOSED_FORM_TIMEOUT = 60.0
DEFAULT_GEOMETRY_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0


def _seconds(text: str) -> float:
    try:
        value = float(text.strip().removesuffix("s"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"must be within 0 < seconds <= {MAX_TIMEOUT:g}, got {text!r}")
    return value


def add_model_choice(p, choices, help_model: str, *, required: bool = True) -> None:
    """``--model NAME`` (a paper model) or ``--model-file FILE`` (a user model), exactly one."""
    group = p.add_mutually_exclusive_group(required=required)
    group.add_argument("--model", choices=choices, help=help_model)
    group.add_argument("--model-file", metavar="FILE",
                       help="a user's model: a JSON (or .toml) model file (symenh.load_model; H in eV, k in 1/nm, "
                            "each parameter with its unit; examples in examples/models/); read, never executed")


def add_progress_option(p) -> None:
    p.add_argument("--progress", action="store_true",
                   help="progress lines on stderr (stdout stays one JSON object)")


def add_timeout_options(p, *, closed_form: bool = True, geometry: bool = True, closed_form_help: str | None = None) -> None:
    """``--closed-form-timeout`` (help: ``closed_form_help``, default the sigma command's) and
    ``--geometry-timeout``."""
    if closed_form:
        p.add_argument("--closed-form-timeout", type=_seconds, default=None, metavar="SECONDS",
                       help=closed_form_help or "--model-file with --method closed-form: time limit of the SymPy "
                            f"closed form (default {DEFAULT_CLOSED_FORM_TIMEOUT:g} s); on time-out one line naming "
                            "quadrature")
    if geometry:
        p.add_argument("--geometry-timeout", type=_seconds, default=None, metavar="SECONDS",
                       help="--model-file: time limit of the symbolic band geometry "
                            f"(default {DEFAULT_GEOMETRY_TIMEOUT:g} s); on time-out one line")


def reporter(args):
    """progress(msg) on stderr with --progress, else a no-op."""
    return progress if getattr(args, "progress", False) else (lambda msg: None)


def load(args):
    """The :class:`~symenh.models.model_file.LoadedModel` of ``--model-file``, or None for ``--model``.
    Refuses the paper-model options a model file replaces (the --param names of H, --valley where the
    file has no valleys is checked by :func:`component`)."""
    if getattr(args, "model_file", None) is None:
        for opt in ("closed_form_timeout", "geometry_timeout"):
            if getattr(args, opt, None) is not None:
                flag = "--" + opt.replace("_", "-")
                raise CliError(f"{flag}: only with --model-file (the paper models' closed forms are derived once "
                               "and cached)")
        return None
    from ..models.model_file import load_model

    given = [a.split("=", 1)[0].strip() for a in getattr(args, "param", [])]
    bad = [n for n in given if n in PAPER_HAMILTONIAN_PARAMS]
    if bad:
        raise CliError(f"--param: {bad[0]} sets a paper model's Hamiltonian; with --model-file the parameters "
                       "and their units are in the model file (--param still sets tau, q_s, eps_r, T)")
    say = reporter(args)
    t0 = time.perf_counter()
    loaded = load_model(args.model_file)
    say(f"model file {args.model_file}: {loaded.name}, {len(loaded.components)} component(s) "
        f"({', '.join(loaded.labels)}), {loaded.components[0].dim} bands, sha256 {loaded.sha256[:12]}, read in "
        f"{time.perf_counter() - t0:.2f} s")
    return loaded


def component(loaded, valley=None, index=None):
    """One component of a model file: by ``--valley`` (a file with a valley symbol: its value) or
    ``--component`` (0-based index); a single-component file needs neither."""
    comps = loaded.components
    if valley is not None:
        wanted = [i for i, lab in enumerate(loaded.labels) if lab.endswith(f"={int(valley):+d}]")]
        if not wanted:
            raise CliError(f"--valley: the model file {loaded.name} declares no valley {valley:+d}; its components: "
                           f"{', '.join(loaded.labels)} (use --component INDEX)")
        if index is not None and index != wanted[0]:
            raise CliError("--valley and --component select different components; give one of them")
        index = wanted[0]
    if index is None:
        if len(comps) > 1:
            raise CliError(f"--component: the model file has {len(comps)} components ({', '.join(loaded.labels)}); "
                           "choose one with --component INDEX (0-based) or --valley")
        index = 0
    if not 0 <= index < len(comps):
        raise CliError(f"--component: must be 0 .. {len(comps) - 1} for {loaded.name}, got {index}")
    return comps[index], loaded.labels[index]


def add_component_option(p) -> None:
    p.add_argument("--component", type=int, default=None, metavar="INDEX",
                   help="--model-file with several components: which one (0-based; or --valley for a file "
                        "with a valley symbol)")


def model_entry(loaded, label=None) -> dict:
    """The JSON "model" entry of a user model: name, file, sha256 (and the component, where one)."""
    entry = loaded.describe()
    if label is not None:
        entry["component"] = label
    return entry


def refuse(command: str, why: str, instead: str):
    """A one-line refusal of --model-file by a command that cannot take a user model."""
    raise CliError(f"--model-file: symenh {command} {why}; {instead}")


__all__ = ["add_component_option", "add_model_choice", "add_progress_option", "add_timeout_options", "component",
           "load", "model_entry", "refuse", "reporter"]
