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

Beyond the paper's setting (:func:`compute` dispatches on the Job, :data:`SUPPORTS`): at
``T_K > 0`` the same Fermi-box sums at the requested temperature itself (one temperature, no
T -> 0 extrapolation, no edge refusal; mu in a gap is thermally activated and the box reaches
margin_kT kT beyond the band edge); ``order="exact"`` with the occupations at eps0 + alpha tau
(:func:`symenh.integrate.grid.fermi_box_sums` with ``alpha``) on the tilted Fermi box, at T = 0
extrapolated with the distance from the tilted band edge; ``inh-full`` from the same X sums as
inh (:mod:`symenh.responses.assembly`); ENH with a q-dependent V or the Fock channels by
:mod:`symenh.responses.exchange_grid` (FFT convolutions; at T > 0 directly at that T).  A lattice
model goes to :mod:`symenh.responses.lattice_grid` (Brillouin-zone sums; T > 0, V(q) and Fock
channels there too, and the exact tilt on the tilted Fermi box on the torus).  The
error estimate below applies unchanged (the T-variant is then the best value).

mu in the gap: at T = 0 no level crosses mu, every sigma is exactly 0.0.  Rule:
for the paper models ``|mu| <= |Delta|``; for a user model, mu lies in no level's
energy range over the probe grid at alpha = 0 (a sinh-spaced Cartesian probe up to
512 scaled-momentum units; band extrema between probe points may be missed by
the probe resolution).

Refusals (one line, :class:`symenh.errors.ResponseError`) where the estimate could not be
trusted: mu within a relative 1e-6 (:data:`EDGE_RTOL`) of a band edge (the temperatures
scale with the distance and the Fermi disc falls below what the spectrum probe resolves:
at 1e-7 the old path gave wrong signs with estimates 1e233 times too small; the message
names the distance and suggests method="quadrature" or "closed-form"); a grid whose step
times the largest band velocity near mu, measured on the grid itself, exceeds
:data:`MAX_STEP_OVER_KT` (1.75) kT_min (n_k too small: the message names the n_k needed;
with the automatic spacing an underestimated velocity is corrected by one finer grid);
a grid with no point near mu; kT_max above half the distance to the band edge.

Error estimate (same raw units, one number per mu bounding every element; element-wise
from :func:`compute_elementwise`), built from the factors (not from sigma, where errors of
different factors can cancel by accident):

1. variants, each a strictly worse approximation: (i) the T-extrapolation without the
   highest temperature, (ii) every grid sum on its checkerboard sub-lattice (spacing
   sqrt(2) h) -- scaled by (d1/d2)^(1/2), d1 and d2 the sub-lattice's and the 2 h lattice's
   changes, where the three lattices show convergence (d1 <= d2/2; the aliasing wave numbers
   pi/h, sqrt(2) pi/h, 2 pi/h are equally spaced in log, so the full grid's error is d1
   (d1/d2)^1.41 for an exponentially and d1 (d1/d2) for an algebraically converging sum), and
   (with an explicit n_k) where that law, e(G) = C exp(-b kT G) with one C, is borne out: the 2 h lattice's change at
   the two lowest temperatures predicts the checkerboard's, and an observed one below it keeps
   the unscaled variant (the aliasing error of a Fermi ring oscillates with G k_F; at n_k = 201,
   mu = -3 Delta the checkerboard sat near a node and BCD estimated 6.3e-17 for an error of 1.3e-16),
   (iii) the Fermi sea at the cutoff K that disagrees most with the largest K, (iv) the sea
   tail with half the angles, the half-order radial rule and one radial panel less.  The
   change of sigma is added piece by piece (each factor, each component) in absolute value
   (:func:`variant_change`);
2. what the variants do not see, per factor entry, propagated through the assembly
   without signs (:func:`propagate`): the roundoff floor of every sum
   (:func:`symenh.integrate.grid.roundoff_floor`: lambda sqrt(n) u sum|terms|, the per-term
   errors from the eigenvector condition number and the eigenvalue error moving the Fermi
   function, bounded by the *untraced* geometry so that a quantity that cancels inside a
   Kramers pair -- the Berry curvature and the spin of H_PT -- is not taken as exact), carried
   through the T-extrapolation weights; the truncation of the Fermi tails at the box edge
   (exp(-margin_kT kT_max / kT_j) of the sums of |terms|); where the T -> 0 tableau does not
   shrink geometrically (:func:`symenh.integrate.richardson.richardson_check`) its spread;
   where the three lattices do not converge, the 2 h lattice's change.

