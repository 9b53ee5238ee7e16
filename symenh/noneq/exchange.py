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
a q-dependent V(q) (screened Coulomb, a user V) gives k-dependent fields,
:class:`QDependentExchange` (the W(k), Y(k) and their gradients of
:func:`symenh.integrate.exchange.sea_field` / :func:`~symenh.integrate.exchange.contour_field`, T = 0),
through the same :func:`exchange_field`.  :func:`interaction_exchange` picks the one that fits V.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np

from ..errors import InputTypeError, ParameterError, ResponseError
from ..integrate.exchange import ExchangeComponent, FermiContour, contour_field, sea_field, y_source
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
    and the k-gradient ``gradient`` (*k, n_ops, 2) in eV nm (zero for a uniform field), with the
    gradient of the interband part alone in ``gradient_interband``."""

    total: np.ndarray
    interband: np.ndarray
    intraband: np.ndarray
    gradient: np.ndarray
    gradient_interband: np.ndarray


def exchange_field(fields, kx, ky, eE, tau_over_hbar: float, sgn: int) -> ExchangeFieldValues:
    """U^eta_k(E) (paper Eq. 3) from exchange fields W, Y (module docstring): ``eE`` (2,) in eV/nm,
    ``tau_over_hbar`` in 1/eV, ``sgn`` the sign of Eq. 2 (+1 consistent, -1 printed)."""
    W, Y, dW, dY = fields.at(kx, ky)
    eE = np.asarray(eE, dtype=float)
    Uw = -sgn * np.einsum("...eb,b->...e", W, eE)
    Uy = -sgn * tau_over_hbar * np.einsum("...eb,b->...e", Y, eE)
    gw = -sgn * np.einsum("...ebc,b->...ec", dW, eE)
    gy = -sgn * tau_over_hbar * np.einsum("...ebc,b->...ec", dY, eE)
    return ExchangeFieldValues(total=Uw + Uy, interband=Uw, intraband=Uy, gradient=gw + gy, gradient_interband=gw)


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


#: how many k arrays a :class:`QDependentExchange` remembers (the quantities of one k ask for them repeatedly)
_MEMO_SIZE = 8


@dataclass(frozen=True)
class QDependentExchange:
    r"""k-dependent exchange fields of a q-dependent interaction V(|q|) at T = 0 (module docstring):
    W^{eta b}(k) (nm), Y^{eta b}(k) (eV nm) and their k-gradients, for one component ``model`` (the
    exchange k' within it: for tilted-dirac the valley of k), at the model's tilt in ``values`` and
    chemical potential ``mu_eV``, with the operators s^eta of the model ("printed" channels, Eq. 3).

    The integrals are those of :mod:`symenh.integrate.exchange` (Duffy triangles about k for the sea,
    the contour integral cut at k's angle for Y; adaptive, relative tolerance ``rtol`` per point), so
    every evaluation costs adaptive quadratures per k point: meant for a few k, not dense maps.  The
    last few k arrays are remembered (``at`` and ``errors`` at the same k do not recompute)."""

    model: SymbolicModel
    values: dict
    mu_eV: float
    potential: Interaction
    rtol: float = 1e-10
    uniform: bool = False
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def component(self) -> ExchangeComponent:
        return ExchangeComponent(self.model, "printed", self.values)

    @cached_property
    def contour(self) -> FermiContour:
        from ..kernels.hamiltonian import values_by_name

        t = self.model.tilt_symbol
        alpha = 0.0 if t is None else float(values_by_name(self.values)[t.name])
        return FermiContour(self.component, self.mu_eV, alpha)

    @property
    def interaction(self) -> dict:
        """JSON description of V (:meth:`symenh.interactions.Interaction.describe`)."""
        return self.potential.describe()

    def _evaluate(self, kx, ky):
        kx, ky = np.broadcast_arrays(np.asarray(kx, dtype=float), np.asarray(ky, dtype=float))
        key = (kx.shape, kx.tobytes(), ky.tobytes())
        if key in self._memo:
            return self._memo[key]
        x, y = kx.ravel(), ky.ravel()
        comp, contour, V = self.component, self.contour, self.potential
        tol = max(0.1 * self.rtol, 1e-14)
        W, eW, dW, edW = sea_field(comp, contour, x, y, V, gradient=True, tol=tol)
        if contour.exists:
            _, thk = comp.polar(x, y)
            Y, dY, eY = contour_field(contour, y_source(comp, contour), x, y, thk, V, gradient=True, tol=tol)
        else:
            Y, dY, eY = np.zeros_like(W), np.zeros_like(dW), np.zeros(len(x))
        shape = kx.shape
        out = (W.reshape(shape + W.shape[1:]), Y.reshape(shape + Y.shape[1:]),
               np.moveaxis(dW, 1, -1).reshape(shape + W.shape[1:] + (2,)),
               np.moveaxis(dY, 1, -1).reshape(shape + Y.shape[1:] + (2,)),
               (eW + edW).reshape(shape), np.asarray(eY).reshape(shape))
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.pop(next(iter(self._memo)))
        self._memo[key] = out
        return out

    def at(self, kx, ky):
        """(W, Y, dW, dY) at k (1/nm, broadcast): W (*k, 4, 2) nm, Y (*k, 4, 2) eV nm, dW, dY with a last
        axis d/dk_c (nm^2, eV nm^2), as :meth:`UniformExchange.at`."""
        return self._evaluate(kx, ky)[:4]

    def errors(self, kx, ky):
        """Absolute error estimates per k point: (W_error (*k,) nm, Y_error (*k,) eV nm), bounding every
        component of the field and of its gradient."""
        return self._evaluate(kx, ky)[4:]


def q_dependent_exchange(model: SymbolicModel, values, mu: float, interaction: Interaction, *,
                         rtol: float = 1e-10) -> QDependentExchange:
    """:class:`QDependentExchange` for one component at T = 0; builds its Fermi contour at once, so an
    unsupported model (not two levels, no tilt symbol) or mu is refused here in one line."""
    if not isinstance(interaction, Interaction):
        raise InputTypeError(f"interaction: expected a symenh.interactions.Interaction, got {type(interaction).__name__}")
    if len(model.spin) != 4:
        raise ResponseError(f"model: the exchange field of Eq. 3 needs the four operators s^0..s^3, "
                            f"{model.name} has {len(model.spin)}")
    if not (0 < rtol < 1):
        raise ParameterError(f"rtol: must lie in (0, 1), got {rtol!r}")
    ex = QDependentExchange(model=model, values=dict(values), mu_eV=float(mu), potential=interaction, rtol=rtol)
    ex.contour          # noqa: B018 -- the contour (and the component) now: errors surface at construction
    return ex


def interaction_exchange(components, values, mu: float, temperature_K: float, interaction: Interaction, *,
                         exchange_valleys: str = "same", rtol: float = 1e-11, grid_options=None):
    """The exchange fields of ``interaction`` for the exchange sum over ``components`` (a tuple: one
    valley, or both valleys of tilted-dirac for exchange_valleys="all"): the contact interaction gives
    the uniform :func:`contact_exchange` (any T), a q-dependent one :func:`q_dependent_exchange`
    (T = 0, within the valley of k only)."""
    if not isinstance(interaction, Interaction):
        raise InputTypeError(f"interaction: expected a symenh.interactions.Interaction, got {type(interaction).__name__}")
    if interaction.is_uniform:
        return contact_exchange(components, values, mu, temperature_K, interaction, rtol=rtol, grid_options=grid_options)
    if temperature_K != 0:
        raise ParameterError(f"temperature_K: the exchange field of the q-dependent interaction {interaction.kind!r} "
                             f"is computed at T = 0 only, got {temperature_K} K; give 0 or the contact interaction")
    if exchange_valleys != "same":
        raise ResponseError(f"exchange_valleys: 'all' is only for the contact interaction; a q-dependent "
                            f"{interaction.kind!r} keeps the exchange within the valley of k (physics.md 6): give 'same'")
    comps = (components,) if isinstance(components, SymbolicModel) else tuple(components)
    if len(comps) != 1:
        raise ResponseError("exchange_valleys: a q-dependent interaction takes one component (the valley of k)")
    return q_dependent_exchange(comps[0], values, mu, interaction, rtol=max(rtol, 1e-12))


__all__ = ["ExchangeFieldValues", "ExchangeFields", "QDependentExchange", "UniformExchange", "contact_exchange",
           "exchange_field", "interaction_exchange", "q_dependent_exchange"]
