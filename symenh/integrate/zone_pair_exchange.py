r"""The q-dependent part of the ENH(T) exchange of a lattice component on its Fermi contours on the zone torus.

ENH(T) with an interaction V(q) (physics.md 6; paper Eqs. 3, 10) is, per component and channel eta,

    T^{cab} = int_k (d_c f) S^{eta a}(k) Y^{eta b}(k),
    Y^{eta b}(k) = int_BZ d^2k'/(2 pi)^2 V_T(k - k') (d'_b f) <s^eta>(k'),

a double Fermi-line integral at T = 0 (``int_k (d_c f) g = -oint w (d_c E) g``, ``w dl = d^2k delta(mu - E)
/ (2 pi)^2``).  **The interaction on the torus** is the lattice grid path's,
``V_T(q) = V(|q|_min)`` with ``|q|_min = min_G |q + G|`` (the minimal image: umklapp exchange neglected;
:func:`symenh.integrate.zone_exchange.folded_norm`, derived in :mod:`symenh.integrate.zone_exchange`), so
that this module and ``method="grid"`` (:class:`~symenh.integrate.zone_exchange.TorusConvolver`) compute the
same quantity.  With ``V_T = V(0) + dV_T`` the V(0) part is ``V(0) A^{c eta a} C^{eta b}`` -- the contact
factors of :func:`symenh.integrate.user_fermi.surface_factors` on the zone contours -- and this module gives
the rest, the pair sum over the contour nodes of every loop of every crossing level (pockets and open
contours that wrap the zone alike: the loop is periodic on the torus and |q|_min is G-periodic),

    T_dV^{cab} = sum_{n, m} a_n^{c eta a} dV_T(k_n - k_m) c_m^{eta b},

``a_n = -w_n (d_c E) S^{eta a}``, ``c_m = -w_m (d_b E) <s^eta>`` the trapezoid-weighted node values of the A
and C integrands (as :mod:`symenh.integrate.user_exchange` for k.p contours).

**The cusp.**  ``dV_T = V'(0+) |q| + O(q^2)`` near the diagonal k' = k, which is a node of every inner sum:
on a loop with parameter step dt the inner sum ``sum_m dt |t_m - t_n| psi(t_m)`` minus its integral is
``2 zeta(-1) dt^2 psi(t_n) = -dt^2 psi(t_n) / 6`` + O(dt^4) (Navot's generalised Euler-Maclaurin
expansion; the odd orders cancel between the two sides), so the diagonal of the kernel is set to
``+V'(0+) ds_n / 6`` (ds_n = |dk/dt| dt the node's arc-length step: the 1D analogue of the grid's origin
value V(0) - Z_L(-1/2) V'(0+), Z(-1/2) = 2 zeta(-1) ds = -ds/6 on a 1D lattice of spacing ds).  The rule then
converges as dt^4 for a pocket well inside the Wigner-Seitz cell (the kink of |q|_min where two images are
equidistant, |q| ~ pi/a, enters only for a contour as large as half the zone, at dt^2).  The nodes per
loop are doubled from 64 until two rules agree to ``tol`` of the natural size (at most 1024); the change is
the error.  A constant V gives dV_T = 0 and V'(0+) = 0: exactly the contact numbers.

Units: k in 1/nm; a_n, c_m as the factors A and C of :mod:`symenh.responses.spec`; dV in eV nm^2;
T_dV like V_0 A C.  The tilt is that of the component (a :class:`~symenh.integrate.user_tilt.TiltedComponent`:
tilted contours and velocities, the interband quantities at alpha = 0).
"""

from __future__ import annotations

import numpy as np

from .exchange import checked_V
from .exchange_grid import cusp_slope
from .zone_exchange import folded_norm

_NORM = 1.0 / (4 * np.pi ** 2)
N0, N_MAX = 64, 1024
_ROWS = 512


