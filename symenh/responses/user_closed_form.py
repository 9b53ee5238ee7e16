"""Closed forms for a user's two-level model, attempted under a time limit (issue 11 item 3).

``symenh.sigma(model, mechanism, mu, method="closed-form", model_values=..., closed_form_timeout=60)``
with a user model.  What SymPy can do in closed form here is the family the exact integrals of
:mod:`symenh.integrate.symbolic` cover: two-level models ``H = t(k) + d(k).s`` whose levels are
``t -+ E`` with

    E^2 = Delta^2 + (hbar v_x k_x)^2 + (hbar v_y k_y)^2

for parameters Delta, hbar v_x, hbar v_y of the user's model (any names; ``E^2 = m^2 + (v k_x)^2 +
(u k_y)^2`` in the user's symbols is recognised and renamed), a tilt on the identity, any spin
operators (the components are summed as given: both valleys of a hand-written H_T, or the two
tau_y blocks of H_PT, which are two-level models).

1. **Cheap checks** (no derivation): two bands, the dispersion of that form, every symbol
   accounted for; otherwise one line naming method="quadrature".
2. **Derivation under a time limit**: the final sigma^{cab} of every branch are derived in a
   spawned child process (:func:`symenh.geometry.timelimit.call_with_timeout`), at most
   ``closed_form_timeout`` seconds (default 60) in all; on time-out or failure one line naming
   method="quadrature".
3. **Report**: with ``progress`` (True: stderr, or a callable) one line per factor entry saying
   whether it came out in closed form (no unevaluated integral left).

Evaluation then reuses the paper models' lambdified final expressions
(:func:`symenh.responses.closed_form.sigma_kernel`); error estimate None (exact up to rounding).
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import sympy as sp

from ..errors import ClosedFormUnavailable, ModelError, ResponseError
from ..geometry.timelimit import GeometryTimeout, call_with_timeout, reporter
from ..models.base import SymbolicModel, decompose
from ..models.symbols import ALPHA, DELTA, HVX, HVY, KX, KY

DEFAULT_TIMEOUT = 60.0
OPTIONS = ("closed_form_timeout", "progress")
_QUAD = "use method='quadrature'"


def _dirac_map(model: SymbolicModel) -> dict:
    """{user symbol: paper symbol} renaming ``model`` onto Delta, hbar_v_x, hbar_v_y, alpha, or a
    one-line ResponseError saying why the closed form does not cover it."""
    name = model.name
    if model.dim != 2:
        raise ClosedFormUnavailable(f"closed-form: {name} has {model.dim} bands; the closed form covers two-level "
                            f"models (Dirac-type dispersion); {_QUAD}")
    if model.tilt_symbol is None:
        raise ClosedFormUnavailable(f"closed-form: {name} needs a tilt_symbol; {_QUAD}")
    h = model.matrix()
    t = model.identity_part()
    h0 = (h - t * sp.eye(2)).applyfunc(sp.expand)
    e2 = sp.expand((h0 * h0)[0, 0])
    if getattr(model, "lattice", None) is not None:
        raise ClosedFormUnavailable(f"closed-form: {name} is a lattice model (integrals over the Brillouin zone); "
                            "use method='grid'")
    try:
        poly = sp.Poly(e2, KX, KY)
    except sp.PolynomialError:
        raise ClosedFormUnavailable(f"closed-form: the dispersion of {name} is not a polynomial in k; "
                                    f"{_QUAD}") from None
    allowed = {(0, 0), (2, 0), (0, 2)}
    if any(m not in allowed for m in poly.monoms()):
        raise ClosedFormUnavailable(f"closed-form: the dispersion of {name} is not of the form Delta^2 + (v_x k_x)^2 + "
                            f"(v_y k_y)^2 (E^2 = {sp.sstr(e2)[:80]}); {_QUAD}")
    coeff = {m: poly.coeff_monomial(KX**m[0] * KY**m[1]) for m in allowed}
    mapping = {}
    for m, target in (((0, 0), DELTA), ((2, 0), HVX), ((0, 2), HVY)):
        c = sp.factor(coeff[m])
        base, ok = None, False
        if isinstance(c, sp.Pow) and c.exp == 2 and isinstance(c.base, sp.Symbol):
            base, ok = c.base, True
        if not ok or base in mapping or base == model.tilt_symbol:
            raise ClosedFormUnavailable(f"closed-form: the {target.name}^2 term of {name} is {sp.sstr(c)}, not the "
                                f"square of one parameter; {_QUAD}")
        mapping[base] = target
    mapping[model.tilt_symbol] = ALPHA
    tau = sp.expand(model.tilt() / model.tilt_symbol)
    if sp.simplify(tau.diff(KX)) != 0 or sp.simplify(tau.diff(KY, 2)) != 0 or tau.subs(KY, 0) != 0:
        raise ClosedFormUnavailable(f"closed-form: the tilt of {name} is {sp.sstr(tau)} times alpha; the closed form "
                            f"covers a tilt c k_y; {_QUAD}")
    extra = set(model.params) - set(mapping)
    free = set().union(*(c.free_symbols for c, _ in model.terms))
    if extra & free:
        raise ClosedFormUnavailable(f"closed-form: {name} has parameters {sorted(p.name for p in extra & free)} beyond "
                            f"Delta, v_x, v_y, alpha; {_QUAD}")
    return mapping


def _renamed(model: SymbolicModel, mapping: dict) -> SymbolicModel:
    mat = model.matrix().subs(mapping, simultaneous=True)
    params = (DELTA, HVX, HVY, ALPHA)
    return dataclasses.replace(model, terms=decompose(sp.Matrix(mat), (KX, KY) + params), params=params,
                               tilt_symbol=ALPHA, name=f"{model.name}[closed form]")


def _derive_all(components: tuple, mechanism: str, branches: tuple, exchange: str):
    """(final expressions per branch, {(component, factor entry): closed?}) -- run in the child."""
    from .closed_form import _needed, factor_expressions, final_expressions

    exprs = {b: final_expressions(components, mechanism, b, exchange) for b in branches}
    report = {}
    for i, c in enumerate(components):
        fx = factor_expressions(c)
        for ent in _needed(mechanism):
            report[(i, ent)] = all(not sp.sympify(e).has(sp.Integral) for b in branches
                                   for e in _flat(fx[b][ent]))
    return exprs, report


def _flat(x):
    if isinstance(x, (tuple, list)):
        return [y for v in x for y in _flat(v)]
    return [x]


def _options(job) -> dict:
    unknown = set(job.options) - set(OPTIONS)
    if unknown:
        raise ResponseError(f"closed-form: unknown option(s) {', '.join(sorted(unknown))}; allowed: {', '.join(OPTIONS)}")
    t = job.options.get("closed_form_timeout")
    t = DEFAULT_TIMEOUT if t is None else t
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not (0 < float(t) <= 3600):
        raise ResponseError(f"closed_form_timeout: must be a number of seconds in (0, 3600], got {t!r}")
    return {"closed_form_timeout": float(t), "progress": job.options.get("progress")}


def paper_form(components, values) -> tuple:
    """(components renamed onto Delta, hbar_v_x, hbar_v_y, alpha; {paper symbol: value}; the
    {user symbol: paper symbol} maps) of a user's two-level model, or a one-line ResponseError
    naming quadrature (the cheap checks: no derivation).  ``values``: {user symbol: value}."""
    maps = [_dirac_map(c) for c in components]               # cheap checks first
    comps = tuple(_renamed(c, m) for c, m in zip(components, maps))
    vals = {}
    for m in maps:
        for user, paper in m.items():
            v = float(values[user])
            if paper in vals and vals[paper] != v:
                raise ClosedFormUnavailable("closed-form: the components map onto different Delta, v_x, v_y or alpha "
                                    f"values; {_QUAD}")
            vals[paper] = v
    return comps, vals, maps


def derive(comps: tuple, mechanism: str, branches: tuple, exchange: str, timeout: float, what: str) -> tuple:
    """(final expressions per branch, {(component, factor entry): closed?}) of the renamed
    components ``comps`` (:func:`paper_form`), derived in a child process within ``timeout`` s;
    a time-out or a failure is one ResponseError line naming quadrature."""
    try:
        return call_with_timeout(_derive_all, (comps, mechanism, branches, exchange), timeout,
                                 what=f"the closed form of {what}")
    except GeometryTimeout as exc:
        raise ClosedFormUnavailable(f"closed_form_timeout: {exc}; {_QUAD} (or raise closed_form_timeout)") from None
    except ModelError as exc:
        raise ClosedFormUnavailable(f"closed-form: {exc}; {_QUAD}") from None


def compute(job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV from closed forms; error estimate None."""
    from .closed_form import KERNEL_ARGS, _branch_masks
    from .job import require_default

    require_default(job, "closed-form path for a user model")
    opt = _options(job)
    say = reporter(opt["progress"])
    comps, vals, _ = paper_form(job.components, job.values)
    mu = np.asarray(job.mu_eV, dtype=float).reshape(-1)
    out = np.zeros((mu.size, 8))
    masks = _branch_masks(mu, vals[DELTA])
    if not masks:
        return out.reshape(mu.shape + (2, 2, 2)), None
    branches = tuple(b for b, _ in masks)
    say(f"closed-form: deriving {job.mechanism} of {job.model_name} (time limit {opt['closed_form_timeout']:g} s)")
    t0 = time.monotonic()
    exprs, report = derive(comps, job.mechanism, branches, job.exchange, opt["closed_form_timeout"], job.model_name)
    for (i, ent), ok in report.items():
        say(f"closed-form: component {i} ({job.components[i].name}) factor {ent}: "
            f"{'closed form' if ok else 'NOT in closed form'}")
    if not all(report.values()):
        raise ClosedFormUnavailable(f"closed-form: SymPy left integrals unevaluated for {job.model_name}; {_QUAD}")
    say(f"closed-form: derived in {time.monotonic() - t0:.1f} s")
    pre = job.pre
    args = (vals[DELTA], vals[HVX], vals[HVY], vals[ALPHA], float(pre.tau_over_hbar), float(pre.V0),
            float(pre.enh_sign))
    for branch, mask in masks:
        ex = exprs[branch]
        index = [i for i, e in enumerate(ex) if e != 0]
        if not index:
            continue
        fn = sp.lambdify(KERNEL_ARGS, [ex[i] for i in index], modules="numpy", cse=True)
        sel = mu if mask is None else mu[mask]
        for i, v in zip(index, fn(sel, *args)):
            if mask is None:
                out[:, i] = v
            else:
                out[mask, i] = v
    return out.reshape(mu.shape + (2, 2, 2)), None


__all__ = ["DEFAULT_TIMEOUT", "OPTIONS", "compute", "derive", "paper_form"]
