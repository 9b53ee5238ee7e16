r"""Exchange fields of a lattice model with a q-dependent interaction: the k' sum over the Brillouin
zone as a periodic convolution (FFT) on zone grids, at small or finite temperature.

**Which interaction on the torus (derived).**  In a tight-binding (orbital) basis the Fock
self-energy of a density-density interaction is ``Sigma_ab(k) = -(1/N) sum_k' sum_G V(k - k' + G)
F_a(k - k' + G) F_b(k - k' + G)^* rho_ab(k')`` (F the form factor of the orbitals, G the reciprocal
vectors: Bloch's theorem lets the momentum transfer be any q + G).  As for the continuum models
(physics.md 6: the exchange matrix is taken in the model's basis, the form factors are the overlaps
of the model's basis states and nothing else), symenh takes the orbitals' form factors to be 1
inside the first Brillouin zone and 0 outside: only the G that minimises |k - k' + G| is kept
(**umklapp exchange neglected**), so the kernel on the torus is

    V_T(q) = V(|q|_min),    |q|_min = min_G |q + G|     (q reduced to the Wigner-Seitz cell).

Why not the full sum over G: for the contact V_0 (the paper's interaction, with which the lattice
path reproduces the paper's setting) sum_G V_0 diverges, and for the screened Coulomb 1/(q + q_s) the
2D sum sum_G 1/|q + G| diverges linearly in the G cutoff (point orbitals carry an infinite on-site
Coulomb energy): a truncated G sum would depend on its truncation.  V_T is the choice for which
V = V_0 gives exactly the contact lattice path (tested), and it tends to the continuum
convolution as a -> 0: the neglected umklapp terms and the part of the continuum integral beyond
the Wigner-Seitz cell both involve |q| >~ pi/a, where V(q) <= V(pi/a) and the filled-band source
has decayed (measured rate: tests/test_lattice_grid_extensions.py, PROGRESS-latgrid.md).

**Sums.**  The same bilinear structure as the continuum grid (:mod:`symenh.integrate.exchange_grid`):
with f, f', f'' at alpha = 0 and ``*`` the zone convolution with V_T,

    a0^{c,ia} = sum_n f'_n v_c S^{ia}_n            a1^{c,ia} = sum_n (f''_n tau v_c + f'_n d_c tau) S^{ia}_n
    PT:  F0 = W_ref + V_T * sum_n (f_n - theta_ref,n) S_n,     F1 = V_T * sum_n f'_n tau S_n
    T:   F0 = V_T * sum_n f'_n v_b <Gamma>_n,                  F1 = V_T * sum_n (f''_n tau v_b + f'_n d_b tau) <Gamma>_n
    t_i^{cab} = int_BZ [a1^{c,ia} F0^{ib} + a0^{c,ia} F1^{ib}]

The Fermi-surface sources live in the Fermi box on the torus (:meth:`symenh.integrate.bz.ZoneSpectrum.fermi_box`,
periodic along an axis where the contour wraps); :class:`TorusConvolver` convolves them by FFT
(circular along periodic axes, zero-padded along bounded ones) with V_T at the grid displacements.
The filled reference sea ``W_ref = V_T * sum_n theta_ref,n S_n`` (whole bands, smooth and periodic)
is a circular convolution on a uniform periodic n_ref x n_ref zone grid, evaluated at the box points
by exact trigonometric interpolation (separable, so cheap on the box's tensor grid).

**The cusp of V** (V(|q|) = V(0) + V'(0+)|q| + ...): on a lattice L of points the sum
``sum_{x in L} |x| phi(x)`` misses ``int |x| phi / A_L`` by ``Z_L(-1/2) phi(0)`` (generalised
Euler-Maclaurin; Z_L the Epstein zeta function of L): the kernel's origin value is V(0) - Z_L V'(0+),
with Z_L of the grid's point lattice {i h_1 b_1 + j h_2 b_2} (oblique in general:
:func:`epstein_minus_half`; for the square lattice of spacing h it is h Z_{Z^2}(-1/2) of the
continuum grid).  The kink of V_T on the Wigner-Seitz boundary is not corrected; it gives an
O(h^2) error there (h the grid step), weighted by the source at the zone boundary, which the
reference-grid variant (n_ref / 2) measures.

**The exact tilt** (``alpha`` given): the occupations at eps0 + alpha tau, as on the continuum grid
(:mod:`symenh.integrate.exchange_grid`, "The exact tilt"; its :func:`~symenh.integrate.exchange_grid.exact_sources`),
theta_ref and W_ref
untilted.

Units: k in 1/nm, energies eV, V eV nm^2, W in nm, Y in eV nm; the tensors t are per eV nm of
tilt, as in :mod:`symenh.integrate.exchange_grid` (the caller multiplies by alpha, the convention
sign and tau/hbar for ENH(T)); at the exact tilt the integrals themselves (no factor alpha).
"""

