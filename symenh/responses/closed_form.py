r"""Closed-form path: the four conductivities of the paper models, derived with SymPy.

For each component (valley of H_T, or H_PT) and each branch of the chemical
potential -- ``"conduction"`` (mu > |Delta|) or ``"valence"`` (mu < -|Delta|,
hole doping) -- the factors of :mod:`symenh.responses.spec` are derived at
alpha = 0 together with their alpha-derivatives, from the level-traced geometry of
:func:`symenh.geometry.symbolic.derive_geometry`, with the linear-order identities
(T = 0, ``delta_N = delta(mu - eps0_N)``, ``tau(k) = model.tilt() / alpha``):

=======  =====================================  =========================================
factor   value at alpha = 0                     d / d alpha at alpha = 0
=======  =====================================  =========================================
D_b      (not needed: BCD is linear in D)       -int delta_F tau d_b Omega_F
X^{cba}  (not needed)                           +int delta_F tau d_c G^{ba}_F
A^{cea}  -int delta_F (d_c eps0_F) S^{ea}_F     +int delta_F tau d_c S^{ea}_F
C^{eb}   -int delta_F (d_b eps0_F) <s^e>_F      +int delta_F tau d_b <s^e>_F
B^{eb}   sum_N int f_N S^{eb}_N (Fermi sea)     -int delta_F tau S^{eb}_F
=======  =====================================  =========================================

(F = the partially filled level).  The Fermi sea uses the band sum rule
``S_c + S_v = 0`` (checked symbolically): B(0) = -int_{E > E_F} S_c for electron
doping and +int_{E > E_F} S_v for hole doping, angular integral first
(:mod:`symenh.integrate.symbolic`).  All factors are closed forms in E_F = |mu|.

The factors are then assembled *symbolically* with the same
:func:`symenh.responses.spec.linear_sigma` every path uses, and each raw element
sigma^{cab} of a branch is simplified to one rational function of mu and the parameters
(:func:`branch_expressions`; the ENH convention sign is a symbol there, so one derivation
serves both conventions).  :func:`compute` evaluates those final expressions, lambdified
once per process and vectorised over mu (:func:`sigma_kernel`): only the non-zero
elements are evaluated, the gap |mu| <= |Delta| and symmetry-forbidden elements are
exact zeros without any arithmetic, hole doping (mu < -|Delta|) uses the valence
branch.  :func:`compute_by_factors` is the previous route (numeric factors assembled
with ``linear_sigma`` at run time), kept as an independent check of the symbolic
assembly and simplification.

Both the factors and the final expressions are cached on disk (:mod:`symenh.cache`,
keyed by the source of this module, of :mod:`symenh.responses.spec`, of the integrator
and of the geometry, the components' sources and the symenh version).
:func:`sigma_expressions` gives the raw sigma^{cab} as explicit SymPy functions of mu and
every parameter.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import sys
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import sympy as sp

from .. import cache
from ..geometry import symbolic as _geom_mod
from ..geometry.channels import CHANNEL_SETS, exchange_channels
from ..geometry.symbolic import derive_geometry
from ..integrate import symbolic as _int_mod
from ..kernels.lambdified import flatten
from ..integrate.symbolic import EF, MU, fermi_surface_integral_ef, outside_fermi_surface_integral_ef
from ..models.paper import paper_valleys
from ..models.symbols import ALPHA, DELTA, HVX, HVY, KX, KY
from . import spec as _spec_mod
from .spec import (CONVENTIONS, EXCHANGE_VALLEYS, FACTORS, MECHANISMS, Prefactors, ResponseError,
                   check_choice, enh_sign, linear_sigma)

#: models this path covers
PAPER_MODELS = ("tilted-dirac", "pt-dirac")
#: branches of mu: name -> level index in derive_geometry (0 = valence, 1 = conduction)
BRANCHES = {"conduction": 1, "valence": 0}
#: contact interaction V_0 (eV nm^2) and tau/hbar (1/eV) as symbols of sigma_expressions
V0 = sp.Symbol("V_0", positive=True)
TAU_OVER_HBAR = sp.Symbol("tau_over_hbar", positive=True)
#: the ENH convention sign (spec.enh_sign: -1 consistent, +1 printed) inside the cached final
#: expressions; :func:`branch_expressions` substitutes it, :func:`compute` passes it as a number
ENH_SIGN = sp.Symbol("enh_sign")
#: factor name -> shape of its tensor (the components of symenh.responses.spec)
FACTOR_SHAPES = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}
_K = (KX, KY)
_LAMBDA_ARGS = (EF, DELTA, HVX, HVY)


def _nested(shape, fn):
    """Nested tuple of fn(*index) over ``shape``."""
    if len(shape) == 1:
        return tuple(fn(i) for i in range(shape[0]))
    return tuple(_nested(shape[1:], lambda *rest, i=i: fn(i, *rest)) for i in range(shape[0]))


def _derive_component(model) -> tuple:
    """Per branch: (D1, X1, A0, A1, B0, B1, C0, C1) as nested tuples of SymPy expressions in E_F."""
    geo = derive_geometry(model)
    if geo.n_levels != 2:
        raise ResponseError(f"closed-form: {model.name} does not have two levels")
    tau = sp.expand(model.tilt() / ALPHA)
    S = geo.sbp
    for eta in range(4):
        for a in range(2):
            if sp.simplify(S[0][eta][a] + S[1][eta][a]) != 0:
                raise ResponseError(f"closed-form: band sum rule of S fails for {model.name}")
    fs = fermi_surface_integral_ef
    out = []
    for branch, N in BRANCHES.items():
        eps0 = geo.energy[N].subs(ALPHA, 0)
        om, G, SN, spin = geo.berry_curvature[N], geo.bcp[N], S[N], geo.spin[N]
        D1 = _nested((2,), lambda b: -fs(tau * sp.diff(om, _K[b])))
        X1 = _nested((2, 2, 2), lambda c, b, a: fs(tau * sp.diff(G[b][a], _K[c])))
        A0 = _nested((2, 4, 2), lambda c, e, a: -fs(sp.diff(eps0, _K[c]) * SN[e][a]))
        A1 = _nested((2, 4, 2), lambda c, e, a: fs(tau * sp.diff(SN[e][a], _K[c])))
        sea_sign = -1 if branch == "conduction" else 1
        B0 = _nested((4, 2), lambda e, b: sea_sign * outside_fermi_surface_integral_ef(SN[e][b]))
        B1 = _nested((4, 2), lambda e, b: -fs(tau * SN[e][b]))
        C0 = _nested((4, 2), lambda e, b: -fs(sp.diff(eps0, _K[b]) * spin[e]))
        C1 = _nested((4, 2), lambda e, b: fs(tau * sp.diff(spin[e], _K[b])))
        out.append((D1, X1, A0, A1, B0, B1, C0, C1))
    return tuple(out)


_ORDER = ("D1", "X1", "A0", "A1", "B0", "B1", "C0", "C1")


@lru_cache(maxsize=1)
def _deriving_sources() -> tuple:
    """Source texts the cached expressions derive from (read once per process)."""
    return tuple(inspect.getsource(m) for m in (sys.modules[__name__], _spec_mod, _int_mod, _geom_mod))


@lru_cache(maxsize=16)
def factor_expressions(model) -> dict:
    """{branch: {"D1": ..., "X1": ..., "A0": ..., ...}} closed forms in E_F = |mu| (eV).

    Units as in :mod:`symenh.responses.spec` (a "1" suffix is d/d alpha, so one more
    1/(eV nm)).  Derived once, cached on disk, keyed by the deriving source.
    """
    here, _, integ, geom = _deriving_sources()
    key = cache.make_key("closed-form-factors", here, integ, geom, model.source())
    raw = cache.cached_exprs(key, lambda: _derive_component(model))
    return {branch: dict(zip(_ORDER, raw[i])) for i, branch in enumerate(BRANCHES)}


def _needed(mechanism: str) -> tuple:
    """The factor entries (name + 0/1) a mechanism uses at linear order."""
    if mechanism in ("bcd", "inh"):
        return (FACTORS[mechanism][0] + "1",)
    a, b = FACTORS[mechanism]
    return (a + "0", a + "1", b + "0", b + "1")


@lru_cache(maxsize=64)
def _lambdified(model, branch: str, mechanism: str):
    """Numeric function (E_F, Delta, hvx, hvy) -> {entry: array (*E_F.shape, *factor shape)}."""
    fx = factor_expressions(model)[branch]
    entries = _needed(mechanism)
    flat, layout = [], []
    for ent in entries:
        items = flatten(fx[ent])
        layout.append((ent, len(flat), len(items)))
        flat.extend(items)
    fn = sp.lambdify(_LAMBDA_ARGS, flat, modules="numpy", cse=True)

    def evaluate(ef, delta, hvx, hvy):
        vals = fn(ef, delta, hvx, hvy)
        arr = np.empty((len(flat),) + np.shape(ef))
        for i, v in enumerate(vals):
            arr[i] = v
        out = {}
        for ent, start, n in layout:
            block = arr[start:start + n]
            out[ent] = np.moveaxis(block, 0, -1).reshape(np.shape(ef) + FACTOR_SHAPES[ent[0]])
        return out

    return evaluate


def _check_model(model_name: str) -> None:
    if model_name not in PAPER_MODELS:
        raise ResponseError(f"closed-form: covers the paper models ({', '.join(PAPER_MODELS)}) only, not "
                            f"{model_name!r}; use method=\"quadrature\" or \"grid\"")


def _branch_masks(mu: np.ndarray, delta: float):
    """((branch, mask), ...) for the branches with at least one mu; mask None means all of mu."""
    out = []
    for branch, mask in (("conduction", mu > abs(delta)), ("valence", mu < -abs(delta))):
        if mask.all():
            return (branch, None),
        if mask.any():
            out.append((branch, mask))
    return tuple(out)


#: the Job settings beyond the paper's that :func:`compute` honours (keywords of
#: :func:`symenh.responses.job.require_default`): any temperature, linear or linear + cubic order
#: in alpha, the printed and the complete Fock channels (contact interaction only), both
#: occupations of inh-full
SUPPORTS = {"T_K": True, "order": ("linear", "cubic"), "channels": ("printed", "fock"), "occupation": True}
#: the mechanisms whose closed form depends on the exchange channels
ENH_MECHANISMS = ("enh-t", "enh-pt")


def compute(job):
    """Raw sigma^{cab} (units e^3/hbar * nm/eV), shape (len(mu), 2, 2, 2), and its error estimate
    (None where exact); for ENH with ``channels="fock"`` also ``{"channels": {group label: raw
    tensor}}`` (summing to sigma; the printed channels form a single group, the total).

    Paper setting (T = 0, linear order in alpha): :func:`compute_T0`, the final closed form of each
    non-zero element, exact (error None).  ``job.T_K > 0`` or ``job.order == "cubic"`` (linear
    plus alpha^3/6 d^3 sigma/d alpha^3): :func:`symenh.responses.closed_form_thermal.compute`
    (factors convolved with -df/dE, then assembled; error bound per mu, option ``rtol``, default
    1e-10).  ``job.channels == "fock"`` (ENH; contact interaction): the complete Fock exchange as
    the same closed forms with the model's spin operators replaced by the orthonormal channel
    basis of :func:`symenh.geometry.channels.exchange_channels`, four channels at a time
    (:func:`channel_chunks`), each channel group on its own.  A q-dependent interaction is refused
    (the closed forms assume a uniform V_0): the quadrature and grid paths handle it.
    """
    _check_model(job.model_name)
    inter = job.interaction
    if inter is not None and not getattr(inter, "is_uniform", False):
        raise ResponseError(f"interaction: the closed-form path assumes the contact interaction, not "
                            f"{getattr(inter, 'kind', inter)!r}; the methods that handle it: quadrature, grid")
    if job.mechanism not in ENH_MECHANISMS or job.channels == "printed":
        return _compute_setting(job)
    check_choice("exchange", job.channels, CHANNEL_SETS)
    parts = {g: _compute_setting(replace(job, components=chunks, channels="printed"))
             for g, chunks in channel_chunks(job.components, job.channels, job.exchange).items()}
    raw = sum(r for r, _ in parts.values())
    errs = [e for _, e in parts.values() if e is not None]
    err = sum(errs) if errs else None
    return raw, err, {"channels": {g: r for g, (r, _) in parts.items()}}


def _compute_setting(job):
    """(raw, err) of one Job on the closed form: T = 0 linear exactly, else the thermal / cubic form."""
    if job.T_K == 0 and job.order == "linear":
        return compute_T0(job)
    from ..temperature import kT_eV
    from . import closed_form_thermal
    check_choice("order", job.order, SUPPORTS["order"])
    rtol = job.options.get("rtol")
    rtol = 1e-10 if rtol is None else float(rtol)
    if not 1e-14 <= rtol < 1:
        raise ResponseError(f"rtol: the closed form at T > 0 takes 1e-14 <= rtol < 1, got {rtol:g}")
    return closed_form_thermal.compute(job, kT_eV(job.T_K), job.order, job.occupation, rtol)


def channel_chunks(components, channels: str = "fock", exchange: str = "same") -> dict:
    """{channel group label: tuple of models}: each model is a component with its ``spin`` replaced
    by four channel operators Gamma_i of :func:`~symenh.geometry.channels.exchange_channels` (all of
    weight 1), so that the closed forms of the printed Eq. 3 summed over these models are the
    exchange over every channel of the group (the ENH products are taken model by model, each
    channel with itself).  For ``exchange="all"`` (several valleys) each valley must fit one model
    per group (two-band valleys do)."""
    out = {}
    for comp in components:
        cs = exchange_channels(comp, channels)
        if any(w != 1 for w in cs.weights):  # pragma: no cover - every channel set has weight 1
            raise ResponseError("exchange: the closed form needs channels of weight 1")
        for g in cs.group_labels:
            ops = [op for op, grp in zip(cs.operators, cs.groups) if grp == g]
            if len(ops) % 4:  # pragma: no cover - the paper models give 4 and 12
                raise ResponseError(f"exchange: channel group {g!r} of {comp.name} has {len(ops)} channels, "
                                    "not a multiple of 4 (closed form); use method quadrature")
            chunks = tuple(dataclasses.replace(cs.model, name=f"{cs.model.name}[{g} {i // 4}]",
                                               spin=tuple(ops[i:i + 4])) for i in range(0, len(ops), 4))
            if exchange == "all" and len(chunks) > 1:
                raise ResponseError("exchange_valleys: 'all' with the Fock channels needs two-band valleys")
            out.setdefault(g, []).extend(chunks)
    return {g: tuple(v) for g, v in out.items()}


def compute_T0(job):
    """Raw sigma^{cab} (units e^3/hbar * nm/eV), shape (len(mu), 2, 2, 2); error estimate None.

    Evaluates the final closed form of each non-zero element (:func:`sigma_kernel`),
    vectorised over mu: conduction branch for mu > |Delta|, valence (hole doping) for
    mu < -|Delta|; the gap |mu| <= |Delta| and the elements that vanish identically are
    exactly 0.0.  T = 0, linear order in alpha (paper Eqs. 9, 10 and the BCD/INH formulas of
    :mod:`symenh.responses.spec`; inh-full with the field-corrected occupation is inh).
    """
    # --- usermodels (issue 11 item 3): a user's two-level model, derived under closed_form_timeout ---
    if job.model_name not in PAPER_MODELS:
        from . import user_closed_form
        return user_closed_form.compute(job)
    # --- end usermodels ---
    _check_model(job.model_name)
    mech = job.mechanism
    if mech == "inh-full" and job.occupation == "field-corrected":
        mech = "inh"   # the energy term is a total derivative (derivations/inh_full_intrinsic.py)
    shape = np.shape(job.mu_eV)
    mu = np.asarray(job.mu_eV, dtype=float).reshape(-1)
    out = np.zeros((mu.size, 8))
    v0 = job.values
    delta = float(v0[DELTA])
    pre = job.pre
    args = (delta, float(v0[HVX]), float(v0[HVY]), job.alpha, float(pre.tau_over_hbar), float(pre.V0),
            float(pre.enh_sign))
    for branch, mask in _branch_masks(mu, delta):
        kern = sigma_kernel(job.components, mech, branch, job.exchange)
        if not kern.index:
            continue
        vals = kern.fn(mu if mask is None else mu[mask], *args)
        for i, v in zip(kern.index, vals):
            if mask is None:
                out[:, i] = v
            else:
                out[mask, i] = v
    return out.reshape(shape + (2, 2, 2)), None


def compute_by_factors(job):
    """The previous closed-form route: the lambdified factor entries (:func:`factor_expressions`)
    assembled numerically with :func:`~symenh.responses.spec.linear_sigma` at each call.

    Same contract as :func:`compute_T0` (raw sigma^{cab}, e^3/hbar * nm/eV, exact zeros in the
    gap); an independent check of the symbolic assembly and simplification behind it.
    """
    _check_model(job.model_name)
    mu = np.asarray(job.mu_eV, dtype=float)
    out = np.zeros(mu.shape + (2, 2, 2))
    comps = job.components
    v0 = job.values
    delta, hvx, hvy = float(v0[DELTA]), float(v0[HVX]), float(v0[HVY])
    for branch, mask in (("conduction", mu > abs(delta)), ("valence", mu < -abs(delta))):
        if not np.any(mask):
            continue
        ef = np.abs(mu[mask])
        per = [_lambdified(c, branch, job.mechanism)(ef, delta, hvx, hvy) for c in comps]
        f0, f1 = {}, {}
        for ent in per[0]:
            target = f0 if ent[1] == "0" else f1
            target[ent[0]] = np.stack([p[ent] for p in per])
        out[mask] = linear_sigma(job.mechanism, f0, f1, job.alpha, job.pre, job.exchange)
    return out, None


# ---------------------------------------------------------------------------
# explicit SymPy expressions of sigma
# ---------------------------------------------------------------------------

def _arr(nested) -> np.ndarray:
    """Nested tuple of expressions -> numpy object array."""
    a = np.empty(np.shape(np.array(nested, dtype=object)), dtype=object)
    a[...] = np.array(nested, dtype=object)
    return a


def _stacked_factors(components: tuple, branch: str) -> tuple:
    """(f0, f1): factor name -> object array with a leading component (valley) axis, the
    symbolic twin of what :func:`compute_by_factors` feeds to :func:`~symenh.responses.spec.linear_sigma`."""
    fx = [factor_expressions(c)[branch] for c in components]
    f0, f1 = {}, {}
    for key in fx[0]:
        (f0 if key[1] == "0" else f1)[key[0]] = np.stack([_arr(f[key]) for f in fx])
    return f0, f1


#: raw elements in row-major (c, a, b) order, the flat layout of the cached final expressions
ELEMENTS = tuple("".join("xy"[i] for i in idx) for idx in itertools.product(range(2), repeat=3))


def _derive_sigma(components: tuple, mechanism: str, branch: str, exchange: str) -> tuple:
    """The eight raw sigma^{cab} (row-major) on one branch as simplified SymPy expressions in mu,
    the parameters and :data:`ENH_SIGN` (units e^3/hbar * nm/eV)."""
    sig = linear_sigma(mechanism, *_stacked_factors(components, branch), ALPHA,
                       Prefactors(TAU_OVER_HBAR, V0, ENH_SIGN), exchange)
    ef_val = MU if branch == "conduction" else -MU
    return tuple(_velocity_signs(sp.factor(sp.simplify(sp.sympify(sig[c, a, b]).subs(EF, ef_val))))
                 for c, a, b in itertools.product(range(2), repeat=3))


@lru_cache(maxsize=256)
def final_expressions(components: tuple, mechanism: str, branch: str, exchange: str = "same") -> tuple:
    """The eight raw sigma^{cab} of ``components`` on one branch (row-major c, a, b; see
    :data:`ELEMENTS`), each one simplified rational function of ``mu`` (eV), ``Delta`` (eV),
    ``hbar_v_x``, ``hbar_v_y``, ``alpha`` (eV nm), ``tau_over_hbar`` (1/eV), ``V_0`` (eV nm^2)
    and the convention sign :data:`ENH_SIGN`; units e^3/hbar * nm/eV, linear order in alpha.

    ``components`` are the models summed over (both valleys of H_T, H_PT, or the two tau_y
    blocks of H_PT); derived once and cached on disk, keyed by the deriving sources and the
    components' sources.
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("exchange", exchange, EXCHANGE_VALLEYS)
    if branch not in BRANCHES:
        raise ResponseError(f"branch: unknown branch {branch!r}; allowed: {', '.join(BRANCHES)}")
    key = cache.make_key("closed-form-sigma", *_deriving_sources(), *(c.source() for c in components),
                         mechanism, branch, exchange)
    return tuple(cache.cached_exprs(key, lambda: _derive_sigma(components, mechanism, branch, exchange)))


