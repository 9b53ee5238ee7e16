r"""The q-dependent part of the ENH(PT) exchange on any-topology Fermi contours of a user k.p component.

ENH(PT) with an interaction V(q) (physics.md 6; paper Eqs. 3, 9) is, per component and channel eta,

    T^{cab} = int_k (d_c f) S^{eta a}(k) W^{eta b}(k),  W^{eta b}(k) = int_k' V(|k - k'|) sum_n f_n(k') S^{eta b}_n(k'),

at T = 0 (``int_k = int d^2k / (2 pi)^2``).  With ``V = V(0) + dV`` the V(0) part is the contact
``V(0) A B`` (:mod:`symenh.integrate.user_fermi`, :mod:`symenh.integrate.user_sea`, computed as before) and this
module gives the rest at linear order in the tilt (f = theta(mu - eps - alpha tau), the tilt on the identity):

    dT_dV/dalpha = oint w tau [(d_c S^a) W_dV^b + S^a d_c W_dV^b]            (the kind "1" A integrand; contour motion)
                 + int_k (d_c f) S^a dW_dV^b/dalpha,   dW_dV/dalpha(k) = -oint' w' tau' dV(|k - k'|) S(k'),

the second line the Fermi-contour pair sum of :func:`symenh.integrate.user_exchange.pair_exchange` with the
kind "1" B node values (``-w tau S``) on its right (``right="sea"``; cusp correction on the diagonal, N^-4).

**The field** ``W_dV(k) = int_k' dV(|k - k'|) S_sea(k')`` at the contour nodes k, with S_sea the SBP summed over
the filled states -- the filled subspace below E_ref plus, for each level N crossing mu, (theta(mu - eps_N) -
theta_ref,N) S_N: exactly the occupations of the contact B.  Its gradient is the same integral with the kernel
``G(u) = V'(|u|) u / |u|``.

* reference sea, disk |k'| < R_d (R_d = 2 max |k_node|): polar coordinates centred on the node k (r dr dV(r)
  smooth: no cusp), r in [0, r_exit(theta)] (the ray's exit from the disk) on 5 geometric panels (each cut into
  1, 2, 4 or 8), Gauss-Legendre 16 checked against 12; the periodic trapezoid in theta (32 .. 256 angles),
  checked against its nested half rule;
* reference sea, exterior |k'| > R_d: the angle first (128 angles, checked against 64), then u = R_d/|k'| by the
  nested Fejer rule (:func:`symenh.integrate.contour.nested_quadrature`) -- dV -> -V(0) at large q, so the far
  sea enters like in the contact B: its large-k decay is checked as B's is (:func:`symenh.integrate.user_sea.
  decay_exponent` on dV(|k - k'|) S_ref(k'); refused below MIN_DECAY, offering ``k_cutoff``).  With ``k_cutoff``
  the disk is |k'| < k_cutoff and there is no exterior (the contact B is cut in the same way);
* the crossing levels, a compact region: Green's theorem in polar coordinates centred on k,
  ``int_Omega F d^2k' = oint_{dOmega} Phi dtheta``, ``Phi(k') = int_0^{|k' - k|} rho F(k + rho e) d rho`` along
  the segment from k to k' (F = dV S_N, or -V' e_c S_N; valid with k on the boundary: Phi = O(rho^2)), over the
  loops of every crossing level oriented with eps_N < mu on the left (the signs of electron pockets, hole
  pockets and annuli follow, as in :func:`symenh.integrate.user_fermi.sea_compact`).  On each loop the
  parameter is t = t_c + u - sin u (Sidi's transformation, centred at the node's own parameter on its own loop
  and at the nearest point on the others): the |t - t_c|^3 kink at the node becomes |u|^11, and the periodic
  trapezoid in u is checked against its nested half rule; the segment integral on 9 panels, Gauss-Legendre
  12 checked against 8.  S_N must be smooth on the segments (no degeneracy of level N in the box).

The outer rule (nodes of the A-like integrands) is the periodic trapezoid on every loop checked against its
nested half rule (16 .. 128 nodes per loop, the coarser nodes reused); at each outer rule the inner
resolutions (disk angles, disk radial panels, boundary nodes 32 .. 256) are raised one step at a time, the one
with the largest share of the error first, until the carried inner bound is below ``tol`` / 2 times the natural
size, and the outer rule doubles until the whole estimate is below ``tol`` times it.  Error (bounding every
element of every channel and of their sum): the outer
change plus the inner estimates carried through with absolute values, the central-difference errors of d_c S,
roundoff; plus the pair sum's own estimate.

Units: W in nm (eV nm^2 x nm/eV / nm^2), d_c W in nm^2; the result per unit of alpha like ``V_0 dT/dalpha``.
"""

