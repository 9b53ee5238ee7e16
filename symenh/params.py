"""Numeric model parameters with explicit units, their valid ranges, and the ``NAME=VALUE`` parser.

The paper's values (Fig. 3) are the defaults: Delta = 50 meV, v_x = v_y = 4e5 m/s,
alpha = 0.1 hbar v_y, tau = 0.5 ps, q_s = 0.2 / nm; and, beyond the paper, the relative
permittivity eps_r = 1 (it divides every interaction, the contact V_0 included) and the
temperature T = 0 K (the defaults reproduce the paper's numbers bit for bit).

Every value a user supplies is checked here, at the boundary, against a stated range
(:data:`RANGES`, :data:`MU_MAX_EV`) chosen so that no computation path downstream
overflows, underflows or divides by zero, and so that the numerical paths keep their
accuracy (spot-checked at the corners of the ranges: closed form, quadrature and the
large-mu series):

=====================  =======================================  =================================
parameter              allowed                                  why the bound
=====================  =======================================  =================================
Delta_eV               0, or 1e-6 <= |Delta| <= 10 eV           a gap below 1e-6 eV falls under the
                                                                degeneracy tolerance (1e-8 eV)
vx_m_per_s, vy_m_per_s 1e2 .. 1e8 m/s, and 1e-2 <= v_x/v_y      beyond an anisotropy of 100 the
                       <= 1e2                                   quadrature's contours degrade
alpha_over_hbar_v      0, or 1e-2 <= |alpha/(hbar v_y)| < 1     overtilted at 1; below 1e-2 the
                                                                quadrature's finite differences
                                                                (steps ~ alpha) lose digits faster
                                                                than its error estimate says
tau_ps                 1e-6 .. 1e6 ps
q_s_per_nm             1e-6 .. 1e3 1/nm                         V_0 = e^2/(4 pi eps_0 q_s) finite
eps_r                  1e-2 .. 1e4 (dimensionless)              V_0 / eps_r finite and non-zero
T_K                    0 .. 1e4 K (k_B T <= 0.86 eV)            the Fermi window stays inside the
                                                                energies the paths resolve
mu (chemical pot.)     finite, |mu| <= 1e4 eV; at Delta = 0     (:func:`check_mu`); gapless
                       also mu = 0 or |mu| >= 1e-4 eV           sigma diverges as mu -> 0
=====================  =======================================  =================================

Errors: :class:`~symenh.errors.InputTypeError` for a value of the wrong type (a string,
a complex number, a bool, None), :class:`~symenh.errors.ParameterError` for a value out of
its range; one line, starting with the parameter's name.
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass

import numpy as np

from . import units
from .errors import InputTypeError, ParameterError
from .models.symbols import ALPHA, DELTA, HVX, HVY

#: largest |mu| accepted (eV)
MU_MAX_EV = 1e4
#: smallest non-zero |mu| (eV) without a gap (Delta = 0), where sigma diverges as mu -> 0; the
#: grid path returns wrong numbers with a tiny estimate below ~5e-6 eV there (measured)
GAPLESS_MU_MIN_EV = 1e-4
#: smallest non-zero |Delta| (eV), largest |Delta| (eV)
DELTA_MIN_EV, DELTA_MAX_EV = 1e-6, 10.0
#: smallest non-zero |alpha / (hbar v_y)| (results are linear in alpha; the quadrature step does not follow a tiny tilt)
ALPHA_MIN = 1e-9
#: largest anisotropy max(v_x/v_y, v_y/v_x)
ANISOTROPY_MAX = 1e2

#: relative permittivity range (dimensionless)
EPS_R_MIN, EPS_R_MAX = 1e-2, 1e4
#: highest temperature (K): k_B T = 0.86 eV
T_MAX_K = 1e4

#: field -> (symbol in messages, unit, lowest, highest, zero allowed, by absolute value)
RANGES = {
    "Delta_eV": ("|Delta|", "eV", DELTA_MIN_EV, DELTA_MAX_EV, True, True),
    "vx_m_per_s": ("v_x", "m/s", 1e2, 1e8, False, False),
    "vy_m_per_s": ("v_y", "m/s", 1e2, 1e8, False, False),
    "alpha_over_hbar_v": ("|alpha/(hbar v_y)|", "", ALPHA_MIN, 1.0, True, True),
    "tau_ps": ("tau", "ps", 1e-6, 1e6, False, False),
    "q_s_per_nm": ("q_s", "1/nm", 1e-6, 1e3, False, False),
    "eps_r": ("eps_r", "", EPS_R_MIN, EPS_R_MAX, False, False),
    "T_K": ("T", "K", 0.0, T_MAX_K, True, False),
}


def _fail(fields, text: str, cls=ParameterError):
    """An error naming ``fields`` (a tuple of Parameters field names), with the names kept on
    the exception (``parse_params`` renames them to what the user typed)."""
    exc = cls(f"{', '.join(fields)}: {text}")
    exc.fields, exc.text = tuple(fields), text
    return exc


def _is_real_scalar(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _type_name(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return f"a bool ({value!r})"
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return f"a complex number ({value!r})"
    if value is None:
        return "None"
    return f"{type(value).__name__} {value!r}"[:80]


def check_real(value, name: str, unit: str = "") -> float:
    """``value`` as a float if it is a real number (int, float, numpy real; not bool,
    complex, str or None) and finite; else :class:`InputTypeError` (wrong type) or
    :class:`ParameterError` (not finite), the message starting with ``name``."""
    if not _is_real_scalar(value):
        raise InputTypeError(f"{name}: must be a real number{f' ({unit})' if unit else ''}, got {_type_name(value)}")
    x = float(value)
    if not np.isfinite(x):
        raise ParameterError(f"{name}: must be a finite number{f' ({unit})' if unit else ''}, got {x}")
    return x


def check_real_array(value, name: str, unit: str = "") -> np.ndarray:
    """A scalar or 1-D sequence/array of real numbers as a 1-D float array (finite).

    Refused with :class:`InputTypeError`: strings, bytes, None, bools, complex numbers,
    mappings, nested (2-D or ragged) sequences; with :class:`ParameterError`: NaN or inf."""
    what = f"a real number or a 1-D sequence of real numbers{f' ({unit})' if unit else ''}"
    if _is_real_scalar(value):
        return np.array([check_real(value, name, unit)])
    if value is None or isinstance(value, (str, bytes, dict, set, frozenset, bool, np.bool_, numbers.Complex)):
        raise InputTypeError(f"{name}: must be {what}, got {_type_name(value)}")
    if isinstance(value, (list, tuple)):   # numpy would silently turn True into 1.0: check each entry
        for x in value:
            if isinstance(x, (bool, np.bool_)):
                raise InputTypeError(f"{name}: must be {what}, got a bool in the sequence")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise InputTypeError(f"{name}: must be {what}, got {_type_name(value)}") from None
    if arr.ndim != 1:
        raise InputTypeError(f"{name}: must be {what}, got an array of shape {arr.shape}")
    if arr.dtype.kind in "iuf":
        out = arr.astype(float)
    elif arr.dtype.kind == "O":
        out = np.array([check_real(x, name, unit) for x in arr], dtype=float)
    else:
        kinds = {"b": "bools", "c": "complex numbers", "U": "strings", "S": "bytes"}
        raise InputTypeError(f"{name}: must be {what}, got {kinds.get(arr.dtype.kind, arr.dtype)}")
    if not np.all(np.isfinite(out)):
        raise ParameterError(f"{name}: every value must be finite{f' ({unit})' if unit else ''}, "
                             f"got {out[~np.isfinite(out)][0]}")
    return out


def check_mu(mu, name: str = "mu_eV", delta_eV: float | None = None) -> np.ndarray:
    """Chemical potentials (eV) as a 1-D float array: real, finite, |mu| <= :data:`MU_MAX_EV`.

    Any sign (hole doping) and mu in the gap are valid.  For a paper model without a gap
    (``delta_eV == 0``) the conductivities diverge as mu -> 0, so there |mu| must be 0 or at
    least :data:`GAPLESS_MU_MIN_EV`.  Raises :class:`InputTypeError` or :class:`ParameterError`
    naming ``name``."""
    arr = check_real_array(mu, name, "eV")
    bad = np.abs(arr) > MU_MAX_EV
    if np.any(bad):
        raise ParameterError(f"{name}: chemical potentials must satisfy |mu| <= {MU_MAX_EV:g} eV, "
                             f"got {arr[bad][0]:g} eV")
    if delta_eV == 0:
        bad = (arr != 0) & (np.abs(arr) < GAPLESS_MU_MIN_EV)
        if np.any(bad):
            raise ParameterError(f"{name}: with Delta = 0 (no gap) the conductivities diverge as mu -> 0; "
                                 f"|mu| must be 0 or >= {GAPLESS_MU_MIN_EV:g} eV, got {arr[bad][0]:g} eV")
    return arr


def _check_fields(obj) -> None:
    """Types, ranges and the anisotropy of a :class:`Parameters` (see :data:`RANGES`)."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if not _is_real_scalar(value):
            raise _fail((f.name,), f"must be a real number, got {_type_name(value)}", InputTypeError)
        x = float(value)
        sym, unit, lo, hi, zero_ok, absolute = RANGES[f.name]
        u = f" {unit}" if unit else ""
        got = f"got {x:g}{u}"
        if not np.isfinite(x):
            raise _fail((f.name,), f"must be a finite number, {got}")
        m = abs(x) if absolute else x
        upper_ok = m < hi if f.name == "alpha_over_hbar_v" else m <= hi
        if (x == 0 and zero_ok) or (lo <= m and upper_ok):
            object.__setattr__(obj, f.name, x)
            continue
        upper = "<" if f.name == "alpha_over_hbar_v" else "<="
        span = f"{lo:g} <= {sym} {upper} {hi:g}{u}"
        if zero_ok and lo == 0:
            text = f"must be within {span}" + (" (a temperature is not negative)" if x < 0 else "")
        elif zero_ok:
            text = f"must be 0 or {span}"
        elif x <= 0:
            text = f"must be positive, {span}"
        else:
            text = f"must be within {span}"
        if f.name == "alpha_over_hbar_v":
            text += (" (an overtilted cone has an unbounded Fermi sea)" if m >= 1 else
                     " (every result is linear in alpha: scale a smaller tilt from 1e-9)")
        raise _fail((f.name,), f"{text}; {got}")
    ratio = obj.vx_m_per_s / obj.vy_m_per_s
    if not 1 / ANISOTROPY_MAX <= ratio <= ANISOTROPY_MAX:
        raise _fail(("vx_m_per_s", "vy_m_per_s"), f"the anisotropy v_x/v_y must be within "
                    f"{1 / ANISOTROPY_MAX:g} .. {ANISOTROPY_MAX:g}; got {ratio:.4g}")