#: argument order of the lambdified final expressions
KERNEL_ARGS = (MU, DELTA, HVX, HVY, ALPHA, TAU_OVER_HBAR, V0, ENH_SIGN)


@dataclass(frozen=True)
class SigmaKernel:
    """The non-zero raw elements of one (components, mechanism, branch, exchange), lambdified.

    ``index``: flat row-major indices (0..7, c a b) of the elements that do not vanish
    identically; ``fn(mu, Delta, hbar_v_x, hbar_v_y, alpha, tau_over_hbar, V0, enh_sign)``
    returns their values (e^3/hbar * nm/eV) in that order, broadcast over mu (eV);
    ``source``: the generated NumPy code (to read when a number looks wrong).
    """

    index: tuple
    fn: object
    source: str


@lru_cache(maxsize=256)
def sigma_kernel(components: tuple, mechanism: str, branch: str, exchange: str = "same") -> SigmaKernel:
    """The :class:`SigmaKernel` of :func:`final_expressions`, built once per process."""
    exprs = final_expressions(components, mechanism, branch, exchange)
    index = tuple(i for i, e in enumerate(exprs) if e != 0)
    if not index:
        return SigmaKernel((), None, "")
    fn = sp.lambdify(KERNEL_ARGS, [exprs[i] for i in index], modules="numpy", cse=True)
    return SigmaKernel(index, fn, inspect.getsource(fn))


