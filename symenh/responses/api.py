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
from collections.abc import Mapping

import numpy as np
import sympy as sp

from ..errors import InputTypeError, ParameterError
from ..kernels.hamiltonian import values_by_name
from ..models.base import SymbolicModel
from ..models.paper import MODEL_NAMES, paper_valleys
from ..params import PAPER, Parameters, check_mu, check_real, check_real_array
from ..units import sigma_to_si
from .job import Job
from .result import CONVENTION_NOTES, RELATIVE_SIGNS, SigmaResult
from .spec import (CONVENTIONS, EXCHANGE_VALLEYS, MECHANISMS, METHODS, Prefactors, ResponseError,
                   check_choice, enh_sign)

_PATH_MODULES = {"closed-form": "closed_form", "quadrature": "quadrature", "grid": "grid"}
#: the mechanisms whose result depends on the exchange scope
EXCHANGE_MECHANISMS = ("enh-t", "enh-pt")


def check_options(options: dict) -> dict:
    """Path options (``rtol``, ``n_k``, ``kT_fractions``, ...) at the public boundary: each value
    is None (the path's default), a finite real number, or a 1-D sequence of finite real
    numbers; strings, complex numbers and bools are refused (:class:`InputTypeError` naming
    the option).  The path checks names and ranges."""
    out = {}
    for name, value in options.items():
        if value is None:
            out[name] = None
        elif name == "progress":   # usermodels: True/False or a callable(str); the path checks it
            out[name] = value
        elif isinstance(value, (list, tuple, np.ndarray)):
            out[name] = tuple(float(x) for x in _real_type_only(value, name, check_real_array))
        else:
            x = _real_type_only(value, name, check_real)
            out[name] = int(value) if isinstance(value, (int, np.integer)) else x
    return out


def _real_type_only(value, name, check):
    """``check`` (check_real / check_real_array) for the type alone: a NaN or an infinity is passed
    on, so that the path refuses it with the option's allowed range in the message."""
    try:
        return check(value, name)
    except InputTypeError:
        raise
    except ParameterError:
        return np.asarray(value, dtype=float) if check is check_real_array else float(value)


def check_exchange_scope(components, exchange_valleys: str, name: str = "exchange_valleys") -> None:
    """Refuse ``exchange_valleys="all"`` for a model with a single component (pt-dirac, one user
    model): there is no other valley to sum the exchange over."""
    if exchange_valleys == "all" and len(components) < 2:
        label = components[0].name if components else "this model"
        raise ResponseError(f"{name}: 'all' sums the exchange over several valleys, but {label} has a single "
                            "valley (its exchange sum already runs over all its bands); use 'same'")


def _check_model_values(model_values) -> dict:
    """{name: float} from a user's {symbol or name: real finite number}."""
    if not isinstance(model_values, Mapping):
        raise InputTypeError(f"model_values: must be a mapping {{symbol or name: value}}, got "
                             f"{type(model_values).__name__}")
    for key in model_values:
        if not isinstance(key, (str, sp.Symbol)):
            raise InputTypeError(f"model_values: keys must be SymPy symbols or their names, got {key!r}")
    return {k: check_real(v, f"model_values[{k!r}]") for k, v in values_by_name(model_values).items()}


