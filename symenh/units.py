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
#: temperatures in kelvin (``--param T=77K``; :func:`symenh.temperature.parse_temperature` also reads k_B T)
_TEMPERATURE = {"K": 1.0, "mK": 1e-3}
_INV_LENGTH = {"/nm": 1.0, "1/nm": 1.0, "nm^-1": 1.0, "/A": 10.0, "1/A": 10.0,
               "/m": 1e-9, "1/m": 1e-9, "m^-1": 1e-9}

#: dimension name -> (table of unit -> factor to the internal unit, internal unit name)
DIMENSIONS = {
    "energy": (_ENERGY, "eV"),
    "velocity": (_VELOCITY, "m/s"),
    "time": (_TIME, "ps"),
    "inverse length": (_INV_LENGTH, "1/nm"),
    "temperature": (_TEMPERATURE, "K"),
}

_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER = re.compile(rf"^\s*({_NUM})\s*(.*?)\s*$")
_RANGE = re.compile(rf"^\s*({_NUM})\s*:\s*({_NUM})\s*:\s*(\d+)\s*(.*?)\s*$")

#: the indefinite article of each dimension's name, for grammatical messages
ARTICLE = {"energy": "an", "velocity": "a", "time": "a", "inverse length": "an", "temperature": "a"}

#: most points a ``START:STOP:N`` range may ask for
MAX_RANGE_POINTS = 100_000


def _a(dimension: str) -> str:
    """"an energy", "a velocity", ..."""
    return f"{ARTICLE.get(dimension, 'a')} {dimension}"


def _is_zero(literal: str) -> bool:
    """Whether a number literal ("0", "-0.0", "0e5") is exactly zero (its mantissa has no non-zero digit)."""
    return not re.search(r"[1-9]", literal.lower().split("e")[0])


def _scale(literal: str, unit: str, text: str, dimension: str, name: str) -> float:
    """The number ``literal`` in ``unit`` converted to the internal unit of ``dimension``;
    a zero needs no unit; a non-zero literal that is not a finite non-zero float is refused."""
    table, internal = DIMENSIONS[dimension]
    allowed = ", ".join(table)
    number = float(literal)
    zero = _is_zero(literal)
    if not zero and not (np.isfinite(number) and number != 0.0):
        raise UnitError(f"{name}: {text!r} is outside the floating-point range (finite, non-zero)")
    if not unit:
        if zero:   # zero is zero in every unit
            return 0.0
        raise UnitError(f"{name}: {text!r} has no unit; give {_a(dimension)} "
                        f"with one of the units {allowed} (e.g. 1{internal})")
    if unit not in table:
        raise UnitError(f"{name}: unit {unit!r} is not {_a(dimension)}; allowed: {allowed}")
    value = number * table[unit]
    if not np.isfinite(value) or (value == 0.0) != zero:
        raise UnitError(f"{name}: {text!r} is out of the floating-point range in {internal}")
    return value


def parse_quantity(text: str, dimension: str, name: str) -> float:
    """Parse "50meV", "4e5m/s", "0.5ps" or "0.2/nm" into the internal unit.

    ``dimension`` is one of :data:`DIMENSIONS`; the returned float is in eV, m/s,
    ps or 1/nm respectively.  A zero needs no unit ("0").  Raises :class:`UnitError`
    naming ``name`` and the allowed units when the unit is missing or wrong, or the
    number is not finite.  Ranges of values are checked by :mod:`symenh.params`.
    """
    table, _ = DIMENSIONS[dimension]
    m = _NUMBER.match(str(text))
    if not m:
        raise UnitError(f"{name}: cannot read {text!r} as a number with a unit "
                        f"({_a(dimension)}: one of {', '.join(table)})")
    return _scale(m.group(1), m.group(2), str(text), dimension, name)


def parse_quantities(text: str, dimension: str, name: str) -> list:
    """One value ("50meV", as :func:`parse_quantity`) or an inclusive range
    ``START:STOP:N<unit>`` ("50:300:26meV": N >= 2 equally spaced values from START to
    STOP, both included, as ``numpy.linspace``; the unit applies to both ends; negative
    ends work, "-300:-50:6meV").  Returns a list of floats in the internal unit."""
    m = _RANGE.match(str(text))
    if not m:
        if ":" in str(text):
            raise UnitError(f"{name}: cannot read {text!r} as a range START:STOP:N<unit> "
                            f"(e.g. 50:300:26meV, N >= 2 points, ends included)")
        return [parse_quantity(text, dimension, name)]
    start, stop, n, unit = m.group(1), m.group(2), int(m.group(3)), m.group(4)
    if not 2 <= n <= MAX_RANGE_POINTS:
        raise UnitError(f"{name}: a range START:STOP:N needs 2 <= N <= {MAX_RANGE_POINTS} points, got {n}")
    if not unit and not (_is_zero(start) and _is_zero(stop)):
        raise UnitError(f"{name}: range {text!r} has no unit; give {_a(dimension)} with one of the "
                        f"units {', '.join(DIMENSIONS[dimension][0])} after N (e.g. 50:300:26meV)")
    lo = _scale(start, unit, str(text), dimension, name)
    hi = _scale(stop, unit, str(text), dimension, name)
    return [float(x) for x in np.linspace(lo, hi, n)]
