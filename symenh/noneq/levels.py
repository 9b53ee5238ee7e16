r"""The nonequilibrium quantities at one k as one JSON-ready dict: the Python face of ``symenh noneq``.

    >>> from symenh.noneq.levels import noneq_levels
    >>> noneq_levels("pt-dirac", "delta-berry-curvature", (0.1, 0.05), (1e5, 0), 0.1)   # doctest: +SKIP

Keys: ``model, quantity, valley, k_per_nm, field_V_per_m, mu_eV, convention, temperature_K,
alpha_eV_nm, units, levels, per_k, exchange_field_eV, interaction, intraband_representation, notes``.
``levels``: one entry per distinct energy level at this k, ascending, ``{"energy_eV", "degeneracy",
"value"}`` with the value traced over the level (and, for the geometry shifts, ``"parts"``):

======================  ==============================================  =============================
quantity                ``value`` per level                             unit
======================  ==============================================  =============================
delta-berry-connection  [a]: U^eta S^{eta a} + e E^b G^{ba}             nm
delta-berry-curvature   number: delta Omega (Eq. 6)                     nm^2
delta-quantum-metric    [a][b]: delta g^{ab} (complete first order)     nm^2
delta-rho               {"intraband": Tr P_N delta rho, "interband":    dimensionless (T = 0
                        [{"level", "energy_eV", "norm", "block"}]}       intraband: eV coefficient)
spin-density            null (per k: ``per_k``)                         dimensionless
exchange-field          null (per k: ``per_k``)                         eV
======================  ==============================================  =============================

The geometry shifts carry ``"parts"``: ``exchange`` (from U), ``field`` (+e E G), and the exchange
part split into ``exchange_interband`` (from U_W, the Fermi sea; Eq. 9's mechanism) and
``exchange_intraband`` (from U_Y, the Fermi surface; Eq. 10's).  ``per_k`` holds what is per k, not
per level: the spin density ``{"equilibrium", "nonequilibrium", "interband", "intraband",
"intraband_delta_coefficient_eV"}`` (each [eta 0..3], s^0 = the identity), the exchange field
``{"U_eV", "interband_W_eV", "intraband_Y_eV", "W_nm", "Y_eV_nm", "uniform", "gradient_eV_nm", "error_eV"}``
(``gradient_eV_nm`` [eta][c] = d U^eta / d k_c, zero for the contact interaction), and for
delta-rho the full matrices: ``{"band_basis": {"intraband", "interband", "gauge"}, "operator":
{"intraband", "interband"}}`` (complex entries as [re, im]; the band-basis off-diagonals are gauge
dependent, the operators V delta rho V^dagger in the model's basis and the blocks P_N delta rho P_M are
not).  At T = 0 the intraband part of Eq. 2 is a delta function on the Fermi contour: it is reported
as the coefficient (eV) of delta(mu - eps_N) (``intraband_representation`` says which).
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError, ResponseError
from ..kernels.levels import check_k_point
from ..params import PAPER, Parameters
from .state import noneq_state

#: the quantities of ``symenh noneq``
QUANTITIES = ("delta-rho", "spin-density", "exchange-field", "delta-berry-connection", "delta-berry-curvature",
              "delta-quantum-metric")
#: the unit of each quantity's value
UNITS = {"delta-rho": "dimensionless (T = 0 intraband: eV, the coefficient of delta(mu - eps))",
         "spin-density": "dimensionless per k", "exchange-field": "eV", "delta-berry-connection": "nm",
         "delta-berry-curvature": "nm^2", "delta-quantum-metric": "nm^2"}

GAUGE_NOTE = ("eigenvectors of numpy eigh, ascending; each column's phase makes its largest-modulus component "
              "real and positive (within a degenerate level the basis is arbitrary)")


def _c(z) -> list:
    """A complex array as nested [re, im] pairs."""
    z = np.asarray(z, dtype=complex)
    return np.stack([z.real, z.imag], axis=-1).tolist()


def _f(x):
    return np.asarray(x, dtype=float).tolist()


def noneq_levels(model, quantity: str, k, field_V_per_m, mu_eV: float, *, valley: int | None = None,
                 params: Parameters = PAPER, convention: str = "consistent", temperature_K: float = 0.0,
                 model_values=None, interaction=None, exchange_valleys: str = "same", state=None) -> dict:
    """One nonequilibrium ``quantity`` at one k (1/nm) for a field (V/m) at mu (eV) and T (K), as the JSON
    dict of the module docstring.  ``state``: a :class:`~symenh.noneq.state.NoneqState` to reuse (its
    exchange field is computed once); otherwise it is built by :func:`~symenh.noneq.state.noneq_state`
    with the other arguments.  Raises :class:`~symenh.errors.SymenhError` subclasses (one line)."""
    if quantity not in QUANTITIES:
        raise ResponseError(f"quantity: unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
    kx, ky = check_k_point(k)
    if state is None:
        state = noneq_state(model, field_V_per_m=field_V_per_m, mu_eV=mu_eV, temperature_K=temperature_K,
                            convention=convention, valley=valley, params=params, model_values=model_values,
                            interaction=interaction, exchange_valleys=exchange_valleys)
    st = state
    KX, KY = np.array([kx]), np.array([ky])
    fr = st.frame(KX, KY)
    level, energy, deg = fr.level[0], fr.energy[0], fr.degeneracy[0]
    n_lev = int(level.max()) + 1
    first = [int(np.flatnonzero(level == L)[0]) for L in range(n_lev)]
    U = st.exchange_field(KX, KY)
    zero_T = st.temperature_K == 0
    out = {
        "model": st.model_name, "quantity": quantity, "valley": None if st.valley is None else int(st.valley),
        "k_per_nm": [kx, ky], "field_V_per_m": _f(st.field_V_per_m), "mu_eV": st.mu_eV,
        "convention": st.convention, "temperature_K": st.temperature_K, "alpha_eV_nm": st.alpha,
        "units": UNITS[quantity], "exchange_valleys": st.exchange_valleys, "interaction": st.interaction,
        "exchange_field_eV": {"U": _f(U.total[0]), "eta": "0..3 (s^0 = identity)"},
        "intraband_representation": ("coefficient (eV) of delta(mu - eps) on the Fermi contour (T = 0)" if zero_T
                                     else "value at the given temperature (Fermi function)"),
    }
    levels = []
    per_k = None
    if quantity in ("delta-berry-connection", "delta-berry-curvature", "delta-quantum-metric"):
        fn = {"delta-berry-connection": st.delta_berry_connection, "delta-berry-curvature": st.delta_berry_curvature,
              "delta-quantum-metric": st.delta_quantum_metric}[quantity]
        sh = fn(KX, KY)
        for L, n in enumerate(first):
            parts = {p: _f(getattr(sh, p)[0, n]) for p in ("exchange", "field", "exchange_interband",
                                                            "exchange_intraband")}
            levels.append({"energy_eV": float(energy[n]), "degeneracy": int(deg[n]), "value": _f(sh.total[0, n]),
                           "parts": parts})
        out["notes"] = {"delta-berry-connection": "delta A = U^eta S^eta + e E G (paper Eq. 5), level-traced; the "
                        "field part is +e E G in both conventions",
                        "delta-berry-curvature": "delta Omega = curl(U S + e E G) (paper Eq. 6), level-traced",
                        "delta-quantum-metric": "complete first-order change of g under U s + e E.r (derived in "
                        "derivations/eq7_quantum_metric_shift.py; Eq. 7 as printed misses a term)"}[quantity]
    elif quantity == "delta-rho":
        dr = st.delta_rho(KX, KY)
        P = [dr.projector(L)[0] for L in range(n_lev)]
        Oi, Oe = dr.intraband_operator[0], dr.interband_operator[0]
        for L, n in enumerate(first):
            blocks = []
            for M in range(n_lev):
                if M == L:
                    continue
                b = P[L] @ Oe @ P[M]
                blocks.append({"level": M, "energy_eV": float(energy[first[M]]), "norm": float(np.linalg.norm(b)),
                               "block": _c(b)})
            levels.append({"energy_eV": float(energy[n]), "degeneracy": int(deg[n]),
                           "value": {"intraband": float(np.real(np.trace(P[L] @ Oi))), "interband": blocks}})
        per_k = {"band_basis": {"intraband": _f(dr.intraband[0]), "interband": _c(dr.interband[0]),
                                "gauge": GAUGE_NOTE},
                 "operator": {"intraband": _c(Oi), "interband": _c(Oe)}}
        out["notes"] = (f"Eq. 2 with sgn = {st.sgn:+d} ({st.convention}); interband blocks P_N delta rho P_M and "
                        "operators in the model's basis are gauge invariant")
    elif quantity == "spin-density":
        sd = st.spin_density(KX, KY)
        coef = None
        if sd.intraband_delta_coefficient is not None:
            coef = [{"energy_eV": float(energy[n]), "value": _f(sd.intraband_delta_coefficient[0, n])} for n in first]
        per_k = {"equilibrium": _f(sd.equilibrium[0]), "nonequilibrium": _f(sd.nonequilibrium[0]),
                 "interband": _f(sd.interband[0]),
                 "intraband": None if sd.intraband is None else _f(sd.intraband[0]),
                 "intraband_delta_coefficient_eV": coef, "eta": "0..3 (s^0 = identity: the density)"}
        out["notes"] = "per k, not per level: sum_n f_n <s^eta>_n and sum_nm s^eta_nm delta rho_mn"
    else:  # exchange-field
        W, Y, _, _ = st.exchange.at(KX, KY)
        if hasattr(st.exchange, "errors"):          # k-dependent fields: error estimates per k point
            eW, eY = (float(np.asarray(e).ravel()[0]) for e in st.exchange.errors(KX, KY))
        else:
            eW, eY = getattr(st.exchange, "W_error", 0.0), getattr(st.exchange, "Y_error", 0.0)
        per_k = {"U_eV": _f(U.total[0]), "interband_W_eV": _f(U.interband[0]), "intraband_Y_eV": _f(U.intraband[0]),
                 "W_nm": _f(W[0]), "Y_eV_nm": _f(Y[0]), "uniform": bool(st.exchange.uniform),
                 "gradient_eV_nm": _f(U.gradient[0]),
                 "error_eV": float(np.hypot(*st.eE)) * (eW + st.tau_over_hbar * eY),
                 "eta": "0..3 (s^0 = identity)"}
        out["notes"] = ("U^eta = -sgn eE^b [W^{eta b}(k) + (tau/hbar) Y^{eta b}(k)] (Eq. 3; "
                        f"sgn = {st.sgn:+d}, {st.convention}), W = int_k' V(k - k') sum f S, "
                        "Y = int_k' V(k - k') sum <s> d_b f; contact V_0: uniform in k")
    if quantity in ("spin-density", "exchange-field"):
        levels = [{"energy_eV": float(energy[n]), "degeneracy": int(deg[n]), "value": None} for n in first]
    out["levels"] = levels
    out["per_k"] = per_k
    if not all(np.isfinite(x) for x in _walk(out)):
        raise ParameterError("k: the quantities are not finite at this k (a band touching?)")
    return out


def _walk(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _walk(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _walk(v)
    elif isinstance(obj, float):
        yield obj


__all__ = ["QUANTITIES", "UNITS", "noneq_levels"]