def _nodes(comp, level: int, contours, N: int):
    """Node data of one level's loops at N nodes each: fractional coordinates u (n, 2), arc-length steps
    ds (n,) (1/nm), a (n, 2, n_ops, 2), c (n, n_ops, 2)."""
    ker, vals = comp.kernel, comp.values
    lat = comp.model.lattice
    us, ds, As, Cs = [], [], [], []
    t = 2 * np.pi * np.arange(N) / N
    dt = 2 * np.pi / N
    for loop in contours.loops:
        nd = loop.nodes(t)
        kx, ky = nd["kx"], nd["ky"]
        grad = np.stack([nd["gx"], nd["gy"]], axis=-1)
        lv = ker.only(("sbp", "spin"), kx, ky, vals)
        wt = nd["line"] * _NORM * dt
        As.append(-np.einsum("n,nc,nea->ncea", wt, grad, lv["sbp"][:, level]))
        Cs.append(-np.einsum("n,nb,ne->neb", wt, grad, lv["spin"][:, level]))
        us.append(np.stack(lat.to_fractional(kx, ky), axis=-1))
        ds.append(np.hypot(nd["dkx"], nd["dky"]) * dt)
    return np.concatenate(us), np.concatenate(ds), np.concatenate(As), np.concatenate(Cs)


def pair_sum(lattice, u, a, c, dV, diag):
    """sum_{n,m} a_n K_nm c_m per channel, (n_ops, 2, 2, 2) [eta][c][a][b], with K_nm = dV(|k_n - k_m|_min)
    off the diagonal and ``diag`` (n,) on it (u: fractional coordinates (n, 2); rows in blocks)."""
    out = np.zeros((c.shape[1], 2, 2, 2))
    cm = c.reshape(len(c), -1)
    for i in range(0, len(u), _ROWS):
        sl = slice(i, i + _ROWS)
        q = folded_norm(lattice, u[sl, None, 0] - u[None, :, 0], u[sl, None, 1] - u[None, :, 1])
        K = dV(q)
        r = np.arange(i, min(i + _ROWS, len(u)))
        K[r - i, r] = diag[r]
        Y = (K @ cm).reshape(-1, c.shape[1], 2)
        out += np.einsum("ncea,neb->ecab", a[sl], Y)
    return out


def zone_pair_exchange(terms, interaction, tol: float, scale: float, weights=None):
    """T_dV^{cab} per channel (n_ops, 2, 2, 2) [eta][c][a][b] of each term, and the error bound of the weighted
    combination ``sum_j weights_j sum_eta T_j`` (module docstring).

    ``terms``: [(comp, [(level, Contours)])] -- a lattice component (e.g. a TiltedComponent) with the zone
    contours of its crossing levels at mu; ``weights`` (default all 1): the combination the rule is
    converged on (e.g. the central differences in the tilt of a linear-order derivative: the node rule is
    doubled for all terms together until that combination changes by at most ``tol * scale``, at most
    :data:`N_MAX` nodes per loop); ``interaction``: the :class:`~symenh.interactions.Interaction` V
    (dV_T = V(|q|_min) - V(0)); ``scale``: the natural size of the combination.  Returns (Ts (n_terms, n_ops,
    2, 2, 2), error)."""
    terms = [(comp, [(N, c) for N, c in conts if len(c)]) for comp, conts in terms]
    w = np.ones(len(terms)) if weights is None else np.asarray(weights, dtype=float)
    n_ops = len(terms[0][0].model.spin)
    V00 = float(checked_V(interaction, np.array([0.0]))[0])
    slope = cusp_slope(interaction)

    def dV(q):
        return checked_V(interaction, q) - V00

    def sums(n):
        out = np.zeros((len(terms), n_ops, 2, 2, 2))
        for j, (comp, conts) in enumerate(terms):
            if not conts:
                continue
            parts = [_nodes(comp, N, c, n) for N, c in conts]
            u, ds, a, c = (np.concatenate([p[i] for p in parts]) for i in range(4))
            out[j] = pair_sum(comp.model.lattice, u, a, c, dV, slope * ds / 6.0)
        return out

    prev, n = None, N0
    while True:
        T = sums(n)
        comb = np.einsum("j,jecab->cab", w, T)                         # of the channel sum
        if prev is not None:
            d = float(np.max(np.abs(comb - prev)))
            if d <= tol * scale or 2 * n > N_MAX:
                return T, d + 1e-14 * float(np.sum(np.abs(w) * np.max(np.abs(np.sum(T, axis=1)), axis=(1, 2, 3))))
        prev, n = comb, 2 * n


__all__ = ["N0", "N_MAX", "pair_sum", "zone_pair_exchange"]
