r"""Exact reduction of the q-dependent exchange conductivities to angular harmonics of V (SymPy).

For a radial interaction V(|q|) and a model whose alpha = 0 Fermi surface is a circle
(the paper's models with v_x = v_y), the two ENH conductivities of physics.md section 6
(T = 0, linear order in the tilt alpha),

    sigma_ENH(PT)^{cab} = s (e^3/hbar)       sum_i w_i int_k sum_n (d_c f_n) S^{ia}_n(k) W^{ib}(k) - (c <-> a),
    sigma_ENH(T)^{cab}  = s (e^3 tau/hbar^2) sum_i w_i int_k sum_n (d_c f_n) S^{ia}_n(k) Y^{ib}(k) - (c <-> a),
    W^{ib}(k) = int_k' V(|k - k'|) sum_n' f_n'(k') S^{ib}_n'(k'),
    Y^{ib}(k) = int_k' V(|k - k'|) sum_n' <Gamma_i>_n'(k') d_b f_n'(k'),

are reduced here, exactly, to

    alpha d sigma^{cab}/d alpha = sum_m [ A^{cab}_m a_m(k_F) + B^{cab}_m b_m(k_F)
                                          + int_{k_F}^oo dk' k' V_m(k_F, k') G^{cab}_m(k') ]      (*)

with the angular harmonics of V between two radii (k, k' in 1/nm; V_m in eV nm^2)

    V_m(k, k') = int_0^{2 pi} dphi V(sqrt(k^2 + k'^2 - 2 k k' cos phi)) cos(m phi),
    a_m(k_F) = V_m(k_F, k_F),   b_m(k_F) = d/dk' V_m(k_F, k')|_{k' = k_F} = (1/2) d a_m/dk_F,

and exact SymPy coefficients A_m, B_m (functions of k_F, Delta, hbar v) and radial
functions G_m(k') (of k', k_F, Delta, hbar v).  The prefactor s (tau/hbar) alpha is *not*
included: (*) is the bracket of :func:`reduce_exchange`'s docstring.

Route (every step exact):

1. Polar coordinates k = k (cos th, sin th); on a circle every geometric quantity of the
   paper models is a trigonometric polynomial in th, written as a Laurent polynomial in
   z = e^{i th}.  The tilt alpha tau(k) only shifts energies, so only occupations depend on
   alpha: f_n = Theta(mu - eps0_n - alpha tau).
2. The linear order of an integral int_k (d_c f_n) Q(k) is, by parts,
   d/dalpha = int_k delta(mu - eps0_n) tau d_c Q  (the d/dalpha of the k factor) plus
   int_k (d_c f_n) dQ/dalpha (the d/dalpha of the k' factor, inside the exchange field).
3. The gradient of a field at the Fermi surface uses translation invariance of the
   convolution, d_c (V * F) = V * (d_c F): for W the source Theta(k' - k_F) S_sea(k') gives
   Theta d_c S_sea + delta(k' - k_F) khat_c S_sea, so no derivative of V is needed; for Y the
   source is a delta layer on the Fermi circle and its gradient a delta' layer (hence b_m).
4. Each source is a radial distribution g0 delta(k'-k_F) + g1 delta'(k'-k_F) + g_s Theta(k'-k_F)
   times harmonics z'^n; the convolution with V maps z'^n to z^n and the radial part to
   k_F g0 a_|n|,  -[(g1 + k_F g1') a_|n| + k_F g1 b_|n|],  int k' V_|n| g_s dk'  (times 1/(2 pi)^2).
5. The outer Fermi-circle integral int_k delta(mu - eps0) F = k_F/((2 pi)^2 |eps0'|) int dth F
   keeps the z^0 coefficient.
6. The Fermi sea uses the level sum rule sum_N S_N = 0: sum_N f_N S_N = Theta(k' - k_F) S_lower
   for electron and hole doping alike (the lower level filled outside the Fermi circle).

Units: k, k_F in 1/nm; Delta in eV; hbar v in eV nm; a_m in eV nm^2, b_m in eV nm^3; the
bracket (*) is in nm/eV per eV nm of alpha (the units of the contact V_0 (A0 B1 + A1 B0)/alpha);
the mpmath layer multiplies by alpha and the prefactors.  Levels are traced (degenerate
subspaces), as in :mod:`symenh.geometry`.  The derivation with its write-up is
``derivations/enh_q_dependent_reference.py`` (an independent SymPy implementation of the
same steps, with different data structures: cos/sin harmonics there, Laurent polynomials
in z = e^{i th} here).
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .. import cache
from ..errors import ModelError, ResponseError
from ..geometry.symbolic import derive_geometry
from ..models.base import SymbolicModel
from ..models.symbols import DELTA, HVX, HVY, KX, KY

__all__ = ["HV", "KF", "EF", "KP", "EP", "ReducedExchange", "reduce_exchange", "a_sym", "b_sym"]

#: isotropic hbar v (eV nm); Fermi momentum k_F (1/nm) and E_F = sqrt(Delta^2 + (hbar v k_F)^2) = |mu| (eV);
#: radial variable k' of the sea integrals (1/nm) and E' = sqrt(Delta^2 + (hbar v k')^2) (eV)
HV = sp.Symbol("hbar_v", positive=True)
KF = sp.Symbol("k_F", positive=True)
EF = sp.Symbol("E_F", positive=True)
KP = sp.Symbol("kp", positive=True)
EP = sp.Symbol("E_p", positive=True)

_K = sp.Symbol("k", positive=True)
_E = sp.Symbol("E", positive=True)      # sqrt(Delta^2 + (hbar v k)^2) as a symbol while deriving
_Z = sp.Symbol("z")                     # e^{i theta}
_M_MAX = 8


def a_sym(m: int) -> sp.Symbol:
    """Placeholder a_m = V_m(k_F, k_F) (eV nm^2)."""
    return sp.Symbol(f"a_{m}")


def b_sym(m: int) -> sp.Symbol:
    """Placeholder b_m = d/dk' V_m(k_F, k') at k' = k_F (eV nm^3)."""
    return sp.Symbol(f"b_{m}")