@dataclass(frozen=True)
class Parameters:
    """Parameters of the paper's models and responses.

    Attributes (units in the names): ``Delta_eV`` gap parameter (any sign, eV);
    ``vx_m_per_s``, ``vy_m_per_s`` velocities (> 0, m/s); ``alpha_over_hbar_v``
    tilt alpha / (hbar v_y) (dimensionless, |.| < 1); ``tau_ps`` relaxation time
    (> 0, ps); ``q_s_per_nm`` screening wave number (> 0, 1/nm) fixing the contact
    interaction V_0 = e^2 / (4 pi eps_0 eps_r q_s) and the screened Coulomb one;
    ``eps_r`` relative permittivity of the environment (dimensionless, > 0, default 1:
    the paper's vacuum value), dividing every interaction; ``T_K`` temperature (kelvin,
    >= 0, default 0: the paper's T = 0).  Each value must be a real number inside its
    range (:data:`RANGES`, module docstring); it is stored as a float.
    """

    Delta_eV: float = 0.05
    vx_m_per_s: float = 4e5
    vy_m_per_s: float = 4e5
    alpha_over_hbar_v: float = 0.1
    tau_ps: float = 0.5
    q_s_per_nm: float = 0.2
    eps_r: float = 1.0
    T_K: float = 0.0

    def __post_init__(self):
        _check_fields(self)

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
        """Contact interaction V_0 = e^2/(4 pi eps_0 eps_r q_s) in eV nm^2 (at eps_r = 1 exactly
        :func:`symenh.units.contact_V0_eV_nm2`; the same arithmetic as
        :func:`symenh.interactions.contact`)."""
        return units.COULOMB_EV_NM / (self.eps_r * self.q_s_per_nm)

    @property
    def kT_eV(self) -> float:
        """k_B T in eV."""
        return units.KB_EV_PER_K * self.T_K

    @property
    def tau_over_hbar_per_eV(self) -> float:
        """tau / hbar in 1/eV."""
        return units.tau_over_hbar_per_eV(self.tau_ps)

    def symbol_values(self) -> dict:
        """Values of the model symbols {Delta: eV, hbar_v_x: eV nm, hbar_v_y: eV nm, alpha: eV nm}."""
        return {DELTA: self.Delta_eV, HVX: self.hbar_vx, HVY: self.hbar_vy, ALPHA: self.alpha_eV_nm}

    def replace(self, **changes) -> Parameters:
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
    "eps_r": (("eps_r",), None),
    "T": (("T_K",), "temperature"),
}


