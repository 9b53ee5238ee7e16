"""Quadrature path for a user's k.p model: any number of bands, any Fermi-pocket topology, no SymPy diagonalisation.

``symenh.sigma(model, mechanism, mu, method="quadrature", model_values=...)`` with a user
:class:`~symenh.models.base.SymbolicModel` (anything but the paper's two models) comes here.
At T = 0 and linear order in the tilt (the paper's setting):

1. **Cheap checks first** (eigvalsh on a polar probe, milliseconds): for every mu and component,
   which levels cross mu and a box enclosing their Fermi surface (a Fermi surface that is not
   compact is refused in one line); for ENH(PT) a spectral gap for the reference sea, and the
   large-k decay of the filled sea (:mod:`symenh.integrate.user_sea`: refused, offering
   ``k_cutoff``, when it converges too slowly).  Nothing symbolic is derived at all: the geometry
   is the numeric kernel (:mod:`symenh.kernels.numeric`).
2. **Contours** of every crossing level (:mod:`symenh.integrate.cells`: marching squares on an
   adaptively refined mesh, refined by root finding, smooth normal-line parametrisation): several
   pockets, annuli, electron and hole pockets, any number of levels at mu.
3. **Factors** at alpha = 0 and their exact alpha-derivatives as Fermi-line integrals
   (:mod:`symenh.integrate.user_fermi`), the sea B0 by Green's theorem over the loops plus the
   filled-subspace reference sea; assembled by :func:`symenh.responses.spec.linear_sigma`.

Error estimate (raw units, per mu, bounding every element): the quadrature errors of each factor
(the last change of the nested trapezoid rule, the Gauss-Legendre order check of the Green cut
integrals, the finite-difference check of d_c Q, roundoff) propagated through the assembly without
signs (:func:`symenh.responses.grid._propagate`).  **A result whose error estimate exceeds its
value** is refused as an error unless the value is a resolved zero (error below 1e-6 of the size
of the terms that cancel: a symmetry zero).

Options: ``rtol`` (1e-12 .. 1e-2, default 1e-8: target accuracy of every integral, relative to
its block), ``k_cutoff`` (1/nm: integrate the Fermi sea of ENH(PT) over |k| < k_cutoff only),
``mesh`` (16 .. 512, default 64: first marching-squares mesh per side), ``progress`` (None, True:
lines on stderr, or a callable taking one string).
"""

from __future__ import annotations

import numpy as np

from ..errors import ContourError, InputTypeError, ResponseError
from ..geometry.timelimit import reporter
from ..integrate.user_fermi import (
    UserComponent,
    crossing_box,
    factor_shapes,
    level_contours,
    sea_compact,
    surface_factors,
)
from ..integrate.user_sea import filled_sea
from ..units import sigma_to_si
from .grid import _propagate, option_integer, option_real
from .job import merged_options, require_default
from .spec import FACTORS, linear_sigma

DEFAULTS = {"rtol": 1e-8, "k_cutoff": None, "mesh": 64, "progress": None}
RANGES = {"rtol": (1e-12, 1e-2), "mesh": (16, 512)}
#: a value below its error estimate is a resolved zero only if the error is below this fraction of
#: the size of the terms that cancel in it
RESOLVED_ZERO = 1e-6


def _options(job) -> dict:
    opt = merged_options(job.options, DEFAULTS, "quadrature", " for a user model")
    opt["rtol"] = option_real("rtol", opt["rtol"], *RANGES["rtol"])
    opt["mesh"] = option_integer("mesh", opt["mesh"], *RANGES["mesh"])
    if opt["k_cutoff"] is not None:
        opt["k_cutoff"] = option_real("k_cutoff", opt["k_cutoff"], 0.0, 1e6, lo_open=True, unit=" (1/nm)")
    p = opt["progress"]
    if not (p is None or isinstance(p, (bool, int, float)) or callable(p)):
        raise InputTypeError(f"progress: expected True, False or a callable taking one string, got {p!r}")
    opt["progress"] = bool(p) if isinstance(p, (int, float)) else p
    return opt


