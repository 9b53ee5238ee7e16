"""Temperatures with units: kelvin, or an energy read as k_B T.

``parse_temperature("77K")`` -> 77.0, ``parse_temperature("6.6meV")`` -> 76.59 (k_B T = 6.6 meV),
``kT_eV(300.0)`` -> 0.025852 eV.  Constants from :mod:`symenh.units` (scipy.constants).
Errors: :class:`~symenh.errors.UnitError` (no or a wrong unit) and
:class:`~symenh.errors.ParameterError` (negative, not finite), one line naming the parameter.
"""

from __future__ import annotations

import re

import numpy as np

from . import units
from .errors import ParameterError, UnitError

#: temperature units -> factor to kelvin
KELVIN_UNITS = {"K": 1.0, "mK": 1e-3}
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def check_temperature(T_K, name: str = "T_K") -> float:
    """``T_K`` as a float if it is a finite temperature >= 0 (kelvin), else ParameterError."""
    try:
        t = float(T_K)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}: a temperature in kelvin must be a number, got {T_K!r}") from None
    if not np.isfinite(t) or t < 0:
        raise ParameterError(f"{name}: must be a finite temperature >= 0 K, got {T_K!r}")
    return t


def kT_eV(T_K: float) -> float:
    """k_B T in eV for T in kelvin."""
    return units.KB_EV_PER_K * check_temperature(T_K)


def parse_temperature(text: str, name: str = "T") -> float:
    """Temperature in kelvin from "77K", "300 K", "50mK" or an energy k_B T ("6.6meV", "0.01eV")."""
    m = _NUMBER.match(str(text))
    allowed = ", ".join(list(KELVIN_UNITS) + list(units.DIMENSIONS["energy"][0]))
    if not m:
        raise UnitError(f"{name}: cannot read {text!r} as a temperature (a number with one of {allowed})")
    number, unit = float(m.group(1)), m.group(2)
    if not unit:
        raise UnitError(f"{name}: {text!r} has no unit; give a temperature in K (e.g. 77K) or k_B T as an "
                        f"energy (e.g. 6.6meV); allowed units: {allowed}")
    if unit in KELVIN_UNITS:
        value = number * KELVIN_UNITS[unit]
    elif unit in units.DIMENSIONS["energy"][0]:
        value = units.parse_quantity(text, "energy", name) / units.KB_EV_PER_K
    else:
        raise UnitError(f"{name}: unit {unit!r} is not a temperature or an energy; allowed: {allowed}")
    return check_temperature(value, name)


__all__ = ["KELVIN_UNITS", "check_temperature", "kT_eV", "parse_temperature"]
