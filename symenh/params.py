"""Numeric model parameters with explicit units, and the ``NAME=VALUE`` parser.

The paper's values (Fig. 3) are the defaults: Delta = 50 meV, v_x = v_y = 4e5 m/s,
alpha = 0.1 hbar v_y, tau = 0.5 ps, q_s = 0.2 / nm.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from . import units
from .errors import ParameterError
from .models.symbols import ALPHA, DELTA, HVX, HVY




@dataclass(frozen=True)
class Parameters:
    """Parameters of the paper's models and responses.

    Attributes (units in the names): ``Delta_eV`` gap parameter (any sign, eV);
    ``vx_m_per_s``, ``vy_m_per_s`` velocities (> 0, m/s); ``alpha_over_hbar_v``
    tilt alpha / (hbar v_y) (dimensionless, |.| < 1); ``tau_ps`` relaxation time
    (> 0, ps); ``q_s_per_nm`` screening wave number (> 0, 1/nm) fixing the contact
    interaction V_0 = e^2 / (4 pi eps_0 q_s).
    """

    Delta_eV: float = 0.05
    vx_m_per_s: float = 4e5
    vy_m_per_s: float = 4e5
    alpha_over_hbar_v: float = 0.1
    tau_ps: float = 0.5
    q_s_per_nm: float = 0.2

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float, np.floating, np.integer)) or not np.isfinite(value):
                raise ParameterError(f"{f.name}: must be a finite number, got {value!r}")
        for name, allowed in (("vx_m_per_s", "v_x > 0"), ("vy_m_per_s", "v_y > 0"),
                              ("tau_ps", "tau > 0"), ("q_s_per_nm", "q_s > 0")):
            if getattr(self, name) <= 0:
                raise ParameterError(f"{name}: must be positive ({allowed}), got {getattr(self, name)}")
        if abs(self.alpha_over_hbar_v) >= 1:
            raise ParameterError("alpha_over_hbar_v: |alpha/(hbar v)| must be < 1 (an overtilted cone "
                                 f"has an unbounded Fermi sea), got {self.alpha_over_hbar_v}")

    # -- derived quantities in symenh's internal units -------------------------
    @property
    def hbar_vx(self) -> float:
        """hbar v_x in eV nm."""
        return units.hbar_v_eV_nm(self.vx_m_per_s)

    @property
    def hbar_vy(self) -> float:
        """hbar v_y in eV nm."""
        return units.hbar_v_eV_nm(self.vy_m_per_s)

    @property
    def alpha_eV_nm(self) -> float:
        """Tilt alpha = alpha_over_hbar_v * hbar v_y in eV nm."""
        return self.alpha_over_hbar_v * self.hbar_vy

    @property
    def V0_eV_nm2(self) -> float:
        """Contact interaction V_0 = e^2/(4 pi eps_0 q_s) in eV nm^2."""
        return units.contact_V0_eV_nm2(self.q_s_per_nm)

    @property
    def tau_over_hbar_per_eV(self) -> float:
        """tau / hbar in 1/eV."""
        return units.tau_over_hbar_per_eV(self.tau_ps)

    def symbol_values(self) -> dict:
        """Values of the model symbols {Delta: eV, hbar_v_x: eV nm, hbar_v_y: eV nm, alpha: eV nm}."""
        return {DELTA: self.Delta_eV, HVX: self.hbar_vx, HVY: self.hbar_vy, ALPHA: self.alpha_eV_nm}

    def replace(self, **changes) -> "Parameters":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        """Field name -> value (units in the names)."""
        return dataclasses.asdict(self)


PAPER = Parameters()

#: command-line names -> (Parameters fields, dimension for units.parse_quantity or None)
PARAM_NAMES = {
    "Delta": (("Delta_eV",), "energy"),
    "v": (("vx_m_per_s", "vy_m_per_s"), "velocity"),
    "vx": (("vx_m_per_s",), "velocity"),
    "vy": (("vy_m_per_s",), "velocity"),
    "alpha_over_hbar_v": (("alpha_over_hbar_v",), None),
    "tau": (("tau_ps",), "time"),
    "q_s": (("q_s_per_nm",), "inverse length"),
}


def parse_params(assignments, base: Parameters = PAPER) -> Parameters:
    """Apply ``["Delta=50meV", "v=4e5m/s", ...]`` to ``base``.

    NAME is one of :data:`PARAM_NAMES`; VALUE carries its unit where it has one
    (alpha_over_hbar_v is dimensionless).  ``v`` sets both v_x and v_y.
    Raises :class:`ParameterError` or :class:`~symenh.units.UnitError` with a
    one-line message naming the parameter.
    """
    changes = {}
    for item in assignments or ():
        if "=" not in item:
            raise ParameterError(f"--param: expected NAME=VALUE, got {item!r}")
        name, text = (s.strip() for s in item.split("=", 1))
        if name not in PARAM_NAMES:
            raise ParameterError(f"--param: unknown parameter {name!r}; allowed: {', '.join(PARAM_NAMES)}")
        fields, dim = PARAM_NAMES[name]
        if dim is None:
            try:
                value = float(text)
            except ValueError:
                raise ParameterError(f"{name}: {text!r} is not a number (dimensionless)") from None
        else:
            value = units.parse_quantity(text, dim, name)
        for f in fields:
            changes[f] = (name, value)
    try:
        return base.replace(**{f: v for f, (_, v) in changes.items()})
    except ParameterError as exc:  # name the parameter as the user typed it
        field_name = str(exc).split(":", 1)[0]
        typed = changes.get(field_name, (field_name, None))[0]
        raise ParameterError(f"{typed}: {str(exc).split(':', 1)[1].strip()}") from None
