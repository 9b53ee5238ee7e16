r"""Quadrature path at finite temperature and at the exact tilt (independent of the closed form).

* T > 0 (linear or exact order): the direct finite-T momentum integrals of
  :class:`symenh.integrate.thermal_rays.ThermalRays` -- the Fermi function itself on rays
  from k = 0, radial panels where f' is, the Fermi sea as the disc plus the alpha-independent
  exterior with the angle first.  Linear order: d/d alpha acts on f only
  (``f'(eps0) tau``, ``f''(eps0) tau d_c eps0 + f'(eps0) d_c tau``); exact: the factors at the
  requested alpha, ``f(eps0 + alpha tau)``.  No energy convolution is involved.
* T = 0, linear: :func:`symenh.responses.quadrature.compute` (today's path, unchanged).
* T = 0, exact: the contour and sea integrals of :mod:`symenh.responses.quadrature` /
  :mod:`symenh.integrate.sea` at the tilt alpha itself (``F(alpha) = E + alpha Dq`` with a single
  step h = alpha); mu between the tilted band bottom ``|Delta| sqrt(1 - (alpha/hbar v_y)^2)``
  and ``|Delta|`` makes a Fermi pocket that does not enclose k = 0, which the ray contours cannot
  represent (ContourError; use T > 0 or the grid).

The conductivity is assembled by :mod:`symenh.responses.assembly` (all five mechanisms).
Errors: per mu, a bound on every raw element propagated from the factors' elementwise
estimates.  Units: raw sigma in e^3/hbar nm/eV, kT in eV.
"""

from __future__ import annotations

import numpy as np

from ..errors import ContourError
from ..integrate.contour import RayContours
from ..integrate.sea import sea_compact, sea_exterior, split_radius
from ..integrate.thermal_rays import ThermalRays
from . import quadrature as _quad
from .assembly import (
    FACTOR_SHAPES,
    FACTORS_ALL,
    check_mechanism,
    derivative_error_terms,
    error_bound,
    linear_term,
    sigma_of,
)
from .spec import ResponseError, check_choice

ORDERS_Q = ("linear", "exact")


def _options(job):
    opts = dict(job.options)
    rtol = float(opts.pop("rtol", 1e-10))
    panel_kT = float(opts.pop("panel_kT", 1.5))
    split = float(opts.pop("sea_split", 2.0))
    if opts:
        raise ResponseError(f"quadrature: unknown option(s) {', '.join(sorted(opts))}; allowed at T > 0 or "
                            "exact order: rtol, panel_kT, sea_split")
    if not (0 < rtol < 1) or not panel_kT > 0:
        raise ResponseError("rtol: need 0 < rtol < 1 (and panel_kT > 0)")
    return rtol, panel_kT, split


def thermal_factors(job, kT: float, names, linear: bool, alpha: float, rtol: float = 1e-10, panel_kT: float = 1.5):
    """Finite-T factors of every component: ({k: {name: (n_comp, n_mu, *shape)}}, errors alike).

    ``linear``: k = 0 the value at alpha = 0, k = 1 d/d alpha at 0; else k = 0 the value at
    ``alpha`` (eV nm).  ``kT`` > 0 in eV.  Spec.py units.
    """
    mu = np.atleast_1d(np.asarray(job.mu_eV, dtype=float))
    per = []
    for comp in job.components:
        rc = RayContours(comp, job.values)
        tr = ThermalRays(rc, mu, kT, 0.0 if linear else alpha, panel_kT=panel_kT)
        per.append(tr.factors(list(names), linear, rtol))
    ks = (0, 1) if linear else (0,)
    vals = {k: {n: np.stack([p[0][(n, k)] for p in per]) for n in names if (n, k) in per[0][0]} for k in ks}
    errs = {k: {n: np.stack([p[1][(n, k)] for p in per]) for n in names if (n, k) in per[0][1]} for k in ks}
    return vals, errs


