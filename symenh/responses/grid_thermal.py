r"""Grid path at the requested temperature, and at the exact tilt.

The grid path (:mod:`symenh.responses.grid`) is a finite-temperature method that today
extrapolates T -> 0.  Here it is evaluated at the temperature asked for:

* T > 0, linear order: the Fermi-box sums of :func:`symenh.integrate.grid.fermi_box_sums` at the
  single temperature kT (the grid path's own cached sums, ``kTs = [kT]``), with the exact
  alpha-derivative on the Fermi function, the Fermi sea ``B0 = B_ref + sum int (f - theta_ref) S``
  with the grid path's filled-band reference (windowed Cartesian sum + radial tail on circles);
  no T -> 0 extrapolation.
* exact order: occupations at ``eps0 + alpha tau`` (:func:`symenh.integrate.thermal_box.tilted_box_sums`)
  at kT; at T = 0 through the grid path's Richardson extrapolation in T^2 over the temperatures
  ``dist * kT_fractions`` (dist: mu's distance from the tilted band edge
  ``|Delta| sqrt(1 - (alpha/hbar v_y)^2)`` for the paper models).
* T = 0, linear: :func:`symenh.responses.grid.compute` (today's path).

Error estimate (per mu, bounding every raw element): the sum of |sigma(variant) - sigma|
over the variants of :mod:`symenh.responses.grid` -- checkerboard sub-lattice sums (grid
resolution), the sea reference at another cutoff and with the coarser tail quadrature, and
at T = 0 the extrapolation with one temperature fewer -- plus the roundoff floor, plus the
weight of the Fermi window beyond ``margin_kT`` (exp(-margin_kT)) times the sums of |terms|.
Options: those of the grid path (``spacing_over_kT``, ``n_k``, ``margin_kT``, ``sea_cutoffs``, ...).
Units: raw sigma in e^3/hbar nm/eV, kT in eV.
"""

from __future__ import annotations

import numpy as np

from ..integrate import grid as G
from ..integrate.thermal_box import tilted_box, tilted_box_sums
from ..models.symbols import HVY
from . import grid as _grid
from .assembly import FACTOR_SHAPES, FACTORS_ALL, check_mechanism, linear_term, sigma_of
from .spec import ResponseError, check_choice

ORDERS_G = ("linear", "exact")
_VARIANTS = ("best", "grid", "K", "Q", "T", "abs")


def _shift_variants(vals: dict, key, arrays):
    for v, a in zip(_VARIANTS, arrays):
        vals[v][key] = a


def _linear_component(comp, values, mu, kT, E_ref, need, opt):
    """{variant: (f0, f1)} of one component at temperature kT, linear order (no extrapolation)."""
    sums = _grid._box_sums(comp, values, mu, np.array([kT]), E_ref, opt)
    out = {v: ({}, {}) for v in _VARIANTS}
    for name, which, key in (("D", 1, "D1"), ("X", 1, "X1"), ("A", 0, "A0"), ("A", 1, "A1"), ("C", 0, "C0"),
                             ("C", 1, "C1"), ("B", 1, "B1")):
        if sums is None:
            arrs = [np.zeros(FACTOR_SHAPES[name])] * len(_VARIANTS)
        else:
            s = sums[key]
            arrs = [s[0, 0], s[1, 0], s[0, 0], s[0, 0], s[0, 0], s[2, 0]]
        for v, a in zip(_VARIANTS, arrs):
            out[v][which][name] = a
    for name in ("D", "X"):
        for v in _VARIANTS:
            out[v][0][name] = np.zeros(FACTOR_SHAPES[name])
    if "B" in need:
        if E_ref is None:
            raise ResponseError("grid: the Fermi-sea factor of enh-pt needs a spectral gap in the model")
        rb, rk, rg, rq, ra = _grid._sea_reference(comp, values, E_ref, opt)
        if sums is None:
            d = [np.zeros((4, 2))] * 3
        else:
            d = [sums["Bd"][0, 0], sums["Bd"][1, 0], sums["Bd"][2, 0]]
        arrs = [rb + d[0], rg + d[1], rk + d[0], rq + d[0], rb + d[0], ra + d[2]]
    else:
        arrs = [np.zeros((4, 2))] * len(_VARIANTS)
    for v, a in zip(_VARIANTS, arrs):
        out[v][0]["B"] = a
    return out


