r"""Grid path of both ENH mechanisms with any interaction: FFT-convolved exchange fields on
Cartesian grids at small temperature (:mod:`symenh.integrate.exchange_grid`), extrapolated to
T -> 0 and to an infinite reference sea, with an error estimate.

**T -> 0.**  Every sum is bilinear in Fermi-smeared shells.  For an interaction with a cusp,
V(|q|) = V(0) + V'(0+)|q| + ..., the pair integral of two shells at energies E, E' carries the
non-analytic term ``(E - E')^2 log|E - E'|`` (the line integral of |q| across two parallel
curves at distance d is analytic + d^2 log d), and odd powers |q|^3, ... give
``(E - E')^4 log|E - E'|``, ...; averaged over the Fermi factors (E = mu + kT x) they give

    sigma(T) = sigma(0) + sum_{m >= 1} T^{2m} (c_m + d_m log T)

(for V'(0+) = 0, e.g. contact, d_m = 0 and this is the Sommerfeld series in T^2 of the existing
grid path; symenh then uses the pure series).  The
extrapolation fits the basis {1, t^2, t^2 log t, t^4} (t = kT/kT_max) by least squares through
all temperatures (contact: Richardson in T^2, the pure series).  Its error estimate is the
largest change when the highest temperature is dropped, when the log term is replaced by t^6,
or when t^4 log t is added: over the narrow range of T a grid can afford the log coefficients
are poorly determined, and this spread is the measure of it (it dominates the grid's error for a
cusped V such as screened Coulomb: ~1e-4..1e-3 relative with the defaults).

**Exact tilt** (``order="exact"``, physics.md 7): the same sums with the occupations at the tilted
energies eps0 + alpha tau and the tilted velocities (the eigenvectors do not depend on alpha; module text
of :mod:`symenh.integrate.exchange_grid`), on the tilted Fermi box, at T = 0 through the same
T -> 0 fit (the Fermi shells sit at the tilted energies: the same series), with the temperatures set
by the distance of mu from the *tilted* band edge (paper models: |Delta| sqrt(1 - (alpha/hbar v_y)^2);
user models: the tilted probe), or at T > 0 directly.  exact - linear is O(alpha^3).

**Error estimate** (absolute, per mu, bounding every raw element): the T-extrapolation spread +
|best - sub| (every sum on the checkerboard sub-lattice, spacing sqrt(2) h: a strictly worse grid) + the change
when the reference sea is extrapolated without its largest window (K) + the change with cubic
instead of quintic interpolation of the annulus fields (interp) + a roundoff floor 1e-12 of the
sums of absolute values.

Options (``method="grid"``), defaults in :data:`DEFAULTS`: ``kT_fractions`` (kT_j / dist, dist the
smaller of the distance of mu from the nearest band edge and the cusp scale v_F |V(0)/V'(0+)|), ``temperatures_K`` (explicit, overrides),
``spacing_over_kT``, ``margin_kT``, ``sea_window``, ``sea_levels``, ``sea_points``,
``chunk_points``, ``max_points``, ``channel_block``, ``progress`` (None, True: lines on stderr, or a
callable taking one string: one line per mu and component with the Fermi box and reference-sea points
and the temperatures; it changes no number and enters no cache key).  Exchange within the valley of k only.
"""

from __future__ import annotations

import numpy as np

from ..errors import ResponseError
from ..integrate.exchange_grid import cusp_slope, grid_channel_tensors
from ..integrate.grid import scan_for, tilted_paper_gap, tilted_scan
from ..integrate.richardson import richardson
from ..units import KB_EV_PER_K
from .job import merged_options, progress_option

DEFAULTS = {
    "kT_fractions": tuple(1.0 / (6.0 * 2 ** (j / 2)) for j in range(6)),
    "temperatures_K": None,
    "spacing_over_kT": 0.75,
    "margin_kT": 18.0,
    "sea_window": 1.0,
    "sea_levels": 4,
    "sea_points": 193,
    "chunk_points": 65536,
    "max_points": 4_000_000,
    "channel_block": 4,
    "progress": None,
}
ROUNDOFF = 1e-12