def reference_gap(comp: UserComponent, mu: float):
    """(E_ref, filled level count) in the probe's spectral gap nearest mu, or None without a gap."""
    E = comp.probe().reshape(-1, len(comp.pattern))
    lo, hi = E.min(axis=0), E.max(axis=0)
    best = None
    for n in range(len(lo) - 1):
        top, bot = np.max(hi[:n + 1]), np.min(lo[n + 1:])
        if top < bot:
            e = 0.5 * (top + bot)
            d = 0.0 if top <= mu <= bot else min(abs(mu - top), abs(mu - bot))
            if best is None or d < best[2]:
                best = (e, n + 1, d)
    return None if best is None else best[:2]


def _plan(comps, mu_all, need_sea, opt, say):
    """Cheap checks for every mu and component: [(levels, K, e_ref)] per mu per component."""
    plan = []
    for mu in mu_all:
        row = []
        for comp in comps:
            try:
                levels, K = crossing_box(comp, float(mu))
            except ContourError as exc:
                raise ResponseError(f"quadrature: {exc}") from None
            e_ref = None
            if need_sea:
                gap = reference_gap(comp, float(mu))
                if gap is None:
                    raise ResponseError(f"quadrature: the Fermi sea of enh-pt needs a spectral gap in "
                                        f"{comp.model.name} (none found on the probe)")
                e_ref = gap[0]
                E = comp.probe().reshape(-1, len(comp.pattern))
                for N in range(E.shape[1]):
                    if N in levels:
                        continue
                    below_mu, below_ref = E[0, N] < mu, E[0, N] < e_ref
                    if below_mu != below_ref:
                        raise ResponseError(f"quadrature: level {N} of {comp.model.name} lies entirely between "
                                            f"E_ref = {e_ref:.4g} eV and mu = {mu:g} eV (a bounded band); "
                                            "the k.p sea needs unbounded bands")
            row.append((levels, K, e_ref))
        plan.append(row)
    say(f"quadrature (user model): checks done for {len(mu_all)} mu; levels at mu: "
        f"{[[r[0] for r in row] for row in plan]}")
    return plan


