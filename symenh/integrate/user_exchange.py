r"""The q-dependent part of the ENH(T) exchange on any-topology Fermi contours of a user k.p component.

ENH(T) with an interaction V(q) (physics.md 6; paper Eqs. 3, 10) is, per component and channel eta,

    T^{cab} = int_k (d_c f) S^{eta a}(k) Y^{eta b}(k),   Y^{eta b}(k) = int_k' V(|k - k'|) (d'_b f) <s^eta>(k'),

a double Fermi-line integral at T = 0 (``int_k (d_c f) g = -oint w (d_c E) g``, ``w dl = d^2k delta(mu - E)
/ (2 pi)^2``).  With ``V(q) = V(0) + dV(q)`` the V(0) part is ``V(0) A^{c eta a} C^{eta b}`` -- the contact
factors of :func:`symenh.integrate.user_fermi.surface_factors`, computed as before -- and this module
gives the rest,

    T_dV^{cab} = sum_{n, m} a_n^{c eta a} dV(|k_n - k_m|) c_m^{eta b},

with ``a_n = -w_n (d_c E) S^{eta a}`` and ``c_m = -w_m (d_b E) <s^eta>`` the trapezoid-weighted node values
(weight h = 2 pi / N per node of a loop of N nodes) of the A and C integrands of
:func:`symenh.integrate.user_fermi.node_integrands` on every loop of every crossing level
(:meth:`symenh.integrate.cells.Loop.nodes`).  A constant V gives dV = 0, hence exactly the contact numbers.

**The cusp.**  A screened Coulomb V has a cusp at q = 0: ``dV(q) = V1 q + V2 q^2 + V3 q^3 + ...`` with
``V1 = V'(0+)`` (:func:`symenh.integrate.exchange_grid.cusp_slope`).  On one loop k(t), t in [0, 2 pi),
``q = |k(t) - k(t + x)| = |x| |k'(t)| (1 + O(x))``, so the inner integrand ``F(x) = dV(q) C(t + x)`` (C the
node density, c_m = h C(t_m)) is ``|x| g(x)`` plus a smooth part, with ``g(0) = V1 |k'(t)| C(t)`` (the q^2
term is smooth, the q^3 term a weaker |x|^3 kink).  The periodic trapezoid rule with a node on the kink
(value 0 there) has the error (Euler-Maclaurin on each half line: ``h sum_{m>=1} F(mh) = int_0^inf F -
h F(0)/2 - h^2 F'(0)/12 - ...`` with F(0) = 0, F'(0+) = g(0) on both sides; equivalently Navot's
``2 zeta(-1) g(0) h^2``, zeta(-1) = -1/12)

    int F dx = h sum_m F(mh) + h^2 g(0) / 6 + O(h^4),

so the diagonal of the pair sum (where dV(0) = 0) gets ``dV_nn = (h / 6) V1 |k'(t_n)|`` (h = 2 pi / N,
|k'| = |dk/dt| of the node): ``Y_n = sum_m dV_nm c_m`` is then right to O(h^4), and the outer sum -- of
the smooth function ``t -> int dV C dt'`` -- converges like a smooth periodic rule.  Pairs on different
loops (and levels) are smooth.  The double rule converges as N^-4 (checked on a circle, where the pair
sum is an exact harmonic sum: tests/test_user_exchange.py).

**Linear order in the tilt** (``derivative=True``; f = theta(mu - eps - alpha tau), the tilt on the
identity, at alpha = 0): with ``int (d_c dot f) G = oint w tau d_c G`` (the rule of the kind "1" factors
of surface_factors, ``dot f = df/dalpha = -tau delta(mu - eps)``, contour motion included) applied to each
side,

    dT/dalpha = oint w tau [(d_c S) Y_b + S d_c Y_b] + oint w' tau' [(d_b <s>) X + <s> d_b X],
    X^{c eta a}(k') = sum_n a_n dV(|k_n - k'|),   d_c Y_b(k) = sum_m G_c(k - k_m) c_m,
    G(u) = V'(|u|) u / |u|,

i.e. the pair sums with one side's node values replaced by their kind "1" A and C integrands
(``tau d_c S``, ``tau d_b <s>``) plus the two terms where the d_c of the contour motion falls on dV.  Their
inner integrands ``G_c(k(t) - k(t + x)) C(t + x)`` jump at x = 0: with ``k(t+x) - k(t) = x k' + x^2 k''/2``,
``G(k(t) - k(t+x)) = -V1 [sign(x) t_hat + |x| k''_perp / (2 |k'|)] + smooth + O(x^2)`` (t_hat = k'/|k'|,
k''_perp the part of k'' normal to k'), so the integrand is ``-V1 C(t) sign(x) t_hat`` (its trapezoid sum
exact with the value 0 on the node: both half lines' h F(0)/2 cancel) plus ``|x| g(x)`` with
``g(0) = -V1 [t_hat C'(t) + k''_perp C(t) / (2 |k'|)]``: the same h^2 g(0)/6 correction,

    d_c Y_n += -(h V1 / 6) [t_hat_c c'_n + k''_perp,c c_n / (2 |k'_n|)]     (c'_n = h C'(t_n)),

and likewise for d_b X with the a_n; c'_n, k' and k'' along each loop by the FFT (spectral: smooth periodic
node values).  V'(q) is the interaction's own derivative (exact for screened Coulomb and SymPy V).

**Convergence and error.**  N is doubled from 64; the change d of every element (summed over the channels
without signs: it bounds every channel group and the channel sum) between successive rules decays by 16 per
doubling.  Once the ratio r of two successive changes shows the rate (r >= 8) the error of the finer rule is
``max(d / (min(r, 16) - 1), d_prev / 240)`` (a geometric tail at the observed ratio, and at least what the
previous change predicts at N^-4 -- so a change that is small by accident is not trusted), plus a roundoff
bound; the rule stops when that is below ``tol`` times the natural size.  At the node cap (2048 per loop)
without convergence the result comes back with that estimate if the rate is shown, else with the larger
of the last two changes (an honest, wide estimate, as :func:`symenh.integrate.contour.nested_quadrature`
does): the caller refuses a result whose estimate exceeds its value.

Units: a_n, c_m as the factors A (nm^2 ... per spec.py) and C; dV in eV nm^2; T_dV like V_0 A C, dT/dalpha
per unit of alpha.  The tilt is that of the component (a :class:`~symenh.integrate.user_tilt.TiltedComponent`
gives the tilted contours and velocities; the interband quantities are those at alpha = 0).
"""

