"""Brute-force Cartesian k-grid integrals at small finite temperature (the slow reference).

Everything here is independent of the symbolic geometry: at every grid point the
Bloch Hamiltonian is diagonalised numerically (:func:`symenh.kernels.band_geometry`,
numpy ``eigh`` + velocity and spin matrix elements), and band velocities come from
the diagonal velocity matrix elements (Hellmann-Feynman), traced over degenerate
levels like every other quantity.

The tilt enters only through the occupations, ``eps_N = eps0_N + alpha tau(k)``
(physics.md 1), so the alpha-derivative is taken exactly on the Fermi function
``f(eps) = 1/(exp((eps - mu)/kT) + 1)`` and no derivative of the geometry is ever
needed.  With ``v_c = d_c eps0`` (eV nm), ``f', f''`` at ``eps0``, and
``int = int d^2k/(2 pi)^2`` (1/nm^2) summed over levels N:

* surface factor ``F^c[Q] = sum int (d_c f) Q``:
  value at alpha = 0  ``sum int f' v_c Q``;
  d/d alpha           ``sum int [f'' tau v_c + f' d_c tau] Q``;
* sea factor ``sum int f Q``: d/d alpha ``sum int f' tau Q``;
* BCD ``D_b = sum int f d_b Omega = -F^b[Omega]`` (integration by parts).

The alpha = 0 Fermi-sea value ``B0 = sum int f S`` (paper Eq. 9, k' factor) is split
as ``B0 = B_ref + sum int (f - theta_ref) S``: ``theta_ref`` fills every level below a
reference energy ``E_ref`` inside a spectral gap, so the difference has compact
support (the Fermi disc) and goes on the fine Fermi-box grid, while ``B_ref`` (the
filled bands, mu-independent, conditionally convergent) is split with smooth
*circular* windows ``w(|q|/K)`` in scaled momentum: ``w S`` on a coarser Cartesian
grid, plus the tail ``(1 - w) S`` integrated on circles (angle first, trapezoid,
so the dipolar 1/k^2 parts of S cancel) and then in the radius (Clenshaw-Curtis
panels) out to where the measured power-law remainder is negligible
(:func:`sea_tail`).  Nothing about the large-k form of S is assumed (it falls as
1/k^3 on average for the Dirac models, as 1/k^6 for a mass growing as k^2); the
sum must not depend on K, which the error estimate checks with several K.

Scaled momentum: ``q_c = k_c / k_scale_c`` with ``k_scale_c`` the k at which the
k-dependent part of H reaches the k = 0 energy scale (for the paper models
``k_scale_c = |Delta| / (hbar v_c)``, i.e. ``q = p / |Delta|`` with ``p = hbar v k``).

Grid sums are plain Cartesian (trapezoidal) sums, which converge exponentially for
these smooth integrands (Fermi function of width kT, geometry analytic); each sum is
also taken on the checkerboard sub-lattice (spacing sqrt(2) h) to estimate the
grid error.  Memory is bounded by chunking over grid rows (``chunk_points``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from ..kernels.direct import DEFAULT_DEGENERACY_TOL, band_geometry
from ..kernels.hamiltonian import NumericHamiltonian, param_vector, values_by_name
from ..models.base import SymbolicModel

TWO_PI_SQ = 4.0 * np.pi**2


# ---------------------------------------------------------------------------
# Fermi function and its energy derivatives (overflow-free)
# ---------------------------------------------------------------------------

def fermi_derivatives(eps, mu: float, kT: float):
    """(f, df/deps, d^2f/deps^2) of the Fermi function at energies ``eps`` (eV).

    Units: 1, 1/eV, 1/eV^2.  Written with ``exp(-|x|)`` only, so it never overflows.
    """
    x = (np.asarray(eps) - mu) / kT
    e = np.exp(-np.abs(x))
    th = np.tanh(0.5 * x)
    sech2 = 4.0 * e / (1.0 + e) ** 2          # sech^2(x/2)
    f = np.where(x > 0, e / (1.0 + e), 1.0 / (1.0 + e))
    f1 = -sech2 / (4.0 * kT)
    f2 = sech2 * th / (4.0 * kT**2)
    return f, f1, f2


# ---------------------------------------------------------------------------
# Smooth cutoff window
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Per-model numeric pieces (cached: lambdify is slow)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ModelNumerics:
    """Numeric H, the tilt profile tau(k) = d(Tr H / N)/d alpha (1/nm) and its gradient (1/nm^2)."""

    model: SymbolicModel
    ham: NumericHamiltonian
    tau: object
    dtau: tuple

    @classmethod
    def build(cls, model: SymbolicModel) -> "ModelNumerics":
        return _numerics(model.source(), model)

    def tilt_profile(self, kx, ky, params):
        """tau(k) (1/nm) and [d_x tau, d_y tau] (1/nm^2) at k, broadcast to kx.shape."""
        t = np.broadcast_to(np.asarray(self.tau(kx, ky, *params), dtype=float), kx.shape)
        d = [np.broadcast_to(np.asarray(f(kx, ky, *params), dtype=float), kx.shape) for f in self.dtau]
        return t, d


_NUMERICS: dict = {}


def clear_numerics() -> None:
    """Forget the lambdified per-model numerics and the spectrum scans built from them."""
    _NUMERICS.clear()
    _scan_cached.cache_clear()


def _numerics(key: str, model: SymbolicModel) -> ModelNumerics:
    if key not in _NUMERICS:
        if model.tilt_symbol is None:
            raise ValueError("model: the grid path needs a model with a tilt_symbol")
        args = (*model.k, *model.params)
        tau_expr = sp.diff(model.identity_part(), model.tilt_symbol)
        tau = sp.lambdify(args, tau_expr, "numpy")
        dtau = tuple(sp.lambdify(args, sp.diff(tau_expr, ka), "numpy") for ka in model.k)
        _NUMERICS[key] = ModelNumerics(model, NumericHamiltonian.build(model), tau, dtau)
    return _NUMERICS[key]


def zero_tilt_values(model: SymbolicModel, values) -> tuple:
    """Parameter vector of ``model`` with the tilt symbol set to 0 (alpha = 0 spectrum)."""
    vals = values_by_name(values)
    vals[model.tilt_symbol.name] = 0.0
    return param_vector(model, vals)


# ---------------------------------------------------------------------------
# Geometry on a chunk of points, with level-traced Hellmann-Feynman velocities
# ---------------------------------------------------------------------------

def chunk_geometry(num: ModelNumerics, kx, ky, params0, degeneracy_tol=DEFAULT_DEGENERACY_TOL):
    """Band geometry at 1-D arrays of k (alpha = 0), plus level-traced band velocities.

    Returns (bg, vel) with ``bg`` a :class:`~symenh.kernels.direct.BandGeometry` and
    ``vel`` of shape (P, N, 2) in eV nm: ``d_c eps0`` of each band's level
    (Hellmann-Feynman ``Re <n|v^c|n>`` averaged over the degenerate level).
    """
    bg = band_geometry(num.model, kx, ky, dict(zip((p.name for p in num.model.params), params0)),
                       degeneracy_tol=degeneracy_tol, ham=num.ham)
    return bg, bg.velocity


# ---------------------------------------------------------------------------
# Scales, band ranges and the probe of a model
# ---------------------------------------------------------------------------

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
    N = eps.shape[-1]
    bmin, bmax = eps.reshape(-1, N).min(0), eps.reshape(-1, N).max(0)
    edges = []
    for n_ in range(N):
        for ext, fn in ((bmin[n_], np.argmin), (bmax[n_], np.argmax)):
            i, j = np.unravel_index(fn(eps[..., n_]), eps.shape[:2])
            if 0 < i < len(q) - 1 and 0 < j < len(q) - 1:
                edges.append(float(ext))
    return Scan(ksc, Es, bmin, bmax, np.array(sorted(set(edges))), q, eps, vel)


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


# ---------------------------------------------------------------------------
# Uniform grids, chunked over rows
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class UniformGrid:
    """A uniform Cartesian grid in k (1/nm): x = x0 + i hx, y = y0 + j hy."""

    x0: float
    y0: float
    hx: float
    hy: float
    nx: int
    ny: int

    @property
    def cell(self) -> float:
        """Weight of one point in int d^2k/(2 pi)^2 (1/nm^2)."""
        return self.hx * self.hy / TWO_PI_SQ

    @property
    def size(self) -> int:
        return self.nx * self.ny

    def chunks(self, chunk_points: int):
        """Yield (kx, ky, sub) 1-D arrays over blocks of whole rows; ``sub`` is 2 on the
        even checkerboard sub-lattice (i + j even) and 0 elsewhere."""
        rows = max(1, int(chunk_points) // self.nx)
        i = np.arange(self.nx)
        for j0 in range(0, self.ny, rows):
            j = np.arange(j0, min(j0 + rows, self.ny))
            I, J = np.meshgrid(i, j, indexing="xy")
            kx = (self.x0 + I * self.hx).ravel()
            ky = (self.y0 + J * self.hy).ravel()
            sub = np.where((I + J) % 2 == 0, 2.0, 0.0).ravel()
            yield kx, ky, sub


def grid_over(xlim, ylim, hx: float, hy: float) -> UniformGrid:
    """Uniform grid covering [xlim] x [ylim] (1/nm) with spacings at most hx, hy.

    The point counts are odd, so a mirror symmetry of the integrand about the box
    centre maps each checkerboard sub-lattice onto itself: the sub-lattice sum is
    then a genuinely coarser estimate (with even counts the two sub-lattices could
    be mirror images and agree exactly with the full sum, hiding the grid error).
    """
    nx = int(np.ceil((xlim[1] - xlim[0]) / hx)) + 1
    ny = int(np.ceil((ylim[1] - ylim[0]) / hy)) + 1
    nx, ny = nx | 1, ny | 1
    hx = (xlim[1] - xlim[0]) / (nx - 1)
    hy = (ylim[1] - ylim[0]) / (ny - 1)
    return UniformGrid(xlim[0], ylim[0], hx, hy, nx, ny)


# ---------------------------------------------------------------------------
# The two integrals
# ---------------------------------------------------------------------------


def fermi_box_sums(num: ModelNumerics, params0, grid: UniformGrid, mu: float, kTs, E_ref: float,
                   chunk_points: int = 16384) -> dict:
    """All Fermi-surface factors and the sea difference on ``grid`` at each kT.

    Returns {name: array (3, nT, *shape)}: index 0 the full grid, 1 the checkerboard
    sub-lattice, 2 the sums of absolute values of the terms (the roundoff scale).  Names (internal units, spec.py): ``D1`` = dD/dalpha (1/eV),
    ``X1`` = dX/dalpha [c][b][a], ``A0``, ``A1`` [c][eta][a], ``C0``, ``C1`` [eta][b],
    ``B1`` = dB/dalpha, ``Bd`` = sum int (f - theta_ref) S at alpha = 0 [eta][b].
    """
    kTs = np.asarray(kTs, dtype=float)
    nT = len(kTs)
    # raw[s, t, weight w, quantity q]: w = 0,1 (w0_c), 2,3 (w1_c), 4 (f' tau), 5 (f - theta_ref);
    # q = 0 Omega, 1..4 G^{ab}, 5..12 S^{eta a}, 13..16 <s^eta>  (summed over points and bands)
    raw = np.zeros((3, nT, 6, 17))      # 0 full grid, 1 sub-lattice, 2 sum of |terms| (roundoff scale)
    for kx, ky, sub in grid.chunks(chunk_points):
        bg, vel = chunk_geometry(num, kx, ky, params0)
        tau, dtau = num.tilt_profile(kx, ky, params0)
        eps = bg.energy
        P, N = eps.shape
        Q = np.concatenate([bg.berry_curvature[..., None], bg.bcp.reshape(P, N, 4),
                            bg.sbp.reshape(P, N, 8), bg.spin], axis=-1).reshape(P * N, 17)
        wdeg = 1.0 / bg.degeneracy                         # (P, N): level sums from band sums
        theta = (eps < E_ref).astype(float)
        dt = np.stack(dtau, -1)[:, None, :]                # (P, 1, 2)
        for t, kT in enumerate(kTs):
            f, f1, f2 = fermi_derivatives(eps, mu, kT)
            f1w, f2w = f1 * wdeg, f2 * wdeg
            W = np.concatenate([f1w[..., None] * vel,                                     # w0_c
                                (f2w * tau[:, None])[..., None] * vel + f1w[..., None] * dt,  # w1_c
                                (f1w * tau[:, None])[..., None],                          # f' tau
                                ((f - theta) * wdeg)[..., None]], axis=-1)                # f - theta
            raw[0, t] += W.reshape(P * N, 6).T @ Q
            Wsub = W * sub[:, None, None]
            raw[1, t] += Wsub.reshape(P * N, 6).T @ Q
            raw[2, t] += np.abs(W).reshape(P * N, 6).T @ np.abs(Q)
    raw *= grid.cell
    Om, Gq, Sq, sp_ = raw[..., 0], raw[..., 1:5], raw[..., 5:13], raw[..., 13:17]
    G4 = Gq.reshape(3, nT, 6, 2, 2)                     # [..., w, a, b] = sum w G^{ab}
    S4 = Sq.reshape(3, nT, 6, 4, 2)                     # [..., w, eta, a]
    Om = Om * np.array([-1.0, -1.0, 1.0])[:, None, None]  # D = -F[Omega]; keep |.| sums positive
    out = {
        "D1": Om[:, :, 2:4],
        "X1": np.swapaxes(G4[:, :, 2:4], -1, -2),       # X^{cba} = sum w1_c G^{ba}
        "A0": S4[:, :, 0:2], "A1": S4[:, :, 2:4],
        "C0": np.swapaxes(sp_[:, :, 0:2], -1, -2), "C1": np.swapaxes(sp_[:, :, 2:4], -1, -2),
        "B1": S4[:, :, 4], "Bd": S4[:, :, 5],
    }
    return {k: np.ascontiguousarray(v) for k, v in out.items()}


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

    Returns (a, a_half, a_abs, e_max): ``a`` (nr, 4, 2); ``a_half`` the same on every other
    angle (n_theta / 2 points, the angular-resolution check); ``a_abs`` with |S| (roundoff
    scale); ``e_max`` (nr,) the largest |eps0| on each circle (eV).
    """
    radii = np.asarray(radii, dtype=float)
    nr = len(radii)
    th = 2.0 * np.pi * np.arange(n_theta) / n_theta
    c, s = np.cos(th), np.sin(th)
    pref = k_scale[0] * k_scale[1] / TWO_PI_SQ * radii * (2.0 * np.pi / n_theta)
    a = np.zeros((nr, 8))
    a_half = np.zeros((nr, 8))
    a_abs = np.zeros((nr, 8))
    e_max = np.zeros(nr)
    rows = max(1, int(chunk_points) // n_theta)
    even = (np.arange(n_theta) % 2 == 0).astype(float) * 2.0
    for i0 in range(0, nr, rows):
        r = radii[i0:i0 + rows]
        kx = (r[:, None] * c[None, :] * k_scale[0]).ravel()
        ky = (r[:, None] * s[None, :] * k_scale[1]).ravel()
        bg, _ = chunk_geometry(num, kx, ky, params0)
        filled = (bg.energy < E_ref) / bg.degeneracy
        Sf = np.sum(filled[..., None, None] * bg.sbp, axis=1).reshape(len(r), n_theta, 8)
        a[i0:i0 + rows] = Sf.sum(1)
        a_half[i0:i0 + rows] = np.einsum("rtq,t->rq", Sf, even)
        a_abs[i0:i0 + rows] = np.abs(Sf).sum(1)
        e_max[i0:i0 + rows] = np.abs(bg.energy).reshape(len(r), -1).max(1)
    p = pref[:, None]
    return (a * p).reshape(nr, 4, 2), (a_half * p).reshape(nr, 4, 2), (a_abs * p).reshape(nr, 4, 2), e_max


@dataclass(frozen=True)
class SeaTail:
    """Radial tails ``T(K) = int_0^inf (1 - w(r/K)) a(r) dr`` of the filled-band sea, per cutoff K.

    ``value``, ``coarse``, ``abs``: (nK, 4, 2) in 1/(eV nm).  ``coarse`` uses half the
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
        a_l, ah_l, aa_l, r_l, w_l, wh_l = [], [], [], [], [], []
        power = power_prev = np.nan
        rem = rem_prev = np.zeros((4, 2))
        scale = 0.0
        batch = list(zip(edges[:-1], edges[1:]))
        while True:
            r = np.concatenate([0.5 * (a + b) + 0.5 * (b - a) * x for a, b in batch])
            jac = np.concatenate([np.full(len(x), 0.5 * (b - a)) for a, b in batch])
            a, ah, aa, emax = sea_angular_profile(num, params0, k_scale, E_ref, r, n_theta, chunk_points)
            a_l.append(a); ah_l.append(ah); aa_l.append(aa); r_l.append(r)
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
                raise ValueError(f"Fermi sea: the angular average of S decays only as r^-{power:.3g} "
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
        absval = np.einsum("kr,r,rab->kab", one_minus, W, Aa) + np.abs(rem)
        return SeaTail(value, coarse, absval, float(power), float(r_all.max()), rem, n_theta)


def sea_reference_sums(num: ModelNumerics, params0, k_scale, E_ref: float, cutoffs, spacing: float,
                       chunk_points: int = 16384) -> np.ndarray:
    """Filled-band Fermi sea ``sum_N int theta(E_ref - eps0_N) S_N w(|q|/K)`` for each K.

    ``cutoffs`` K in scaled units q (circular in scaled momentum); ``spacing`` the grid
    step in q.  The grid covers |q_c| <= 2 max(K).  Returns (3, nK, 4, 2) in 1/(eV nm):
    full grid, checkerboard sub-lattice, sums of absolute values (roundoff scale).
    """
    cutoffs = np.asarray(cutoffs, dtype=float)
    Q = 2.0 * cutoffs.max()
    n = int(np.ceil(Q / spacing))
    h = Q / n
    grid = UniformGrid(-Q * k_scale[0], -Q * k_scale[1], h * k_scale[0], h * k_scale[1], 2 * n + 1, 2 * n + 1)
    out = np.zeros((3, len(cutoffs), 4, 2))
    for kx, ky, sub in grid.chunks(chunk_points):
        r = np.hypot(kx / k_scale[0], ky / k_scale[1])
        keep = r < Q
        kx, ky, sub, r = kx[keep], ky[keep], sub[keep], r[keep]
        if kx.size == 0:
            continue
        bg, _ = chunk_geometry(num, kx, ky, params0)
        filled = (bg.energy < E_ref) / bg.degeneracy       # (P, N)
        win = np.stack([smooth_window(r / K) for K in cutoffs])  # (nK, P)
        m = np.stack([np.ones_like(sub), sub])
        Sf = np.sum(filled[..., None, None] * bg.sbp, axis=1).reshape(len(kx), 8)   # (P, 8)
        out[:2] += ((m[:, None, :] * win[None]) @ Sf).reshape(2, len(cutoffs), 4, 2)
        out[2] += (win @ np.abs(Sf)).reshape(len(cutoffs), 4, 2)
    return out * grid.cell
