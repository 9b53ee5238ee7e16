"""Numeric H(k) and dH/dk from a model's coefficient x matrix terms, vectorised over k.

Each scalar coefficient is lambdified on its own and contracted with its constant
matrix, so arrays of k of any shape broadcast.  Energies in eV, k in 1/nm,
velocities dH/dk in eV nm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..models.base import ModelError, SymbolicModel
from ..params import ParameterError


def values_by_name(values) -> dict:
    """{name: value} from a mapping of parameter values keyed by SymPy symbol or by name."""
    return {(k.name if isinstance(k, sp.Symbol) else str(k)): v for k, v in dict(values).items()}


def param_vector(model: SymbolicModel, values) -> tuple:
    """Numeric values of ``model.params`` in order (the model's units: eV, eV nm, ...), from a
    mapping keyed by symbol or name."""
    out = []
    by_name = values_by_name(values)
    for p in model.params:
        if p.name not in by_name:
            raise ModelError(f"params: missing a value for {p.name!r} (the model needs "
                             f"{', '.join(q.name for q in model.params)})")
        v = float(by_name[p.name])
        if not np.isfinite(v):
            raise ModelError(f"params: {p.name} must be finite, got {v}")
        out.append(v)
    return tuple(out)


def check_k(kx, ky):
    """Broadcast k arrays (1/nm) and refuse non-finite values with a clear error."""
    kx, ky = np.broadcast_arrays(np.asarray(kx, dtype=float), np.asarray(ky, dtype=float))
    if not (np.all(np.isfinite(kx)) and np.all(np.isfinite(ky))):
        raise ParameterError("k: every momentum component must be finite (1/nm)")
    return kx, ky


@dataclass(frozen=True)
class NumericHamiltonian:
    """H(k) and v^a(k) = dH/dk_a as vectorised callables.

    ``H(kx, ky, params)`` returns complex arrays of shape ``(*k.shape, N, N)``.
    """

    model: SymbolicModel
    _coeffs: tuple
    _dcoeffs: tuple
    _mats: np.ndarray
    _spin: np.ndarray
    _d2coeffs: tuple = ()

    @classmethod
    def build(cls, model: SymbolicModel) -> "NumericHamiltonian":
        args = (*model.k, *model.params)
        coeffs = tuple(sp.lambdify(args, c, "numpy") for c, _ in model.terms)
        dco = tuple(tuple(sp.lambdify(args, sp.diff(c, ka), "numpy") for c, _ in model.terms)
                    for ka in model.k)
        d2 = tuple(tuple(tuple(sp.lambdify(args, sp.diff(c, ka, kb), "numpy") for c, _ in model.terms)
                         for kb in model.k) for ka in model.k)
        mats = np.array([np.array(m.evalf(), dtype=complex) for _, m in model.terms])
        spin = np.array([np.array(s.evalf(), dtype=complex) for s in model.spin])
        return cls(model, coeffs, dco, mats, spin, d2)

    def _contract(self, funcs, kx, ky, params):
        kx, ky = check_k(kx, ky)
        vals = np.stack([np.broadcast_to(np.asarray(f(kx, ky, *params), dtype=float), kx.shape)
                         for f in funcs], axis=-1)
        return np.einsum("...i,ijk->...jk", vals, self._mats)

    def H(self, kx, ky, params) -> np.ndarray:
        """Bloch Hamiltonian in eV, shape (*k, N, N)."""
        return self._contract(self._coeffs, kx, ky, params)

    def velocity(self, a: int, kx, ky, params) -> np.ndarray:
        """v^a = dH/dk_a in eV nm, shape (*k, N, N)."""
        return self._contract(self._dcoeffs[a], kx, ky, params)

    def hessian(self, a: int, b: int, kx, ky, params) -> np.ndarray:
        """d^2 H / dk_a dk_b in eV nm^2, shape (*k, N, N) (zero for a model linear in k)."""
        return self._contract(self._d2coeffs[a][b], kx, ky, params)

    def spin(self) -> np.ndarray:
        """Spin operators (s^0..s^3) as an array of shape (4, N, N) (dimensionless)."""
        return self._spin
