"""Symbolic models: Hamiltonians as coefficient x constant-matrix sums."""

from . import examples
from .base import ModelError, SymbolicModel, from_matrix
from .examples import k2_pt_dirac, k2_tilted_dirac, lattice_pt_dirac, lattice_tilted_dirac, warped_dirac
from .lattice import Lattice
from .paper import MODEL_NAMES, paper_model, paper_valleys, pt_block, pt_dirac, tilted_dirac
from .symbols import ALPHA, DELTA, HVX, HVY, KX, KY, PAULI

__all__ = [
           "ALPHA",
           "DELTA",
           "HVX",
           "HVY",
           "KX",
           "KY",
           "MODEL_NAMES",
           "PAULI",
           "Lattice",
           "ModelError",
           "SymbolicModel",
           "examples",
           "from_matrix",
           "k2_pt_dirac",
           "k2_tilted_dirac",
           "lattice_pt_dirac",
           "lattice_tilted_dirac",
           "paper_model",
           "paper_valleys",
           "pt_block",
           "pt_dirac",
           "tilted_dirac",
           "warped_dirac",
]
