"""The filled-band Fermi sea on the grid path: smooth circular windows, a windowed
Cartesian sum, and the radial tail on circles (angle first) with Clenshaw-Curtis panels.

Units: S in nm/eV, the sea sums in 1/(eV nm); radii in scaled momentum.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from ...kernels.numeric import numeric_kernel
from .box import TWO_PI_SQ, UniformGrid
from .numerics import TERM_ULPS_PER_BAND, ModelNumerics, chunk_geometry, roundoff_bounds, roundoff_floor


def smooth_window(s):
    """C-infinity radial cutoff: 1 for s <= 1, 0 for s >= 2, smooth in between."""
    s = np.asarray(s, dtype=float)
    x = np.clip(s - 1.0, 0.0, 1.0)

    def g(t):
        out = np.zeros_like(t)
        pos = t > 0
        out[pos] = np.exp(-1.0 / t[pos])
        return out

    a, b = g(x), g(1.0 - x)
    return b / (a + b)



def clenshaw_curtis(n: int):
    """Clenshaw-Curtis nodes and weights on [-1, 1] (``n`` even, n + 1 nodes cos(pi j / n)).

    The even-indexed nodes are the nodes of the n/2 rule (nested), so a coarser rule
    costs no new evaluations.  Exact for polynomials of degree <= n.
    """
    if n < 2 or n % 2:
        raise ValueError(f"clenshaw_curtis: n must be even and >= 2, got {n}")
    k = np.arange(n + 1)
    j = np.arange(1, n // 2 + 1)
    b = np.where(j == n // 2, 1.0, 2.0)
    w = 1.0 - np.sum(b / (4.0 * j**2 - 1.0) * np.cos(2.0 * np.pi * np.outer(k, j) / n), axis=1)
    w *= np.where((k == 0) | (k == n), 1.0, 2.0) / n
    return np.cos(np.pi * k / n), w


def sea_angular_profile(num: ModelNumerics, params0, k_scale, E_ref: float, radii, n_theta: int,
                        chunk_points: int = 16384):
    """Angular integral of the filled-band SBP on circles of scaled radius r.

    ``a(r) = k_sx k_sy / (2 pi)^2 * r * int_0^{2 pi} dth sum_N theta(E_ref - eps0_N) S_N(k)``
    at ``k = (k_sx r cos th, k_sy r sin th)``, so that ``int_0^inf a(r) dr`` is the filled-band
    Fermi sea ``sum_N int d^2k/(2 pi)^2 theta S`` with the angular integral done first
    (1/(eV nm) per unit r; S in nm/eV, paper Eq. 5).  The angle uses the trapezoid rule
    (spectral for periodic integrands) with ``n_theta`` points.

    Returns (a, a_half, a_abs, e_max, a_sq, a_bias): ``a`` (nr, 4, 2); ``a_half`` the same on
    every other angle (n_theta / 2 points, the angular-resolution check); ``a_abs`` with |S|
    (summation roundoff scale); ``e_max`` (nr,) the largest |eps0| on each circle (eV);
    ``a_sq`` and ``a_bias`` (nr, 4, 2): the sums of the squared per-term roundoff errors and
    of the per-term bounds (ulps; :func:`~symenh.integrate.grid.numerics.roundoff_floor`).
    """
    radii = np.asarray(radii, dtype=float)
    nr = len(radii)
    th = 2.0 * np.pi * np.arange(n_theta) / n_theta
    c, s = np.cos(th), np.sin(th)
    pref = k_scale[0] * k_scale[1] / TWO_PI_SQ * radii * (2.0 * np.pi / n_theta)
    a = np.zeros((nr, 8))
    a_half = np.zeros((nr, 8))
    a_abs = np.zeros((nr, 8))
    a_term = np.zeros((nr, 8))
    a_bias = np.zeros((nr, 8))
    e_max = np.zeros(nr)
    rows = max(1, int(chunk_points) // n_theta)
    even = (np.arange(n_theta) % 2 == 0).astype(float) * 2.0
    for i0 in range(0, nr, rows):
        r = radii[i0:i0 + rows]
        kx = (r[:, None] * c[None, :] * k_scale[0]).ravel()
        ky = (r[:, None] * s[None, :] * k_scale[1]).ravel()
        bg, _ = chunk_geometry(num, kx, ky, params0)
        filled = (bg.energy < E_ref) / bg.degeneracy
        Sf = filled_sbp_sum(num, kx, ky, params0, bg, filled, E_ref).reshape(len(r), n_theta, 8)
        a[i0:i0 + rows] = Sf.sum(1)
        a_half[i0:i0 + rows] = np.einsum("rtq,t->rq", Sf, even)
        a_abs[i0:i0 + rows] = np.abs(Sf).sum(1)
        e, b = _sbp_term_scale(num, kx, ky, params0, bg, filled, E_ref)
        a_term[i0:i0 + rows] = (e**2).reshape(len(r), n_theta, 8).sum(1)
        a_bias[i0:i0 + rows] = b.reshape(len(r), n_theta, 8).sum(1)
        e_max[i0:i0 + rows] = np.abs(bg.energy).reshape(len(r), -1).max(1)
    p = pref[:, None]
    return ((a * p).reshape(nr, 4, 2), (a_half * p).reshape(nr, 4, 2), (a_abs * p).reshape(nr, 4, 2), e_max,
            (a_term * p**2).reshape(nr, 4, 2), (a_bias * p).reshape(nr, 4, 2))


@dataclass(frozen=True)
class SeaTail:
    """Radial tails ``T(K) = int_0^inf (1 - w(r/K)) a(r) dr`` of the filled-band sea, per cutoff K.

    ``value``, ``coarse``, ``abs``, ``floor``: (nK, 4, 2) in 1/(eV nm) (``abs`` the sums of
    |terms|, ``floor`` the roundoff bound of ``value``, :func:`~.numerics.roundoff_floor`).  ``coarse`` uses half the
    angles, the nested half-order radial rule and the power-law remainder with the
    exponent of the previous radial panel (a strictly worse approximation: its
    difference from ``value`` is the tail part of the error estimate).  ``power``: the
    measured decay exponent m of |a(r)| ~ r^-m at ``r_max`` (scaled units), where the
    radial probe stopped; ``remainder``: the power-law remainder beyond r_max (4, 2).
    """

    value: np.ndarray
    coarse: np.ndarray
    abs: np.ndarray
    power: float
    r_max: float
    remainder: np.ndarray
    n_theta: int
    floor: np.ndarray


def _radial_panels(cutoffs, ratio_inner=2 ** 0.25):
    """Panel edges covering [min K, 2 max K]: every K 2^(i/4) (the window's shape points), no ratio > 2^(1/4)."""
    pts = np.unique(np.round(np.concatenate([K * ratio_inner ** np.arange(5) for K in cutoffs]), 12))
    edges = [pts[0]]
    for b in pts[1:]:
        a = edges[-1]
        m = int(np.ceil(np.log(b / a) / np.log(ratio_inner) - 1e-9))
        edges.extend(a * (b / a) ** (np.arange(1, m + 1) / m))
    return np.asarray(edges)


def sea_tail(num: ModelNumerics, params0, k_scale, E_ref: float, cutoffs, *, n_theta: int = 32,
             n_cc: int = 32, rtol: float = 1e-12, e_cap: float = 1e4, r_limit: float = 1e9,
             max_theta: int = 512, chunk_points: int = 16384) -> SeaTail:
    """Tails ``T(K) = int (1 - w(r/K)) a(r) dr`` of the filled-band Fermi sea beyond the windows w(|q|/K).

    ``a(r)`` is the angular integral of the filled-band S on circles of scaled radius r
    (:func:`sea_angular_profile`): the angle is integrated before the radius, so the
    dipolar 1/k^2 parts of S cancel and only the decaying monopolar tail remains.
    Nothing about the tail is assumed: the radial integral runs on Clenshaw-Curtis
    panels (ratio 2^(1/4) over the windows, 2 beyond) outwards until the power-law
    remainder ``a(R) R / (m - 1)`` (m the decay exponent measured between the last two
    panel edges) is below ``rtol`` times the accumulated sum of |a|, or until the
    energies reach ``e_cap`` eV (where eigenvalue roundoff would approach the
    degeneracy tolerance) or r reaches ``r_limit``; the remainder is then added.  A
    tail that does not decay faster than 1/r^1.2 is refused (the sea would diverge).
    The angular resolution doubles (up to ``max_theta``) until the half-angle rule
    agrees to 1e-10 relative.  ``cutoffs`` K and r are in scaled momentum units.
    """
    cutoffs = np.asarray(cutoffs, dtype=float)
    x, wcc = clenshaw_curtis(n_cc)
    _, wcc_half = clenshaw_curtis(n_cc // 2)
    inner = _radial_panels(cutoffs)
    while True:
        edges = list(inner)
        a_l, ah_l, aa_l, at_l, ab_l, r_l, w_l, wh_l = [], [], [], [], [], [], [], []
        power = power_prev = np.nan
        rem = rem_prev = np.zeros((4, 2))
        scale = 0.0
        batch = list(pairwise(edges))
        while True:
            r = np.concatenate([0.5 * (a + b) + 0.5 * (b - a) * x for a, b in batch])
            jac = np.concatenate([np.full(len(x), 0.5 * (b - a)) for a, b in batch])
            a, ah, aa, emax, at, ab = sea_angular_profile(num, params0, k_scale, E_ref, r, n_theta, chunk_points)
            a_l.append(a); ah_l.append(ah); aa_l.append(aa); at_l.append(at); ab_l.append(ab); r_l.append(r)
            w_l.append(np.tile(wcc, len(batch)) * jac)
            wh = np.zeros((len(batch), len(x)))
            wh[:, ::2] = wcc_half
            wh_l.append(wh.ravel() * jac)
            A = np.concatenate(a_l)
            W = np.concatenate(w_l)
            scale = float(np.max(np.abs(np.einsum("r,rq->q", W, np.concatenate(aa_l).reshape(-1, 8)))))
            # node values at the last three outer edges R/4, R/2, R (CC nodes include the ends)
            R = batch[-1][1]
            ends = [int(np.flatnonzero(np.isclose(np.concatenate(r_l), R * f, rtol=1e-13))[-1]) for f in (0.25, 0.5, 1.0)] \
                if len(edges) > 2 and edges[-2] * 1.999 < R else None
            iR = int(np.argmax(np.concatenate(r_l)))        # the node at R (CC nodes include the panel ends)
            aR = A[iR]
            norm = float(np.max(np.abs(aR)))
            if ends is not None:
                n4, n2, n1 = (float(np.max(np.abs(A[e]))) for e in ends)
                power = -np.log2(n1 / n2) if n1 > 0 and n2 > 0 else np.inf
                power_prev = -np.log2(n2 / n4) if n2 > 0 and n4 > 0 else np.inf
            noise = norm * R <= 1e-3 * rtol * scale
            if noise:
                rem = rem_prev = np.zeros((4, 2))
            elif ends is not None and power > 1.2 and power_prev > 1.2:
                # remainder beyond R; the variant stops one panel earlier (at R/2) with the exponent there
                rem = aR * R / (power - 1.0) if np.isfinite(power) else np.zeros((4, 2))
                rem_prev = A[ends[1]] * (0.5 * R) / (power_prev - 1.0) if np.isfinite(power_prev) else np.zeros((4, 2))
            if noise or (ends is not None and power > 1.2 and power_prev > 1.2
                         and np.max(np.abs(rem)) <= rtol * scale):
                break
            if emax[-1] > e_cap or R > r_limit:
                if noise or (ends is not None and power > 1.2 and power_prev > 1.2):
                    break
                law = (f"decays only as r^-{power:.3g}" if power > 0 else
                       f"does not decay (it grows as r^{-power:.3g})")
                raise ValueError(f"Fermi sea: the angular average of S {law} "
                                 f"(r = {R:.3g} scaled units); the filled-band sea does not converge")
            start = R
            batch = [(start * 2.0**i, start * 2.0 ** (i + 1)) for i in range(4)]
            edges.extend(b for _, b in batch)
        r_all = np.concatenate(r_l)
        A, Ah, Aa = np.concatenate(a_l), np.concatenate(ah_l), np.concatenate(aa_l)
        W, Wh = np.concatenate(w_l), np.concatenate(wh_l)
        one_minus = 1.0 - np.stack([smooth_window(r_all / K) for K in cutoffs])      # (nK, nr)
        value = np.einsum("kr,r,rab->kab", one_minus, W, A) + rem
        ang = np.einsum("kr,r,rab->kab", one_minus, W, Ah) + rem
        if np.max(np.abs(ang - value)) > 1e-10 * scale and n_theta < max_theta:
            n_theta *= 2
            continue
        if np.any(rem_prev != 0):
            Wh = Wh.copy()
            Wh[-len(x):] = 0.0          # the variant ends at R/2 (rem_prev is its remainder)
        coarse = np.einsum("kr,r,rab->kab", one_minus, Wh, Ah) + rem_prev
        absval = np.einsum("kr,r,rab->kab", one_minus, np.abs(W), Aa) + np.abs(rem)
        term_sq = np.einsum("kr,r,rab->kab", one_minus**2, W**2, np.concatenate(at_l))
        bias = np.einsum("kr,r,rab->kab", one_minus, np.abs(W), np.concatenate(ab_l))
        floor = roundoff_floor(absval, term_sq, bias, len(r_all) * n_theta * num.n_bands)
        return SeaTail(value, coarse, absval, float(power), float(r_all.max()), rem, n_theta, floor)


def sea_reference_sums(num: ModelNumerics, params0, k_scale, E_ref: float, cutoffs, spacing: float,
                       chunk_points: int = 16384) -> np.ndarray:
    """Filled-band Fermi sea ``sum_N int theta(E_ref - eps0_N) S_N w(|q|/K)`` for each K.

    ``cutoffs`` K in scaled units q (circular in scaled momentum); ``spacing`` the grid
    step in q.  The grid covers |q_c| <= 2 max(K).  Returns (4, nK, 4, 2) in 1/(eV nm):
    full grid, checkerboard sub-lattice, sums of absolute values of the terms, and the
    roundoff floor of the full sum (:func:`~symenh.integrate.grid.numerics.roundoff_floor`).
    """
    cutoffs = np.asarray(cutoffs, dtype=float)
    Q = 2.0 * cutoffs.max()
    n = int(np.ceil(Q / spacing))
    h = Q / n
    grid = UniformGrid(-Q * k_scale[0], -Q * k_scale[1], h * k_scale[0], h * k_scale[1], 2 * n + 1, 2 * n + 1)
    out = np.zeros((4, len(cutoffs), 4, 2))
    bias = np.zeros((len(cutoffs), 8))
    n_terms = 0
    for kx, ky, sub in grid.chunks(chunk_points):
        r = np.hypot(kx / k_scale[0], ky / k_scale[1])
        keep = r < Q
        kx, ky, sub, r = kx[keep], ky[keep], sub[keep], r[keep]
        if kx.size == 0:
            continue
        bg, _ = chunk_geometry(num, kx, ky, params0)
        filled = (bg.energy < E_ref) / bg.degeneracy       # (P, N)
        n_terms += bg.energy.size
        win = np.stack([smooth_window(r / K) for K in cutoffs])  # (nK, P)
        m = np.stack([np.ones_like(sub), sub])
        Sf = filled_sbp_sum(num, kx, ky, params0, bg, filled, E_ref).reshape(len(kx), 8)   # (P, 8)
        out[:2] += ((m[:, None, :] * win[None]) @ Sf).reshape(2, len(cutoffs), 4, 2)
        out[2] += (win @ np.abs(Sf)).reshape(len(cutoffs), 4, 2)
        e, b = _sbp_term_scale(num, kx, ky, params0, bg, filled, E_ref)
        out[3] += (win**2 @ e**2).reshape(len(cutoffs), 4, 2)
        bias += win @ b
    out[3] = roundoff_floor(out[2], out[3], bias.reshape(len(cutoffs), 4, 2), n_terms)
    return out * grid.cell


def filled_sbp_sum(num: ModelNumerics, kx, ky, params0, bg, filled, E_ref: float) -> np.ndarray:
    """SBP summed over the filled levels at each point, (P, 4, 2) in nm/eV (paper Eq. 5).

    Where one level is filled (the paper models: H_T's valence band, H_PT's valence Kramers pair)
    this is that level's SBP, ``sum_N theta(E_ref - eps0_N) S_N``, unchanged.  Where two or more levels
    are filled, the filled-subspace sum of :meth:`symenh.kernels.numeric.NumericKernel.filled_sbp`
    (no denominator between two filled bands: where filled levels approach each other, e.g. H_PT plus
    a Zeeman term at large k, each level's SBP is large while their sum is small)."""
    Sf = np.sum(filled[..., None, None] * bg.sbp, axis=1)
    multi = np.sum(filled, axis=1) > 1.0 + 1e-9                 # filled / degeneracy sums to the level count
    if np.any(multi):
        vals = dict(zip((p.name for p in num.model.params), params0))
        Sf = Sf.copy()
        Sf[multi] = numeric_kernel(num.model).filled_sbp(kx[multi], ky[multi], vals, E_ref)
    return Sf


def _sbp_term_scale(num, kx, ky, params0, bg, filled, E_ref=None):
    """Per point (P, 8): the roundoff of the filled-band sum of S in ulps (error, bias).

    Where two or more levels are filled (:func:`filled_sbp_sum` takes the filled-subspace sum there)
    the per-band bounds of :func:`~.numerics.roundoff_bounds` use the gap of each filled band to the
    nearest *empty* band: only filled-empty terms enter that sum, and the filled subspace (unlike each
    filled eigenvector) is conditioned by that gap alone."""
    kappa, bound, _, V = roundoff_bounds(num, kx, ky, params0, bg)
    b = np.abs(filled)[..., None] * bound[..., 5:13]
    err, bias = np.sum(kappa[..., None] * b, axis=1), np.sum(b, axis=1)
    multi = np.sum(filled, axis=1) > 1.0 + 1e-9 if E_ref is not None else np.zeros(len(kx), bool)
    if np.any(multi):
        eps = bg.energy[multi]                                      # (P', N)
        occ = eps < E_ref
        de = np.abs(eps[:, :, None] - eps[:, None, :])
        de = np.where(occ[:, :, None] & ~occ[:, None, :], de, np.inf)
        gap = np.min(de, axis=-1)                                   # filled band -> nearest empty band
        with np.errstate(divide="ignore"):
            inv = np.where(np.isfinite(gap), 1.0 / gap, 0.0)
        spin = num.ham.spin()
        s_norm = float(np.max(np.linalg.norm(spin, ord=2, axis=(-2, -1)))) if spin.size else 0.0
        emax = np.max(np.abs(eps), axis=-1)
        kap = TERM_ULPS_PER_BAND * eps.shape[-1] * (1.0 + emax[:, None] * inv)
        bS = occ * 2.0 * s_norm * V[multi][:, None] * inv ** 2         # (P', N): |sum_m S_nm| per filled band
        err[multi] = np.sum(kap * bS, axis=1)[:, None]
        bias[multi] = np.sum(bS, axis=1)[:, None]
    return err, bias
