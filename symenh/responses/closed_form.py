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

The derived expressions are cached on disk (:mod:`symenh.cache`, keyed by this
module's source, the integrator's and the geometry's, the model's source and the
symenh version) and
lambdified once per process; :func:`compute` assembles them with
:func:`symenh.responses.spec.linear_sigma`.  :func:`sigma_expressions` gives the raw
sigma^{cab} as explicit SymPy functions of mu and every parameter.
"""

from __future__ import annotations

import inspect
import sys
from functools import lru_cache

import numpy as np
import sympy as sp

from .. import cache
from ..geometry import symbolic as _geom_mod
from ..geometry.symbolic import derive_geometry
from ..integrate import symbolic as _int_mod
from ..kernels.lambdified import flatten
from ..integrate.symbolic import EF, MU, fermi_surface_integral_ef, outside_fermi_surface_integral_ef
from ..models.paper import paper_valleys
from ..models.symbols import ALPHA, DELTA, HVX, HVY, KX, KY
from .spec import (CONVENTIONS, EXCHANGE_VALLEYS, FACTORS, MECHANISMS, Prefactors, ResponseError,
                   check_choice, enh_sign, linear_sigma)

#: models this path covers
PAPER_MODELS = ("tilted-dirac", "pt-dirac")
#: branches of mu: name -> level index in derive_geometry (0 = valence, 1 = conduction)
BRANCHES = {"conduction": 1, "valence": 0}
#: contact interaction V_0 (eV nm^2) and tau/hbar (1/eV) as symbols of sigma_expressions
V0 = sp.Symbol("V_0", positive=True)
TAU_OVER_HBAR = sp.Symbol("tau_over_hbar", positive=True)
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


@lru_cache(maxsize=16)
def factor_expressions(model) -> dict:
    """{branch: {"D1": ..., "X1": ..., "A0": ..., ...}} closed forms in E_F = |mu| (eV).

    Units as in :mod:`symenh.responses.spec` (a "1" suffix is d/d alpha, so one more
    1/(eV nm)).  Derived once, cached on disk, keyed by the deriving source.
    """
    key = cache.make_key("closed-form-factors", inspect.getsource(sys.modules[__name__]),
                         inspect.getsource(_int_mod), inspect.getsource(_geom_mod), model.source())
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


def compute(job):
    """Raw sigma^{cab} (units e^3/hbar * nm/eV), shape (len(mu), 2, 2, 2); error estimate None.

    mu in the gap (|mu| <= |Delta|) gives exactly 0.0; vectorised over mu.
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


def _stacked_factors(model_name: str, branch: str) -> tuple:
    """(f0, f1): factor name -> object array with a leading component (valley) axis, the
    symbolic twin of what :func:`compute` feeds to :func:`~symenh.responses.spec.linear_sigma`."""
    fx = [factor_expressions(c)[branch] for c in paper_valleys(model_name)]
    f0, f1 = {}, {}
    for key in fx[0]:
        (f0 if key[1] == "0" else f1)[key[0]] = np.stack([_arr(f[key]) for f in fx])
    return f0, f1


@lru_cache(maxsize=64)
def branch_expressions(model_name: str, mechanism: str, branch: str, convention: str = "consistent",
                       exchange: str = "same") -> dict:
    """Raw sigma^{cab} on one branch, element name -> SymPy expression in mu.

    Units e^3/hbar * nm/eV; symbols ``mu``, ``Delta`` (eV), ``hbar_v_x``, ``hbar_v_y``,
    ``alpha`` (eV nm), ``V_0`` (eV nm^2), ``tau_over_hbar`` (1/eV).  ``branch``
    "conduction" is valid for mu > |Delta|, "valence" for mu < -|Delta|.  Linear
    order in alpha (alpha d sigma/d alpha at 0), same assembly as spec.linear_sigma.
    """
    _check_model(model_name)
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange", exchange, EXCHANGE_VALLEYS)
    if branch not in BRANCHES:
        raise ResponseError(f"branch: unknown branch {branch!r}; allowed: {', '.join(BRANCHES)}")
    sig = linear_sigma(mechanism, *_stacked_factors(model_name, branch), ALPHA,
                       Prefactors(TAU_OVER_HBAR, V0, enh_sign(convention)), exchange)
    ef_val = MU if branch == "conduction" else -MU
    out = {}
    for c in range(2):
        for a in range(2):
            for b in range(2):
                expr = sp.sympify(sig[c, a, b]).subs(EF, ef_val)
                out["xy"[c] + "xy"[a] + "xy"[b]] = _velocity_signs(sp.factor(sp.simplify(expr)))
    return out


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
