"""Uniform Cartesian k grids chunked over rows, and the Fermi-box sums of every factor.

Units: k in 1/nm; the sums are int d^2k/(2 pi)^2 (1/nm^2) of the integrands of
:mod:`symenh.responses.spec` (factors in its units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..occupation import fermi_derivatives
from .numerics import TERM_ULPS_PER_BAND, ModelNumerics, chunk_geometry, roundoff_bounds, roundoff_floor

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

    def chunks(self, chunk_points: int, coarse: bool = False):
        """Yield (kx, ky, sub) 1-D arrays over blocks of whole rows; ``sub`` is 2 on the
        even checkerboard sub-lattice (i + j even) and 0 elsewhere.  With ``coarse``, also
        the weights 4 on the lattice of every other point in each direction (i, j even:
        spacing 2 h) and 0 elsewhere: (kx, ky, sub, coarse)."""
        rows = max(1, int(chunk_points) // self.nx)
        i = np.arange(self.nx)
        for j0 in range(0, self.ny, rows):
            j = np.arange(j0, min(j0 + rows, self.ny))
            I, J = np.meshgrid(i, j, indexing="xy")
            kx = (self.x0 + I * self.hx).ravel()
            ky = (self.y0 + J * self.hy).ravel()
            sub = np.where((I + J) % 2 == 0, 2.0, 0.0).ravel()
            if coarse:
                yield kx, ky, sub, np.where((I % 2 == 0) & (J % 2 == 0), 4.0, 0.0).ravel()
            else:
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
                   chunk_points: int = 16384, vel_halfwidth: float | None = None, alpha: float = 0.0) -> dict:
    """All Fermi-surface factors and the sea difference on ``grid`` at each kT.

    ``alpha`` (eV nm, default 0): the occupations are taken at the tilted energies
    ``eps0 + alpha tau`` and the band velocities are ``d_c eps0 + alpha d_c tau`` (the geometry
    is alpha-independent, physics.md 1): the factors *at* alpha (``D0``, ``X0``, ``A0``, ``C0``,
    ``Bd``) for the exact tilt; the derivative sums then are d/dalpha at that alpha.  alpha = 0
    gives exactly the sums of the untilted path.

    Returns {name: array (5, nT, *shape)}: index 0 the full grid, 1 the checkerboard
    sub-lattice (spacing sqrt(2) h), 2 the coarse lattice (every other point in each direction,
    spacing 2 h), 3 the sums of absolute values of the terms ``sum |w Q|`` (the scale of
    summation roundoff), 4 the roundoff floor of the full-grid sum
    (:func:`~symenh.integrate.grid.numerics.roundoff_floor` of index 3, of the per-term
    errors ``e = dw |Q| + |w| kappa B`` and of a one-ulp bias ``|w| B``: ``dw`` bounds the
    weight's error from the eigenvector error and from the eigenvalue error moving the Fermi
    function, ``B`` the untraced geometry and ``kappa`` its error in ulps,
    :func:`~symenh.integrate.grid.numerics.roundoff_bounds`).  Names (internal units,
    spec.py): ``D1`` = dD/dalpha (1/eV), ``X1`` = dX/dalpha [c][b][a], ``A0``, ``A1`` [c][eta][a],
    ``C0``, ``C1`` [eta][b], ``B1`` = dB/dalpha, ``Bd`` = sum int (f - theta_ref) S at alpha = 0
    [eta][b], ``D0`` = D [b] and ``X0`` = X [c][b][a] at alpha (zero weight-by-symmetry at alpha = 0
    for the paper models; used by the exact tilt).  Also ``n_terms`` (the number of point-band terms in each sum) and ``vmax``
    (2,): the largest |d_c eps| (eV nm) of a level within ``vel_halfwidth`` (eV; default: every
    level) of mu on the grid, which sets how well the grid resolves the Fermi function.
    """
    kTs = np.asarray(kTs, dtype=float)
    nT = len(kTs)
    # raw[s, t, weight w, quantity q]: w = 0,1 (w0_c), 2,3 (w1_c), 4 (f' tau), 5 (f - theta_ref);
    # q = 0 Omega, 1..4 G^{ab}, 5..12 S^{eta a}, 13..16 <s^eta>  (summed over points and bands)
    raw = np.zeros((5, nT, 6, 17))
    term_sq = np.zeros((nT, 6, 17))
    vmax = np.zeros(2)
    n_terms = 0
    for kx, ky, sub, coarse in grid.chunks(chunk_points, coarse=True):
        bg, vel = chunk_geometry(num, kx, ky, params0)
        kappa, bound, emax, vop = roundoff_bounds(num, kx, ky, params0, bg)
        tau, dtau = num.tilt_profile(kx, ky, params0)
        eps = bg.energy
        theta = (eps < E_ref).astype(float)                # the filled-band reference: untilted levels
        if alpha != 0.0:
            eps = eps + alpha * tau[:, None]
            vel = vel + alpha * np.stack(dtau, -1)[:, None, :]
        P, N = eps.shape
        n_terms += P * N
        near = np.ones(eps.shape, bool) if vel_halfwidth is None else np.abs(eps - mu) <= vel_halfwidth
        if near.any():
            vmax = np.maximum(vmax, np.max(np.abs(vel)[near], axis=0))
        Q = np.concatenate([bg.berry_curvature[..., None], bg.bcp.reshape(P, N, 4),
                            bg.sbp.reshape(P, N, 8), bg.spin], axis=-1).reshape(P * N, 17)
        absQ = np.abs(Q)
        Bq = bound.reshape(P * N, 17)
        wdeg = 1.0 / bg.degeneracy                         # (P, N): level sums from band sums
        dt = np.stack(dtau, -1)[:, None, :]                # (P, 1, 2)
        Vop = vop[:, None, None]                           # (P, 1, 1): ||v^a||_F >= |d_a eps|
        cE = TERM_ULPS_PER_BAND * N * emax[:, None, None]  # eigenvalue error in ulps (eV)
        av, at, adt = np.abs(vel), np.abs(tau)[:, None, None], np.abs(dt)
        kap = kappa[..., None]
        kB = kappa.reshape(P * N, 1) * Bq                  # the geometry's own error (ulps)
        for t, kT in enumerate(kTs):
            f, f1, f2 = fermi_derivatives(eps, mu, kT)
            f1w, f2w = f1 * wdeg, f2 * wdeg
            W = np.concatenate([f1w[..., None] * vel,                                     # w0_c
                                (f2w * tau[:, None])[..., None] * vel + f1w[..., None] * dt,  # w1_c
                                (f1w * tau[:, None])[..., None],                          # f' tau
                                ((f - theta) * wdeg)[..., None]], axis=-1)                # f - theta
            # error of each weight in ulps: the eigenvector error (kappa V) and the eigenvalue
            # error cE moving the Fermi function (|f2| <= |f1| / kT, |f3| <= |f1| / kT^2)
            a1, a2 = np.abs(f1w)[..., None], np.abs(f2w)[..., None]
            dW = np.concatenate([a1 * kap * Vop + a1 / kT * cE * av,
                                 a2 * at * kap * Vop + a1 / kT**2 * cE * at * av + a1 / kT * cE * adt,
                                 a1 / kT * cE * at,
                                 a1 * cE], axis=-1)
            Wf, dWf = W.reshape(P * N, 6), dW.reshape(P * N, 6)
            absW = np.abs(Wf)
            raw[0, t] += Wf.T @ Q
            raw[1, t] += (W * sub[:, None, None]).reshape(P * N, 6).T @ Q
            raw[2, t] += (W * coarse[:, None, None]).reshape(P * N, 6).T @ Q
            raw[3, t] += absW.T @ absQ
            raw[4, t] += absW.T @ Bq                        # one ulp of bias per term
            # per-term error e <= dW |Q| + |W| kappa B, so e^2 <= 2 ((dW |Q|)^2 + (|W| kappa B)^2)
            term_sq[t] += 2.0 * ((dWf**2).T @ absQ**2 + (absW**2).T @ kB**2)
    raw[4] = roundoff_floor(raw[3], term_sq, raw[4], n_terms)
    raw *= grid.cell
    Om, Gq, Sq, sp_ = raw[..., 0], raw[..., 1:5], raw[..., 5:13], raw[..., 13:17]
    G4 = Gq.reshape(5, nT, 6, 2, 2)                     # [..., w, a, b] = sum w G^{ab}
    S4 = Sq.reshape(5, nT, 6, 4, 2)                     # [..., w, eta, a]
    Om = Om * np.array([-1.0, -1.0, -1.0, 1.0, 1.0])[:, None, None]  # D = -F[Omega]; keep |.| sums positive
    out = {
        "D0": Om[:, :, 0:2], "X0": np.swapaxes(G4[:, :, 0:2], -1, -2),
        "D1": Om[:, :, 2:4],
        "X1": np.swapaxes(G4[:, :, 2:4], -1, -2),       # X^{cba} = sum w1_c G^{ba}
        "A0": S4[:, :, 0:2], "A1": S4[:, :, 2:4],
        "C0": np.swapaxes(sp_[:, :, 0:2], -1, -2), "C1": np.swapaxes(sp_[:, :, 2:4], -1, -2),
        "B1": S4[:, :, 4], "Bd": S4[:, :, 5],
    }
    res = {k: np.ascontiguousarray(v) for k, v in out.items()}
    res["n_terms"] = n_terms
    res["vmax"] = vmax
    return res
