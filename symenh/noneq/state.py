r"""The nonequilibrium state of paper Eqs. 2-7 for a field E, at the model's tilt as given.

:func:`noneq_state` builds a :class:`NoneqState` (it computes the exchange field once); its methods
evaluate the k-resolved quantities at arrays of k (1/nm), level-traced for degenerate levels:

* :meth:`NoneqState.delta_rho` -- Eq. 2, delta rho = sgn [ (e tau/hbar) E.d_k f delta_nm
  + e E^a r^a_nm f_nm/eps_nm ] (sgn = +1 consistent: H' = +e E.r, charge -e; sgn = -1 printed:
  Eq. 2 as printed), intraband and interband parts, in the band basis and as operators;
* :meth:`NoneqState.spin_density` -- <s^eta>(k) = sum_n f_n <s^eta>_n and
  delta<s^eta>(k) = sum_nm s^eta_nm delta rho_mn (dimensionless per k);
* :meth:`NoneqState.exchange_field` -- U^eta_k(E) of Eq. 3 (eV), :mod:`symenh.noneq.exchange`;
* :meth:`NoneqState.delta_berry_connection` -- delta A = U^eta S^eta + e E G (nm), Eq. 5;
* :meth:`NoneqState.delta_berry_curvature` -- delta Omega = curl delta A (nm^2), Eq. 6;
* :meth:`NoneqState.delta_quantum_metric` -- delta g (nm^2): the complete first-order change of the
  metric (``derivations/eq7_quantum_metric_shift.py``: Eq. 7 as printed misses a term).

The field part of delta A, delta Omega, delta g is +e E G (the paper's H' = +e E.r of Eqs. 4-7) in
both conventions; only delta rho, the spin accumulation and U (hence the exchange parts) carry sgn.

Temperature: at T > 0 every occupation is a Fermi function.  At T = 0 the intraband part of Eq. 2
is sgn (e tau/hbar) E.d_k f = -sgn (tau/hbar) (e E.v_n) delta(mu - eps_n): a Fermi-contour delta
function, reported as its coefficient (eV) of delta(mu - eps_n) (``DeltaRho.at_zero_temperature``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputTypeError, ParameterError, ResponseError
from ..interactions import Interaction, contact, make_interaction
from ..kernels.direct import DEFAULT_DEGENERACY_TOL, EigenFrame, eigen_frame
from ..kernels.hamiltonian import NumericHamiltonian, check_k, param_vector, values_by_name
from ..kernels.perturbed import GeometryResponse, position_operator, response_of_frame
from ..models.base import SymbolicModel
from ..models.paper import MODEL_NAMES, paper_model, paper_valleys
from ..params import PAPER, Parameters
from ..responses.spec import CONVENTIONS, EXCHANGE_VALLEYS, check_choice
from ..units import KB_EV_PER_K
from .exchange import ExchangeFieldValues, exchange_field, interaction_exchange
from .inputs import check_field, check_temperature, density_sign, eE_eV_per_nm


def fix_phases(U, eps=None):
    """The reported band-basis gauge: each eigenvector (column) multiplied by the phase that makes its
    largest-modulus component real and positive (within a degenerate level the basis is the one numpy's
    ``eigh`` returns; only level-traced and operator quantities are gauge invariant)."""
    idx = np.argmax(np.abs(U), axis=-2)                       # (*k, N)
    big = np.take_along_axis(U, idx[..., None, :], axis=-2)   # (*k, 1, N)
    ph = np.conj(big) / np.abs(big)
    return U * ph


def occupations(eps, mu: float, kT: float):
    """(f, df/deps) at energies ``eps`` (eV): Fermi function at kT > 0 (eV); at kT = 0 a step with
    f = 1/2 at eps = mu, and df/deps = None (a delta function)."""
    if kT > 0:
        from ..integrate.occupation import fermi_derivatives

        f, f1, _ = fermi_derivatives(eps, mu, kT)
        return f, f1
    return np.where(eps < mu, 1.0, np.where(eps > mu, 0.0, 0.5)), None


@dataclass(frozen=True)
class DeltaRho:
    """Paper Eq. 2 at an array of k (band axis N ascending; shapes (*k, N) and (*k, N, N)).

    ``intraband`` (*k, N): delta rho_nn of the intraband (Fermi-surface) term in the band basis; at
    T > 0 dimensionless, at T = 0 (``at_zero_temperature``) the coefficient (eV) of delta(mu - eps_n).
    ``interband`` (*k, N, N) complex: e E^a r^a_nm f_nm/eps_nm (times sgn) between different levels,
    in the gauge ``vectors`` (:func:`fix_phases`): the off-diagonal elements are gauge dependent.
    ``intraband_operator``, ``interband_operator`` (*k, N, N) complex: the same as operators in the
    model's basis, V delta rho V^dagger (gauge invariant; blocks P_N delta rho P_M by
    :meth:`block`).  At T = 0 ``intraband_operator`` is sum_N c_N P_N with each level's coefficient c_N
    of its own delta(mu - eps_N).
    """

    energy: np.ndarray
    level: np.ndarray
    degeneracy: np.ndarray
    intraband: np.ndarray
    interband: np.ndarray
    intraband_operator: np.ndarray
    interband_operator: np.ndarray
    vectors: np.ndarray
    at_zero_temperature: bool

    def projector(self, L: int) -> np.ndarray:
        """P_L in the model's basis, (*k, N, N) (zero where level L does not exist)."""
        mask = (self.level == L).astype(float)
        V = self.vectors
        return np.einsum("...in,...n,...jn->...ij", V, mask, np.conj(V))

    def block(self, L: int, M: int, part: str = "interband") -> np.ndarray:
        """P_L delta rho P_M in the model's basis (gauge invariant), part "interband" or "intraband"."""
        op = self.interband_operator if part == "interband" else self.intraband_operator
        return self.projector(L) @ op @ self.projector(M)


