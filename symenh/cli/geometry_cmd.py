"""``symenh geometry``: level-resolved band geometry at one k as one JSON object.

    symenh geometry --model pt-dirac --quantity sbp --k -0.1 0.2 --json
    symenh geometry --model tilted-dirac --valley -1 --quantity berry-curvature --k 0.05 0 --json
    symenh geometry --model-file examples/models/warped_dirac.json --quantity bcp --k 0.1 0 --json

Keys and units: :func:`symenh.kernels.levels.geometry_levels` (the same numbers from Python).
"""

from __future__ import annotations

from ..geometry.symbolic import QUANTITIES
from ..kernels.levels import METHODS, geometry_levels
from ..models.paper import MODEL_NAMES
from .common import CliError, add_param_option, params_from, print_json
from .user_model import (
    DEFAULT_GEOMETRY_TIMEOUT,
    add_component_option,
    add_model_choice,
    add_progress_option,
    add_timeout_options,
    component,
    load,
    model_entry,
    reporter,
)


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
                       description="Band geometry of a paper model or a model file at one k, traced over each energy "
                                   "level; prints one JSON object.")
    add_model_choice(p, MODEL_NAMES, "a paper model: tilted-dirac (H_T, one valley: --valley) or pt-dirac (H_PT)")
    p.add_argument("--valley", type=_valley, default=None, metavar="{1,-1}",
                   help="valley xi (required for tilted-dirac, refused for pt-dirac; for --model-file: the value "
                        "of the file's valley symbol)")
    add_component_option(p)
    p.add_argument("--quantity", required=True, choices=tuple(QUANTITIES))
    p.add_argument("--k", required=True, type=_k_pair, metavar="KX KY", dest="k",
                   help="crystal momentum in 1/nm, each |k_a| <= 1e3, e.g. --k -0.1 0.2")
    p.add_argument("--method", default="closed-form", choices=METHODS,
                   help="closed-form kernel (default) or direct diagonalisation")
    add_timeout_options(p, closed_form=False)
    add_progress_option(p)
    add_param_option(p)
    p.add_argument("--json", action="store_true", help="print the JSON object (the only output format)")
    p.set_defaults(func=run)


def user_levels(loaded, quantity: str, k, *, valley=None, index=None, method: str = "closed-form",
                timeout: float = DEFAULT_GEOMETRY_TIMEOUT, say=None) -> dict:
    """The ``symenh geometry`` JSON object of one component of a model file: the keys of
    :func:`~symenh.kernels.levels.geometry_levels`, "model" the file's entry.  ``closed-form``: the
    symbolic geometry derived under ``timeout`` seconds (a time-out is a one-line error naming
    ``--method direct``), lambdified; where its levels touch, and for ``direct``: direct
    diagonalisation (eigh), levels merged within the degeneracy tolerance and traced."""
    import numpy as np

    from ..errors import ModelError
    from ..geometry.symbolic import derive_geometry
    from ..geometry.timelimit import GeometryTimeout
    from ..kernels.direct import DEFAULT_DEGENERACY_TOL, band_geometry
    from ..kernels.lambdified import build_kernel
    from ..kernels.levels import check_k_point
    from ..params import ParameterError
    from ..units import GEOMETRY_UNITS

    if quantity not in QUANTITIES:
        raise ModelError(f"quantity: unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
    kx, ky = check_k_point(k)
    model, label = component(loaded, valley, index)
    values = {p: loaded.model_values[p.name] for p in model.params}
    tol = DEFAULT_DEGENERACY_TOL
    levels = None
    if method == "closed-form":
        try:
            geo = derive_geometry(model, timeout=timeout, progress=say)
        except GeometryTimeout as exc:
            raise ModelError(f"--geometry-timeout: {exc}; use --method direct (numeric, no SymPy) or raise "
                             "--geometry-timeout") from None
        kernel = build_kernel(geo)
        with np.errstate(all="ignore"):
            energies = np.asarray(kernel.evaluate("energy", kx, ky, values), dtype=float)
            data = np.asarray(kernel.evaluate(quantity, kx, ky, values))
        if np.all(np.isfinite(energies)) and np.all(np.isfinite(data)) and \
                (energies.size == 1 or np.min(np.diff(energies)) >= tol):
            levels = [(float(energies[n]), int(geo.degeneracy[n]), data[n]) for n in range(energies.size)]
    if levels is None:
        levels = band_geometry(model, np.float64(kx), np.float64(ky), values, degeneracy_tol=tol).levels(quantity)
    out = []
    for e, d, v in levels:
        v = np.asarray(v, dtype=float)
        if not (np.isfinite(e) and np.all(np.isfinite(v))):
            raise ParameterError(f"k: the {quantity} is not finite at k = ({kx:g}, {ky:g}) 1/nm with these "
                                 "parameters")
        out.append({"energy_eV": e, "degeneracy": d, "value": (v[1:] if quantity == "spin" else v).tolist()})
    return {"model": model_entry(loaded, label), "quantity": quantity, "valley": valley, "k_per_nm": [kx, ky],
            "units": GEOMETRY_UNITS[quantity], "levels": out}


def run(args) -> int:
    loaded = load(args)
    if loaded is not None:
        result = user_levels(loaded, args.quantity, args.k, valley=args.valley, index=args.component,
                             method=args.method, timeout=args.geometry_timeout or DEFAULT_GEOMETRY_TIMEOUT,
                             say=reporter(args) if args.progress else None)
    else:
        if args.component is not None:
            raise CliError("--component: only with --model-file (a paper model: --valley)")
        result = geometry_levels(args.model, args.quantity, args.k, valley=args.valley,
                                 params=params_from(args), method=args.method)
    print_json(result)
    return 0