from __future__ import annotations

import numpy as np

from .exchange import checked_V
from .user_fermi import fd_step, node_integrands

_N0, _N_MAX = 64, 2048
_ROWS = 1024
_U = 2.0 ** -53


def _fft_dt(v, n_loops: int, N: int):
    """d/dt along each loop of node values v (n_loops N, ...) (spectral, the Nyquist mode dropped)."""
    shape = v.shape
    w = v.reshape((n_loops, N, -1))
    m = np.fft.fftfreq(N, 1.0 / N)
    m[N // 2] = 0.0 if N % 2 == 0 else m[N // 2]
    return np.real(np.fft.ifft(1j * m[None, :, None] * np.fft.fft(w, axis=1), axis=1)).reshape(shape)


def _nodes(comp, level: int, contours, N: int, derivative: bool):
    """Node data of one level's loops at N nodes each (module docstring): dict of k (n, 2), dk = dk/dt (n, 2),
    a (n, 2, n_ops, 2), c (n, n_ops, 2) and, with ``derivative``, a1, c1 (the kind "1" A and C node values),
    their errors ea1, ec1, p = w tau S (n, n_ops, 2) and r = w tau <s> (n, n_ops)."""
    n_ops = len(comp.model.spin)
    keys = [("0", "A"), ("0", "C")] + ([("1", "A"), ("1", "C")] if derivative else [])
    t = 2 * np.pi * np.arange(N) / N
    h = 2 * np.pi / N
    parts = []
    for loop in contours.loops:
        nd = loop.nodes(t)
        v, e, lv, tau = node_integrands(comp, level, nd, keys, fd_step(loop)[0] if derivative else 1.0)
        wt = (nd["line"] * h)[:, None]
        d = {"k": np.stack([nd["kx"], nd["ky"]], axis=-1), "dk": np.stack([nd["dkx"], nd["dky"]], axis=-1),
             "a": (wt * v[("0", "A")]).reshape(N, 2, n_ops, 2), "c": (wt * v[("0", "C")]).reshape(N, n_ops, 2)}
        if derivative:
            d["a1"] = (wt * v[("1", "A")]).reshape(N, 2, n_ops, 2)
            d["c1"] = (wt * v[("1", "C")]).reshape(N, n_ops, 2)
            d["ea1"] = (wt * e[("1", "A")]).reshape(N, 2, n_ops, 2)
            d["ec1"] = (wt * e[("1", "C")]).reshape(N, n_ops, 2)
            wtau = nd["line"] * h * tau / (4 * np.pi ** 2)
            d["p"] = wtau[:, None, None] * lv["sbp"][:, level]
            d["r"] = wtau[:, None] * lv["spin"][:, level]
        parts.append(d)
    return parts


def _fields(k, a, c, dV, dVdq, fold=None):
    """Y = dV c, X = dV a and (with ``dVdq``) GY = G c, GX = G a at every node (rows in blocks), the
    displacements k_n - k_m through ``fold`` (the minimal image on a lattice; None: as they are):
    Y (n, n_ops, 2), X (n, 2, n_ops, 2), GY (n, 2, n_ops, 2) [n][c][eta][b], GX (n, 2, 2, n_ops, 2) [n][b][c][eta][a];
    and |dV| |c| (n, n_ops, 2), for the roundoff bound.  The diagonal (q = 0) contributes 0 here."""
    n = len(k)
    cm, am = c.reshape(n, -1), a.reshape(n, -1)
    Y, X = np.empty_like(cm), np.empty_like(am)
    Ya = np.empty_like(cm)
    GY = np.empty((n, 2) + cm.shape[1:]) if dVdq is not None else None
    GX = np.empty((n, 2) + am.shape[1:]) if dVdq is not None else None
    for i in range(0, n, _ROWS):
        ux = k[i:i + _ROWS, None, 0] - k[None, :, 0]
        uy = k[i:i + _ROWS, None, 1] - k[None, :, 1]
        if fold is not None:
            ux, uy = fold(ux, uy)
        q = np.hypot(ux, uy)
        D = dV(q)
        Y[i:i + _ROWS], X[i:i + _ROWS] = D @ cm, D @ am
        Ya[i:i + _ROWS] = np.abs(D) @ np.abs(cm)
        if dVdq is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                g = np.where(q > 0, dVdq(q) / np.where(q > 0, q, 1.0), 0.0)
            for j, u in enumerate((ux, uy)):
                Gj = g * u
                GY[i:i + _ROWS, j], GX[i:i + _ROWS, j] = Gj @ cm, Gj @ am
    out = (Y.reshape(c.shape), X.reshape(a.shape), Ya.reshape(c.shape))
    if dVdq is None:
        return out + (None, None)
    return out + (GY.reshape((n, 2) + c.shape[1:]), GX.reshape((n, 2) + a.shape[1:]))


def _rule(parts, N: int, dV, slope: float, dVdq, fold=None):
    """(T per channel (n_ops, 2, 2, 2) [eta][c][a][b], the size of its terms per element (2, 2, 2) (for the
    roundoff bound), the bound of the central-difference errors of d_c S and d_b <s> carried through) of the
    corrected double rule at N nodes per loop (module docstring); dT/dalpha with ``dVdq`` (V'(q))."""
    cat = lambda name: np.concatenate([p[name] for p in parts])       # noqa: E731
    k, dk, a, c = cat("k"), cat("dk"), cat("a"), cat("c")
    Y, X, Ya, GY, GX = _fields(k, a, c, dV, dVdq, fold)
    h = 2 * np.pi / N
    speed = np.hypot(dk[:, 0], dk[:, 1])
    diag = (h / 6.0) * slope * speed                                  # dV_nn of the cusp correction
    Y = Y + diag[:, None, None] * c
    Ya = Ya + np.abs(diag)[:, None, None] * np.abs(c)
    if dVdq is None:
        T = np.einsum("ncea,neb->ecab", a, Y)
        size = np.einsum("ncea,neb->cab", np.abs(a), Ya)
        return T, size, 0.0
    X = X + diag[:, None, None, None] * a
    n_loops = len(k) // N
    t_hat = dk / speed[:, None]
    d2k = _fft_dt(dk, n_loops, N)
    perp = d2k - t_hat * np.sum(t_hat * d2k, axis=1)[:, None]
    half = perp / (2 * speed[:, None])                                 # k''_perp / (2 |k'|)
    dc, da = _fft_dt(c, n_loops, N), _fft_dt(a, n_loops, N)
    f = -(h / 6.0) * slope
    GY = GY + f * (np.einsum("nx,neb->nxeb", t_hat, dc) + np.einsum("nx,neb->nxeb", half, c))
    GX = GX + f * (np.einsum("nx,ncea->nxcea", t_hat, da) + np.einsum("nx,ncea->nxcea", half, a))
    a1, c1, p, r = cat("a1"), cat("c1"), cat("p"), cat("r")
    T = (np.einsum("ncea,neb->ecab", a1, Y) + np.einsum("nea,nceb->ecab", p, GY)
         + np.einsum("ncea,neb->ecab", X, c1) + np.einsum("nbcea,ne->ecab", GX, r))
    size = (np.einsum("ncea,neb->cab", np.abs(a1), np.abs(Y)) + np.einsum("nea,nceb->cab", np.abs(p), np.abs(GY))
            + np.einsum("ncea,neb->cab", np.abs(X), np.abs(c1)) + np.einsum("nbcea,ne->cab", np.abs(GX), np.abs(r)))
    # the central-difference errors of d_c S, d_b <s> (user_fermi._stencil) through the sums
    fd = (np.einsum("ncea,neb->cab", cat("ea1"), np.abs(Y)) + np.einsum("ncea,neb->cab", np.abs(X), cat("ec1")))
    return T, size, float(np.max(fd))


def pair_exchange(comp, plan_levels, contour_fn, dV, tol: float, scale: float, slope: float = 0.0,
                  dVdq=None, n_max: int | None = None, fold=None, right: str = "C"):
    """T_dV^{cab} per channel, (n_ops, 2, 2, 2) [eta][c][a][b], of one component and its error (module docstring;
    the sum over eta is the T_dV of the assembly, the channels are kept apart for channel groups; the error
    bounds every element of every channel group and of the channel sum).

    ``plan_levels``: the crossing levels; ``contour_fn(level)`` -> their :class:`~symenh.integrate.cells.Contours`;
    ``dV(q)`` = V(q) - V(0) (eV nm^2, q in 1/nm); ``scale``: the natural size the rule converges against;
    ``slope``: V'(0+) (eV nm^3, :func:`symenh.integrate.exchange_grid.cusp_slope`; 0: no cusp correction);
    ``dVdq``: V'(q) (eV nm^3) -- given, the result is dT_dV/dalpha at alpha = 0 (``comp`` untilted; per unit of
    alpha); ``n_max``: the node cap per loop (default 2048); ``fold(ux, uy)`` -> (ux, uy): the displacement
    k - k' (1/nm) the interaction sees -- None on a k.p component, the minimal image on the zone torus for a
    lattice component (:func:`symenh.integrate.zone_exchange.min_image`, the lattice grid's V(|q|_min); its
    gradient is then that of |q|_min, exact away from the Wigner-Seitz boundary, which only a contour as
    large as half the zone reaches); ``right="sea"``: the kind "1" B node values ``-w tau S`` (the
    alpha-derivative of the Fermi sea, ENH(PT): :mod:`symenh.integrate.user_sea_exchange`) in place of the C
    node values on the right of the pair sum (``dVdq`` then unused)."""
    n_max = _N_MAX if n_max is None else int(n_max)
    conts = [(N, contour_fn(N)) for N in plan_levels]
    conts = [(N, c) for N, c in conts if len(c)]
    if not conts:
        return np.zeros((len(comp.model.spin), 2, 2, 2)), 0.0
    sea = right == "sea"
    if sea:
        dVdq = None
    deriv = dVdq is not None
    prev, d_prev, n = None, None, _N0
    while True:
        parts = [p for N, c in conts for p in _nodes(comp, N, c, n, deriv or sea)]
        if sea:
            parts = [dict(p, c=-p["p"]) for p in parts]
        T, size, fd = _rule(parts, n, dV, slope, dVdq, fold)
        noise = 64 * _U * np.sqrt(n * len(parts)) * float(np.max(size)) + fd
        if prev is not None:
            d = float(np.max(np.sum(np.abs(T - prev), axis=0)))
            if d <= 2 * noise:
                return T, d + noise
            est = None
            if d_prev is not None and d_prev >= 8 * d:                 # the N^-4 rate shown
                est = max(d / (min(d_prev / d, 16.0) - 1.0), d_prev / 240.0) + noise
                if est <= tol * scale:
                    return T, est
            if 2 * n > n_max:
                # not converged at the cap: the rate's estimate if shown, else the last changes (wide)
                return T, (est if est is not None else max(d, d_prev or 0.0) + noise)
            d_prev = d
        prev, n = T, 2 * n


class PairV:
    """dV(q) = V(q) - V(0) (eV nm^2), V'(q) (eV nm^3) and the cusp slope V'(0+) (eV nm^3) of a q-dependent
    interaction (q in 1/nm), as :func:`pair_exchange` takes them; a non-finite V or V' is refused in one line
    by :func:`symenh.integrate.exchange.checked_V`."""

    def __init__(self, inter, V00: float):
        from .exchange_grid import cusp_slope
        self.inter, self.V00 = inter, float(V00)
        self.slope = cusp_slope(inter)

    def dV(self, q):
        return checked_V(self.inter, q) - self.V00

    def dVdq(self, q):
        return checked_V(self.inter, q, derivative=True)


__all__ = ["PairV", "pair_exchange"]
