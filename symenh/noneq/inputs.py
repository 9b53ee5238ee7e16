"""Inputs of the nonequilibrium state with their units: the electric field (V/m), the temperature
(K), the convention sign of paper Eq. 2.

``parse_field_component("1e5V/m")`` -> 1e5 (V/m); also kV/cm, MV/m, V/cm, kV/m, MV/cm, V/um, V/nm.
``parse_temperature("10K")`` -> 10.0 (K; "0K" allowed, also mK).  Internally the field enters as
e E in eV/nm: ``e E [eV/nm] = E [V/m] * 1e-9``.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import InputTypeError, ParameterError, UnitError
from ..responses.spec import CONVENTIONS, check_choice

#: electric-field units -> factor to V/m
FIELD_UNITS = {"V/m": 1.0, "kV/m": 1e3, "MV/m": 1e6, "V/cm": 1e2, "kV/cm": 1e5, "MV/cm": 1e8,
               "V/um": 1e6, "V/nm": 1e9}
#: temperature units -> factor to K
TEMPERATURE_UNITS = {"K": 1.0, "mK": 1e-3}

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _parse(text, table, name, what, example):
    m = _NUMBER.match(str(text))
    allowed = ", ".join(table)
    if not m:
        raise UnitError(f"{name}: cannot read {text!r} as a number with a unit ({what}: one of {allowed})")
    number, unit = float(m.group(1)), m.group(2)
    if not unit:
        raise UnitError(f"{name}: {text!r} has no unit; give {what} with one of the units {allowed} (e.g. {example})")
    if unit not in table:
        raise UnitError(f"{name}: unit {unit!r} is not {what}; allowed: {allowed}")
    value = number * table[unit]
    if not np.isfinite(value):
        raise UnitError(f"{name}: {text!r} is not finite")
    return value


def parse_field_component(text: str, name: str = "--field") -> float:
    """One field component with its unit ("1e5V/m", "2kV/cm", "0.1MV/m") -> V/m."""
    return _parse(text, FIELD_UNITS, name, "an electric field", "1e5V/m")


def parse_temperature(text: str, name: str = "--temperature") -> float:
    """A temperature with its unit ("0K", "10K", "300mK") -> K (>= 0)."""
    value = _parse(text, TEMPERATURE_UNITS, name, "a temperature", "10K")
    return check_temperature(value, name)


def check_field(field_V_per_m, name: str = "field") -> np.ndarray:
    """The in-plane field (E_x, E_y) in V/m as a float array; finite and non-zero (every quantity is
    linear in E and its direction defines the state: a zero field is refused)."""
    try:
        E = np.asarray(field_V_per_m, dtype=float)
    except (TypeError, ValueError):
        raise InputTypeError(f"{name}: expected two numbers (E_x, E_y) in V/m, got {field_V_per_m!r}") from None
    if E.shape != (2,):
        raise ParameterError(f"{name}: expected two components (E_x, E_y) in V/m, got shape {E.shape}")
    if not np.all(np.isfinite(E)):
        raise ParameterError(f"{name}: components must be finite (V/m), got {E.tolist()}")
    if not np.any(E != 0):
        raise ParameterError(f"{name}: must be non-zero (V/m): the field's direction defines the nonequilibrium "
                             "state (every quantity is linear in E, a zero field gives zero)")
    return E


def check_temperature(T, name: str = "temperature_K") -> float:
    """T in K: a finite number >= 0 (T = 0 allowed)."""
    if isinstance(T, bool) or not isinstance(T, (int, float, np.integer, np.floating)):
        raise InputTypeError(f"{name}: must be a number (K), got {type(T).__name__}")
    T = float(T)
    if not np.isfinite(T) or T < 0:
        raise ParameterError(f"{name}: must be a finite temperature >= 0 K, got {T}")
    return T


def eE_eV_per_nm(field_V_per_m) -> np.ndarray:
    """e E in eV/nm for E in V/m (e > 0; the sign of the carrier's charge is in the convention)."""
    return np.asarray(field_V_per_m, dtype=float) * 1e-9


def density_sign(convention: str) -> int:
    """sgn of paper Eq. 2 (derivations/eq2_density_matrix_convention.py): delta rho is the response to
    H' = sgn e E.r; +1 consistent (electron, H' = +e E.r), -1 printed (Eq. 2 as printed)."""
    check_choice("convention", convention, CONVENTIONS)
    return 1 if convention == "consistent" else -1


__all__ = ["FIELD_UNITS", "TEMPERATURE_UNITS", "check_field", "check_temperature", "density_sign", "eE_eV_per_nm",
           "parse_field_component", "parse_temperature"]
