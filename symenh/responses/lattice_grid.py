"""The ``grid`` path for lattice models: every factor integrated over the Brillouin zone.

A lattice model (``from_matrix(..., lattice_vectors=...)``) is periodic under the reciprocal
lattice: the Fermi sea is one zone, not a plane to infinity, so there is no sea tail, no sum-rule
cutoff, and a chemical potential may lie above every band.  For every mu and component:

1. **Spectrum** (:func:`symenh.integrate.bz.zone_spectrum`): band ranges and critical energies
   (extrema and saddle points) over the zone at alpha = 0.  Where mu lies at T = 0
   (:func:`regime`): in a band (a Fermi surface; computed), in a gap, below every band or above
   every band (no Fermi surface: every conductivity is exactly zero, for the reason in
   :data:`ZERO_REASONS`; above every band the bands are filled, not absent).
2. **Fermi box on the torus** (:meth:`~symenh.integrate.bz.ZoneSpectrum.fermi_box`): the
   fractional rectangle holding every k where a level lies between the reference energy E_ref (in
   the gap nearest mu) and mu +- margin_kT kT_max; it wraps the zone (periodic grid) where the
   Fermi contour is open.  On it, at each temperature kT_j = dist kT_fractions[j] (dist: mu's
   distance from the nearest critical energy, where the Sommerfeld expansion in T^2 breaks
   down), :func:`symenh.integrate.grid.fermi_box_sums` gives every Fermi-surface factor (exact
   alpha-derivative on the Fermi functions) and ``sum int (f - theta_ref) S``, each also on the
   checkerboard and 2 h sub-lattices.  Step: spacing_over_kT kT_min / v_max along each reciprocal
   vector (checked on the grid itself, refined once).
3. **Filled bands** (ENH(PT) only): ``B_ref = sum_{eps_N < E_ref} int_BZ S_N``, a periodic analytic
   integrand, by the periodic trapezoid rule (:func:`symenh.integrate.bz.filled_sea`), exponentially
   convergent.  B0 = B_ref + sum int (f - theta_ref) S.
4. **T -> 0** by Richardson extrapolation in T^2 and the error estimate of the Cartesian grid path
   (:func:`symenh.responses.grid_errors.box_factor`: T-extrapolation variant, sub-lattice variants,
   roundoff floors, box truncation, tableau check), propagated through the assembly without signs.

BCD of a filled band: D_b = sum_N int_BZ f_N d_b Omega_N; with f_N = 1 the integrand is the
derivative of a periodic function, so the zone integral vanishes (the grid computes
D_b = -sum int (d_b f_N) Omega_N, integration by parts on the torus, exact).

Options (``symenh.sigma(model, ..., method="grid", **options)``): ``kT_fractions``,
``temperatures_K``, ``spacing_over_kT``, ``margin_kT``, ``chunk_points``, ``max_points`` with the
meanings and ranges of :mod:`symenh.responses.grid`, and ``progress`` (None, True: lines on stderr, or
a callable taking one string: one line per request, per mu and component -- the Fermi box's points and
step, the temperatures kT in eV, a mu without a Fermi surface -- and per filled-band sea; it changes
no number and enters no cache key).  Measured timings: benchmarks/lattice.py.

Beyond the paper's setting (:data:`SUPPORTS`; :func:`compute` dispatches):

* ``T_K > 0`` (:func:`compute_elementwise` with ``kT``): the same Fermi-box sums at the requested
  temperature itself (Fermi-Dirac occupations over the zone), no T -> 0 extrapolation and no edge
  refusal; on the finite zone nothing else is extrapolated (no sea tail).  mu in a gap, below or
  above every band is thermally activated: the box reaches margin_kT kT beyond the nearest band
  edge.  At least :data:`MIN_STEPS` grid steps across the box.  As T -> 0 the numbers tend to the
  T = 0 path's (tests/test_lattice_grid_extensions.py).
* ENH with a q-dependent interaction (screened Coulomb, a user V(q)) or ``channels="fock"``
  (:func:`compute_exchange`): exchange fields as periodic convolutions over the zone with
  V_T(q) = V(|q|_min) (q reduced to the Wigner-Seitz cell: umklapp exchange neglected, derived in
  :mod:`symenh.integrate.zone_exchange`), at T = 0 (extrapolated, log terms for a cusped V) or T > 0,
  linear order or the exact tilt (occupations at eps0 + alpha tau on the tilted torus box, as below;
  tests/test_exchange_grid_exact.py).  Options :data:`EXCHANGE_DEFAULTS`.
* ``order="exact"`` (sigma at the finite tilt alpha, contact interaction with the printed channels;
  :func:`compute_elementwise` with ``order``): the factors *at* alpha, with the occupations at
  eps0 + alpha tau(k) (:func:`symenh.integrate.grid.fermi_box_sums` with ``alpha``: Fermi functions and
  band velocities d_c eps0 + alpha d_c tau; the geometry is alpha-independent, the tilt being on the
  identity), summed over the zone on the Fermi box on the torus of the *tilted* spectrum
  (:func:`spectrum` with ``tilted``), which also holds every k where an untilted level lies in the
  window (the filled-band reference theta(E_ref - eps0)); it is the whole zone (periodic) where the
  tilted contour wraps.  (The whole zone at the step the T -> 0 temperatures need would be ~1e7 points
  for a pocket of 1/20 of the zone.)  ENH(PT): B0 = B_ref + sum int (f(eps0 + alpha tau) - theta_ref) S
  with E_ref in the tilted gap nearest mu (refused in one line where that energy lies in an untilted
  band).  Where mu lies, the band edges and the critical energies are those of the tilted spectrum: mu
  crossing no tilted band is exactly zero at T = 0 (a tilted gap lies inside the untilted one: the tilt
  lowers the band bottom and raises the band top), and the T -> 0 extrapolation is the linear order's
  (Richardson in T^2, the same estimate) with dist = mu's distance from the nearest tilted critical
  energy; T > 0 directly at that temperature.  Assembled by :func:`symenh.responses.assembly.sigma_of`
  (the error bound of :func:`symenh.responses.grid_errors.bound`).  As alpha -> 0 it tends to the
  linear order, (exact - linear)/linear ~ alpha^2; against the lattice quadrature's exact tilt (tilted
  zone contours) within both estimates (tests/test_lattice_grid_exact.py).
* refused in one line: inh-full's field-corrected occupation, ``exchange_valleys="all"`` with the
  exchange-field assembly.
"""

