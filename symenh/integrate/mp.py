"""High-precision (mpmath) linear-in-alpha factors of the paper's models (the integrals).

The conductivities assembled from them are :mod:`symenh.responses.mpmath_path`.

The reference against which the double-precision quadrature path is tested, and the
tool for large-mu asymptotics (physics.md section 5) where double precision runs out.

Route (T = 0, linear order in the tilt, geometry alpha-independent, ``eps_N = eps0_N +
alpha tau``; identities of :mod:`symenh.responses.spec` and the shared conventions):

* Fermi-surface factors ``F = sum_N int (d_c f_N) Q_N`` (X, A, C):
  value at 0 ``= -sum_N int delta_N (d_c eps0_N) Q_N``, d/d alpha ``= +sum_N int delta_N tau d_c Q_N``;
* sea factors ``F = sum_N int f_N Q_N`` (B with Q = S; D with Q = d_b Omega):
  d/d alpha ``= -sum_N int delta_N tau Q_N``; D's value at 0 by parts,
  ``D_b = +sum_N int delta_N (d_b eps0_N) Omega_N``;
* the Fermi-sea factor B at alpha = 0 (paper Eq. 9's k' integral) with the level sum rule
  ``sum_N S_N = 0`` (checked symbolically for the model): levels filled inside the
  Fermi surface together contribute zero, so ``B = int_{p > p_F} sum_{N filled} S_N`` --
  the filled valence level outside the Fermi surface, the same for electron and hole
  doping (equivalently minus the conduction level outside the Fermi surface).  The
  integral is conditionally convergent (dipolar parts of S fall as 1/k^2): the angular
  integral is done first, then the radial one to infinity.

Coordinates (scaled polar): ``hbar v_x k_x = p cos th``, ``hbar v_y k_y = p sin th``,
``d^2k = p dp dth / (hbar v_x hbar v_y)``; on the alpha = 0 Fermi circle ``p = p_F =
sqrt(mu^2 - Delta^2)`` and ``int d^2k/(2 pi)^2 delta(mu - eps0_N) F = (1/(4 pi^2 hbar v_x
hbar v_y)) int dth p F / |d_p eps0_N|``.

Every integral over th (the Fermi circle, and the angular integral of the sea at fixed
p) is a periodic trapezoidal sum whose number of nodes is doubled until two successive
sums agree to the working precision: for periodic analytic integrands it converges
geometrically (at alpha = 0 the paper models' integrands are trigonometric polynomials,
summed exactly), and all tensor components share the nodes.  The radial integral of
the sea, [p_F, inf), is ``mpmath.quad`` (Gauss-Legendre) with the angular integral inside,
on [p_F, b] with b = max(p_F, 2 |Delta|) (empty unless p_F < 2 |Delta|) and the tail
[b, inf) mapped to u = b / p in (0, 1]: the integrand's only singularities are at
E = 0, p = +-i Delta, i.e. at |u| = b/|Delta| >= 2, so the mapped tail is analytic on
[0, 1] and converges at low degree at every mu (mpmath's own map of [b, inf) has a fixed
scale of 1 eV, far from p_F at large mu, which cost high degrees and lost digits there).
The working precision is ``dps`` plus guard digits that grow with log10(|mu|/|Delta|)
(the Fermi-surface integrals cancel to relative order (Delta/mu)^2).
"""

from __future__ import annotations

from functools import lru_cache

import mpmath as mp
import sympy as sp
from scipy import constants as _c

from ..geometry.symbolic import derive_geometry
from ..models.base import SymbolicModel
from ..models.symbols import ALPHA, DELTA, HVX, HVY, KX, KY

__all__ = ["linear_factors_mp", "mp_constants"]


# ---------------------------------------------------------------------------
# constants and parameters at working precision
# ---------------------------------------------------------------------------