def parse_params(assignments, base: Parameters = PAPER) -> Parameters:
    """Apply ``["Delta=50meV", "v=4e5m/s", ...]`` to ``base``.

    NAME is one of :data:`PARAM_NAMES`; VALUE carries its unit where it has one
    (alpha_over_hbar_v and eps_r are dimensionless; a zero needs no unit, except a
    temperature: ``T=77K`` in kelvin, ``T=6.6meV`` as k_B T, :func:`symenh.temperature.parse_temperature`).  ``v`` sets both v_x
    and v_y.  Raises :class:`ParameterError` (unknown name, value out of its range,
    :data:`RANGES`), :class:`~symenh.units.UnitError` or :class:`InputTypeError` (not a
    list of strings) with a one-line message naming the parameter as typed.
    """
    if assignments is None:
        assignments = ()
    if isinstance(assignments, (str, bytes)) or not isinstance(assignments, (list, tuple)):
        raise InputTypeError(f"assignments: must be a list of 'NAME=VALUE' strings, got {_type_name(assignments)}")
    if not isinstance(base, Parameters):
        raise InputTypeError(f"base: must be a symenh.Parameters, got {_type_name(base)}")
    changes = {}
    for item in assignments:
        if not isinstance(item, str):
            raise InputTypeError(f"--param: each assignment must be a 'NAME=VALUE' string, got {_type_name(item)}")
        if "=" not in item:
            raise ParameterError(f"--param: expected NAME=VALUE, got {item!r}")
        name, text = (s.strip() for s in item.split("=", 1))
        if name not in PARAM_NAMES:
            raise ParameterError(f"--param: unknown parameter {name!r}; allowed: {', '.join(PARAM_NAMES)}")
        fields, dim = PARAM_NAMES[name]
        if dim == "temperature":
            from .temperature import parse_temperature
            value = parse_temperature(text, name)
        elif dim is None:
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
        fields = getattr(exc, "fields", ())
        typed = list(dict.fromkeys(changes[f][0] for f in fields if f in changes)) or list(fields)
        raise type(exc)(f"{', '.join(typed)}: {getattr(exc, 'text', exc)}") from None