Options (``symenh.sigma(..., method="grid", **options)``), defaults in :data:`DEFAULTS`,
ranges in :data:`RANGES` (a wrong type is an InputTypeError, a value outside its range a
ResponseError; one line naming the option and the range):

* ``kT_fractions``: kT_j / dist for the automatic temperatures, 2..8 distinct values in
  (0, 0.5] (default 1/24, 1/30, 1/36, 1/42; Sommerfeld needs kT well below dist);
* ``temperatures_K``: explicit temperatures, 2..8 distinct values in (0, 1e4] K (overrides
  kT_fractions; kT_max must stay below half the distance of mu from the band edge);
* ``spacing_over_kT``: grid step times max band velocity over kT_min, 0.05..1.75 (default
  0.75; measured: the error stays below 0.2 of the estimate up to 1.75, at 2 it reaches 0.86);
* ``n_k``: points per side of the Fermi box, an integer 33..4001 (overrides
  spacing_over_kT; refused if it leaves a step above 1.75 kT/v at some mu);
* ``margin_kT``: how far (in kT_max) beyond mu the box extends, 15..60 (default 25);
* ``sea_cutoffs``: circular window radii K in scaled momentum, 2..8 distinct values in
  [2, 64] (default 4 * 2^(j/2), j = 0..2); the Cartesian sea grid covers |q| < 2 max(K);
* ``k_max``: the largest cutoff as a wave number along x in 1/nm (rescales sea_cutoffs;
  the rescaled cutoffs must stay in [2, 64]);
* ``sea_spacing``: step of the sea grid in scaled momentum, 0.02..0.5 and at most
  min(sea_cutoffs) / 10 (default 0.2);
* ``chunk_points``: grid points diagonalised at once, an integer 64..1e6 (default 16384);
* ``max_points``: refuse a Fermi box larger than this, an integer 1e3..1e8 (default 4e6);
* ``progress``: None (silent, default), True (lines on stderr) or a callable taking one string:
  one line per request, per mu and component (Fermi-box points and step, the temperatures kT in eV;
  mu in the gap) and per filled-band sea (its cutoffs).  It changes no number and enters no cache key
  (a cached Fermi box is reported again).

Measured with the defaults (paper parameters; against the closed form, relative to the
largest tensor element; 2 shared cores):

=============  ===========  ==================  ===================  =====================
model          mu / Delta   true error          error estimate       time (4 mech., one mu)
=============  ===========  ==================  ===================  =====================
tilted-dirac   1.0001       3e-7 .. 8e-7        2e-4 .. 2e-3         9 s
tilted-dirac   1.05 .. 4    5e-12 .. 7e-8       1e-7 .. 7e-6         2 .. 7 s
tilted-dirac   20           7e-7 .. 2e-6        8e-6 .. 5e-5         1.3 s
pt-dirac       1.0001       1.5e-8              5e-4 .. 8e-4         9 s
pt-dirac       1.05 .. 4    7e-11 .. 2e-8       1e-7 .. 7e-6         4 .. 11 s
pt-dirac       20           7e-7                1e-6 .. 2e-5         2.6 s
k2-mass (*)    2, 3.75      1e-8, 4e-8          9e-7, 2.4e-7         2.7 s (both mu)
=============  ===========  ==================  ===================  =====================

(*) ENH(PT) of the user model H = hv (k_x s1 + k_y s2) + (Delta + beta k^2) s3 + t k_y
(hv = 0.3 eV nm, Delta = 0.04 eV, beta = 0.5 eV nm^2, t = 0.02 eV nm), against the
quadrature path (measured before the present estimate; its test still holds it below
1e-4).  Its S falls as 1/k^6 on circles: an extrapolation in 1/K with the Dirac models'
odd powers was off by 2.4e-4 there while estimating 6e-5.

The estimate is dominated by the sub-lattice (grid) term and is 10-1e5 times the true
error.  Symmetry-forbidden mechanisms come out as roundoff noise (~1e-14 of the allowed
mechanism's size) with an estimate that covers it by 1e3-1e4 (1e-10 .. 1e-7 of the
allowed size).  All four mechanisms of one model and mu share one Fermi-box pass (module
cache), so further mechanisms cost milliseconds; ENH(PT) adds the mu-independent
filled-band sea once per model (Cartesian part and radial tail: ~1 s for H_PT).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputTypeError
from ..integrate import grid as G
from ..models.paper import MODEL_NAMES
from ..models.symbols import DELTA, HVY
from ..units import KB_EV_PER_K
from .assembly import FACTORS_ALL, check_mechanism
from .grid_errors import assemble, bound, box_factor, propagate, variant_change
from .job import Job, contact_job, merged_options, progress_option, uses_exchange_path
from .spec import FACTORS, ResponseError

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
    "progress": None,
}