def _options(options: dict) -> dict:
    opt = merged_options(options, DEFAULTS, "grid")
    opt["say"] = progress_option(opt)          # a reporter, never part of a cache key
    fr = np.atleast_1d(np.asarray(opt["kT_fractions"], dtype=float))
    if fr.size < 3 or np.any(~(fr > 0)) or len(set(fr)) != fr.size:
        raise ResponseError("kT_fractions: give at least three distinct positive fractions")
    for name in ("spacing_over_kT", "margin_kT", "sea_window"):
        if not float(opt[name]) > 0:
            raise ResponseError(f"{name}: must be positive, got {opt[name]!r}")
    if float(opt["sea_window"]) < 1.0:
        raise ResponseError("sea_window: must be >= 1 (the fine sea window must contain the Fermi box)")
    if int(opt["sea_levels"]) < 2:
        raise ResponseError("sea_levels: at least two annuli (the extrapolation in 1/K needs them)")
    return opt


def extrapolate_T(values, kTs, log_terms: bool):
    """(value at T = 0, error estimate) from values (n_T, ...) at temperatures kTs (eV, any order).

    ``log_terms``: fit {1, t^2, t^2 log t, t^4} (module text); otherwise Richardson in T^2.  The
    error is the largest change among the variants (module text); for the pure series also at
    least Richardson's own estimate."""
    order = np.argsort(kTs)[::-1]
    kTs = np.asarray(kTs, float)[order]
    v = np.asarray(values)[order]
    if not log_terms:
        best, e_r = richardson(v, kTs, power=2)
        alt = richardson(v[1:], kTs[1:], power=2)[0]
        return best, np.maximum(np.abs(best - alt), e_r)
    flat = v.reshape(len(kTs), -1)

    def fit(sel, names):
        t = kTs[sel] / kTs[sel].max()
        cols = {"1": t ** 0, "t2": t ** 2, "t2l": t ** 2 * np.log(t), "t4": t ** 4, "t4l": t ** 4 * np.log(t),
                "t6": t ** 6}
        names = names[:len(t)]
        A = np.stack([cols[n] for n in names], axis=1)
        return np.linalg.lstsq(A, flat[sel], rcond=None)[0][0]

    base = ["1", "t2", "t2l", "t4"]
    allT = np.arange(len(kTs))
    best = fit(allT, base)
    variants = [fit(allT[1:], base), fit(allT, ["1", "t2", "t4", "t6"]), fit(allT, base + ["t4l"])]
    err = np.max([np.abs(best - x) for x in variants], axis=0)
    return best.reshape(v.shape[1:]), err.reshape(v.shape[1:])


def _hbar_v_y(values) -> float:
    """hbar v_y (eV nm) of a paper model's parameter values."""
    from ..kernels.hamiltonian import values_by_name
    from ..models.symbols import HVY
    return float(values_by_name(values)[HVY.name])


def _cusp_energy(comp, values, mu, interaction, scan=None) -> float:
    """Energy scale v_F q_V of the interaction's cusp (q_V = |V(0)/V'(0+)|, = q_s for screened
    Coulomb): the smearing kT/v_F must stay well below q_V for the T-series to hold.  inf for
    a V without a cusp (contact).  ``scan``: the probe to take v_F from (default: the alpha = 0 one;
    the exact tilt passes the tilted probe)."""
    V0 = float(interaction.V(np.array([0.0]))[0])
    V1 = float(interaction.dV(np.array([0.0]))[0])
    if V1 == 0 or V0 == 0:
        return np.inf
    if scan is None:
        _, _, scan = scan_for(comp, values)
    near = np.abs(scan.eps - mu) < 0.05 * max(abs(mu), scan.energy_scale)
    speed = np.hypot(scan.vel[..., 0], scan.vel[..., 1])
    vF = float(np.max(speed[near])) if np.any(near) else float(np.max(speed))
    return vF * abs(V0 / V1)


