"""Numeric kernels lambdified from the closed-form geometry, vectorised over k and parameters.

The symbolic step (:func:`symenh.geometry.derive_geometry`) and the numeric build
(:func:`build_kernel`) are kept apart; the generated NumPy source of every kernel
is kept on it (``GeometryKernel.source``) so it can be read when a number looks wrong.
Units: as :data:`symenh.units.GEOMETRY_UNITS`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from ..geometry.symbolic import QUANTITIES, SymbolicGeometry, derive_geometry
from ..models.base import ModelError, SymbolicModel
from .hamiltonian import check_k, param_vector


def flatten(value) -> list:
    """Row-major flat list of the leaves of a nested tuple/list (e.g. a geometry component tensor)."""
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in flatten(v)]
    return [value]


@dataclass(frozen=True)
class GeometryKernel:
    """Vectorised numeric evaluation of a :class:`SymbolicGeometry`.

    ``evaluate(quantity, kx, ky, values)`` returns an array of shape
    ``(*k, L, *component_shape)`` for the L levels (ascending at generic k).
    """

    geometry: SymbolicGeometry
    funcs: dict
    source: dict

    def evaluate(self, quantity: str, kx, ky, values) -> np.ndarray:
        """``quantity`` at k = (kx, ky) (1/nm, broadcast), parameter ``values`` in the model's
        units (eV, eV nm); result (*k, L, *components) in the units of
        :data:`symenh.units.GEOMETRY_UNITS` (paper Eqs. 5-7 for S, G, Omega, g)."""
        if quantity not in QUANTITIES:
            raise ModelError(f"quantity: unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
        kx, ky = check_k(kx, ky)
        params = param_vector(self.geometry.model, values)
        flat = self.funcs[quantity](kx, ky, *params)
        arr = np.stack([np.broadcast_to(np.asarray(x, dtype=float), kx.shape) for x in flat], axis=-1)
        return arr.reshape(kx.shape + (self.geometry.n_levels,) + self.geometry.shape(quantity))


def build_kernel(geometry: SymbolicGeometry) -> GeometryKernel:
    """Lambdify every level-traced quantity of ``geometry`` (one callable per quantity; args
    k_x, k_y in 1/nm then the model parameters; units of :data:`symenh.units.GEOMETRY_UNITS`)."""
    model = geometry.model
    args = (*model.k, *model.params)
    funcs, source = {}, {}
    for q in QUANTITIES:
        exprs = flatten(geometry.quantity(q))
        f = sp.lambdify(args, exprs, "numpy", cse=True)
        funcs[q] = f
        source[q] = inspect.getsource(f)
    return GeometryKernel(geometry, funcs, source)


@lru_cache(maxsize=32)
def kernel_for(model: SymbolicModel) -> GeometryKernel:
    """The numeric kernel of a model, derived (or loaded from the disk cache) once per process.

    ``kernel_for(model).evaluate(quantity, kx, ky, values)`` gives, for k in 1/nm and
    parameter values in eV / eV nm, an array of shape (*k, L, *components) per level:
    energy (eV), Berry curvature (nm^2, paper Eq. 6), quantum metric (nm^2), BCP G
    (nm^2/eV, Eq. 2), SBP S (nm/eV, Eq. 5), spin (1) -- the lambdified closed forms of
    :func:`symenh.geometry.derive_geometry`.
    """
    return build_kernel(derive_geometry(model))