def mp_constants(params) -> dict:
    """Parameters of ``params`` (:class:`symenh.params.Parameters`) as mpf in internal units.

    Keys: Delta (eV), hvx, hvy, alpha (eV nm), tau_over_hbar (1/eV), V0 (eV nm^2),
    si (e^2/hbar * 1e-9: raw e^3/hbar nm/eV -> A m/V^2).  Constants from scipy.constants.
    """
    e, hbar, eps0 = mp.mpf(_c.e), mp.mpf(_c.hbar), mp.mpf(_c.epsilon_0)
    hvx = hbar / e * mp.mpf(params.vx_m_per_s) * mp.mpf(10) ** 9
    hvy = hbar / e * mp.mpf(params.vy_m_per_s) * mp.mpf(10) ** 9
    return {
        "Delta": mp.mpf(params.Delta_eV),
        "hvx": hvx,
        "hvy": hvy,
        "alpha": mp.mpf(params.alpha_over_hbar_v) * hvy,
        "tau_over_hbar": mp.mpf(params.tau_ps) * mp.mpf(10) ** -12 * e / hbar,
        "V0": e / (4 * mp.pi * eps0) * mp.mpf(10) ** 9 / (mp.mpf(params.eps_r) * mp.mpf(params.q_s_per_nm)),
        "si": e ** 2 / hbar * mp.mpf(10) ** -9,
    }


# ---------------------------------------------------------------------------
# lambdified per-level integrand pieces (mpmath)
# ---------------------------------------------------------------------------

_P, _TH = sp.symbols("p theta", real=True)


@lru_cache(maxsize=16)
def _level_functions(model: SymbolicModel):
    """mpmath callables per level N of ``model`` in scaled polar coordinates.

    Returns (funcs, sea_funcs, sum_rule_ok): sea_funcs[N] -> [eps0, S^{eta a} (8)]; funcs[N](p, th, Delta, hvx, hvy) -> flat list
    [eps0, d_p eps0, d_x eps0, d_y eps0, tau, Omega, d_x Omega, d_y Omega,
     G^{ba} (4), d_c G^{ba} (c-major, 8), S^{eta a} (8), d_c S^{eta a} (16),
     s^eta (4), d_c s^eta (8)]  (k derivatives in 1/nm units, d_p in eV per eV).
    """
    geo = derive_geometry(model)
    alpha = model.tilt_symbol
    tau = sp.expand(model.tilt() / alpha) if alpha is not None else sp.Integer(0)
    to_polar = {KX: _P * sp.cos(_TH) / HVX, KY: _P * sp.sin(_TH) / HVY}
    zero_alpha = {alpha: 0} if alpha is not None else {}
    funcs, sea_funcs = [], []
    for N in range(geo.n_levels):
        e0 = geo.energy[N].subs(zero_alpha)
        om = geo.berry_curvature[N]
        G = [geo.bcp[N][b][a] for b in range(2) for a in range(2)]
        S = [geo.sbp[N][eta][a] for eta in range(4) for a in range(2)]
        s = [geo.spin[N][eta] for eta in range(4)]
        d = (lambda q, c: sp.diff(q, (KX, KY)[c]))
        exprs = [e0, None, d(e0, 0), d(e0, 1), tau, om, d(om, 0), d(om, 1)]
        exprs += G + [d(q, c) for c in range(2) for q in G]
        exprs += S + [d(q, c) for c in range(2) for q in S]
        exprs += s + [d(q, c) for c in range(2) for q in s]
        polar = [x.subs(to_polar) if x is not None else None for x in exprs]
        polar[1] = sp.diff(polar[0], _P)
        f = sp.lambdify((_P, _TH, DELTA, HVX, HVY), polar, modules="mpmath")
        funcs.append(f)
        sea = sp.lambdify((_P, _TH, DELTA, HVX, HVY), [polar[0]] + polar[_S], modules="mpmath")
        sea_funcs.append(sea)
    total = [sum(geo.sbp[N][eta][a] for N in range(geo.n_levels)) for eta in range(4) for a in range(2)]
    sum_rule_ok = all(sp.simplify(t) == 0 for t in total)
    return tuple(funcs), tuple(sea_funcs), sum_rule_ok


# slices into the flat list above
_EPS, _DPEPS, _DEPS, _TAU, _OM, _DOM = 0, 1, slice(2, 4), 4, 5, slice(6, 8)
_G, _DG, _S, _DS, _SP, _DSP = slice(8, 12), slice(12, 20), slice(20, 28), slice(28, 44), slice(44, 48), slice(48, 56)


