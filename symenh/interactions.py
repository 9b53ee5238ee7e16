r"""The electron-electron interaction V(q) entering the exchange of paper Eq. 3 (physics.md 6).

An :class:`Interaction` is a radial function V(|q|) of the momentum transfer q (1/nm), in
eV nm^2 (an energy times an area: a 2D Fourier component), divided by the relative
permittivity ``eps_r`` of the environment:

==================  ===================================================  ==========================
kind                V(q)                                                 parameters
==================  ===================================================  ==========================
``contact``         V_0 = e^2 / (4 pi eps_0 eps_r q_s)  (uniform)        q_s (1/nm), eps_r
``screened-coulomb``  e^2 / (2 eps_0 eps_r (q + q_s))                    q_s (1/nm), eps_r
``user``            a callable of |q| (numpy array, 1/nm) -> eV nm^2,    eps_r
                    or a SymPy expression in the symbol :data:`Q`
==================  ===================================================  ==========================

``contact`` is the paper's estimate (text before Fig. 3, eps_r = 1 as printed).  Its value is
*not* the long-wavelength limit of the screened Coulomb interaction it estimates:
e^2/(2 eps_0 eps_r q_s) = 2 pi V_0 (say so wherever the two are compared).  The screened
Coulomb V(q) tends to the contact form e^2/(2 eps_0 eps_r q_s) when q_s >> q.

Every value is checked finite on a probe of q from 0 to 1e4 / nm when the interaction is
built, so a user V that returns NaN or an infinity somewhere is refused in one line.
Three evaluators share one definition: :meth:`Interaction.V` (numpy, vectorised),
:meth:`Interaction.V_mp` (mpmath, any precision) and :meth:`Interaction.expression` (SymPy).
"""

from __future__ import annotations

import functools

from dataclasses import dataclass, field

import mpmath as mp
import numpy as np
import sympy as sp

from scipy import constants as _c

from .errors import InputTypeError, ParameterError
from .units import COULOMB_EV_NM

#: momentum transfer |q| (1/nm) in SymPy expressions of V(q)
Q = sp.Symbol("q", nonnegative=True)

KINDS = ("contact", "screened-coulomb", "user")

#: probe of |q| (1/nm) on which every interaction must be finite
_PROBE = np.concatenate([[0.0], np.logspace(-6, 4, 241)])


