"""Numeric kernels: lambdified closed forms, and the independent direct-diagonalisation path."""

from .direct import DEFAULT_DEGENERACY_TOL, BandGeometry, band_geometry
from .hamiltonian import NumericHamiltonian, param_vector
from .lambdified import GeometryKernel, build_kernel, kernel_for

__all__ = ["DEFAULT_DEGENERACY_TOL", "BandGeometry", "band_geometry", "NumericHamiltonian", "param_vector",
           "GeometryKernel", "build_kernel", "kernel_for"]