from __future__ import annotations

import numpy as np
from scipy import fft as sfft
from scipy.special import erfc

from ..geometry.channels import ChannelSet
from ..interactions import Interaction
from ..models.lattice import Lattice
from .bz import ZoneGrid, zone_grid
from .exchange import checked_V
from .exchange_grid import _blocks, _geometry, _ref_source, cusp_slope, exact_sources
from .occupation import fermi_derivatives


def epstein_minus_half(e1, e2, n_terms: int = 6) -> float:
    """Z_L(-1/2) = "sum'_{x in L} |x|" (analytically continued) of the 2D lattice L with basis
    vectors e1, e2 (any length unit; the result has that unit).

    Crandall's splitting of the theta integral at t = 1 with Poisson duality (L* the dual lattice,
    A the cell area, everything first scaled to unit area):
    ``pi^-s Gamma(s) Z(s) = sum'_x (pi|x|^2)^-s Gamma(s, pi|x|^2) + sum'_y (pi|y|^2)^(s-1) Gamma(1-s, pi|y|^2)
    - 1/(1-s) - 1/s`` at s = -1/2, with Gamma(-1/2, z) = 2 (z^-1/2 e^-z - sqrt(pi) erfc(sqrt z)) and
    Gamma(3/2, z) = sqrt(pi)/2 erfc(sqrt z) + sqrt(z) e^-z.  Terms with |x| up to ~n_terms cells:
    converged to double precision (e^{-pi n^2})."""
    B = np.array([e1, e2], dtype=float)
    area = abs(np.linalg.det(B))
    c = np.sqrt(area)
    B = B / c                                        # unit area: Z_L(-1/2) = c Z_{L/c}(-1/2)
    Bd = np.linalg.inv(B).T                          # dual basis (x . y integer), also unit area
    m = np.arange(-4 * n_terms, 4 * n_terms + 1)
    I, J = np.meshgrid(m, m, indexing="ij")
    I, J = I.ravel(), J.ravel()
    keep = (I != 0) | (J != 0)
    I, J = I[keep], J[keep]

    def pts(basis):
        x = I[:, None] * basis[0] + J[:, None] * basis[1]
        z = np.pi * np.sum(x * x, axis=1)
        return z[z < np.pi * (n_terms + 2) ** 2 * 4]

    z = pts(B)
    g_m = 2.0 * (np.exp(-z) / np.sqrt(z) - np.sqrt(np.pi) * erfc(np.sqrt(z)))      # Gamma(-1/2, z)
    s1 = np.sum(np.sqrt(z) * g_m)                                                # (pi|x|^2)^(1/2) Gamma(-1/2, .)
    zd = pts(Bd)
    g_p = 0.5 * np.sqrt(np.pi) * erfc(np.sqrt(zd)) + np.sqrt(zd) * np.exp(-zd)   # Gamma(3/2, z)
    s2 = np.sum(zd ** -1.5 * g_p)
    lhs = s1 + s2 - 1.0 / 1.5 + 2.0                                              # -1/(1-s) - 1/s at s = -1/2
    return float(c * lhs / (np.sqrt(np.pi) * (-2.0 * np.sqrt(np.pi))))          # / (pi^(1/2) Gamma(-1/2))