#: allowed ranges of the options (inclusive; see the module docstring for why)
RANGES = {
    "kT_fractions": (0.0, 0.5),          # exclusive lower bound; 2..8 distinct values
    "temperatures_K": (0.0, 1.0e4),      # exclusive lower bound; 2..8 distinct values
    "spacing_over_kT": (0.05, 1.75),
    "n_k": (33, 4001),
    "margin_kT": (15.0, 60.0),
    "sea_cutoffs": (2.0, 64.0),          # 2..8 distinct values (scaled momentum)
    "sea_spacing": (0.02, 0.5),
    "chunk_points": (64, 1_000_000),
    "max_points": (1_000, 100_000_000),
}
#: how many temperatures / sea cutoffs may be given
COUNTS = {"kT_fractions": (2, 8), "temperatures_K": (2, 8), "sea_cutoffs": (2, 8)}
#: the grid refuses mu closer than this (relative) to a band edge: its temperatures scale with
#: the distance, and below it the Fermi disc is smaller than what the spectrum probe resolves
EDGE_RTOL = 1e-6
#: the largest grid step times band velocity over kT_min that the estimate is trusted for
#: (measured on both paper models at 1.5, 4, 12 Delta: true error / estimate <= 0.2 for steps up
#: to 1.75, 0.86 at 2; <= 0.06 at the default 0.75)
MAX_STEP_OVER_KT = RANGES["spacing_over_kT"][1]
#: kT_max may be at most this fraction of the distance of mu from the nearest band edge
MAX_KT_OVER_DIST = RANGES["kT_fractions"][1]

VARIANTS = ("best", "T", "grid", "K", "Q")
_SHAPES = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}

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


# ---------------------------------------------------------------------------
# options: types and ranges, one line each
# ---------------------------------------------------------------------------

def option_real(name: str, x, lo=None, hi=None, *, lo_open: bool = False, unit: str = "") -> float:
    """A path option: a finite real number within [lo, hi] ((lo, hi] with ``lo_open``), else a one-line error."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise InputTypeError(f"{name}: expected a real number{unit}, got {type(x).__name__} {x!r}")
    v = float(x)
    rng = f"{lo:g} {'<' if lo_open else '<='} {name} <= {hi:g}" if lo is not None else ""
    if not np.isfinite(v):
        raise ResponseError(f"{name}: must be finite, got {x!r}" + (f"; allowed: {rng}{unit}" if rng else ""))
    if lo is not None and (v < lo or (lo_open and v == lo) or v > hi):
        raise ResponseError(f"{name}: {v:g} is out of range; allowed: {rng}{unit}")
    return v


def option_integer(name: str, x, lo: int, hi: int) -> int:
    """A path option: an integer (an integral float is accepted) within [lo, hi], else a one-line error."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise InputTypeError(f"{name}: expected an integer, got {type(x).__name__} {x!r}")
    if not (np.isfinite(float(x)) and float(x) == int(x)):
        raise ResponseError(f"{name}: expected an integer, got {x!r}; allowed: {lo} <= {name} <= {hi}")
    v = int(x)
    if not lo <= v <= hi:
        raise ResponseError(f"{name}: {v} is out of range; allowed: {lo} <= {name} <= {hi}")
    return v


def real_options(name: str, xs, lo, hi, *, lo_open: bool, unit: str = "") -> tuple:
    """Distinct finite reals in range, as many as COUNTS allows (a scalar counts as one)."""
    if isinstance(xs, (str, bytes, dict)):
        raise InputTypeError(f"{name}: expected a sequence of real numbers{unit}, got {type(xs).__name__} {xs!r}")
    try:
        items = list(np.ravel(np.asarray(xs, dtype=object)))
    except Exception:  # noqa: BLE001 - anything that is not a flat sequence of numbers
        raise InputTypeError(f"{name}: expected a sequence of real numbers{unit}, got {xs!r}") from None
    vals = tuple(option_real(name, x, lo, hi, lo_open=lo_open, unit=unit) for x in items)
    n_lo, n_hi = COUNTS[name]
    if not n_lo <= len(vals) <= n_hi:
        raise ResponseError(f"{name}: give {n_lo} to {n_hi} values, got {len(vals)}")
    if len(set(vals)) != len(vals):
        raise ResponseError(f"{name}: the values must be distinct, got {vals}")
    return vals


