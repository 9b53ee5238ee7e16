"""symenh: symbolic-numeric toolkit for the exchange nonlinear Hall effect.

Pipeline: models (SymPy Hamiltonians) -> geometry (closed-form band geometry)
-> kernels (lambdified numerics; direct diagonalisation reference) -> integrate
(Fermi-surface / Fermi-sea quadrature, grids) -> responses (BCD, INH, ENH, inh-full) ->
figures / command line.

Units: energies eV, lengths nm, k in 1/nm inside; conductivities in SI (A m / V^2);
temperatures in kelvin (``Parameters.T_K``); interactions V(q) in eV nm^2 with q in 1/nm
(:mod:`symenh.interactions`, e.g. ``symenh.interactions.Q`` for a SymPy V(q); ``Parameters.eps_r``
divides every interaction).
"""

from . import interactions  # noqa: F401  (symenh.interactions.Q, screened_coulomb, ... after import symenh)
from .errors import SymenhError
from .kernels.levels import geometry_levels
from .maps import sweep
from .models import from_matrix, paper_model, pt_dirac, tilted_dirac
from .models.model_file import load_model  # a user's model from a JSON / TOML file (never executed)
from .models.qsymm_convert import from_qsymm  # usermodels (issue 11 item 8)
from .params import PAPER, Parameters
from .responses import SigmaResult, sigma

__version__ = "0.1.0"

__all__ = [
           "PAPER",
           "Parameters",
           "SigmaResult",
           "SymenhError",
           "__version__",
           "from_matrix",
           "from_qsymm",
           "geometry_levels",
           "load_model",
           "paper_model",
           "pt_dirac",
           "sigma",
           "sweep",
           "tilted_dirac",
]
