r"""Fermi-box sums on the Cartesian k grid at a finite tilt: occupations at ``eps0 + alpha tau``.

The grid path's (:mod:`symenh.integrate.grid`) sums at alpha = 0 carry the exact alpha
derivative on the Fermi function; here the factors are summed *at* the tilt alpha (the
geometry is alpha-independent, physics.md 1), for the exact-tilt conductivity:

* surface factor ``F^c[Q] = sum int f'(eps) (d_c eps0 + alpha d_c tau) Q``,
  ``eps = eps0 + alpha tau`` (D_b = -F^b[Omega], X, A, C as in spec.py);
* sea difference ``Bd = sum int (f(eps) - theta(E_ref - eps0)) S`` (the filled bands below
  the gap reference E_ref are the alpha-independent filled-band sea of the grid path).

Same grid, same chunking and the same three sums as :func:`symenh.integrate.grid.fermi_box_sums`
(full grid, checkerboard sub-lattice, sums of |terms|).  :func:`tilted_box` gives the Fermi box
(scaled-momentum bounds) that covers every k whose tilted energy is within the window.
Units: k in 1/nm, energies and kT in eV, alpha in eV nm, factors in spec.py units.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .grid import fermi_box
from .grid.box import UniformGrid
from .grid.numerics import ModelNumerics, chunk_geometry
from .occupation import fermi_derivatives


def tilted_box(num: ModelNumerics, params0, scan, lo: float, hi: float, alpha: float, vel_window):
    """Fermi box (as :func:`symenh.integrate.grid.fermi_box`) for energies in [lo, hi] (eV) at tilt
    ``alpha`` (eV nm).

    The probe's bands are taken twice: at their tilted energies eps0 + alpha tau (the Fermi
    functions) and at alpha = 0 (the filled-band reference theta(E_ref - eps0)); the box covers
    every probe point where either lies in the window, with the tilted velocities
    d_c eps0 + alpha d_c tau.  (It used to grow the alpha = 0 window by the tilt energy found
    in the box, four times: at alpha = 0.5 that stopped short of the tilted pocket, and the
    grid summed a cut pocket with an estimate that could not see it.)  Returns the box or None.
    """
    kx = scan.q[:, None] * scan.k_scale[0] + 0 * scan.q[None, :]
    ky = scan.q[None, :] * scan.k_scale[1] + 0 * scan.q[:, None]
    tau, dtau = num.tilt_profile(kx, ky, params0)
    eps0 = np.asarray(scan.eps, dtype=float)
    vel0 = np.asarray(scan.vel, dtype=float)
    eps_t = eps0 + alpha * np.asarray(tau, dtype=float)[..., None]
    vel_t = vel0 + alpha * np.stack([np.asarray(d, dtype=float) for d in dtau], -1)[..., None, :]
    both = dataclasses.replace(scan, eps=np.concatenate([eps_t, eps0], axis=-1),
                               vel=np.concatenate([vel_t, vel0], axis=-2))
    return fermi_box(both, lo, hi, vel_window=vel_window)


def tilted_box_sums(num: ModelNumerics, params0, grid: UniformGrid, mu: float, kTs, alpha: float, E_ref: float,
                    chunk_points: int = 16384) -> dict:
    """Factors at tilt ``alpha`` on ``grid`` at each kT: {name: (3, nT, *shape)}.

    Names: ``D`` [b], ``X`` [c][b][a], ``A`` [c][eta][a], ``C`` [eta][b], ``Bd`` [eta][b]
    (spec.py units); index 0 the full grid, 1 the checkerboard sub-lattice, 2 the sums of
    |terms| (roundoff scale).
    """
    kTs = np.asarray(kTs, dtype=float)
    nT = len(kTs)
    raw = np.zeros((3, nT, 3, 17))          # weights: d_x eps f', d_y eps f', (f - theta_ref)
    for kx, ky, sub in grid.chunks(chunk_points):
        bg, vel = chunk_geometry(num, kx, ky, params0)
        tau, dtau = num.tilt_profile(kx, ky, params0)
        eps0 = bg.energy
        P, N = eps0.shape
        eps = eps0 + alpha * tau[:, None]
        grad = vel + alpha * np.stack(dtau, -1)[:, None, :]
        Q = np.concatenate([bg.berry_curvature[..., None], bg.bcp.reshape(P, N, 4),
                            bg.sbp.reshape(P, N, 8), bg.spin], axis=-1).reshape(P * N, 17)
        wdeg = 1.0 / bg.degeneracy
        theta = (eps0 < E_ref).astype(float)
        for t, kT in enumerate(kTs):
            f, f1, _ = fermi_derivatives(eps, mu, kT)
            W = np.concatenate([(f1 * wdeg)[..., None] * grad, ((f - theta) * wdeg)[..., None]], axis=-1)
            raw[0, t] += W.reshape(P * N, 3).T @ Q
            raw[1, t] += (W * sub[:, None, None]).reshape(P * N, 3).T @ Q
            raw[2, t] += np.abs(W).reshape(P * N, 3).T @ np.abs(Q)
    raw *= grid.cell
    Om, Gq, Sq, sp_ = raw[..., 0], raw[..., 1:5], raw[..., 5:13], raw[..., 13:17]
    G4 = Gq.reshape(3, nT, 3, 2, 2)
    S4 = Sq.reshape(3, nT, 3, 4, 2)
    sign = np.array([-1.0, -1.0, 1.0])[:, None, None]          # D = -F[Omega]; |.| sums stay positive
    out = {
        "D": Om[:, :, 0:2] * sign,
        "X": np.swapaxes(G4[:, :, 0:2], -1, -2),
        "A": S4[:, :, 0:2],
        "C": np.swapaxes(sp_[:, :, 0:2], -1, -2),
        "Bd": S4[:, :, 2],
    }
    return {k: np.ascontiguousarray(v) for k, v in out.items()}


__all__ = ["tilted_box", "tilted_box_sums"]
