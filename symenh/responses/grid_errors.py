"""The grid paths' error estimate, shared by the Cartesian grid (:mod:`symenh.responses.grid`) and the
Brillouin-zone grid (:mod:`symenh.responses.lattice_grid`): the T -> 0 extrapolation of Fermi-box sums
with its variants and uncertainties (:func:`box_factor`), the propagation of factor uncertainties
through the assembly without signs (:func:`propagate`, :func:`bound`) and the piece-by-piece change
of sigma under a variant (:func:`variant_change`).  Moved here unchanged from
:mod:`symenh.responses.grid` (its numbers are bit-identical); the reasoning behind every term is in
that module's docstring.

Units: factors and sigma in the raw units of :mod:`symenh.responses.spec` (sigma in e^3/hbar nm/eV),
temperatures kT in eV.
"""

from __future__ import annotations

import numpy as np

from ..integrate.richardson import richardson, richardson_check, richardson_weights
from .assembly import error_bound, linear_term, sigma_of
from .job import Job
from .spec import FACTORS, LEVI_CIVITA, linear_sigma


def t_extrapolate(arr, kTs):
    """(best, fewer-temperatures variant) of the T -> 0 Richardson extrapolation; arr (nT, ...)."""
    best = richardson(arr, kTs, power=2)[0]          # polynomial in kT^2 (Sommerfeld), Neville
    alt = richardson(arr[1:], kTs[1:], power=2)[0] if len(kTs) > 1 else arr[-1]
    return best, alt



def box_factor(arr, kTs, margin_kT, law_check: bool = False):
    """One factor from its Fermi-box sums ``arr`` (5, nT, ...): the variants and the uncertainty
    the variants do not see, validated against the observed convergence.

    Returns ``(best, T, grid, unc)``.  ``unc`` (per entry) adds (i) the roundoff floor of the
    sums carried through the T-extrapolation weights, (ii) the truncation of the Fermi tails at
    the box edge (``exp(-margin_kT kT_max / kT_j)`` of the sums of |terms|), (iii) where the
    T -> 0 tableau does not shrink geometrically, its spread, and (iv) where the grid levels
    h, sqrt(2) h, 2 h do not converge (the sqrt(2) h difference is not at most half the 2 h
    one), the 2 h lattice's difference.

    ``law_check`` (the continuum grid, :mod:`symenh.responses.grid`): the reduction of the
    sub-lattice variant by (d1/d2)^(1/2) is applied only where the error law it assumes,
    e(G) = C exp(-b kT G) with one C for the three lattices (aliasing wave numbers G), is borne out
    by the sums: the 2 h lattice's change at the two lowest temperatures gives b G_2h, hence the
    checkerboard's change at the lowest one, d2 exp((sqrt(2) - 1) ln(d2_low / d2_next) kT_low /
    (kT_next - kT_low)); an observed d1 below that (the aliasing error of a Fermi ring oscillates
    with G k_F, and one lattice can sit near a node: tilted-dirac BCD, mu = 3 Delta, n_k = 201 had d1
    40 times below it and a full-grid error 4 times d1 (d1/d2)^(1/2)) keeps the unreduced variant."""
    full, sub, coarse, absum, floor = arr
    best, alt_t = t_extrapolate(full, kTs)
    g, _ = t_extrapolate(sub, kTs)
    gc, _ = t_extrapolate(coarse, kTs)
    w = np.abs(richardson_weights(kTs, power=2)).reshape((-1,) + (1,) * (full.ndim - 1))
    trunc = 2.0 * np.exp(-margin_kT * kTs.max() / kTs).reshape(w.shape) * absum
    unc = np.sum(w * (floor + trunc), axis=0)
    d1, d2 = np.abs(full - sub), np.abs(full - coarse)
    grid_ok = np.all(d1 <= 0.5 * d2 + floor + trunc, axis=0)
    unc = unc + np.where(grid_ok, 0.0, np.abs(gc - best))
    # the three lattices alias at wave numbers pi/h (2 h), sqrt(2) pi/h (checkerboard) and 2 pi/h
    # (full grid), equally spaced in log.  With d1 = |g - best| (~ the checkerboard's error) and
    # d2 = |gc - best| (~ the 2 h lattice's), an error exponential in the wave number puts the full
    # grid's at d1 (d1/d2)^1.41, one falling as a power of it at d1 (d1/d2); the estimate takes
    # d1 (d1/d2)^(1/2), room for the pre-asymptotic regime (measured on both paper models at
    # 1.5, 4, 12 Delta for spacing_over_kT <= 1.75: the true error stays below 0.2 of the estimate)
    D1, D2 = np.abs(g - best), np.abs(gc - best)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(grid_ok & (D2 > 0), np.sqrt(np.minimum(1.0, D1 / D2)), 1.0)
    if law_check and len(kTs) >= 2:
        r = np.where(_error_law_holds(d1, d2, kTs, floor + trunc), r, 1.0)
    g = best + (g - best) * r
    noise = np.sum(w, axis=0) * np.max(floor + trunc + d1, axis=0)
    t_ok, spread = richardson_check(full, kTs, power=2, noise=noise)
    unc = unc + np.where(t_ok, 0.0, spread)
    return best, alt_t, g, unc



