r"""Brute-force grid sums of both ENH mechanisms with a q-dependent interaction: the k' sum of the
exchange fields as an FFT convolution on zero-padded Cartesian grids, at small temperature.

Independent of the quadrature path (:mod:`symenh.integrate.exchange`): no contour, no polar
coordinates, no symbolic geometry.  At every grid point the channel model is diagonalised
(:func:`symenh.kernels.band_geometry` through :mod:`symenh.integrate.grid`), and the linear order
in the tilt is taken exactly on the Fermi functions (the tilt only shifts energies,
eps = eps0 + alpha tau(k)).  With f, f', f'' at eps0 (per band, level sums through 1/degeneracy),
``int = h^2/(2 pi)^2 sum`` over a square lattice of spacing h (1/nm) and ``*`` the lattice
convolution with V(|k - k'|):

    a0^{c,ia} = sum_n f'_n v_c S^{ia}_n            a1^{c,ia} = sum_n (f''_n tau v_c + f'_n d_c tau) S^{ia}_n
    PT:  F0 = W_ref + V * sum_n (f_n - theta_ref,n) S_n,     F1 = V * sum_n f'_n tau S_n
    T:   F0 = V * sum_n f'_n v_b <Gamma>_n,                  F1 = V * sum_n (f''_n tau v_b + f'_n d_b tau) <Gamma>_n
    t_i^{cab} = int [a1^{c,ia} F0^{ib} + a0^{c,ia} F1^{ib}]      (d/dalpha of int (d_c f) S^{ia} F^{ib})

(the same bilinear structure as the quadrature path, obtained here by differentiating the Fermi
functions, not by parts).  ``theta_ref`` fills every level below E_ref (a point in the gap), so
every source above has compact support in the *Fermi box* and the box convolutions are exact
discrete convolutions (zero padding to at least 2n - 1 points per axis, ``scipy.fft``).

**The exact tilt** (``alpha`` given, ``order="exact"``; physics.md 7).  The tilt is alpha tau(k) on the
identity, so the eigenvectors -- S, <Gamma>, every interband quantity -- are those at alpha = 0 and only
the level energies move, E_n = eps0_n + alpha tau.  The tensors at the tilt itself are then the same
bilinear sums with the occupations at E_n and the tilted velocities d_c E_n = v_c + alpha d_c tau:

    a^{c,ia} = sum_n f'(E_n) d_c E_n S^{ia}_n
    PT:  F = W_ref + V * sum_n (f(E_n) - theta_ref,n) S_n          T:  F = V * sum_n f'(E_n) d_b E_n <Gamma>_n
    t_i^{cab}(alpha) = int a^{c,ia} F^{ib}                          (the integrals themselves, not d/dalpha)

``theta_ref`` stays the untilted filled bands (eps0 < E_ref, so W_ref is the alpha-independent sea of
the linear order) and the box is the tilted Fermi box (:func:`symenh.integrate.thermal_box.tilted_box`:
every k where a tilted or an untilted level lies in the window), so the sources keep compact support.
Every estimate variant below is formed the same way; the T -> 0 series is that of the linear order
(the shells sit at the tilted energies).  :func:`symenh.integrate.grid.probe.tilted_scan` gives the tilted band edges.

**The filled reference sea** ``W_ref(k) = int_k' V(|k - k'|) sum_n theta_ref,n S_n(k')`` (T- and
mu-independent, smooth in k) is split by smooth circular windows ``w(r/K)`` in scaled momentum
r (1 for r <= 1, 0 for r >= 1.5, C-infinity): the window K_0 = ``sea_window`` x (scaled radius
of the Fermi box) on the fine lattice (a lattice containing the box lattice), and the annuli
``w(r/K_l) - w(r/K_{l-1})``, K_l = 2^l K_0, each on its own coarser lattice (``sea_points`` per
side) whose field at the Fermi box is smooth (its sources lie at least ~r_box away) and is
interpolated to the box points by quintic splines.  The truncated sums at K_1 .. K_L are
extrapolated to K -> infinity in powers of 1/K (Richardson, power 1: the window tail of an
integrand with an asymptotic expansion in 1/r is a series in 1/K; circular windows make the
conditionally convergent dipolar 1/r^2 parts of S vanish, as the angle-first rule does).

**The cusp of V.**  V(|q|) = V(0) + V'(0+)|q| + ...: the lattice sum of |q| phi(q) misses the
integral by ``Z h^3 phi(0)`` with Z = Z_{Z^2}(-1/2) = 4 zeta(-1/2) beta(-1/2) = -0.2288243...
(the Epstein zeta function of the square lattice; generalised Euler-Maclaurin).  The kernel's
origin value is therefore V(0) - Z V'(0+) h; the remaining error is O(h^5).  This needs h_x = h_y.

Variants returned beside the best sums, for the error estimate of
:mod:`symenh.responses.exchange_grid`: ``sub`` (every sum, convolutions included, on the
checkerboard sub-lattice of spacing sqrt(2) h, as the existing grid path does),
``K`` (the reference sea extrapolated without its largest window), ``interp`` (cubic instead of
quintic interpolation of the annulus fields), ``abs`` (sums of absolute values: roundoff scale).

Units: k and h in 1/nm, energies eV, V eV nm^2, fields nm (W) and eV nm (Y); the tensors t_i^{cab}
are d/dalpha of the surface integrals, per eV nm of tilt (nm/eV / (eV nm) for PT, 1/(eV nm) for T):
the caller multiplies by alpha, the convention sign and tau/hbar (T) to get e^3/hbar nm/eV.  At the
exact tilt they are the integrals themselves (nm/eV for PT, dimensionless for T): the caller multiplies
by the convention sign and tau/hbar (T) only.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import fft as sfft
from scipy.interpolate import RectBivariateSpline

from ..errors import ParameterError
from ..interactions import Interaction
from ..geometry.channels import ChannelSet
from .exchange import checked_V
from .grid import ModelNumerics, chunk_geometry, fermi_box, fermi_derivatives, scan_for
from .grid.filled_sea import smooth_window
from .thermal_box import tilted_box

#: Z(-1/2) of the square lattice, 4 zeta(-1/2) beta(-1/2) (mpmath; tested against a lattice sum)
ZETA_SQUARE = -0.22882431037721895334774985455
TWO_PI_SQ = 4 * np.pi ** 2


def window(x):
    """Smooth radial window: 1 for x <= 1, 0 for x >= 1.5 (C-infinity)."""
    return smooth_window(1.0 + 2.0 * (np.asarray(x, dtype=float) - 1.0))


def cusp_slope(interaction: Interaction) -> float:
    """V'(0+) in eV nm^3 (0 for contact)."""
    return float(checked_V(interaction, np.array([0.0]), derivative=True)[0])


