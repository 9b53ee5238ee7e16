r"""Entry point for the conductivities at finite temperature, at the exact tilt, and for inh-full.

:func:`sigma_thermal` takes what :func:`symenh.sigma` takes plus the temperature ``T_K``, the
``order`` in the tilt and (for ``inh-full``) the ``occupation`` choice, and dispatches to

========  ============================================  ==============================
method    T = 0                                          T > 0
========  ============================================  ==============================
closed-   today's closed form (linear);                  factors convolved with -df/dE
form      + alpha^3 term (order "cubic")                 (adaptive, or Sommerfeld), then
                                                         assembled (linear / cubic)
quadra-   today's quadrature (linear); contours and      direct finite-T ray integrals
ture      sea at alpha itself (exact)                    with f (linear / exact)
grid      today's grid (linear); tilted occupations,     Fermi-box sums at kT itself
          Richardson T -> 0 (exact)                      (linear / exact)
========  ============================================  ==============================

Orders: ``"linear"`` (alpha d sigma/d alpha at 0, today's numbers at T = 0), ``"exact"``
(sigma at the requested alpha; quadrature and grid), ``"cubic"`` (linear + alpha^3/6
d^3 sigma/d alpha^3; closed form).  Every path returns the raw tensor in e^3/hbar nm/eV and
an error bound per mu (0 for the exact closed form at T = 0);
:class:`ThermalSigma` carries both, converts to SI and records what was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..params import PAPER, Parameters
from ..temperature import check_temperature, kT_eV
from ..units import sigma_to_si
from . import closed_form_thermal, grid_thermal, quadrature_thermal
from .api import _resolve_model, sigma
from .assembly import MECHANISMS_ALL, OCCUPATIONS, check_mechanism
from .job import Job
from .spec import CONVENTIONS, EXCHANGE_VALLEYS, METHODS, Prefactors, ResponseError, check_choice, enh_sign, symmetrize

#: orders in the tilt and the JSON text of each
ORDERS = {"linear": "linear in alpha", "exact": "exact in alpha", "cubic": "linear + cubic in alpha"}
#: which orders each method offers
METHOD_ORDERS = {"closed-form": ("linear", "cubic"), "quadrature": ("linear", "exact"),
                 "grid": ("linear", "exact")}


@dataclass(frozen=True)
class ThermalSigma:
    """sigma^{cab}(mu) at temperature ``T_K``: raw (e^3/hbar nm/eV) and SI (A m / V^2).

    ``raw``, ``sigma`` (n_mu, 2, 2, 2) indexed [c][a][b]; ``error_raw``/``error_estimate``
    (n_mu,) bound every element at that mu.  ``order``: "linear", "exact" or "cubic".
    """

    model: str
    mechanism: str
    method: str
    mu_eV: np.ndarray
    T_K: float
    order: str
    raw: np.ndarray
    error_raw: np.ndarray
    meta: dict = field(default_factory=dict)
    #: (sigma, error) in A m/V^2 exactly as :func:`symenh.sigma` returned them (None: from ``raw``)
    si_values: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def kT_eV(self) -> float:
        """k_B T in eV."""
        return kT_eV(self.T_K)

    @property
    def sigma(self) -> np.ndarray:
        """The tensor in A m / V^2."""
        if self.si_values is not None:
            return np.asarray(self.si_values[0], dtype=float)
        return np.asarray(sigma_to_si(self.raw), dtype=float)

    @property
    def error_estimate(self) -> np.ndarray:
        """Per-mu bound in A m / V^2."""
        if self.si_values is not None:
            return np.asarray(self.si_values[1], dtype=float)
        return np.asarray(sigma_to_si(self.error_raw), dtype=float)

    @property
    def sigma_symmetrized(self) -> np.ndarray:
        """(sigma^{cab} + sigma^{cba}) / 2 in A m / V^2 (the physical response)."""
        return symmetrize(self.sigma)

    def json_fields(self) -> dict:
        """The keys the JSON of ``symenh sigma`` gains or changes: temperature and order."""
        return {"temperature_K": float(self.T_K), "order": ORDERS[self.order]}


def make_job(model, mechanism, mu_eV, params: Parameters = PAPER, convention: str = "consistent",
             exchange_valleys: str = "same", model_values=None, **options) -> Job:
    """The :class:`~symenh.responses.job.Job` of a request (validated as :func:`symenh.sigma` does)."""
    check_mechanism(mechanism)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange_valleys", exchange_valleys, EXCHANGE_VALLEYS)
    if not isinstance(params, Parameters):
        raise ResponseError("params: must be a symenh.Parameters")
    mu = np.atleast_1d(np.asarray(mu_eV, dtype=float))
    if mu.ndim != 1 or not np.all(np.isfinite(mu)):
        raise ResponseError("mu_eV: chemical potentials must be finite numbers (eV), scalar or 1-D")
    name, comps, values = _resolve_model(model, params, model_values)
    pre = Prefactors(params.tau_over_hbar_per_eV, params.V0_eV_nm2, enh_sign(convention))
    return Job(name, comps, mechanism, mu, params, values, pre, convention, exchange_valleys, dict(options))


def sigma_thermal_job(job: Job, T_K: float = 0.0, order: str = "linear", method: str = "closed-form",
                      occupation: str = "bare"):
    """Raw sigma (n_mu, 2, 2, 2) in e^3/hbar nm/eV and its error bound (n_mu,) for a Job.

    The function the later wiring calls from :func:`symenh.sigma`: one dispatch for every
    temperature and order (table in the module docstring).
    """
    T_K = check_temperature(T_K)
    check_choice("method", method, METHODS)
    check_choice("order", order, tuple(ORDERS))
    check_choice("occupation", occupation, OCCUPATIONS)
    if order not in METHOD_ORDERS[method]:
        raise ResponseError(f"order: {method} offers {', '.join(METHOD_ORDERS[method])}, not {order!r}")
    kT = kT_eV(T_K)
    with np.errstate(all="ignore"):
        if method == "closed-form":
            opts = dict(job.options)
            rtol = float(opts.pop("rtol", 1e-10))
            thermal = str(opts.pop("thermal", "auto"))
            if opts:
                raise ResponseError(f"closed-form: unknown option(s) {', '.join(sorted(opts))}; allowed: rtol, thermal")
            raw, err = closed_form_thermal.compute(job, kT, order, occupation, rtol, thermal)
        elif method == "quadrature":
            raw, err = quadrature_thermal.compute(job, kT, order, occupation)
        else:
            raw, err = grid_thermal.compute(job, kT, order, occupation)
    if not (np.all(np.isfinite(raw)) and np.all(np.isfinite(err))):
        raise ResponseError(f"{method}: produced a non-finite conductivity")
    return raw, np.asarray(err, dtype=float)


def sigma_thermal(model, mechanism: str, mu_eV, *, T_K: float = 0.0, order: str = "linear",
                  method: str = "closed-form", convention: str = "consistent", exchange_valleys: str = "same",
                  params: Parameters = PAPER, model_values=None, occupation: str = "bare",
                  **options) -> ThermalSigma:
    """sigma^{cab}(mu) at temperature T_K (kelvin): a thin wrapper of :func:`symenh.sigma`.

    ``sigma_thermal(model, mech, mu, T_K=T, ...)`` is exactly
    ``symenh.sigma(model, mech, mu, params=params.replace(T_K=T), ...)`` (the one public entry
    point; same validation, same numbers bit for bit, same one-line errors), returned as a
    :class:`ThermalSigma` (raw e^3/hbar nm/eV and SI A m/V^2, the error bound per mu, ``T_K``,
    ``order``).  Kept for the callers written against it; new code should call
    :func:`symenh.sigma` with ``params=Parameters(T_K=...)``.

    Parameters as :func:`symenh.sigma`, plus ``T_K`` (>= 0 K; 0 gives the T = 0 numbers, and a
    ``params.T_K`` is replaced by it).  Options (``rtol``, ``panel_kT``, the grid's) as
    :func:`symenh.sigma`.
    """
    if not isinstance(params, Parameters):
        raise ResponseError("params: must be a symenh.Parameters")
    res = sigma(model, mechanism, mu_eV, method=method, convention=convention, exchange_valleys=exchange_valleys,
                params=params.replace(T_K=T_K), model_values=model_values, order=order, occupation=occupation,
                **options)
    si = float(sigma_to_si(1.0))
    err = np.zeros(len(res.mu_eV)) if res.error_estimate is None else \
        np.asarray(res.error_estimate, dtype=float).reshape(len(res.mu_eV), -1).max(axis=1)
    meta = {"occupation": occupation if mechanism == "inh-full" else None, "convention": convention,
            "exchange_valleys": exchange_valleys, "alpha_eV_nm": _alpha(res, params), "kT_eV": kT_eV(res.params.T_K)}
    return ThermalSigma(res.model, mechanism, method, res.mu_eV, float(res.params.T_K), order,
                        np.asarray(res.sigma, dtype=float) / si, err / si, meta, si_values=(res.sigma, err))


def _alpha(res, params) -> float:
    return float(res.meta["alpha"]) if "alpha" in res.meta else float(params.alpha_eV_nm)


__all__ = [
    "MECHANISMS_ALL",
    "METHOD_ORDERS",
    "ORDERS",
    "ThermalSigma",
    "make_job",
    "sigma_thermal",
    "sigma_thermal_job",
]