from __future__ import annotations

import numpy as np

from ..errors import ResponseError
from .contour import nested_quadrature
from .sea import fejer_rule
from .user_exchange import _nodes, pair_exchange
from .user_sea import MIN_DECAY, decay_exponent
from .user_sea import _gl as gauss_legendre_01

_NORM = 1.0 / (4 * np.pi ** 2)
_U = 2.0 ** -53
_LEVELS = 4                      # outer 16, 32, 64, 128 nodes per loop


def _gl(n, edges):
    """The n-point Gauss-Legendre rule on every panel [edges[i], edges[i+1]]: (nodes, weights)."""
    x, w = gauss_legendre_01(n)
    lo, wid = edges[:-1], np.diff(edges)
    return (lo[:, None] + wid[:, None] * x).ravel(), (wid[:, None] * w).ravel()


_SEG_EDGES = np.concatenate([[0.0, 1 / 32], np.arange(1, 9) / 8])
_DISK_EDGES = np.array([0.0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0])
_SEG = (_gl(12, _SEG_EDGES), _gl(8, _SEG_EDGES))
_DISK = (_gl(16, _DISK_EDGES), _gl(12, _DISK_EDGES))


class _Loops:
    def __init__(self, loops):
        self.loops = tuple(loops)

    def __len__(self):
        return len(self.loops)


def _kernels(inter, r):
    """(r dV(r), r V'(r)) (eV nm, eV nm^2) at r >= 0."""
    return r * inter.dV(r), r * inter.dVdq(r)


def _radial(S_of, k, d, rules, inter, m):
    """For targets k (n, 2) and segment vectors d (n, p, 2): [(int_0^1 s q^2 dV(s q) S(k + s d) ds,
    int_0^1 s q^2 V'(s q) S ds) for each of the two rules] -- (n, p, m) each (q = |d|)."""
    q = np.hypot(d[..., 0], d[..., 1])
    s_all = np.concatenate([rules[0][0], rules[1][0]])
    pts = k[:, None, None, :] + s_all[None, None, :, None] * d[:, :, None, :]
    S = S_of(pts[..., 0].ravel(), pts[..., 1].ravel()).reshape(q.shape + (len(s_all), m))
    out, pos = [], 0
    for s, w in rules:
        sl = slice(pos, pos + len(s))
        pos += len(s)
        r = s[None, None, :] * q[..., None]
        kv, kg = _kernels(inter, r)
        wt = w[None, None, :] * q[..., None]                     # r dr = (s q)(q ds): kv = r dV, times q ds
        out.append((np.einsum("nps,npsm->npm", wt * kv, S[:, :, sl]),
                    np.einsum("nps,npsm->npm", wt * kg, S[:, :, sl])))
    return out


def _disk_rules(sub: int):
    """The radial rules of the disk: every panel of _DISK_EDGES cut into ``sub`` equal panels."""
    if sub == 1:
        return _DISK
    b = _DISK_EDGES
    edges = np.unique(np.concatenate([np.linspace(x, y, sub + 1) for x, y in zip(b[:-1], b[1:])]))
    return (_gl(16, edges), _gl(12, edges))