def _options(job: Job) -> dict:
    opt = merged_options(job.options, DEFAULTS, "grid")
    opt["say"] = progress_option(opt)          # a reporter, never part of a cache key
    R = RANGES
    opt["kT_fractions"] = real_options("kT_fractions", opt["kT_fractions"], *R["kT_fractions"], lo_open=True)
    if opt["temperatures_K"] is not None:
        opt["temperatures_K"] = real_options("temperatures_K", opt["temperatures_K"], *R["temperatures_K"],
                                       lo_open=True, unit=" (K)")
    opt["sea_cutoffs"] = real_options("sea_cutoffs", opt["sea_cutoffs"], *R["sea_cutoffs"], lo_open=False,
                                unit=" (scaled momentum)")
    for name in ("spacing_over_kT", "margin_kT", "sea_spacing"):
        opt[name] = option_real(name, opt[name], *R[name])
    if opt["n_k"] is not None:
        opt["n_k"] = option_integer("n_k", opt["n_k"], *R["n_k"])
    if opt["k_max"] is not None:
        opt["k_max"] = option_real("k_max", opt["k_max"], 0.0, np.inf, lo_open=True, unit=" (1/nm)")
    for name in ("chunk_points", "max_points"):
        opt[name] = option_integer(name, opt[name], *R[name])
    if min(opt["sea_cutoffs"]) < 10 * opt["sea_spacing"]:
        raise ResponseError(f"sea_spacing: {opt['sea_spacing']:g} does not resolve the smallest sea cutoff "
                            f"{min(opt['sea_cutoffs']):g}; allowed: sea_spacing <= min(sea_cutoffs) / 10")
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


def temperatures(opt, dist: float) -> np.ndarray:
    if opt["temperatures_K"] is not None:
        kTs = KB_EV_PER_K * np.asarray(opt["temperatures_K"], dtype=float)
    else:
        kTs = dist * np.asarray(opt["kT_fractions"], dtype=float)
    return np.sort(kTs)[::-1]      # descending: highest temperature first


def check_edge(mu: float, edges: np.ndarray, e_scale: float, paper: bool) -> float:
    """Distance (eV) of mu from the nearest band edge; refuse mu within EDGE_RTOL of one."""
    if edges.size == 0:
        return max(abs(mu), e_scale)
    j = int(np.argmin(np.abs(mu - edges)))
    dist = float(abs(mu - edges[j]))
    rel = dist / max(abs(float(edges[j])), e_scale)
    if rel < EDGE_RTOL:
        alt = "method='quadrature' or method='closed-form'" if paper else "method='quadrature'"
        raise ResponseError(f"mu: {mu:.10g} eV is {dist:.3g} eV (a relative {rel:.2g}) from the band edge at "
                            f"{float(edges[j]):.10g} eV; the grid path needs a relative distance of at least "
                            f"{EDGE_RTOL:g} (its temperatures scale with it); use {alt}")
    return dist


def _grid_for(scan, box, kTs, opt, vmax=None):
    """The uniform grid over the Fermi box: n_k per side, or the spacing from spacing_over_kT
    and the largest band velocity near mu (``vmax`` measured on a previous grid, else the probe's),
    with at least RANGES['n_k'][0] points per side."""
    (qx0, qx1), (qy0, qy1), vprobe = box
    xl = (qx0 * scan.k_scale[0], qx1 * scan.k_scale[0])
    yl = (qy0 * scan.k_scale[1], qy1 * scan.k_scale[1])
    n_min = RANGES["n_k"][0]
    if opt["n_k"] is not None:
        n = int(opt["n_k"])
        return G.grid_over(xl, yl, (xl[1] - xl[0]) / (n - 1), (yl[1] - yl[0]) / (n - 1))
    v = vprobe if vmax is None else np.maximum(vmax, vprobe)
    h = [min(opt["spacing_over_kT"] * kTs.min() / max(vc, 1e-300), (lim[1] - lim[0]) / (n_min - 1))
         for vc, lim in zip(v, (xl, yl))]
    return G.grid_over(xl, yl, h[0], h[1])


def _step_over_kT(grid, vmax, kTs) -> float:
    """max_c h_c v_c / kT_min: how finely the grid resolves the narrowest Fermi function."""
    return float(max(grid.hx * vmax[0], grid.hy * vmax[1]) / kTs.min())