# ---------------------------------------------------------------------------
# functions on circles: {n: coefficient(k, E)} for sum_n c_n(k) e^{i n th}
# ---------------------------------------------------------------------------

def _clean(d: dict) -> dict:
    return {n: c for n, c in d.items() if c != 0}


def _add(*fs) -> dict:
    out = {}
    for f in fs:
        for n, c in f.items():
            out[n] = out.get(n, 0) + c
    return _clean({n: sp.expand(c) for n, c in out.items()})


def _scale(f: dict, x) -> dict:
    return _clean({n: sp.expand(x * c) for n, c in f.items()})


def _mul(f: dict, g: dict) -> dict:
    out = {}
    for n, c in f.items():
        for m, d in g.items():
            out[n + m] = out.get(n + m, 0) + c * d
    return _clean({n: sp.expand(c) for n, c in out.items()})


_COS = {1: sp.Rational(1, 2), -1: sp.Rational(1, 2)}
_SIN = {1: -sp.I / 2, -1: sp.I / 2}
_KHAT = (_COS, _SIN)
_THHAT = ({1: sp.I / 2, -1: -sp.I / 2}, _COS)   # (-sin th, cos th)


def _dk(f: dict) -> dict:
    """d/dk at fixed th, with dE/dk = (hbar v)^2 k / E."""
    return _clean({n: sp.expand(sp.diff(c, _K) + sp.diff(c, _E) * HV**2 * _K / _E) for n, c in f.items()})


def _dth(f: dict) -> dict:
    return _clean({n: sp.I * n * c for n, c in f.items()})


def _grad(f: dict, c: int) -> dict:
    """Cartesian d/dk_c = khat_c d_k + thhat_c (1/k) d_th."""
    return _add(_mul(_KHAT[c], _dk(f)), _scale(_mul(_THHAT[c], _dth(f)), 1 / _K))