def _ref_disk(S_ref, k, R_d, inter, n_th, m, sub: int = 1):
    """Reference-sea field and gradient on |k'| < R_d at targets k (n, 2): W (n, m), gW (n, 2, m), errors (n, 2)
    (the angular part: the nested half rule's change; the radial part: GL 16 against 12 on ``sub`` x 5 panels)."""
    th = 2 * np.pi * np.arange(n_th) / n_th
    e = np.stack([np.cos(th), np.sin(th)], axis=-1)                   # (t, 2)
    ke = k @ e.T                                                      # (n, t)
    kk = np.sum(k * k, axis=1)[:, None]
    r_exit = -ke + np.sqrt(ke ** 2 + R_d ** 2 - kk)
    d = r_exit[..., None] * e[None]                                   # (n, t, 2)
    (v_hi, g_hi), (v_lo, g_lo) = _radial(S_ref, k, d, _disk_rules(sub), inter, m)
    h = 2 * np.pi / n_th
    W = h * np.sum(v_hi, axis=1) * _NORM
    gW = -h * np.einsum("tc,ntm->ncm", e, g_hi) * _NORM               # G(k - k') = V'(r) (-e)
    W_half = 2 * h * np.sum(v_hi[:, ::2], axis=1) * _NORM
    gW_half = -2 * h * np.einsum("tc,ntm->ncm", e[::2], g_hi[:, ::2]) * _NORM
    eW = np.stack([np.max(np.abs(W - W_half), axis=-1),
                   np.max(h * np.sum(np.abs(v_hi - v_lo), axis=1) * _NORM, axis=-1)], axis=-1)
    eg = np.stack([np.max(np.abs(gW - gW_half), axis=(-2, -1)),
                   np.max(h * np.einsum("tc,ntm->ncm", np.abs(e), np.abs(g_hi - g_lo)) * _NORM, axis=(-2, -1))],
                  axis=-1)
    return W, gW, eW, eg


def _ref_exterior(S_ref, k, R_d, inter, m, tol):
    """The reference sea on |k'| > R_d (angle first, then u = R_d/|k'|): W (n, m), gW (n, 2, m), errors (n,)."""
    n = len(k)
    n_a = 128
    ph = 2 * np.pi * np.arange(n_a) / n_a
    e = np.stack([np.cos(ph), np.sin(ph)], axis=-1)

    def f(u):
        u = np.asarray(u, float)
        rho = R_d / u
        kp = rho[:, None, None] * e[None]                             # (u, a, 2)
        S = S_ref(kp[..., 0].ravel(), kp[..., 1].ravel()).reshape(len(u), n_a, m)
        dx = k[None, :, None, :] - kp[:, None, :, :]                  # (u, n, a, 2)
        q = np.hypot(dx[..., 0], dx[..., 1])
        D, Dq = inter.dV(q), inter.dVdq(q)
        G = (Dq / q)[..., None] * dx                                  # (u, n, a, 2)
        jac = (rho * R_d / u ** 2) * 2 * np.pi * _NORM                # rho d rho = R_d^2 / u^3 du; mean over angles
        res = []
        for sl in (slice(None), slice(None, None, 2)):
            W = np.einsum("una,uam->unm", D[:, :, sl], S[:, sl]) / len(ph[sl])
            g = np.einsum("unac,uam->uncm", G[:, :, sl], S[:, sl]) / len(ph[sl])
            res.append(np.concatenate([W.reshape(len(u), -1), g.reshape(len(u), -1)], axis=1) * jac[:, None])
        full, half = res
        return full, np.abs(full - half) + 16 * _U * np.abs(full)

    val, err, _, _ = nested_quadrature(f, np.zeros(3 * n * m, int), tol, fejer_rule, n0=8)
    W, gW = val[:n * m].reshape(n, m), val[n * m:].reshape(n, 2, m)
    eW = np.max(err[:n * m].reshape(n, m), axis=1)
    eg = np.max(err[n * m:].reshape(n, 2 * m), axis=1)
    return W, gW, eW, eg


