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

Beyond the paper's setting (every user-model Job comes here, none goes to the ray-based routes of
:mod:`symenh.responses.quadrature_thermal` / :mod:`symenh.responses.exchange_quadrature`):

* ``T_K > 0``: every factor (the Fermi sea included) is linear in the occupations, so each is its T = 0
  value as a function of the chemical potential convolved with the Fermi window -f'(E - mu)
  (physics.md 7), done by a Gauss rule for that weight on 3, 6, 12, 24 energies until two rules agree
  (:mod:`symenh.integrate.fermi_smear`), split at the extrema of the levels within reach of mu (band
  edges, a Mexican hat's top: :func:`symenh.integrate.user_tilt.level_extrema`), where the T = 0
  factors are not analytic; the ENH products are formed from the convolved factors
  (convolving sigma itself would be wrong for ENH).  The contours at each energy are found anew, so
  pockets that appear, merge or become annuli inside the window are followed; the convolution reuses
  the filled sea of each reference gap.
* ``order="exact"``: the factors at the finite tilt alpha itself on the tilted contours
  eps_N + alpha tau = mu (:mod:`symenh.integrate.user_tilt`; the tilt is on the identity, so the
  eigenvectors and every interband quantity are those at alpha = 0), assembled by
  :func:`symenh.responses.assembly.sigma_of`; at T > 0 convolved as above.
* ``inh-full`` (the full intrinsic conductivity, :mod:`symenh.responses.assembly`): its one factor X is
  computed like INH's at every setting above -- at T = 0 and linear order (dX/d alpha on the alpha = 0
  contours), at the exact tilt (X on the tilted contours), at T > 0 (X(E) convolved with the Fermi
  window, split at the level extrema) -- and assembled as ``(1/2) T^{cab} - T^{acb}`` (``occupation=
  "bare"``) or ``T^{cab} - T^{acb}`` (``"field-corrected"``: inh exactly); any pocket topology, the
  error bound that of X propagated through the assembly (:func:`symenh.responses.assembly.error_bound`).
* ``exchange="fock"`` (contact interaction): the channels Gamma_i of
  :func:`symenh.geometry.channels.exchange_channels` replace the spin operators (weight 1), the
  contribution of each channel group is returned; linear order or the exact tilt.
