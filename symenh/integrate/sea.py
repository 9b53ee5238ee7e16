"""The Fermi-sea factor of paper Eq. 9 at finite tilt: B^{eta b} = sum_N int f_N S^{eta b}_N.

Units: 1/(eV nm) (S in nm/eV times d^2k/(2 pi)^2 in 1/nm^2).

For a two-level model whose SBPs obey the level sum rule ``sum_N S_N = 0`` (every
two-band model; the Kramers-degenerate H_PT with level-traced S), the integrand
``sum_N f_N S_N`` is zero where both levels are filled or both empty and equals the
lower (valence) level's S where only it is filled.  With mu in the conduction band
(hole doping: in the valence band) that region is the outside of the tilted Fermi
contour of the crossing level.  It is split at a radius R (the *split radius*,
``split`` times the largest contour radius):

* compact part ``p_c(th) < p < R``: a 2-D integral, th outer (adaptive
  ``scipy.integrate.quad_vec``), p inner (Gauss-Legendre, error from a lower order);
  it carries all the alpha dependence;
* exterior ``p > R``: alpha-independent, filled valence only, the angular integral
  first (trapezoidal rule on a uniform grid, exact for the dipolar 1/k^2 parts that
  make the integral only conditionally convergent), then radially to infinity with
  ``quad_vec`` in u = R/p.

The result does not depend on R (tested by moving it).  For a mu with no Fermi
contour in a component (a gap) the compact part starts at p = 0.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import quad_vec

from ..kernels.lambdified import kernel_for
from .contour import ContourError, RayContours

_GL_HI = np.polynomial.legendre.leggauss(20)
_GL_LO = np.polynomial.legendre.leggauss(10)


def _gl01(rule):
    x, w = rule
    return 0.5 * (x + 1.0), 0.5 * w


GL_HI, GL_LO = _gl01(_GL_HI), _gl01(_GL_LO)


def valence_level(rc: RayContours) -> int:
    """The level that is filled at large k (the lower one); requires the sum rule."""
    if rc.ex.n_levels != 2 or not rc.ex.sum_rule:
        raise ContourError(f"{rc.model.name}: the Fermi-sea factor needs a two-level model whose SBPs "
                           "sum to zero over levels")
    th = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    e = [rc.energy(N, 1.0 + 0 * th, th, 0.0)[0] for N in range(2)]
    return 0 if np.all(e[0] <= e[1]) else 1


def _sbp(rc: RayContours, level: int, p, th):
    """S^{eta a} of ``level`` at polar (p, th): shape (*p.shape, 4, 2), nm/eV."""
    kx, ky = rc.k_of(p, th)
    kx, ky = np.broadcast_arrays(np.asarray(kx, float), np.asarray(ky, float))
    S = kernel_for(rc.model).evaluate("sbp", kx, ky, rc.values)
    return S[..., level, :, :]


def _radial_gl(rc, level, th, p0, p1):
    """int_{p0}^{p1} dp p S(p, th) / (4 pi^2 |s_x s_y|) with GL20 and GL10: (hi, lo), shape (*p0, 4, 2)."""
    out = []
    for x, w in (GL_HI, GL_LO):
        shape = (len(x),) + (1,) * np.ndim(p0)
        xx, ww = x.reshape(shape), w.reshape(shape)
        p = p0[None] + (p1 - p0)[None] * xx
        S = _sbp(rc, level, p, th)
        out.append(np.einsum("n...,n...ea->...ea", ww * p * (p1 - p0)[None], S))
    norm = 1.0 / (4 * np.pi ** 2 * abs(rc.sx * rc.sy))  # |Jacobian|
    return out[0] * norm, out[1] * norm


def split_radius(rc: RayContours, level, mu, alphas, split: float = 2.0):
    """Split radius R per mu between the compact and exterior parts of the Fermi sea (paper Eq. 9's
    k' integral): ``split`` times the largest contour radius over th and the given tilts.

    ``level``: crossing level per mu (-1: none); ``mu``: (n_mu,) in eV; ``alphas``: (n_a, n_mu)
    tilts in eV nm.  R is in the polar radial variable of ``rc``: p = hbar v k in eV for the
    paper's Dirac models, k in 1/nm for a user model; at least ``split * |Delta|`` (eV) for a
    Dirac model, ``split`` (1/nm) when a component has no contour."""
    if split <= 1.05:
        raise ValueError("split: the split radius factor must exceed 1.05")
    th = np.linspace(0, 2 * np.pi, 257)
    pmax = np.zeros(len(mu))
    for N in (0, 1):
        sel = level == N
        if np.any(sel):
            p = rc.radius(N, mu[sel][None, :, None], alphas[:, sel, None], th[None, None, :])
            pmax[sel] = np.max(p, axis=(0, 2))
    scale = np.where(pmax > 0, pmax, 1.0)
    if rc.is_dirac:
        scale = np.maximum(scale, abs(rc.Delta) * np.ones_like(scale))
    return split * scale


def contour_radii(rc: RayContours, level, mu, alphas, th):
    """Tilted Fermi-contour radius p_c(th) per (alpha, mu) at angle th (rad), shape (n_a, n_mu).

    p_c is in the polar radial variable of ``rc``: eV (p = hbar v k) for the paper's Dirac
    models, 1/nm (p = |k|) for a user model; 0 where the component has no contour (level -1).
    ``mu`` in eV, ``alphas`` (n_a, n_mu) in eV nm (the tilt in eps_N = eps0_N + alpha tau)."""
    p = np.zeros(alphas.shape)
    for N in (0, 1):
        sel = level == N
        if np.any(sel):
            p[:, sel] = rc.radius(N, mu[None, sel], alphas[:, sel], th)
    return p


def sea_compact(rc: RayContours, level, mu, hs, R, rtol: float = 1e-12):
    """Compact part of B at tilts +-h_j: symmetric and difference-quotient combinations.

    ``hs``: (n_h, n_mu) steps (eV nm).  Returns ``(E, Dq, eE, eD)`` with
    ``E[j] = (B_c(h_j) + B_c(-h_j)) / 2`` and ``Dq[j] = (B_c(h_j) - B_c(-h_j)) / (2 h_j)``,
    both (n_h, n_mu, 4, 2) in 1/(eV nm), and absolute error estimates per (j, mu)
    (quadrature over th plus the inner Gauss-Legendre estimate).
    """
    val = valence_level(rc)
    n_h, n_mu = hs.shape
    alphas = np.concatenate([hs, -hs])  # (2 n_h, n_mu)

    def parts(th):
        pc = contour_radii(rc, level, mu, alphas, th)
        hi, lo = _radial_gl(rc, val, th, pc, np.broadcast_to(R, pc.shape))
        Bp, Bm = hi[:n_h], hi[n_h:]
        eBp, eBm = np.abs(hi[:n_h] - lo[:n_h]), np.abs(hi[n_h:] - lo[n_h:])
        # difference directly over the thin shell between the two contours
        dhi, dlo = _radial_gl(rc, val, th, pc[:n_h], pc[n_h:])
        h = hs[..., None, None]
        E = 0.5 * (Bp + Bm)
        Dq = dhi / (2 * h)
        return E, Dq, 0.5 * (eBp + eBm), np.abs(dhi - dlo) / (2 * h)

    # per-(kind, j, mu) scales so that quad_vec's max-norm tolerance is relative per block
    ths = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    sc = [np.zeros((n_h, n_mu)), np.zeros((n_h, n_mu))]
    inner_err = [np.zeros((n_h, n_mu)), np.zeros((n_h, n_mu))]
    for t in ths:
        E, Dq, eE, eD = parts(t)
        sc[0] = np.maximum(sc[0], np.max(np.abs(E), axis=(-2, -1)))
        sc[1] = np.maximum(sc[1], np.max(np.abs(Dq), axis=(-2, -1)))
    sc = [np.where(s > 0, s, 1.0) for s in sc]

    def integrand(th):
        E, Dq, eE, eD = parts(th)
        return np.concatenate([(E / sc[0][..., None, None]).ravel(), (Dq / sc[1][..., None, None]).ravel(),
                               (np.max(eE, axis=(-2, -1)) / sc[0]).ravel(),
                               (np.max(eD, axis=(-2, -1)) / sc[1]).ravel()])

    res, qerr = quad_vec(integrand, 0.0, 2 * np.pi, epsabs=rtol, epsrel=rtol, norm="max", limit=2000)
    m = n_h * n_mu * 8
    E = res[:m].reshape(n_h, n_mu, 4, 2) * sc[0][..., None, None]
    Dq = res[m:2 * m].reshape(n_h, n_mu, 4, 2) * sc[1][..., None, None]
    inner_err[0] = np.abs(res[2 * m:2 * m + n_h * n_mu].reshape(n_h, n_mu)) * sc[0]
    inner_err[1] = np.abs(res[2 * m + n_h * n_mu:].reshape(n_h, n_mu)) * sc[1]
    eE = qerr * sc[0] + inner_err[0]
    eD = qerr * sc[1] + inner_err[1]
    return E, Dq, eE, eD


def sea_exterior(rc: RayContours, R, rtol: float = 1e-12, n_theta: int = 64):
    """Exterior part of B: int_{p > R} S_valence, angular integral first.

    ``R``: (n_mu,) split radii.  Returns ``(B_ext, err)`` of shapes (n_mu, 4, 2) and (n_mu,),
    1/(eV nm).  The error adds quad_vec's radial estimate and the change of the angular
    trapezoidal sum between n_theta/2 and n_theta nodes.
    """
    val = valence_level(rc)
    R = np.asarray(R, dtype=float)
    th = np.linspace(0, 2 * np.pi, n_theta, endpoint=False)
    norm = 1.0 / (4 * np.pi ** 2 * abs(rc.sx * rc.sy))  # |Jacobian|

    def ang(u):
        p = R / u
        S = _sbp(rc, val, p[:, None], th[None, :])  # (n_mu, n_th, 4, 2)
        jac = p * R / u ** 2 * norm  # p dp/du
        full = 2 * np.pi * np.mean(S, axis=1) * jac[:, None, None]
        half = 2 * np.pi * np.mean(S[:, ::2], axis=1) * jac[:, None, None]
        return full, half

    sc = np.zeros(len(R))
    for u in (0.05, 0.3, 0.6, 0.95):
        sc = np.maximum(sc, np.max(np.abs(ang(u)[0]), axis=(-2, -1)))
    sc = np.where(sc > 0, sc, 1.0)

    def integrand(u):
        full, half = ang(u)
        return np.concatenate([(full / sc[:, None, None]).ravel(),
                               (np.max(np.abs(full - half), axis=(-2, -1)) / sc).ravel()])

    res, qerr = quad_vec(integrand, 0.0, 1.0, epsabs=rtol, epsrel=rtol, norm="max", limit=2000)
    n = len(R)
    B = res[:n * 8].reshape(n, 4, 2) * sc[:, None, None]
    err = (qerr + np.abs(res[n * 8:])) * sc
    return B, err
