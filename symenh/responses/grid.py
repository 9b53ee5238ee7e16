"""The ``grid`` path: brute-force Cartesian k grid with ``eigh`` at small temperature.

The slow, independent reference for the other two paths.  For every chemical
potential and every component (valley) of the model:

1. **Grid.** A uniform Cartesian grid in k (equivalently in scaled momentum
   ``p = hbar v k`` for the paper models) covering every k where a level lies
   between the reference energy ``E_ref`` and ``mu + margin_kT * kT`` (the "Fermi
   box"), with spacing ``spacing_over_kT * kT_min / v_max`` per direction (v_max the
   largest band velocity there), so the Fermi function is resolved.  At every point
   H is diagonalised (:func:`symenh.kernels.band_geometry`) - nothing of the
   symbolic geometry is used.  Memory is bounded by chunking over grid rows.
2. **Exact alpha-derivative** on the Fermi functions at each temperature (see
   :mod:`symenh.integrate.grid`): surface factors A, C, X, D and d/dalpha of the
   sea factor B need only f', f'' at alpha = 0 and the band velocities.
3. **T -> 0.** Richardson extrapolation in T^2 (Sommerfeld) through the
   temperatures ``kT_j = dist * kT_fractions[j]``, where ``dist`` is the distance of
   mu from the nearest band edge (the closest non-analyticity), or the given
   ``temperatures_K``.
4. **Fermi sea** (only the alpha = 0 factor B of ENH(PT)): the filled bands below
   ``E_ref`` (a point in the gap) are split with smooth circular windows w(|q|/K) in
   scaled momentum: w S on a coarser Cartesian grid, (1 - w) S on circles (angle
   first, so the dipolar 1/k^2 parts cancel) and then in the radius, out to where the
   measured power-law remainder is below 1e-12 of the sum
   (:func:`symenh.integrate.grid.sea_tail`); no large-k form of S is assumed.  The
   total must be the same for every K (``sea_cutoffs``).  The remainder
   sum int (f - theta_ref) S has compact support and is done on the Fermi box.
5. **Assembly** with :func:`symenh.responses.spec.linear_sigma`.

mu in the gap: at T = 0 no level crosses mu, every sigma is exactly 0.0.  Rule:
for the paper models ``|mu| <= |Delta|``; for a user model, mu lies in no level's
energy range over the probe grid at alpha = 0 (a sinh-spaced Cartesian probe up to
512 scaled-momentum units; band extrema between probe points may be missed by
the probe resolution).

Error estimate (same raw units, one number per mu bounding every element; element-wise
from :func:`compute_elementwise`): the sum of the absolute changes of sigma
when (i) the T-extrapolation drops the highest temperature, (ii) every grid sum is
replaced by its checkerboard sub-lattice sum (spacing sqrt(2) h), (iii) the Fermi
sea is taken at the cutoff K whose total disagrees most with the largest K's, and
(iv) the sea tail uses half the angles, the half-order radial rule and stops one
radial panel earlier with the exponent measured there; plus a roundoff floor.  Each
variant is a strictly worse approximation, so the estimate is conservative.

Options (``symenh.sigma(..., method="grid", **options)``), defaults in
:data:`DEFAULTS`:

* ``kT_fractions``: kT_j / dist for the automatic temperatures (default 1/24, 1/30, 1/36, 1/42);
* ``temperatures_K``: explicit temperatures in kelvin (overrides kT_fractions);
* ``spacing_over_kT``: grid step times max band velocity over kT_min (default 0.75);
* ``n_k``: points per side of the Fermi box (overrides spacing_over_kT);
* ``margin_kT``: how far (in kT_max) beyond mu the box extends (default 25);
* ``sea_cutoffs``: circular window radii K in scaled momentum, at least two (default
  4 * 2^(j/2), j = 0..2); the Cartesian sea grid covers |q| < 2 max(K);
* ``k_max``: the largest cutoff as a wave number along x in 1/nm (rescales sea_cutoffs);
* ``sea_spacing``: step of the sea grid in scaled momentum (default 0.2);
* ``chunk_points``: grid points diagonalised at once (default 16384);
* ``max_points``: refuse a Fermi box larger than this (default 4e6).

Measured with the defaults (paper parameters, 2 cores; against the mpmath path,
relative to the largest tensor element):

=============  ===========  ==================  ===================  =====================
model          mu / Delta   true error          error estimate       time (first mech.)
=============  ===========  ==================  ===================  =====================
tilted-dirac   1.05 .. 4    5e-12 .. 7e-8       2e-6 .. 6e-5         1.6 .. 4.8 s
tilted-dirac   20           2e-6                1.5e-4               1.2 s
pt-dirac       1.05 .. 4    5e-11 .. 2e-8       2e-6 .. 2e-5         2 .. 7 s
pt-dirac       20           7e-7                6e-5                 1.7 s
k2-mass (*)    2, 3.75      1e-8, 4e-8          9e-7, 2.4e-7         2.7 s (both mu)
=============  ===========  ==================  ===================  =====================

(*) ENH(PT) of the user model H = hv (k_x s1 + k_y s2) + (Delta + beta k^2) s3 + t k_y
(hv = 0.3 eV nm, Delta = 0.04 eV, beta = 0.5 eV nm^2, t = 0.02 eV nm), against the
quadrature path.  Its S falls as 1/k^6 on circles: an extrapolation in 1/K with the
Dirac models' odd powers was off by 2.4e-4 there while estimating 6e-5.

The estimate is dominated by the sub-lattice (grid) term and is 10-1e5 times the
true error.  All four mechanisms of one model and mu share one Fermi-box pass (module
cache), so further mechanisms cost milliseconds; ENH(PT) adds the mu-independent
filled-band sea once per model (Cartesian part and radial tail: ~1 s for H_PT).  Symmetry-forbidden
mechanisms come out as roundoff noise, ~1e-16 of the allowed mechanism's size.
"""