def _check_paper_like(model: SymbolicModel):
    needed = {DELTA, HVX, HVY, ALPHA}
    if not needed <= set(model.params) or model.tilt_symbol != ALPHA:
        raise ValueError(f"{model.name}: the mpmath path handles the paper's Dirac models only")


# ---------------------------------------------------------------------------
# the factors at alpha = 0 and their alpha derivatives
# ---------------------------------------------------------------------------

def _periodic_mean_vector(f, n_components, n0=8, max_n=1 << 14):
    """(1/2pi) int_0^{2pi} f(th) dth for a vector-valued periodic f (trapezoidal rule).

    The nodes are doubled until two successive sums differ by less than the working
    precision times the mean magnitude of the integrand (so a component that cancels
    to zero is accepted at the level of rounding, not chased).
    """
    eps = mp.mpf(2) ** (-mp.mp.prec + 8)
    acc = [mp.mpf(0)] * n_components
    mag = mp.mpf(0)

    def add(th):
        nonlocal acc, mag
        v = f(th)
        acc = [a + x for a, x in zip(acc, v)]
        mag += max(abs(x) for x in v)

    n = n0
    for j in range(n):
        add(2 * mp.pi * j / n)
    prev = [a / n for a in acc]
    while n < max_n:
        for j in range(n):
            add(2 * mp.pi * (2 * j + 1) / (2 * n))
        n *= 2
        cur = [a / n for a in acc]
        if max(abs(x - y) for x, y in zip(cur, prev)) <= eps * mag / n:
            return cur
        prev = cur
    raise ArithmeticError("periodic trapezoidal rule did not converge")  # pragma: no cover


def linear_factors_mp(model: SymbolicModel, mu, c: dict, needed=("D", "X", "A", "B", "C")):
    """Factors of one component at alpha = 0 (f0) and their d/d alpha (f1), mpmath.

    ``c`` from :func:`mp_constants`; ``mu`` in eV (mpf).  Shapes and units as in
    :mod:`symenh.responses.spec` (nested lists).  Requires |mu| > |Delta|.
    """
    _check_paper_like(model)
    funcs, sea_funcs, sum_rule_ok = _level_functions(model)
    D, hvx, hvy = c["Delta"], c["hvx"], c["hvy"]
    if abs(mu) <= abs(D):
        raise ValueError("linear_factors_mp: mu in the gap (every factor's Fermi surface is empty)")
    pF = mp.sqrt(mu * mu - D * D)
    pref = 1 / (4 * mp.pi ** 2 * abs(hvx * hvy))  # |Jacobian|
    # the crossing level: the one whose alpha=0 energy at p_F equals mu
    level = min(range(len(funcs)), key=lambda N: abs(funcs[N](pF, mp.mpf(0), D, hvx, hvy)[_EPS] - mu))

    keys = []
    if "D" in needed:
        keys += [("D0", 2), ("D1", 2)]
    if "X" in needed:
        keys += [("X0", 8), ("X1", 8)]
    if "A" in needed:
        keys += [("A0", 16), ("A1", 16)]
    if "C" in needed:
        keys += [("C0", 8), ("C1", 8)]
    if "B" in needed:
        keys += [("B1", 8)]

    def vec(th):
        v = funcs[level](pF, th, D, hvx, hvy)
        w = pF / abs(v[_DPEPS])
        deps, tau = v[_DEPS], v[_TAU]
        out = []
        for key, _ in keys:
            if key == "D0":  # D_b by parts: + delta (d_b eps0) Omega
                out += [w * deps[b] * v[_OM] for b in range(2)]
            elif key == "D1":  # sea-type derivative with Q = d_b Omega
                out += [-w * tau * v[_DOM][b] for b in range(2)]
            elif key == "X0":
                out += [-w * deps[cc] * v[_G][i] for cc in range(2) for i in range(4)]
            elif key == "X1":
                out += [w * tau * v[_DG][cc * 4 + i] for cc in range(2) for i in range(4)]
            elif key == "A0":
                out += [-w * deps[cc] * v[_S][i] for cc in range(2) for i in range(8)]
            elif key == "A1":
                out += [w * tau * v[_DS][cc * 8 + i] for cc in range(2) for i in range(8)]
            elif key == "B1":
                out += [-w * tau * x for x in v[_S]]
            elif key == "C0":
                out += [-w * deps[b] * v[_SP][eta] for eta in range(4) for b in range(2)]
            elif key == "C1":
                out += [w * tau * v[_DSP][b * 4 + eta] for eta in range(4) for b in range(2)]
        return out

    flat = _periodic_mean_vector(vec, sum(n for _, n in keys))
    res, pos = {}, 0
    for key, n in keys:
        res[key] = [2 * mp.pi * pref * x for x in flat[pos:pos + n]]
        pos += n

    def integral(key, n):
        return res[key]

    f0, f1 = {}, {}
    if "D" in needed:
        f0["D"], f1["D"] = integral("D0", 2), integral("D1", 2)
    if "X" in needed:
        x0, x1 = integral("X0", 8), integral("X1", 8)
        f0["X"] = [[[x0[cc * 4 + b * 2 + a] for a in range(2)] for b in range(2)] for cc in range(2)]
        f1["X"] = [[[x1[cc * 4 + b * 2 + a] for a in range(2)] for b in range(2)] for cc in range(2)]
    if "A" in needed:
        a0, a1 = integral("A0", 16), integral("A1", 16)
        f0["A"] = [[[a0[cc * 8 + e * 2 + a] for a in range(2)] for e in range(4)] for cc in range(2)]
        f1["A"] = [[[a1[cc * 8 + e * 2 + a] for a in range(2)] for e in range(4)] for cc in range(2)]
    if "C" in needed:
        c0, c1 = integral("C0", 8), integral("C1", 8)
        f0["C"] = [[c0[e * 2 + b] for b in range(2)] for e in range(4)]
        f1["C"] = [[c1[e * 2 + b] for b in range(2)] for e in range(4)]
    if "B" in needed:
        b1 = integral("B1", 8)
        f1["B"] = [[b1[e * 2 + b] for b in range(2)] for e in range(4)]
        f0["B"] = _fermi_sea_B0(sea_funcs, sum_rule_ok, mu, pF, c)
    return f0, f1


