"""Shared SymPy machinery of the q-dependent exchange derivations (SymPy only, no symenh).

Used by ``enh_q_dependent_reference.py`` (the reduction) and ``enh_screened_large_mu.py``
(its asymptotics).  Everything is exact; nothing physical is decided here that the two
scripts do not assert.

Models (v_x = v_y = v, hv = hbar v, polar k = k (cos th, sin th), E = sqrt(Delta^2 + hv^2 k^2)):
    H_T(xi)  = hv k_x s_y - xi hv k_y s_x + Delta s_z + xi alpha k_y
    H_PT     = tau_y (x) (hv k_x s_x + hv k_y s_y + Delta s_z) + alpha k_y
Both square to E^2 (Clifford form), so the level projectors are P_+- = (1 +- H0/E)/2 and the
level-traced spin-Berry polarizability (paper Eq. 5) is
    S^{i a}_+- = -2 Im Tr(P_+- G_i P_-+ v^a) / (2E)^2.
Angular dependence is kept as cos/sin of th and reduced to harmonics by repeated
product-to-sum rewriting (sympy.simplify.fu.TR8).
"""

from __future__ import annotations

import sympy as sp
from sympy.simplify.fu import TR8

from _common import PAULI, kron, rational_zero

k, th, kF, hv, kp = sp.symbols("k theta k_F hbar_v kp", positive=True)
E, EF, Ep = sp.symbols("E E_F E_p", positive=True)
Delta = sp.Symbol("Delta", positive=True)
alpha = sp.Symbol("alpha", real=True)
M_MAX = 6


def a_(m):
    """a_m = V_m(k_F, k_F)."""
    return sp.Symbol(f"a_{m}")


def b_(m):
    """b_m = d/dk' V_m(k_F, k')|_{k_F}."""
    return sp.Symbol(f"b_{m}")


# ---------------------------------------------------------------------------
# calculus on functions of (k, E(k), th)
# ---------------------------------------------------------------------------

def dk(f):
    """d/dk at fixed th, dE/dk = hv^2 k / E."""
    return sp.diff(f, k) + sp.diff(f, E) * hv**2 * k / E


def grad(f, c):
    """Cartesian d/dk_c = khat_c d_k + thhat_c (1/k) d_th."""
    khat = (sp.cos(th), sp.sin(th))
    thhat = (-sp.sin(th), sp.cos(th))
    return khat[c] * dk(f) + thhat[c] * sp.diff(f, th) / k


KHAT = (sp.cos(th), sp.sin(th))
THHAT = (-sp.sin(th), sp.cos(th))


_FOURIER = {}


def fourier(f) -> dict:
    """{('c', n): c_n, ('s', n): s_n} with f = sum c_n cos(n th) + s_n sin(n th) (exact).
    Memoised on the expression (the reduction asks for the same products many times);
    the returned dict is shared: read it, do not change it."""
    f = sp.sympify(f)
    got = _FOURIER.get(f)
    if got is None:
        got = _FOURIER[f] = _fourier(f)
    return got


_TRIG = {}


def _fourier(f) -> dict:
    """Expand once; each term is (th-free part) x (a product of powers of cos(n th), sin(n th)).
    The few distinct trigonometric products are reduced to harmonics once (_fourier_tr8, cached)."""
    e = sp.expand(f)
    acc = {}
    for term in ([] if e == 0 else sp.Add.make_args(e)):
        trig, rest = [], []
        for x in sp.Mul.make_args(term):
            (trig if x.has(th) else rest).append(x)
        t = sp.Mul(*trig)
        h = _TRIG.get(t)
        if h is None:
            h = _TRIG[t] = _fourier_tr8(t)
        r = sp.Mul(*rest)
        for key, c in h.items():
            acc.setdefault(key, []).append(c * r)
    out = {key: sp.expand(sp.Add(*v)) for key, v in acc.items()}
    return {key: v for key, v in out.items() if v != 0}