def _at(f: dict, k, E) -> dict:
    return _clean({n: sp.expand(c.subs({_K: k, _E: E})) for n, c in f.items()})


def _from_geometry(expr) -> dict:
    """A level-traced geometry expression in k_x, k_y (hbar v_x = hbar v_y) as {n: c_n(k, E)}."""
    z = _Z
    e = sp.sympify(expr).subs({HVX: HV, HVY: HV}).subs({KX: _K * (z + 1 / z) / 2, KY: _K * (z - 1 / z) / (2 * sp.I)})
    radicand = DELTA**2 + HV**2 * _K**2

    def fix(x):
        base = sp.factor(sp.expand(x.base))
        if sp.expand(base - radicand) == 0:
            return _E ** (2 * x.exp)
        return sp.Pow(base, x.exp)

    e = e.replace(lambda x: x.is_Pow and not x.exp.is_Integer, fix)
    out = {}
    for term in sp.Add.make_args(sp.expand(e)):
        c, n = term.as_coeff_exponent(z)
        if c.has(z) or not n.is_Integer:
            raise ModelError(f"model: the geometry is not a trigonometric polynomial on circles ({term})")
        out[int(n)] = out.get(int(n), 0) + c
    if any(c.has(KX, KY, HVX, HVY) for c in out.values()):  # pragma: no cover - defensive
        raise ModelError("model: geometry left in Cartesian form")
    return _clean({n: sp.expand(c) for n, c in out.items()})


# ---------------------------------------------------------------------------
# radial distributions on the plane and their convolution with V
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Source:
    """g0 delta(k - k_F) + g1 delta'(k - k_F) + gs Theta(k - k_F), each {n: c_n(k, E)}."""

    g0: tuple = ()
    g1: tuple = ()
    gs: tuple = ()

    @staticmethod
    def make(g0=None, g1=None, gs=None):
        t = lambda d: tuple(sorted((d or {}).items()))   # noqa: E731
        return _Source(t(g0), t(g1), t(gs))

    def grad(self, c: int) -> "_Source":
        """d/dk_c of the distribution (translation invariance: d_c (V * F) = V * d_c F)."""
        if self.g1:
            raise ResponseError("internal: the gradient of a delta' layer is not needed and not supported")
        g0, gs = dict(self.g0), dict(self.gs)
        # d_c (g0 delta) = (d_c g0) delta + khat_c g0 delta';  d_c (gs Theta) = (d_c gs) Theta + khat_c gs delta
        return _Source.make(g0=_add(_grad(g0, c), _mul(_KHAT[c], gs)), g1=_mul(_KHAT[c], g0), gs=_grad(gs, c))


class _Integrals:
    """Registry of the sea integrals int_{k_F}^oo k' V_m(k_F, k') g(k') dk' (placeholder symbols)."""

    def __init__(self):
        self.items = {}   # symbol -> (m, g(k', E'))

    def symbol(self, m: int, g: sp.Expr) -> sp.Symbol:
        s = sp.Symbol(f"R_{len(self.items)}")
        self.items[s] = (m, g.subs({_K: KP, _E: EP}))
        return s


def _convolve(src: _Source, reg: _Integrals) -> dict:
    """(V * src)(k_F, th) as {n: value} (placeholders a_m, b_m, R_j; includes 1/(2 pi)^2)."""
    g0, g1, gs = dict(src.g0), dict(src.g1), dict(src.gs)
    out = {}
    for n in set(g0) | set(g1) | set(gs):
        m = abs(n)
        if m > _M_MAX:
            raise ModelError(f"model: angular harmonic {m} exceeds {_M_MAX}")
        val = 0
        if n in g0:
            val += KF * g0[n].subs({_K: KF, _E: EF}) * a_sym(m)
        if n in g1:
            c1 = g1[n]
            dc1 = sp.diff(c1, _K) + sp.diff(c1, _E) * HV**2 * _K / _E
            val -= ((c1 + _K * dc1).subs({_K: KF, _E: EF}) * a_sym(m) + KF * c1.subs({_K: KF, _E: EF}) * b_sym(m))
        if n in gs:
            val += reg.symbol(m, gs[n])
        out[n] = sp.expand(val / (2 * sp.pi) ** 2)
    return _clean(out)


