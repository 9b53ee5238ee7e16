"""A coarse probe of a model's alpha = 0 spectrum: k scales, band ranges, gaps, band edges,
and the Fermi box (the k region where a band lies in an energy window).

Scaled momentum q_c = k_c / k_scale_c (dimensionless); energies eV; k in 1/nm.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ...models.base import SymbolicModel
from .numerics import _NUMERICS, ModelNumerics, clear_numerics as _clear_numerics, zero_tilt_values


def clear_numerics() -> None:
    """Forget the lambdified per-model numerics and the spectrum scans built from them."""
    _clear_numerics()
    _scan_cached.cache_clear()


@dataclass(frozen=True)
class Scan:
    """What a coarse probe of the alpha = 0 spectrum tells the grid.

    ``k_scale`` (1/nm, per direction): the scaled-momentum unit.  ``energy_scale`` (eV).
    ``band_min``/``band_max`` (per band index, eV) over the probe; ``edge_interior``:
    band extrema not on the probe boundary (genuine band edges, eV).  ``q`` (1-D probe
    coordinates in scaled units), ``eps`` (nq, nq, N) and ``vel`` (nq, nq, N, 2) at
    the probe points.
    """

    k_scale: tuple
    energy_scale: float
    band_min: np.ndarray
    band_max: np.ndarray
    edges: np.ndarray
    q: np.ndarray
    eps: np.ndarray
    vel: np.ndarray

    def gaps(self):
        """[(E_lo, E_hi), ...]: energy windows no band reaches on the probe (eV)."""
        out = []
        N = len(self.band_min)
        for n in range(N - 1):
            lo, hi = self.band_max[: n + 1].max(), self.band_min[n + 1:].min()
            if hi > lo:
                out.append((float(lo), float(hi)))
        return sorted(set(out))

    def in_band(self, mu: float) -> bool:
        """True if some band's probe range contains mu (open interval)."""
        return bool(np.any((self.band_min < mu) & (mu < self.band_max)))


def model_scales(num: ModelNumerics, params0):
    """(energy scale E_s in eV, (k_scale_x, k_scale_y) in 1/nm).

    E_s = half the spread of the k = 0 spectrum (|Delta| for the paper models);
    k_scale_c is where the spectral norm of H(k e_c) - H(0) first reaches E_s
    (|Delta|/(hbar v_c) for Dirac models).
    """
    H0 = num.ham.H(np.zeros(1), np.zeros(1), params0)[0]
    e0 = np.linalg.eigvalsh(H0)
    Es = 0.5 * float(e0[-1] - e0[0])
    if Es <= 0:
        Es = 0.01  # gapless at k = 0: a 10 meV reference scale
    ks = np.logspace(-8, 8, 1601)
    scales = []
    for c in range(2):
        kx, ky = (ks, 0 * ks) if c == 0 else (0 * ks, ks)
        d = num.ham.H(kx, ky, params0) - H0
        norm = np.max(np.abs(np.linalg.eigvalsh(d)), axis=-1)
        hit = np.flatnonzero(norm >= Es)
        if hit.size == 0:
            raise ValueError(f"model: H does not grow along k_{'xy'[c]}; the grid cannot choose a k range")
        j = hit[0]
        if j == 0:
            scales.append(float(ks[0]))
            continue
        lo, hi = ks[j - 1], ks[j]
        for _ in range(60):  # bisection on log k
            mid = np.sqrt(lo * hi)
            kk = np.array([mid])
            dm = num.ham.H(kk if c == 0 else 0 * kk, kk if c == 1 else 0 * kk, params0)[0] - H0
            if np.max(np.abs(np.linalg.eigvalsh(dm))) >= Es:
                hi = mid
            else:
                lo = mid
        scales.append(float(np.sqrt(lo * hi)))
    return Es, tuple(scales)