def _tilted_sums(comp, values, mu, kTs, alpha, E_ref, opt):
    """Tilted Fermi-box sums of one component at the temperatures kTs, or None (no band near mu)."""
    num, p0, scan = G.scan_for(comp, values)
    W = opt["margin_kT"] * float(np.max(kTs))
    lo, hi = mu - W, mu + W
    if E_ref is not None:
        lo, hi = min(lo, E_ref), max(hi, E_ref)
    try:
        box = tilted_box(num, p0, scan, lo, hi, alpha, (mu - W, mu + W))
    except ValueError as exc:
        raise ResponseError(f"grid: {exc}") from None
    if box is None:
        return None
    (qx0, qx1), (qy0, qy1), vmax = box
    xl = (qx0 * scan.k_scale[0], qx1 * scan.k_scale[0])
    yl = (qy0 * scan.k_scale[1], qy1 * scan.k_scale[1])
    if opt["n_k"] is not None:
        n = int(opt["n_k"])
        grid = G.grid_over(xl, yl, (xl[1] - xl[0]) / (n - 1), (yl[1] - yl[0]) / (n - 1))
    else:
        h = [opt["spacing_over_kT"] * float(np.min(kTs)) / max(v, 1e-300) for v in vmax]
        grid = G.grid_over(xl, yl, h[0], h[1])
    if grid.size > opt["max_points"]:
        raise ResponseError(f"grid: the Fermi box at mu = {mu} eV needs {grid.size} points (> max_points = "
                            f"{opt['max_points']}); raise max_points or give a smaller n_k")
    return tilted_box_sums(num, p0, grid, mu, kTs, alpha, -np.inf if E_ref is None else E_ref,
                           chunk_points=opt["chunk_points"])


def _exact_component(comp, values, mu, kTs, alpha, E_ref, need, opt, extrapolate: bool):
    """{variant: factors at alpha} of one component (T -> 0 Richardson in T^2 if ``extrapolate``)."""
    sums = _tilted_sums(comp, values, mu, kTs, alpha, E_ref, opt)
    out = {v: {} for v in _VARIANTS}

    def reduce(arr):        # (nT, ...) -> (best, fewer-temperatures variant)
        if not extrapolate:
            return arr[0], arr[0]
        return _grid._t_extrapolate(arr, kTs)

    for name in ("D", "X", "A", "C"):
        if sums is None:
            for v in _VARIANTS:
                out[v][name] = np.zeros(FACTOR_SHAPES[name])
            continue
        b, t = reduce(sums[name][0])
        g, _ = reduce(sums[name][1])
        for v, a in zip(_VARIANTS, (b, g, b, b, t, sums[name][2].max(axis=0))):
            out[v][name] = a
    if "B" in need:
        if E_ref is None:
            raise ResponseError("grid: the Fermi-sea factor of enh-pt needs a spectral gap in the model")
        rb, rk, rg, rq, ra = _grid._sea_reference(comp, values, E_ref, opt)
        if sums is None:
            db = dt = dg = da = np.zeros((4, 2))
        else:
            db, dt = reduce(sums["Bd"][0])
            dg, _ = reduce(sums["Bd"][1])
            da = sums["Bd"][2].max(axis=0)
        for v, a in zip(_VARIANTS, (rb + db, rg + dg, rk + db, rq + db, rb + dt, ra + da)):
            out[v]["B"] = a
    else:
        for v in _VARIANTS:
            out[v]["B"] = np.zeros((4, 2))
    return out


def _tilted_edge_distance(job, mu, scans, gap):
    """Distance of mu from the nearest band edge at the tilt (eV): the T -> 0 extrapolation scale."""
    if gap is not None:
        t = abs(job.alpha / float(job.values[HVY])) if float(job.values[HVY]) else 0.0
        edge = gap * np.sqrt(max(0.0, 1.0 - t * t))
        return abs(abs(mu) - edge), abs(mu) <= edge
    edges = np.concatenate([s.edges for s in scans])
    dist = float(np.min(np.abs(mu - edges))) if edges.size else max(abs(mu), scans[0].energy_scale)
    return dist, not any(s.in_band(mu) for s in scans)


