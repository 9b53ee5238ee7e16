"""Numeric kernels lambdified from the closed-form geometry, vectorised over k and parameters.

The symbolic step (:func:`symenh.geometry.derive_geometry`) and the numeric build
(:func:`build_kernel`) are kept apart; the generated NumPy source of every kernel
is kept on it (``GeometryKernel.source``) so it can be read when a number looks wrong.
Units: as :data:`symenh.units.GEOMETRY_UNITS`.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
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


class _LazyLambdas(Mapping):
    """quantity -> lambdified callable (or its generated source), built on first use.

    ``sp.lambdify`` of every quantity costs a few tenths of a second per model; a caller that
    needs one quantity (Fig. 2 needs only the SBP) should not pay for all of them."""

    def __init__(self, geometry: SymbolicGeometry):
        self._geometry = geometry
        self._built: dict = {}

    def build(self, quantity: str):
        if quantity not in self._built:
            model = self._geometry.model
            f = sp.lambdify((*model.k, *model.params), flatten(self._geometry.quantity(quantity)), "numpy",
                            cse=True)
            self._built[quantity] = (f, inspect.getsource(f))
        return self._built[quantity]

    def __getitem__(self, quantity):
        if quantity not in QUANTITIES:
            raise KeyError(quantity)
        return self.build(quantity)[0]

    def __iter__(self):
        return iter(QUANTITIES)

    def __len__(self):
        return len(QUANTITIES)


class _Sources(Mapping):
    """quantity -> generated NumPy source of its kernel (built with it, on first use)."""

    def __init__(self, lambdas: _LazyLambdas):
        self._lambdas = lambdas

    def __getitem__(self, quantity):
        if quantity not in QUANTITIES:
            raise KeyError(quantity)
        return self._lambdas.build(quantity)[1]

    def __iter__(self):
        return iter(QUANTITIES)

    def __len__(self):
        return len(QUANTITIES)


@dataclass(frozen=True)
class GeometryKernel:
    """Vectorised numeric evaluation of a :class:`SymbolicGeometry`.

    ``evaluate(quantity, kx, ky, values)`` returns an array of shape
    ``(*k, L, *component_shape)`` for the L levels (ascending at generic k).
    ``funcs[quantity]`` is the lambdified callable and ``source[quantity]`` its generated
    NumPy source; each is built the first time that quantity is used.
    """

    geometry: SymbolicGeometry
    funcs: Mapping
    source: Mapping

    def evaluate(self, quantity: str, kx, ky, values) -> np.ndarray:
        """``quantity`` at k = (kx, ky) (1/nm, broadcast), parameter ``values`` in the model's
        units (eV, eV nm); result (*k, L, *components) in the units of
        :data:`symenh.units.GEOMETRY_UNITS` (paper Eqs. 5-7 for S, G, Omega, g)."""
        if quantity not in QUANTITIES:
            raise ModelError(f"quantity: unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
        kx, ky = check_k(kx, ky)
        arr = self._raw(quantity, kx, ky, values)
        if self.sorted_levels or self.geometry.n_levels < 2:
            return arr
        # levels from SymPy's eigenvalues come in no particular order: sort them at every k
        order = np.argsort(self._raw("energy", kx, ky, values), axis=-1, kind="stable")
        idx = order.reshape(order.shape + (1,) * (arr.ndim - order.ndim))
        return np.take_along_axis(arr, idx, axis=kx.ndim)

    def degeneracy_at(self, kx, ky, values) -> np.ndarray:
        """(*k, L) int: the degeneracy of each level at each k, in the (ascending) order of
        :meth:`evaluate`."""
        kx, ky = check_k(kx, ky)
        degs = np.asarray(self.geometry.degeneracy, dtype=int)
        if self.sorted_levels or self.geometry.n_levels < 2:
            return np.broadcast_to(degs, kx.shape + degs.shape).copy()
        order = np.argsort(self._raw("energy", kx, ky, values), axis=-1, kind="stable")
        return degs[order]

    @property
    def sorted_levels(self) -> bool:
        """True when the closed-form levels are ascending at every k by construction (a Clifford
        model: levels t -+ E with E >= 0, both paper models and every two-band model)."""
        return _is_clifford(self.geometry.model)

    def _raw(self, quantity, kx, ky, values):
        params = param_vector(self.geometry.model, values)
        flat = self.funcs[quantity](kx, ky, *params)
        arr = np.stack([np.broadcast_to(np.asarray(x, dtype=float), kx.shape) for x in flat], axis=-1)
        return arr.reshape(kx.shape + (self.geometry.n_levels,) + self.geometry.shape(quantity))


@lru_cache(maxsize=64)
def _is_clifford(model: SymbolicModel) -> bool:
    from ..geometry.symbolic import _clifford_levels

    return _clifford_levels(model) is not None


def build_kernel(geometry: SymbolicGeometry) -> GeometryKernel:
    """The kernel of ``geometry``: every level-traced quantity lambdified (one callable per
    quantity, built on first use; args k_x, k_y in 1/nm then the model parameters; units of
    :data:`symenh.units.GEOMETRY_UNITS`)."""
    lambdas = _LazyLambdas(geometry)
    return GeometryKernel(geometry, lambdas, _Sources(lambdas))


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