from __future__ import annotations

import numpy as np

from ..integrate import grid as G
from ..integrate.richardson import richardson
from ..models.paper import MODEL_NAMES
from ..models.symbols import DELTA
from ..units import KB_EV_PER_K
from .job import Job
from .spec import FACTORS, ResponseError, linear_sigma

DEFAULTS = {
    "kT_fractions": (1 / 24, 1 / 30, 1 / 36, 1 / 42),
    "temperatures_K": None,
    "spacing_over_kT": 0.75,
    "n_k": None,
    "margin_kT": 25.0,
    "sea_cutoffs": tuple(4.0 * 2 ** (j / 2) for j in range(3)),
    "k_max": None,
    "sea_spacing": 0.2,
    "chunk_points": 16384,
    "max_points": 4_000_000,
}

VARIANTS = ("best", "T", "grid", "K", "Q", "abs")
#: relative floating-point roundoff floor of the error estimate, applied to the sums of
#: absolute values of all terms (sigma from those sums); covers the Richardson amplification
ROUNDOFF = 1e-12

_BOX_CACHE: dict = {}
_SEA_CACHE: dict = {}
_CACHE_LIMIT = 512


def clear_caches() -> None:
    """Forget every memo of the grid path: the Fermi-box and Fermi-sea sums and the
    lambdified model numerics and spectrum scans of :mod:`symenh.integrate.grid`
    (benchmarks time cold grid passes)."""
    _BOX_CACHE.clear()
    _SEA_CACHE.clear()
    G.clear_numerics()