* an interaction given as a SymPy expression free of q (a constant V): the contact case with that V_0.
* a q-dependent V(q) (``interaction="screened-coulomb"`` or a user V bounded at q = 0) for ENH(T), T = 0,
  printed or Fock channels (per channel group), linear or exact order, exchange
  within each component: V(0) is the contact V_0 of the factors above (the same
  numbers as the contact interaction with that V_0), and the rest, dV = V - V(0) in the exchange field
  Y(k) = int_k' V(|k - k'|) (d'_b f) <s^eta>(k') (paper Eqs. 3, 10; physics.md 6), is the double sum over the
  Fermi-contour nodes of every level and loop (:mod:`symenh.integrate.user_exchange`, any topology), with the
  diagonal correction of the cusp V'(0+) |k - k'| of a screened V (the rule converges as N^-4): at the tilt
  itself for ``order="exact"``, at linear order ``alpha dT/dalpha`` from its exact alpha-derivative on the
  alpha = 0 contours (the kind "1" A and C integrands in place of one side's, plus the contour-motion terms
  with V'(q)).  A constant V gives dV = 0: the contact numbers bit for bit.
* a q-dependent V(q) for ENH(PT), T = 0, linear order (paper Eq. 9; physics.md 6): V(0) is again the contact
  V_0 of A and B, and the rest is :mod:`symenh.integrate.user_sea_exchange` -- the Fermi-line integral
  ``oint w tau [(d_c S) W_dV + S d_c W_dV]`` of the sea field ``W_dV(k) = int_k' dV(|k - k'|) S_sea(k')`` at the
  contour nodes (S_sea: the filled subspace below E_ref plus the filled parts of the levels at mu, the
  occupations of the contact B; the reference sea in polar coordinates centred on each node plus its far part
  angle first, with B's large-k decay check; the levels at mu by Green's theorem in polar coordinates centred
  on the node), plus the pair sum of dV between the A nodes and the sea's tilt derivative ``-w tau S``
  (:func:`symenh.integrate.user_exchange.pair_exchange`, ``right="sea"``, cusp-corrected).  A constant V gives
  dV = 0: the contact numbers bit for bit.  Costly: a few seconds per mu and component at rtol = 1e-2 (every
  node has its own polar rule), minutes at rtol = 1e-8.
  Refused in one line before anything is built: a q-dependent V with T > 0, with ``exchange_valleys="all"``,
  ENH(PT) at the exact tilt, and a V that is infinite at q = 0.
  With ``k_cutoff`` the sea of W_dV is cut at |k'| = k_cutoff like B's, and d sigma / d ln k_cutoff includes
  the dV part (the ring at k_cutoff).

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

from ..errors import ContourError, ResponseError
from ..geometry.timelimit import reporter
from ..integrate.fermi_smear import reach_kT
from ..integrate.user_fermi import (
    UserComponent,
    crossing_box,
    factor_shapes,
    level_contours,
    sea_compact,
    surface_factors,
)
from ..integrate.user_exchange import PairV
from ..integrate.user_sea import filled_sea
from ..integrate.user_tilt import TiltedComponent, level_extrema, tilted_surface_factors
from ..units import sigma_to_si
from .assembly import sigma_of
from .factor_set import FactorSet as _Factors
from .factor_set import WINDOW_TOL_FACTOR, smeared
from .grid import option_integer, option_real
from .grid_errors import channel_groups, sigma_error_size
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
    reporter(opt["progress"])        # checked here (one line, InputTypeError), used by compute
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
    """Cheap checks for every mu and component: [(levels, K, e_ref)] per mu per component.

    A :class:`~symenh.integrate.user_tilt.TiltedComponent` is checked with its tilted spectrum at mu
    and the alpha = 0 spectrum of its base at the reference energy (the filled sea is that of the
    untilted bands; the tilt only moves the Fermi contours)."""
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
                ref = getattr(comp, "base", comp)
                gap = reference_gap(ref, float(mu))
                if gap is None:
                    raise ResponseError(f"quadrature: the Fermi sea of enh-pt needs a spectral gap in "
                                        f"{comp.model.name} (none found on the probe)")
                e_ref = gap[0]
                E = comp.probe().reshape(-1, len(comp.pattern))
                E0 = ref.probe().reshape(-1, len(comp.pattern))
                for N in range(E.shape[1]):
                    j = -1 if N in levels else 0        # a crossing level: its occupation at large k
                    below_mu, below_ref = E[j, N] < mu, E0[j, N] < e_ref
                    if below_mu != below_ref:
                        raise ResponseError(f"quadrature: level {N} of {comp.model.name} lies entirely between "
                                            f"E_ref = {e_ref:.4g} eV and mu = {mu:g} eV (a bounded band); "
                                            "the k.p sea needs unbounded bands")
            row.append((levels, K, e_ref))
        plan.append(row)
    say(f"quadrature (user model): checks done for {len(mu_all)} mu; levels at mu: "
        f"{[[r[0] for r in row] for row in plan]}")
    return plan


def _check_settings(job):
    """The Job settings the user path honours, refused in one line before anything is built: T_K >= 0,
    order linear or exact, channels printed or fock, a contact interaction (a q-dependent V for ENH(T) at
    T = 0, for ENH(PT) at T = 0 and linear order), either occupation of inh-full (physics.md 6-7).  Returns
    V(0) (eV nm^2) of a q-dependent V, else
    None."""
    V00 = q_dependent_V0(job, (job.mechanism,), "quadrature path for a user model")
    require_default(job, "quadrature path for a user model", interaction=True, T_K=True, order=("linear", "exact"),
                    channels=("printed", "fock"), occupation=True)
    return V00


def q_dependent_V0(job, mechanisms, path: str, allowed=("enh-t", "enh-pt"), exact_ok=("enh-t",)):
    """V(0) (eV nm^2) of the Job's q-dependent interaction (None for the contact one or a constant V) after the
    checks every Fermi-contour path makes, each a one-line ResponseError naming the setting: ``mechanisms``
    among ``allowed``, the exact tilt only for ``exact_ok``, T_K = 0, exchange within the valley of k, V(0)
    finite (physics.md 6).  ``path``: the path's name in the messages."""
    if not _q_dependent(job):
        return None
    kind = getattr(job.interaction, "kind", "q-dependent")
    bad = [m for m in mechanisms if m not in allowed]
    if bad:
        raise ResponseError(f"interaction: the {path} takes a q-dependent V ({kind!r}) for {' and '.join(allowed)} "
                            f"only, not {bad[0]!r}; use method='grid' or interaction='contact'")
    if job.order != "linear" and any(m not in exact_ok for m in mechanisms):
        raise ResponseError(f"order: the {path} takes a q-dependent V ({kind!r}) at order='exact' for "
                            f"{' and '.join(exact_ok)} only; use method='grid' or order='linear'")
    for name, bad_, allowed_ in (("T_K", job.T_K != 0, "0"), ("exchange_valleys", job.exchange != "same", "'same'")):
        if bad_:
            raise ResponseError(f"{name}: the {path} takes a q-dependent V ({kind!r}) with {name} = {allowed_} only; "
                                "use method='grid'")
    V00 = float(np.asarray(job.interaction.V(np.array([0.0])))[0])
    if not np.isfinite(V00):
        raise ResponseError(f"interaction: V(0) of {kind!r} is not finite; the {path} needs a V bounded at q = 0 "
                            "(e.g. screened Coulomb with q_s > 0)")
    return V00


def _q_dependent(job) -> bool:
    """True for an interaction that is neither the contact one nor a constant user V."""
    inter = job.interaction
    return inter is not None and not getattr(inter, "is_uniform", False) and _constant_V(inter) is None


def _constant_V(inter):
    """V_0 (eV nm^2, eps_r included) of a user interaction given as a SymPy expression free of q (a constant
    V(q): uniform exchange fields, the contact case of physics.md 6), else None."""
    if getattr(inter, "kind", None) != "user":
        return None
    expr = inter.expression()
    if expr is None or expr.free_symbols:
        return None
    return float(expr)


def _uniform_job(job, V00=None):
    """``job`` with ``pre.V0`` the constant of a q-independent user V, or ``V00`` = V(0) of a q-dependent one
    (its contact part; the rest is :mod:`symenh.integrate.user_exchange`); else ``job`` itself."""
    V0 = None if job.interaction is None else _constant_V(job.interaction)
    if V0 is None:
        V0 = V00
    if V0 is None:
        return job
    from dataclasses import replace
    return replace(job, pre=replace(job.pre, V0=V0))


def _factors_at(comps, mu, plan_row, need, exact, opt, seas, say, tol, shapes, contours=None):
    """All factors of one energy ``mu`` (eV): linear order (kind "0" at alpha = 0, "1" = d/d alpha) or,
    with ``exact``, kind "0" at the tilt of the :class:`TiltedComponent` s ``comps``.  ``contours``: a dict
    that receives the Fermi contours built, by (component index, level)."""
    acc = _Factors(need, len(comps), shapes)
    mech_enh = "A" in need
    need0 = [n for n in need if n in ("A", "C")] if mech_enh else []
    for c, (comp, (levels, K, e_ref)) in enumerate(zip(comps, plan_row)):
        for N in levels:
            cont = level_contours(comp, N, float(mu), K, n0=opt["mesh"])
            if contours is not None:
                contours[(c, N)] = cont
            if len(cont) == 0:
                continue
            acc.any_level = True
            say(f"mu = {mu:g} eV, {comp.model.name}: level {N}, {len(cont)} Fermi contour(s) (mesh {cont.n}^2)")
            if exact:
                v, e, nat = tilted_surface_factors(comp, N, cont, [n for n in need if n != "B"], tol)
                for n in v:
                    acc.f["0"][n][c] += v[n]
                    acc.u["0"][n][c] += e[n]
                    acc.n["0"][n][c] += nat[n]
            else:
                a0, a1, e0, e1, nat = surface_factors(comp, N, cont, need0, list(need), tol)
                for (kind, n), v in nat.items():
                    acc.n[kind][n][c] += v
                for n, v in a0.items():
                    acc.f["0"][n][c] += v
                    acc.u["0"][n][c] += e0[n]
                for n, v in a1.items():
                    acc.f["1"][n][c] += v
                    acc.u["1"][n][c] += e1[n]
            if "B" in need:
                v, e = sea_compact(comp, N, cont, tol)
                acc.f["0"]["B"][c] += v
                acc.u["0"]["B"][c] += e
                acc.n["0"]["B"][c] += np.abs(v)
        if "B" in need:
            key = (c, round(float(e_ref), 12))
            if key not in seas:
                base = getattr(comp, "base", comp)
                say(f"{comp.model.name}: filled Fermi sea below E_ref = {e_ref:.4g} eV")
                seas[key] = filled_sea(base.kernel, base.values, e_ref, max(K, 1e-3), k_cutoff=opt["k_cutoff"],
                                       tol=tol, name=comp.model.name)
                if seas[key].cutoff_slope is not None:
                    say(f"{comp.model.name}: sea cut at k_cutoff = {opt['k_cutoff']:g} /nm; "
                        f"dB/d ln k_cutoff = {np.max(np.abs(seas[key].cutoff_slope)):.3g} /(eV nm) "
                        f"(largest entry), decay exponent of k^2 <S>: {seas[key].decay:.3g}")
            sea = seas[key]
            acc.f["0"]["B"][c] += sea.value
            acc.u["0"]["B"][c] += sea.error
            acc.n["0"]["B"][c] += np.abs(sea.value)
    return acc


def _smeared(comps, mu, kT, need, exact, opt, seas, say, tol, shapes, edges):
    """The factors at temperature kT (eV): each T = 0 factor as a function of the chemical potential
    convolved with the Fermi window (:func:`symenh.responses.factor_set.smeared`; physics.md 7).  Every
    factor -- the Fermi sea included -- is linear in the occupations, so this is exact; the ENH
    products are formed afterwards from the convolved factors."""

    def at(E):
        row = _plan(comps, [E], "B" in need, opt, lambda s: None)[0]
        return _factors_at(comps, E, row, need, exact, opt, seas, lambda s: None, tol, shapes)

    # the window rule converges to rtol / 10 of each block (10 tol): the T = 0 integrals inside keep tol
    # (rtol / 100); the estimate returned is what the rule achieved, not the target
    acc, n_E = smeared(at, _Factors(need, len(comps), shapes), float(mu), kT, WINDOW_TOL_FACTOR * tol, edges,
                       line_scale=True)
    say(f"mu = {mu:g} eV, kT = {kT:.4g} eV: Fermi window convolved on {n_E} energies")
    return acc


def dV_part(terms, contours, exact, alpha, inter, tol, n0, n1, pre, mechanism="enh-t", k_cutoff=None):
    """The q-dependent part of ENH at one mu, T = 0 (physics.md 6): (raw sigma per channel (n_ops, 2, 2, 2) in
    e^3/hbar nm/eV, its error bound -- of every element of every channel group and of the channel sum -- and,
    with ``k_cutoff`` for ENH(PT), d sigma / d ln k_cutoff of this part (raw (2, 2, 2)), else None).

    ``terms``: [(component, crossing levels, E_ref (eV), fold)] -- a k.p component (fold None) or a lattice one
    (fold: the minimal-image displacement, :func:`symenh.integrate.zone_exchange.min_image`); ``contours``:
    {(term index, level): Contours} as the factor pass built them.  ENH(T): the pair sum of
    :func:`symenh.integrate.user_exchange.pair_exchange` with dV = V - V(0) (``inter``, a PairV) and the cusp
    correction V'(0+); ENH(PT): :func:`symenh.integrate.user_sea_exchange.sea_exchange` (k.p only).  At the tilt
    itself (``exact``: TiltedComponents) or, at linear order, ``alpha dT/dalpha`` from the exact
    alpha-derivative on the alpha = 0 contours.  ``n0``, ``n1``: natural sizes of the factors at alpha = 0 and
    of their alpha-derivatives (the scale the rules converge against)."""
    from ..integrate.user_exchange import pair_exchange

    def top(x):
        return max(float(np.max(x)), 1e-300)

    other = "B" if mechanism == "enh-pt" else "C"
    if exact:
        scale = abs(pre.V0) * top(n0["A"]) * top(n0[other])
    else:
        scale = abs(pre.V0) * (top(n1.get("A", 0.0)) * top(n0[other]) + top(n0["A"]) * top(n1.get(other, 0.0)))
    T, err, slope = 0.0, 0.0, 0.0
    for c, (comp, levels, e_ref, fold) in enumerate(terms):
        def cont(N, c=c):
            return contours[(c, N)]
        if mechanism == "enh-pt":
            from ..integrate.user_sea_exchange import sea_exchange
            t, e, s = sea_exchange(comp, levels, cont, e_ref, inter, tol, scale, k_cutoff=k_cutoff)
            if s is not None:
                slope = slope + s
        else:
            t, e = pair_exchange(comp, levels, cont, inter.dV, tol, scale, slope=inter.slope,
                                 dVdq=None if exact else inter.dVdq, fold=fold)
        T, err = T + t, err + e
    if not exact:
        T, err = alpha * T, abs(alpha) * err
    k = pre.enh_sign * (pre.tau_over_hbar if mechanism == "enh-t" else 1.0)
    sig = k * (T - np.swapaxes(T, -3, -2))                          # per channel (n_ops, 2, 2, 2)
    d_slope = None
    if k_cutoff is not None and mechanism == "enh-pt":
        S = alpha * np.sum(slope, axis=0)
        d_slope = k * (S - np.swapaxes(S, -3, -2))
    return sig, 2 * abs(k) * err, d_slope


def _channel_models(job):
    """(components, ChannelSet or None): for channels="fock" the components with their spin operators
    replaced by the N^2 orthonormal channels Gamma_i (weight 1; :mod:`symenh.geometry.channels`)."""
    if job.channels == "printed":
        return job.components, None
    from ..geometry.channels import exchange_channels
    sets = [exchange_channels(m, "fock") for m in job.components]
    return tuple(s.model for s in sets), sets[0]


def compute(job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV and its error per mu (module docstring)."""
    V00 = _check_settings(job)
    pair = None if V00 is None else PairV(job.interaction, V00)
    job = _uniform_job(job, V00)
    opt = _options(job)
    say = reporter(opt["progress"])
    mu_all = np.asarray(job.mu_eV, dtype=float)
    out = np.zeros((len(mu_all), 2, 2, 2))
    err_out = np.zeros(len(mu_all))
    alpha = job.alpha
    # linear order is alpha d sigma/d alpha: zero at alpha = 0; the exact tilt at alpha = 0 is sigma of the
    # untilted H, which a user's model need not make vanish (a base tilt in another parameter, say)
    if (alpha == 0 and job.order != "exact") or len(mu_all) == 0:
        return out, err_out
    from ..temperature import kT_eV
    kT = kT_eV(job.T_K)
    exact = job.order == "exact"
    need = FACTORS[job.mechanism]
    # inh-full with the field-corrected occupations is inh exactly (assembly.py): its error bound is inh's
    mech_err = "inh" if (job.mechanism == "inh-full" and job.occupation == "field-corrected") else job.mechanism
    models, chan = _channel_models(job) if job.mechanism.startswith("enh") else (job.components, None)
    comps = [UserComponent.build(m, job.values) for m in models]
    if exact:
        comps = [TiltedComponent(c, alpha) for c in comps]
    n_ops = len(comps[0].model.spin)
    shapes = factor_shapes(n_ops)
    tol = max(opt["rtol"] * 1e-2, 1e-13)
    plan = _plan(comps, mu_all, "B" in need, opt, say)
    if kT > 0 and opt["k_cutoff"] is not None:
        raise ResponseError("k_cutoff: the quadrature path for a user model takes k_cutoff at T = 0 only")
    seas: dict = {}
    dsig: list = []
    groups = {}
    edges = []
    if kT > 0:
        reach = reach_kT(tol) * kT
        win = (float(np.min(mu_all)) - reach, float(np.max(mu_all)) + reach)
        edges = sorted({e for comp in comps for e in level_extrema(comp, win)})
    for i, mu in enumerate(mu_all):
        conts: dict = {}
        if kT > 0:
            acc = _smeared(comps, mu, kT, need, exact, opt, seas, say, tol, shapes, edges)
        else:
            acc = _factors_at(comps, mu, plan[i], need, exact, opt, seas, say, tol, shapes, conts)
        if not acc.any_level:
            if opt["k_cutoff"] is not None:
                dsig.append(np.zeros((2, 2, 2)).tolist())
            continue                 # mu in a gap of every component (at T = 0): exactly zero
        f0, f1, u0, u1, n0, n1 = acc.f["0"], acc.f["1"], acc.u["0"], acc.u["1"], acc.n["0"], acc.n["1"]
        sig, e, size = sigma_error_size(job.mechanism, f0, f1, u0, u1, n0, n1, alpha, job.pre, job.exchange, exact,
                                        job.occupation, mech_err)
        sig_ch, dV_slope = None, None
        if pair is not None:
            terms = [(comp, levels, e_ref, None) for comp, (levels, _, e_ref) in zip(comps, plan[i])]
            sig_ch, e_d, dV_slope = dV_part(terms, conts, exact, alpha, pair, tol, n0, n1, job.pre, job.mechanism,
                                            opt["k_cutoff"])
            sig, e = sig + np.sum(sig_ch, axis=0), e + e_d
        emax, vmax = float(np.max(e)), float(np.max(np.abs(sig)))
        if emax > vmax and emax > RESOLVED_ZERO * float(np.max(size)):
            raise ResponseError(f"quadrature: at mu = {mu:g} eV the error estimate {emax:.3g} exceeds the value "
                                f"{vmax:.3g} (raw units): not resolved; lower rtol or check the model's large-k "
                                "behaviour (k_cutoff)")
        out[i] = sig
        err_out[i] = emax
        if chan is not None:
            for label, v in channel_groups(job.mechanism, chan, f0, f1, alpha, job.pre, job.exchange, exact,
                                           sig_ch).items():
                groups.setdefault(label, np.zeros_like(out))[i] = v
        if opt["k_cutoff"] is not None and "B" in need:
            slope = np.stack([seas[(c, round(float(plan[i][c][2]), 12))].cutoff_slope for c in range(len(comps))])
            zero = {n: np.zeros_like(v) for n, v in f0.items()}
            if exact:
                d = sigma_of(job.mechanism, {**f0, "B": slope}, job.pre, job.exchange)
            else:
                d = linear_sigma(job.mechanism, {**zero, "B": slope}, {**f1, "B": np.zeros_like(f1["B"])}, alpha,
                                 job.pre, job.exchange)
            if dV_slope is not None:
                d = d + dV_slope                 # the q-dependent part's sea cut at k_cutoff (user_sea_exchange)
            dsig.append(sigma_to_si(d).tolist())
        elif opt["k_cutoff"] is not None:
            dsig.append(np.zeros((2, 2, 2)).tolist())
    extra = {}
    if chan is not None:
        extra["channels"] = {g: groups.get(g, np.zeros_like(out)) for g in chan.group_labels}
    if opt["k_cutoff"] is not None:
        # the sea was cut at k_cutoff: record it and d sigma / d ln k_cutoff (SI, per mu, [c][a][b])
        extra["meta"] = {"k_cutoff_per_nm": float(opt["k_cutoff"]), "dsigma_dln_k_cutoff_SI": dsig}
    return (out, err_out, extra) if extra else (out, err_out)


__all__ = ["DEFAULTS", "RANGES", "compute", "reference_gap"]