from __future__ import annotations

import numpy as np

from ..errors import ResponseError
from ..integrate import bz
from ..integrate.grid import fermi_box_sums
from ..integrate.grid.numerics import ModelNumerics, zero_tilt_values
from ..kernels.hamiltonian import param_vector, values_by_name
from ..units import KB_EV_PER_K
from . import grid as cgrid
from .assembly import sigma_of
from .grid_errors import assemble, bound, box_factor, propagate, variant_change
from .job import Job, contact_job, merged_options, progress_option, require_default, uses_exchange_path
from .spec import FACTORS, linear_sigma

DEFAULTS = {k: cgrid.DEFAULTS[k] for k in ("kT_fractions", "temperatures_K", "spacing_over_kT", "margin_kT",
                                             "chunk_points", "max_points", "progress")}
MAX_STEP_OVER_KT = cgrid.MAX_STEP_OVER_KT
EDGE_RTOL = cgrid.EDGE_RTOL
VARIANTS = ("best", "T", "grid")
_SHAPES = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}

#: why every conductivity is exactly zero at T = 0 when mu crosses no band
ZERO_REASONS = {
    "below": "mu lies below every band: no state is occupied and there is no Fermi surface, so every factor "
             "vanishes",
    "above": "mu lies above every band: every band is filled (not a gap) and there is no Fermi surface; the "
             "Fermi-surface factors vanish, a filled band's Berry-curvature dipole integrates the periodic "
             "derivative d_b Omega over the zone (zero), and the SBP summed over all bands vanishes at every k",
    "gap": "mu lies in a gap between bands: there is no Fermi surface, and every term of each conductivity "
           "(linear in the tilt) carries a Fermi-surface factor",
}

_SPECTRA: dict = {}
_BOXES: dict = {}
_SEAS: dict = {}


def clear_caches() -> None:
    """Forget the memoised spectra, Fermi-box sums and filled-band seas (benchmarks time cold runs)."""
    _SPECTRA.clear()
    _BOXES.clear()
    _SEAS.clear()


def is_lattice(job: Job) -> bool:
    """True when the job's model is a lattice model (its components carry lattice vectors)."""
    return any(getattr(c, "lattice", None) is not None for c in job.components)


def refuse_lattice(job: Job, method: str) -> None:
    """One-line refusal of a lattice model by a path that integrates over the plane (quadrature,
    closed-form): its integrals would run over the continuum, not the Brillouin zone."""
    if is_lattice(job):
        raise ResponseError(f"method: {method!r} does not handle a lattice model (its integrals run over the "
                            "plane, not the Brillouin zone); use method='grid'")


def _numerics(comp, values):
    num = ModelNumerics.build(comp)
    return num, zero_tilt_values(comp, values)


def spectrum(comp, values, tilted: bool = False) -> bz.ZoneSpectrum:
    """The :class:`~symenh.integrate.bz.ZoneSpectrum` of a lattice component (cached): at alpha = 0, or
    with ``tilted`` at the tilt of ``values`` (levels eps0 + alpha tau: the tilt is on the identity, so the
    Hamiltonian at the full parameter vector has exactly these levels; band edges and critical energies of
    the exact tilt)."""
    num, p0 = _numerics(comp, values)
    p = param_vector(comp, values_by_name(values)) if tilted else p0
    key = (comp.source(), p)
    if key not in _SPECTRA:
        _SPECTRA[key] = bz.zone_spectrum(num, p, comp.lattice)
    return _SPECTRA[key]


def check_tilted_reference(spec0: bz.ZoneSpectrum, E_ref: float, alpha: float, name: str) -> None:
    """One line (ResponseError) when the reference energy E_ref (eV) chosen in a gap of the tilted bands lies in
    a band of the untilted ones (``spec0``): the filled sea of the exact tilt (theta(E_ref - eps0)) cannot be
    placed there."""
    if spec0.regime(E_ref) == "band":
        raise ResponseError(f"order: at alpha = {alpha:g} the gap of {name} at E_ref = {E_ref:.4g} eV (tilted "
                            "bands) lies in an untilted band; the filled sea of the exact tilt cannot be placed "
                            "there (use order='linear')")


