"""Occupations: the Fermi function and its energy derivatives (overflow-free).

Used by every finite-temperature computation (the grid path's small-T Fermi functions).
Energies in eV.
"""

from __future__ import annotations

import numpy as np


def fermi_derivatives(eps, mu: float, kT: float):
    """(f, df/deps, d^2f/deps^2) of the Fermi function at energies ``eps`` (eV).

    Units: 1, 1/eV, 1/eV^2.  Written with ``exp(-|x|)`` only, so it never overflows.
    """
    x = (np.asarray(eps) - mu) / kT
    e = np.exp(-np.abs(x))
    th = np.tanh(0.5 * x)
    sech2 = 4.0 * e / (1.0 + e) ** 2          # sech^2(x/2)
    f = np.where(x > 0, e / (1.0 + e), 1.0 / (1.0 + e))
    f1 = -sech2 / (4.0 * kT)
    f2 = sech2 * th / (4.0 * kT**2)
    return f, f1, f2