def _options(job: Job) -> dict:
    unknown = set(job.options) - set(DEFAULTS)
    if unknown:
        raise ResponseError(f"grid: unknown option(s) {sorted(unknown)}; allowed: {', '.join(DEFAULTS)}")
    opt = dict(DEFAULTS)
    opt.update({k: v for k, v in job.options.items() if v is not None})
    if opt["temperatures_K"] is not None:
        t = np.atleast_1d(np.asarray(opt["temperatures_K"], dtype=float))
        if t.size < 1 or np.any(~np.isfinite(t)) or np.any(t <= 0) or len(set(t)) != t.size:
            raise ResponseError("temperatures_K: give distinct positive temperatures in kelvin")
    fr = np.atleast_1d(np.asarray(opt["kT_fractions"], dtype=float))
    if fr.size < 1 or np.any(fr <= 0) or len(set(fr)) != fr.size:
        raise ResponseError("kT_fractions: give distinct positive fractions of the band-edge distance")
    for name in ("spacing_over_kT", "margin_kT", "sea_spacing"):
        if not float(opt[name]) > 0:
            raise ResponseError(f"{name}: must be positive, got {opt[name]!r}")
    if opt["n_k"] is not None and int(opt["n_k"]) < 3:
        raise ResponseError(f"n_k: at least 3 points per side, got {opt['n_k']!r}")
    if opt["k_max"] is not None and not float(opt["k_max"]) > 0:
        raise ResponseError(f"k_max: must be positive (1/nm), got {opt['k_max']!r}")
    cut = np.atleast_1d(np.asarray(opt["sea_cutoffs"], dtype=float))
    if cut.size < 2 or np.any(~(cut > 0)) or len(set(cut)) != cut.size:
        raise ResponseError("sea_cutoffs: give at least two distinct positive cutoffs (scaled momentum)")
    if int(opt["chunk_points"]) < 1:
        raise ResponseError("chunk_points: must be >= 1")
    return opt


def _paper_gap(job: Job):
    """|Delta| for the paper models (their exact gap), else None."""
    return abs(float(job.values[DELTA])) if job.model_name in MODEL_NAMES else None


def _e_ref(scan: G.Scan, mu: float, gap):
    """A reference energy inside the spectral gap nearest mu (None if the probe finds no gap)."""
    if gap is not None and gap > 0:
        return 0.0
    gaps = scan.gaps()
    if not gaps:
        return None
    dist = [0.0 if lo <= mu <= hi else min(abs(mu - lo), abs(mu - hi)) for lo, hi in gaps]
    lo, hi = gaps[int(np.argmin(dist))]
    return 0.5 * (lo + hi)


def _temperatures(opt, dist: float) -> np.ndarray:
    if opt["temperatures_K"] is not None:
        kTs = KB_EV_PER_K * np.atleast_1d(np.asarray(opt["temperatures_K"], dtype=float))
    else:
        kTs = dist * np.atleast_1d(np.asarray(opt["kT_fractions"], dtype=float))
    return np.sort(kTs)[::-1]      # descending: highest temperature first


def _box_sums(comp, values, mu, kTs, E_ref, opt):
    """Fermi-box sums of one component (cached): {name: (2, nT, ...)} or None."""
    num, p0, scan = G.scan_for(comp, values)
    key = (comp.source(), p0, G.param_vector(comp, values),
           float(mu), tuple(kTs), E_ref, opt["spacing_over_kT"], opt["n_k"], opt["margin_kT"], opt["chunk_points"])
    if key in _BOX_CACHE:
        return _BOX_CACHE[key]
    W = opt["margin_kT"] * kTs.max()
    lo, hi = mu - W, mu + W
    if E_ref is not None:
        lo, hi = min(lo, E_ref), max(hi, E_ref)
    try:
        box = G.fermi_box(scan, lo, hi, vel_window=(mu - W, mu + W))
    except ValueError as exc:
        raise ResponseError(f"grid: {exc}") from None
    if box is None:
        res = None
    else:
        (qx0, qx1), (qy0, qy1), vmax = box
        xl = (qx0 * scan.k_scale[0], qx1 * scan.k_scale[0])
        yl = (qy0 * scan.k_scale[1], qy1 * scan.k_scale[1])
        if opt["n_k"] is not None:
            n = int(opt["n_k"])
            grid = G.grid_over(xl, yl, (xl[1] - xl[0]) / (n - 1), (yl[1] - yl[0]) / (n - 1))
        else:
            h = [opt["spacing_over_kT"] * kTs.min() / max(v, 1e-300) for v in vmax]
            grid = G.grid_over(xl, yl, h[0], h[1])
        if grid.size > opt["max_points"]:
            raise ResponseError(f"grid: the Fermi box at mu = {mu} eV needs {grid.size} points "
                                f"(> max_points = {opt['max_points']}); raise max_points, give fewer/higher "
                                "temperatures_K or a smaller n_k")
        res = G.fermi_box_sums(num, p0, grid, mu, kTs, -np.inf if E_ref is None else E_ref,
                               chunk_points=opt["chunk_points"])
        res["n_points"] = grid.size
    if len(_BOX_CACHE) > _CACHE_LIMIT:
        _BOX_CACHE.clear()
    _BOX_CACHE[key] = res
    return res


