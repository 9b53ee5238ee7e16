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

from ..kernels.lambdified import kernel_for
from .contour import ContourError, RayContours, nested_quadrature, periodic_trapezoid

_GL_HI = np.polynomial.legendre.leggauss(20)
_GL_LO = np.polynomial.legendre.leggauss(10)
_GL_5 = np.polynomial.legendre.leggauss(5)
#: ulps of error of one integrand value (contour radius, kernels, products)
ROUNDOFF_ULPS = 16.0


def _gl01(rule):
    x, w = rule
    return 0.5 * (x + 1.0), 0.5 * w


GL_HI, GL_LO, GL_5 = _gl01(_GL_HI), _gl01(_GL_LO), _gl01(_GL_5)


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


def _radial_gl(rc, level, th, p0, p1, rules=None):
    """int_{p0}^{p1} dp p S(p, th) / (4 pi^2 |s_x s_y|) with two Gauss-Legendre rules (default GL20
    and GL10): (hi, lo), shape (*p0, 4, 2)."""
    out = []
    for x, w in rules or (GL_HI, GL_LO):
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
    ``mu`` in eV, ``alphas`` (n_a, n_mu) in eV nm (the tilt in eps_N = eps0_N + alpha tau).
    ``th`` may be an array broadcasting against (n_a, n_mu) from the left (e.g. (n_th, 1, 1):
    the result is then (n_th, n_a, n_mu))."""
    p = np.zeros(np.broadcast(np.asarray(th, float), alphas).shape)
    for N in (0, 1):
        sel = level == N
        if np.any(sel):
            p[..., sel] = rc.radius(N, mu[sel], alphas[:, sel], th)
    return p


def sea_compact(rc: RayContours, level, mu, hs, R, rtol: float = 1e-12, n0: int = 8):
    """Compact part of B at tilts +-h_j: symmetric and difference-quotient combinations.

    ``hs``: (n_h, n_mu) steps (eV nm).  Returns ``(E, Dq, eE, eD)`` with
    ``E[j] = (B_c(h_j) + B_c(-h_j)) / 2`` and ``Dq[j] = (B_c(h_j) - B_c(-h_j)) / (2 h_j)``,
    both (n_h, n_mu, 4, 2) in 1/(eV nm), and absolute error estimates per (j, mu).

    The angle is integrated by the periodic trapezoid rule (:func:`periodic_trapezoid`, to
    ``rtol`` of each (kind, j, mu) block, convergence shown); the radius by Gauss-Legendre,
    20 nodes checked against 10 (10 against 5 for ``rtol >= 1e-6``), whose difference enters
    the error with the roundoff of each value (ulps, and the relative rounding of the thin
    shell's width ``p_c(h) - p_c(-h)``) and of the contour radius near a band edge (``u mu^2 /
    |mu^2 - Delta^2|`` of each integral).
    """
    val = valence_level(rc)
    n_h, n_mu = hs.shape
    alphas = np.concatenate([hs, -hs])  # (2 n_h, n_mu)
    rules = (GL_HI, GL_LO) if rtol < 1e-6 else (GL_LO, GL_5)
    u = 2.0 ** -53
    cond = np.ones(n_mu)
    if rc.is_dirac:
        with np.errstate(divide="ignore"):
            c = mu**2 / np.abs(mu**2 - rc.Delta**2)
        cond = np.where(np.isfinite(c), c, 1.0)

    def parts(th):
        th3 = np.asarray(th, float)[:, None, None]
        pc = contour_radii(rc, level, mu, alphas, th3)                 # (n_th, 2 n_h, n_mu)
        hi, lo = _radial_gl(rc, val, th3, pc, np.broadcast_to(R, pc.shape), rules)
        Bp, Bm = hi[:, :n_h], hi[:, n_h:]
        eB = 0.5 * np.max(np.abs(hi[:, :n_h] - lo[:, :n_h]) + np.abs(hi[:, n_h:] - lo[:, n_h:]), axis=(-2, -1))
        # difference directly over the thin shell between the two contours
        dhi, dlo = _radial_gl(rc, val, th3, pc[:, :n_h], pc[:, n_h:], rules)
        h = hs[None, ..., None, None]
        E = 0.5 * (Bp + Bm)
        Dq = dhi / (2 * h)
        pp, pm = pc[:, :n_h], pc[:, n_h:]
        with np.errstate(divide="ignore", invalid="ignore"):
            width = np.where(pp != pm, (np.abs(pp) + np.abs(pm)) / np.abs(pp - pm), 0.0)
        eE = eB + ROUNDOFF_ULPS * u * np.max(np.abs(E), axis=(-2, -1))
        eD = (np.max(np.abs(dhi - dlo), axis=(-2, -1)) / (2 * hs[None])
              + ROUNDOFF_ULPS * u * (1.0 + width) * np.max(np.abs(Dq), axis=(-2, -1)))
        n = len(th3)
        values = np.concatenate([E.reshape(n, -1), Dq.reshape(n, -1)], axis=1)
        perr = np.concatenate([np.repeat(eE.reshape(n, -1), 8, axis=1), np.repeat(eD.reshape(n, -1), 8, axis=1)],
                              axis=1)
        return values, perr

    m = n_h * n_mu
    groups = np.concatenate([np.repeat(np.arange(m), 8), m + np.repeat(np.arange(m), 8)])
    per_theta = 2 * n_h * n_mu * len(rules[0][0]) * 2 * 8 * 2
    res, err, _, _ = periodic_trapezoid(parts, groups, rtol, n0=n0, batch=max(1, int(4e6 // per_theta)))
    E = res[:m * 8].reshape(n_h, n_mu, 4, 2)
    Dq = res[m * 8:].reshape(n_h, n_mu, 4, 2)
    # the rounding of q = mu^2 - Delta^2 is common to every angle (a mu off by ~ u mu): it
    # changes each integral by ~ u cond |I| (see symenh.responses.quadrature)
    c = cond[None, :]
    eE = np.max(err[:m * 8].reshape(n_h, n_mu, 8), axis=-1) + ROUNDOFF_ULPS * u * c * np.max(np.abs(E), axis=(-2, -1))
    eD = np.max(err[m * 8:].reshape(n_h, n_mu, 8), axis=-1) + ROUNDOFF_ULPS * u * c * np.max(np.abs(Dq), axis=(-2, -1))
    return E, Dq, eE, eD


def fejer_rule(n: int):
    """Fejer's second rule on [0, 1] (the interior Clenshaw-Curtis nodes, no endpoint): n - 1
    nodes u_k = (1 - cos(k pi / n)) / 2, k = 1..n-1 (n even), exact for polynomials of degree
    n - 2; the nodes of the n/2 rule are the odd-indexed ones (nested).  Returns (u, w, old)."""
    k = np.arange(1, n)
    th = np.pi * k / n
    j = np.arange(1, n // 2 + 1)
    w = (4.0 / n) * np.sin(th) * np.sum(np.sin(np.outer(th, 2 * j - 1)) / (2 * j - 1), axis=1)
    return 0.5 * (1.0 - np.cos(th)), 0.5 * w, np.arange(1, n - 1, 2)


def sea_exterior(rc: RayContours, R, rtol: float = 1e-12, n_theta: int = 64):
    """Exterior part of B: int_{p > R} S_valence, angular integral first.

    ``R``: (n_mu,) split radii.  Returns ``(B_ext, err)`` of shapes (n_mu, 4, 2) and (n_mu,),
    1/(eV nm).  The radial integral in u = R/p (analytic on [0, 1] for S falling as a power
    series in 1/p) is done by Fejer's second rule refined by doubling
    (:func:`~symenh.integrate.contour.nested_quadrature`, to ``rtol`` of each mu, convergence
    shown); the error adds its estimate and the change of the angular trapezoidal sum between
    n_theta/2 and n_theta nodes (a point error of each value).
    """
    val = valence_level(rc)
    R = np.asarray(R, dtype=float)
    th = np.linspace(0, 2 * np.pi, n_theta, endpoint=False)
    norm = 1.0 / (4 * np.pi ** 2 * abs(rc.sx * rc.sy))  # |Jacobian|
    n = len(R)

    def integrand(u):
        u = np.asarray(u, float)[:, None]                   # (n_u, 1)
        p = R[None, :] / u                                  # (n_u, n_mu)
        S = _sbp(rc, val, p[..., None], th[None, None, :])  # (n_u, n_mu, n_th, 4, 2)
        jac = (p * R[None, :] / u ** 2 * norm)[..., None, None]  # p dp/du
        full = 2 * np.pi * np.mean(S, axis=2) * jac
        half = 2 * np.pi * np.mean(S[:, :, ::2], axis=2) * jac
        perr = np.max(np.abs(full - half), axis=(-2, -1)) + ROUNDOFF_ULPS * 2.0 ** -53 * np.max(
            np.abs(full), axis=(-2, -1))
        return full.reshape(len(u), -1), np.repeat(perr, 8, axis=1)

    groups = np.repeat(np.arange(n), 8)
    res, err, _, _ = nested_quadrature(integrand, groups, rtol, fejer_rule, n0=8,
                                       batch=max(1, int(2e6 // (n * n_theta * 16))))
    B = res.reshape(n, 4, 2)
    return B, np.max(err.reshape(n, 8), axis=1)
