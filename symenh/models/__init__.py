"""Symbolic models: Hamiltonians as coefficient x constant-matrix sums."""

from .base import ModelError, SymbolicModel, from_matrix
from .paper import MODEL_NAMES, paper_model, paper_valleys, pt_block, pt_dirac, tilted_dirac
from .symbols import ALPHA, DELTA, HVX, HVY, KX, KY, PAULI

__all__ = ["ModelError", "SymbolicModel", "from_matrix", "MODEL_NAMES", "paper_model",
           "paper_valleys", "pt_block", "pt_dirac", "tilted_dirac",
           "ALPHA", "DELTA", "HVX", "HVY", "KX", "KY", "PAULI"]