@dataclass(frozen=True)
class SpinDensity:
    """Spin density per k (dimensionless), shape (*k, n_ops) for s^0..s^3 (s^0 = the density).

    ``equilibrium``: sum_n f_n <s^eta>_n.  ``interband``: Re sum_nm s_nm delta rho^inter_mn.
    ``intraband``: sum_n s_nn delta rho^intra_nn at T > 0, None at T = 0; then
    ``intraband_delta_coefficient`` (*k, N, n_ops) (eV) holds each band's level-traced coefficient of
    delta(mu - eps_n) (at T > 0 it is None).  ``nonequilibrium`` = interband + intraband (T > 0) or the
    interband part alone (T = 0, the delta-function part kept apart).
    """

    equilibrium: np.ndarray
    interband: np.ndarray
    intraband: np.ndarray | None
    intraband_delta_coefficient: np.ndarray | None

    @property
    def nonequilibrium(self) -> np.ndarray:
        return self.interband if self.intraband is None else self.interband + self.intraband


@dataclass(frozen=True)
class GeometryShift:
    """A first-order geometry shift per band (level-traced), with its parts: ``exchange`` (from U; split
    into ``exchange_interband`` from U_W and ``exchange_intraband`` from U_Y) and ``field`` (+e E G)."""

    total: np.ndarray
    exchange: np.ndarray
    field: np.ndarray
    exchange_interband: np.ndarray
    exchange_intraband: np.ndarray