class Convolver:
    """Lattice convolution ``F(k_i) = h^2/(2 pi)^2 sum_j V(|k_i - k_j|) src(k_j)`` on an
    (ny, nx) square lattice of spacing h (1/nm) by zero-padded FFTs; the kernel's origin value
    is corrected for the cusp of V (module text) when ``correct``, for a square lattice of spacing
    ``lattice_spacing`` (default h; sqrt(2) h for the checkerboard sub-lattice, fed with sources
    doubled on it and zero elsewhere).  With ``out`` = (my, mx) the
    field is returned on the central my x mx block only (the padding then needs n + m - 1 points
    per axis instead of 2 n - 1: wrap-around only reaches outputs outside the block)."""

    def __init__(self, interaction: Interaction, h: float, ny: int, nx: int, correct: bool = True, out=None,
                 lattice_spacing: float | None = None):
        my, mx = out if out is not None else (ny, nx)
        My, Mx = sfft.next_fast_len(ny + my - 1, real=True), sfft.next_fast_len(nx + mx - 1, real=True)
        jy, jx = np.arange(My), np.arange(Mx)
        dy = np.where(jy <= My // 2, jy, jy - My) * h
        dx = np.where(jx <= Mx // 2, jx, jx - Mx) * h
        q = np.hypot(dy[:, None], dx[None, :])
        K = checked_V(interaction, q)
        if correct:
            K[0, 0] = K[0, 0] - ZETA_SQUARE * cusp_slope(interaction) * (lattice_spacing or h)
        self.shape, self.M, self.out = (ny, nx), (My, Mx), (my, mx)
        self.Kf = sfft.rfft2(K * (h * h / TWO_PI_SQ))

    def __call__(self, src: np.ndarray) -> np.ndarray:
        ny, nx = self.shape
        my, mx = self.out
        m = src.shape[2:]
        s = src.reshape(ny, nx, -1)
        S = sfft.rfft2(s, s=self.M, axes=(0, 1), workers=2)
        full = sfft.irfft2(S * self.Kf[:, :, None], s=self.M, axes=(0, 1), workers=2)
        oy, ox = (ny - my) // 2, (nx - mx) // 2
        return full[oy:oy + my, ox:ox + mx].reshape((my, mx) + m)


def _lattice(half, h):
    """Symmetric 1-D lattice h * (-n..n) with n even and n h >= half."""
    n = int(np.ceil(half / h))
    n += n % 2
    return h * np.arange(-n, n + 1)


@dataclasses.dataclass
class _Geometry:
    eps: np.ndarray      # (P, N) eV
    wdeg: np.ndarray     # (P, N) 1/degeneracy
    S: np.ndarray        # (P, N, nb, 2) nm/eV
    spin: np.ndarray     # (P, N, nb)
    vel: np.ndarray      # (P, N, 2) eV nm
    tau: np.ndarray      # (P,) 1/nm
    dtau: np.ndarray     # (P, 2) 1/nm^2


def _geometry(num: ModelNumerics, p0, KX, KY, chunk: int, need_spin: bool = True) -> _Geometry:
    kx, ky = KX.ravel(), KY.ravel()
    parts = []
    for i0 in range(0, len(kx), chunk):
        x, y = kx[i0:i0 + chunk], ky[i0:i0 + chunk]
        bg, vel = chunk_geometry(num, x, y, p0)
        t, dt = num.tilt_profile(x, y, p0)
        parts.append((bg.energy, 1.0 / bg.degeneracy, bg.sbp, bg.spin if need_spin else bg.spin[..., :0], vel,
                      t, np.stack(dt, axis=-1)))
    cat = [np.concatenate([p[j] for p in parts]) for j in range(7)]
    return _Geometry(*cat)


def _filled_sbp(num: ModelNumerics, p0, kx, ky, E_ref: float) -> np.ndarray:
    """sum over filled bands (eps < E_ref, a gap) of S^{eta a}_n by direct diagonalisation:
    ``-2 Im sum_{n filled, m empty} s^eta_nm v^a_mn / (eps_n - eps_m)^2`` (pairs inside the filled
    set cancel, so no degeneracy test is needed when E_ref lies in a gap).  (P, n_ops, 2), nm/eV."""
    H = num.ham.H(kx, ky, p0)
    eps, U = np.linalg.eigh(H)
    Ud = np.conj(np.swapaxes(U, -1, -2))
    filled = eps < E_ref                                             # (P, N)
    occ = filled[:, :, None] & ~filled[:, None, :]                   # n filled, m empty
    de = eps[:, :, None] - eps[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        inv2 = np.where(occ, 1.0 / np.where(occ, de, 1.0) ** 2, 0.0)
    spin = num.ham.spin()
    out = np.empty((len(kx), len(spin), 2))
    sm = [Ud @ s[None] @ U for s in spin]
    for a in range(2):
        va = Ud @ num.ham.velocity(a, kx, ky, p0) @ U                # v^a_mn
        vT = np.swapaxes(va, -1, -2)                                 # [n, m] -> v_mn
        for e, se in enumerate(sm):
            out[:, e, a] = -2 * np.imag(np.sum(se * vT * inv2, axis=(-2, -1)))
    return out


def _ref_source(num, p0, KX, KY, E_ref, weight, chunk):
    """sum_n theta(E_ref - eps_n) S_n x weight on a lattice: (ny, nx, nb, 2)."""
    kx, ky, w = KX.ravel(), KY.ravel(), weight.ravel()
    out = np.zeros(kx.shape + (len(num.model.spin), 2))
    live = np.flatnonzero(w != 0)
    for i0 in range(0, len(live), chunk):
        idx = live[i0:i0 + chunk]
        out[idx] = _filled_sbp(num, p0, kx[idx], ky[idx], E_ref) * w[idx, None, None]
    return out.reshape(KX.shape + out.shape[1:])


def _blocks(channels: ChannelSet, size: int):
    ops = channels.operators
    for i0 in range(0, len(ops), size):
        sub = dataclasses.replace(channels.model, name=f"{channels.model.name}[{i0}:{i0 + size}]",
                                  spin=tuple(ops[i0:i0 + size]))
        yield i0, min(i0 + size, len(ops)), ModelNumerics.build(sub)


def grid_channel_tensors(model, channels: ChannelSet, values, mu: float, kTs, mechanism: str,
                         interaction: Interaction, E_ref: float, opts: dict, alpha: float | None = None) -> dict:
    """Per-channel tensors t_i^{cab} (module text) of one component at chemical potential mu (eV)
    and each temperature kT (eV), in variants {"best", "sub", "K", "interp", "abs"}, each an
    array (n_T, n_channels, 2, 2, 2); None if no level of this component is near mu.  (The
    box lattice has an even number of steps per half-axis, so k = 0 is on the sub-lattice.)

    ``alpha`` None: d/dalpha at alpha = 0 (linear order, module text).  ``alpha`` a number (eV nm,
    the unit of the model's tilt symbol): the tensors *at* that tilt (the exact tilt, module text),
    on the tilted Fermi box of :func:`symenh.integrate.thermal_box.tilted_box`.

    ``opts``: spacing_over_kT, margin_kT, sea_window, sea_levels, sea_points, chunk_points,
    max_points, channel_block (see :data:`symenh.responses.exchange_grid.DEFAULTS`)."""
    kTs = np.asarray(kTs, dtype=float)
    num0, p0, scan = scan_for(model, values)
    ks = scan.k_scale
    W = opts["margin_kT"] * kTs.max()
    lo, hi = min(mu - W, E_ref), max(mu + W, E_ref)
    exact = alpha is not None
    try:
        if exact:       # the tilted levels (Fermi functions) and the untilted ones (theta_ref) both in the box
            box = tilted_box(num0, p0, scan, lo, hi, float(alpha), (mu - W, mu + W))
        else:
            box = fermi_box(scan, lo, hi, vel_window=(mu - W, mu + W))
    except ValueError as exc:
        raise ParameterError(f"grid: {exc}") from None
    if box is None:
        return None
    (qx0, qx1), (qy0, qy1), vmax = box
    Lx, Ly = max(abs(qx0), abs(qx1)) * ks[0], max(abs(qy0), abs(qy1)) * ks[1]
    r_box = float(np.hypot(max(abs(qx0), abs(qx1)), max(abs(qy0), abs(qy1))))
    h = opts["spacing_over_kT"] * kTs.min() / max(max(vmax), 1e-300)
    xb, yb = _lattice(Lx, h), _lattice(Ly, h)
    K0 = opts["sea_window"] * r_box
    need_sea = mechanism == "enh-pt"
    xB, yB = (_lattice(1.5 * K0 * ks[0], h), _lattice(1.5 * K0 * ks[1], h)) if need_sea else (xb, yb)
    n_pts = len(xB) * len(yB)
    if n_pts > opts["max_points"]:
        raise ParameterError(f"grid: mu = {mu} eV needs {n_pts} grid points (> max_points = "
                             f"{opts['max_points']}); raise max_points or the temperatures (kT_fractions)")
    KXb, KYb = np.meshgrid(xb, yb, indexing="xy")           # (ny, nx)
    ny, nx = KXb.shape
    if opts.get("say") is not None:                         # a progress reporter (never changes a number)
        T = ", ".join(f"{x:.3g}" for x in np.sort(kTs)[::-1])
        opts["say"](f"grid (exchange): mu = {mu:g} eV, {model.name}: Fermi box {nx} x {ny} = {nx * ny} points"
                    + (f", reference sea {len(xB)} x {len(yB)} points" if need_sea else "") + f", kT = {T} eV")
    cell = h * h / TWO_PI_SQ
    conv = {"best": Convolver(interaction, h, ny, nx),
            "sub": Convolver(interaction, h, ny, nx, lattice_spacing=np.sqrt(2) * h)}
    J, I = np.indices((ny, nx))
    mask = np.where((I + J) % 2 == 0, 2.0, 0.0)[:, :, None, None]    # checkerboard sub-lattice (contains k = 0)
    n_ch = channels.n_channels
    nT = len(kTs)
    out = {v: np.zeros((nT, n_ch, 2, 2, 2)) for v in ("best", "sub", "K", "interp", "abs")}
    chunk = int(opts["chunk_points"])
    for i0, i1, num in _blocks(channels, int(opts["channel_block"])):
        g = _geometry(num, p0, KXb, KYb, chunk)
        P, N = g.eps.shape
        ref = {}
        if need_sea:
            ref = _reference_sea(num, p0, ks, h, xB, yB, xb, yb, K0, E_ref, interaction, opts)
        theta = (g.eps < E_ref).astype(float)
        if exact:
            _exact_sums(out, i0, i1, g, float(alpha), mu, kTs, theta, need_sea, ref, conv, mask, cell, (ny, nx))
            del g
            continue
        for t, kT in enumerate(kTs):
            f, f1, f2 = fermi_derivatives(g.eps, mu, kT)
            f1w, f2w = f1 * g.wdeg, f2 * g.wdeg
            w0 = f1w[..., None] * g.vel                                             # (P, N, c)
            w1 = (f2w * g.tau[:, None])[..., None] * g.vel + f1w[..., None] * g.dtau[:, None, :]
            a0 = np.einsum("pnc,pnia->pcia", w0, g.S)
            a1 = np.einsum("pnc,pnia->pcia", w1, g.S)
            if need_sea:
                s0 = np.einsum("pn,pnib->pib", (f - theta) * g.wdeg, g.S)
                s1 = np.einsum("pn,pnib->pib", f1w * g.tau[:, None], g.S)
            else:
                s0 = np.einsum("pnb,pni->pib", w0, g.spin)
                s1 = np.einsum("pnb,pni->pib", w1, g.spin)
            shp = (ny, nx)
            a0, a1, s0, s1 = (x.reshape(shp + x.shape[1:]) for x in (a0, a1, s0, s1))
            for var in ("best", "sub"):
                m = mask if var == "sub" else 1.0
                F0 = conv[var](s0 * m)
                F1 = conv[var](s1 * m)
                if need_sea:
                    F0 = F0 + ref[var]
                c = cell
                mm = m[..., None] if var == "sub" else 1.0
                a0m, a1m = a0 * mm, a1 * mm
                T = c * (np.einsum("yxcia,yxib->icab", a1m, F0) + np.einsum("yxcia,yxib->icab", a0m, F1))
                out[var][t, i0:i1] = T
                if var == "best":
                    Tabs = c * (np.einsum("yxcia,yxib->icab", np.abs(a1), np.abs(F0))
                                + np.einsum("yxcia,yxib->icab", np.abs(a0), np.abs(F1)))
                    out["abs"][t, i0:i1] = Tabs
                    for v2 in ("K", "interp"):
                        if need_sea:
                            F0v = F0 - ref["best"] + ref[v2]
                            out[v2][t, i0:i1] = c * (np.einsum("yxcia,yxib->icab", a1, F0v)
                                                     + np.einsum("yxcia,yxib->icab", a0, F1))
                        else:
                            out[v2][t, i0:i1] = T
        del g
    return out


def exact_sources(g, mu: float, kT: float, theta, need_sea: bool, alpha: float):
    """The exact-tilt integrands (module text, "The exact tilt") at one kT (eV) on the points of ``g`` (the
    continuum or the zone grid's geometry): the occupations at E = eps0 + alpha tau (alpha in eV nm) with the
    tilted velocities; a^{c,ia} = sum_n f'(E_n) d_c E_n S^{ia}_n (P, c, i, a; nm/eV x nm/eV) and the source
    s (P, i, b) of ENH(PT) (``need_sea``: sum_n (f(E_n) - theta_n) S^{ib}_n, nm/eV) or ENH(T)
    (sum_n f'(E_n) d_b E_n <Gamma^i>_n, nm); ``theta`` (P, N) the untilted reference filling."""
    E = g.eps + alpha * g.tau[:, None]
    grad = g.vel + alpha * g.dtau[:, None, :]
    f, f1, _ = fermi_derivatives(E, mu, kT)
    w0 = (f1 * g.wdeg)[..., None] * grad
    a = np.einsum("pnc,pnia->pcia", w0, g.S)
    if need_sea:
        return a, np.einsum("pn,pnib->pib", (f - theta) * g.wdeg, g.S)
    return a, np.einsum("pnb,pni->pib", w0, g.spin)


def _exact_sums(out, i0, i1, g: _Geometry, alpha, mu, kTs, theta, need_sea, ref, conv, mask, cell, shp):
    """The exact-tilt tensors of channels i0:i1 into ``out`` (module text): occupations at E = eps0 + alpha tau
    with the velocities v + alpha grad tau, t_i^{cab} = int a^{c,ia} F^{ib} in the variants of the linear sums."""
    for t, kT in enumerate(kTs):
        a, s = (x.reshape(shp + x.shape[1:]) for x in exact_sources(g, mu, kT, theta, need_sea, alpha))
        for var in ("best", "sub"):
            m = mask if var == "sub" else 1.0
            F = conv[var](s * m)
            if need_sea:
                F = F + ref[var]
            am = a * (m[..., None] if var == "sub" else 1.0)
            out[var][t, i0:i1] = cell * np.einsum("yxcia,yxib->icab", am, F)
            if var == "best":
                out["abs"][t, i0:i1] = cell * np.einsum("yxcia,yxib->icab", np.abs(a), np.abs(F))
                for v2 in ("K", "interp"):
                    Fv = F - ref["best"] + ref[v2] if need_sea else F
                    out[v2][t, i0:i1] = cell * np.einsum("yxcia,yxib->icab", a, Fv)


def _reference_sea(num, p0, ks, h, xB, yB, xb, yb, K0, E_ref, interaction, opts):
    """W_ref at the box lattice points (nyb, nxb, nb, 2) in variants best / sub (checkerboard) / K / interp."""
    chunk = int(opts["chunk_points"])
    # fine window on the big lattice (contains the box lattice as its central block)
    KX, KY = np.meshgrid(xB, yB, indexing="xy")
    r = np.hypot(KX / ks[0], KY / ks[1])
    src = _ref_source(num, p0, KX, KY, E_ref, window(r / K0), chunk)
    ny, nx = KX.shape
    fine = Convolver(interaction, h, ny, nx, out=(len(yb), len(xb)))(src)
    J, I = np.indices((ny, nx))
    mask = np.where((I + J) % 2 == 0, 2.0, 0.0)[:, :, None, None]
    fine2 = Convolver(interaction, h, ny, nx, out=(len(yb), len(xb)), lattice_spacing=np.sqrt(2) * h)(src * mask)
    # annuli on their own lattices, interpolated to the box points
    n_c = int(opts["sea_points"])
    cum5, cum3 = [], []
    acc5 = np.zeros_like(fine)
    acc3 = np.zeros_like(fine)
    Ks = [K0 * 2.0 ** l for l in range(int(opts["sea_levels"]) + 1)]
    for l in range(1, len(Ks)):
        half = 1.5 * Ks[l] * np.array(ks)
        hl = float(max(half)) / (n_c // 2)
        xl, yl = _lattice(half[0], hl), _lattice(half[1], hl)
        KXl, KYl = np.meshgrid(xl, yl, indexing="xy")
        rl = np.hypot(KXl / ks[0], KYl / ks[1])
        wl = window(rl / Ks[l]) - window(rl / Ks[l - 1])
        srcl = _ref_source(num, p0, KXl, KYl, E_ref, wl, chunk)
        # the field is needed only around the Fermi box: the central block of the level lattice
        cx = min(len(xl), 2 * int(np.ceil(len(xb) * h / hl / 2)) + 9)
        cy = min(len(yl), 2 * int(np.ceil(len(yb) * h / hl / 2)) + 9)
        Fl = Convolver(interaction, hl, *KXl.shape, correct=False, out=(cy, cx))(srcl)
        yl = yl[(len(yl) - cy) // 2:(len(yl) - cy) // 2 + cy]
        xl = xl[(len(xl) - cx) // 2:(len(xl) - cx) // 2 + cx]
        m = Fl.shape[2:]
        Fl = Fl.reshape(Fl.shape[:2] + (-1,))
        i5 = np.empty((len(yb), len(xb), Fl.shape[2]))
        i3 = np.empty_like(i5)
        for j in range(Fl.shape[2]):
            i5[:, :, j] = RectBivariateSpline(yl, xl, Fl[:, :, j], kx=5, ky=5)(yb, xb)
            i3[:, :, j] = RectBivariateSpline(yl, xl, Fl[:, :, j], kx=3, ky=3)(yb, xb)
        acc5 = acc5 + i5.reshape(i5.shape[:2] + m)
        acc3 = acc3 + i3.reshape(i3.shape[:2] + m)
        cum5.append(acc5.copy())
        cum3.append(acc3.copy())
    inv = 1.0 / np.array(Ks[1:])

    def extrap(seq, x):
        """Neville's polynomial in x = 1/K through (x_i, seq_i), at x = 0."""
        T = list(seq)
        for k in range(1, len(T)):
            T = [T[i + 1] + (T[i + 1] - T[i]) * x[i + k] / (x[i] - x[i + k]) for i in range(len(T) - 1)]
        return T[0]

    n_use = min(3, len(cum5))
    best_tail = extrap(cum5[-n_use:], inv[-n_use:])
    if len(cum5) > 1:
        m_use = max(1, n_use - 1)
        K_tail = extrap(cum5[-1 - m_use:-1], inv[-1 - m_use:-1])
    else:
        K_tail = cum5[-1]
    interp_tail = extrap(cum3[-n_use:], inv[-n_use:])
    return {"best": fine + best_tail, "sub": fine2 + best_tail, "K": fine + K_tail,
            "interp": fine + interp_tail}


__all__ = ["Convolver", "ZETA_SQUARE", "cusp_slope", "exact_sources", "grid_channel_tensors", "window"]
