"""Public entry point for the four conductivities: :func:`sigma`.

Three independent paths compute the same tensors (see :mod:`symenh.responses.spec`):

* ``closed-form``: SymPy derives each conductivity as an explicit function of mu
  and the parameters at linear order in alpha, then lambdified (paper models);
* ``quadrature``: adaptive Fermi-contour and Fermi-sea integrals at finite alpha
  (scipy), linear coefficient by Richardson extrapolation, with an error estimate;
* ``grid``: brute-force k grid with ``eigh`` at small temperature, extrapolated
  to T -> 0 and infinite cutoff (the slow reference).
"""

from __future__ import annotations

import importlib

import numpy as np

from ..kernels.hamiltonian import values_by_name
from ..models.base import SymbolicModel
from ..models.paper import MODEL_NAMES, paper_valleys
from ..params import PAPER, Parameters
from ..units import sigma_to_si
from .job import Job
from .result import CONVENTION_NOTES, RELATIVE_SIGNS, SigmaResult
from .spec import (CONVENTIONS, EXCHANGE_VALLEYS, MECHANISMS, METHODS, Prefactors, ResponseError,
                   check_choice, enh_sign)

_PATH_MODULES = {"closed-form": "closed_form", "quadrature": "quadrature", "grid": "grid"}


def _resolve_model(model, params: Parameters, model_values):
    if isinstance(model, str):
        check_choice("model", model, MODEL_NAMES)
        if model_values is not None:
            raise ResponseError(f"model_values: not used for the paper model {model!r}; set its parameters "
                                "with params=symenh.Parameters(...) (units in the field names)")
        return model, paper_valleys(model), params.symbol_values()
    comps = (model,) if isinstance(model, SymbolicModel) else tuple(model)
    if not comps or not all(isinstance(c, SymbolicModel) for c in comps):
        raise ResponseError("model: give a paper model name or SymbolicModel(s)")
    if any(c.tilt_symbol is None for c in comps):
        raise ResponseError("model: a user model needs a tilt_symbol (responses are linear in the tilt)")
    if model_values is None:
        raise ResponseError("model_values: required for a user model (values of its parameter symbols)")
    by_name = {k: float(v) for k, v in values_by_name(model_values).items()}
    symbols = {p for c in comps for p in c.params}
    missing = sorted(p.name for p in symbols if p.name not in by_name)
    if missing:
        raise ResponseError(f"model_values: missing values for {', '.join(missing)}")
    return comps[0].name, comps, {p: by_name[p.name] for p in symbols}


def sigma(model, mechanism: str, mu_eV, *, method: str = "closed-form", convention: str = "consistent",
          exchange_valleys: str = "same", params: Parameters = PAPER, model_values=None,
          **options) -> SigmaResult:
    """Second-order nonlinear Hall conductivity tensor sigma^{cab}(mu), SI (A m / V^2).

    Parameters
    ----------
    model : "tilted-dirac" (H_T, both valleys summed), "pt-dirac" (H_PT), or a
        user :class:`~symenh.models.base.SymbolicModel` (or a tuple of them,
        e.g. valleys) with a ``tilt_symbol``.
    mechanism : "bcd" (Berry curvature dipole, DC form), "inh" (intrinsic, BCP),
        "enh-t" (exchange, T-even, paper Eq. 10), "enh-pt" (exchange, PT-even, Eq. 9).
    mu_eV : chemical potential(s) in eV (scalar or 1-D); any sign; in the gap every
        sigma is exactly zero.
    method : "closed-form", "quadrature" or "grid".
    convention : "consistent" (charge -e, H' = +e E.r) or "printed" (Eqs. 9, 10 as printed).
    exchange_valleys : "same" (exchange within the valley of k; default) or "all".
    params : :class:`~symenh.params.Parameters` (tau, q_s and, for paper models,
        Delta, v, alpha).
    model_values : for a user model, {symbol or name: value} of its parameters in
        its units (eV, eV nm); the tilt symbol's value is the alpha reported.
    options : path settings, e.g. ``rtol`` (quadrature), ``n_k`` (grid).

    Returns a :class:`~symenh.responses.result.SigmaResult`: raw tensor
    [mu][c][a][b] at T = 0 and linear order in alpha (alpha d sigma/d alpha at 0).
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("method", method, METHODS)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange_valleys", exchange_valleys, EXCHANGE_VALLEYS)
    if not isinstance(params, Parameters):
        raise ResponseError("params: must be a symenh.Parameters")
    mu = np.atleast_1d(np.asarray(mu_eV, dtype=float))
    if mu.ndim != 1 or not np.all(np.isfinite(mu)):
        raise ResponseError("mu_eV: chemical potentials must be finite numbers (eV), scalar or 1-D")
    name, comps, values = _resolve_model(model, params, model_values)
    pre = Prefactors(tau_over_hbar=params.tau_over_hbar_per_eV, V0=params.V0_eV_nm2,
                     enh_sign=enh_sign(convention))
    job = Job(name, comps, mechanism, mu, params, values, pre, convention, exchange_valleys, dict(options))
    path = importlib.import_module(f"{__package__}.{_PATH_MODULES[method]}")
    with np.errstate(all="ignore"):  # overflow is reported below as one error, not as warnings
        raw, err = path.compute(job)
    sig = sigma_to_si(raw)
    err_si = None if err is None else np.asarray(sigma_to_si(err), dtype=float)
    if not np.all(np.isfinite(sig)):
        raise ResponseError(f"{method}: produced a non-finite conductivity at mu = "
                            f"{mu[~np.all(np.isfinite(sig.reshape(len(mu), -1)), axis=1)]} eV")
    meta = {"convention_note": CONVENTION_NOTES[convention],
            "sigma_bcd_form": "DC (the rectified-AC coefficient of Sodemann-Fu is half of it)",
            "fierz_factor": "as printed (Eq. 3 without 1/2)",
            "temperature_K": 0.0}
    if isinstance(model, str):
        meta["relative_signs"] = RELATIVE_SIGNS[convention]
    else:  # a user model: its own parameters, not the paper's alpha
        meta["model_values"] = {p.name: v for p, v in values.items()}
        meta["alpha"] = job.alpha
    return SigmaResult(model=name, mechanism=mechanism, method=method, convention=convention,
                       exchange_valleys=exchange_valleys, params=params, mu_eV=mu, sigma=sig,
                       error_estimate=err_si, meta=meta)