def _real_positive(name: str, value, allowed: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputTypeError(f"{name}: must be a real number ({allowed}), got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ParameterError(f"{name}: must be a finite positive number ({allowed}), got {value!r}")
    return v


@dataclass(frozen=True)
class Interaction:
    """A radial interaction V(|q|) in eV nm^2, q in 1/nm (see the module table).

    Build it with :func:`contact`, :func:`screened_coulomb` or :func:`user_interaction`
    (or :func:`make_interaction` by name).  ``q_s_per_nm`` is None for a user V.
    """

    kind: str
    eps_r: float = 1.0
    q_s_per_nm: float | None = None
    label: str = ""
    _numeric: object = field(default=None, repr=False, compare=False)
    _expr: object = field(default=None, repr=False)

    # -- evaluators ----------------------------------------------------------------
    def expression(self) -> sp.Expr:
        """V as a SymPy expression in :data:`Q` (eV nm^2), eps_r included."""
        return self._expr

    def V(self, q_per_nm) -> np.ndarray:
        """V(|q|) in eV nm^2 at momentum transfers q (1/nm, any array shape; |q| is taken)."""
        q = np.abs(np.asarray(q_per_nm, dtype=float))
        if self.kind == "contact":
            return np.full(q.shape, self.V0_eV_nm2)
        if self.kind == "screened-coulomb":
            return 2 * np.pi * COULOMB_EV_NM / (self.eps_r * (q + self.q_s_per_nm))
        out = np.asarray(self._numeric(q), dtype=float)
        return np.broadcast_to(out, q.shape) / self.eps_r

    def dV(self, q_per_nm) -> np.ndarray:
        """dV/d|q| in eV nm^3 at |q| (1/nm, any array shape; the one-sided derivative from above
        at q = 0, e.g. the cusp slope -e^2/(2 eps_0 eps_r q_s^2) of the screened Coulomb form).

        Exact for ``contact`` (0), ``screened-coulomb`` and a SymPy user V (lambdified
        derivative); for a plain user callable a fourth-order forward difference with step
        ``1e-3 (|q| + 0.01/nm)`` (relative accuracy ~1e-10 for a V smooth on the scale of q)."""
        q = np.abs(np.asarray(q_per_nm, dtype=float))
        if self.kind == "contact":
            return np.zeros(q.shape)
        if self.kind == "screened-coulomb":
            return -2 * np.pi * COULOMB_EV_NM / (self.eps_r * (q + self.q_s_per_nm) ** 2)
        if self._expr is not None:
            out = np.asarray(self._dV_func(q), dtype=float)
            return np.broadcast_to(out, q.shape).copy()
        h = 1e-3 * (q + 1e-2)
        f = [np.broadcast_to(np.asarray(self._numeric(q + j * h), dtype=float), q.shape) for j in range(5)]
        d = [x - f[0] for x in f]      # differences: a constant V gives exactly 0
        return (48 * d[1] - 36 * d[2] + 16 * d[3] - 3 * d[4]) / (12 * h) / self.eps_r

    @property
    def _dV_func(self):
        cached = self.__dict__.get("_dV_cache")
        if cached is None:
            cached = sp.lambdify(Q, sp.diff(self._expr, Q), "numpy")
            object.__setattr__(self, "_dV_cache", cached)
        return cached

    def V_mp(self, q_per_nm):
        """V(|q|) in eV nm^2 as an mpmath number at the current working precision."""
        q = abs(mp.mpf(q_per_nm))
        if self.kind in ("contact", "screened-coulomb"):
            k = mp.mpf(_c.e) / (4 * mp.pi * mp.mpf(_c.epsilon_0)) * mp.mpf(10) ** 9   # e^2/(4 pi eps_0), eV nm
            qs, er = mp.mpf(self.q_s_per_nm), mp.mpf(self.eps_r)
            return k / (er * qs) if self.kind == "contact" else 2 * mp.pi * k / (er * (q + qs))
        if self._expr is None:   # a plain callable: double precision only
            return mp.mpf(float(np.asarray(self._numeric(np.array([float(q)])), dtype=float).ravel()[0])) / self.eps_r
        return mp.mpf(self._mp_func(q))

    # -- properties ----------------------------------------------------------------
    @property
    def _mp_func(self):
        return sp.lambdify(Q, self._expr, "mpmath")

    @property
    def is_uniform(self) -> bool:
        """True for the contact interaction (V independent of q: the exchange fields are uniform)."""
        return self.kind == "contact"

    @property
    def V0_eV_nm2(self) -> float | None:
        """The contact constant e^2/(4 pi eps_0 eps_r q_s) (eV nm^2), None unless ``contact``."""
        if self.kind != "contact":
            return None
        return COULOMB_EV_NM / (self.eps_r * self.q_s_per_nm)

    def describe(self) -> dict:
        """JSON-ready description: {"kind", "eps_r", "q_s_per_nm", "V0_eV_nm2" (contact only)}."""
        out = {"kind": self.kind, "eps_r": self.eps_r, "q_s_per_nm": self.q_s_per_nm}
        if self.kind == "contact":
            out["V0_eV_nm2"] = self.V0_eV_nm2
        if self.kind == "user":
            out["V"] = self.label
        return out

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ParameterError(f"interaction: unknown interaction {self.kind!r}; allowed: {', '.join(KINDS)}")
        with np.errstate(all="ignore"):
            try:
                probe = self.V(_PROBE)
            except Exception as exc:   # a user callable that cannot take an array of |q|
                raise ParameterError(f"interaction: V(q) failed on an array of |q| in 1/nm ({exc})") from None
        bad = ~np.isfinite(probe)
        if np.any(bad):
            q0 = _PROBE[np.argmax(bad)]
            raise ParameterError(f"interaction: V(q) is not finite at q = {q0:g}/nm (got {probe[bad][0]}); "
                                 "a radial V(|q|) must be finite for every q >= 0 (give q_s > 0)")


def contact(q_s_per_nm: float, eps_r: float = 1.0) -> Interaction:
    """The paper's contact interaction V_0 = e^2/(4 pi eps_0 eps_r q_s) (eV nm^2; q_s in 1/nm)."""
    qs = _real_positive("q_s", q_s_per_nm, "1/nm, > 0")
    er = _real_positive("eps_r", eps_r, "dimensionless, > 0")
    return _contact(qs, er)


@functools.lru_cache(maxsize=64)
def _contact(qs: float, er: float) -> Interaction:
    """The contact Interaction of validated floats, built once per (q_s, eps_r) (immutable and shared;
    building it makes SymPy Floats and probes V: a third of a warm closed-form ``symenh.sigma`` call)."""
    e2 = sp.Float(COULOMB_EV_NM, 17)
    return Interaction("contact", er, qs, "e^2/(4 pi eps_0 eps_r q_s)",
                       _expr=e2 / (sp.Float(er, 17) * sp.Float(qs, 17)))


def screened_coulomb(q_s_per_nm: float, eps_r: float = 1.0) -> Interaction:
    """Statically screened 2D Coulomb V(q) = e^2/(2 eps_0 eps_r (q + q_s)) (eV nm^2; q, q_s in 1/nm)."""
    qs = _real_positive("q_s", q_s_per_nm, "1/nm, > 0")
    er = _real_positive("eps_r", eps_r, "dimensionless, > 0")
    e2 = 2 * sp.pi * sp.Float(COULOMB_EV_NM, 17)
    return Interaction("screened-coulomb", er, qs, "e^2/(2 eps_0 eps_r (q + q_s))",
                       _expr=e2 / (sp.Float(er, 17) * (Q + sp.Float(qs, 17))))


def user_interaction(V, eps_r: float = 1.0, label: str = "user V(q)") -> Interaction:
    """A user's radial V(|q|): a callable of a numpy array of |q| (1/nm) returning eV nm^2, or a
    SymPy expression in :data:`symenh.interactions.Q` (any other free symbol is refused).  The
    value is divided by ``eps_r``.  A callable has no SymPy form: the mpmath path then evaluates
    it in double precision."""
    er = _real_positive("eps_r", eps_r, "dimensionless, > 0")
    if isinstance(V, sp.Basic):
        expr = sp.sympify(V)
        extra = expr.free_symbols - {Q}
        if extra:
            raise ParameterError(f"interaction: V(q) may depend on symenh.interactions.Q only, not on "
                                 f"{', '.join(sorted(map(str, extra)))}")
        f = sp.lambdify(Q, expr, "numpy")
        return Interaction("user", er, None, label or sp.sstr(expr), _numeric=f, _expr=expr / sp.Float(er, 17))
    if not callable(V):
        raise InputTypeError(f"interaction: a user V must be a callable of |q| (1/nm) or a SymPy expression in q, "
                             f"got {type(V).__name__}")
    return Interaction("user", er, None, label, _numeric=V, _expr=None)


def make_interaction(kind, q_s_per_nm: float = 0.2, eps_r: float = 1.0) -> Interaction:
    """An interaction by name (``contact``, ``screened-coulomb``), or wrap a user V (callable or SymPy
    expression); an :class:`Interaction` is returned as it is."""
    if isinstance(kind, Interaction):
        return kind
    if isinstance(kind, str):
        if kind == "contact":
            return contact(q_s_per_nm, eps_r)
        if kind == "screened-coulomb":
            return screened_coulomb(q_s_per_nm, eps_r)
        raise ParameterError(f"interaction: unknown interaction {kind!r}; allowed: contact, screened-coulomb "
                             "(or, in Python, a callable V(|q|) or a SymPy expression in q)")
    return user_interaction(kind, eps_r)


__all__ = ["KINDS", "Q", "Interaction", "contact", "make_interaction", "screened_coulomb", "user_interaction"]