@lru_cache(maxsize=64)
def branch_expressions(model_name: str, mechanism: str, branch: str, convention: str = "consistent",
                       exchange: str = "same") -> dict:
    """Raw sigma^{cab} on one branch, element name -> SymPy expression in mu.

    Units e^3/hbar * nm/eV; symbols ``mu``, ``Delta`` (eV), ``hbar_v_x``, ``hbar_v_y``,
    ``alpha`` (eV nm), ``V_0`` (eV nm^2), ``tau_over_hbar`` (1/eV).  ``branch``
    "conduction" is valid for mu > |Delta|, "valence" for mu < -|Delta|.  Linear
    order in alpha (alpha d sigma/d alpha at 0), same assembly as spec.linear_sigma
    (:func:`final_expressions` with the convention's sign put in).
    """
    _check_model(model_name)
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange", exchange, EXCHANGE_VALLEYS)
    if branch not in BRANCHES:
        raise ResponseError(f"branch: unknown branch {branch!r}; allowed: {', '.join(BRANCHES)}")
    exprs = final_expressions(paper_valleys(model_name), mechanism, branch, exchange)
    sign = sp.Integer(enh_sign(convention))
    return {name: e.subs(ENH_SIGN, sign) for name, e in zip(ELEMENTS, exprs)}