def _error_law_holds(d1, d2, kTs, noise):
    """Per entry: does the checkerboard's change d1 (nT, ...) at the lowest temperature reach what the
    2 h lattice's changes d2 predict under e(G) = C exp(-b kT G) (see :func:`box_factor`)?  Entries
    whose 2 h change at the two lowest temperatures is within the noise cannot test the law and
    pass (the floor then dominates)."""
    lo, nx = d2[-1], d2[-2]
    dkT = kTs[-2] - kTs[-1]                          # > 0: kTs descending
    testable = (lo > noise[-1]) & (nx > noise[-2])
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(testable, np.log(np.where(testable, nx, 1.0) / np.where(testable, lo, 1.0)) / dkT, 0.0)
    # slope = -b G_2h (per eV); a 2 h change that does not fall with temperature is no law at all
    pred = lo * np.exp((np.sqrt(2.0) - 1.0) * np.minimum(slope, 0.0) * kTs[-1])
    # d1 = |e_sub - e_full| and the law's e_full = e_sub (e_sub/e_2h)^sqrt(2): compare e_sub's lower end
    with np.errstate(divide="ignore", invalid="ignore"):
        e_sub = d1[-1] * (1.0 + np.where(lo > 0, np.minimum(1.0, d1[-1] / np.where(lo > 0, lo, 1.0)), 1.0)
                          ** np.sqrt(2.0))
    return ~testable | ((slope < 0) & (e_sub >= pred))


def propagate(mechanism, best0, best1, u0, u1, alpha, pre, exchange):
    """Element-wise bound (2, 2, 2) on the error of sigma (raw units) from per-entry factor
    uncertainties u0, u1 (components first, like the factors).

    Linear mechanisms: |alpha| |prefactor| times the uncertainties; the bilinear ENH products
    by the product rule with magnitudes |best| + u (so second-order terms are covered), summed
    over eta and components (components first for exchange "all"); both terms of the (c, a)
    antisymmetrisation are added.  No sign enters, so no cancellation can hide an error (the
    factors' own errors can cancel in sigma by accident; their bound cannot)."""
    eps_abs = np.abs(LEVI_CIVITA)
    if mechanism == "bcd":
        return abs(alpha * pre.tau_over_hbar) * np.einsum("ca,b->cab", eps_abs, np.sum(u1["D"], axis=0))
    if mechanism in ("inh", "inh-full"):
        T = np.swapaxes(np.sum(u1["X"], axis=0), -1, -2)          # T^{cab} = X^{cba}
        return abs(alpha) * (T + np.swapaxes(T, 0, 1))           # covers inh-full's T/2 - T^{acb} too
    a, b = FACTORS[mechanism]
    mA0, mA1 = np.abs(best0[a]) + u0[a], np.abs(best1[a]) + u1[a]      # (n_c, c, eta, a)
    mO0, mO1 = np.abs(best0[b]) + u0[b], np.abs(best1[b]) + u1[b]      # (n_c, eta, b)
    uA0, uA1, uO0, uO1 = u0[a], u1[a], u0[b], u1[b]
    if exchange == "all":
        mA0, mA1, mO0, mO1, uA0, uA1, uO0, uO1 = (x.sum(axis=0, keepdims=True)
                                                  for x in (mA0, mA1, mO0, mO1, uA0, uA1, uO0, uO1))
    T = (np.einsum("vcea,veb->cab", mA0, uO1) + np.einsum("vcea,veb->cab", uA0, mO1)
         + np.einsum("vcea,veb->cab", mA1, uO0) + np.einsum("vcea,veb->cab", uA1, mO0))
    scale = abs(alpha * pre.V0) * (abs(pre.tau_over_hbar) if mechanism == "enh-t" else 1.0)
    return scale * (T + np.swapaxes(T, 0, 1))



def assemble(job: Job, f0, f1, order: str):
    """Raw sigma from the factors: linear order (paper four: spec.linear_sigma, unchanged;
    inh-full: assembly.linear_term) or, for ``order="exact"``, sigma at alpha from the factors f0
    at alpha (assembly.sigma_of)."""
    if order == "exact":
        return sigma_of(job.mechanism, f0, job.pre, job.exchange, job.occupation)
    if job.mechanism == "inh-full":
        return linear_term("inh-full", [f0, f1], job.alpha, job.pre, job.exchange, job.occupation)
    return linear_sigma(job.mechanism, f0, f1, job.alpha, job.pre, job.exchange)