def _compact(comp, levels_loops, k, own, t_own, inter, n_b, m):
    """The crossing levels' part (theta(mu - eps_N) - theta_ref,N) S_N of the field at targets k (n, 2) by the polar
    Green theorem (module docstring): W (n, m), gW (n, 2, m), errors (n,).  ``own[i]``: the index in
    ``levels_loops`` of target i's loop, ``t_own[i]`` its parameter there."""
    ker, vals = comp.kernel, comp.values
    n = len(k)
    W, gW = np.zeros((n, m)), np.zeros((n, 2, m))
    W_h, gW_h = np.zeros((n, m)), np.zeros((n, 2, m))
    eW, eg = np.zeros(n), np.zeros(n)
    u = 2 * np.pi * np.arange(1, n_b) / n_b                           # u = 0 has weight 0 (and Phi = 0 at own node)
    psi, dpsi = u - np.sin(u), (1.0 - np.cos(u)) * (2 * np.pi / n_b)
    even = (np.arange(1, n_b) % 2) == 0
    for j, (N, loop) in enumerate(levels_loops):
        def S_of(kx, ky, N=N):
            return ker.only(("sbp",), kx, ky, vals)["sbp"][:, N].reshape(kx.size, m)

        tr = 2 * np.pi * np.arange(256) / 256
        ref = loop.reference(tr)[0]
        near = np.argmin(np.abs(ref[None, :] - (k[:, 0] + 1j * k[:, 1])[:, None]), axis=1)
        tc = np.where(own == j, t_own, tr[near])
        t = tc[:, None] + psi[None, :]                                # (n, p)
        nd = loop.nodes(t.ravel())
        km = np.stack([nd["kx"], nd["ky"]], axis=-1).reshape(n, -1, 2)
        dk = np.stack([nd["dkx"], nd["dky"]], axis=-1).reshape(n, -1, 2)
        d = km - k[:, None, :]
        q2 = np.sum(d * d, axis=-1)
        dth = (d[..., 0] * dk[..., 1] - d[..., 1] * dk[..., 0]) / np.where(q2 > 0, q2, 1.0)   # d theta / dt
        wt = dpsi[None, :] * dth * _NORM                              # (n, p)
        ehat = d / np.sqrt(np.where(q2 > 0, q2, 1.0))[..., None]
        (v_hi, g_hi), (v_lo, g_lo) = _radial(S_of, k, d, _SEG, inter, m)
        for full, (Wt, gt) in ((True, (W, gW)), (False, (W_h, gW_h))):
            ww = wt if full else np.where(even[None, :], 2 * wt, 0.0)
            Wt += np.einsum("np,npm->nm", ww, v_hi)
            gt += -np.einsum("np,npc,npm->ncm", ww, ehat, g_hi)
        eW += np.max(np.einsum("np,npm->nm", np.abs(wt), np.abs(v_hi - v_lo)), axis=1)
        eg += np.max(np.einsum("np,npm->nm", np.abs(wt), np.abs(g_hi - g_lo)), axis=1)
    eW += np.max(np.abs(W - W_h), axis=1)
    eg += np.max(np.abs(gW - gW_h), axis=(1, 2))
    return W, gW, eW, eg


def check_decay(comp, e_ref, k, R_d, inter, name):
    """Refuse (one line, offering k_cutoff) a field whose far sea converges too slowly: the decay exponent of
    k'^2 <dV(|k - k'|) S_ref(k')>_angle per octave (as for the contact B) at a few targets k (n, 2)."""
    m = len(comp.model.spin) * 2
    pick = k[np.unique(np.linspace(0, len(k) - 1, 4).astype(int))]

    def S_of(kx, ky):
        S = comp.kernel.filled_sbp(kx, ky, comp.values, e_ref).reshape(np.shape(kx) + (m,))
        q = np.hypot(kx[..., None] - pick[:, 0], ky[..., None] - pick[:, 1])          # (..., p)
        return (inter.dV(q)[..., :, None] * S[..., None, :]).reshape(np.shape(kx) + (-1,))

    q = decay_exponent(S_of, R_d)
    if q < MIN_DECAY:
        raise ResponseError(f"k_cutoff: the Fermi-sea exchange field of {name} converges too slowly or not at all at "
                            f"large k (k^2 <dV S> falls as k^-{max(q, 0):.2g}); give k_cutoff (1/nm) to integrate "
                            "the sea over |k| < k_cutoff")