def regime(model, values, mu_eV: float) -> str:
    """Where ``mu_eV`` lies for the lattice model ``model`` (a SymbolicModel or a tuple of components) at
    alpha = 0 and T = 0: "band", "gap", "below" or "above" (see :data:`ZERO_REASONS`)."""
    comps = model if isinstance(model, (tuple, list)) else (model,)
    regs = [spectrum(c, values).regime(float(mu_eV)) for c in comps]
    if "band" in regs:
        return "band"
    if all(r == "above" for r in regs):
        return "above"
    if all(r == "below" for r in regs):
        return "below"
    return "gap"


def _options(job: Job) -> dict:
    opt = merged_options(job.options, DEFAULTS, "grid", " for a lattice model")
    opt["say"] = progress_option(opt)          # a reporter, never part of a cache key
    R = cgrid.RANGES
    opt["kT_fractions"] = cgrid.real_options("kT_fractions", opt["kT_fractions"], *R["kT_fractions"], lo_open=True)
    if opt["temperatures_K"] is not None:
        opt["temperatures_K"] = cgrid.real_options("temperatures_K", opt["temperatures_K"], *R["temperatures_K"],
                                             lo_open=True, unit=" (K)")
    for name in ("spacing_over_kT", "margin_kT"):
        opt[name] = cgrid.option_real(name, opt[name], *R[name])
    for name in ("chunk_points", "max_points"):
        opt[name] = cgrid.option_integer(name, opt[name], *R[name])
    return opt


#: at least this many grid steps across the Fermi box along each axis (at high T the spacing rule
#: alone would leave a handful of points: the Fermi function is then broad, the integrand is not)
MIN_STEPS = 32


def _steps(lattice, kTs, opt, v, box=(None, None)):
    """Fractional steps along b1, b2: spacing_over_kT kT_min / (v |b_i|); at a requested T > 0
    (``opt["direct"]``) at most 1/MIN_STEPS of the box's extent along that axis (the whole period
    where the box wraps).  (At T -> 0 the temperatures are small fractions of the distance to a
    critical energy, and the spacing rule alone already puts far more points across the box.)"""
    h = opt["spacing_over_kT"] * kTs.min() / max(v, 1e-300)
    out = []
    for i in range(2):
        step = h / np.linalg.norm(lattice.reciprocal[i])
        if opt.get("direct"):
            step = min(step, (1.0 if box[i] is None else box[i][1] - box[i][0]) / MIN_STEPS)
        out.append(step)
    return tuple(out)


def _box_sums(comp, values, mu, kTs, E_ref, opt, alpha: float = 0.0):
    """Fermi-box sums of one component (cached): {name: (5, nT, ...)} or None (no level near mu).

    ``alpha`` != 0 (the exact tilt): the occupations at eps0 + alpha tau
    (:func:`~symenh.integrate.grid.fermi_box_sums` with ``alpha``) on the Fermi box on the torus of the
    tilted spectrum, which also holds every k where an untilted level lies in the window (the filled-band
    reference theta(E_ref - eps0)), as :func:`symenh.integrate.thermal_box.tilted_box` on the plane."""
    num, p0 = _numerics(comp, values)
    key = (comp.source(), p0, float(mu), tuple(kTs), E_ref, opt["spacing_over_kT"], opt["margin_kT"],
           opt.get("box_margin_kT"), bool(opt.get("direct")), opt["chunk_points"])
    if alpha != 0.0:
        key = key + (float(alpha),)
    if key in _BOXES:
        return _BOXES[key]
    spec = spectrum(comp, values, tilted=alpha != 0.0)
    W = opt.get("box_margin_kT", opt["margin_kT"]) * kTs.max()
    found = spec.fermi_box(min(mu - W, E_ref), max(mu + W, E_ref), opt["chunk_points"],
                           also=p0 if alpha != 0.0 else None)
    res = None
    if found is not None:
        box, v = found
        for _attempt in range(2):
            grid = bz.zone_grid(comp.lattice, box, _steps(comp.lattice, kTs, opt, v, box))
            if grid.size > opt["max_points"]:
                raise ResponseError(f"max_points: the Fermi box at mu = {mu} eV needs {grid.size} points "
                                    f"(> max_points = {opt['max_points']}); raise max_points (<= "
                                    f"{cgrid.RANGES['max_points'][1]}) or give higher temperatures_K")
            res = fermi_box_sums(num, p0, grid, mu, kTs, E_ref, chunk_points=opt["chunk_points"],
                                 vel_halfwidth=W, alpha=alpha)
            speed = float(np.hypot(*res["vmax"]))
            step = max(grid.hx, grid.hy) * speed / kTs.min()
            if step <= MAX_STEP_OVER_KT:
                break
            v = 1.1 * speed
        else:
            raise ResponseError(f"spacing_over_kT: the zone grid at mu = {mu} eV still steps {step:.3g} kT/v after "
                                "refinement; lower spacing_over_kT")
        if not np.any(res["vmax"] > 0):
            res = None
        else:
            res["n_points"] = grid.size
            res["shape"] = (grid.nx, grid.ny)
            res["step_over_kT"] = step
    _BOXES[key] = res
    return res