def compute(job, kT: float = 0.0, order: str = "linear", occupation: str = "bare"):
    """Raw sigma (n_mu, 2, 2, 2) in e^3/hbar nm/eV at temperature kT (eV) and its error per mu.

    ``order``: "linear" (alpha d sigma/d alpha at 0) or "exact" (sigma at the requested
    alpha).  At kT = 0 and linear order: today's grid path (inh-full from its X).
    """
    check_mechanism(job.mechanism)
    check_choice("order", order, ORDERS_G)
    if not (kT >= 0 and np.isfinite(kT)):
        raise ResponseError(f"temperature: k_B T must be >= 0 and finite, got {kT!r} eV")
    mech = job.mechanism
    if kT == 0 and order == "linear" and mech != "inh-full":
        return _grid.compute_linear(job)
    opt = _grid._options(job)
    need = set(FACTORS_ALL[mech])
    gap = _grid._paper_gap(job)
    try:
        scans = [G.scan_for(c, job.values)[2] for c in job.components]
    except ValueError as exc:
        raise ResponseError(f"grid: {exc}") from None
    n_mu = len(job.mu_eV)
    out = np.zeros((n_mu, 2, 2, 2))
    err = np.zeros(n_mu)
    margin = float(np.exp(-opt["margin_kT"]))
    for i, mu in enumerate(np.asarray(job.mu_eV, dtype=float)):
        dist, in_gap = _tilted_edge_distance(job, mu, scans, gap)
        if kT == 0 and in_gap:
            continue                                   # T = 0 in the gap: exactly zero
        if kT == 0:
            kTs = _grid._temperatures(opt, dist)
        # mu in a gap at T > 0: the thermally activated value is ~exp(-dist/kT) of the band's, so
        # the window reaches margin_kT beyond the band edge (the truncation stays relative to it)
        o = dict(opt, margin_kT=opt["margin_kT"] + dist / kT) if (kT > 0 and in_gap) else opt
        per = []
        for comp, scan in zip(job.components, scans):
            E_ref = _grid._e_ref(scan, mu, gap)
            if order == "linear" and kT == 0:          # inh-full at T = 0: today's T -> 0 sums
                per.append(_zero_T_linear(comp, job.values, mu, kTs, E_ref, need, o))
            elif order == "linear":
                per.append(_linear_component(comp, job.values, mu, kT, E_ref, need, o))
            else:
                per.append(_exact_component(comp, job.values, mu, kTs if kT == 0 else np.array([kT]),
                                            job.alpha, E_ref, need, o, extrapolate=(kT == 0)))
        sig = {}
        for v in _VARIANTS:
            if order == "linear":
                f0 = {n: np.stack([p[v][0][n] for p in per]) for n in need}
                f1 = {n: np.stack([p[v][1][n] for p in per]) for n in need}
                sig[v] = linear_term(mech, [f0, f1], job.alpha, job.pre, job.exchange, occupation)
            else:
                F = {n: np.stack([p[v][n] for p in per]) for n in need}
                sig[v] = sigma_of(mech, F, job.pre, job.exchange, occupation)
        out[i] = sig["best"]
        abs_scale = float(np.max(np.abs(sig["abs"])))
        err[i] = (sum(float(np.max(np.abs(sig[v] - sig["best"]))) for v in ("grid", "K", "Q", "T"))
                  + (_grid.ROUNDOFF + margin) * abs_scale)
    return out, err


def _zero_T_linear(comp, values, mu, kTs, E_ref, need, opt):
    """{variant: (f0, f1)} at T -> 0 (today's grid route: Richardson in T^2 of the box sums)."""
    fac, _unc = _grid._component_factors(comp, values, mu, kTs, E_ref, need, opt)
    return {v: fac[{"best": "best", "grid": "grid", "K": "K", "Q": "Q", "T": "T", "abs": "abs"}[v]] for v in _VARIANTS}


__all__ = ["ORDERS_G", "compute"]