def _box_sums(comp, values, mu, kTs, E_ref, opt, alpha: float = 0.0):
    """Fermi-box sums of one component (cached): {name: (5, nT, ...)} or None.

    ``alpha`` != 0: the occupations at the tilted energies (exact tilt; the box covers the
    tilted window, :func:`symenh.integrate.thermal_box.tilted_box`).
    Refuses a grid that does not resolve the Fermi function (step times the largest band
    velocity near mu, measured on the grid itself, above MAX_STEP_OVER_KT kT_min); with the
    automatic spacing an underestimated velocity is corrected once by a finer grid."""
    num, p0, scan = G.scan_for(comp, values)
    key = (comp.source(), p0, G.param_vector(comp, values),
           float(mu), tuple(kTs), E_ref, opt["spacing_over_kT"], opt["n_k"], opt["margin_kT"], opt["chunk_points"])
    if alpha != 0.0:
        key = key + (float(alpha),)
    if key in _BOX_CACHE:
        return _BOX_CACHE[key]
    W = opt["margin_kT"] * kTs.max()
    lo, hi = mu - W, mu + W
    if E_ref is not None:
        lo, hi = min(lo, E_ref), max(hi, E_ref)
    try:
        if alpha != 0.0:
            from ..integrate.thermal_box import tilted_box
            box = tilted_box(num, p0, scan, lo, hi, alpha, (mu - W, mu + W))
        else:
            box = G.fermi_box(scan, lo, hi, vel_window=(mu - W, mu + W))
    except ValueError as exc:
        raise ResponseError(f"grid: {exc}") from None
    res = None
    if box is not None:
        vmax = None
        for attempt in range(2):
            grid = _grid_for(scan, box, kTs, opt, vmax)
            if grid.size > opt["max_points"]:
                raise ResponseError(f"max_points: the Fermi box at mu = {mu} eV needs {grid.size} points "
                                    f"(> max_points = {opt['max_points']}); raise max_points (<= "
                                    f"{RANGES['max_points'][1]}), give higher temperatures_K or a smaller n_k")
            res = G.fermi_box_sums(num, p0, grid, mu, kTs, -np.inf if E_ref is None else E_ref,
                                   chunk_points=opt["chunk_points"], vel_halfwidth=W, alpha=alpha)
            vmax = res["vmax"]
            if not np.any(vmax > 0):
                raise ResponseError(f"mu: no point of the {grid.nx} x {grid.ny} grid lies within {W:.3g} eV of "
                                    f"mu = {mu} eV (the Fermi disc is below the grid's resolution); use "
                                    "method='quadrature'")
            step = _step_over_kT(grid, vmax, kTs)
            if step <= MAX_STEP_OVER_KT:
                break
            if opt["n_k"] is not None:
                need = int(np.ceil(1.1 * (max(grid.nx, grid.ny) - 1) * step / MAX_STEP_OVER_KT)) + 1  # 10 % spare
                raise ResponseError(f"n_k: {opt['n_k']} points per side leave a step of {step:.3g} kT/v at "
                                    f"mu = {mu} eV (kT = {kTs.min():.3g} eV); the error estimate needs at most "
                                    f"{MAX_STEP_OVER_KT:g}: use n_k >= {need | 1} or leave n_k unset")
        else:
            raise ResponseError(f"spacing_over_kT: the grid at mu = {mu} eV still steps {step:.3g} kT/v after "
                                "refinement; lower spacing_over_kT")
        res["n_points"] = grid.size
        res["shape"] = (grid.nx, grid.ny)
        res["step_over_kT"] = step
    if len(_BOX_CACHE) > _CACHE_LIMIT:
        _BOX_CACHE.clear()
    _BOX_CACHE[key] = res
    return res


def _sea_cutoffs(opt, scan) -> np.ndarray:
    """The sea cutoffs K (scaled momentum): ``sea_cutoffs``, rescaled so that the largest is
    ``k_max`` (1/nm) when that is given; refused outside RANGES['sea_cutoffs']."""
    cut = np.asarray(opt["sea_cutoffs"], dtype=float)
    if opt["k_max"] is not None:
        ratio = cut.max() / cut.min()
        cut = cut * (float(opt["k_max"]) / scan.k_scale[0]) / cut.max()
        lo, hi = RANGES["sea_cutoffs"]
        if cut.min() < lo or cut.max() > hi:
            raise ResponseError(f"k_max: {opt['k_max']:g} /nm puts the sea cutoffs at {cut.min():.3g}..{cut.max():.3g} "
                                f"scaled units (allowed {lo:g}..{hi:g}); allowed: {lo * ratio * scan.k_scale[0]:.3g} "
                                f"<= k_max <= {hi * scan.k_scale[0]:.3g} /nm for these sea_cutoffs")
    return cut