def _fourier_tr8(f) -> dict:
    """Harmonics by repeated product-to-sum rewriting (TR8) of the expanded expression."""
    e = sp.expand(f)
    for _ in range(12):
        new = sp.expand(TR8(e))
        if new == e:
            break
        e = new
    out = {}
    for term in sp.Add.make_args(e):
        trig = [x for x in sp.Mul.make_args(term) if x.has(th)]
        rest = sp.Mul(*[x for x in sp.Mul.make_args(term) if not x.has(th)])
        if not trig:
            key = ("c", 0)
        else:
            assert len(trig) == 1, f"not reduced: {term}"
            t = trig[0]
            n = sp.simplify(t.args[0] / th)
            assert n.is_Integer and n > 0, f"bad harmonic {t}"
            key = ("c" if t.func == sp.cos else "s", int(n))
            assert t.func in (sp.cos, sp.sin), f"not a harmonic: {t}"
        out[key] = out.get(key, 0) + rest
    return {key: sp.expand(v) for key, v in out.items() if sp.expand(v) != 0}


def mean(f):
    """(1/2 pi) int_0^{2 pi} f dth."""
    return fourier(f).get(("c", 0), sp.Integer(0))


def mean_product(f, g):
    """(1/2 pi) int_0^{2 pi} f g dth by orthogonality of the harmonics of f and g."""
    fa, fb = fourier(f), fourier(g)
    out = 0
    for (kind, n), c in fa.items():
        d = fb.get((kind, n))
        if d is not None:
            out += c * d * (1 if n == 0 else sp.Rational(1, 2))
    return sp.expand(out)


# ---------------------------------------------------------------------------
# the models' geometry
# ---------------------------------------------------------------------------

def model(name, xi=1):
    """(H0 at alpha = 0 as a matrix in k, th; spin operators; tilt tau = d(tilt)/dalpha)."""
    kx, ky = k * sp.cos(th), k * sp.sin(th)
    s0, s1, s2, s3 = PAULI
    if name == "T":
        H = hv * kx * s2 - xi * hv * ky * s1 + Delta * s3
        return H, list(PAULI), xi * ky, (hv * s2, -xi * hv * s1)
    ty = PAULI[2]
    H = kron(ty, hv * kx * s1 + hv * ky * s2 + Delta * s3)
    return H, [kron(s0, s) for s in PAULI], ky, (hv * kron(ty, s1), hv * kron(ty, s2))


_C, _S = sp.symbols("c_th s_th", real=True)


def _zero_on_circle(x) -> bool:
    """Exact: x (polynomial in cos th, sin th) vanishes identically, by reduction modulo
    sin^2 + cos^2 - 1 (a single relation with leading term s^2: unique remainder, linear in s)."""
    e = sp.expand(sp.sympify(x).xreplace({sp.cos(th): _C, sp.sin(th): _S}))
    assert not e.has(th), e
    return sp.expand(sp.rem(e, _S**2 + _C**2 - 1, _S)) == 0


_GEOMETRY = {}


def geometry(name, xi=1, ops=None):
    """Per level (+1 upper, -1 lower): traced SBP S[i][a], spin <G_i>; and tau.
    Memoised per (model, valley, operators): derived once per script; the result is shared."""
    key = (name, xi, None if ops is None else tuple(sp.ImmutableMatrix(o) for o in ops))
    if key not in _GEOMETRY:
        _GEOMETRY[key] = _geometry(name, xi, ops)
    return _GEOMETRY[key]


def _geometry(name, xi=1, ops=None):
    H, spin, tau, v = model(name, xi)
    if ops is not None:
        spin = ops
    n = H.shape[0]
    assert all(_zero_on_circle(x) for x in H * H - (Delta**2 + hv**2 * k**2) * sp.eye(n)), "not Clifford"
    P = {s: (sp.eye(n) + s * H / E) / 2 for s in (1, -1)}
    out = {}
    for s in (1, -1):
        S = [[sp.expand(-2 * sp.im(sp.expand((P[s] * G * P[-s] * v[a]).trace())) / (4 * E**2)) for a in range(2)]
             for G in spin]
        sv = [sp.expand(sp.re(sp.expand((P[s] * G).trace()))) for G in spin]
        out[s] = {"S": S, "s": sv}
    return out, tau


