"""Uniform Cartesian k grids chunked over rows, and the Fermi-box sums of every factor.

Units: k in 1/nm; the sums are int d^2k/(2 pi)^2 (1/nm^2) of the integrands of
:mod:`symenh.responses.spec` (factors in its units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..occupation import fermi_derivatives
from .numerics import ModelNumerics, chunk_geometry

TWO_PI_SQ = 4.0 * np.pi**2


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