def _sea_reference(comp, values, E_ref, opt):
    """Filled-band sea: (best, cutoff variant, sub-lattice variant, tail-quadrature variant,
    roundoff floor), each (4, 2) in 1/(eV nm).

    For each cutoff K: the windowed Cartesian sum of w(|q|/K) S plus the radial tail
    ``int (1 - w(r/K)) a(r) dr`` from circles (:func:`symenh.integrate.grid.sea_tail`); the
    total does not depend on K.  Best: the largest K.  Cutoff variant: the total at the
    cutoff that disagrees most with it.
    """
    num, p0, scan = G.scan_for(comp, values)
    cut = _sea_cutoffs(opt, scan)
    key = (comp.source(), p0, E_ref, tuple(cut), opt["sea_spacing"], opt["chunk_points"])
    if key not in _SEA_CACHE:
        opt["say"](f"grid: {comp.name}: filled-band sea below E_ref = {E_ref:.4g} eV (cutoffs K = "
                   f"{', '.join(f'{k:.3g}' for k in cut)}, spacing {opt['sea_spacing']:g}, radial tail)")
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
        _SEA_CACHE[key] = (best, alt_k, alt_g, alt_q, sums[3][j] + tail.floor[j])
    return _SEA_CACHE[key]






def say_box(opt, mu: float, name: str, kTs, sums) -> None:
    """One progress line (``opt["say"]``) for the Fermi-box sums of one component at one mu: the box's
    points and the temperatures (eV) they were summed at (or that no level lies near mu)."""
    say = opt["say"]
    T = ", ".join(f"{x:.3g}" for x in np.sort(np.asarray(kTs, dtype=float))[::-1])
    if sums is None:
        say(f"grid: mu = {mu:g} eV, {name}: no level near mu (no Fermi box)")
        return
    nx, ny = sums["shape"]
    say(f"grid: mu = {mu:g} eV, {name}: Fermi box {nx} x {ny} = {sums['n_points']} points (step "
        f"{sums['step_over_kT']:.3g} kT/v), kT = {T} eV")


def _component_factors(comp, values, mu, kTs, E_ref, need, opt, alpha: float = 0.0, order: str = "linear"):
    """Factors of one component at alpha = 0 and d/dalpha, in variants, with their uncertainty.

    Returns ``(variants, unc)``: ``variants`` {variant: (f0, f1)} for "best", "T" (one
    temperature fewer), "grid" (checkerboard sub-lattice), "K" (sea cutoff), "Q" (sea tail
    quadrature); ``unc`` (u0, u1) per factor entry: what the variants do not see (roundoff,
    box truncation, widening where the levels do not converge; :func:`box_factor`).
    """
    exact = order == "exact"
    sums = _box_sums(comp, values, mu, kTs, E_ref, opt, alpha if exact else 0.0)
    say_box(opt, mu, comp.name, kTs, sums)
    variants = {v: ({}, {}) for v in VARIANTS}
    unc = ({}, {})
    law = opt["n_k"] is not None     # the error-law check of the sub-lattice scaling: explicit n_k only

    def put(name, which, arr):
        b, t, g, u = box_factor(arr, kTs, opt.get("trunc_margin_kT", opt["margin_kT"]), law_check=law)
        for v, val in (("best", b), ("T", t), ("grid", g), ("K", b), ("Q", b)):
            variants[v][which][name] = val
        unc[which][name] = u

    def zero(name, which):
        for v in variants:
            variants[v][which][name] = np.zeros(_SHAPES[name])
        unc[which][name] = np.zeros(_SHAPES[name])

    if exact:                        # the factors at alpha itself (which = 0); no derivatives
        pieces = (("D", 0, "D0"), ("X", 0, "X0"), ("A", 0, "A0"), ("C", 0, "C0"))
        for name in ("D", "X", "A", "B", "C"):
            zero(name, 1)
    else:                            # only the d/dalpha of D, X enters (BCD, INH are linear in them)
        zero("D", 0)
        zero("X", 0)
        pieces = (("D", 1, "D1"), ("X", 1, "X1"), ("A", 0, "A0"), ("A", 1, "A1"),
                  ("C", 0, "C0"), ("C", 1, "C1"), ("B", 1, "B1"))
    for name, which, key in pieces:
        if sums is None:               # no level of this component near mu
            zero(name, which)
        else:
            put(name, which, sums[key])
    # alpha = 0 Fermi sea B0 = B_ref + sum int (f - theta_ref) S
    if "B" in need:
        if E_ref is None:
            raise ResponseError("grid: the Fermi-sea factor of enh-pt needs a spectral gap in the model "
                                "(none found on the probe grid)")
        ref_best, ref_k, ref_g, ref_q, ref_floor = _sea_reference(comp, values, E_ref, opt)
        if sums is None:
            d_best = d_t = d_g = d_unc = np.zeros((4, 2))
        else:
            d_best, d_t, d_g, d_unc = box_factor(sums["Bd"], kTs, opt.get("trunc_margin_kT", opt["margin_kT"]),
                                                 law_check=law)
        variants["best"][0]["B"] = ref_best + d_best
        variants["T"][0]["B"] = ref_best + d_t
        variants["grid"][0]["B"] = ref_g + d_g
        variants["K"][0]["B"] = ref_k + d_best
        variants["Q"][0]["B"] = ref_q + d_best
        unc[0]["B"] = ref_floor + d_unc
    else:
        zero("B", 0)
    return variants, unc