# ---------------------------------------------------------------------------
# convolution of a radial distribution with V, on the Fermi circle
# ---------------------------------------------------------------------------

class Sea:
    """Registry of the sea integrals int_{k_F}^oo k' V_m(k_F, k') g(k') dk'."""

    def __init__(self):
        self.items = {}

    def __call__(self, m, g):
        s = sp.Symbol(f"R_{len(self.items)}")
        self.items[s] = (m, g.subs({k: kp, E: Ep}))
        return s


def convolve(reg, g0=0, g1=0, gs=0):
    """(1/(2 pi)^2) int d^2k' V(|k - k'|) [g0 delta(k'-k_F) + g1 delta'(k'-k_F) + gs Theta(k'-k_F)]
    at k = k_F (cos th, sin th), each g a function of (k', th'): harmonic by harmonic,
    int dth' V cos(n th') = V_n cos(n th) (same for sin), and the radial rules
    delta -> k_F g a_n,  delta' -> -[(g + k_F dg/dk) a_n + k_F g b_n],  Theta -> R_n[g]."""
    at = {k: kF, E: EF}
    out = 0
    for name, g in (("g0", g0), ("g1", g1), ("gs", gs)):
        if g == 0:
            continue
        for (kind, n), c in fourier(g).items():
            trig = sp.cos(n * th) if kind == "c" else sp.sin(n * th)
            if name == "g0":
                val = kF * c.subs(at) * a_(n)
            elif name == "g1":
                val = -((c + k * dk(c)).subs(at) * a_(n) + kF * c.subs(at) * b_(n))
            else:
                val = reg(n, c)
            out += trig * val
    return out / (2 * sp.pi) ** 2


def grad_source(c, g0=0, gs=0):
    """d/dk_c of g0 delta + gs Theta: (g0', g1', gs') (translation invariance of the convolution)."""
    return {"g0": grad(g0, c) + KHAT[c] * gs, "g1": KHAT[c] * g0, "gs": grad(gs, c)}


# ---------------------------------------------------------------------------
# the reduction
# ---------------------------------------------------------------------------

