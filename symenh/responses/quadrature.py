"""Quadrature path: Fermi-contour and Fermi-sea integrals at finite tilt, with an error estimate.

Independent of the linear-order identities used by the closed-form and mpmath paths:

1. For each component (valley), the T = 0 Fermi contour ``eps0_N(k) + alpha tau(k) = mu``
   of the crossing level at finite tilt, as a radius along each ray from k = 0
   (:mod:`symenh.integrate.contour`: closed-form quadratic for the paper's Dirac models,
   bracketing + bisection for a user two-band model).
2. Fermi-surface factors D, X, A, C (:mod:`symenh.responses.spec`) as contour integrals
   over the ray angle, ``sum_N int (d_c f_N) Q_N = -int dth w (d_c eps_N) Q_N`` with
   ``w = p_c / (4 pi^2 s_x s_y |d_p eps_N|)``; D by parts (``D_b = -int (d_b f) Omega``).
   One adaptive ``scipy.integrate.quad_vec`` call over th covers every mu, every tilt, every
   component and every tensor element (vectorised integrand).
3. The Fermi-sea factor B (paper Eq. 9) at finite tilt (:mod:`symenh.integrate.sea`):
   compact region between the tilted contour and a split radius as a 2-D integral, plus
   the alpha-independent exterior with the angular integral first.
4. sigma(alpha) from :func:`symenh.responses.spec.sigma_from_factors`, and the linear
   coefficient by Richardson extrapolation (:mod:`symenh.integrate.richardson`) of the
   central differences ``[sigma(h) - sigma(-h)] / (2 h)`` in h^2, with
   ``h_j = h_0 / 2^j``, j = 0..n_h-1 (option ``n_steps``, default 4).

Choice of h_0: a fraction (option ``h_fraction``, default 0.1) of the requested |alpha|, and
for the Dirac models at most 5 % of the radius of convergence in the tilt,
``hbar v_y min(1, sqrt(mu^2 - Delta^2) / |Delta|)`` (where the contour's quadratic
acquires a branch point), so that the h^8 remainder after three eliminations is ~1e-12
relative even near the band edge.  The factors at +-h_j are integrated as the symmetric
part ``E_j = (F(h_j) + F(-h_j)) / 2`` and the difference quotient
``Dq_j = (F(h_j) - F(-h_j)) / (2 h_j)`` (the same integrals, recombined under the
integral sign), so ``F(+-h_j) = E_j +- h_j Dq_j`` feed ``sigma_from_factors`` exactly
and the quadrature errors are not amplified by 1/h.

Error estimate (raw units, per mu, max over tensor elements): ``|alpha|`` times the
Richardson truncation estimate plus the quadrature error propagated through the
(bi)linear assembly and the Richardson weights.  Options: ``rtol`` (default 1e-10, the
target relative accuracy; the integrals are done to ``rtol / 100`` clipped to
[1e-14, 1e-10], i.e. never tighter than 1e-14 and never looser than 1e-10),
``h_fraction``, ``n_steps``, ``sea_split`` (split radius factor, default 2).

mu in a gap (no Fermi contour in any component): exactly 0.  User models: see the
limitations in :mod:`symenh.integrate.contour` (star-shaped pockets around k = 0, k
in the model's units, two levels for the Fermi-sea factor).
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import quad_vec

from ..integrate.contour import RayContours
from ..integrate.richardson import richardson, richardson_weights
from ..integrate.sea import sea_compact, sea_exterior, split_radius
from ..kernels.lambdified import kernel_for
from .spec import FACTORS, Prefactors, ResponseError, sigma_from_factors

#: geometry quantity each Fermi-surface factor integrates
_QUANTITY = {"D": "berry-curvature", "X": "bcp", "A": "sbp", "C": "spin"}
#: factor shapes (spec.py)
_SHAPE = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}


def _surface_factor(name, w, dx, dy, Q):
    """Integrand of a Fermi-surface factor at contour points (per unit th).

    w, dx, dy: (...,); Q: (..., *quantity shape).  Returns (..., *factor shape).
    """
    d = np.stack([dx, dy], axis=-1)  # (..., c)
    if name == "D":  # D_b = -int (d_b f) Omega = + int delta (d_b eps) Omega
        return w[..., None] * d * Q[..., None]
    if name == "X":  # X^{cba} = -int delta (d_c eps) G^{ba}; Q = G[a][b] (kernel order a, b)
        return -np.einsum("...,...c,...ab->...cba", w, d, Q)
    if name == "A":  # A^{c eta a} = -int delta (d_c eps) S^{eta a}
        return -np.einsum("...,...c,...ea->...cea", w, d, Q)
    if name == "C":  # C^{eta b} = -int delta (d_b eps) <s^eta>
        return -np.einsum("...,...b,...e->...eb", w, d, Q)
    raise KeyError(name)


def _surface_factors(comps, levels, mu, hs, names, tol):
    """E_j, Dq_j and their absolute errors for the Fermi-surface factors ``names``.

    Returns dicts name -> array (n_comp, n_h, n_mu, *shape) and name -> (n_h, n_mu) errors.
    """
    n_h, n_mu = hs.shape
    alphas = np.concatenate([hs, -hs])  # (2 n_h, n_mu)
    kernels = [kernel_for(rc.model) for rc in comps]

    def parts(th):
        out = {n: [] for n in names}
        for rc, lev, ker in zip(comps, levels, kernels):
            p = np.ones(alphas.shape)
            lvl = np.zeros(alphas.shape, dtype=int)
            for N in (0, 1) if rc.ex.n_levels == 2 else range(rc.ex.n_levels):
                sel = lev == N
                if np.any(sel):
                    p[:, sel] = rc.radius(N, mu[None, sel], alphas[:, sel], th)
                    lvl[:, sel] = N
            active = (lev >= 0)[None, :]
            w = np.zeros(alphas.shape)
            dx = np.zeros(alphas.shape)
            dy = np.zeros(alphas.shape)
            for N in np.unique(lvl):
                sel = (lvl == N) & active
                wN, dxN, dyN = rc.surface_weight(int(N), p, th, alphas)
                w = np.where(sel, wN, w)
                dx = np.where(sel, dxN, dx)
                dy = np.where(sel, dyN, dy)
            kx, ky = rc.k_of(p, th)
            for n in names:
                Q = ker.evaluate(_QUANTITY[n], kx, ky, rc.values)  # (2n_h, n_mu, L, *q)
                idx = lvl.reshape(lvl.shape + (1,) * (Q.ndim - 2))
                Q = np.take_along_axis(Q, idx, axis=2)[:, :, 0]
                F = _surface_factor(n, w, dx, dy, Q)  # (2n_h, n_mu, *shape)
                out[n].append(F)
        res = {}
        for n in names:
            F = np.stack(out[n])  # (n_comp, 2n_h, n_mu, *shape)
            Fp, Fm = F[:, :n_h], F[:, n_h:]
            h = hs.reshape((1, n_h, n_mu) + (1,) * len(_SHAPE[n]))
            res[n] = (0.5 * (Fp + Fm), (Fp - Fm) / (2 * h))
        return res

    # per-(factor, kind, j, mu) scales: quad_vec's max-norm tolerance becomes relative per block
    scales = {n: [np.zeros((n_h, n_mu)), np.zeros((n_h, n_mu))] for n in names}
    for t in np.linspace(0, 2 * np.pi, 12, endpoint=False):
        r = parts(t)
        for n in names:
            for k in (0, 1):
                ax = (0,) + tuple(range(3, 3 + len(_SHAPE[n])))
                scales[n][k] = np.maximum(scales[n][k], np.max(np.abs(r[n][k]), axis=ax))
    for n in names:
        scales[n] = [np.where(s > 0, s, 1.0) for s in scales[n]]

    def sc(n, k):
        return scales[n][k].reshape((1, n_h, n_mu) + (1,) * len(_SHAPE[n]))

    def integrand(th):
        r = parts(th)
        return np.concatenate([(r[n][k] / sc(n, k)).ravel() for n in names for k in (0, 1)])

    res, qerr = quad_vec(integrand, 0.0, 2 * np.pi, epsabs=tol, epsrel=tol, norm="max", limit=4000)
    E, Dq, eE, eD, pos = {}, {}, {}, {}, 0
    n_c = len(comps)
    for n in names:
        size = n_c * n_h * n_mu * int(np.prod(_SHAPE[n]))
        shape = (n_c, n_h, n_mu) + _SHAPE[n]
        E[n] = res[pos:pos + size].reshape(shape) * sc(n, 0)
        pos += size
        Dq[n] = res[pos:pos + size].reshape(shape) * sc(n, 1)
        pos += size
        eE[n], eD[n] = qerr * scales[n][0], qerr * scales[n][1]
    return E, Dq, eE, eD


def _steps(comps, mu, alpha, h_fraction, n_steps):
    """h_j per mu: (n_steps, n_mu), eV nm (see the module docstring)."""
    h0 = np.full(len(mu), h_fraction * abs(alpha))
    for rc in comps:
        if rc.is_dirac:
            D = abs(rc.Delta)
            q = np.sqrt(np.maximum(mu ** 2 - D ** 2, 0.0))
            rho = np.minimum(1.0, q / D) if D > 0 else np.ones_like(mu)
            h0 = np.minimum(h0, 0.05 * rc.sy * np.where(rho > 0, rho, 1.0))
    return h0[None, :] * 0.5 ** np.arange(n_steps)[:, None]


def _error_bound(mechanism, E, Dq, eE, eD, pre: Prefactors, exchange, j):
    """Propagated quadrature error of the central-difference quotient of sigma at step j.

    The quotient is Dq (BCD, INH: linear) or Dq_A E_O + E_A Dq_O (ENH: bilinear), so
    errors propagate without a 1/h.  Each factor entry's error is bounded by the block
    error eE/eD (per mu).  Returns (n_mu,): a bound on the largest tensor element's error.
    """
    name = FACTORS[mechanism][0]
    n_c = E[name].shape[0]
    if mechanism == "bcd":
        return abs(pre.tau_over_hbar) * n_c * eD[name][j]
    if mechanism == "inh":
        return 2.0 * n_c * eD[name][j]
    a, b = FACTORS[mechanism]
    A_E, A_D = np.abs(E[a][:, j]), np.abs(Dq[a][:, j])  # (n_c, n_mu, 2, 4, 2)
    O_E, O_D = np.abs(E[b][:, j]), np.abs(Dq[b][:, j])  # (n_c, n_mu, 4, 2)
    mult = 1.0
    if exchange == "all":
        A_E, A_D, O_E, O_D = (x.sum(axis=0, keepdims=True) for x in (A_E, A_D, O_E, O_D))
        mult = float(n_c)
    eAE, eAD, eOE, eOD = (mult * x for x in (eE[a][j], eD[a][j], eE[b][j], eD[b][j]))  # (n_mu,)
    sum_O = np.max(O_E.sum(axis=(0, 2)), axis=-1) * eAD + np.max(O_D.sum(axis=(0, 2)), axis=-1) * eAE
    sum_A = (np.max(A_D.sum(axis=(0, 3)), axis=(-2, -1)) * eOE
             + np.max(A_E.sum(axis=(0, 3)), axis=(-2, -1)) * eOD)
    scale = abs(pre.V0) * (abs(pre.tau_over_hbar) if mechanism == "enh-t" else 1.0)
    return 2.0 * scale * (sum_O + sum_A)




def compute(job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV at linear order in alpha, and the error per mu."""
    opts = dict(job.options)
    rtol = float(opts.pop("rtol", 1e-10))
    h_fraction = float(opts.pop("h_fraction", 0.1))
    n_steps = int(opts.pop("n_steps", 4))
    split = float(opts.pop("sea_split", 2.0))
    if opts:
        raise ResponseError(f"quadrature: unknown option(s) {', '.join(sorted(opts))}; allowed: rtol, "
                            "h_fraction, n_steps, sea_split")
    if not (0 < rtol < 1) or not (0 < h_fraction <= 0.5) or n_steps < 1:
        raise ResponseError("quadrature: need 0 < rtol < 1, 0 < h_fraction <= 0.5, n_steps >= 1")
    mu_all = np.asarray(job.mu_eV, dtype=float)
    out = np.zeros((len(mu_all), 2, 2, 2))
    err_out = np.zeros(len(mu_all))
    alpha = job.alpha
    if alpha == 0 or len(mu_all) == 0:
        return out, err_out
    comps = [RayContours(m, job.values) for m in job.components]
    levels_all = [rc.crossing_level(mu_all) for rc in comps]
    active = np.any(np.stack(levels_all) >= 0, axis=0)
    if not np.any(active):
        return out, err_out
    mu = mu_all[active]
    levels = [lev[active] for lev in levels_all]
    tol = max(min(rtol * 1e-2, 1e-10), 1e-14)
    hs = _steps(comps, mu, alpha, h_fraction, n_steps)
    names = [n for n in FACTORS[job.mechanism] if n != "B"]
    E, Dq, eE, eD = _surface_factors(comps, levels, mu, hs, names, tol)
    if "B" in FACTORS[job.mechanism]:
        Bs = []
        for rc, lev in zip(comps, levels):
            R = split_radius(rc, lev, mu, np.concatenate([hs, -hs]), split)
            Ec, Dc, eEc, eDc = sea_compact(rc, lev, mu, hs, R, tol)
            Bx, eBx = sea_exterior(rc, R, tol)
            Bs.append((Ec + Bx[None], Dc, eEc + eBx[None], eDc))
        E["B"] = np.stack([b[0] for b in Bs])
        Dq["B"] = np.stack([b[1] for b in Bs])
        eE["B"] = np.max(np.stack([b[2] for b in Bs]), axis=0)
        eD["B"] = np.max(np.stack([b[3] for b in Bs]), axis=0)
    # sigma at +-h_j from the factors, central differences, Richardson in h^2
    diffs, qerrs = [], []
    for j in range(n_steps):
        h = hs[j][:, None, None, None]
        plus = {n: E[n][:, j] + hs[j].reshape((1, -1) + (1,) * len(_SHAPE[n])) * Dq[n][:, j] for n in E}
        minus = {n: E[n][:, j] - hs[j].reshape((1, -1) + (1,) * len(_SHAPE[n])) * Dq[n][:, j] for n in E}
        s_p = sigma_from_factors(job.mechanism, plus, job.pre, job.exchange)
        s_m = sigma_from_factors(job.mechanism, minus, job.pre, job.exchange)
        diffs.append((s_p - s_m) / (2 * h))
        qerrs.append(_error_bound(job.mechanism, E, Dq, eE, eD, job.pre, job.exchange, j))
    value, err_r = richardson(np.stack(diffs), hs)
    wts = np.abs(richardson_weights(hs))  # (n_steps, n_mu)
    err_q = np.sum(wts * np.stack(qerrs), axis=0)
    out[active] = alpha * value
    err_out[active] = abs(alpha) * (np.max(err_r, axis=(-3, -2, -1)) + err_q)
    return out, err_out


__all__ = ["compute"]
