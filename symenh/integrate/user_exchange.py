r"""The q-dependent part of the ENH(T) exchange on any-topology Fermi contours of a user k.p component.

ENH(T) with an interaction V(q) (physics.md 6; paper Eqs. 3, 10) is, per component and channel eta,

    T^{cab} = int_k (d_c f) S^{eta a}(k) Y^{eta b}(k),   Y^{eta b}(k) = int_k' V(|k - k'|) (d'_b f) <s^eta>(k'),

a double Fermi-line integral at T = 0 (``int_k (d_c f) g = -oint w (d_c E) g``, ``w dl = d^2k delta(mu - E)
/ (2 pi)^2``).  With ``V(q) = V(0) + dV(q)`` the V(0) part is ``V(0) A^{c eta a} C^{eta b}`` -- the contact
factors of :func:`symenh.integrate.user_fermi.surface_factors`, computed as before -- and this module
gives the rest,

    T_dV^{cab} = sum_{n, m} a_n^{c eta a} dV(|k_n - k_m|) c_m^{eta b},

with ``a_n = -w_n (d_c E) S^{eta a}`` and ``c_m = -w_m (d_b E) <s^eta>`` the trapezoid-weighted node values
of the A and C integrands on every loop of every crossing level (:meth:`symenh.integrate.cells.Loop.nodes`).
dV vanishes on the diagonal k = k', where a screened Coulomb V has its cusp, so the double periodic
trapezoid rule sees only a kink |k - k'| dV'(0) there: it converges as N^-2 (N nodes per loop); N is
doubled from 64 until two rules agree to ``tol`` of the natural size, the change being the error.  A
constant V gives dV = 0, hence exactly the contact numbers.

Units: a_n, c_m as the factors A (nm^2 ... per spec.py) and C; dV in eV nm^2; T_dV like V_0 A C.
The tilt is that of the component (a :class:`~symenh.integrate.user_tilt.TiltedComponent` gives the tilted
contours and velocities; the interband quantities are those at alpha = 0).
"""

from __future__ import annotations

import numpy as np

_NORM = 1.0 / (4 * np.pi ** 2)
_N0, _N_MAX = 64, 1024


def _nodes(comp, level: int, contours, N: int):
    """(k (n, 2), a (n, 2, n_ops, 2), c (n, n_ops, 2), |a|, |c| sizes) of one level's loops at N nodes each."""
    ker, vals = comp.kernel, comp.values
    ks, As, Cs = [], [], []
    t = 2 * np.pi * np.arange(N) / N
    for loop in contours.loops:
        nd = loop.nodes(t)
        kx, ky = nd["kx"], nd["ky"]
        grad = np.stack([nd["gx"], nd["gy"]], axis=-1)
        lv = ker.only(("sbp", "spin"), kx, ky, vals)
        wt = nd["line"] * _NORM * (2 * np.pi / N)
        As.append(-np.einsum("n,nc,nea->ncea", wt, grad, lv["sbp"][:, level]))
        Cs.append(-np.einsum("n,nb,ne->neb", wt, grad, lv["spin"][:, level]))
        ks.append(np.stack([kx, ky], axis=-1))
    return np.concatenate(ks), np.concatenate(As), np.concatenate(Cs)


def _pair_sum(k, a, c, dV):
    """sum_{n,m} a_n dV(|k_n - k_m|) c_m per channel -> (n_ops, 2, 2, 2) [eta][c][a][b] (rows in blocks of 1024)."""
    out = np.zeros((c.shape[1], 2, 2, 2))
    cm = c.reshape(len(c), -1)                                    # (m, eta*b)
    for i in range(0, len(k), 1024):
        q = np.hypot(k[i:i + 1024, None, 0] - k[None, :, 0], k[i:i + 1024, None, 1] - k[None, :, 1])
        Y = (dV(q) @ cm).reshape(-1, c.shape[1], 2)                # (n, eta, b)
        out += np.einsum("ncea,neb->ecab", a[i:i + 1024], Y)
    return out


def pair_exchange(comp, plan_levels, contour_fn, dV, tol: float, scale: float):
    """T_dV^{cab} per channel, (n_ops, 2, 2, 2) [eta][c][a][b], of one component and its error (module docstring;
    the sum over eta is the T_dV of the assembly, the channels are kept apart for channel groups; the rule
    converges, and its error bounds, the channel sum).

    ``plan_levels``: the crossing levels; ``contour_fn(level)`` -> their :class:`~symenh.integrate.cells.Contours`;
    ``dV(q)`` = V(q) - V(0) (eV nm^2, q in 1/nm); ``scale``: the natural size the rule converges against."""
    conts = [(N, contour_fn(N)) for N in plan_levels]
    conts = [(N, c) for N, c in conts if len(c)]
    if not conts:
        return np.zeros((len(comp.model.spin), 2, 2, 2)), 0.0
    prev, n = None, _N0
    while True:
        parts = [_nodes(comp, N, c, n) for N, c in conts]
        k = np.concatenate([p[0] for p in parts])
        a = np.concatenate([p[1] for p in parts])
        c = np.concatenate([p[2] for p in parts])
        T = _pair_sum(k, a, c, dV)
        if prev is not None:
            d = float(np.max(np.abs(np.sum(T - prev, axis=0))))          # of the channel sum
            if d <= tol * scale or 2 * n > _N_MAX:
                # the N^-2 rule: the error of T is about d / 3; d is kept (conservative)
                return T, d + 1e-14 * float(np.max(np.abs(np.sum(T, axis=0))))
        prev, n = T, 2 * n


__all__ = ["pair_exchange"]
