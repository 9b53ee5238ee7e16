"""The ``quadrature`` path for lattice models: Fermi-contour integrals over the Brillouin zone.

``symenh.sigma(model, mechanism, mu, method="quadrature", model_values=...)`` with a lattice model
(``from_matrix(..., lattice_vectors=...)``) comes here.  Contact exchange (the Fock channels and a
q-dependent V: the end of this text), linear order in the tilt
or the exact tilt (``order="exact"``), at T = 0 (the paper's setting) or T > 0
(``params=symenh.Parameters(T_K=...)``), for bcd, inh, inh-full, enh-t and enh-pt.  At T = 0, linear
order:

1. **Where mu lies** (:func:`symenh.responses.lattice_grid.spectrum`, the zone spectrum the grid
   path uses): in a band, in a gap, below or above every band.  Without a band at mu every
   conductivity is exactly zero, for the reason of :data:`symenh.responses.lattice_grid.ZERO_REASONS`
   (recorded in the result's ``meta["zero_reason"]``; above every band the bands are filled).
2. **Contours on the zone torus** of every level crossing mu
   (:func:`symenh.integrate.cells.find_contours` with ``lattice=``: periodic marching squares on an
   adaptive fractional mesh, root refinement, smooth re-parametrisation): pockets anywhere in the
   cell and open contours that wrap the zone (closing up to a reciprocal lattice vector).  A pocket
   at a band edge smaller than two mesh cells (quadratic radius sqrt(2 |mu - E_edge| / lambda)) is
   found in a small box around the band's extreme points instead
   (:mod:`symenh.integrate.edge_pockets`; only when they are the level's only contours).  A band at
   mu whose contours are not found is an error, never a zero.
3. **Factors**: the Fermi-line integrals of :func:`symenh.integrate.user_fermi.surface_factors` (the
   k.p user path's, unchanged: every integrand is periodic in the loop parameter), and for ENH(PT)
   the sea ``B0 = B_ref + sum_N [int_{eps_N < mu} S_N - theta(E_ref - eps_N) int_BZ S_N]``
   (:func:`symenh.integrate.zone_contours.region_integral`, Green's theorem on the torus), with
   ``B_ref`` the filled bands below E_ref (a gap energy) by the periodic trapezoid rule of
   :func:`symenh.integrate.bz.filled_sea` -- no tail, no cutoff.  Assembled by
   :func:`symenh.responses.spec.linear_sigma` (the paper's BCD, INH and Eqs. 9, 10 with zone
   integrals; inh-full from the same factor X as on the grid path).

**T > 0** (physics.md 7): every factor above -- the Fermi sea B0 included -- is linear in the
occupations, so at temperature T it is its T = 0 value as a function of the chemical potential
convolved with the Fermi window, ``F_T(mu) = int dE (-f'(E - mu)) F_0(E)``; the ENH products are
formed afterwards from the convolved factors (convolving sigma would be wrong for the bilinear ENH).
The convolution is the Gauss rule for the weight -f' of :func:`symenh.integrate.fermi_smear.smear`
(3, 6, 12, 24 energies until two rules agree to rtol/10 of each factor block's scale on the whole
line; :mod:`symenh.responses.factor_set`, shared with the k.p user path), the line split at every
band bottom and top and every critical energy of the zone spectrum (extrema, saddle points) within
``ln(100 / tol)`` kT of mu, where F_0 is not analytic.  At each energy of the rule the T = 0 factors
are computed anew (the contours found again), so the window may hold band edges:

* mu inside a band, within a few kT of its bottom or top: the energies past the edge carry no Fermi
  surface (their factors are zero, their B0 the gap's filled sea), those just inside it the small
  band-edge pockets of step 2;
* mu in a gap, below or above every band: thermally activated, not zero (``meta["zero_reason"]``
  None); the window reaches at least the nearest band edge, so the tail is computed on a Gauss rule
  inside the band however small it is; beyond |E - mu| = 80 kT (a weight below 4e-35) the window is
  cut, and a mu farther than that from every band is exactly zero with :data:`FAR_REASON`;
* above every band B0 = 0 (the SBP summed over all bands vanishes), below every band too.

``meta["window_energies"]`` gives the energies each mu used.  T -> 0 gives the T = 0 numbers
(kT = 0 runs the T = 0 code; sigma_T - sigma_0 follows the Sommerfeld term (pi^2/6) (kT)^2
sigma_0'', tests/test_lattice_thermal.py).  Cost: ~0.3-1 s per energy, 9 to ~50 energies per mu.
Limits: a saddle point within the window makes F_0 logarithmically singular at a split point, so the
rule converges slowly and the estimate (the change at 24 energies, doubled) is wide; a band-edge
pocket next to other contours of the same level is left to the zone mesh.

**Exact tilt** (``order="exact"``; as :mod:`symenh.responses.user_quadrature` does for k.p models):
the tilt of a model is ``alpha tau(k)`` on the identity, so the eigenvectors -- every interband
quantity -- are those at alpha = 0 and only the level energies move, ``E_N = eps_N + alpha tau``.
The factors are taken at the tilt itself (:mod:`symenh.integrate.user_tilt`: ``TiltedComponent``,
``tilted_surface_factors``) on the exact tilted zone contours (found like any other, band-edge
pockets included), the sea B0 with the tilted occupations (the loops of the tilted levels, the
filled bands below E_ref and the zone integrals of S_N untilted); where mu lies, the reference gap
and the window's edges come from the tilted zone spectrum (:func:`tilted_spectrum`; a tilted gap
lying inside an untilted band is refused in one line).  sigma from
:func:`symenh.responses.assembly.sigma_of`.  As alpha -> 0 it tends to the linear numbers
(exact - linear ~ alpha^3: 0.3 % at alpha = 0.03 eV nm for the square-lattice H_T at 0.1 eV); it
equals the integral over alpha' of the linear path on the model with base tilt alpha'
(tests/test_lattice_thermal.py).  At T > 0 convolved as above.

Error estimate (raw units, per mu, bounding every element): the quadrature errors of every factor
(the last change of each doubling trapezoid rule, the Gauss-Legendre order check of the cut
integrals, the finite-difference check of d_c Q, roundoff floors) -- at T > 0 weighted by the
window, plus the change between the last two Gauss rules of the window on each segment -- propagated
through the assembly without signs.  A value below its estimate is an error unless the estimate is
below 1e-6 of the size of the terms that cancel (a resolved symmetry zero).

**Exchange beyond the printed contact** (physics.md 6; as :mod:`symenh.responses.user_quadrature` does
for k.p models, the same mechanism on the zone contours):

* ``exchange="fock"`` (any constant V): the components with their spin operators replaced by the N^2
  orthonormal channels Gamma_i of :func:`symenh.geometry.channels.exchange_channels` (weight 1), every factor
  above computed for them -- Fermi-line factors, the sea B0 (the filled-band sea in blocks of four channels:
  :func:`symenh.integrate.bz.filled_sea` takes four operators per pass, so the Fock sea of a four-band model
  costs four printed ones) -- at T = 0 and T > 0, linear order or the exact tilt; the contribution of each
  channel group is returned (``SigmaResult.channels``).  For a two-band model fock is exactly half of printed
  (the Fierz identity holds factor by factor, so at every tilt).
* a constant user V given as a SymPy expression free of q: the contact case with that V_0 (a callable is
  taken as q-dependent: for ENH(T) its dV_T is then 0 at every node, the contact numbers bit for bit).
* a q-dependent V(q) (``interaction="screened-coulomb"``, a user V bounded at q = 0) for ENH(T) at T = 0,
  printed or Fock channels, linear or exact order: **the interaction on the torus is
  the lattice grid's** ``V_T(q) = V(|q|_min)`` (minimal image over the reciprocal lattice, umklapp
  neglected: :func:`symenh.integrate.zone_exchange.min_image`), so the two paths compute the same quantity.
  V(0) is the contact V_0 of the factors above; the rest, dV_T = V_T - V(0) in the exchange field Y(k), is
  the pair sum over the zone-contour nodes of every level and loop, cusp-corrected on the diagonal -- the
  k.p path's :func:`symenh.integrate.user_exchange.pair_exchange` with the displacements folded to the
  minimal image: at the tilt itself for ``order="exact"``, at linear order ``alpha dT/dalpha`` from the
  exact alpha-derivative (kind "1" node integrands and the contour-motion terms with V'(q)).  A constant V
  gives the contact numbers bit for bit.

Refused in one line before anything is built: a q-dependent V for ENH(PT) (its Fermi-sea field W(k) is not
integrated on the zone contours; method='grid' does it), for BCD / INH, at T > 0 (method='grid'), with
``exchange_valleys="all"``, a V infinite at q = 0; inh-full's field-corrected occupation.

Options: ``rtol`` (1e-12 .. 1e-2, default 1e-8: target accuracy of every integral), ``mesh``
(16 .. 512, default 64: the first periodic marching-squares mesh per side), ``progress``.
Several mechanisms can share one factor pass (:func:`compute_mechanisms`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import ContourError, ResponseError
from ..geometry.timelimit import reporter
from ..integrate import bz
from ..integrate.cells import find_contours
from ..integrate.edge_pockets import EdgeFinder
from ..integrate.fermi_smear import reach_kT
from ..integrate.grid.numerics import ModelNumerics, zero_tilt_values
from ..integrate.user_exchange import PairV
from ..integrate.user_fermi import UserComponent, factor_shapes, surface_factors
from ..integrate.user_tilt import TiltedComponent, tilted_surface_factors
from ..integrate.zone_contours import loop_sum, zone_integral
from ..temperature import kT_eV
from .factor_set import WINDOW_TOL_FACTOR, FactorSet, smeared
from .grid import option_integer, option_real
from .grid_errors import channel_groups, sigma_error_size
from .job import merged_options, require_default
from .lattice_grid import ZERO_REASONS, check_tilted_reference, spectrum
from .spec import FACTORS
from .user_quadrature import _channel_models, _q_dependent, _uniform_job, dV_part, q_dependent_V0

DEFAULTS = {"rtol": 1e-8, "mesh": 64, "progress": None}
RANGES = {"rtol": (1e-12, 1e-2), "mesh": (16, 512)}
RESOLVED_ZERO = 1e-6
#: the zero at T > 0 of a mu farther than the window's cut from every band
FAR_REASON = ("mu lies more than 80 kT from every band: the thermally activated tail (below 4e-35 of the band's "
              "own values) is not resolved")
#: relative accuracy of the smeared natural sizes (only the scale RESOLVED_ZERO is taken of; the
#: largest-entry bounds in them have kinks in mu that a Fermi-window rule would chase)
SIZE_ACCURACY = 0.1
_NORM = 1.0 / (4 * np.pi ** 2)
_SEAS: dict = {}


def clear_caches() -> None:
    """Forget the memoised filled-band seas (benchmarks time cold runs; the zone spectra, tilted ones
    included, are :mod:`symenh.responses.lattice_grid`'s)."""
    _SEAS.clear()


def _options(job) -> dict:
    opt = merged_options(job.options, DEFAULTS, "quadrature", " for a lattice model")
    opt["rtol"] = option_real("rtol", opt["rtol"], *RANGES["rtol"])
    opt["mesh"] = option_integer("mesh", opt["mesh"], *RANGES["mesh"])
    reporter(opt["progress"])        # checked here (one line, InputTypeError), used by compute
    return opt


def _reference_sea(model, values, E_ref):
    """(value, error), each (max(4, n_ops), 2), of sum_{bands below E_ref} int_BZ S d^2k/(2 pi)^2 (1/(eV nm)),
    cached.  :func:`symenh.integrate.bz.filled_sea` takes four operators at a time: a model with more
    (the N^2 Fock channels of a model with N > 2 bands) is done in blocks (the first four operators, then
    three new ones and the first block's largest per pass)."""
    p0 = zero_tilt_values(model, values)
    key = (model.source(), p0, float(E_ref))
    if key not in _SEAS:
        ops = tuple(model.spin)
        if len(ops) <= 4:
            tot, _sub, err, _n, _abs = bz.filled_sea(ModelNumerics.build(model), p0, model.lattice, float(E_ref))
        else:
            # the first four operators, then three at a time with the first block's largest one carried
            # along: filled_sea converges each pass to rtol of its largest sum of |terms|, and a block of
            # channels whose sea vanishes by symmetry (H_PT's twelve tau_i (x) s^nu) would otherwise chase
            # round-off to n_max; with the carrier every block converges at the scale of the whole set
            def sea(blk, i0):
                sub = replace(model, name=f"{model.name}[{i0}:{i0 + len(blk)}]", spin=blk)
                return bz.filled_sea(ModelNumerics.build(sub), p0, model.lattice, float(E_ref))
            t, _s, e, _n, a = sea(ops[:4], 0)
            tots, errs = [t], [e]
            carrier = ops[int(np.argmax(np.max(a, axis=1)))]
            for i0 in range(4, len(ops), 3):
                blk = ops[i0:i0 + 3]
                t, _s, e, _n, _a = sea(blk + (carrier,) * (4 - len(blk)), i0)
                tots.append(t[:len(blk)])
                errs.append(e[:len(blk)])
            tot, err = np.concatenate(tots), np.concatenate(errs)
        _SEAS[key] = (tot, err)
    return _SEAS[key]


def tilted_spectrum(model, values) -> bz.ZoneSpectrum:
    """The :class:`~symenh.integrate.bz.ZoneSpectrum` of a lattice model at the tilt of ``values``
    (the tilt symbol kept), cached: where mu lies, the band edges and critical energies at the exact tilt
    (:func:`symenh.responses.lattice_grid.spectrum` with ``tilted``, shared with the grid's exact tilt)."""
    return spectrum(model, values, tilted=True)


def _level_F(comp: UserComponent, level: int):
    """S of one level times 1/(2 pi)^2 as F(kx, ky) -> (..., n_ops * 2)."""
    n_ops = len(comp.model.spin)

    def F(kx, ky):
        shape = np.shape(kx)
        S = comp.kernel.only(("sbp",), np.ravel(kx), np.ravel(ky), comp.values)["sbp"][:, level]
        return S.reshape(shape + (n_ops * 2,)) * _NORM
    return F


def _level_ranges(comp: UserComponent, n: int = 96) -> np.ndarray:
    """(L, 2) [min, max] of each level over a periodic n x n probe of the zone (eV)."""
    us = np.arange(n) / n
    U1, U2 = np.meshgrid(us, us, indexing="ij")
    E = comp.kernel.energies(*comp.model.lattice.to_k(U1.ravel(), U2.ravel()), comp.values)
    return np.stack([E.min(axis=0), E.max(axis=0)], axis=-1)


def _zone_level(comp: UserComponent, level: int, spec, values, tol: float):
    """int_BZ S_N d^2k/(2 pi)^2 (n_ops * 2,) in 1/(eV nm) and its error.

    When gaps of the zone spectrum isolate level N (no other level between them), it is the difference
    of the filled-band seas at the two gap energies (:func:`symenh.integrate.bz.filled_sea`, a cluster
    map at the smallest direct gap; a gap outside every band gives 0: the SBP summed over all bands
    vanishes at every k); otherwise the plain periodic trapezoid of :func:`zone_integral`."""
    n_ops = len(comp.model.spin)
    rng = _level_ranges(comp)
    lo_N, hi_N = rng[level]
    below = [g for g in spec.gaps() if g[1] <= lo_N + 1e-12 * spec.energy_scale]
    above = [g for g in spec.gaps() if g[0] >= hi_N - 1e-12 * spec.energy_scale]
    if below and above:
        g_lo, g_hi = max(below), min(above)
        others = [M for M in range(len(rng)) if M != level and rng[M, 0] > g_lo[1] and rng[M, 1] < g_hi[0]]
        if not others:
            out, err = np.zeros((n_ops, 2)), np.zeros((n_ops, 2))
            for (glo, ghi), sgn in ((g_hi, 1.0), (g_lo, -1.0)):
                if np.isfinite(glo) and np.isfinite(ghi):
                    v, e = _reference_sea(comp.model, values, 0.5 * (glo + ghi))
                    out, err = out + sgn * v[:n_ops], err + e[:n_ops]
            return out.ravel(), err.ravel()
    z, ze, _ = zone_integral(_level_F(comp, level), comp.model.lattice, tol)
    return z, ze


def _level_sea(comp: UserComponent, level: int, cont, below_ref: bool, spec, values, tol: float):
    """int (theta(mu - eps_N) - theta(E_ref - eps_N)) S_N d^2k/(2 pi)^2 (n_ops, 2) in 1/(eV nm) of a
    level whose contours at mu are ``cont`` (``below_ref``: the level lies below E_ref), and its error.
    The zone integral of S_N (:func:`_zone_level`) enters only when the whole number of zones the loop
    sum misses differs from theta(E_ref - eps_N)."""
    F = _level_F(comp, level)
    v, e, c = loop_sum(cont, F, tol)
    k = c - int(below_ref)
    if k:
        z, ze = _zone_level(comp, level, spec, values, tol)
        v, e = v + k * z, e + abs(k) * ze
    return np.asarray(v).reshape(len(comp.model.spin), 2), float(np.max(e))


def _whole_level(comp: UserComponent, level: int, spec, values, tol: float):
    """int_BZ S_N d^2k/(2 pi)^2 (n_ops, 2) and its error: a level entirely between E_ref and mu."""
    z, ze = _zone_level(comp, level, spec, values, tol)
    return z.reshape(len(comp.model.spin), 2), float(np.max(ze))


def _factors_at(comps, finders, specs, mu: float, need, opt, values, tol: float, shapes, say,
                specs0=None, contours=None) -> FactorSet:
    """Every T = 0 factor of the energy ``mu`` (eV), per component: Fermi-line factors of each level
    crossing mu and, for ENH(PT), the sea ``B0 = B_ref + sum_N [...]`` (module docstring).  A component
    with no band at mu has no Fermi-line factor; its B0 is the filled sea of the gap (zero above or
    below every band), which the Fermi-window convolution needs at energies in a gap.

    ``specs``: the spectra at the tilt the factors are taken at (alpha = 0 at linear order; the tilted
    ones, with :class:`~symenh.integrate.user_tilt.TiltedComponent` s ``comps``, at the exact tilt);
    ``specs0``: the alpha = 0 spectra (default ``specs``), which place the filled bands of the sea (the
    SBP is that of the untilted eigenvectors: the tilt is on the identity).  ``contours``: a dict that
    receives the zone contours of every level crossing mu, by (component index, level)."""
    specs0 = specs if specs0 is None else specs0
    acc = FactorSet(need, len(comps), shapes, SIZE_ACCURACY)
    f0, u0, n0 = acc.f["0"], acc.u["0"], acc.n["0"]
    for c, (comp, spec, spec0) in enumerate(zip(comps, specs, specs0)):
        E_ref = spec.reference_energy(mu)
        outer = E_ref > spec.ranges.max() or E_ref < spec.ranges.min()
        if "B" in need and spec0 is not spec:
            check_tilted_reference(spec0, E_ref, comp.alpha, comp.model.name)
        if spec.regime(mu) == "band":
            _band_factors(acc, c, comp, finders[c], spec0, mu, E_ref, need, opt, values, tol, say, contours)
        if "B" in need and not outer:     # outside every band B_ref = 0: the SBP summed over all bands
            ref, ref_err = _reference_sea(comp.model, values, E_ref)
            ref, ref_err = ref[:shapes["B"][0]], ref_err[:shapes["B"][0]]
            f0["B"][c] += ref
            u0["B"][c] += ref_err
            n0["B"][c] += np.abs(ref)
    return acc


def _zone_contours(comp, finder, level: int, mu: float, mesh: int):
    """The zone contours of ``level`` at ``mu`` (eV): the small band-edge pockets of ``finder`` if any,
    else periodic marching squares on the zone mesh (a contour failure is a one-line ResponseError)."""
    try:
        cont = finder.pockets(level, mu, mesh)
        if cont is None:
            cont = find_contours(comp.level_fn(level, mu), lattice=comp.model.lattice, n0=mesh)
    except ContourError as exc:
        raise ResponseError(f"quadrature: {exc}") from None
    return cont


def _band_factors(acc, c, comp, finder, spec, mu, E_ref, need, opt, values, tol, say, contours=None):
    """Add to ``acc`` (component ``c``) the Fermi-line factors and the level seas of every level of a
    component with a band at ``mu`` (eV); a band at mu without a contour found is an error."""
    f0, f1, u0, u1, n0, n1 = acc.f["0"], acc.f["1"], acc.u["0"], acc.u["1"], acc.n["0"], acc.n["1"]
    need0 = [n for n in need if n in ("A", "C")]
    kx0, ky0 = comp.model.lattice.to_k(np.zeros(1), np.zeros(1))
    exact = isinstance(comp, TiltedComponent)
    if exact:                                     # the tilted level energies at k = 0
        e_k0 = np.array([float(comp.level_fn(N, 0.0)(kx0, ky0)[0][0]) for N in range(len(comp.pattern))])
    else:
        e_k0 = comp.kernel.energies(kx0, ky0, comp.values)[0]
    found = 0
    for N in range(len(comp.pattern)):
        cont = _zone_contours(comp, finder, N, mu, opt["mesh"])
        if contours is not None and len(cont):
            contours[(c, N)] = cont
        if len(cont) == 0:
            if "B" in need and (e_k0[N] < mu) != (e_k0[N] < E_ref):    # a whole level between
                v, e = _whole_level(comp, N, spec, values, tol)
                sgn = 1.0 if e_k0[N] < mu else -1.0
                f0["B"][c] += sgn * v
                u0["B"][c] += e
                n0["B"][c] += np.abs(v)
            continue
        found += 1
        say(f"mu = {mu:g} eV, {comp.model.name}: level {N}, {len(cont)} zone contour(s), windings "
            f"{cont.winding.tolist()} (mesh {cont.n}^2)")
        try:
            if exact:                              # the factors at the tilt itself: kind "0" only
                a0, e0, nat0 = tilted_surface_factors(comp, N, cont, [n for n in need if n != "B"], tol)
                a1, e1, nat = {}, {}, {("0", n): v for n, v in nat0.items()}
            else:
                a0, a1, e0, e1, nat = surface_factors(comp, N, cont, need0, list(need), tol)
            if "B" in need:
                v, e = _level_sea(comp, N, cont, bool(e_k0[N] < E_ref), spec, values, tol)
        except ContourError as exc:
            raise ResponseError(f"quadrature: {exc}") from None
        for (kind, n), val in nat.items():
            (n0[n] if kind == "0" else n1[n])[c] += val
        for n, val in a0.items():
            f0[n][c] += val
            u0[n][c] += e0[n]
        for n, val in a1.items():
            f1[n][c] += val
            u1[n][c] += e1[n]
        if "B" in need:
            f0["B"][c] += v
            u0["B"][c] += e
            n0["B"][c] += np.abs(v)
    if not found:
        raise ResponseError(f"quadrature: mu = {mu:g} eV lies in a band of {comp.model.name} but no Fermi "
                            "contour was found on the zone mesh; raise mesh")
    acc.any_level = True


def window_edges(specs) -> list:
    """Energies (eV) where a T = 0 factor is not analytic in the chemical potential: every band's
    bottom and top and every critical energy of the zone spectra (extrema and saddle points,
    :func:`symenh.integrate.bz.zone_spectrum`)."""
    return sorted({float(e) for s in specs for e in np.concatenate([np.ravel(s.ranges), np.ravel(s.critical)])})


def breakpoint_reach(specs, mu: float, kT: float, tol: float) -> float:
    """|E - mu| / kT within which the energies of :func:`window_edges` split the Fermi window at ``mu``:
    :func:`~symenh.integrate.fermi_smear.reach_kT` of ``tol``, and for a mu in no band at least to the
    nearest band edge (the thermally activated tail is then computed on a Gauss rule inside the band,
    however small; the window is cut at |E - mu| = 80 kT, a weight of 4e-35)."""
    reach = reach_kT(tol)
    if all(s.regime(mu) != "band" for s in specs):
        d = min(float(np.min(np.abs(np.ravel(s.ranges) - mu))) for s in specs)
        reach = max(reach, d / kT * (1 + 1e-9) + 1e-9)
    return reach


def _check_settings(job, mechanisms):
    """The Job settings the lattice quadrature honours, refused in one line before anything is built:
    T_K >= 0, order linear or exact, channels printed or fock, any contact or
    constant V, and a q-dependent V for ENH(T) at T = 0 with exchange_valleys 'same' and V(0) finite.
    Returns V(0) (eV nm^2) of a q-dependent V, else None."""
    # the Fermi-sea field W(k) of enh-pt with a q-dependent V is not integrated on the zone contours yet
    V00 = q_dependent_V0(job, mechanisms, "quadrature path for a lattice model", allowed=("enh-t",))
    require_default(job, "quadrature path for a lattice model", interaction=True, T_K=True,
                    order=("linear", "exact"), channels=("printed", "fock"))
    return V00


def _zone_terms(comps, contours):
    """The terms of :func:`symenh.responses.user_quadrature.dV_part` for lattice components: each with its levels
    that have zone contours and the minimal-image fold of its lattice (the lattice grid's V(|q|_min))."""
    from ..integrate.zone_exchange import min_image

    def fold_of(lat):
        def fold(ux, uy):
            return min_image(lat, *lat.to_fractional(ux, uy))
        return fold

    return [(comp, sorted(N for (c2, N) in contours if c2 == c), None, fold_of(comp.model.lattice))
            for c, comp in enumerate(comps)]


def compute(job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV, its error per mu (module docstring) and
    {"meta": {"lattice_regime": [...], "zero_reason": [...]}} per mu (at T > 0 also
    ``window_energies``: the energies each mu's Fermi-window rule used)."""
    return compute_mechanisms(job, (job.mechanism,))[job.mechanism]


def compute_mechanisms(job, mechanisms) -> dict:
    """{mechanism: (raw sigma, error per mu, extra)} for several mechanisms sharing one factor pass
    (``job.mechanism`` is ignored); conventions of :func:`compute`."""
    if not all(getattr(c, "lattice", None) is not None for c in job.components):
        raise ResponseError("model: mixes lattice and k.p components; give lattice models only (each with "
                            "lattice_vectors) or k.p models only")
    for m in mechanisms:
        if m not in FACTORS:
            raise ResponseError(f"mechanism: expected one of {', '.join(FACTORS)}, got {m!r}")
    V00 = _check_settings(job, mechanisms)
    inter = job.interaction if _q_dependent(job) else None
    pair = None if V00 is None else PairV(inter, V00)
    job = _uniform_job(job, V00)         # pre.V0: a constant user V, or V(0) of a q-dependent one
    opt = _options(job)
    kT = kT_eV(job.T_K)
    say = reporter(opt["progress"])
    mu_all = np.asarray(job.mu_eV, dtype=float)
    exact = job.order == "exact"
    specs0 = [spectrum(c, job.values) for c in job.components]
    specs = [tilted_spectrum(c, job.values) for c in job.components] if exact else specs0
    regimes, reasons = [], []
    for mu in mu_all:
        regs = [s.regime(float(mu)) for s in specs]
        reg = ("band" if "band" in regs else "above" if all(r == "above" for r in regs)
               else "below" if all(r == "below" for r in regs) else "gap")
        regimes.append(reg)
        # at T > 0 a mu in no band is thermally activated: not a zero
        reasons.append(None if reg == "band" or kT > 0 else ZERO_REASONS[reg])
    meta = {"lattice_regime": regimes, "zero_reason": reasons}
    if kT > 0:
        meta["window_energies"] = [0] * len(mu_all)
    enh = any(m.startswith("enh") for m in mechanisms)
    # channels="fock": the components with their spin operators replaced by the N^2 channels Gamma_i (weight 1)
    models, chan = _channel_models(job) if enh else (job.components, None)
    res = {m: (np.zeros((len(mu_all), 2, 2, 2)), np.zeros(len(mu_all)), {"meta": meta}) for m in mechanisms}
    if chan is not None:
        for m in mechanisms:
            if m.startswith("enh"):
                res[m][2]["channels"] = {g: np.zeros((len(mu_all), 2, 2, 2)) for g in chan.group_labels}
    alpha = job.alpha
    # linear order is alpha d sigma/d alpha: zero at alpha = 0; the exact tilt at alpha = 0 is sigma of the
    # untilted H, which a user's model need not make vanish (a base tilt in another parameter, say)
    if (alpha == 0 and job.order != "exact") or len(mu_all) == 0:
        return res
    need = sorted({n for m in mechanisms for n in FACTORS[m]})
    comps = [UserComponent.build(m, job.values) for m in models]
    if exact:
        comps = [TiltedComponent(c, alpha) for c in comps]
    finders = [EdgeFinder(c) for c in comps]
    shapes = factor_shapes(len(comps[0].model.spin))
    tol = max(opt["rtol"] * 1e-2, 1e-13)
    edges = window_edges(specs) if kT > 0 else []
    for i, mu in enumerate(mu_all):
        mu = float(mu)
        conts: dict = {}
        if kT > 0:
            def at(E):
                return _factors_at(comps, finders, specs, E, need, opt, job.values, tol, shapes, lambda s: None,
                                   specs0)
            acc, n_E = smeared(at, FactorSet(need, len(comps), shapes, SIZE_ACCURACY), mu, kT,
                               WINDOW_TOL_FACTOR * tol, edges, line_scale=True,
                               reach=breakpoint_reach(specs, mu, kT, tol))
            meta["window_energies"][i] = n_E
            say(f"mu = {mu:g} eV, kT = {kT:.4g} eV: Fermi window convolved on {n_E} energies")
            if not acc.any_level:
                reasons[i] = FAR_REASON
                continue           # no band within 80 kT of mu: the tail is below 4e-35 of the band's
        elif regimes[i] != "band":
            continue                        # exactly zero at T = 0, for the reason recorded
        else:
            acc = _factors_at(comps, finders, specs, mu, need, opt, job.values, tol, shapes, say, specs0, conts)
        f0, f1, u0, u1, n0, n1 = acc.f["0"], acc.f["1"], acc.u["0"], acc.u["1"], acc.n["0"], acc.n["1"]
        for m in mechanisms:
            sig, e, size = sigma_error_size(m, f0, f1, u0, u1, n0, n1, alpha, job.pre, job.exchange, exact)
            sig_ch = None
            if inter is not None:               # m is enh-t (_check_settings): the q-dependent part
                say(f"mu = {mu:g} eV: {getattr(inter, 'kind', 'q-dependent')} V(q) - V(0): pair sum over the zone-"
                    "contour nodes" + (" at the tilt" if exact else " (exact alpha-derivative)"))
                sig_ch, e_d, _ = dV_part(_zone_terms(comps, conts), conts, exact, alpha, pair, tol, n0, n1, job.pre)
                sig, e = sig + np.sum(sig_ch, axis=0), e + e_d
            emax, vmax = float(np.max(e)), float(np.max(np.abs(sig)))
            if emax > vmax and emax > RESOLVED_ZERO * float(np.max(size)):
                raise ResponseError(f"quadrature: at mu = {mu:g} eV the error estimate {emax:.3g} exceeds the value "
                                    f"{vmax:.3g} (raw units) of {m}: not resolved; lower rtol or raise mesh")
            res[m][0][i] = sig
            res[m][1][i] = emax
            if "channels" in res[m][2]:
                for g, v in channel_groups(m, chan, f0, f1, alpha, job.pre, job.exchange, exact, sig_ch).items():
                    res[m][2]["channels"][g][i] = v
    return res


__all__ = ["DEFAULTS", "RANGES", "clear_caches", "compute", "compute_mechanisms", "tilted_spectrum", "window_edges"]