def _velocity_signs(expr: sp.Expr) -> sp.Expr:
    """``expr`` as its form for positive hbar v_x, hbar v_y in |hbar v_x|, |hbar v_y|, times
    sign(hbar v)^parity for each velocity it is odd in.

    The integrals carry the Jacobian 1/|hbar v_x hbar v_y| (:mod:`symenh.integrate.symbolic`),
    so the raw closed forms hold quotients like ``hbar_v_x hbar_v_y / Abs(hbar_v_x hbar_v_y)``;
    this rewrites them so that for positive velocities (every paper parameter set) the
    expression is the plain one, and stays correct for negative ones.
    """
    if expr == 0:
        return expr
    pos = {HVX: sp.Symbol("_hvx", positive=True), HVY: sp.Symbol("_hvy", positive=True)}
    out = sp.factor(sp.simplify(expr.subs(pos)))
    out = out.subs({pos[HVX]: sp.Abs(HVX), pos[HVY]: sp.Abs(HVY)})
    for sym in (HVX, HVY):
        flipped = expr.subs(sym, -sym)
        if sp.simplify(flipped + expr) == 0:
            out = out * sp.sign(sym)
        elif sp.simplify(flipped - expr) != 0:  # pragma: no cover - the models are homogeneous in v
            return sp.factor(sp.simplify(expr))
    return out