@dataclass(frozen=True)
class NoneqState:
    """The nonequilibrium state of one model component (see the module docstring and
    :func:`noneq_state`).  ``exchange``: the exchange fields (uniform for contact); ``U0``: U^eta at
    k = 0 in eV (the value everywhere for a uniform field)."""

    model: SymbolicModel
    model_name: str
    valley: int | None
    values: dict
    field_V_per_m: np.ndarray
    mu_eV: float
    temperature_K: float
    convention: str
    tau_over_hbar: float
    exchange: object
    exchange_valleys: str
    interaction: dict
    degeneracy_tol: float = DEFAULT_DEGENERACY_TOL
    ham: NumericHamiltonian | None = field(default=None, repr=False, compare=False)

    # -- scalars ---------------------------------------------------------------------------------
    @property
    def sgn(self) -> int:
        """Sign of Eq. 2: +1 consistent, -1 printed."""
        return density_sign(self.convention)

    @property
    def eE(self) -> np.ndarray:
        """e E in eV/nm."""
        return eE_eV_per_nm(self.field_V_per_m)

    @property
    def kT(self) -> float:
        return KB_EV_PER_K * self.temperature_K

    @property
    def alpha(self) -> float:
        """The tilt (eV nm) the state is at."""
        t = self.model.tilt_symbol
        return 0.0 if t is None else float(values_by_name(self.values)[t.name])

    # -- building blocks ---------------------------------------------------------------------------
    def frame(self, kx, ky, gauge=None, hessian: bool = False) -> EigenFrame:
        """Eigen frame at k (1/nm) at the actual tilt; the band-basis gauge is :func:`fix_phases` unless
        ``gauge`` (callable(U, eps) -> U) is given."""
        kx, ky = check_k(kx, ky)
        return eigen_frame(self.model, kx, ky, self.values, degeneracy_tol=self.degeneracy_tol, ham=self.ham,
                           gauge=gauge or fix_phases, hessian=hessian)

    def exchange_field(self, kx, ky) -> ExchangeFieldValues:
        """U^eta_k(E) (eV), shape (*k, n_ops), with its interband (W) and intraband (Y) parts (Eq. 3)."""
        kx, ky = check_k(kx, ky)
        return exchange_field(self.exchange, kx, ky, self.eE, self.tau_over_hbar, self.sgn)

    @property
    def U0(self) -> np.ndarray:
        return self.exchange_field(np.zeros(1), np.zeros(1)).total[0]

    # -- Eq. 2 -------------------------------------------------------------------------------------
    def _delta_rho_eig(self, fr: EigenFrame):
        eps = fr.energy
        f, f1 = occupations(eps, self.mu_eV, self.kT)
        vel = np.stack([np.real(np.diagonal(fr.v[a], axis1=-2, axis2=-1)) for a in range(2)], -1)
        vel = fr.trace(vel) / fr.degeneracy[..., None]                 # level-averaged d eps/dk (eV nm)
        eEv = np.einsum("...nb,b->...n", vel, self.eE)                # e E . v_n (eV^2)
        zero_T = f1 is None
        intra = self.sgn * self.tau_over_hbar * (-eEv if zero_T else f1 * eEv)
        R = position_operator(fr)                                      # (2, *k, N, N) nm
        eER = np.einsum("a...,a->...", R, self.eE)                    # e E.R in eV
        inter = self.sgn * eER * (f[..., :, None] - f[..., None, :]) * fr.inv
        return f, intra, inter, zero_T

    def delta_rho(self, kx, ky, gauge=None) -> DeltaRho:
        """Paper Eq. 2 at k (1/nm): :class:`DeltaRho` (dimensionless; T = 0 intraband: eV coefficient)."""
        fr = self.frame(kx, ky, gauge)
        _, intra, inter, zero_T = self._delta_rho_eig(fr)
        intra_m = np.einsum("...n,nm->...nm", intra, np.eye(intra.shape[-1]))
        return DeltaRho(energy=fr.energy, level=fr.level, degeneracy=fr.degeneracy, intraband=intra,
                        interband=inter, intraband_operator=fr.to_orbital(intra_m.astype(complex)),
                        interband_operator=fr.to_orbital(inter), vectors=fr.vectors, at_zero_temperature=zero_T)

    def spin_density(self, kx, ky, gauge=None) -> SpinDensity:
        """Equilibrium and nonequilibrium spin density per k (:class:`SpinDensity`, dimensionless)."""
        fr = self.frame(kx, ky, gauge)
        f, intra, inter, zero_T = self._delta_rho_eig(fr)
        s = fr.spin                                                    # (*k, n_ops, N, N)
        sdiag = np.real(np.diagonal(s, axis1=-2, axis2=-1))            # (*k, n_ops, N)
        eq = np.einsum("...n,...en->...e", f, sdiag)
        ne_inter = np.real(np.einsum("...enm,...mn->...e", s, inter))
        if zero_T:
            coef = fr.trace(np.moveaxis(sdiag, -2, -1) * intra[..., None])     # level-traced c_N Tr(P_N s)
            return SpinDensity(equilibrium=eq, interband=ne_inter, intraband=None, intraband_delta_coefficient=coef)
        ne_intra = np.einsum("...n,...en->...e", intra, sdiag)
        return SpinDensity(equilibrium=eq, interband=ne_inter, intraband=ne_intra, intraband_delta_coefficient=None)

    # -- Eqs. 5-7 ----------------------------------------------------------------------------------
    def geometry(self, kx, ky, gauge=None) -> GeometryResponse:
        """Level-traced geometry and its first-order responses at k (:mod:`symenh.kernels.perturbed`)."""
        return response_of_frame(self.frame(kx, ky, gauge, hessian=True), gradient=not self.exchange.uniform)

    def _shift(self, kx, ky, gauge, what):
        kx, ky = check_k(kx, ky)
        gr = self.geometry(kx, ky, gauge)
        U = self.exchange_field(kx, ky)
        grad = None if self.exchange.uniform else U.gradient
        if what == "A":
            zero = np.zeros(2)
            parts = [gr.delta_berry_connection(u, zero) for u in (U.total, U.interband, U.intraband)]
            fpart = gr.delta_berry_connection(np.zeros_like(U.total), self.eE)
            return GeometryShift(parts[0] + fpart, parts[0], fpart, parts[1], parts[2])
        fn = gr.delta_berry_curvature if what == "Omega" else gr.delta_quantum_metric
        ex, fe = fn(U.total, self.eE, grad)
        gW = None if grad is None else U.gradient_interband
        ew, _ = fn(U.interband, self.eE, gW)
        ey = ex - ew
        return GeometryShift(ex + fe, ex, fe, ew, ey)

    def delta_berry_connection(self, kx, ky, gauge=None) -> GeometryShift:
        """delta A^a = U^eta S^{eta a} + e E^b G^{ba} (nm), per band (*k, N, 2) (paper Eq. 5)."""
        return self._shift(kx, ky, gauge, "A")

    def delta_berry_curvature(self, kx, ky, gauge=None) -> GeometryShift:
        """delta Omega = d_x delta A_y - d_y delta A_x (nm^2), per band (*k, N) (paper Eq. 6)."""
        return self._shift(kx, ky, gauge, "Omega")

    def delta_quantum_metric(self, kx, ky, gauge=None) -> GeometryShift:
        """delta g^{ab} (nm^2), per band (*k, N, 2, 2): the complete first-order change (see Eq. 7's derivation)."""
        return self._shift(kx, ky, gauge, "g")


