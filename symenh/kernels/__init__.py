"""Numeric kernels: lambdified closed forms, the numeric (eigh) kernel, and the direct-diagonalisation path."""

from .direct import DEFAULT_DEGENERACY_TOL, BandGeometry, band_geometry
from .hamiltonian import NumericHamiltonian, param_vector
from .lambdified import GeometryKernel, build_kernel, kernel_for
from .numeric import NumericKernel, geometry_kernel, numeric_kernel

__all__ = ["DEFAULT_DEGENERACY_TOL", "BandGeometry", "GeometryKernel", "NumericHamiltonian", "NumericKernel",
           "band_geometry", "build_kernel", "geometry_kernel", "kernel_for", "numeric_kernel", "param_vector"]
