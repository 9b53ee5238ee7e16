"""The request every computation path receives: what to compute and with which inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models.base import SymbolicModel
from ..params import Parameters
from .spec import Prefactors


@dataclass(frozen=True)
class Job:
    """One conductivity request, resolved and validated.

    ``components``: the models summed over (both valleys of H_T, or H_PT alone).
    ``values``: numeric values keyed by the components' parameter symbols (eV, eV nm;
    :func:`symenh.responses.api.sigma` normalises user input to that); the tilt
    symbol's value is the alpha at which linear order is reported.
    ``mu_eV``: chemical potentials (eV), 1-D.  ``pre``: tau/hbar, V_0, ENH sign.
    ``model_name``: "tilted-dirac", "pt-dirac" or a user model's name.
    ``options``: path-specific settings (tolerances, grid sizes, ...).
    """

    model_name: str
    components: tuple
    mechanism: str
    mu_eV: np.ndarray
    params: Parameters
    values: dict
    pre: Prefactors
    convention: str = "consistent"
    exchange: str = "same"
    options: dict = field(default_factory=dict)

    @property
    def alpha(self) -> float:
        """The tilt value (eV nm) of the first component's tilt symbol."""
        m: SymbolicModel = self.components[0]
        return float(self.values[m.tilt_symbol])
