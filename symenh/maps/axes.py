"""The axes of a parameter map: ``NAME=SPEC`` with units, parsed into values in symenh's units.

An axis is a name and a 1-D array of distinct values:

* ``mu`` -- the chemical potential (an energy, stored in eV); every path evaluates it as an
  array in one :func:`symenh.sigma` call;
* ``mu_over_Delta`` -- the chemical potential in units of the gap (dimensionless; at each
  point mu = value * |Delta|, as the axes of Fig. 3); evaluated like ``mu``;
* any name ``symenh sigma --param`` accepts (:data:`symenh.params.PARAM_NAMES`: ``Delta``,
  ``v``, ``tau``, ``q_s``, ``alpha_over_hbar_v``, and every name added there later, e.g.
  ``T``, ``eps_r``): the value replaces the Parameters field(s) that name sets, in that
  field's unit (Delta in eV, v in m/s, tau in ps, q_s in 1/nm, ...).

SPEC is written as on the command line, with its unit:

=========================  ============================================================
``0.05:0.3:101eV``         START:STOP:N, N >= 2 values, ends included (numpy.linspace)
``0.05:2:40/nm`` + log     the same ends and N, log-spaced (numpy.geomspace; ends > 0 or < 0)
``0,10,100,300K``          a list; a unit after the last value applies to the values without one
``50meV``                  one value (a map of one point along this axis)
=========================  ============================================================

Quantities are read by :mod:`symenh.units` (:func:`~symenh.units.parse_quantity`,
:func:`~symenh.units.parse_quantities`): a non-zero value needs its unit, a zero does not.
Values are not range-checked here: a point whose parameters are invalid is recorded as a
failed point of the map (NaN and its message), the rest of the map is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .. import units
from ..errors import InputTypeError, ParameterError, UnitError
from ..params import PARAM_NAMES, check_real_array

#: the axes evaluated as an array inside one symenh.sigma call (at most one per map)
MU_AXES = {"mu": ("energy", "eV"), "mu_over_Delta": (None, "")}
#: how the values of an axis are spaced (the coordinate attribute "spacing")
SPACINGS = ("linear", "log", "list")

_UNIT_TAIL = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def axis_names() -> tuple:
    """Every name an axis may have: mu, mu_over_Delta and the --param names."""
    return tuple(MU_AXES) + tuple(PARAM_NAMES)


def _dimension(name: str):
    """(dimension for symenh.units or None, unit of the stored values) of axis ``name``."""
    if name in MU_AXES:
        return MU_AXES[name]
    dim = PARAM_NAMES[name][1]
    return dim, (units.DIMENSIONS[dim][1] if dim else "")


@dataclass(frozen=True)
class Axis:
    """One axis of a map: ``name`` (see the module docstring), ``values`` (1-D float array in
    ``unit``, the unit of the Parameters field, or eV for mu), ``spacing`` ("linear", "log" or
    "list"), and ``spec`` (the text it was parsed from, or "" for values given as numbers)."""

    name: str
    values: np.ndarray
    unit: str
    spacing: str = "list"
    spec: str = ""

    @property
    def fields(self) -> tuple:
        """The Parameters fields this axis sets (empty for mu and mu_over_Delta)."""
        return () if self.name in MU_AXES else PARAM_NAMES[self.name][0]

    @property
    def is_mu(self) -> bool:
        """True for mu and mu_over_Delta: evaluated as an array in one symenh.sigma call."""
        return self.name in MU_AXES

    def __len__(self) -> int:
        return len(self.values)

    def describe(self) -> dict:
        """The JSON-able description kept in a map's settings (values as exact float reprs)."""
        return {"name": self.name, "unit": self.unit, "spacing": self.spacing,
                "values": [float(v) for v in self.values]}


def _check_name(name) -> str:
    if not isinstance(name, str):
        raise InputTypeError(f"axis: the name must be a string, got {type(name).__name__}")
    if name not in axis_names():
        raise ParameterError(f"--axis: unknown axis {name!r}; allowed: {', '.join(axis_names())}")
    return name