# ---------------------------------------------------------------------------
# the reduction
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ReducedExchange:
    """The reduced form (*) of one mechanism, model (components summed) and channel set.

    ``A[c][a][b][m]``, ``B[c][a][b][m]``: SymPy coefficients of a_m and b_m (functions of
    k_F = :data:`KF`, E_F = :data:`EF` = |mu|, Delta, hbar v = :data:`HV`); ``G[c][a][b][m]``:
    radial functions of k' = :data:`KP` (with E' = :data:`EP`), k_F, E_F.  Antisymmetrised
    in (c, a).  ``m_max``: the largest harmonic present.
    """

    mechanism: str
    doping: int
    A: tuple
    B: tuple
    G: tuple
    m_max: int

    def element(self, c, a, b):
        """(A_m tuple, B_m tuple, G_m tuple) of one raw element sigma^{cab}."""
        return self.A[c][a][b], self.B[c][a][b], self.G[c][a][b]

    def is_zero(self, c, a, b) -> bool:
        """True if the element vanishes identically (every coefficient exactly 0)."""
        return all(x == 0 for x in (*self.A[c][a][b], *self.B[c][a][b], *self.G[c][a][b]))

    def explicit(self, expr) -> sp.Expr:
        """``expr`` with E_F and E' written as sqrt(Delta^2 + (hbar v k)^2)."""
        return sp.sympify(expr).subs({EF: sp.sqrt(DELTA**2 + HV**2 * KF**2), EP: sp.sqrt(DELTA**2 + HV**2 * KP**2)})


def _canonical(expr, k, E) -> sp.Expr:
    """Exact canonical form of a rational function of (k, E) modulo E^2 = Delta^2 + (hbar v k)^2."""
    num, den = sp.fraction(sp.together(sp.expand(expr)))
    rel = sp.Poly(E**2 - DELTA**2 - HV**2 * k**2, E)
    num = sp.Poly(sp.expand(num), E).rem(rel).as_expr()
    if num == 0:
        return sp.Integer(0)
    return sp.factor(num / den)


def _levels(geo, model: SymbolicModel, doping: int):
    """(crossing level N, lower level, eps0_N(k, E), sgn) for the paper-like +-E(k) spectra."""
    if geo.n_levels != 2:
        raise ModelError(f"model: the harmonic reference needs two (possibly degenerate) levels, "
                         f"{model.name} has {geo.n_levels}")
    alpha = model.tilt_symbol
    e0 = []
    for N in range(2):
        f = _from_geometry(geo.energy[N].subs(alpha, 0))
        if set(f) - {0}:
            raise ModelError(f"model: {model.name} is not isotropic at alpha = 0 (the energy depends on the angle)")
        e0.append(f.get(0, sp.Integer(0)))
    if sp.expand(e0[0] + e0[1]) != 0 or {sp.expand(x**2) for x in e0} != {_E**2}:
        raise ModelError(f"model: the harmonic reference needs levels +-sqrt(Delta^2 + (hbar v k)^2), {model.name} has {e0}")
    upper = 0 if e0[0] == _E else 1
    N = upper if doping > 0 else 1 - upper
    return N, 1 - upper, e0[N]