def _resolve(model, valley, params, model_values):
    """(name, component evaluated at k, exchange components for same / all, values by symbol)."""
    if isinstance(model, str):
        check_choice("model", model, MODEL_NAMES)
        if model_values is not None:
            raise ResponseError(f"model_values: not used for the paper model {model!r}; set its parameters with "
                                "params=symenh.Parameters(...)")
        comp = paper_model(model, valley)
        return model, comp, {"same": (comp,), "all": paper_valleys(model)}, params.symbol_values()
    if not isinstance(model, SymbolicModel):
        raise InputTypeError(f"model: give a paper model name ({', '.join(MODEL_NAMES)}) or a SymbolicModel, got "
                             f"{type(model).__name__}")
    if valley is not None:
        raise ResponseError("valley: only for the paper model tilted-dirac")
    if model_values is None:
        raise ResponseError("model_values: required for a user model (values of its parameter symbols)")
    by_name = {k: float(v) for k, v in values_by_name(model_values).items()}
    missing = sorted(p.name for p in model.params if p.name not in by_name)
    if missing:
        raise ResponseError(f"model_values: missing values for {', '.join(missing)}")
    vals = {p: by_name[p.name] for p in model.params}
    return model.name, model, {"same": (model,), "all": (model,)}, vals


def noneq_state(model, *, field_V_per_m, mu_eV, temperature_K: float = 0.0, convention: str = "consistent",
                valley: int | None = None, params: Parameters = PAPER, model_values=None,
                interaction: Interaction | None = None, exchange=None, exchange_valleys: str = "same",
                rtol: float = 1e-11, grid_options=None,
                degeneracy_tol: float = DEFAULT_DEGENERACY_TOL) -> NoneqState:
    """The nonequilibrium state for a field E at chemical potential mu and temperature T.

    Parameters
    ----------
    model : "tilted-dirac" (needs ``valley`` +1 or -1), "pt-dirac", or a user
        :class:`~symenh.models.base.SymbolicModel` (:func:`symenh.from_matrix`) with ``model_values``.
    field_V_per_m : (E_x, E_y) in V/m, any in-plane direction, non-zero.
    mu_eV : chemical potential (eV).
    temperature_K : T in K (0 allowed: exchange field by adaptive quadrature on the tilted Fermi
        contour; T > 0: on a k grid with the Fermi function).
    convention : "consistent" (charge -e, H' = +e E.r) or "printed" (Eq. 2 as printed).
    params : :class:`~symenh.params.Parameters`: tau (Eq. 2), q_s (V_0) and, for the paper models,
        Delta, v, alpha (the tilt is used as given, not linearised).
    interaction : an :class:`~symenh.interactions.Interaction` or its name "contact" / "screened-coulomb"
        (with the q_s of ``params``, eps_r = 1) (default: the contact V_0 = e^2/(4 pi eps_0 q_s)
        with the q_s of ``params``, eps_r = 1: U uniform in k, any T).  A q-dependent V (screened
        Coulomb, a user V(q)) gives a k-dependent U (:class:`~symenh.noneq.exchange.QDependentExchange`;
        T = 0, exchange within the valley of k, adaptive quadratures per k point).
    exchange : precomputed exchange fields (any object with ``uniform`` and ``at(kx, ky)``,
        :class:`~symenh.noneq.exchange.ExchangeFields`), e.g. k-dependent W(k), Y(k).
    exchange_valleys : "same" (the exchange sum over k' within the valley of k; default) or "all"
        (both valleys of tilted-dirac; contact only).

    Raises :class:`~symenh.errors.SymenhError` subclasses with one-line messages for bad input.
    """
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange_valleys", exchange_valleys, EXCHANGE_VALLEYS)
    if not isinstance(params, Parameters):
        raise InputTypeError("params: must be a symenh.Parameters")
    E = check_field(field_V_per_m, "field_V_per_m")
    if isinstance(mu_eV, bool) or not isinstance(mu_eV, (int, float, np.integer, np.floating)) or \
            not np.isfinite(float(mu_eV)):
        raise ParameterError(f"mu_eV: must be a finite number (eV), got {mu_eV!r}")
    T = check_temperature(temperature_K)
    name, comp, comps, values = _resolve(model, valley, params, model_values)
    param_vector(comp, values)
    if exchange is None:
        if interaction is None:
            iac = contact(params.q_s_per_nm, params.eps_r)
        elif isinstance(interaction, str):
            iac = make_interaction(interaction, params.q_s_per_nm, params.eps_r)
        else:
            iac = interaction
        exchange = interaction_exchange(comps[exchange_valleys], values, float(mu_eV), T, iac,
                                        exchange_valleys=exchange_valleys, rtol=rtol, grid_options=grid_options)
        desc = iac.describe()
    else:
        if not (hasattr(exchange, "at") and hasattr(exchange, "uniform")):
            raise InputTypeError("exchange: needs an object with 'uniform' and 'at(kx, ky)' "
                                 "(symenh.noneq.exchange.ExchangeFields)")
        desc = getattr(exchange, "interaction", {}) or {"kind": "given exchange fields"}
    return NoneqState(model=comp, model_name=name, valley=valley, values=values, field_V_per_m=E,
                      mu_eV=float(mu_eV), temperature_K=T, convention=convention,
                      tau_over_hbar=params.tau_over_hbar_per_eV, exchange=exchange,
                      exchange_valleys=exchange_valleys, interaction=desc, degeneracy_tol=degeneracy_tol,
                      ham=NumericHamiltonian.build(comp))


__all__ = ["DeltaRho", "GeometryShift", "NoneqState", "SpinDensity", "fix_phases", "noneq_state", "occupations"]