def _dimensionless(text: str, name: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise ParameterError(f"{name}: {text!r} is not a number ({name} is dimensionless, no unit)") from None
    if not np.isfinite(x):
        raise ParameterError(f"{name}: {text!r} is not a finite number")
    return x


def _parse_range(spec: str, name: str, dim) -> list:
    if dim is not None:
        return units.parse_quantities(spec, dim, name)
    parts = spec.split(":")
    m = re.fullmatch(r"\s*(\d+)\s*", parts[2]) if len(parts) == 3 else None
    if not m:
        raise UnitError(f"{name}: cannot read {spec!r} as a range START:STOP:N (dimensionless, e.g. 1.02:8:160)")
    n = int(m.group(1))
    if not 2 <= n <= units.MAX_RANGE_POINTS:
        raise UnitError(f"{name}: a range START:STOP:N needs 2 <= N <= {units.MAX_RANGE_POINTS} points, got {n}")
    return [float(x) for x in np.linspace(_dimensionless(parts[0], name), _dimensionless(parts[1], name), n)]


def _parse_list(spec: str, name: str, dim) -> list:
    items = [s.strip() for s in spec.split(",")]
    if any(not s for s in items):
        raise ParameterError(f"{name}: empty value in the list {spec!r} (e.g. 0,10,100,300K)")
    if dim is None:
        return [_dimensionless(s, name) for s in items]
    tail = _UNIT_TAIL.match(items[-1])
    unit = tail.group(2) if tail else ""
    out = []
    for s in items:
        m = _UNIT_TAIL.match(s)
        text = s + unit if (m and not m.group(2)) else s   # the last value's unit applies to the bare values
        out.append(units.parse_quantity(text, dim, name))
    return out


def parse_axis(text: str, log: bool = False) -> Axis:
    """An :class:`Axis` from ``"NAME=SPEC"`` (module docstring); ``log`` spaces a range
    START:STOP:N geometrically.  Raises :class:`~symenh.errors.UnitError` or
    :class:`~symenh.errors.ParameterError`, one line naming the axis, for an unknown name, a
    missing or wrong unit, an empty range or list, a log range through zero, repeated values."""
    if not isinstance(text, str):
        raise InputTypeError(f"--axis: must be a 'NAME=SPEC' string, got {type(text).__name__}")
    if "=" not in text:
        raise ParameterError(f"--axis: expected NAME=SPEC (e.g. mu=0.05:0.3:101eV), got {text!r}")
    name, spec = (s.strip() for s in text.split("=", 1))
    return axis(name, spec, log=log)


def axis(name: str, spec, log: bool = False) -> Axis:
    """An :class:`Axis` named ``name`` from ``spec``: a string as on the command line
    (``"0.05:2:40/nm"``, ``"0,10,100,300K"``), or numbers already in the axis's unit (eV for mu,
    the Parameters field's unit otherwise: 1/nm for q_s, ps for tau, ...).  ``log``: a
    START:STOP:N range is log-spaced (both ends of one sign)."""
    _check_name(name)
    dim, unit = _dimension(name)
    if isinstance(spec, str):
        text = spec.strip()
        if not text:
            raise ParameterError(f"{name}: empty axis; give a range START:STOP:N<unit>, a list or a value")
        is_range = ":" in text
        values = _parse_range(text, name, dim) if is_range else _parse_list(text, name, dim)
        spacing = "linear" if is_range else "list"
    else:
        values = list(check_real_array(spec, name, unit))
        if not values:
            raise ParameterError(f"{name}: empty axis; give at least one value")
        is_range, spacing, text = False, "list", ""
    values = np.asarray(values, dtype=float)
    if log:
        if not is_range:
            raise ParameterError(f"{name}: --log applies to a range START:STOP:N, not to {text or 'a list'!r}")
        lo, hi = values[0], values[-1]
        if lo == 0 or hi == 0 or (lo < 0) != (hi < 0):
            raise ParameterError(f"{name}: a log-spaced range needs both ends non-zero and of one sign, "
                                 f"got {lo:g} .. {hi:g} {unit}".rstrip())
        values = np.geomspace(lo, hi, len(values))
        spacing = "log"
    if len(np.unique(values)) != len(values):
        raise ParameterError(f"{name}: the values of an axis must be distinct, got {text or list(values)!r}")
    return Axis(name, values, unit, spacing, text)


def check_axes(axes) -> tuple:
    """A tuple of :class:`Axis` from a sequence of them: names distinct, no two axes setting the
    same Parameters field (v and vx), exactly one of mu / mu_over_Delta."""
    axes = tuple(axes)
    if not axes:
        raise ParameterError("--axis: a map needs at least one axis, and mu (or mu_over_Delta) among them")
    for a in axes:
        if not isinstance(a, Axis):
            raise InputTypeError(f"axes: expected symenh.maps.Axis values, got {type(a).__name__}")
    names = [a.name for a in axes]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ParameterError(f"--axis: axis {dup[0]!r} given twice")
    fields = [f for a in axes for f in a.fields]
    clash = sorted({f for f in fields if fields.count(f) > 1})
    if clash:
        both = [a.name for a in axes if clash[0] in a.fields]
        raise ParameterError(f"--axis: {' and '.join(both)} both set {clash[0]}; keep one of them")
    mus = [a.name for a in axes if a.is_mu]
    if len(mus) != 1:
        raise ParameterError("--axis: give exactly one of mu (an energy) or mu_over_Delta (mu / |Delta|) as an "
                             f"axis (a single value is allowed, e.g. mu=0.1eV); got {mus or 'none'}")
    return axes
