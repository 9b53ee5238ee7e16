"""Per-model numeric pieces of the grid path: numeric H, the tilt profile, and the
level-traced geometry on a chunk of k points (direct diagonalisation, no symbolic geometry).

Units: k in 1/nm, energies eV, velocities eV nm, tau(k) in 1/nm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ...kernels.direct import DEFAULT_DEGENERACY_TOL, band_geometry
from ...kernels.hamiltonian import NumericHamiltonian, param_vector, values_by_name
from ...models.base import SymbolicModel


@dataclass(frozen=True)
class ModelNumerics:
    """Numeric H, the tilt profile tau(k) = d(Tr H / N)/d alpha (1/nm) and its gradient (1/nm^2)."""

    model: SymbolicModel
    ham: NumericHamiltonian
    tau: object
    dtau: tuple

    @classmethod
    def build(cls, model: SymbolicModel) -> "ModelNumerics":
        return _numerics(model.source(), model)

    def tilt_profile(self, kx, ky, params):
        """tau(k) (1/nm) and [d_x tau, d_y tau] (1/nm^2) at k, broadcast to kx.shape."""
        t = np.broadcast_to(np.asarray(self.tau(kx, ky, *params), dtype=float), kx.shape)
        d = [np.broadcast_to(np.asarray(f(kx, ky, *params), dtype=float), kx.shape) for f in self.dtau]
        return t, d


_NUMERICS: dict = {}


def clear_numerics() -> None:
    """Forget the lambdified per-model numerics."""
    _NUMERICS.clear()


def _numerics(key: str, model: SymbolicModel) -> ModelNumerics:
    if key not in _NUMERICS:
        if model.tilt_symbol is None:
            raise ValueError("model: the grid path needs a model with a tilt_symbol")
        args = (*model.k, *model.params)
        tau_expr = sp.diff(model.identity_part(), model.tilt_symbol)
        tau = sp.lambdify(args, tau_expr, "numpy")
        dtau = tuple(sp.lambdify(args, sp.diff(tau_expr, ka), "numpy") for ka in model.k)
        _NUMERICS[key] = ModelNumerics(model, NumericHamiltonian.build(model), tau, dtau)
    return _NUMERICS[key]


def zero_tilt_values(model: SymbolicModel, values) -> tuple:
    """Parameter vector of ``model`` with the tilt symbol set to 0 (alpha = 0 spectrum)."""
    vals = values_by_name(values)
    vals[model.tilt_symbol.name] = 0.0
    return param_vector(model, vals)


# ---------------------------------------------------------------------------
# Geometry on a chunk of points, with level-traced Hellmann-Feynman velocities
# ---------------------------------------------------------------------------

def chunk_geometry(num: ModelNumerics, kx, ky, params0, degeneracy_tol=DEFAULT_DEGENERACY_TOL):
    """Band geometry at 1-D arrays of k (alpha = 0), plus level-traced band velocities.

    Returns (bg, vel) with ``bg`` a :class:`~symenh.kernels.direct.BandGeometry` and
    ``vel`` of shape (P, N, 2) in eV nm: ``d_c eps0`` of each band's level
    (Hellmann-Feynman ``Re <n|v^c|n>`` averaged over the degenerate level).
    """
    bg = band_geometry(num.model, kx, ky, dict(zip((p.name for p in num.model.params), params0)),
                       degeneracy_tol=degeneracy_tol, ham=num.ham)
    return bg, bg.velocity