def min_image(lattice: Lattice, du1, du2):
    """(x, y) (1/nm): the shortest of the vectors du1 b1 + du2 b2 + G over reciprocal vectors G (the
    Wigner-Seitz reduction of the fractional displacement (du1, du2); neighbours of the rounded image are
    searched, enough for any 2D lattice)."""
    b = lattice.reciprocal
    d1 = np.asarray(du1, dtype=float) - np.round(du1)
    d2 = np.asarray(du2, dtype=float) - np.round(du2)
    best = bx = by = None
    for s1 in (-1, 0, 1):
        for s2 in (-1, 0, 1):
            x = (d1 + s1) * b[0, 0] + (d2 + s2) * b[1, 0]
            y = (d1 + s1) * b[0, 1] + (d2 + s2) * b[1, 1]
            r = np.hypot(x, y)
            if best is None:
                best, bx, by = r, x, y
            else:
                take = r < best
                best, bx, by = np.where(take, r, best), np.where(take, x, bx), np.where(take, y, by)
    return bx, by


def folded_norm(lattice: Lattice, du1, du2) -> np.ndarray:
    """|q|_min (1/nm) of the fractional displacement (du1, du2): min over reciprocal vectors G of
    |du1 b1 + du2 b2 + G| (:func:`min_image`)."""
    return np.hypot(*min_image(lattice, du1, du2))


