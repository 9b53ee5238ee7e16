r"""Grid path at the requested temperature, and at the exact tilt.

The grid path (:mod:`symenh.responses.grid`) is a finite-temperature method that, for the
paper's setting, extrapolates T -> 0.  Here it is evaluated at the temperature asked for, by
the same code (:func:`symenh.responses.grid.compute_elementwise` with ``kT`` and ``order``):

* T > 0, linear order: the Fermi-box sums (:func:`symenh.integrate.grid.fermi_box_sums`) at the
  single temperature kT, with the exact alpha-derivative on the Fermi function, the Fermi sea
  ``B0 = B_ref + sum int (f - theta_ref) S`` with the grid path's filled-band reference
  (windowed Cartesian sum + radial tail on circles); no T -> 0 extrapolation.  mu in a gap is
  thermally activated (the box reaches margin_kT kT beyond the band edge).
* exact order: occupations at ``eps0 + alpha tau`` (``fermi_box_sums(..., alpha=alpha)`` on the
  tilted Fermi box of :func:`symenh.integrate.thermal_box.tilted_box`) at kT; at T = 0 through
  the grid path's Richardson extrapolation in T^2 over the temperatures ``dist * kT_fractions``
  (dist: mu's distance from the tilted band edge ``|Delta| sqrt(1 - (alpha/hbar v_y)^2)`` for
  the paper models).
* T = 0, linear: the grid path itself (inh-full from the same X sums as inh).
* a lattice model: the same three cases on the Brillouin zone (:mod:`symenh.responses.lattice_grid`;
  the exact tilt with the tilted zone spectrum's critical energies).

``progress`` (an option of the grid path): lines per mu and component, as there.

Error estimate: that of the grid path (module docstring of :mod:`symenh.responses.grid`):
the variants (checkerboard sub-lattice scaled by the observed convergence, sea cutoff, sea tail
quadrature; at T = 0 the extrapolation with one temperature fewer), the roundoff floor of every
sum, the truncation of the Fermi tails at the box edge, the non-convergence widenings, all
propagated through the assembly without signs.  Per mu, the largest element's bound.
Options: those of the grid path.  Units: raw sigma in e^3/hbar nm/eV, kT in eV.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import grid as _grid
from .assembly import OCCUPATIONS, check_mechanism
from .spec import ResponseError, check_choice

ORDERS_G = ("linear", "exact")


def compute(job, kT: float = 0.0, order: str = "linear", occupation: str = "bare"):
    """Raw sigma (n_mu, 2, 2, 2) in e^3/hbar nm/eV at temperature kT (eV) and its error per mu.

    ``order``: "linear" (alpha d sigma/d alpha at 0) or "exact" (sigma at the requested
    alpha); ``occupation``: for inh-full ("bare" or "field-corrected").
    """
    check_mechanism(job.mechanism)
    check_choice("order", order, ORDERS_G)
    check_choice("occupation", occupation, OCCUPATIONS)
    if not (kT >= 0 and np.isfinite(kT)):
        raise ResponseError(f"temperature: k_B T must be >= 0 and finite, got {kT!r} eV")
    if job.occupation != occupation:
        job = replace(job, occupation=occupation)
    out, err = _grid.compute_elementwise(job, float(kT), order)
    return out, err.reshape(len(out), -1).max(axis=1)


__all__ = ["ORDERS_G", "compute"]
