"""Physical constants, internal units and conversions to SI.

symenh computes internally in *natural lab units*: energies in eV, lengths in nm,
times in ps.  Hence momenta k are in 1/nm, hbar*v is in eV nm, the tilt alpha is in
eV nm, the contact interaction V_0 is in eV nm^2, and band-geometric tensors carry
the units listed in :data:`GEOMETRY_UNITS`.  Every public conductivity is converted
to SI (A m / V^2) in exactly one place, :func:`sigma_to_si`.

All constants come from :mod:`scipy.constants` (CODATA).
"""

from __future__ import annotations

import re
import numpy as np
from scipy import constants as _c

from .errors import UnitError

#: elementary charge, C
E_CHARGE = _c.e
#: reduced Planck constant, J s
HBAR = _c.hbar
#: vacuum permittivity, F/m
EPS0 = _c.epsilon_0
#: hbar in eV ps (= 6.582e-4 eV ps)
HBAR_EV_PS = _c.hbar / _c.e * 1e12
#: Boltzmann constant in eV/K
KB_EV_PER_K = _c.k / _c.e
#: e^2 / (4 pi eps_0) in eV nm (= 1.44 eV nm)
COULOMB_EV_NM = _c.e / (4 * np.pi * _c.epsilon_0) * 1e9

#: units of the band-geometric quantities as returned by the kernels
GEOMETRY_UNITS = {
    "energy": "eV",
    "sbp": "nm/eV",
    "bcp": "nm^2/eV",
    "berry-curvature": "nm^2",
    "quantum-metric": "nm^2",
    "spin": "dimensionless",
}

SIGMA_UNITS = "A m / V^2"


def hbar_v_eV_nm(v_m_per_s: float) -> float:
    """hbar * v in eV nm for a velocity v in m/s."""
    return HBAR / E_CHARGE * v_m_per_s * 1e9


def contact_V0_eV_nm2(q_s_per_nm: float) -> float:
    """Contact interaction V_0 = e^2 / (4 pi eps_0 q_s) in eV nm^2 (q_s in 1/nm).

    The paper's estimate (text before Fig. 3); 7.2 eV nm^2 at q_s = 0.2 / nm.
    """
    return COULOMB_EV_NM / q_s_per_nm


def sigma_to_si(x_nm_per_eV: np.ndarray | float) -> np.ndarray | float:
    """Convert a second-order conductivity to SI.

    Input: sigma / (e^3 / hbar) expressed in nm / eV -- that is, the dimensionful
    momentum-space integral that multiplies e^3/hbar once energies are in eV and
    lengths in nm (a tau-linear response must already include tau/hbar in 1/eV).
    Output: sigma in A m / V^2.  Since e^3/hbar * nm/eV = e^2/hbar * 1e-9 m in SI.
    """
    return np.asarray(x_nm_per_eV) * (E_CHARGE**2 / HBAR) * 1e-9


def tau_over_hbar_per_eV(tau_ps: float) -> float:
    """tau / hbar in 1/eV for tau in ps."""
    return tau_ps / HBAR_EV_PS


# ---------------------------------------------------------------------------
# Quantities with units, as typed on the command line: "50meV", "0.5ps", "0.2/nm"
# ---------------------------------------------------------------------------

_ENERGY = {"eV": 1.0, "meV": 1e-3, "µeV": 1e-6, "ueV": 1e-6, "keV": 1e3}
_VELOCITY = {"m/s": 1.0, "km/s": 1e3, "nm/ps": 1e3}
_TIME = {"s": 1e12, "ps": 1.0, "fs": 1e-3, "ns": 1e3}
_INV_LENGTH = {"/nm": 1.0, "1/nm": 1.0, "nm^-1": 1.0, "/A": 10.0, "1/A": 10.0,
               "/m": 1e-9, "1/m": 1e-9, "m^-1": 1e-9}

#: dimension name -> (table of unit -> factor to the internal unit, internal unit name)
DIMENSIONS = {
    "energy": (_ENERGY, "eV"),
    "velocity": (_VELOCITY, "m/s"),
    "time": (_TIME, "ps"),
    "inverse length": (_INV_LENGTH, "1/nm"),
}

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")




def parse_quantity(text: str, dimension: str, name: str) -> float:
    """Parse "50meV", "4e5m/s", "0.5ps" or "0.2/nm" into the internal unit.

    ``dimension`` is one of :data:`DIMENSIONS`; the returned float is in eV, m/s,
    ps or 1/nm respectively.  Raises :class:`UnitError` naming ``name`` and the
    allowed units when the unit is missing or wrong.
    """
    table, internal = DIMENSIONS[dimension]
    m = _NUMBER.match(str(text))
    allowed = ", ".join(table)
    if not m:
        raise UnitError(f"{name}: cannot read {text!r} as a number with a unit "
                        f"(an {dimension}: one of {allowed})")
    number, unit = float(m.group(1)), m.group(2)
    if not unit:
        raise UnitError(f"{name}: {text!r} has no unit; give an {dimension} "
                        f"with one of the units {allowed} (e.g. 1{internal})")
    if unit not in table:
        raise UnitError(f"{name}: unit {unit!r} is not an {dimension}; allowed: {allowed}")
    value = number * table[unit]
    if not np.isfinite(value):
        raise UnitError(f"{name}: {text!r} is not finite")
    return value