def reduce(name, mechanism, doping=1, ops=None, channels=None):
    """{(c, a, b): (A_m list, B_m list, G_m list)} of the bracket
    Br = sum_i [T1 + T2] - (c <-> a) (see enh_q_dependent_reference.py), summed over the
    valleys for name == "T"."""
    reg = Sea()
    sgn = sp.Integer(doping)
    total = {}
    for xi in ((1, -1) if name == "T" else (1,)):
        geo, tau = geometry(name, xi, ops)
        N = geo[1 if doping > 0 else -1]
        low = geo[-1]
        deps = sgn * hv**2 * k / E
        absd = hv**2 * k / E
        jac = 2 * sp.pi * kF / ((2 * sp.pi) ** 2 * absd.subs({k: kF, E: EF}))
        at = {k: kF, E: EF}
        idx = range(len(N["S"])) if channels is None else channels
        for i in idx:
            SN = N["S"][i]
            if all(x == 0 for x in SN):
                continue
            for b in range(2):
                if mechanism == "enh-pt":
                    src0 = {"gs": low["S"][i][b]}
                    src1 = {"g0": -tau * SN[b] / absd}
                else:
                    src0 = {"g0": -sgn * KHAT[b] * N["s"][i]}
                    g = -tau / absd
                    src1 = {"g0": N["s"][i] * (KHAT[b] * dk(g) + THHAT[b] * sp.diff(g, th) / k),
                            "g1": N["s"][i] * KHAT[b] * g}
                F0 = convolve(reg, **src0)
                F1 = convolve(reg, **src1)
                for c in range(2):
                    dF0 = convolve(reg, **grad_source(c, **src0))
                    for a in range(2):
                        S, dS = SN[a].subs(at), grad(SN[a], c).subs(at)
                        # T1 = <tau d_c(S F0)>, T2 = <-eps0' khat_c S F1> over the circle
                        t1 = mean_product(tau.subs(at) * dS, F0) + mean_product(tau.subs(at) * S, dF0)
                        t2 = mean_product(-deps.subs(at) * KHAT[c] * S, F1)
                        total[(c, a, b)] = total.get((c, a, b), 0) + jac * (t1 + t2)
    out = {}
    for c in range(2):
        for a in range(2):
            for b in range(2):
                e = sp.expand(total.get((c, a, b), 0) - total.get((a, c, b), 0))
                A = [canon(e.coeff(a_(m))) for m in range(M_MAX + 1)]
                B = [canon(e.coeff(b_(m))) for m in range(M_MAX + 1)]
                G = [0] * (M_MAX + 1)
                for s, (m, g) in reg.items.items():
                    G[m] += e.coeff(s) * g
                G = [canon(canon(x, kp, Ep), kF, EF) for x in G]
                rest = e.subs({a_(m): 0 for m in range(M_MAX + 1)}).subs({b_(m): 0 for m in range(M_MAX + 1)})
                assert sp.expand(rest.subs({s: 0 for s in reg.items})) == 0
                out[(c, a, b)] = (A, B, G)
    return out


def canon(expr, kk=kF, EE=EF):
    """Exact canonical form modulo EE^2 = Delta^2 + hv^2 kk^2 (numerator linear in EE)."""
    if expr == 0 or rational_zero(expr, EE, Delta**2 + hv**2 * kk**2):
        return sp.Integer(0)
    num, den = sp.fraction(sp.together(sp.expand(expr)))
    num = sp.Poly(sp.expand(num), EE).rem(sp.Poly(EE**2 - Delta**2 - hv**2 * kk**2, EE)).as_expr()
    return sp.Integer(0) if num == 0 else sp.factor(num / den)


def explicit(expr):
    """E_F, E' written out as square roots."""
    return sp.sympify(expr).subs({EF: sp.sqrt(Delta**2 + hv**2 * kF**2), Ep: sp.sqrt(Delta**2 + hv**2 * kp**2)})


def screened_Jm(m, eps, j0=None):
    """J_m(eps) = int_0^{pi/2} cos(2 m u)/(sin u + eps) du, exact: cos(2 m u) = T_m(1 - 2 sin^2 u) = P(sin u),
    P(s) = P(-eps) + (s + eps) Q(s), so J_m = int_0^{pi/2} Q(sin u) du + P(-eps) J_0(eps)."""
    s, u = sp.symbols("s u", positive=True)
    P = sp.expand(sp.chebyshevt(m, 1 - 2 * s**2))
    Qs = sp.quo(sp.Poly(P - P.subs(s, -eps), s), sp.Poly(s + eps, s)).as_expr()
    wallis = sum(cf * sp.integrate(sp.sin(u) ** int(p[0]), (u, 0, sp.pi / 2))
                 for p, cf in sp.Poly(Qs, s).terms())
    return sp.expand(wallis) + P.subs(s, -eps) * (J0(eps) if j0 is None else j0)


def J0(eps):
    """int_0^{pi/2} du/(sin u + eps) = acosh(1/eps)/sqrt(1 - eps^2) = (log(1 + sqrt(1 - eps^2)) - log eps)/sqrt(1 - eps^2)
    (0 < eps < 1; analytic continuation above)."""
    return (sp.log(1 + sp.sqrt(1 - eps**2)) - sp.log(eps)) / sp.sqrt(1 - eps**2)