#: the old private name (symenh.responses.user_quadrature imports it)
_propagate = propagate

#: the Job settings beyond the paper's that :func:`compute` honours (keywords of
#: :func:`symenh.responses.job.require_default`)
SUPPORTS = {"interaction": True, "channels": ("printed", "fock"), "T_K": True, "order": ("linear", "exact"),
            "occupation": True}


def compute(job: Job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV and its error estimate per mu (and, for
    ENH with the exchange-field assembly, a third item {"channels": {group: raw tensor}}).

    The paper's setting (contact V_0, printed channels, T = 0, linear order, one of the four
    mechanisms) is :func:`compute_linear` (unchanged).  Otherwise (:data:`SUPPORTS`):

    * ENH with a q-dependent interaction or ``channels="fock"``: FFT-convolved exchange fields
      (:mod:`symenh.responses.exchange_grid`), extrapolated T -> 0 at T = 0 and evaluated at the
      requested temperature itself at T > 0; linear order or the exact tilt (occupations at
      eps0 + alpha tau on the tilted Fermi box);
    * ``T_K > 0``, ``order="exact"``, mechanism ``inh-full``: :mod:`symenh.responses.grid_thermal`
      (the Fermi-box sums at the requested T, no T -> 0 extrapolation; tilted occupations).
    """
    from . import lattice_grid
    if lattice_grid.is_lattice(job):    # Brillouin-zone integrals (responses/lattice_grid.py)
        return lattice_grid.compute(job)
    job = contact_job(job)
    if job.is_paper_setting and job.mechanism in FACTORS:
        return compute_linear(job)
    from ..temperature import kT_eV
    kT = kT_eV(job.T_K)
    if uses_exchange_path(job, "grid"):
        from .exchange import exchange_job
        return exchange_job(job, "grid", kT)
    from . import grid_thermal
    return grid_thermal.compute(job, kT, job.order, job.occupation)


def compute_linear(job: Job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV and its error estimate per mu (the paper's
    setting: T -> 0, linear order, contact V_0 of ``job.pre``, printed channels).

    The estimate (shape (len(mu),), same raw units) bounds every tensor element at that
    mu: the largest element-wise estimate (see :func:`compute_elementwise`).
    """
    out, err = compute_elementwise(job)
    return out, err.reshape(len(out), -1).max(axis=1)


