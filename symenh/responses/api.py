"""Public entry point for the four conductivities: :func:`sigma`.

Three independent paths compute the same tensors (see :mod:`symenh.responses.spec`):

* ``closed-form``: SymPy derives each conductivity as an explicit function of mu
  and the parameters at linear order in alpha, then lambdified (paper models);
* ``quadrature``: adaptive Fermi-contour and Fermi-sea integrals at finite alpha
  (scipy), linear coefficient by Richardson extrapolation, with an error estimate;
* ``grid``: brute-force k grid with ``eigh`` at small temperature, extrapolated
  to T -> 0 and infinite cutoff (the slow reference).

Beyond the paper's settings (each default reproduces its numbers bit for bit): the
interaction (``interaction=``, eps_r in :class:`~symenh.params.Parameters`), the exchange
channels (``exchange=``), the temperature (``Parameters.T_K``), the order in the tilt
(``order=``) and the mechanism ``inh-full``; each path declares in ``SUPPORTS`` which it
handles (:func:`check_supported`).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Mapping
from functools import cache

import numpy as np
import sympy as sp

from ..errors import InputTypeError, ParameterError
from ..geometry.channels import CHANNEL_SETS, exchange_channels
from ..interactions import Interaction, make_interaction, user_interaction
from ..kernels.hamiltonian import values_by_name
from ..threads import blas_threads
from ..models.base import SymbolicModel
from ..models.paper import MODEL_NAMES, paper_valleys
from ..params import GAPLESS_MU_MIN_EV, MU_MAX_EV, PAPER, Parameters, check_mu, check_real, check_real_array
from ..units import sigma_to_si
from .job import ORDERS, Job, require_default
from .result import CONVENTION_NOTES, FIERZ_NOTES, RELATIVE_SIGNS, SigmaResult
from .spec import (
    CONVENTIONS,
    EXCHANGE_VALLEYS,
    MECHANISMS,
    METHODS,
    OCCUPATIONS,
    Prefactors,
    ResponseError,
    check_choice,
    enh_sign,
)

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


#: interactions by name (``interaction=`` / ``--interaction``); in Python also an
#: :class:`~symenh.interactions.Interaction`, a callable V(|q| in 1/nm) -> eV nm^2 or a SymPy expression in q
INTERACTION_NAMES = ("contact", "screened-coulomb")
#: the mechanisms an occupation choice applies to
OCCUPATION_MECHANISMS = ("inh-full",)


def resolve_interaction(interaction, params: Parameters) -> Interaction:
    """The :class:`~symenh.interactions.Interaction` of a request: by name with ``params.q_s_per_nm``
    and ``params.eps_r``, a user V(q) (callable of |q| in 1/nm returning eV nm^2, or a SymPy
    expression in :data:`symenh.interactions.Q`) divided by ``params.eps_r``, or an Interaction
    as given (its eps_r and q_s must then be those of ``params``: one value each)."""
    choices = ", ".join(INTERACTION_NAMES)
    if isinstance(interaction, str):
        check_choice("interaction", interaction, INTERACTION_NAMES)
        return make_interaction(interaction, params.q_s_per_nm, params.eps_r)
    if isinstance(interaction, Interaction):
        if interaction.eps_r != params.eps_r:
            raise ResponseError(f"interaction: its eps_r ({interaction.eps_r:g}) differs from params.eps_r "
                                f"({params.eps_r:g}); set eps_r once (params=symenh.Parameters(eps_r=...))")
        if interaction.q_s_per_nm is not None and interaction.q_s_per_nm != params.q_s_per_nm:
            raise ResponseError(f"interaction: its q_s ({interaction.q_s_per_nm:g}/nm) differs from "
                                f"params.q_s_per_nm ({params.q_s_per_nm:g}/nm); set q_s once")
        return interaction
    if isinstance(interaction, sp.Basic) or (callable(interaction) and not isinstance(interaction, type)):
        return user_interaction(interaction, params.eps_r, "user V(q)" if callable(interaction) else "")
    raise InputTypeError(f"interaction: give a name ({choices}), a symenh.interactions.Interaction, a callable "
                         f"V(|q| in 1/nm) -> eV nm^2 or a SymPy expression in q; got {type(interaction).__name__}")


@cache
def _path_module(method: str):
    """The module of a path (imported once; ``method`` already checked)."""
    return importlib.import_module(f"{__package__}.{_PATH_MODULES[method]}")


def _supports(method: str) -> dict:
    return dict(getattr(_path_module(method), "SUPPORTS", {}))


def _checked_mu(mu_eV, delta_eV) -> np.ndarray:
    """:func:`symenh.params.check_mu` with a fast path for the common case, a non-empty 1-D float
    array whose values are all finite and in range (one reduction instead of three); anything
    else, and every refusal with its message, goes through check_mu itself."""
    if type(mu_eV) is np.ndarray and mu_eV.ndim == 1 and mu_eV.dtype == np.float64 and mu_eV.size:
        out = mu_eV.astype(float)          # a copy, as check_mu returns
        a = np.abs(out)
        top = float(a.max())               # NaN propagates; +-inf exceeds the bound
        if top <= MU_MAX_EV and (delta_eV != 0 or not np.any((a != 0) & (a < GAPLESS_MU_MIN_EV))):
            return out
    return check_mu(mu_eV, "mu_eV", delta_eV)


def _all_finite(x) -> bool:
    """True when every entry of ``x`` is finite: one sum (NaN and inf propagate through it; an
    overflow of the sum itself falls back to the entry-by-entry test)."""
    with np.errstate(all="ignore"):
        if np.isfinite(np.sum(x)):
            return True
    return bool(np.all(np.isfinite(x)))


def check_supported(job: Job, method: str) -> None:
    """:func:`~symenh.responses.job.require_default` for ``method``'s ``SUPPORTS``; the one-line
    refusal names the methods that do handle the setting."""
    try:
        require_default(job, method, **_supports(method))
    except ResponseError as exc:
        others = []
        for m in METHODS:
            if m == method:
                continue
            try:
                require_default(job, m, **_supports(m))
            except ResponseError:
                continue
            others.append(m)
        setting = str(exc).split(":", 1)[0]
        where = f"the methods that handle it: {', '.join(others)}" if others else "no method handles it yet"
        raise ResponseError(f"{setting}: the {method} method does not handle {setting} = "
                            f"{_setting_value(job, setting)!r}; {where}") from None


def _setting_value(job: Job, setting: str):
    if setting == "interaction":
        return getattr(job.interaction, "kind", "contact")
    return getattr(job, setting)


def _check_name(arg: str, value, allowed) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{arg}: must be a name (str), one of {', '.join(allowed)}; got {type(value).__name__}")
    return check_choice(arg, value, allowed)


def sigma(model, mechanism: str, mu_eV, *, method: str = "closed-form", convention: str = "consistent",
          exchange_valleys: str = "same", params: Parameters = PAPER, model_values=None,
          interaction="contact", exchange: str = "printed", order: str = "linear", occupation: str = "bare",
          **options) -> SigmaResult:
    """Second-order nonlinear Hall conductivity tensor sigma^{cab}(mu), SI (A m / V^2).

    Parameters
    ----------
    model : "tilted-dirac" (H_T, both valleys summed), "pt-dirac" (H_PT), or a
        user :class:`~symenh.models.base.SymbolicModel` (or a tuple of them,
        e.g. valleys) with a ``tilt_symbol``.
    mechanism : "bcd" (Berry curvature dipole, DC form), "inh" (intrinsic, BCP, the paper's),
        "enh-t" (exchange, T-even, paper Eq. 10), "enh-pt" (exchange, PT-even, Eq. 9),
        "inh-full" (the full intrinsic second-order conductivity: INH plus the second-order band
        energy -(e^2/2) E.G.E; derivations/inh_full_intrinsic.py; not antisymmetric in c, a).
    mu_eV : chemical potential(s) in eV (scalar or 1-D); any sign; in the gap every
        sigma is exactly zero at T = 0 (thermally activated, non-zero, at T > 0).
    method : "closed-form", "quadrature" or "grid".
    convention : "consistent" (charge -e, H' = +e E.r) or "printed" (Eqs. 9, 10 as printed).
    exchange_valleys : "same" (exchange within the valley of k; default) or "all" (over both
        valleys; refused for a single-valley model such as pt-dirac).  Only the ENH mechanisms
        depend on it; the result reports ``exchange_valleys=None`` for BCD and INH and for a
        single-valley model.
    params : :class:`~symenh.params.Parameters` (tau, q_s, eps_r, the temperature T_K (kelvin)
        and, for paper models, Delta, v, alpha).  ``eps_r`` divides every interaction (the contact
        V_0 = e^2/(4 pi eps_0 eps_r q_s) included); at ``T_K > 0`` every mechanism is computed with
        the Fermi function (closed form: the factors convolved with -df/dE, then assembled).
    model_values : for a user model, {symbol or name: value} of its parameters in
        its units (eV, eV nm); the tilt symbol's value is the alpha reported.
    interaction : the interaction V(q) of the exchange (ENH only; BCD and INH do not depend on it):
        "contact" (the paper's V_0, default), "screened-coulomb" (V(q) = e^2/(2 eps_0 eps_r (q + q_s)),
        eV nm^2 with q in 1/nm), a :class:`~symenh.interactions.Interaction`, a callable
        V(|q| as a numpy array in 1/nm) -> eV nm^2, or a SymPy expression in
        :data:`symenh.interactions.Q` (1/nm) giving eV nm^2; a user V is divided by eps_r.
        A q-dependent V needs method "quadrature" or "grid".
    exchange : the exchange channels of Eq. 3 (ENH only): "printed" (s^eta with weight 1, as printed;
        default) or "fock" (the complete Fock exchange of a density-density interaction: every
        channel of an orthonormal Hermitian basis, weight 1; one half of printed for H_T, one
        quarter for H_PT with the contact interaction, where the twelve other channels vanish).
    order : in the tilt alpha: "linear" (alpha d sigma/d alpha at alpha = 0, default), "exact"
        (sigma at the finite alpha; quadrature, grid) or "cubic" (linear plus the alpha^3 term
        alpha^3/6 d^3 sigma/d alpha^3 at 0; closed form), so that linear + cubic can be set against exact.
        ENH with a q-dependent V or ``exchange="fock"`` at the exact tilt: method "grid" for the paper
        models, user k.p models and lattice models (T = 0 or T > 0; the FFT exchange fields with the
        occupations at eps0 + alpha tau), method "quadrature" for a user k.p or lattice model with enh-t
        at T = 0 (printed or Fock channels); refused otherwise (the paper models' quadrature: use "grid").
    occupation : for inh-full only: "bare" (occupations relax towards f0(eps0), default) or
        "field-corrected" (towards f0(eps0 + eps^(2)): inh-full then equals inh).
    options : path settings, e.g. ``rtol`` (quadrature; closed form at T > 0), ``n_k`` (grid): real
        numbers or 1-D sequences of them (the path checks their names and ranges).

    Every argument is checked here: mu real and finite with |mu| <= 1e4 eV
    (:func:`symenh.params.check_mu`), ``params`` a :class:`~symenh.params.Parameters`,
    ``model_values`` real and finite, the names above among their choices, a user V finite for
    every q >= 0.  A setting the chosen method does not handle is refused in one line naming the
    methods that do.  Errors are :class:`~symenh.errors.SymenhError` subclasses (InputTypeError for
    a wrong type, ParameterError for a value out of range, ResponseError for a refused request)
    with a one-line message naming the argument.

    Returns a :class:`~symenh.responses.result.SigmaResult`: raw tensor [mu][c][a][b] in A m / V^2
    at ``params.T_K`` and the requested order in alpha, with the interaction, exchange, per-channel
    parts (ENH), temperature and order it was computed with.
    """
    for arg, value in (("mechanism", mechanism), ("method", method), ("convention", convention),
                       ("exchange_valleys", exchange_valleys)):
        if not isinstance(value, str):
            raise InputTypeError(f"{arg}: must be a name (str), got {type(value).__name__}")
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("method", method, METHODS)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange_valleys", exchange_valleys, EXCHANGE_VALLEYS)
    _check_name("exchange", exchange, CHANNEL_SETS)
    _check_name("order", order, tuple(ORDERS))
    _check_name("occupation", occupation, OCCUPATIONS)
    if occupation != "bare" and mechanism not in OCCUPATION_MECHANISMS:
        raise ResponseError(f"occupation: only {', '.join(OCCUPATION_MECHANISMS)} depends on it, not {mechanism!r}; "
                            "leave it 'bare'")
    if not isinstance(params, Parameters):
        raise InputTypeError(f"params: must be a symenh.Parameters, got {type(params).__name__}")
    inter = resolve_interaction(interaction, params)
    mu = _checked_mu(mu_eV, params.Delta_eV if isinstance(model, str) else None)
    options = check_options(options) if options else {}
    name, comps, values = _resolve_model(model, params, model_values)
    check_exchange_scope(comps, exchange_valleys)
    enh = mechanism in EXCHANGE_MECHANISMS
    # V_0 = e^2/(4 pi eps_0 eps_r q_s): the contact interaction's value (its eps_r and q_s are params')
    pre = Prefactors(tau_over_hbar=params.tau_over_hbar_per_eV, V0=params.V0_eV_nm2,
                     enh_sign=enh_sign(convention))
    # BCD and INH do not depend on the exchange: their Job carries the paper's contact and channels
    by_name_contact = isinstance(interaction, str) and interaction == "contact"   # inter is that contact already
    job = Job(name, comps, mechanism, mu, params, values, pre, convention, exchange_valleys, dict(options),
              interaction=inter if enh or by_name_contact else make_interaction("contact", params.q_s_per_nm,
                                                                                 params.eps_r),
              channels=exchange if enh else "printed", T_K=params.T_K, order=order, occupation=occupation)
    check_supported(job, method)
    path = _path_module(method)
    # the closed form is a few vectorised evaluations (no BLAS worth limiting, and 1 ms of
    # threadpoolctl would be twice its cost); the numerical paths make many small BLAS calls
    threads = contextlib.nullcontext() if method == "closed-form" else blas_threads()
    with threads, np.errstate(all="ignore"):  # overflow is reported below as one error, not as warnings
        if isinstance(model, str):   # the paper models' parameter ranges exclude overflow
            out = path.compute(job)
        else:
            try:
                out = path.compute(job)
            except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
                raise ResponseError(f"model_values: {method} hit {type(exc).__name__} ({exc}) with these "
                                    "parameter values; rescale them (units) or move mu") from None
    raw, err = out[0], out[1]
    extra = out[2] if len(out) > 2 and out[2] else {}
    sig = sigma_to_si(raw)
    err_si = None if err is None else np.asarray(sigma_to_si(err), dtype=float)
    if not (_all_finite(sig) and (err_si is None or _all_finite(err_si))):
        finite = np.all(np.isfinite(sig.reshape(len(mu), -1)), axis=1)
        if err_si is not None:
            finite &= np.isfinite(err_si.reshape(len(mu), -1)).all(axis=1)
        raise ResponseError(f"{method}: produced a non-finite conductivity or error estimate at mu = "
                            f"{mu[~finite]} eV")
    channels = None
    if enh:
        groups = extra.get("channels")
        if groups:
            channels = {g: np.asarray(sigma_to_si(v), dtype=float).reshape(sig.shape) for g, v in groups.items()}
        elif exchange == "printed":   # the printed channels s^eta are one group: the total
            channels = {exchange_channels(comps[0], "printed").groups[0]: np.asarray(sig, dtype=float)}
    meta = {"convention_note": CONVENTION_NOTES[convention],
            "sigma_bcd_form": "DC (the rectified-AC coefficient of Sodemann-Fu is half of it)",
            "fierz_factor": FIERZ_NOTES[exchange] if enh else FIERZ_NOTES["printed"],
            "temperature_K": float(params.T_K)}
    if mechanism in OCCUPATION_MECHANISMS:
        meta["occupation"] = occupation
    if isinstance(model, str):
        meta["relative_signs"] = RELATIVE_SIGNS[convention]
    else:  # a user model: its own parameters, not the paper's alpha
        meta["model_values"] = {p.name: v for p, v in values.items()}
        meta["alpha"] = job.alpha
    meta.update(extra.get("meta", {}))   # usermodels: what a path records (e.g. k_cutoff and its dependence)
    scope = exchange_valleys if enh and len(comps) > 1 else None
    return SigmaResult(model=name, mechanism=mechanism, method=method, convention=convention,
                       exchange_valleys=scope, params=params, mu_eV=mu, sigma=sig,
                       error_estimate=err_si, meta=meta, interaction=inter.describe(), exchange=exchange,
                       channels=channels, order=order)