def _exact_zero_T(job, names, rtol, split):
    """Factors at alpha itself, T = 0: ({name: (n_comp, n_mu, *shape)}, errors alike)."""
    mu = np.atleast_1d(np.asarray(job.mu_eV, dtype=float))
    alpha = job.alpha
    comps = [RayContours(m, job.values) for m in job.components]
    for rc in comps:
        if rc.is_dirac:
            D = abs(rc.Delta)
            t = abs(alpha * rc.ex.dirac_c / rc.sy)
            bad = (np.abs(mu) <= D) & (np.abs(mu) > D * np.sqrt(max(0.0, 1 - t * t)))
            if np.any(bad):
                raise ContourError(f"mu: at mu = {mu[bad][0]} eV the tilted band makes a Fermi pocket that does "
                                   "not enclose k = 0; the exact-tilt quadrature at T = 0 cannot represent it "
                                   "(use T > 0 or method='grid')")
    levels = [rc.crossing_level(mu) for rc in comps]
    active = np.any(np.stack(levels) >= 0, axis=0)
    vals = {n: np.zeros((len(comps), len(mu)) + FACTOR_SHAPES[n]) for n in names}
    errs = {n: np.zeros_like(v) for n, v in vals.items()}
    if not np.any(active) or alpha == 0:
        return vals, errs, active
    m = mu[active]
    lev = [lv[active] for lv in levels]
    tol = max(min(rtol * 1e-2, 1e-10), 1e-14)
    hs = np.full((1, len(m)), alpha)
    surf = [n for n in names if n != "B"]
    if surf:
        E, Dq, eE, eD = _quad._surface_factors(comps, lev, m, np.abs(hs), surf, tol)
        sgn = np.sign(alpha)
        for n in surf:
            vals[n][:, active] = E[n][:, 0] + sgn * np.abs(alpha) * Dq[n][:, 0]
            e = (eE[n][0] + abs(alpha) * eD[n][0]).reshape((1, -1) + (1,) * len(FACTOR_SHAPES[n]))
            errs[n][:, active] = np.broadcast_to(e, vals[n][:, active].shape)
    if "B" in names:
        for i, (rc, lv) in enumerate(zip(comps, lev)):
            h = np.abs(hs)
            R = split_radius(rc, lv, m, np.concatenate([h, -h]), split)
            Ec, Dc, eEc, eDc = sea_compact(rc, lv, m, h, R, tol)
            Bx, eBx = sea_exterior(rc, R, tol)
            vals["B"][i, active] = Ec[0] + np.sign(alpha) * np.abs(alpha) * Dc[0] + Bx
            errs["B"][i, active] = (eEc[0] + abs(alpha) * eDc[0] + eBx)[:, None, None]
    return vals, errs, active


def compute(job, kT: float = 0.0, order: str = "linear", occupation: str = "bare"):
    """Raw sigma (n_mu, 2, 2, 2) in e^3/hbar nm/eV and its error bound per mu.

    ``kT`` in eV (>= 0); ``order`` "linear" (alpha d sigma/d alpha at 0) or "exact"
    (sigma at the requested alpha).  Options of ``job``: ``rtol`` (default 1e-10),
    ``panel_kT`` (radial panel width in kT, 1.5), ``sea_split`` (T = 0 exact only).
    """
    return compute_mechanisms(job, kT, (job.mechanism,), order, occupation)[job.mechanism]