def _sea(comp, values, E_ref, chunk_points, say=None):
    num, p0 = _numerics(comp, values)
    key = (comp.source(), p0, E_ref)
    if key not in _SEAS:
        if say is not None:
            say(f"grid (lattice): {comp.name}: filled bands below E_ref = {E_ref:.4g} eV over the zone (periodic "
                "trapezoid, doubled until converged)")
        _SEAS[key] = bz.filled_sea(num, p0, comp.lattice, E_ref, chunk_points=chunk_points)
    return _SEAS[key]


def _component_factors(comp, values, mu, kTs, need, opt, alpha: float = 0.0):
    """({variant: (f0, f1)}, (u0, u1), (m0, m1)) of one component, like
    :func:`symenh.responses.grid._component_factors`, plus the sums of |terms| of each factor (m).
    ``alpha`` != 0: the exact tilt, every factor at alpha itself in f0 (f1 zero), the sea
    B0 = B_ref + sum int (f(eps0 + alpha tau) - theta(E_ref - eps0)) S with E_ref in the tilted gap."""
    exact = alpha != 0.0
    spec = spectrum(comp, values, tilted=exact)
    E_ref = spec.reference_energy(mu)
    if exact and "B" in need:
        check_tilted_reference(spectrum(comp, values), E_ref, alpha, comp.name)
    live = spec.regime(mu) == "band" or opt.get("direct")      # at T > 0 every mu is (thermally) live
    sums = _box_sums(comp, values, mu, kTs, E_ref, opt, alpha) if live else None
    cgrid.say_box(opt, mu, comp.name, kTs, sums)
    variants = {v: ({}, {}) for v in VARIANTS}
    unc = ({}, {})
    mag = ({}, {})      # sums of |terms|: the scale below which a value is a certified zero

    def zero(name, which):
        for v in variants:
            variants[v][which][name] = np.zeros(_SHAPES[name])
        unc[which][name] = np.zeros(_SHAPES[name])
        mag[which][name] = np.zeros(_SHAPES[name])

    if exact:                        # the factors at alpha itself (which = 0); no derivatives
        pieces = (("D", 0, "D0"), ("X", 0, "X0"), ("A", 0, "A0"), ("C", 0, "C0"))
        for name in ("D", "X", "A", "B", "C"):
            zero(name, 1)
    else:
        pieces = (("D", 1, "D1"), ("X", 1, "X1"), ("A", 0, "A0"), ("A", 1, "A1"),
                  ("C", 0, "C0"), ("C", 1, "C1"), ("B", 1, "B1"))
        for name in ("D", "X"):
            zero(name, 0)
    for name, which, key in pieces:
        if sums is None:
            zero(name, which)
            continue
        b, t, g, u = box_factor(sums[key], kTs, opt["margin_kT"])   # truncation at margin_kT (module text)
        for v, val in (("best", b), ("T", t), ("grid", g)):
            variants[v][which][name] = val
        unc[which][name] = u
        mag[which][name] = np.max(np.abs(sums[key][3]), axis=0)
    if "B" in need:
        ref, _ref_sub, ref_err, _, ref_abs = _sea(comp, values, E_ref, opt["chunk_points"], opt.get("say"))
        if sums is None:
            d_best = d_t = d_g = d_unc = np.zeros((4, 2))
        else:
            d_best, d_t, d_g, d_unc = box_factor(sums["Bd"], kTs, opt["margin_kT"])
        variants["best"][0]["B"] = ref + d_best
        variants["T"][0]["B"] = ref + d_t
        variants["grid"][0]["B"] = ref + d_g
        unc[0]["B"] = ref_err + d_unc
        mag[0]["B"] = ref_abs + (0.0 if sums is None else np.max(np.abs(sums["Bd"][3]), axis=0))
    else:
        zero("B", 0)
    return variants, unc, mag


#: the Job settings beyond the paper's that the lattice grid path honours (keywords of
#: :func:`symenh.responses.job.require_default`); anything else (inh-full's field-corrected occupation)
#: is refused in one line
SUPPORTS = {"interaction": True, "channels": ("printed", "fock"), "T_K": True, "order": ("linear", "exact")}


