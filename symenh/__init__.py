"""symenh: symbolic-numeric toolkit for the exchange nonlinear Hall effect.

Pipeline: models (SymPy Hamiltonians) -> geometry (closed-form band geometry)
-> kernels (lambdified numerics; direct diagonalisation reference) -> integrate
(Fermi-surface / Fermi-sea quadrature, grids) -> responses (BCD, INH, ENH) ->
figures / command line.

Units: energies eV, lengths nm, k in 1/nm inside; conductivities in SI (A m / V^2).
"""

from .kernels.levels import geometry_levels
from .models import from_matrix, paper_model, pt_dirac, tilted_dirac
from .models.qsymm_convert import from_qsymm  # usermodels (issue 11 item 8)
from .errors import SymenhError
from .params import PAPER, Parameters
from .responses import SigmaResult, sigma

__version__ = "0.1.0"

__all__ = ["PAPER", "Parameters", "SigmaResult", "SymenhError", "from_matrix", "from_qsymm", "geometry_levels", "paper_model",
           "pt_dirac", "sigma", "tilted_dirac", "__version__"]