def bound(job: Job, B0, B1, U0, U1, order: str):
    """Element-wise error bound from per-entry factor uncertainties (:func:`propagate` at linear
    order; at the exact tilt :func:`symenh.responses.assembly.error_bound` of the factors at alpha)."""
    if order == "exact":
        return error_bound(job.mechanism, [(1.0, B0, U0)], job.pre, job.exchange)
    return propagate(job.mechanism, B0, B1, U0, U1, job.alpha, job.pre, job.exchange)



def sigma_error_size(mechanism: str, f0, f1, u0, u1, n0, n1, alpha: float, pre, exchange: str, exact: bool,
                     occupation: str = "bare", err_mechanism: str | None = None):
    """(raw sigma, element-wise error bound, element-wise size of the terms that cancel), each (2, 2, 2) in
    e^3/hbar nm/eV (:func:`symenh.units.sigma_to_si` gives A m/V^2), of ``mechanism`` (BCD, INH, inh-full and
    the paper's Eqs. 9, 10) from one set of factors (spec.py units; alpha in eV nm): at linear order (f0 at alpha = 0, f1 = d/d alpha, per-entry
    errors u0, u1, natural sizes n0, n1; spec.linear_sigma and :func:`propagate`) or, with ``exact``, at
    the tilt itself from f0, u0, n0 there (assembly.sigma_of, assembly.error_bound).  ``err_mechanism``:
    the mechanism whose factor pattern bounds the error (default ``mechanism``; inh-full is bounded by
    inh's).  The assembly of every factor path (user k.p and lattice quadratures)."""
    em = mechanism if err_mechanism is None else err_mechanism
    if exact:
        return (sigma_of(mechanism, f0, pre, exchange, occupation), error_bound(em, [(1.0, f0, u0)], pre, exchange),
                error_bound(em, [(1.0, n0, n0)], pre, exchange))
    return (linear_sigma(mechanism, f0, f1, alpha, pre, exchange, occupation),
            propagate(em, f0, f1, u0, u1, alpha, pre, exchange), propagate(em, n0, n1, n0, n1, alpha, pre, exchange))


def channel_groups(mechanism: str, chan, f0, f1, alpha: float, pre, exchange: str, exact: bool,
                   sig_ch=None) -> dict:
    """{group label: raw sigma (2, 2, 2), e^3/hbar nm/eV} of an ENH ``mechanism`` (paper Eqs. 9, 10) with the
    Fock channels ``chan``
    (:class:`~symenh.geometry.channels.ChannelSet`; physics.md 6): the factors' channel index masked to each
    group and assembled at linear order (f0, f1) or, with ``exact``, from f0 at the tilt; plus the group's part
    of the q-dependent per-channel ``sig_ch`` (n_ops, 2, 2, 2) when given.  The groups add up to the total."""
    out = {}
    a, b = FACTORS[mechanism]
    for label in chan.group_labels:
        mask = np.asarray(chan.group_mask(label), dtype=float)
        m0 = {a: f0[a] * mask[None, None, :, None], b: f0[b] * mask[None, :, None]}
        if exact:
            out[label] = sigma_of(mechanism, m0, pre, exchange)
        else:
            m1 = {a: f1[a] * mask[None, None, :, None], b: f1[b] * mask[None, :, None]}
            out[label] = linear_sigma(mechanism, m0, m1, alpha, pre, exchange)
        if sig_ch is not None:
            out[label] = out[label] + np.einsum("e,ecab->cab", mask, sig_ch)
    return out


def variant_change(job: Job, best, variant, order: str = "linear"):
    """|sigma(variant) - sigma(best)| with the changes of the factors counted separately.

    The pieces (each factor at alpha = 0 and its d/dalpha, each component) are moved from
    ``best`` to ``variant`` one at a time and the absolute changes of sigma added: exact
    (triangle inequality, second order included), and a variant's errors of different
    factors or components cannot cancel one another by accident -- they are independent
    estimates of independent errors (measured: at a coarse grid the sub-lattice changes of A
    and B in ENH(PT) cancelled in sigma to 1/14 of the true error)."""
    cur = ({k: v.copy() for k, v in best[0].items()}, {k: v.copy() for k, v in best[1].items()})
    prev = assemble(job, cur[0], cur[1], order)
    total = np.zeros_like(prev)
    for which in (0, 1):
        for k in cur[which]:
            for c in range(cur[which][k].shape[0]):
                if np.array_equal(cur[which][k][c], variant[which][k][c]):
                    continue
                cur[which][k][c] = variant[which][k][c]
                now = assemble(job, cur[0], cur[1], order)
                total = total + np.abs(now - prev)
                prev = now
    return total


__all__ = ["assemble", "bound", "box_factor", "propagate", "t_extrapolate", "variant_change"]