def compute(job: Job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV and its error estimate per mu (the largest
    element-wise estimate), for a lattice model; ENH with a q-dependent interaction or the Fock channels
    also returns {"channels": {group: raw tensor}} (:func:`compute_exchange`).

    Settings (:data:`SUPPORTS`): the contact interaction (its V_0, eps_r included), T = 0 (T -> 0
    extrapolation) or ``T_K`` > 0 (the Fermi-box sums at that temperature itself), linear order or the
    exact tilt (``job.order``);
    ENH with screened Coulomb / a user V(q) / ``channels="fock"`` by :func:`compute_exchange`."""
    from ..temperature import kT_eV
    job = contact_job(job)
    require_default(job, "lattice grid", **SUPPORTS)
    kT = kT_eV(job.T_K)
    if uses_exchange_path(job, "lattice grid"):
        return compute_exchange(job, kT)
    out, err = compute_elementwise(job, kT, job.order)
    return out, err.reshape(len(out), -1).max(axis=1)


def _check_lattice_only(job: Job) -> None:
    if not all(getattr(c, "lattice", None) is not None for c in job.components):
        raise ResponseError("model: mixes lattice and k.p components; give lattice models only (each with "
                            "lattice_vectors) or k.p models only")


def _activated_margin(opt, mu, specs, kT):
    """At T > 0 with mu in no band (gap, below or above every band: thermally activated), the Fermi box
    reaches margin_kT kT beyond the nearest band edge: the box margin in units of kT (the truncation
    estimate keeps margin_kT, relative to the activated value).  None when mu lies in a band."""
    if any(s.regime(mu) == "band" for s in specs):
        return None
    edges = np.concatenate([s.ranges.ravel() for s in specs])
    return opt["margin_kT"] + float(np.min(np.abs(mu - edges))) / kT


def compute_elementwise(job: Job, kT: float = 0.0, order: str = "linear"):
    """Raw sigma^{cab} (len(mu), 2, 2, 2) of a lattice model in e^3/hbar nm/eV (the spec.py assembly of
    the paper's BCD, INH and Eqs. 9, 10 with Brillouin-zone integrals), linear order in alpha, and its
    error estimate per tensor element (same shape and units); contact V_0 of ``job.pre``.

    ``kT`` (eV) = 0: T -> 0 by Richardson extrapolation in T^2 (module text).  ``kT`` > 0: the
    Fermi-box sums at that temperature itself (Fermi-Dirac occupations over the zone,
    :func:`symenh.integrate.occupation.fermi_derivatives`), no extrapolation and no edge refusal;
    the zone is finite, so nothing is extrapolated or cut off in k either (no sea tail).  mu in a gap,
    below or above every band is then thermally activated (non-zero, vanishing as T -> 0).

    ``order="exact"``: sigma at the tilt alpha itself (module text, "exact tilt"): the factors with the
    occupations at eps0 + alpha tau on the tilted Fermi box, assembled by
    :func:`symenh.responses.assembly.sigma_of`; where mu lies, the band edges and the critical energies
    (the T -> 0 distance) are those of the tilted spectrum."""
    require_default(job, "lattice grid", T_K=True, order=("linear", "exact"))
    _check_lattice_only(job)
    opt = _options(job)
    say = opt["say"]
    exact = order == "exact"
    need = set(FACTORS[job.mechanism])
    have = need | {"D", "X", "A", "C"}      # the Fermi-surface factors come from the same sums (scale of zeros)
    nmu = len(job.mu_eV)
    out = np.zeros((nmu, 2, 2, 2))
    err = np.zeros((nmu, 2, 2, 2))
    alpha = job.alpha if exact else 0.0
    say(f"grid (lattice): {job.mechanism} of {job.model_name} at {nmu} mu, {len(job.components)} component(s), "
        f"{f'kT = {kT:.4g} eV' if kT > 0 else 'T -> 0'}, {order} order")
    if exact and job.alpha == 0:
        # sigma of the untilted H need not vanish (a user's model may break the symmetry without its tilt), and
        # the lattice grid's exact machinery is keyed on alpha != 0: refused rather than a silent zero
        raise ResponseError("order: the lattice grid gives order='exact' at a non-zero tilt only; at alpha = 0 "
                            "use method='quadrature' (sigma of the untilted H) or order='linear' (zero)")
    specs = [spectrum(c, job.values, tilted=exact) for c in job.components]
    plan = []
    direct = kT > 0
    for i, mu in enumerate(job.mu_eV):          # refuse before any expensive work
        mu = float(mu)
        if direct:
            o = dict(opt, direct=True)
            margin = _activated_margin(opt, mu, specs, kT)
            if margin is not None:
                o["box_margin_kT"] = margin
            plan.append((i, mu, np.array([float(kT)]), o))
            continue
        if not any(s.regime(mu) == "band" for s in specs):
            say(f"grid (lattice): mu = {mu:g} eV crosses no {'tilted ' if exact else ''}band: exactly zero at T = 0")
            continue                            # ZERO_REASONS: exactly zero at T = 0
        crit = np.concatenate([s.critical for s in specs])
        dist = cgrid.check_edge(mu, crit, max(s.energy_scale for s in specs), False)
        kTs = cgrid.temperatures(opt, dist)
        if kTs.max() > cgrid.MAX_KT_OVER_DIST * dist:
            raise ResponseError(f"temperatures_K: kT = {kTs.max():.3g} eV exceeds {cgrid.MAX_KT_OVER_DIST:g} times "
                                f"the distance {dist:.3g} eV of mu = {mu} eV from the nearest critical energy "
                                "(band edge or saddle point); give lower temperatures")
        plan.append((i, mu, kTs, opt))
    for i, mu, kTs, o in plan:
        per = {v: ({k: [] for k in have}, {k: [] for k in have}) for v in VARIANTS}
        u_all = ({k: [] for k in have}, {k: [] for k in have})
        m_all = ({k: [] for k in have}, {k: [] for k in have})
        for comp in job.components:
            fac, unc, mag = _component_factors(comp, job.values, mu, kTs, need, o, alpha)
            for v, (f0, f1) in fac.items():
                for k in have:
                    per[v][0][k].append(f0[k])
                    per[v][1][k].append(f1[k])
            for which in (0, 1):
                for k in have:
                    u_all[which][k].append(unc[which][k])
                    m_all[which][k].append(mag[which][k])
        F = {v: ({k: np.array(f0[k]) for k in have}, {k: np.array(f1[k]) for k in have})
             for v, (f0, f1) in per.items()}
        B0, B1 = F["best"]
        U0 = {k: np.array(u_all[0][k]) for k in need}
        U1 = {k: np.array(u_all[1][k]) for k in need}
        M0 = {k: np.array(m_all[0][k]) for k in need}
        M1 = {k: np.array(m_all[1][k]) for k in need}
        zeros = {k: np.zeros_like(v) for k, v in M0.items()}
        if exact:
            out[i] = assemble(job, B0, B1, "exact")
            err[i] = (sum(variant_change(job, F["best"], F[v], "exact") for v in VARIANTS[1:])
                      + bound(job, B0, B1, U0, U1, "exact"))
            scale = float(np.max(bound(job, M0, zeros, M0, zeros, "exact")))
            others = [sigma_of(mech, B0, job.pre, job.exchange) for mech in ("bcd", "inh", "enh-t")]
        else:
            out[i] = linear_sigma(job.mechanism, B0, B1, job.alpha, job.pre, job.exchange)
            err[i] = (sum(variant_change(job, F["best"], F[v]) for v in VARIANTS[1:])
                      + propagate(job.mechanism, B0, B1, U0, U1, job.alpha, job.pre, job.exchange))
            scale = float(np.max(propagate(job.mechanism, zeros, zeros, M0, M1, job.alpha, job.pre,
                                           job.exchange)))
            others = [linear_sigma(mech, B0, B1, job.alpha, job.pre, job.exchange) for mech in ("bcd", "inh", "enh-t")]
        # sigma^{cab} is antisymmetric in (c, a) by construction (T - T^{acb}, exact in floating point):
        # the elements c = a are exactly zero and carry no error (inh-full at the exact tilt is not antisymmetric)
        if not (exact and job.mechanism == "inh-full"):
            for c in range(2):
                err[i][c, c, :] = 0.0
        # the scale a zero is certified against: the largest conductivity of this model at this mu among
        # the mechanisms computed from the same sums, and the sums of |terms| of the requested one
        for other in others:
            scale = max(scale, float(np.max(np.abs(other))))
        _check_certified(mu, out[i], err[i], scale)
    return out, err


#: an estimate below this fraction of the scale (see _check_certified) certifies a (symmetry) zero
ZERO_CERTIFIED = 1e-6


def _check_certified(mu, value, error, scale):
    """A result whose error estimate exceeds its largest element is an error, not a zero -- unless the
    estimate itself is below ZERO_CERTIFIED times ``scale``: the larger of the conductivity the sums of
    |terms| would give and the largest conductivity of BCD, INH and ENH(T) of the same model at the same
    mu (computed from the same Fermi-box sums, with the job's tau and V_0).  Then value and estimate
    are cancellation noise, a zero certified within the estimate (a mechanism forbidden by symmetry:
    BCD and ENH(T) of a PT-symmetric model, INH and ENH(PT) of a T-symmetric one)."""
    big, e = float(np.max(np.abs(value))), float(np.max(error))
    if e >= big and e > ZERO_CERTIFIED * scale:
        raise ResponseError(f"grid: at mu = {mu} eV the error estimate {e:.3g} is not below the largest element "
                            f"{big:.3g} (raw units); the result is not trusted: lower spacing_over_kT or move mu "
                            "away from the critical energies (band edges, saddle points)")


# ---------------------------------------------------------------------------
# ENH with a q-dependent interaction or the Fock channels: zone convolutions
# ---------------------------------------------------------------------------

#: options of the lattice exchange path (``method="grid"`` with a q-dependent interaction or
#: ``channels="fock"``): those of :mod:`symenh.responses.exchange_grid` that apply on the zone, and
#: ``ref_points`` (points per side of the periodic zone grid of the filled reference sea; None: 8 points
#: per narrowest feature of the filled-band SBP, width ~ gap / v_max, at least 64)
EXCHANGE_DEFAULTS = {"kT_fractions": tuple(1.0 / (6.0 * 2 ** (j / 2)) for j in range(6)), "temperatures_K": None,
                     "spacing_over_kT": 0.75, "margin_kT": 18.0, "ref_points": None, "chunk_points": 65536,
                     "max_points": 4_000_000, "channel_block": 4, "progress": None}
#: relative roundoff floor of the exchange sums (of their sums of |terms|), as the continuum exchange grid
EXCHANGE_ROUNDOFF = 1e-12


def _exchange_options(job: Job) -> dict:
    opt = merged_options(job.options, EXCHANGE_DEFAULTS, "grid", " for a lattice model's exchange")
    opt["say"] = progress_option(opt)          # a reporter, never part of a cache key
    fr = opt["kT_fractions"]
    opt["kT_fractions"] = tuple(cgrid.option_real("kT_fractions", x, 0.0, 0.5, lo_open=True) for x in np.ravel(fr))
    if len(opt["kT_fractions"]) < 3 or len(set(opt["kT_fractions"])) != len(opt["kT_fractions"]):
        raise ResponseError("kT_fractions: give at least three distinct fractions in (0, 0.5] (the log-term "
                            "T -> 0 fit of a cusped V needs them)")
    if opt["temperatures_K"] is not None:
        opt["temperatures_K"] = tuple(cgrid.option_real("temperatures_K", x, 0.0, 1e4, lo_open=True, unit=" (K)")
                                      for x in np.ravel(opt["temperatures_K"]))
    opt["spacing_over_kT"] = cgrid.option_real("spacing_over_kT", opt["spacing_over_kT"], 0.05, 1.75)
    opt["margin_kT"] = cgrid.option_real("margin_kT", opt["margin_kT"], 10.0, 60.0)
    if opt["ref_points"] is not None:
        opt["ref_points"] = 2 * (cgrid.option_integer("ref_points", opt["ref_points"], 16, 2048) // 2)
    for name, lo, hi in (("chunk_points", 64, 1_000_000), ("max_points", 1_000, 100_000_000), ("channel_block", 1, 64)):
        opt[name] = cgrid.option_integer(name, opt[name], lo, hi)
    return opt


def _ref_points(spec: bz.ZoneSpectrum, lattice, E_ref: float, opt) -> int:
    """Points per side of the periodic reference-sea grid: ``ref_points``, or 8 per width gap / v_max of
    the narrowest feature of the filled-band SBP (gap: the spectral gap holding E_ref), 64 .. 1024, even."""
    if opt["ref_points"] is not None:
        return int(opt["ref_points"])
    lo, hi = next(((a, b) for a, b in spec.gaps() if a <= E_ref <= b), (-np.inf, np.inf))
    g = hi - lo if np.isfinite(hi - lo) else spec.energy_scale
    b = float(np.max(np.linalg.norm(lattice.reciprocal, axis=1)))
    n = int(np.ceil(8.0 * b * spec.v_max / max(g, 1e-300)))
    return int(2 * (min(max(n, 64), 1024) // 2))


def _fermi_speed(specs, mu: float, dist: float, opt) -> float:
    """The largest band speed (eV nm) of a level within 1e-2 dist of mu over the components' zones (the
    Fermi-box probe); the zone's largest speed where the probe finds no level there."""
    speeds = []
    for s in specs:
        got = s.fermi_box(mu - 1e-2 * dist, mu + 1e-2 * dist, opt["chunk_points"])
        if got is not None:
            speeds.append(got[1])
    return float(max(speeds)) if speeds else max(s.v_max for s in specs)


def compute_exchange(job: Job, kT: float = 0.0):
    """ENH(T) / ENH(PT) of a lattice model with the job's interaction V(q) and channels, linear order or
    (``job.order == "exact"``) the exact tilt: (raw sigma (n_mu, 2, 2, 2) in e^3/hbar nm/eV, error estimate
    per mu, {"channels": {group: raw}}).

    The exact tilt: the occupations at eps0 + alpha tau (:func:`symenh.integrate.zone_exchange.exact_sources`)
    on the Fermi box on the torus of the tilted spectrum that also holds the untilted levels (the filled
    reference theta(E_ref - eps0)), as the contact path's exact tilt does; where mu lies, the critical
    energies (the T -> 0 distance) and E_ref are those of the tilted spectrum (ENH(PT): refused in one line
    where E_ref lies in an untilted band).

    The exchange fields are periodic convolutions over the zone with V_T(q) = V(|q|_min) (umklapp
    neglected; :mod:`symenh.integrate.zone_exchange` derives the choice), by FFT on the Fermi box on
    the torus plus the filled reference sea on a periodic zone grid.  ``kT`` = 0: T -> 0 through the
    temperatures dist * kT_fractions (dist: the smaller of mu's distance from the nearest critical
    energy and the cusp scale v_F |V(0)/V'(0+)|, v_F the largest band speed at mu), fitted by
    :func:`symenh.responses.exchange_grid.extrapolate_T` (the t^2 log t terms of a cusped V; pure T^2
    series otherwise).  ``kT`` > 0: at that temperature itself (mu in no band: thermally activated).
    Exchange within each component (valley) only.

    Error estimate (per mu, bounding every element of the weighted channel sum): |best - sub| (every
    sum and convolution on the checkerboard sub-lattice) + |best - ref| (the reference sea on half the
    points per side) + the T-extrapolation spread (T = 0) + a roundoff floor 1e-12 and, at T > 0,
    the weight 2 exp(-margin_kT) of the Fermi tails cut at the box edge, of the sums of |terms|."""
    from ..integrate.exchange_grid import cusp_slope
    from ..integrate.zone_exchange import zone_channel_tensors
    from .exchange import job_channel_sets, job_interaction, weigh_channels
    from .exchange_grid import extrapolate_T
    from .spec import enh_sign

    _check_lattice_only(job)
    if job.exchange != "same":
        raise ResponseError("exchange_valleys: the lattice exchange path keeps k' in the component (valley) of k "
                            "('same'); 'all' is offered for the contact interaction only")
    opt = _exchange_options(job)
    inter = job_interaction(job)
    sets = job_channel_sets(job)
    exact = job.order == "exact"
    specs0 = [spectrum(c, job.values) for c in job.components]
    # the exact tilt: where mu lies, the critical energies, E_ref and the Fermi box are the tilted spectrum's
    specs = [spectrum(c, job.values, tilted=True) for c in job.components] if exact else specs0
    mech = job.mechanism
    mu_all = np.asarray(job.mu_eV, dtype=float)
    n_ch = sets[0].n_channels
    T_all = np.zeros((len(mu_all), n_ch, 2, 2, 2))
    err = np.zeros(len(mu_all))
    alpha = job.alpha
    if alpha == 0 and exact:
        raise ResponseError("order: the lattice exchange grid gives order='exact' at a non-zero tilt only; at "
                            "alpha = 0 sigma of the untilted H need not vanish for a user's model: use "
                            "order='linear' (zero) or method='quadrature' where it takes the interaction")
    if alpha == 0:
        zero = weigh_channels(T_all, err, sets[0])
        return zero.sigma, zero.error, {"channels": zero.groups}
    pref = (1.0 if exact else alpha) * enh_sign(job.convention) * (job.pre.tau_over_hbar if mech == "enh-t" else 1.0)
    slope = cusp_slope(inter)
    log_terms = slope != 0
    V0 = float(inter.V(np.array([0.0]))[0])
    w = np.abs(np.asarray(sets[0].weights, dtype=float))
    direct = kT > 0
    say = opt["say"]
    say(f"grid (lattice exchange): {mech} of {job.model_name} at {len(mu_all)} mu, {n_ch} channel(s), "
        + (f"kT = {kT:.4g} eV" if direct else "T -> 0"))
    for i, mu in enumerate(mu_all):
        if direct:
            kTs = np.array([float(kT)])
            margin = _activated_margin(opt, mu, specs, kT)
            W = (opt["margin_kT"] if margin is None else margin) * kT
        else:
            if not any(s.regime(mu) == "band" for s in specs):
                say(f"grid (lattice exchange): mu = {mu:g} eV crosses no band: exactly zero at T = 0")
                continue                                    # ZERO_REASONS: exactly zero at T = 0
            crit = np.concatenate([s.critical for s in specs])
            dist = cgrid.check_edge(mu, crit, max(s.energy_scale for s in specs), False)
            if log_terms and V0 != 0:
                dist = min(dist, _fermi_speed(specs, mu, dist, opt) * abs(V0 / slope))
            if opt["temperatures_K"] is not None:
                kTs = KB_EV_PER_K * np.asarray(opt["temperatures_K"], dtype=float)
            else:
                kTs = dist * np.asarray(opt["kT_fractions"], dtype=float)
            W = opt["margin_kT"] * kTs.max()
        tot = {v: np.zeros((n_ch, 2, 2, 2)) for v in ("best", "sub", "ref", "abs")}
        eT = np.zeros((2, 2, 2))
        found = False
        for comp, ch, spec, spec0 in zip(job.components, sets, specs, specs0):
            E_ref = spec.reference_energy(mu)
            _, p0 = _numerics(comp, job.values)
            if exact and mech == "enh-pt":
                check_tilted_reference(spec0, E_ref, alpha, comp.name)
            got = spec.fermi_box(min(mu - W, E_ref), max(mu + W, E_ref), opt["chunk_points"],
                                 also=p0 if exact else None)
            if got is None:
                continue
            box, v = got
            grid = bz.zone_grid(comp.lattice, box, _steps(comp.lattice, kTs, dict(opt, direct=direct), v, box))
            if grid.size > opt["max_points"]:
                raise ResponseError(f"max_points: the Fermi box at mu = {mu} eV needs {grid.size} points (> max_points "
                                    f"= {opt['max_points']}); raise max_points or the temperatures")
            n_ref = _ref_points(spec0, comp.lattice, E_ref, opt)
            say(f"grid (lattice exchange): mu = {mu:g} eV, {comp.name}: Fermi box {grid.nx} x {grid.ny} = {grid.size} "
                f"points, reference sea {n_ref} x {n_ref} points, kT = "
                f"{', '.join(f'{x:.3g}' for x in np.sort(kTs)[::-1])} eV")
            res = zone_channel_tensors(comp.lattice, ch, p0, grid, float(mu), kTs, mech, inter, E_ref,
                                       n_ref, opt["chunk_points"],
                                       opt["channel_block"], alpha=float(alpha) if exact else None)
            found = True
            if direct:
                for var in tot:
                    tot[var] += res[var][0]
                continue
            for var in ("best", "sub", "ref"):
                tot[var] += extrapolate_T(res[var], kTs, log_terms)[0]
            eT += extrapolate_T(np.einsum("i,tiab...->tab...", w, res["best"]), kTs, log_terms)[1]
            tot["abs"] += np.max(res["abs"], axis=0)
        if not found:
            continue

        def wsum(T):
            return np.einsum("i,i...->...", w, T - np.swapaxes(T, 1, 2))

        best = wsum(tot["best"])
        spread = np.abs(wsum(tot["sub"]) - best) + np.abs(wsum(tot["ref"]) - best) + eT + np.swapaxes(eT, 0, 1)
        floor = (EXCHANGE_ROUNDOFF + (2 * np.exp(-opt["margin_kT"]) if direct else 0.0)) * 2 * float(np.max(tot["abs"]))
        T_all[i] = pref * (tot["best"] - np.swapaxes(tot["best"], 1, 2))
        err[i] = abs(pref) * (float(np.max(spread)) + floor)
        value = np.einsum("i,icab->cab", np.asarray(sets[0].weights, dtype=float), T_all[i])
        _check_certified(float(mu), value, np.array([err[i]]), abs(pref) * 2 * float(np.max(tot["abs"])))
    res = weigh_channels(T_all, err, sets[0])
    return res.sigma, res.error, {"channels": res.groups}