def compute(job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV and its error per mu (module docstring)."""
    require_default(job, "quadrature path for a user model")
    opt = _options(job)
    say = reporter(opt["progress"])
    mu_all = np.asarray(job.mu_eV, dtype=float)
    out = np.zeros((len(mu_all), 2, 2, 2))
    err_out = np.zeros(len(mu_all))
    alpha = job.alpha
    if alpha == 0 or len(mu_all) == 0:
        return out, err_out
    need = FACTORS[job.mechanism]
    comps = [UserComponent.build(m, job.values) for m in job.components]
    n_ops = len(comps[0].model.spin)
    shapes = factor_shapes(n_ops)
    tol = max(opt["rtol"] * 1e-2, 1e-13)
    plan = _plan(comps, mu_all, "B" in need, opt, say)
    need0 = [n for n in need if n in ("A", "C")] if job.mechanism.startswith("enh") else []
    seas: dict = {}
    dsig: list = []
    for i, mu in enumerate(mu_all):
        f0 = {n: np.zeros((len(comps),) + shapes[n]) for n in need}
        f1 = {n: np.zeros((len(comps),) + shapes[n]) for n in need}
        u0 = {n: np.zeros((len(comps),) + shapes[n]) for n in need}
        u1 = {n: np.zeros((len(comps),) + shapes[n]) for n in need}
        n0 = {n: np.zeros((len(comps),) + shapes[n]) for n in need}     # natural sizes (resolved zeros)
        n1 = {n: np.zeros((len(comps),) + shapes[n]) for n in need}
        any_level = False
        for c, (comp, (levels, K, e_ref)) in enumerate(zip(comps, plan[i])):
            for N in levels:
                cont = level_contours(comp, N, float(mu), K, n0=opt["mesh"])
                if len(cont) == 0:
                    continue
                any_level = True
                say(f"mu = {mu:g} eV, {comp.model.name}: level {N}, {len(cont)} Fermi contour(s) "
                    f"(mesh {cont.n}^2)")
                a0, a1, e0, e1, nat = surface_factors(comp, N, cont, need0, list(need), tol)
                for (kind, n), v in nat.items():
                    (n0[n] if kind == "0" else n1[n])[c] += v
                for n, v in a0.items():
                    f0[n][c] += v
                    u0[n][c] += e0[n]
                for n, v in a1.items():
                    f1[n][c] += v
                    u1[n][c] += e1[n]
                if "B" in need:
                    v, e = sea_compact(comp, N, cont, tol)
                    f0["B"][c] += v
                    u0["B"][c] += e
                    n0["B"][c] += np.abs(v)
            if "B" in need:
                key = (c, round(float(e_ref), 12))
                if key not in seas:
                    K_sea = max(K, 1e-3)
                    say(f"{comp.model.name}: filled Fermi sea below E_ref = {e_ref:.4g} eV")
                    seas[key] = filled_sea(comp.kernel, comp.values, e_ref, K_sea, k_cutoff=opt["k_cutoff"],
                                           tol=tol, name=comp.model.name)
                    if seas[key].cutoff_slope is not None:
                        say(f"{comp.model.name}: sea cut at k_cutoff = {opt['k_cutoff']:g} /nm; "
                            f"dB/d ln k_cutoff = {np.max(np.abs(seas[key].cutoff_slope)):.3g} /(eV nm) "
                            f"(largest entry), decay exponent of k^2 <S>: {seas[key].decay:.3g}")
                sea = seas[key]
                f0["B"][c] += sea.value
                u0["B"][c] += sea.error
                n0["B"][c] += np.abs(sea.value)
        if not any_level:
            if opt["k_cutoff"] is not None:
                dsig.append(np.zeros((2, 2, 2)).tolist())
            continue                 # mu in a gap of every component: exactly zero
        sig = linear_sigma(job.mechanism, f0, f1, alpha, job.pre, job.exchange)
        e = _propagate(job.mechanism, f0, f1, u0, u1, alpha, job.pre, job.exchange)
        size = _propagate(job.mechanism, n0, n1, n0, n1, alpha, job.pre, job.exchange)
        emax, vmax = float(np.max(e)), float(np.max(np.abs(sig)))
        if emax > vmax and emax > RESOLVED_ZERO * float(np.max(size)):
            raise ResponseError(f"quadrature: at mu = {mu:g} eV the error estimate {emax:.3g} exceeds the value "
                                f"{vmax:.3g} (raw units): not resolved; lower rtol or check the model's large-k "
                                "behaviour (k_cutoff)")
        out[i] = sig
        err_out[i] = emax
        if opt["k_cutoff"] is not None and "B" in need:
            slope = np.stack([seas[(c, round(float(plan[i][c][2]), 12))].cutoff_slope for c in range(len(comps))])
            zero = {n: np.zeros_like(v) for n, v in f0.items()}
            d = linear_sigma(job.mechanism, {**zero, "B": slope}, {**f1, "B": np.zeros_like(f1["B"])}, alpha,
                             job.pre, job.exchange)
            dsig.append(sigma_to_si(d).tolist())
        elif opt["k_cutoff"] is not None:
            dsig.append(np.zeros((2, 2, 2)).tolist())
    if opt["k_cutoff"] is None:
        return out, err_out
    # the sea was cut at k_cutoff: record it and d sigma / d ln k_cutoff (SI, per mu, [c][a][b])
    return out, err_out, {"meta": {"k_cutoff_per_nm": float(opt["k_cutoff"]),
                                   "dsigma_dln_k_cutoff_SI": dsig}}


__all__ = ["DEFAULTS", "RANGES", "compute", "reference_gap"]