def _sea_reference(comp, values, E_ref, opt):
    """Filled-band sea: (best, cutoff variant, sub-lattice variant, tail-quadrature variant,
    sums of |terms|), each (4, 2) in 1/(eV nm).

    For each cutoff K: the windowed Cartesian sum of w(|q|/K) S plus the radial tail
    ``int (1 - w(r/K)) a(r) dr`` from circles (:func:`symenh.integrate.grid.sea_tail`); the
    total does not depend on K.  Best: the largest K.  Cutoff variant: the total at the
    cutoff that disagrees most with it.
    """
    num, p0, scan = G.scan_for(comp, values)
    cut = np.asarray(opt["sea_cutoffs"], dtype=float)
    if opt["k_max"] is not None:
        cut = cut * (float(opt["k_max"]) / scan.k_scale[0]) / cut.max()
    key = (comp.source(), p0, E_ref, tuple(cut), opt["sea_spacing"], opt["chunk_points"])
    if key not in _SEA_CACHE:
        sums = G.sea_reference_sums(num, p0, scan.k_scale, E_ref, cut, opt["sea_spacing"], opt["chunk_points"])
        try:
            tail = G.sea_tail(num, p0, scan.k_scale, E_ref, cut, chunk_points=opt["chunk_points"])
        except ValueError as exc:
            raise ResponseError(f"grid: {exc}") from None
        total = sums[0] + tail.value                     # (nK, 4, 2): K-independent up to errors
        j = int(np.argmax(cut))
        dev = np.abs(total - total[j]).reshape(len(cut), -1).max(axis=1)
        best = total[j]
        alt_k = total[int(np.argmax(dev))]
        alt_g = sums[1][j] + tail.value[j]
        alt_q = sums[0][j] + tail.coarse[j]
        _SEA_CACHE[key] = (best, alt_k, alt_g, alt_q, sums[2][j] + tail.abs[j])
    return _SEA_CACHE[key]


def _t_extrapolate(arr, kTs):
    """(best, fewer-temperatures variant) of the T -> 0 Richardson extrapolation; arr (nT, ...)."""
    best = richardson(arr, kTs, power=2)[0]          # polynomial in kT^2 (Sommerfeld), Neville
    alt = richardson(arr[1:], kTs[1:], power=2)[0] if len(kTs) > 1 else arr[-1]
    return best, alt


