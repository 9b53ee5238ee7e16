r"""The nonequilibrium exchange field U^eta_k(E) of paper Eq. 3, as one assembly for every interaction.

Derived in ``derivations/eq9_eq10_from_eq2_eq3_eq8.py`` (step A; V(k' - k) is an independent symbol for
every pair of k points there, so it holds for a q-dependent V) with delta rho the response to
H' = sgn e E.r (sgn = +1 consistent, -1 for Eq. 2 as printed):

    U^eta(k) = U^eta_W(k) + U^eta_Y(k),
    U^eta_W(k) = -sgn e E^b W^{eta b}(k)            (interband part of Eq. 2: Fermi sea)
    U^eta_Y(k) = -sgn (tau/hbar) e E^b Y^{eta b}(k)  (intraband part of Eq. 2: Fermi surface)

    W^{eta b}(k) = int d^2k'/(2 pi)^2 V(k - k') sum_n f_n(k') S^{eta b}_n(k')      (nm)
    Y^{eta b}(k) = int d^2k'/(2 pi)^2 V(k - k') sum_n <s^eta>_n(k') d_b f_n(k')    (eV nm)

(physics.md 6; e E in eV/nm, tau/hbar in 1/eV, U in eV).  Any object with the
:class:`ExchangeFields` interface plugs in: ``at(kx, ky)`` returns W, Y and their k-gradients at
arrays of k.  The contact interaction V = V_0 (eV nm^2) is the uniform special case,
:class:`UniformExchange` with W = V_0 B, Y = V_0 C (:mod:`symenh.noneq.factors`) and zero gradients;
a q-dependent V(q) gives k-dependent fields through the same :func:`exchange_field`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..errors import ResponseError
from ..interactions import Interaction
from ..models.base import SymbolicModel
from .factors import FermiFactors, fermi_factors


@dataclass(frozen=True)
class UniformExchange:
    """k-independent exchange fields (contact interaction): ``W`` (n_ops, 2) in nm, ``Y`` (n_ops, 2) in
    eV nm, with absolute error estimates; ``factors``: the B, C integrals per component they came from;
    ``interaction``: the JSON description of V."""

    W: np.ndarray
    Y: np.ndarray
    W_error: float
    Y_error: float
    factors: tuple = field(default=(), repr=False)
    interaction: dict = field(default_factory=dict)
    uniform: bool = True

    def at(self, kx, ky):
        """(W, Y, dW, dY) at k (1/nm, broadcast): W, Y (*k, n_ops, 2); dW, dY (*k, n_ops, 2, 2) with the last
        axis d/dk_c (zero: uniform)."""
        shape = np.broadcast(np.asarray(kx), np.asarray(ky)).shape
        W = np.broadcast_to(self.W, shape + self.W.shape)
        Y = np.broadcast_to(self.Y, shape + self.Y.shape)
        z = np.zeros(shape + self.W.shape + (2,))
        return W, Y, z, z


class ExchangeFields(Protocol):
    """What the assembly needs of exchange fields (uniform or k-dependent, e.g. from a q-dependent V):
    ``uniform`` (bool) and ``at(kx, ky) -> (W, Y, dW, dY)`` as in :meth:`UniformExchange.at` (W in nm,
    Y in eV nm, gradients per 1/nm).  ``W_error``/``Y_error`` (absolute) are reported when present."""

    uniform: bool

    def at(self, kx, ky): ...


@dataclass(frozen=True)
class ExchangeFieldValues:
    """U^eta at an array of k (eV), shape (*k, n_ops): total, interband (W) and intraband (Y) parts,
    and the k-gradient ``gradient`` (*k, n_ops, 2) in eV nm (zero for a uniform field)."""

    total: np.ndarray
    interband: np.ndarray
    intraband: np.ndarray
    gradient: np.ndarray


def exchange_field(fields, kx, ky, eE, tau_over_hbar: float, sgn: int) -> ExchangeFieldValues:
    """U^eta_k(E) (paper Eq. 3) from exchange fields W, Y (module docstring): ``eE`` (2,) in eV/nm,
    ``tau_over_hbar`` in 1/eV, ``sgn`` the sign of Eq. 2 (+1 consistent, -1 printed)."""
    W, Y, dW, dY = fields.at(kx, ky)
    eE = np.asarray(eE, dtype=float)
    Uw = -sgn * np.einsum("...eb,b->...e", W, eE)
    Uy = -sgn * tau_over_hbar * np.einsum("...eb,b->...e", Y, eE)
    grad = -sgn * (np.einsum("...ebc,b->...ec", dW, eE) + tau_over_hbar * np.einsum("...ebc,b->...ec", dY, eE))
    return ExchangeFieldValues(total=Uw + Uy, interband=Uw, intraband=Uy, gradient=grad)


def contact_exchange(components, values, mu: float, temperature_K: float, interaction: Interaction, *,
                     rtol: float = 1e-11, grid_options=None) -> UniformExchange:
    """Contact exchange fields W = V_0 sum_c B_c, Y = V_0 sum_c C_c over the model components the exchange
    sum runs over (one valley: "same"; both valleys of H_T: "all"), at the model's tilt, chemical
    potential ``mu`` (eV) and temperature (K).  ``values``: parameter values of every component."""
    if not isinstance(interaction, Interaction):
        raise ResponseError(f"interaction: expected a symenh.interactions.Interaction, got {type(interaction).__name__}")
    if not interaction.is_uniform:
        raise ResponseError(f"interaction: {interaction.kind!r} gives a k-dependent exchange field; this assembly "
                            "takes its W(k), Y(k) through exchange=... (an object with at(kx, ky)); built in here: "
                            "contact")
    comps = (components,) if isinstance(components, SymbolicModel) else tuple(components)
    facs: list[FermiFactors] = [fermi_factors(c, values, mu, temperature_K, rtol=rtol, grid_options=grid_options)
                                for c in comps]
    V0 = interaction.V0_eV_nm2
    B = sum(f.B for f in facs)
    C = sum(f.C for f in facs)
    return UniformExchange(W=V0 * B, Y=V0 * C, W_error=V0 * sum(f.B_error for f in facs),
                           Y_error=V0 * sum(f.C_error for f in facs), factors=tuple(facs),
                           interaction=interaction.describe())


__all__ = ["ExchangeFieldValues", "ExchangeFields", "UniformExchange", "contact_exchange", "exchange_field"]