class TorusConvolver:
    """``F(k_i) = cell sum_j V_T(k_i - k_j) src(k_j)`` on a zone grid (:class:`ZoneGrid`: steps h_i
    along b_i, ``periodic[i]`` for an axis covering the whole period) by FFTs: circular along a
    periodic axis (the torus), zero-padded to >= 2 n - 1 along a bounded one.  ``cell`` is the grid's
    weight in int d^2k/(2 pi)^2.  The kernel's origin value is corrected for the cusp of V with the
    Epstein zeta of the point lattice ``basis`` (default {h_1 b_1, h_2 b_2}; the checkerboard
    sub-lattice {e1 + e2, e1 - e2}, fed with sources doubled on it, for the sub-lattice variant);
    ``correct=False`` skips it.  Sources (n1, n2, ...) indexed [i along b1, j along b2]."""

    def __init__(self, interaction: Interaction, grid: ZoneGrid, correct: bool = True, basis=None):
        n = (grid.nx, grid.ny)
        M = [n[i] if grid.periodic[i] else sfft.next_fast_len(2 * n[i] - 1, real=True) for i in range(2)]
        du = []
        for i in range(2):
            j = np.arange(M[i])
            m = j if grid.periodic[i] else np.where(j <= M[i] // 2, j, j - M[i])
            du.append(m * grid.h[i])
        D1, D2 = np.meshgrid(du[0], du[1], indexing="ij")
        K = checked_V(interaction, folded_norm(grid.lattice, D1, D2))
        if correct:
            b = grid.lattice.reciprocal
            e1, e2 = grid.h[0] * b[0], grid.h[1] * b[1]
            basis = (e1, e2) if basis is None else basis
            K[0, 0] = K[0, 0] - epstein_minus_half(*basis) * cusp_slope(interaction)
        self.n, self.M = n, tuple(M)
        self.Kf = sfft.rfft2(K * grid.cell)

    def __call__(self, src: np.ndarray) -> np.ndarray:
        n1, n2 = self.n
        rest = src.shape[2:]
        s = src.reshape(n1, n2, -1)
        S = sfft.rfft2(s, s=self.M, axes=(0, 1), workers=2)
        full = sfft.irfft2(S * self.Kf[:, :, None], s=self.M, axes=(0, 1), workers=2)
        return full[:n1, :n2].reshape((n1, n2) + rest)


def checkerboard_basis(grid: ZoneGrid):
    """Basis {e1 + e2, e1 - e2} of the checkerboard sub-lattice (i + j even) of a zone grid."""
    b = grid.lattice.reciprocal
    e1, e2 = grid.h[0] * b[0], grid.h[1] * b[1]
    return (e1 + e2, e1 - e2)


def _grid_k(grid: ZoneGrid):
    """(KX, KY) (n1, n2) of a zone grid, indexed [i along b1, j along b2]."""
    i, j = np.arange(grid.nx), np.arange(grid.ny)
    I, J = np.meshgrid(i, j, indexing="ij")
    return grid.lattice.to_k(grid.u0[0] + I * grid.h[0], grid.u0[1] + J * grid.h[1])


def _trig_matrix(n: int, u):
    """(len(u), n) matrix of the trigonometric interpolant on the periodic points t_m = m/n: row i gives
    the value at u_i as a combination of the n samples (real, the Nyquist term split symmetrically)."""
    k = np.fft.fftfreq(n, 1.0 / n)
    E = np.exp(2j * np.pi * np.outer(np.asarray(u, dtype=float), k)) / n          # (len(u), n) in frequency
    if n % 2 == 0:
        E[:, n // 2] = np.cos(np.pi * n * np.asarray(u, dtype=float)) / n
    F = np.exp(-2j * np.pi * np.outer(k, np.arange(n) / n))                       # DFT (n, n)
    return np.real(E @ F)


def reference_field(num, p0, lattice: Lattice, E_ref: float, interaction: Interaction, n_ref: int,
                    target: ZoneGrid, chunk: int) -> tuple:
    """W_ref = V_T * sum_n theta(E_ref - eps_n) S_n (nm) at the points of ``target``: the circular
    convolution on the periodic n_ref x n_ref zone grid (cusp-corrected), trigonometrically
    interpolated; and the same on its every-other-point n_ref/2 sub-grid (the variant).  Each
    (n1, n2, n_ops, 2)."""
    full = zone_grid(lattice, (None, None), (1.0 / n_ref, 1.0 / n_ref))
    half = zone_grid(lattice, (None, None), (2.0 / n_ref, 2.0 / n_ref))
    KX, KY = _grid_k(full)
    src = _ref_source(num, p0, KX, KY, E_ref, np.ones(KX.shape), chunk)
    u1 = target.u0[0] + np.arange(target.nx) * target.h[0]
    u2 = target.u0[1] + np.arange(target.ny) * target.h[1]
    out = []
    for g, s in ((full, src), (half, src[::2, ::2])):
        F = TorusConvolver(interaction, g)(s)
        T1, T2 = _trig_matrix(g.nx, u1), _trig_matrix(g.ny, u2)
        Fm = F.reshape(F.shape[:2] + (-1,))
        Fj = np.einsum("jb,abm->ajm", T2, Fm, optimize=True)
        out.append(np.einsum("ia,ajm->ijm", T1, Fj, optimize=True).reshape((target.nx, target.ny) + F.shape[2:]))
    return tuple(out)


def fermi_sources(g, mu: float, kT: float, theta, need_sea: bool):
    """The point-wise integrands of the module text at one temperature kT (eV), from the per-point geometry
    ``g`` (eps, wdeg, S, spin, vel, tau, dtau of :func:`symenh.integrate.exchange_grid._geometry`):
    (a0, a1) (P, c, i, a) and the sources (s0, s1) (P, i, b) of ENH(PT) (``need_sea``; theta: the
    reference filling) or ENH(T).  (The continuum grid's grid_channel_tensors builds the same four
    inline; it could call this.)"""
    f, f1, f2 = fermi_derivatives(g.eps, mu, kT)
    f1w, f2w = f1 * g.wdeg, f2 * g.wdeg
    w0 = f1w[..., None] * g.vel
    w1 = (f2w * g.tau[:, None])[..., None] * g.vel + f1w[..., None] * g.dtau[:, None, :]
    a0 = np.einsum("pnc,pnia->pcia", w0, g.S)
    a1 = np.einsum("pnc,pnia->pcia", w1, g.S)
    if need_sea:
        return (a0, a1, np.einsum("pn,pnib->pib", (f - theta) * g.wdeg, g.S),
                np.einsum("pn,pnib->pib", f1w * g.tau[:, None], g.S))
    return a0, a1, np.einsum("pnb,pni->pib", w0, g.spin), np.einsum("pnb,pni->pib", w1, g.spin)


def zone_channel_tensors(lattice: Lattice, channels: ChannelSet, p0, grid: ZoneGrid, mu: float, kTs, mechanism: str,
                         interaction: Interaction, E_ref: float, n_ref: int, chunk: int, channel_block: int = 4,
                         alpha: float | None = None) -> dict:
    """Per-channel tensors t_i^{cab} (module text) of one lattice component on the Fermi-box zone grid
    ``grid`` at chemical potential mu (eV) and each kT (eV): {"best", "sub" (every sum and convolution on
    the checkerboard sub-lattice), "ref" (the reference sea on the n_ref/2 grid; ENH(PT)), "abs" (sums of
    |terms|)}, each (n_T, n_channels, 2, 2, 2).  ``alpha`` (eV nm) given: the tensors at that tilt itself
    (:func:`exact_sources`; ``grid`` must then cover the tilted Fermi box and the untilted levels of
    theta_ref), t_i^{cab} = int a^{c,ia} F^{ib}; None: d/dalpha at 0 (linear order)."""
    kTs = np.asarray(kTs, dtype=float)
    KX, KY = _grid_k(grid)
    n1, n2 = KX.shape
    cell = grid.cell
    conv = {"best": TorusConvolver(interaction, grid),
            "sub": TorusConvolver(interaction, grid, basis=checkerboard_basis(grid))}
    I, J = np.indices((n1, n2))
    mask = np.where((I + J) % 2 == 0, 2.0, 0.0)[:, :, None, None]
    n_ch = channels.n_channels
    need_sea = mechanism == "enh-pt"
    out = {v: np.zeros((len(kTs), n_ch, 2, 2, 2)) for v in ("best", "sub", "ref", "abs")}
    for i0, i1, num in _blocks(channels, int(channel_block)):
        g = _geometry(num, p0, KX, KY, chunk)
        ref = {}
        if need_sea:
            ref["best"], ref["ref"] = reference_field(num, p0, lattice, E_ref, interaction, n_ref, grid, chunk)
        theta = (g.eps < E_ref).astype(float)
        if alpha is not None:
            for t, kT in enumerate(kTs):
                a, s = (x.reshape((n1, n2) + x.shape[1:]) for x in exact_sources(g, mu, kT, theta, need_sea, alpha))

                def tensor1(A, F):
                    """cell sum_k A^{c,ia} F^{ib} as (n_ops, c, a, b)."""
                    return cell * np.einsum("xycia,xyib->icab", A, F)

                for var in ("best", "sub"):
                    m = mask if var == "sub" else 1.0
                    F = conv[var](s * m)
                    if need_sea:
                        F = F + ref["best"]
                    out[var][t, i0:i1] = tensor1(a * (m[..., None] if var == "sub" else 1.0), F)
                    if var == "best":
                        out["abs"][t, i0:i1] = tensor1(np.abs(a), np.abs(F))
                        out["ref"][t, i0:i1] = (tensor1(a, F - ref["best"] + ref["ref"]) if need_sea
                                                else out["best"][t, i0:i1])
            del g
            continue
        for t, kT in enumerate(kTs):
            a0, a1, s0, s1 = (x.reshape((n1, n2) + x.shape[1:])
                              for x in fermi_sources(g, mu, kT, theta, need_sea))

            def tensor(A0, A1, F0, F1):
                """cell sum_k [A1^{c,ia} F0^{ib} + A0^{c,ia} F1^{ib}] as (n_ops, c, a, b), one matmul per channel."""
                P = A0.shape[0] * A0.shape[1]
                A = np.concatenate([A1.reshape(P, 2, -1, 2), A0.reshape(P, 2, -1, 2)], axis=0)   # (2P, c, i, a)
                F = np.concatenate([F0.reshape(P, -1, 2), F1.reshape(P, -1, 2)], axis=0)         # (2P, i, b)
                out_ = np.empty((A.shape[2], 2, 2, 2))
                for e in range(A.shape[2]):
                    out_[e] = (A[:, :, e, :].reshape(2 * P, 4).T @ F[:, e, :]).reshape(2, 2, 2)
                return cell * out_

            for var in ("best", "sub"):
                m = mask if var == "sub" else 1.0
                F0 = conv[var](s0 * m)
                F1 = conv[var](s1 * m)
                if need_sea:
                    F0 = F0 + ref["best"]
                mm = m[..., None] if var == "sub" else 1.0
                out[var][t, i0:i1] = tensor(a0 * mm, a1 * mm, F0, F1)
                if var == "best":
                    out["abs"][t, i0:i1] = tensor(np.abs(a0), np.abs(a1), np.abs(F0), np.abs(F1))
                    out["ref"][t, i0:i1] = (tensor(a0, a1, F0 - ref["best"] + ref["ref"], F1) if need_sea
                                            else out["best"][t, i0:i1])
        del g
    return out


__all__ = ["TorusConvolver", "checkerboard_basis", "epstein_minus_half", "fermi_sources",
           "folded_norm", "min_image", "reference_field", "zone_channel_tensors"]