def _component_factors(comp, values, mu, kTs, E_ref, need, opt):
    """Factors of one component at alpha = 0 and d/dalpha, in variants.

    Returns {variant: (f0, f1)} for variants "best", "T", "grid", "K", "Q" and "abs" (the
    largest sums of absolute values of the terms over the temperatures: the scale of
    floating-point roundoff).
    """
    sums = _box_sums(comp, values, mu, kTs, E_ref, opt)
    variants = {v: ({}, {}) for v in VARIANTS}

    def put(name, which, arr):
        b, t = _t_extrapolate(arr[0], kTs)
        g, _ = _t_extrapolate(arr[1], kTs)
        for v, val in (("best", b), ("T", t), ("grid", g), ("K", b), ("Q", b), ("abs", arr[2].max(axis=0))):
            variants[v][which][name] = val

    shapes = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}
    for name in ("D", "X"):          # only their d/dalpha enters (BCD, INH are linear in them)
        for v in variants:
            variants[v][0][name] = np.zeros(shapes[name])
    for name, which, key in (("D", 1, "D1"), ("X", 1, "X1"), ("A", 0, "A0"), ("A", 1, "A1"),
                             ("C", 0, "C0"), ("C", 1, "C1"), ("B", 1, "B1")):
        if sums is None:               # no level of this component near mu
            for v in variants:
                variants[v][which][name] = np.zeros(shapes[name])
        else:
            put(name, which, sums[key])
    # alpha = 0 Fermi sea B0 = B_ref + sum int (f - theta_ref) S
    if "B" in need:
        if E_ref is None:
            raise ResponseError("grid: the Fermi-sea factor of enh-pt needs a spectral gap in the model "
                                "(none found on the probe grid)")
        ref_best, ref_k, ref_g, ref_q, ref_abs = _sea_reference(comp, values, E_ref, opt)
        if sums is None:
            d_best = d_t = d_g = d_abs = np.zeros((4, 2))
        else:
            d_best, d_t = _t_extrapolate(sums["Bd"][0], kTs)
            d_g, _ = _t_extrapolate(sums["Bd"][1], kTs)
            d_abs = sums["Bd"][2].max(axis=0)
        variants["abs"][0]["B"] = ref_abs + d_abs
        variants["best"][0]["B"] = ref_best + d_best
        variants["T"][0]["B"] = ref_best + d_t
        variants["grid"][0]["B"] = ref_g + d_g
        variants["K"][0]["B"] = ref_k + d_best
        variants["Q"][0]["B"] = ref_q + d_best
    else:
        for v in variants:
            variants[v][0]["B"] = np.zeros((4, 2))
    return variants


def compute(job: Job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV and its error estimate per mu.

    The estimate (shape (len(mu),), same raw units) bounds every tensor element at that
    mu: the largest element-wise estimate (see :func:`compute_elementwise`).
    """
    out, err = compute_elementwise(job)
    return out, err.reshape(len(out), -1).max(axis=1)


def compute_elementwise(job: Job):
    """Like :func:`compute`, with an error estimate per tensor element (len(mu), 2, 2, 2)."""
    opt = _options(job)
    need = set(FACTORS[job.mechanism])
    gap = _paper_gap(job)
    scans = []
    try:
        for comp in job.components:
            scans.append(G.scan_for(comp, job.values)[2])
    except ValueError as exc:
        raise ResponseError(f"grid: {exc}") from None
    alpha = job.alpha
    nmu = len(job.mu_eV)
    out = np.zeros((nmu, 2, 2, 2))
    err = np.zeros((nmu, 2, 2, 2))
    for i, mu in enumerate(job.mu_eV):
        mu = float(mu)
        if gap is not None:
            if abs(mu) <= gap:
                continue
            edges = np.array([gap, -gap])
        else:
            if not any(s.in_band(mu) for s in scans):
                continue
            edges = np.concatenate([s.edges for s in scans])
        dist = float(np.min(np.abs(mu - edges))) if edges.size else max(abs(mu), scans[0].energy_scale)
        kTs = _temperatures(opt, dist)
        per_variant = {v: ({k: [] for k in ("D", "X", "A", "B", "C")}, {k: [] for k in ("D", "X", "A", "B", "C")})
                       for v in VARIANTS}
        for comp, scan in zip(job.components, scans):
            E_ref = _e_ref(scan, mu, gap)
            fac = _component_factors(comp, job.values, mu, kTs, E_ref, need, opt)
            for v, (f0, f1) in fac.items():
                for k in f0:
                    per_variant[v][0][k].append(f0[k])
                    per_variant[v][1][k].append(f1[k])
        sig = {}
        for v, (f0, f1) in per_variant.items():
            F0 = {k: np.array(f0[k]) for k in need}
            F1 = {k: np.array(f1[k]) for k in need}
            sig[v] = linear_sigma(job.mechanism, F0, F1, alpha, job.pre, job.exchange)
        out[i] = sig["best"]
        floor = ROUNDOFF * np.max(np.abs(sig["abs"]))
        err[i] = sum(np.abs(sig[v] - sig["best"]) for v in ("T", "grid", "K", "Q")) + floor
    return out, err