def _resolve_model(model, params: Parameters, model_values):
    if isinstance(model, str):
        check_choice("model", model, MODEL_NAMES)
        if model_values is not None:
            raise ResponseError(f"model_values: not used for the paper model {model!r}; set its parameters "
                                "with params=symenh.Parameters(...) (units in the field names)")
        return model, paper_valleys(model), params.symbol_values()
    if isinstance(model, SymbolicModel):
        comps = (model,)
    elif isinstance(model, (tuple, list)):
        comps = tuple(model)
    else:
        raise InputTypeError(f"model: give a paper model name ({', '.join(MODEL_NAMES)}) or SymbolicModel(s), "
                             f"got {type(model).__name__}")
    if not comps or not all(isinstance(c, SymbolicModel) for c in comps):
        raise InputTypeError("model: give a paper model name or SymbolicModel(s)")
    if any(c.tilt_symbol is None for c in comps):
        raise ResponseError("model: a user model needs a tilt_symbol (responses are linear in the tilt)")
    if model_values is None:
        raise ResponseError("model_values: required for a user model (values of its parameter symbols)")
    by_name = _check_model_values(model_values)
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
    exchange_valleys : "same" (exchange within the valley of k; default) or "all" (over both
        valleys; refused for a single-valley model such as pt-dirac).  Only the ENH mechanisms
        depend on it; the result reports ``exchange_valleys=None`` for BCD and INH and for a
        single-valley model.
    params : :class:`~symenh.params.Parameters` (tau, q_s and, for paper models,
        Delta, v, alpha).
    model_values : for a user model, {symbol or name: value} of its parameters in
        its units (eV, eV nm); the tilt symbol's value is the alpha reported.
    options : path settings, e.g. ``rtol`` (quadrature), ``n_k`` (grid): real numbers or 1-D
        sequences of them (the path checks their names and ranges).

    Every argument is checked here: mu real and finite with |mu| <= 1e4 eV
    (:func:`symenh.params.check_mu`), ``params`` a :class:`~symenh.params.Parameters`,
    ``model_values`` real and finite.  Errors are :class:`~symenh.errors.SymenhError`
    subclasses (InputTypeError for a wrong type, ParameterError for a value out of range,
    ResponseError for a refused request) with a one-line message naming the argument.

    Returns a :class:`~symenh.responses.result.SigmaResult`: raw tensor
    [mu][c][a][b] at T = 0 and linear order in alpha (alpha d sigma/d alpha at 0).
    """
    for arg, value in (("mechanism", mechanism), ("method", method), ("convention", convention),
                       ("exchange_valleys", exchange_valleys)):
        if not isinstance(value, str):
            raise InputTypeError(f"{arg}: must be a name (str), got {type(value).__name__}")
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("method", method, METHODS)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange_valleys", exchange_valleys, EXCHANGE_VALLEYS)
    if not isinstance(params, Parameters):
        raise InputTypeError(f"params: must be a symenh.Parameters, got {type(params).__name__}")
    mu = check_mu(mu_eV, "mu_eV", params.Delta_eV if isinstance(model, str) else None)
    options = check_options(options)
    name, comps, values = _resolve_model(model, params, model_values)
    check_exchange_scope(comps, exchange_valleys)
    pre = Prefactors(tau_over_hbar=params.tau_over_hbar_per_eV, V0=params.V0_eV_nm2,
                     enh_sign=enh_sign(convention))
    job = Job(name, comps, mechanism, mu, params, values, pre, convention, exchange_valleys, dict(options))
    path = importlib.import_module(f"{__package__}.{_PATH_MODULES[method]}")
    with np.errstate(all="ignore"):  # overflow is reported below as one error, not as warnings
        if isinstance(model, str):   # the paper models' parameter ranges exclude overflow
            raw, err = path.compute(job)
        else:
            try:
                raw, err = path.compute(job)
            except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
                raise ResponseError(f"model_values: {method} hit {type(exc).__name__} ({exc}) with these "
                                    "parameter values; rescale them (units) or move mu") from None
    sig = sigma_to_si(raw)
    err_si = None if err is None else np.asarray(sigma_to_si(err), dtype=float)
    finite = np.all(np.isfinite(sig.reshape(len(mu), -1)), axis=1)
    if err_si is not None:
        finite &= np.isfinite(err_si.reshape(len(mu), -1)).all(axis=1)
    if not np.all(finite):
        raise ResponseError(f"{method}: produced a non-finite conductivity or error estimate at mu = "
                            f"{mu[~finite]} eV")
    meta = {"convention_note": CONVENTION_NOTES[convention],
            "sigma_bcd_form": "DC (the rectified-AC coefficient of Sodemann-Fu is half of it)",
            "fierz_factor": "as printed (Eq. 3 without 1/2)",
            "temperature_K": 0.0}
    if isinstance(model, str):
        meta["relative_signs"] = RELATIVE_SIGNS[convention]
    else:  # a user model: its own parameters, not the paper's alpha
        meta["model_values"] = {p.name: v for p, v in values.items()}
        meta["alpha"] = job.alpha
    scope = exchange_valleys if mechanism in EXCHANGE_MECHANISMS and len(comps) > 1 else None
    return SigmaResult(model=name, mechanism=mechanism, method=method, convention=convention,
                       exchange_valleys=scope, params=params, mu_eV=mu, sigma=sig,
                       error_estimate=err_si, meta=meta)