def compute_mechanisms(job, kT: float, mechanisms, order: str = "linear", occupation: str = "bare") -> dict:
    """{mechanism: (raw sigma, error per mu)} for several mechanisms sharing one factor pass
    (``job.mechanism`` is ignored).  Same conventions as :func:`compute`."""
    for m in mechanisms:
        check_mechanism(m)
    check_choice("order", order, ORDERS_Q)
    if not (kT >= 0 and np.isfinite(kT)):
        raise ResponseError(f"temperature: k_B T must be >= 0 and finite, got {kT!r} eV")
    n_mu = len(job.mu_eV)
    if kT == 0 and order == "linear":
        from dataclasses import replace
        out = {}
        for m in mechanisms:
            j = replace(job, mechanism=m)
            out[m] = _linear_zero_T_from_X(j, occupation) if m == "inh-full" else _quad.compute_linear(j)
        return out
    rtol, panel_kT, split = _options(job)
    names = sorted({n for m in mechanisms for n in FACTORS_ALL[m]})
    if kT == 0:
        F, E, _ = _exact_zero_T(job, names, rtol, split)
        derivs = None
    elif order == "exact":
        vals, errs = thermal_factors(job, kT, names, False, job.alpha, rtol, panel_kT)
        F, E = vals[0], errs[0]
    else:
        vals, errs = thermal_factors(job, kT, names, True, 0.0, rtol, panel_kT)
        derivs, derr = [vals[0], vals[1]], [errs[0], errs[1]]
    out = {}
    for m in mechanisms:
        if kT == 0 or order == "exact":
            sig = sigma_of(m, F, job.pre, job.exchange, occupation)
            bound = error_bound(m, [(1.0, F, E)], job.pre, job.exchange)
        else:
            sig = linear_term(m, derivs, job.alpha, job.pre, job.exchange, occupation)
            bound = abs(job.alpha) * error_bound(m, derivative_error_terms(m, derivs, derr, 1), job.pre,
                                                 job.exchange)
        out[m] = (sig, bound.reshape(n_mu, -1).max(axis=1))
    return out


def _linear_zero_T_from_X(job, occupation):
    """inh-full at T = 0, linear order: today's quadrature route for X (central differences at
    +-h_j on the tilted contours, Richardson in h^2), assembled by :func:`assembly.sigma_of`.

    (Once spec.py knows inh-full, :func:`symenh.responses.quadrature.compute` does this itself.)
    """
    opts = dict(job.options)
    rtol = float(opts.pop("rtol", 1e-10))
    h_fraction = float(opts.pop("h_fraction", 0.1))
    n_steps = int(opts.pop("n_steps", 4))
    opts.pop("sea_split", None)
    if opts:
        raise ResponseError(f"quadrature: unknown option(s) {', '.join(sorted(opts))}")
    mu_all = np.atleast_1d(np.asarray(job.mu_eV, dtype=float))
    out = np.zeros((len(mu_all), 2, 2, 2))
    err = np.zeros(len(mu_all))
    alpha = job.alpha
    comps = [RayContours(m, job.values) for m in job.components]
    levels_all = [rc.crossing_level(mu_all) for rc in comps]
    active = np.any(np.stack(levels_all) >= 0, axis=0)
    if alpha == 0 or not np.any(active):
        return out, err
    mu = mu_all[active]
    levels = [lv[active] for lv in levels_all]
    tol = max(min(rtol * 1e-2, 1e-10), 1e-14)
    hs = _quad._steps(comps, mu, alpha, h_fraction, n_steps)
    E, Dq, _eE, eD = _quad._surface_factors(comps, levels, mu, hs, ["X"], tol)
    diffs, qerr = [], []
    for j in range(n_steps):
        h = hs[j].reshape((1, -1, 1, 1, 1))
        sp_ = sigma_of("inh-full", {"X": E["X"][:, j] + h * Dq["X"][:, j]}, job.pre, job.exchange, occupation)
        sm_ = sigma_of("inh-full", {"X": E["X"][:, j] - h * Dq["X"][:, j]}, job.pre, job.exchange, occupation)
        diffs.append((sp_ - sm_) / (2 * hs[j][:, None, None, None]))
        qerr.append(1.5 * len(comps) * eD["X"][j])
    value, err_r = _quad.richardson(np.stack(diffs), hs)
    w = np.abs(_quad.richardson_weights(hs))
    out[active] = alpha * value
    err[active] = abs(alpha) * (np.max(err_r, axis=(-3, -2, -1)) + np.sum(w * np.stack(qerr), axis=0))
    return out, err


__all__ = ["ORDERS_Q", "compute", "compute_mechanisms", "thermal_factors"]