def _e_ref_and_edges(comp, values, mu, gap):
    if gap is not None:
        return 0.0, np.array([gap, -gap])
    _, _, scan = scan_for(comp, values)
    gaps = scan.gaps()
    if not gaps:
        raise ResponseError("grid: the Fermi-sea factor needs a spectral gap in the model (none found on the probe)")
    dist = [0.0 if lo <= mu <= hi else min(abs(mu - lo), abs(mu - hi)) for lo, hi in gaps]
    lo, hi = gaps[int(np.argmin(dist))]
    return 0.5 * (lo + hi), scan.edges


def compute_exchange_grid(components, channel_sets, mechanism: str, mu_eV, values, interaction, *,
                          alpha: float, tau_over_hbar: float, enh_sign: int, exchange_valleys: str = "same",
                          gap_eV: float | None = None, kT_eV: float = 0.0, order: str = "linear", **options):
    """Per-channel raw ENH tensors on the grid: (T (n_mu, n_ch, 2, 2, 2), err (n_mu,)).

    T = alpha * s * (tau/hbar for enh-t) * (t_i^{cab} - t_i^{acb}), e^3/hbar nm/eV, before the
    channel weights; err bounds every element of the weighted channel sum (|w_i| <= 1).
    ``order="exact"``: T = s * (tau/hbar for enh-t) * (t_i^{cab}(alpha) - t_i^{acb}(alpha)), the tensors
    at the tilt alpha itself (occupations at eps0 + alpha tau, :mod:`symenh.integrate.exchange_grid`),
    with the band edges of the tilted spectrum (paper models: |Delta| sqrt(1 - (alpha/hbar v_y)^2);
    otherwise the tilted probe, :func:`symenh.integrate.grid.probe.tilted_scan`) for the gap test and
    the temperatures; the error estimate is formed as at linear order.
    ``gap_eV``: |Delta| for the paper models (their exact band edges), else None (probe).
    ``kT_eV`` > 0: the tensors at that temperature itself (one Fermi-smeared grid, no T -> 0
    extrapolation; the error is then the sub-lattice, sea-window and interpolation variants plus
    the roundoff floor and the weight exp(-margin_kT) of the Fermi tails beyond the box);
    mu in a gap is then thermally activated (the box reaches margin_kT kT beyond the band edge).
    """
    if mechanism not in ("enh-t", "enh-pt"):
        raise ResponseError(f"mechanism: the exchange path computes enh-t and enh-pt, not {mechanism!r}")
    if exchange_valleys != "same":
        raise ResponseError("exchange_valleys: the exchange grid path keeps k' in the valley of k ('same'); "
                            "'all' (contact only) is offered by method='quadrature'")
    if order not in ("linear", "exact"):
        raise ResponseError(f"order: the exchange grid path gives order 'linear' or 'exact', not {order!r}")
    exact = order == "exact"
    opt = _options(options)
    mu_all = np.atleast_1d(np.asarray(mu_eV, dtype=float))
    n_ch = channel_sets[0].n_channels
    out = np.zeros((len(mu_all), n_ch, 2, 2, 2))
    err = np.zeros(len(mu_all))
    if alpha == 0 and exact and gap_eV is None:
        raise ResponseError("order: the exchange grid gives order='exact' at a non-zero tilt only for a user's "
                            "model (at alpha = 0 sigma of the untilted H need not vanish); use order='linear' (zero) "
                            "or method='quadrature' where it takes the interaction")
    if alpha == 0:
        return out, err                 # linear order, or a paper model untilted: zero by symmetry
    pref = (1.0 if exact else alpha) * enh_sign * (tau_over_hbar if mechanism == "enh-t" else 1.0)
    log_terms = cusp_slope(interaction) != 0      # no cusp (contact, a constant or smooth-in-q^2 V): pure T^2 series
    w = np.abs(np.asarray(channel_sets[0].weights, dtype=float))
    direct = kT_eV > 0
    say = opt["say"]
    edge = gap_eV
    scans = {}
    if exact:
        if gap_eV is not None:
            edge = tilted_paper_gap(gap_eV, _hbar_v_y(values), alpha)
        else:
            scans = {id(c): tilted_scan(c, values, alpha) for c in components}
    say(f"grid (exchange): {mechanism} at {len(mu_all)} mu, {len(components)} component(s), {n_ch} channel(s), "
        + (f"kT = {kT_eV:.4g} eV" if direct else "T -> 0") + (f", exact tilt alpha = {alpha:g}" if exact else ""))
    for i, mu in enumerate(mu_all):
        if edge is not None and abs(mu) <= edge and not direct:
            say(f"grid (exchange): mu = {mu:g} eV lies in the gap: exactly zero at T = 0")
            continue
        tot = {v: np.zeros((n_ch, 2, 2, 2)) for v in ("best", "sub", "K", "interp", "abs")}
        eT = np.zeros((2, 2, 2))
        found = False
        for comp, ch in zip(components, channel_sets):
            E_ref, edges = _e_ref_and_edges(comp, values, mu, gap_eV)
            tscan = scans.get(id(comp))
            if exact and gap_eV is not None:
                edges = np.array([edge, -edge])
            elif tscan is not None:
                edges = tscan.edges
            if gap_eV is not None:
                in_band = abs(mu) > edge
            else:
                in_band = (tscan if tscan is not None else scan_for(comp, values)[2]).in_band(mu)
            if not in_band and not direct:
                continue
            dist = float(np.min(np.abs(mu - edges))) if len(edges) else abs(mu)
            o = opt
            if direct:
                kTs = np.array([float(kT_eV)])
                if not in_band:        # thermally activated: the window reaches margin_kT beyond the edge
                    o = dict(opt, margin_kT=float(opt["margin_kT"]) + dist / kT_eV)
            else:
                dist = min(dist, _cusp_energy(comp, values, mu, interaction, tscan))
                if opt["temperatures_K"] is not None:
                    kTs = KB_EV_PER_K * np.atleast_1d(np.asarray(opt["temperatures_K"], dtype=float))
                else:
                    kTs = dist * np.atleast_1d(np.asarray(opt["kT_fractions"], dtype=float))
            res = grid_channel_tensors(comp, ch, values, float(mu), kTs, mechanism, interaction, E_ref, o,
                                       alpha=float(alpha) if exact else None)
            if res is None:
                continue
            found = True
            if direct:
                for v in ("best", "sub", "K", "interp"):
                    tot[v] += res[v][0]
                tot["abs"] += res["abs"][0]
                continue
            for v in ("best", "sub", "K", "interp"):
                tot[v] += extrapolate_T(res[v], kTs, log_terms)[0]
            # the error of the weighted channel sum (the extrapolation is linear: extrapolate the sum)
            eT += extrapolate_T(np.einsum("i,tiab...->tab...", w, res["best"]), kTs, log_terms)[1]
            tot["abs"] += np.max(res["abs"], axis=0)
        if not found:
            continue

        def wsum(T):
            A = T - np.swapaxes(T, 1, 2)
            return np.einsum("i,i...->...", w, A)

        best = wsum(tot["best"])
        spread = sum(np.abs(wsum(tot[v]) - best) for v in ("sub", "K", "interp"))
        spread = spread + eT + np.swapaxes(eT, 0, 1)
        floor = (ROUNDOFF + (2 * np.exp(-float(opt["margin_kT"])) if direct else 0.0)) * 2 * np.max(tot["abs"])
        out[i] = pref * (tot["best"] - np.swapaxes(tot["best"], 1, 2))
        err[i] = abs(pref) * (float(np.max(spread)) + floor)
    return out, err


__all__ = ["DEFAULTS", "compute_exchange_grid", "extrapolate_T"]
