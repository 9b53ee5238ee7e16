"""Symbolic band geometry: eigen-structure, Berry curvature, metric, BCP, SBP, spin."""

from .symbolic import QUANTITIES, SymbolicGeometry, derive_geometry, eigenvectors, interband_elements, level_projectors

__all__ = ["QUANTITIES", "SymbolicGeometry", "derive_geometry", "eigenvectors", "interband_elements",
           "level_projectors"]