def _component(model: SymbolicModel, mechanism: str, doping: int, reg: _Integrals):
    """Per channel i: lin_i^{cab} = [T1 + T2]^{cab} (before antisymmetrisation), exact."""
    geo = derive_geometry(model)
    alpha = model.tilt_symbol
    N, low, eps = _levels(geo, model, doping)
    sgn = sp.Integer(1 if doping > 0 else -1)       # sign of d eps0_N / dk on the Fermi circle
    deps = sp.expand(sp.diff(eps, _E) * HV**2 * _K / _E)    # d eps0_N/dk
    absd = sgn * deps
    tau = _from_geometry(sp.diff(model.tilt(), alpha))
    n_ch = geo.n_operators
    jac = 2 * sp.pi * KF / ((2 * sp.pi) ** 2 * absd.subs({_K: KF, _E: EF}))   # int_k delta(mu - eps0) F = jac <F>_th
    tauF = _at(tau, KF, EF)
    out = []
    for i in range(n_ch):
        S_N = [_from_geometry(geo.sbp[N][i][a].subs(alpha, 0)) for a in range(2)]
        lin = [[[sp.Integer(0)] * 2 for _ in range(2)] for _ in range(2)]
        if not any(S_N):
            out.append(lin)
            continue
        S_low = [_from_geometry(geo.sbp[low][i][b].subs(alpha, 0)) for b in range(2)]
        s_N = _from_geometry(geo.spin[N][i].subs(alpha, 0))
        SF = [_at(S_N[a], KF, EF) for a in range(2)]
        dSF = [[_at(_grad(S_N[a], c), KF, EF) for a in range(2)] for c in range(2)]
        for b in range(2):
            if mechanism == "enh-pt":
                # W: source Theta(k' - k_F) S_low (sum rule); d/dalpha: -delta(mu - eps0_N) tau S_N
                src0 = _Source.make(gs=S_low[b])
                src1 = _Source.make(g0=_scale(_mul(tau, S_N[b]), -1 / absd))
            else:
                # Y: source <s>_N d_b f_N = -sgn delta(k' - k_F) khat_b <s>_N;
                # d/dalpha: <s>_N d_b[g delta(k' - k_F)], g = -tau/|eps0'|
                src0 = _Source.make(g0=_scale(_mul(_KHAT[b], s_N), -sgn))
                g = _scale(tau, -1 / absd)
                g0 = _mul(s_N, _add(_mul(_KHAT[b], _dk(g)), _scale(_mul(_THHAT[b], _dth(g)), 1 / _K)))
                src1 = _Source.make(g0=g0, g1=_mul(s_N, _mul(_KHAT[b], g)))
            F0 = _convolve(src0, reg)
            F1 = _convolve(src1, reg)
            for c in range(2):
                dF0 = _convolve(src0.grad(c), reg)
                t2_pref = _scale(_KHAT[c], -deps.subs({_K: KF, _E: EF}))
                for a in range(2):
                    t1 = _mul(tauF, _add(_mul(dSF[c][a], F0), _mul(SF[a], dF0)))
                    t2 = _mul(t2_pref, _mul(SF[a], F1))
                    lin[c][a][b] += jac * _add(t1, t2).get(0, sp.Integer(0))
        out.append(lin)
    return out


def _collect(expr, reg: _Integrals, m_max: int):
    """(A_m, B_m, G_m) tuples from an expression linear in a_m, b_m and the R placeholders."""
    e = sp.expand(expr)
    A = tuple(_canonical(e.coeff(a_sym(m)), KF, EF) for m in range(m_max + 1))
    B = tuple(_canonical(e.coeff(b_sym(m)), KF, EF) for m in range(m_max + 1))
    G = [0] * (m_max + 1)
    for s, (m, g) in reg.items.items():
        coef = e.coeff(s)
        if coef != 0:
            G[m] += coef * g
    G = tuple(_canonical(_canonical(g, KP, EP), KF, EF) for g in G)
    zero = {a_sym(m): 0 for m in range(_M_MAX + 1)} | {b_sym(m): 0 for m in range(_M_MAX + 1)}
    rest = e.subs(zero).subs({s: 0 for s in reg.items})
    if sp.expand(rest) != 0:  # pragma: no cover - the reduction is linear in the placeholders
        raise ResponseError(f"internal: a term outside the reduced form: {rest}")
    return A, B, G