def _fermi_sea_B0(sea_funcs, sum_rule_ok, mu, pF, c):
    """B^{eta b} = sum_N int f_N S_N at alpha = 0 (1/(eV nm)), angular integral first.

    With the level sum rule the levels that are all filled inside the Fermi surface
    cancel there, leaving the filled levels outside it (radially [p_F, inf)).
    """
    if not sum_rule_ok:  # pragma: no cover - both paper models obey it
        raise ValueError("level sum rule sum_N S_N = 0 does not hold; the sea needs the full plane")
    D, hvx, hvy = c["Delta"], c["hvx"], c["hvy"]
    pref = 1 / (4 * mp.pi ** 2 * abs(hvx * hvy))  # |Jacobian|

    # levels filled outside the Fermi circle (the paper models' levels depend on p only)
    probe = 2 * pF + abs(D)
    filled = [f for f in sea_funcs if f(probe, mp.mpf(0), D, hvx, hvy)[0] < mu]

    def filled_S(p, th):
        tot = [mp.mpf(0)] * 8
        for f in filled:
            tot = [t + x for t, x in zip(tot, f(p, th, D, hvx, hvy)[1:])]
        return tot

    cache = {}

    def radial(p):
        if p not in cache:
            mean = _periodic_mean_vector(lambda th: filled_S(p, th), 8, n0=4)
            cache[p] = [2 * mp.pi * p * x for x in mean]
        return cache[p]

    # [p_F, b] with b = max(p_F, 2 |Delta|) directly (skipped when empty), and the tail [b, inf) as
    # int_0^1 radial(b/u) b/u^2 du: analytic on [0, 1] with singularities at |u| = b/|Delta| >= 2
    b = max(pF, 2 * abs(D))
    tail_cache = {}

    def tail(u):
        if u not in tail_cache:
            jac = b / (u * u)
            tail_cache[u] = [x * jac for x in radial(b / u)]
        return tail_cache[u]

    def component(i):
        total = mp.quad(lambda u: tail(u)[i], [0, 1], method="gauss-legendre")
        if b > pF:
            total += mp.quad(lambda p: radial(p)[i], [pF, b], method="gauss-legendre")
        return pref * total

    flat = [component(i) for i in range(8)]
    return [[flat[e * 2 + k] for k in range(2)] for e in range(4)]
