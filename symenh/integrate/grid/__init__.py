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
grid error, and on the lattice of every other point (spacing 2 h) to check that the
grid sums converge as the spacing shrinks.  Every sum also carries a floating-point
roundoff floor (:func:`roundoff_floor`): a probabilistic summation bound from the sums of
|terms| plus a per-term bound from the untraced geometry and the eigenvector condition
number (:func:`roundoff_bounds`), so that a quantity that cancels inside a degenerate level
(the Berry curvature of H_PT) is not mistaken for an exact zero.  Memory is bounded by
chunking over grid rows (``chunk_points``).

Modules: :mod:`.numerics` (numeric H, tilt profile, geometry on a chunk), :mod:`.probe`
(spectrum probe, gaps, Fermi box), :mod:`.box` (uniform grids, Fermi-box sums),
:mod:`.filled_sea` (windows, Cartesian sea, radial tail); the Fermi function is in
:mod:`symenh.integrate.occupation`.
"""

from ...kernels.hamiltonian import param_vector
from ..occupation import fermi_derivatives
from .box import TWO_PI_SQ, UniformGrid, fermi_box_sums, grid_over
from .filled_sea import SeaTail, clenshaw_curtis, sea_angular_profile, sea_reference_sums, sea_tail, smooth_window
from .numerics import (UNIT_ROUNDOFF, ModelNumerics, chunk_geometry, roundoff_bounds, roundoff_floor,
                       zero_tilt_values)
from .probe import (Scan, clear_numerics, fermi_box, model_scales, probe_axis, scan_for, scan_model,
                    tilted_paper_gap, tilted_scan)

__all__ = ["TWO_PI_SQ", "ModelNumerics", "Scan", "SeaTail", "UniformGrid", "chunk_geometry", "clear_numerics",
           "clenshaw_curtis", "fermi_box", "fermi_box_sums", "fermi_derivatives", "grid_over", "model_scales",
           "param_vector", "probe_axis", "scan_for", "scan_model", "tilted_paper_gap", "tilted_scan", "sea_angular_profile", "sea_reference_sums",
           "sea_tail", "smooth_window", "zero_tilt_values", "UNIT_ROUNDOFF", "roundoff_bounds", "roundoff_floor"]