def _reduce(components: tuple, mechanism: str, doping: int, channels) -> tuple:
    reg = _Integrals()
    total = [[[sp.Integer(0)] * 2 for _ in range(2)] for _ in range(2)]
    for model in components:
        per_ch = _component(model, mechanism, doping, reg)
        keep = range(len(per_ch)) if channels is None else channels
        for i in keep:
            for c in range(2):
                for a in range(2):
                    for b in range(2):
                        total[c][a][b] += per_ch[i][c][a][b]
    flat = sp.expand(sum(total[c][a][b] for c in range(2) for a in range(2) for b in range(2)))
    m_max = max([m for (m, _) in reg.items.values()]
                + [m for m in range(_M_MAX + 1) if flat.has(a_sym(m)) or flat.has(b_sym(m))] + [0])
    out = {"A": [], "B": [], "G": []}
    for c in range(2):
        for a in range(2):
            for b in range(2):
                A, B, G = _collect(total[c][a][b] - total[a][c][b], reg, m_max)
                out["A"].append(A)
                out["B"].append(B)
                out["G"].append(G)
    return tuple(out["A"]), tuple(out["B"]), tuple(out["G"]), sp.Integer(m_max)


def reduce_exchange(components: tuple, mechanism: str, doping: int, channels: tuple | None = None) -> ReducedExchange:
    r"""The exact reduced form (*) of ``mechanism`` ("enh-t" or "enh-pt") for ``components``.

    ``components``: tuple of :class:`SymbolicModel` (the two valleys of H_T, or H_PT), each
    with hbar v_x = hbar v_y (both replaced by :data:`HV`) and levels +-E(k); the exchange
    stays within each component and the results are summed.  ``doping`` +1 (mu above the
    gap) or -1 (mu below it).  ``channels``: None for all of each model's operators
    (``model.spin``, weight 1), or a tuple of operator indices to keep (one channel group).
    The bracket returned (per raw element c a b) is

        Br^{cab} = sum_i [T1 + T2]_i^{cab} - (c <-> a),
        T1 = int_k delta(mu - eps0_N) tau d_c (S^{ia}_N F0^{ib}),   T2 = int_k (d_c f_N) S^{ia}_N F1^{ib},

    with F0 the alpha = 0 field (W for enh-pt, Y for enh-t), F1 = dF/dalpha, N the level at
    the Fermi energy, tau = d(tilt)/dalpha (1/nm), so that the conductivity is

        alpha d sigma/d alpha = s alpha Br (e^3/hbar)        (enh-pt),
                              = s alpha (tau/hbar) Br (e^3/hbar)  (enh-t),

    Br in nm/eV per (eV nm of alpha) when V is in eV nm^2 (s = -1 consistent, +1 printed).
    Cached on disk (:mod:`symenh.cache`) by this module's source and the models' sources.
    """
    if mechanism not in ("enh-t", "enh-pt"):
        raise ResponseError(f"mechanism: the exchange reduction handles enh-t and enh-pt, not {mechanism!r}")
    if doping not in (1, -1):
        raise ResponseError(f"doping: must be +1 or -1, got {doping!r}")
    return _reduce_cached(tuple(components), mechanism, int(doping), None if channels is None else tuple(channels))


@lru_cache(maxsize=64)
def _reduce_cached(components, mechanism, doping, channels) -> ReducedExchange:
    key = cache.make_key("harmonic-exchange", inspect.getsource(sys.modules[__name__]), mechanism, str(doping),
                         str(channels), *[m.source() for m in components])
    A, B, G, m_max = cache.cached_exprs(key, lambda: _reduce(components, mechanism, doping, channels))
    shape = lambda flat: tuple(tuple(tuple(flat[4 * c + 2 * a + b] for b in range(2)) for a in range(2))  # noqa: E731
                               for c in range(2))
    return ReducedExchange(mechanism, doping, shape(A), shape(B), shape(G), int(m_max))