def sea_field_terms(comp, plan_levels, contour_fn, e_ref: float, inter, tol: float, scale: float,
                    k_cutoff=None, n_levels: int = _LEVELS):
    """``oint w tau [(d_c S) W_dV + S d_c W_dV]`` per channel (n_ops, 2, 2, 2) [eta][c][a][b] and its error bound
    (module docstring) and, with ``k_cutoff``, its d/d ln k_cutoff (else None); ``inter``: dV(q) = V(q) - V(0),
    dVdq(q) = V'(q) (eV nm^2, eV nm^3)."""
    n_ops = len(comp.model.spin)
    m = 2 * n_ops
    conts = [(N, contour_fn(N)) for N in plan_levels]
    conts = [(N, c) for N, c in conts if len(c)]
    if not conts:
        return np.zeros((n_ops, 2, 2, 2)), 0.0
    levels_loops = [(N, loop) for N, c in conts for loop in c.loops]

    def S_ref(kx, ky):
        return comp.kernel.filled_sbp(kx, ky, comp.values, e_ref).reshape(kx.size, m)

    def fields(k, own, t_own, r):
        """W, gW (reshaped per channel) and their point errors (n, 3) at targets k -- the columns: the disk's
        angular rule, the disk's radial rule, the rest (exterior, levels at mu) -- at the inner resolution
        r = (r_theta, r_radial, r_boundary): 32 2^r_theta angles, 2^r_radial x 5 radial panels, 32 2^r_boundary
        boundary nodes.  The disk and the levels at mu in chunks of targets (about 2^21 kernel points each)."""
        n_th, sub, n_b = 32 * 2 ** r[0], 2 ** r[1], 32 * 2 ** r[2]
        step_d = max(1, (1 << 21) // (n_th * 140 * sub))
        step_c = max(1, (1 << 21) // (n_b * 180 * max(1, len(levels_loops))))
        d = [_ref_disk(S_ref, k[i:i + step_d], R_d, inter, n_th, m, sub) for i in range(0, len(k), step_d)]
        W, gW, eW, eg = (np.concatenate(x) for x in zip(*d))
        c = [_compact(comp, levels_loops, k[i:i + step_c], own[i:i + step_c], t_own[i:i + step_c], inter, n_b, m)
             for i in range(0, len(k), step_c)]
        w3, g3, e3, f3 = (np.concatenate(x) for x in zip(*c))
        if k_cutoff is None:
            w2, g2, e2, f2 = _ref_exterior(S_ref, k, R_d, inter, m, tol * 1e-2)
            w3, g3, e3, f3 = w3 + w2, g3 + g2, e3 + e2, f3 + f2
        eW, eg = np.concatenate([eW, e3[:, None]], axis=1), np.concatenate([eg, f3[:, None]], axis=1)
        return (W + w3).reshape(-1, n_ops, 2), (gW + g3).reshape(-1, 2, n_ops, 2), eW, eg

    def inner_bound(a1, p, ea1, W, eW, eg):
        """(2, 2, 2) bound of the field errors carried through, and its share per error column (3,)."""
        part = (np.einsum("ncea,nj->jca", np.abs(a1), eW)[..., None]
                + np.einsum("nea,nj->ja", np.abs(p), eg)[:, None, :, None])
        return np.sum(part, axis=0) + np.einsum("ncea,neb->cab", ea1, np.abs(W)), np.max(part, axis=(1, 2, 3))

    R_d, r, have = None, (0, 0, 0), None
    for lev in range(n_levels):
        n_o = 16 * 2 ** lev
        parts, own, t_own = [], [], []
        for j, (N, loop) in enumerate(levels_loops):
            parts += _nodes(comp, N, _Loops([loop]), n_o, True)
            own += [j] * n_o
            t_own.append(2 * np.pi * np.arange(n_o) / n_o)
        own, t_own = np.asarray(own), np.concatenate(t_own)
        cat = lambda name: np.concatenate([p[name] for p in parts])       # noqa: E731
        k, a1, p, ea1 = cat("k"), cat("a1"), cat("p"), cat("ea1")
        kmax = float(np.max(np.hypot(k[:, 0], k[:, 1])))
        if R_d is None:
            if k_cutoff is not None:
                if not kmax < k_cutoff:
                    raise ResponseError(f"k_cutoff: {k_cutoff:g} /nm does not enclose the Fermi contours; allowed: "
                                        f"k_cutoff > {kmax:.3g} /nm")
                R_d = float(k_cutoff)
            else:
                R_d = 2.0 * kmax + 1e-12
                check_decay(comp, e_ref, k, R_d, inter, comp.model.name)
        new = np.ones(len(k), bool) if have is None else (t_own * n_o / (2 * np.pi)).round().astype(int) % 2 == 1
        while True:
            if have is None or r != have[4]:
                new[:] = True                                          # inner resolution changed: all anew
            Wn, gWn, eWn, egn = fields(k[new], own[new], t_own[new], r)
            W, gW, eW, eg = (np.empty((len(k),) + x.shape[1:]) for x in (Wn, gWn, eWn, egn))
            W[new], gW[new], eW[new], eg[new] = Wn, gWn, eWn, egn
            if not np.all(new):
                old = ~new
                W[old], gW[old], eW[old], eg[old] = have[0], have[1], have[2], have[3]
            inner, share = inner_bound(a1, p, ea1, W, eW, eg)
            open_ = [j for j in range(3) if r[j] < 3]
            if float(np.max(inner)) <= 0.5 * tol * scale or not open_:
                break
            j = max(open_, key=lambda j: share[j])                     # refine the rule that dominates
            r = tuple(x + (i == j) for i, x in enumerate(r))
            new = np.ones(len(k), bool)
        have = (W, gW, eW, eg, r)
        T = np.einsum("ncea,neb->ecab", a1, W) + np.einsum("nea,nceb->ecab", p, gW)
        half = (t_own * n_o / (2 * np.pi)).round().astype(int) % 2 == 0
        Th = 2 * (np.einsum("ncea,neb->ecab", a1[half], W[half]) + np.einsum("nea,nceb->ecab", p[half], gW[half]))
        size = np.einsum("ncea,neb->cab", np.abs(a1), np.abs(W)) + np.einsum("nea,nceb->cab", np.abs(p), np.abs(gW))
        d = float(np.max(np.sum(np.abs(T - Th), axis=0)))
        err = d + float(np.max(inner)) + 64 * _U * np.sqrt(len(k)) * float(np.max(size))
        if err <= tol * scale:
            break
    if k_cutoff is None:
        return T, err, None
    # the sea cut at |k'| = k_c: d T / d ln k_c = oint w tau [(d_c S) dW + S d_c dW], dW/d ln k_c the ring
    # k_c^2 oint dphi dV(|k - k_c e|) S_ref(k_c e) / (2 pi)^2 (and its gradient with G)
    n_a = 512
    ph = 2 * np.pi * np.arange(n_a) / n_a
    kp = k_cutoff * np.stack([np.cos(ph), np.sin(ph)], axis=-1)
    Sr = S_ref(kp[:, 0], kp[:, 1])
    dx = k[:, None, :] - kp[None]
    q = np.hypot(dx[..., 0], dx[..., 1])
    f = k_cutoff ** 2 * (2 * np.pi / n_a) * _NORM
    sW = (f * inter.dV(q) @ Sr).reshape(-1, n_ops, 2)
    sG = (f * np.einsum("nac,am->ncm", (inter.dVdq(q) / q)[..., None] * dx, Sr)).reshape(-1, 2, n_ops, 2)
    slope = np.einsum("ncea,neb->ecab", a1, sW) + np.einsum("nea,nceb->ecab", p, sG)
    return T, err, slope


def sea_exchange(comp, plan_levels, contour_fn, e_ref: float, inter, tol: float, scale: float, k_cutoff=None):
    """(dT_dV/dalpha at alpha = 0 of ENH(PT) per channel (n_ops, 2, 2, 2) [eta][c][a][b] (module docstring; per
    unit of alpha, like V_0 dT/dalpha), its error bound (every element of every channel group and of the channel
    sum), and with ``k_cutoff`` (1/nm: the sea over |k'| < k_cutoff, as the contact B with k_cutoff) its
    d/d ln k_cutoff (the ring at k_cutoff), else None).  ``e_ref`` (eV): the reference gap energy of the contact
    B; ``inter``: a :class:`~symenh.integrate.user_exchange.PairV`; ``scale``: the natural size the rules converge
    against; paper Eq. 9."""
    T12, e12, slope = sea_field_terms(comp, plan_levels, contour_fn, e_ref, inter, tol, scale, k_cutoff)
    T3, e3 = pair_exchange(comp, plan_levels, contour_fn, inter.dV, tol, scale, slope=inter.slope, right="sea")
    return T12 + T3, e12 + e3, slope


__all__ = ["check_decay", "sea_exchange", "sea_field_terms"]