def probe_axis(q_max: float, n: int = 301, core: float = 0.02) -> np.ndarray:
    """Symmetric sinh-spaced probe coordinates in [-q_max, q_max] (dense near 0, contains 0)."""
    t = np.linspace(-np.arcsinh(q_max / core), np.arcsinh(q_max / core), n | 1)
    q = core * np.sinh(t)
    q[n // 2] = 0.0
    return q


def scan_model(num: ModelNumerics, params0, q_max: float = 512.0, n: int = 401) -> Scan:
    """Probe the alpha = 0 spectrum on a sinh-spaced Cartesian grid in scaled momentum.

    Scaled momentum q_c = k_c / k_scale_c (dimensionless; k_scale from :func:`model_scales`,
    |Delta| / hbar v_c in 1/nm for the paper models), |q_c| <= ``q_max``, ``n`` points
    per axis.  Returns a :class:`Scan`: the k scales (1/nm), the probe axis q, the levels
    (eV) and band velocities (eV nm) on the probe grid, each band's min/max energy (eV)
    and the band extrema found inside the probe (eV), used for the gap test and the
    Fermi box.  ``params0``: parameter vector at alpha = 0 (eV, eV nm).
    """
    Es, ksc = model_scales(num, params0)
    q = probe_axis(q_max, n)
    QX, QY = np.meshgrid(q, q, indexing="ij")
    kx, ky = QX * ksc[0], QY * ksc[1]
    eps, U = np.linalg.eigh(num.ham.H(kx, ky, params0))
    vel = np.stack([np.real(np.einsum("...in,...ij,...jn->...n", np.conj(U),
                                      num.ham.velocity(c, kx, ky, params0), U)) for c in range(2)], axis=-1)
    bmin, bmax, edges = _band_ranges(eps)
    return Scan(ksc, Es, bmin, bmax, edges, q, eps, vel)


def _band_ranges(eps):
    """(band minima, band maxima, sorted interior band edges) (eV) of probe levels ``eps`` (nq, nq, N): an
    extremum counts as a band edge when it is not on the probe's boundary."""
    n, N = eps.shape[0], eps.shape[-1]
    bmin, bmax = eps.reshape(-1, N).min(0), eps.reshape(-1, N).max(0)
    edges = []
    for b in range(N):
        for ext, fn in ((bmin[b], np.argmin), (bmax[b], np.argmax)):
            i, j = np.unravel_index(fn(eps[..., b]), eps.shape[:2])
            if 0 < i < n - 1 and 0 < j < n - 1:
                edges.append(float(ext))
    return bmin, bmax, np.array(sorted(set(edges)))


def tilted_scan(model: SymbolicModel, values, alpha: float) -> Scan:
    """The probe :class:`Scan` of ``model`` with its levels at the tilt ``alpha`` (eV nm, the unit of the
    model's tilt symbol): energies eps0 + alpha tau (eV) and velocities v + alpha grad tau (eV nm) on the
    alpha = 0 probe points, band ranges and interior band edges recomputed from them.  For where mu lies
    and how far it is from a band edge at the exact tilt (the Fermi box itself is
    :func:`symenh.integrate.thermal_box.tilted_box`)."""
    num, p0, scan = scan_for(model, values)
    kx = scan.q[:, None] * scan.k_scale[0] + 0 * scan.q[None, :]
    ky = scan.q[None, :] * scan.k_scale[1] + 0 * scan.q[:, None]
    tau, dtau = num.tilt_profile(kx, ky, p0)
    eps = np.asarray(scan.eps, dtype=float) + alpha * np.asarray(tau, dtype=float)[..., None]
    vel = np.asarray(scan.vel, dtype=float) + alpha * np.stack([np.asarray(d, dtype=float) for d in dtau],
                                                               -1)[..., None, :]
    bmin, bmax, edges = _band_ranges(eps)
    return dataclasses.replace(scan, band_min=bmin, band_max=bmax, edges=edges, eps=eps, vel=vel)


def tilted_paper_gap(gap_eV: float, hbar_v_y: float, alpha: float) -> float:
    """The band edge |Delta| sqrt(1 - (alpha / hbar v_y)^2) (eV) of a paper model (H_T, H_PT; tilt alpha k_y,
    alpha and hbar v_y in eV nm) at the exact tilt: the minimum over p of sqrt(p^2 + Delta^2) +
    (alpha / hbar v_y) p, valley and v_x independent."""
    t = abs(alpha / hbar_v_y) if hbar_v_y else 0.0
    return gap_eV * float(np.sqrt(max(0.0, 1.0 - t * t)))


def scan_for(model: SymbolicModel, values) -> tuple:
    """(ModelNumerics, params at alpha = 0, Scan) of a model, cached per parameter set."""
    num = ModelNumerics.build(model)
    p0 = zero_tilt_values(model, values)
    return num, p0, _scan_cached(model.source(), p0)


@lru_cache(maxsize=64)
def _scan_cached(key: str, p0: tuple) -> Scan:
    return scan_model(_NUMERICS[key], p0)


def fermi_box(scan: Scan, lo: float, hi: float, vel_window=None):
    """Bounding box (in scaled q) of probe points where some band lies in [lo, hi] (eV).

    Returns ((qx_lo, qx_hi), (qy_lo, qy_hi), (vmax_x, vmax_y)) padded by two probe
    cells, or None if no band enters the window.  ``vmax_c`` (eV nm) is the largest
    |d_c eps| of bands inside ``vel_window`` (default: [lo, hi]) within the box.
    """
    inside = np.any((scan.eps >= lo) & (scan.eps <= hi), axis=-1)
    if not inside.any():
        return None
    ii, jj = np.nonzero(inside)
    n = len(scan.q)
    i0, i1 = max(ii.min() - 2, 0), min(ii.max() + 2, n - 1)
    j0, j1 = max(jj.min() - 2, 0), min(jj.max() + 2, n - 1)
    if i0 == 0 or j0 == 0 or i1 == n - 1 or j1 == n - 1:
        raise ValueError("mu: the Fermi surface reaches the edge of the probed k range; "
                         "mu is too far from the model's energy scale for the grid path")
    vlo, vhi = vel_window if vel_window is not None else (lo, hi)
    sub_eps = scan.eps[i0:i1 + 1, j0:j1 + 1]
    sub_vel = scan.vel[i0:i1 + 1, j0:j1 + 1]
    near = (sub_eps >= vlo) & (sub_eps <= vhi)
    vmax = tuple(float(np.max(np.abs(sub_vel[..., c])[near])) if near.any() else float(
        np.max(np.abs(sub_vel[..., c]))) for c in range(2))
    return (scan.q[i0], scan.q[i1]), (scan.q[j0], scan.q[j1]), vmax