def compute_elementwise(job: Job, kT: float = 0.0, order: str = "linear"):
    """Like :func:`compute_linear`, with an error estimate per tensor element (len(mu), 2, 2, 2).

    ``kT`` (eV) > 0: the sums at that temperature itself (no T -> 0 extrapolation: the variant
    "T" is then the best value, every other part of the estimate stays); mu may lie in a gap
    (thermally activated: the Fermi box reaches ``margin_kT`` kT beyond the band edge, so the
    truncation stays relative to the activated value), and no edge-distance refusal applies.
    ``order="exact"``: the factors at the tilt alpha itself (occupations at eps0 + alpha tau),
    assembled by :func:`symenh.responses.assembly.sigma_of`; at kT = 0 the T -> 0 extrapolation
    uses the distance of mu from the *tilted* band edge (paper models:
    ``|Delta| sqrt(1 - (alpha/hbar v_y)^2)``).  Mechanisms: the paper four and ``inh-full``.
    """
    check_mechanism(job.mechanism)
    # --- lattice models (helper "lattice"): Brillouin-zone integrals, responses/lattice_grid.py ---
    from . import lattice_grid
    if lattice_grid.is_lattice(job):
        return lattice_grid.compute_elementwise(contact_job(job), kT, order)
    # --- end lattice block ---
    opt = _options(job)
    need = set(FACTORS_ALL[job.mechanism])
    gap = _paper_gap(job)
    direct = kT > 0
    exact = order == "exact"
    opt["say"](f"grid: {job.mechanism} of {job.model_name} at {len(job.mu_eV)} mu, {len(job.components)} "
               f"component(s), {f'kT = {kT:.4g} eV' if direct else 'T -> 0'}, {order} order")
    scans = []
    try:
        for comp in job.components:
            scans.append(G.scan_for(comp, job.values)[2])
    except ValueError as exc:
        raise ResponseError(f"grid: {exc}") from None
    if "B" in need:
        for scan in scans:
            _sea_cutoffs(opt, scan)             # refuse a bad k_max before any grid work
    alpha = job.alpha
    nmu = len(job.mu_eV)
    out = np.zeros((nmu, 2, 2, 2))
    err = np.zeros((nmu, 2, 2, 2))
    if exact and alpha == 0 and gap is not None:
        return out, err                 # a paper model untilted: every conductivity vanishes by symmetry
    edge = gap
    # where mu lies and how far from a band edge: the tilted spectrum at the exact tilt (a mu between the
    # tilted and the untilted band edge lies in a band there)
    where = scans
    if exact:
        if gap is not None:
            edge = G.tilted_paper_gap(gap, float(job.values[HVY]), alpha)
        else:
            where = [G.tilted_scan(comp, job.values, alpha) for comp in job.components]
    plan = []
    for i, mu in enumerate(job.mu_eV):      # refuse before any expensive work
        mu = float(mu)
        if gap is not None:
            in_gap = abs(mu) <= edge
            edges = np.array([edge, -edge])
        else:
            in_gap = not any(s.in_band(mu) for s in where)
            edges = np.concatenate([s.edges for s in where])
        if direct:
            dist = float(np.min(np.abs(mu - edges))) if edges.size else max(abs(mu), scans[0].energy_scale)
            # in a gap the box reaches margin_kT kT beyond the band edge; the Fermi tail cut off there
            # weighs exp(-margin_kT) of the (activated) sums, so the truncation estimate keeps margin_kT
            o = dict(opt, margin_kT=opt["margin_kT"] + dist / kT, trunc_margin_kT=opt["margin_kT"]) if in_gap else opt
            plan.append((i, mu, np.array([float(kT)]), o))
            continue
        if in_gap:
            opt["say"](f"grid: mu = {mu:g} eV lies in the gap: exactly zero at T = 0")
            continue                        # T = 0 in the gap: exactly zero
        dist = check_edge(mu, edges, max(s.energy_scale for s in scans), gap is not None)
        kTs = temperatures(opt, dist)
        if kTs.max() > MAX_KT_OVER_DIST * dist:
            raise ResponseError(f"temperatures_K: kT = {kTs.max():.3g} eV exceeds {MAX_KT_OVER_DIST:g} times the "
                                f"distance {dist:.3g} eV of mu = {mu} eV from the band edge (the T -> 0 "
                                "extrapolation needs kT well below it); give lower temperatures")
        plan.append((i, mu, kTs, opt))
    for i, mu, kTs, o in plan:
        per_variant = {v: ({k: [] for k in _SHAPES}, {k: [] for k in _SHAPES}) for v in VARIANTS}
        u_all = ({k: [] for k in _SHAPES}, {k: [] for k in _SHAPES})
        for comp, scan in zip(job.components, scans):
            E_ref = _e_ref(scan, mu, gap)
            fac, unc = _component_factors(comp, job.values, mu, kTs, E_ref, need, o, alpha, order)
            for v, (f0, f1) in fac.items():
                for k in f0:
                    per_variant[v][0][k].append(f0[k])
                    per_variant[v][1][k].append(f1[k])
            for which in (0, 1):
                for k in unc[which]:
                    u_all[which][k].append(unc[which][k])
        F = {v: ({k: np.array(f0[k]) for k in need}, {k: np.array(f1[k]) for k in need})
             for v, (f0, f1) in per_variant.items()}
        B0, B1 = F["best"]
        out[i] = assemble(job, B0, B1, order)
        U0 = {k: np.array(u_all[0][k]) for k in need}
        U1 = {k: np.array(u_all[1][k]) for k in need}
        err[i] = (sum(variant_change(job, F["best"], F[v], order) for v in VARIANTS[1:])
                  + bound(job, B0, B1, U0, U1, order))
    return out, err