def sigma_expressions(model_name: str, mechanism: str, convention: str = "consistent",
                      exchange: str = "same") -> dict:
    """Raw sigma^{cab} as explicit SymPy functions: element name ("xyy") -> expression.

    Units e^3/hbar * nm/eV (multiply by e^2/hbar * 1e-9 m for A m / V^2,
    :func:`symenh.units.sigma_to_si`).  Symbols: ``mu``, ``Delta`` (eV),
    ``hbar_v_x``, ``hbar_v_y``, ``alpha`` (eV nm), ``V_0`` (eV nm^2),
    ``tau_over_hbar`` (1/eV).  Each is a ``Piecewise``: the conduction-band form
    for mu > |Delta|, the valence-band form for mu < -|Delta|, and 0 in the gap.
    All eight raw elements are present (the symmetry-forbidden ones are 0).
    """
    cond = branch_expressions(model_name, mechanism, "conduction", convention, exchange)
    val = branch_expressions(model_name, mechanism, "valence", convention, exchange)
    out = {}
    for name in cond:
        if cond[name] == 0 and val[name] == 0:
            out[name] = sp.Integer(0)
        else:
            out[name] = sp.Piecewise((cond[name], MU > sp.Abs(DELTA)), (val[name], MU < -sp.Abs(DELTA)),
                                     (0, True))
    return out
