"""Level-resolved band geometry of the paper's models at one k, as a JSON-ready dict.

This is the Python face of ``symenh geometry`` (same numbers, same keys)::

    >>> from symenh.kernels.levels import geometry_levels
    >>> geometry_levels("pt-dirac", "sbp", (0.1, -0.05))["levels"][1]["value"]   # doctest: +SKIP

One entry per distinct energy level, ascending, each quantity traced over the
level's degenerate subspace (physics.md 2).  Units (:data:`symenh.units.GEOMETRY_UNITS`):

==================  =====================  ============
quantity            shape of ``value``     unit
==================  =====================  ============
energy              number                 eV
sbp                 [eta 0..3][a x,y]      nm/eV  (paper Eq. 5)
bcp                 [a][b]                 nm^2/eV
berry-curvature     number (z component)   nm^2
quantum-metric      [a][b]                 nm^2
spin                [eta 1..3]             dimensionless
==================  =====================  ============

The closed-form kernel (:func:`symenh.kernels.kernel_for`) is used by default.  Where
two of its levels come within the degeneracy tolerance (a band touching, e.g. k = 0
at Delta = 0) or a value is not finite, the direct-diagonalisation path
(:func:`symenh.kernels.band_geometry`), which merges such levels and traces over
them, answers instead; ``method="direct"`` always uses it.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..errors import InputTypeError
from ..geometry.symbolic import QUANTITIES
from ..models.base import ModelError
from ..models.paper import MODEL_NAMES, paper_model
from ..params import PAPER, Parameters, ParameterError, check_real
from ..units import GEOMETRY_UNITS
from .direct import DEFAULT_DEGENERACY_TOL, band_geometry
from .lambdified import kernel_for

#: evaluation paths accepted by :func:`geometry_levels`
METHODS = ("closed-form", "direct")
#: largest |k_x|, |k_y| accepted (1/nm): far beyond any continuum model's validity, and small
#: enough that the levels (|E| <= 1e5 eV at the largest velocity) keep their degeneracies
#: within the direct path's tolerance (1e-8 eV)
K_MAX_PER_NM = 1e3


def check_k_point(k) -> tuple[float, float]:
    """(kx, ky) in 1/nm as floats: two real numbers, finite, each |k_a| <= :data:`K_MAX_PER_NM`.

    Raises :class:`ParameterError` (InputTypeError for wrong types: strings, complex, bool)
    naming ``k``."""
    if isinstance(k, (str, bytes)) or not hasattr(k, "__len__") or len(k) != 2:
        raise InputTypeError(f"k: expected two real numbers (k_x, k_y) in 1/nm, got {k!r}"[:160])
    kx, ky = (check_real(x, "k", "1/nm") for x in k)
    if max(abs(kx), abs(ky)) > K_MAX_PER_NM:
        raise ParameterError(f"k: each component must satisfy |k| <= {K_MAX_PER_NM:g} 1/nm, got ({kx:g}, {ky:g})")
    return kx, ky


def check_valley(valley) -> int | None:
    """None, or the int +1 / -1 (numpy integers accepted; bool, float and str refused)."""
    if valley is None:
        return None
    if isinstance(valley, (bool, np.bool_)) or not isinstance(valley, numbers.Integral):
        raise InputTypeError(f"valley: must be the integer +1 or -1 (or None), got {valley!r}")
    return int(valley)


def _component_value(quantity: str, value: np.ndarray):
    """The JSON value of one level: drops the trivial eta = 0 spin component."""
    if quantity == "spin":
        value = value[1:]
    return np.asarray(value, dtype=float).tolist()


def _closed_form(model, quantity, kx, ky, values, tol):
    """[(energy, degeneracy, value)] from the lambdified closed form, or None if unusable here."""
    kernel = kernel_for(model)
    try:
        with np.errstate(all="ignore"):   # 0/0 at a band touching is caught just below
            energies = kernel.evaluate("energy", kx, ky, values)
            data = kernel.evaluate(quantity, kx, ky, values)
    except ZeroDivisionError:
        return None
    if not (np.all(np.isfinite(energies)) and np.all(np.isfinite(data))):
        return None
    if energies.size > 1 and np.min(np.diff(energies)) < tol:   # touching or unordered levels
        return None
    degs = kernel.geometry.degeneracy
    return [(float(energies[n]), int(degs[n]), data[n]) for n in range(energies.size)]


def _direct(model, quantity, kx, ky, values, tol):
    bg = band_geometry(model, np.float64(kx), np.float64(ky), values, degeneracy_tol=tol)
    return bg.levels(quantity)


def geometry_levels(model_name: str, quantity: str, k, valley: int | None = None,
                    params: Parameters = PAPER, method: str = "closed-form") -> dict:
    """Band geometry of the paper model ``model_name`` at one k, per energy level.

    Parameters
    ----------
    model_name : ``"tilted-dirac"`` (H_T) or ``"pt-dirac"`` (H_PT).
    quantity : one of ``energy, sbp, bcp, berry-curvature, quantum-metric, spin``.
    k : (k_x, k_y) in 1/nm: two real numbers, |k_a| <= 1e3 / nm.
    valley : the int +1 or -1 for tilted-dirac (required); must be None for pt-dirac.
    params : :class:`~symenh.params.Parameters` (paper values by default).
    method : ``"closed-form"`` (default; falls back to direct diagonalisation where
        levels touch) or ``"direct"``.

    Returns
    -------
    ``{"model", "quantity", "valley", "k_per_nm": [kx, ky], "units",
    "levels": [{"energy_eV", "degeneracy", "value"}, ...]}`` with levels in
    ascending energy and ``value`` traced over each level (shapes: module docstring).

    Raises :class:`~symenh.models.ModelError` (unknown model/quantity/method,
    missing or refused valley), :class:`~symenh.params.ParameterError` (k out of range) or
    :class:`~symenh.errors.InputTypeError` (k, valley or params of the wrong type).
    """
    for arg, value in (("model", model_name), ("quantity", quantity), ("method", method)):
        if not isinstance(value, str):
            raise InputTypeError(f"{arg}: must be a name (str), got {type(value).__name__}")
    if model_name not in MODEL_NAMES:
        raise ModelError(f"model: unknown model {model_name!r}; allowed: {', '.join(MODEL_NAMES)}")
    if quantity not in QUANTITIES:
        raise ModelError(f"quantity: unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
    if method not in METHODS:
        raise ModelError(f"method: unknown method {method!r}; allowed: {', '.join(METHODS)}")
    if not isinstance(params, Parameters):
        raise InputTypeError(f"params: expected a symenh.Parameters, got {type(params).__name__}")
    kx, ky = check_k_point(k)
    valley = check_valley(valley)
    model = paper_model(model_name, valley)
    values = params.symbol_values()
    tol = DEFAULT_DEGENERACY_TOL
    levels = None
    if method == "closed-form":
        levels = _closed_form(model, quantity, kx, ky, values, tol)
    if levels is None:
        levels = _direct(model, quantity, kx, ky, values, tol)
    if not all(np.isfinite(e) and np.all(np.isfinite(np.asarray(v, dtype=float))) for e, _, v in levels):
        raise ParameterError(f"k: the {quantity} is not finite at k = ({kx:g}, {ky:g}) 1/nm with these parameters")
    return {
        "model": model_name,
        "quantity": quantity,
        "valley": None if valley is None else int(valley),
        "k_per_nm": [kx, ky],
        "units": GEOMETRY_UNITS[quantity],
        "levels": [{"energy_eV": e, "degeneracy": d, "value": _component_value(quantity, np.asarray(v))}
                   for e, d, v in levels],
    }
