r"""mpmath integrals of a radial interaction V(|q|) for the harmonic exchange reference.

The reduced form of :mod:`symenh.integrate.harmonic_exchange` needs, at the Fermi momentum
k_F (1/nm) and for V in eV nm^2:

* the Fermi-circle harmonics (q = 2 k_F sin u on the circle, u = phi/2)

      a_m(k_F) = V_m(k_F, k_F) = 4 int_0^{pi/2} du V(2 k_F sin u) cos(2 m u)              (eV nm^2)
      b_m(k_F) = (1/2) d a_m/dk_F = 4 int_0^{pi/2} du V'(2 k_F sin u) sin u cos(2 m u)    (eV nm^3)

  (:func:`circle_harmonics`);
* the sea integrals  I_m[g] = int_{k_F}^oo dk' k' V_m(k_F, k') g(k')  (:func:`sea_integrals`), with
  V_m(k, k') = int_0^{2 pi} dphi V(sqrt(k^2 + k'^2 - 2 k k' cos phi)) cos(m phi) (:func:`V_harmonic`).

V_m(k_F, k') has a cusp (log-type for V ~ 1/q) at k' = k_F, on the lower limit.  The sea
integral is therefore split at K_c = 2 k_F:

* k_F < k' < K_c: the double integral it abbreviates, int d^2k' V(|k_0 - k'|) g(|k'|) cos(m th')
  over the annulus (k_0 = (k_F, 0)), in polar coordinates (q, psi) centred at k_0 --
  the q dq measure absorbs the cusp, and the Fermi circle is the ray boundary
  q > -2 k_F cos psi (split at psi = pi/2);
* k' > K_c: the 1-D radial integral of V_m, V_m by a periodic trapezoidal sum (analytic
  there: the nearest singularity is at Im phi = log(k'/k_F) >= log 2), the radial tail
  mapped by k' = K_c/t.

Every 1-D piece is n-point Gauss-Legendre, on intervals placed where the integrand has
structure: the screening scale q_s (V's pole at q = -q_s, close to q = 0 when q_s << k_F)
is mapped away by integrating each ray in u = log(q - q_1 + q_1 + q_s) and the inward
angles near the tangent psi = pi/2 (where the ray's start approaches that pole) in
w = log(2 k_F |cos psi| + q_s); the Fermi-circle harmonics are graded geometrically toward
u = 0 at the scale q_s/(2 k_F); the radial part is split at multiples of 2 k_F and of
Delta/(hbar v) with a mapped tail.  n grows with the precision asked for
(:func:`default_nodes`); the accuracy is checked in tests/test_mpmath_exchange.py
(dps 20 against dps 30, closed forms of V_m for a Gaussian and for 1/q, the elementary
closed form of a_m for the screened Coulomb interaction, a sea integral against a plain
1-D Bessel quadrature, the contact reference to 25 digits).  All functions work at the
current mpmath precision.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath as mp
import sympy as sp

from ..errors import ParameterError
from ..interactions import Q, Interaction

__all__ = ["interaction_functions", "circle_harmonics", "V_harmonic", "sea_integrals", "gl_nodes"]


# ---------------------------------------------------------------------------
# V and V' as fast mpmath closures
# ---------------------------------------------------------------------------

def interaction_functions(interaction: Interaction):
    """(V, dV/dq, q_scale) as mpmath callables of |q| (1/nm) at the working precision.

    ``q_scale`` (1/nm) is the interaction's own momentum scale (q_s) or None.  A plain
    user callable has double precision only; its derivative is a central difference.
    """
    kind = interaction.kind
    if kind == "contact":
        c = interaction.V_mp(0)
        return (lambda q: c), (lambda q: mp.mpf(0)), interaction.q_s_per_nm
    if kind == "screened-coulomb":
        qs = mp.mpf(interaction.q_s_per_nm)
        K = interaction.V_mp(0) * qs             # e^2/(2 eps_0 eps_r) in eV nm

        def V(q):
            return K / (q + qs)

        def dV(q):
            return -K / (q + qs) ** 2
        return V, dV, interaction.q_s_per_nm
    expr = interaction.expression()
    if expr is not None and not expr.has(Q):      # a constant user V
        c = mp.mpf(sp.Float(expr, mp.mp.dps + 5))
        return (lambda q: c), (lambda q: mp.mpf(0)), None
    if expr is not None:
        f = sp.lambdify(Q, expr, "mpmath")
        df = sp.lambdify(Q, sp.diff(expr, Q), "mpmath")
        return (lambda q: mp.mpf(f(q))), (lambda q: mp.mpf(df(q))), None

    def dV_fd(q):
        h = mp.mpf(1e-5) * (abs(q) + 1)
        return (interaction.V_mp(q + h) - interaction.V_mp(abs(q - h))) / (2 * h)
    return interaction.V_mp, dV_fd, None


# ---------------------------------------------------------------------------
# Gauss-Legendre on graded intervals (vector integrands)
# ---------------------------------------------------------------------------

@lru_cache(maxsize=32)
def _gl_cached(n: int, prec: int):
    with mp.workprec(prec):
        X, W = mp.gauss_quadrature(n, "legendre")
        return tuple(X), tuple(W)


def gl_nodes(n: int):
    """n-point Gauss-Legendre nodes and weights on [-1, 1] at the working precision."""
    return _gl_cached(n, mp.mp.prec)


def default_nodes(dps: int | None = None) -> int:
    """Gauss-Legendre nodes per interval for ``dps`` correct digits (default: the working
    precision).  Measured on the paper models (tests/test_mpmath_exchange.py): n nodes per
    graded interval give about 1.5 n - 3 digits; this takes n = (dps + 5)/1.4 + 1."""
    d = mp.mp.dps if dps is None else dps
    return int((d + 5) / 1.4) + 1


def _gl_vector(f, pts, ncomp: int, n: int):
    """sum over consecutive intervals of pts of the n-point Gauss-Legendre rule of the vector f."""
    X, W = gl_nodes(n)
    acc = [mp.mpf(0)] * ncomp
    for a, b in zip(pts[:-1], pts[1:]):
        if b <= a:
            continue
        h, c = (b - a) / 2, (b + a) / 2
        for x, w in zip(X, W):
            v = f(c + h * x)
            wh = w * h
            for i in range(ncomp):
                acc[i] += wh * v[i]
    return acc


def _graded(a, b, scale, ratio=2):
    """Breakpoints a, a + scale, a + ratio scale, ... < b, b (geometric toward a)."""
    pts = [a]
    if scale is not None and scale > 0:
        x = a + scale
        while x < b:
            pts.append(x)
            x = a + (x - a) * ratio
    pts.append(b)
    return pts


def _chebyshev(c, m_max):
    """[T_0(c), ..., T_m_max(c)] = cos(m phi) for c = cos(phi)."""
    t = [mp.mpf(1), c]
    for _ in range(m_max - 1):
        t.append(2 * c * t[-1] - t[-2])
    return t[: m_max + 1]


# ---------------------------------------------------------------------------
# Fermi-circle harmonics
# ---------------------------------------------------------------------------

def circle_harmonics(interaction: Interaction, kF, m_max: int, n: int | None = None):
    """([a_0..a_m_max], [b_0..b_m_max]) at the Fermi momentum kF (1/nm), mpf.

    a_m = V_m(k_F, k_F) in eV nm^2, b_m = d/dk' V_m(k_F, k')|_{k_F} = (1/2) da_m/dk_F in eV nm^3.
    """
    V, dV, qsc = interaction_functions(interaction)
    n = n or default_nodes()
    kF = mp.mpf(kF)
    half = mp.pi / 2
    eps = mp.mpf(qsc) / (2 * kF) if qsc else mp.mpf(10) ** -3
    scale = min(eps, mp.mpf(1) / 8) / 2

    def f(u):
        s = mp.sin(u)
        q = 2 * kF * s
        cs = _chebyshev(1 - 2 * s * s, m_max)     # cos(2 m u) = T_m(cos 2u)
        v, dv = V(q), dV(q) * s
        return [4 * v * x for x in cs] + [4 * dv * x for x in cs]

    res = _gl_vector(f, _graded(mp.mpf(0), half, scale), 2 * (m_max + 1), n)
    return res[: m_max + 1], res[m_max + 1:]


# ---------------------------------------------------------------------------
# V_m(k, k') away from the diagonal
# ---------------------------------------------------------------------------

def V_harmonic(V, k, kp, m_max: int, n0: int = 16, max_n: int = 1 << 14, atol=None):
    """[V_0(k, k'), ..., V_m_max(k, k')] (eV nm^2) by a periodic trapezoidal sum over phi.

    ``V`` an mpmath callable of |q|.  Converges geometrically when k != k' (the integrand is
    analytic in |Im phi| < |log(k'/k)|); nodes are doubled until two sums agree to the
    working precision (relative to the largest harmonic, or to ``atol`` (eV nm^2) when that is
    larger: values far below the problem's scale need no relative accuracy).  Near the
    diagonal use :func:`sea_integrals` (centred coordinates).
    """
    k, kp = mp.mpf(k), mp.mpf(kp)
    A, B = k * k + kp * kp, 2 * k * kp
    eps = mp.mpf(2) ** (-mp.mp.prec + 6)

    def sample(phi):
        c = mp.cos(phi)
        v = V(mp.sqrt(A - B * c))
        return [v * x for x in _chebyshev(c, m_max)]

    # even integrand: trapezoid on [0, pi] with end weights 1/2 (= full-circle rule / 2)
    n = n0
    vals = {}

    def node(j, nn):
        key = mp.mpf(j) / nn
        if key not in vals:
            vals[key] = sample(mp.pi * key)
        return vals[key]

    def total(nn):
        acc = [mp.mpf(0)] * (m_max + 1)
        for j in range(nn + 1):
            w = mp.mpf(1) / 2 if j in (0, nn) else mp.mpf(1)
            v = node(j, nn)
            for i in range(m_max + 1):
                acc[i] += w * v[i]
        return [2 * mp.pi / nn * x for x in acc]

    prev, last = total(n), None
    floor = mp.mpf(10) ** (-(mp.mp.dps * 3) // 4)
    while n < max_n:
        n *= 2
        cur = total(n)
        scale = max(abs(x) for x in cur) or mp.mpf(1)
        diff = max(abs(x - y) for x, y in zip(cur, prev))
        if diff <= eps * scale or (atol is not None and diff <= atol):
            return cur
        # rounding floor: a V evaluated at large |q| (e.g. exp(-q^2)) carries the rounding of its
        # argument; once the sums stop converging geometrically at a level far below the
        # precision the caller needs, that level is the answer's (tested) accuracy
        if last is not None and n >= 128 and diff > last / 8 and diff <= floor * scale:
            return cur
        prev, last = cur, diff
    raise ArithmeticError("V_harmonic: trapezoidal sum did not converge")  # pragma: no cover


# ---------------------------------------------------------------------------
# sea integrals int_{k_F}^oo k' V_m(k_F, k') g(k') dk'
# ---------------------------------------------------------------------------

def sea_integrals(interaction: Interaction, kF, ms, g, k_geo, n: int | None = None):
    """[int_{k_F}^oo dk' k' V_{m_j}(k_F, k') g_j(k') for j] (eV nm^2 x nm^-2 x [g]), mpf.

    ``ms``: the harmonic m_j of each integral; ``g``: an mpmath callable k' -> [g_j(k')];
    ``k_geo`` (1/nm): the momentum scale of the g_j (Delta/hbar v).  The annulus
    k_F < k' < 2 k_F is done in polar coordinates centred at the Fermi point, the rest as
    a radial integral of V_m (see the module docstring).
    """
    V, _, qsc = interaction_functions(interaction)
    n = n or default_nodes()
    kF = mp.mpf(kF)
    J = len(ms)
    m_max = max(ms) if ms else 0
    Kc = 2 * kF
    qs = mp.mpf(qsc) if qsc else None
    k_geo = mp.mpf(k_geo)

    # -- annulus in centred polar coordinates: 2 int_0^pi dpsi int_{q1}^{q2} dq q V(q) g(r) T_m(cos th').
    # V's structure sits at q ~ -q_s (a pole for the screened Coulomb V), at distance s0 = q1 + q_s
    # from the start of a ray: the ray is integrated in u = log(q - q1 + s0), which maps that scale
    # away (pieces of length <= 2 in u); for rays pointing into the Fermi disk (psi > pi/2) the
    # start q1 = -2 k_F cos psi itself approaches the pole near psi = pi/2, so the first part of
    # that range is integrated in w = log(q1 + q_s) likewise.
    s_scale = qs if qs is not None else kF / 64

    def log_pieces(lo, hi):
        nseg = max(1, int(mp.ceil((hi - lo) / 2)))
        return [lo + (hi - lo) * i / nseg for i in range(nseg + 1)]

    def ray(cp, sp_):
        q1 = -2 * kF * cp if cp < 0 else mp.mpf(0)
        q2 = -kF * cp + mp.sqrt(Kc * Kc - kF * kF * sp_ * sp_)
        s0 = q1 + s_scale
        base = q1 - s0

        def f(u):
            eu = mp.exp(u)
            q = base + eu
            r = mp.sqrt(kF * kF + 2 * kF * q * cp + q * q)
            t = _chebyshev((kF + q * cp) / r, m_max)
            w = eu * q * V(q)
            gv = g(r)
            return [w * gv[j] * t[ms[j]] for j in range(J)]
        return _gl_vector(f, log_pieces(mp.log(s0), mp.log(q2 - q1 + s0)), J, n)

    half = mp.pi / 2
    near = _gl_vector(lambda psi: ray(mp.cos(psi), mp.sin(psi)), [mp.mpf(0), half / 2, half], J, n)
    c_split = mp.sin(mp.mpf(1) / 2)          # psi = pi/2 + 1/2: cos psi = -c_split

    def inward(w):   # -cos psi = c = (e^w - q_s)/(2 k_F), dpsi = dc / sqrt(1 - c^2)
        ew = mp.exp(w)
        c = (ew - s_scale) / (2 * kF)
        v = ray(-c, mp.sqrt(1 - c * c))
        jac = ew / (2 * kF * mp.sqrt(1 - c * c))
        return [jac * x for x in v]
    w_lo, w_hi = mp.log(s_scale), mp.log(2 * kF * c_split + s_scale)
    near_r = _gl_vector(inward, log_pieces(w_lo, w_hi), J, n)
    near_r2 = _gl_vector(lambda psi: ray(mp.cos(psi), mp.sin(psi)), [half + mp.mpf(1) / 2, mp.pi], J, n)
    near = [2 * (x + y + z) for x, y, z in zip(near, near_r, near_r2)]

    # -- radial part k' > K_c with V_m by the trapezoidal rule; V_m values far below the
    # interaction's size at the Fermi momentum need no relative accuracy
    atol = mp.mpf(2) ** (-mp.mp.prec + 8) * 2 * mp.pi * max(abs(V(kF)), abs(V(2 * kF)))
    cache = {}

    def radial(kp):
        if kp not in cache:
            vm = V_harmonic(V, kF, kp, m_max, atol=atol)
            gv = g(kp)
            cache[kp] = [kp * vm[ms[j]] * gv[j] for j in range(J)]
        return cache[kp]

    top = max(8 * Kc, 8 * k_geo)
    pts = _graded(Kc, top, Kc)
    far = _gl_vector(radial, pts, J, n)

    def tail(t):   # k' = top / t, dk' = top/t^2 dt
        if t == 0:
            return [mp.mpf(0)] * J
        kp = top / t
        v = radial(kp)
        return [x * top / (t * t) for x in v]
    far_t = _gl_vector(tail, [mp.mpf(0), mp.mpf(1) / 4, mp.mpf(1) / 2, mp.mpf(1)], J, n)
    return [a + b + c for a, b, c in zip(near, far, far_t)]


def check_isotropic(params) -> None:
    """Raise ParameterError unless v_x = v_y (the reference needs a Fermi circle)."""
    if params.vx_m_per_s != params.vy_m_per_s:
        raise ParameterError(
            f"vx_m_per_s: the harmonic exchange reference needs v_x = v_y (got {params.vx_m_per_s:g} and "
            f"{params.vy_m_per_s:g} m/s); anisotropic velocities: method='quadrature' or method='grid'")
