r"""Closed form at finite temperature and to third order in the tilt (paper models).

Factors of higher order in alpha.  Every factor is linear in the occupations and the tilt
enters only as ``f(eps0 + alpha tau)`` with ``d/d alpha f = -tau d/d mu f``.  Hence the n-th
alpha-derivative at alpha = 0 (n >= 1, T = 0, ``delta_F`` the Fermi contour of the
partially filled level, ``F_s[Q] = int d^2k/(2 pi)^2 delta(mu - eps0_F) Q``) is

=====  ==========================================  =====================================
F      definition (spec.py)                        d^n F / d alpha^n at alpha = 0
=====  ==========================================  =====================================
D_b    sum int f d_b Omega                          (-1)^n     d_mu^{n-1} F_s[tau^n d_b Omega]
X      sum int (d_c f) G^{ba}                       (-1)^{n+1} d_mu^{n-1} F_s[tau^n d_c G^{ba}]
A      sum int (d_c f) S^{ea}                       (-1)^{n+1} d_mu^{n-1} F_s[tau^n d_c S^{ea}]
C      sum int (d_b f) <s^e>                        (-1)^{n+1} d_mu^{n-1} F_s[tau^n d_b <s^e>]
B      sum int f S^{eb}  (Fermi sea)                (-1)^n     d_mu^{n-1} F_s[tau^n S^{eb}]
=====  ==========================================  =====================================

(surface factors by parts, ``int d_c[f^(n)(eps0) tau^n] Q = -int f^(n) tau^n d_c Q``, the
derivative of the occupation being localised on the Fermi contour, so no boundary term).
For n = 1 this is the table of :mod:`symenh.responses.closed_form` (tested), whose n = 0 and
n = 1 factors are used as they are; the contour integrals are
:func:`symenh.integrate.symbolic.fermi_surface_integral_ef` and d/d mu = +-d/dE_F on the
conduction / valence branch.  Every factor is a Laurent polynomial in E_F (the only pole
is E_F = 0, inside the gap); it is stored as its exact Laurent coefficients (SymPy), so
every E_F-derivative is exact term by term.

Temperature.  At T > 0 each factor F^(n)(mu) -- the T = 0 function of the chemical
potential, equal to its conduction form for mu > |Delta|, its valence form for
mu < -|Delta|, and in the gap 0 (surface factors, every n >= 1) or the filled-valence
constant (B^(0), the sea factor's value at the band edge) -- is convolved with the Fermi
window (:func:`symenh.integrate.fermi_window.convolve`, breakpoints at +-|Delta|), and the
conductivity is assembled from the convolved factors (:mod:`symenh.responses.assembly`;
bilinear for ENH: convolve, then multiply).  Where the chemical potential is far from the
band edge the Sommerfeld series replaces the quadrature:

    F_T = sum_{m=0}^{M-1} c_m (kT)^{2m} d^{2m}F/dmu^{2m},   estimate |c_M (kT)^{2M} d^{2M}F/dmu^{2M}|,

with M = :data:`SOMMERFELD_TERMS` (derivatives up to order 12).  Criterion (per mu, all
factor entries): |mu| - |Delta| >= :data:`SOMMERFELD_MIN_GAP_KT` kT (the band edge, the
nearest non-analyticity, then contributes O(exp(-30)) = 1e-13) and the estimate of every
entry is below ``rtol / 100`` times the largest entry of its factor (the margin covers the
propagation through the bilinear ENH assembly).  The Sommerfeld error
estimate is that omitted term plus exp(-d/kT) times the factor's scale.  ``thermal`` option:
``"auto"`` (the criterion), ``"quadrature"`` or ``"sommerfeld"`` (forced, for tests).

mu in the gap at T > 0: thermally activated, non-zero (the convolution reaches both bands);
T = 0 is passed to :mod:`symenh.responses.closed_form` (exact zeros in the gap).
Units: factors as in spec.py, conductivities e^3/hbar nm/eV (raw), energies eV.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from .. import cache
from ..errors import IntegrationError
from ..geometry import symbolic as _geom_mod
from ..geometry.symbolic import derive_geometry
from ..integrate import symbolic as _int_mod
from ..integrate.fermi_window import convolve, sommerfeld
from ..integrate.symbolic import EF, fermi_surface_integral_ef
from ..kernels.lambdified import flatten
from ..models.symbols import ALPHA, DELTA, HVX, HVY, KX, KY
from . import closed_form as _cf
from .assembly import (
    FACTOR_SHAPES,
    check_mechanism,
    derivative_error_terms,
    error_bound,
    needed_orders,
    sigma_derivative,
)
from .spec import ResponseError, check_choice

BRANCHES = {"conduction": 1, "valence": 0}
#: Sommerfeld terms summed (m = 0 .. M-1); the M-th is the truncation estimate
SOMMERFELD_TERMS = 6
#: minimum distance of mu from the band edge, in kT, for the Sommerfeld series
SOMMERFELD_MIN_GAP_KT = 30.0
#: thermal methods
THERMAL = ("auto", "quadrature", "sommerfeld")
ORDERS_CF = ("linear", "cubic")
_K = (KX, KY)
_CFMAP = {("A", 0): "A0", ("B", 0): "B0", ("C", 0): "C0", ("D", 1): "D1", ("X", 1): "X1", ("A", 1): "A1",
          ("B", 1): "B1", ("C", 1): "C1"}
_ORDER_MAX = 3


def _nested(shape, fn):
    if len(shape) == 1:
        return tuple(fn(i) for i in range(shape[0]))
    return tuple(_nested(shape[1:], lambda *rest, i=i: fn(i, *rest)) for i in range(shape[0]))


def general_order(model, branch: str, name: str, n: int):
    """d^n F / d alpha^n at alpha = 0, T = 0, on one branch, by the table above (n >= 1).

    Nested tuple (factor shape) of SymPy expressions in E_F (eV); units of F per (eV nm)^n.
    """
    if n < 1:
        raise ValueError("general_order: n >= 1")
    geo = derive_geometry(model)
    N = BRANCHES[branch]
    tau = sp.expand(model.tilt() / ALPHA)
    dmu = 1 if branch == "conduction" else -1          # d/d mu = dmu * d/dE_F

    def contour(Q):
        return sp.diff(fermi_surface_integral_ef(tau ** n * Q), EF, n - 1) * dmu ** (n - 1)

    om, G, S, spin = geo.berry_curvature[N], geo.bcp[N], geo.sbp[N], geo.spin[N]
    s = (-1) ** n
    if name == "D":
        return _nested((2,), lambda b: s * contour(sp.diff(om, _K[b])))
    if name == "X":
        return _nested((2, 2, 2), lambda c, b, a: -s * contour(sp.diff(G[b][a], _K[c])))
    if name == "A":
        return _nested((2, 4, 2), lambda c, e, a: -s * contour(sp.diff(S[e][a], _K[c])))
    if name == "C":
        return _nested((4, 2), lambda e, b: -s * contour(sp.diff(spin[e], _K[b])))
    if name == "B":
        return _nested((4, 2), lambda e, b: s * contour(S[e][b]))
    raise KeyError(name)


def _order_zero(model, branch, name):
    """F at alpha = 0 for D and X (closed_form has no need of them; zero for the paper models)."""
    geo = derive_geometry(model)
    N = BRANCHES[branch]
    eps0 = geo.energy[N].subs(ALPHA, 0)
    if name == "D":   # D_b = -int (d_b f) Omega = +int delta (d_b eps0) Omega
        return _nested((2,), lambda b: fermi_surface_integral_ef(sp.diff(eps0, _K[b]) * geo.berry_curvature[N]))
    return _nested((2, 2, 2), lambda c, b, a: -fermi_surface_integral_ef(sp.diff(eps0, _K[c]) * geo.bcp[N][b][a]))


def _derive(model) -> tuple:
    out = []
    cf = _cf.factor_expressions(model)
    for branch in BRANCHES:
        per = []
        for name in ("D", "X", "A", "B", "C"):
            for n in range(_ORDER_MAX + 1):
                if (name, n) in _CFMAP:
                    per.append(cf[branch][_CFMAP[(name, n)]])
                elif n == 0:
                    per.append(_order_zero(model, branch, name))
                else:
                    per.append(general_order(model, branch, name, n))
        out.append(tuple(per))
    return tuple(out)


_ENTRIES = tuple((name, n) for name in ("D", "X", "A", "B", "C") for n in range(_ORDER_MAX + 1))


@lru_cache(maxsize=16)
def order_expressions(model) -> dict:
    """{branch: {(factor, n): nested SymPy expressions in E_F}} for n = 0..3 (cached on disk)."""
    key = cache.make_key("closed-form-thermal-orders", inspect.getsource(sys.modules[__name__]),
                         inspect.getsource(_cf), inspect.getsource(_int_mod), inspect.getsource(_geom_mod),
                         model.source())
    raw = cache.cached_exprs(key, lambda: _derive(model))
    return {branch: dict(zip(_ENTRIES, raw[i])) for i, branch in enumerate(BRANCHES)}


# ---------------------------------------------------------------------------
# exact Laurent coefficients in E_F
# ---------------------------------------------------------------------------

_PARAMS = (DELTA, HVX, HVY)


def laurent(expr):
    """{power j: coefficient} with expr = sum_j coefficient * E_F^j (coefficients in Delta, hbar v).

    Raises IntegrationError if the denominator is not a monomial in E_F.
    """
    expr = sp.sympify(expr)
    if expr == 0:
        return {}
    num, den = sp.fraction(sp.together(expr))
    pd = sp.Poly(den, EF)
    if len(pd.terms()) != 1:
        raise IntegrationError(f"factor: not a Laurent polynomial in E_F ({expr})")
    (k,), cden = pd.terms()[0]
    out = {}
    for (j,), c in sp.Poly(sp.expand(num), EF).terms():
        out[j - k] = out.get(j - k, 0) + c / cden
    return out


@dataclass(frozen=True)
class LaurentTable:
    """Numeric Laurent coefficients of a flat list of factor entries at fixed parameters.

    ``F_i(E_F) = sum_j coeffs[i, j] E_F^powers[j]``.
    """

    powers: np.ndarray
    coeffs: np.ndarray
    #: per derivative order k: (powers - k, coefficient matrix of the k-th derivative, transposed)
    _by_order: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def _order(self, k: int):
        got = self._by_order.get(k)
        if got is None:
            p = self.powers.astype(float)
            fall = np.ones_like(p)
            for i in range(k):
                fall = fall * (p - i)
            got = self._by_order[k] = (p - k, (self.coeffs * fall[None, :]).T)
        return got

    def evaluate(self, ef, k: int = 0) -> np.ndarray:
        """k-th E_F-derivative at E_F = ``ef`` (array, no zeros): (*ef.shape, n_entries).

        The falling-factorial coefficient matrix of each k is formed once per table (the
        thermal convolution evaluates the same table at thousands of small batches of E_F)."""
        pk, mat = self._order(k)
        ef = np.asarray(ef, dtype=float)
        return ef[..., None] ** pk @ mat


@lru_cache(maxsize=64)
def _laurent_symbolic(model, branch: str, name: str, n: int):
    """(powers, lambdified coefficient function of (Delta, hvx, hvy)) for one (factor, order).

    The n = 0 and n = 1 factors of :mod:`symenh.responses.closed_form` (every factor the linear
    order needs) are read from its derivation directly; only the others (the cubic order's)
    need the full :func:`order_expressions`."""
    if (name, n) in _CFMAP:
        items = flatten(_cf.factor_expressions(model)[branch][_CFMAP[(name, n)]])
    else:
        items = flatten(order_expressions(model)[branch][(name, n)])
    ls = [laurent(e) for e in items]
    powers = sorted({j for d in ls for j in d}) or [0]
    mat = [[d.get(j, 0) for j in powers] for d in ls]
    fn = sp.lambdify(_PARAMS, [c for row in mat for c in row], "numpy")
    return np.array(powers), fn, len(items)


def laurent_table(model, branch, name, n, delta, hvx, hvy) -> LaurentTable:
    """:class:`LaurentTable` of factor ``name`` at alpha-order n on ``branch`` at these parameters."""
    powers, fn, m = _laurent_symbolic(model, branch, name, n)
    vals = np.array(fn(delta, hvx, hvy), dtype=float).reshape(m, len(powers))
    return LaurentTable(powers, vals)


# ---------------------------------------------------------------------------
# the T = 0 factors as functions of the chemical potential
# ---------------------------------------------------------------------------

class ZeroTFactors:
    """T = 0 factors F^(n)(mu) of the components of a paper model, any mu, and their mu-derivatives.

    ``entries``: list of (factor, n); output ``(*E.shape, n_flat)`` with the entries of every
    component, factor and order concatenated (layout in :attr:`layout`).
    """

    def __init__(self, components, values, entries):
        self.delta = float(values[DELTA])
        if self.delta == 0:
            raise ResponseError("Delta: the thermal closed form needs a gap (Delta != 0)")
        hvx, hvy = float(values[HVX]), float(values[HVY])
        self.gap = abs(self.delta)
        self.entries = list(entries)
        self.tables, self.layout, pos = [], [], 0
        for ci, comp in enumerate(components):
            for name, n in self.entries:
                tb = {br: laurent_table(comp, br, name, n, self.delta, hvx, hvy) for br in BRANCHES}
                size = int(np.prod(FACTOR_SHAPES[name]))
                self.tables.append(tb)
                self.layout.append((ci, name, n, pos, size))
                pos += size
        self.n_comp = len(components)
        self.size = pos
        # filled-valence constant of the sea factor in the gap: B^(0) at the band edge
        self.gap_value = np.zeros(pos)
        self.nonzero = np.zeros(pos, bool)                 # entries not identically zero
        for (ci, name, n, start, size), tb in zip(self.layout, self.tables):
            if name == "B" and n == 0:
                self.gap_value[start:start + size] = tb["conduction"].evaluate(np.array(self.gap))
            self.nonzero[start:start + size] = (np.any(tb["conduction"].coeffs != 0, axis=1)
                                                | np.any(tb["valence"].coeffs != 0, axis=1))

    def __call__(self, E, k: int = 0) -> np.ndarray:
        """F (k = 0) or d^k F / d mu^k at chemical potentials E (eV, any shape)."""
        E = np.asarray(E, dtype=float)
        out = np.zeros(E.shape + (self.size,))
        cond, val = E > self.gap, E < -self.gap
        e_cond = E[cond] if np.any(cond) else None
        e_val = -E[val] if np.any(val) else None
        for (ci, name, n, start, size), tb in zip(self.layout, self.tables):
            if e_cond is not None:
                out[cond, start:start + size] = tb["conduction"].evaluate(e_cond, k)
            if e_val is not None:
                out[val, start:start + size] = (-1) ** k * tb["valence"].evaluate(e_val, k)
        if k == 0:
            gap = ~(cond | val)
            out[gap] = self.gap_value
        return out

    def unpack(self, flat) -> dict:
        """{n: {factor: array (n_comp, *batch, *shape)}} from a flat (*batch, size) array."""
        flat = np.asarray(flat)
        batch = flat.shape[:-1]
        out = {}
        for ci, name, n, start, size in self.layout:
            d = out.setdefault(n, {})
            if name not in d:
                d[name] = np.zeros((self.n_comp,) + batch + FACTOR_SHAPES[name])
            d[name][ci] = flat[..., start:start + size].reshape(batch + FACTOR_SHAPES[name])
        return out


def _entries(mechanism, order_max):
    return [(name, n) for name, ns in needed_orders(mechanism, order_max).items() for n in ns]


def thermal_factors(components, values, mu, kT: float, entries, rtol: float = 1e-10, thermal: str = "auto"):
    """Factors at temperature kT (eV) for every mu: ({n: {factor: values}}, same for errors, used).

    ``used`` (n_mu,) is True where the Sommerfeld series was used.  Values in spec.py units
    (per (eV nm)^n), arrays (n_comp, n_mu, *shape); errors are absolute bounds of the same shape.
    """
    check_choice("thermal", thermal, THERMAL)
    mu = np.atleast_1d(np.asarray(mu, dtype=float))
    F = ZeroTFactors(components, values, entries)
    if kT == 0:
        v = F(mu)
        return F.unpack(v), F.unpack(np.zeros_like(v)), np.zeros(mu.shape, bool)
    d = np.abs(mu) - F.gap
    # Sommerfeld candidates
    M = SOMMERFELD_TERMS
    out = np.zeros(mu.shape + (F.size,))
    err = np.zeros_like(out)
    cand = d > 0 if thermal == "sommerfeld" else (d >= SOMMERFELD_MIN_GAP_KT * kT)
    if thermal == "quadrature":
        cand[:] = False
    used = np.zeros(mu.shape, bool)
    if np.any(cand):
        m = mu[cand]
        derivs = np.stack([F(m, 2 * j) for j in range(M + 1)])          # (M + 1, n_c, size)
        terms, partial = sommerfeld(derivs, kT)
        val = partial[M - 1]
        est = np.abs(terms[M]) + np.exp(-d[cand] / kT)[:, None] * np.abs(val)
        scale = _block_scale(F, np.abs(val))
        ok = np.all(est <= 1e-2 * rtol * scale, axis=1) if thermal == "auto" else np.ones(len(m), bool)
        idx = np.flatnonzero(cand)[ok]
        out[idx], err[idx] = val[ok], est[ok]
        used[idx] = True
    rest = ~used
    nz = F.nonzero
    if np.any(rest) and np.any(nz):
        v, e = convolve(lambda E: F(E)[..., nz], mu[rest], kT, breakpoints=(-F.gap, F.gap),
                        rtol=min(1e-3 * rtol, 1e-12))
        idx = np.flatnonzero(rest)
        out[np.ix_(idx, np.flatnonzero(nz))] = v
        err[np.ix_(idx, np.flatnonzero(nz))] = e
    return F.unpack(out), F.unpack(err), used


def _block_scale(F, absval):
    """Per entry: the largest |value| of its (component, factor, order) block (n_mu, size)."""
    scale = np.zeros_like(absval)
    for ci, name, n, start, size in F.layout:
        scale[:, start:start + size] = np.max(absval[:, start:start + size], axis=1, keepdims=True)
    top = np.max(scale, axis=1, keepdims=True)
    return np.where(scale > 0, scale, np.where(top > 0, top, 1.0))


def _check(job):
    _cf._check_model(job.model_name)
    check_mechanism(job.mechanism)


def compute(job, kT: float = 0.0, order: str = "linear", occupation: str = "bare", rtol: float = 1e-10,
            thermal: str = "auto"):
    """Raw sigma (n_mu, 2, 2, 2) in e^3/hbar nm/eV at temperature kT (eV) and its error per mu.

    ``order``: "linear" (alpha d sigma/d alpha at 0, as every T = 0 path) or "cubic"
    (linear plus alpha^3/6 d^3 sigma/d alpha^3).  ``occupation``: for inh-full
    (:mod:`symenh.responses.assembly`).  At kT = 0 and linear order this is
    :func:`symenh.responses.closed_form.compute` (exact zeros in the gap; error 0).
    """
    _check(job)
    check_choice("order", order, ORDERS_CF)
    if not (kT >= 0 and np.isfinite(kT)):
        raise ResponseError(f"temperature: k_B T must be >= 0 and finite, got {kT!r} eV")
    mu = np.atleast_1d(np.asarray(job.mu_eV, dtype=float))
    mech = job.mechanism
    if kT == 0 and order == "linear" and mech != "inh-full":
        out, _ = _cf.compute(job)
        return out, np.zeros(len(mu))
    order_max = 1 if order == "linear" else 3
    vals, errs, _ = thermal_factors(job.components, job.values, mu, kT, _entries(mech, order_max), rtol, thermal)
    return _assemble(job, vals, errs, order_max, occupation)


def _assemble(job, vals, errs, order_max, occupation):
    mech, alpha = job.mechanism, job.alpha
    n_mu = len(job.mu_eV)
    derivs = [vals.get(n, {}) for n in range(order_max + 1)]
    dervs_err = [errs.get(n, {}) for n in range(order_max + 1)]
    out = np.zeros((n_mu, 2, 2, 2))
    bound = np.zeros((n_mu, 2, 2, 2))
    for n, coef in ((1, alpha), (3, alpha ** 3 / 6.0)):
        if n > order_max:
            continue
        out = out + coef * sigma_derivative(mech, derivs, n, job.pre, job.exchange, occupation)
        bound = bound + abs(coef) * error_bound(mech, derivative_error_terms(mech, derivs, dervs_err, n),
                                                job.pre, job.exchange)
    return out, bound.reshape(n_mu, -1).max(axis=1)


def cubic_coefficient(job, kT: float = 0.0, occupation: str = "bare", rtol: float = 1e-10):
    """d^3 sigma / d alpha^3 at alpha = 0 (raw units per (eV nm)^3) and its error, at temperature kT."""
    _check(job)
    mu = np.atleast_1d(np.asarray(job.mu_eV, dtype=float))
    vals, errs, _ = thermal_factors(job.components, job.values, mu, kT, _entries(job.mechanism, 3), rtol)
    derivs = [vals.get(n, {}) for n in range(4)]
    e = [errs.get(n, {}) for n in range(4)]
    s3 = sigma_derivative(job.mechanism, derivs, 3, job.pre, job.exchange, occupation)
    b = error_bound(job.mechanism, derivative_error_terms(job.mechanism, derivs, e, 3), job.pre, job.exchange)
    return s3, b.reshape(len(mu), -1).max(axis=1)


def convolved_sigma_T0(job, kT: float, occupation: str = "bare", rtol: float = 1e-12):
    """The T = 0 linear-order sigma(mu) itself convolved with the Fermi window (raw units).

    Right for BCD and (both) INH, which are linear in their factor; WRONG for ENH, whose
    conductivity is bilinear in the occupations (physics.md 7): kept only to show the
    difference.  Returns (n_mu, 2, 2, 2).
    """
    _check(job)
    mu = np.atleast_1d(np.asarray(job.mu_eV, dtype=float))
    F = ZeroTFactors(job.components, job.values, _entries(job.mechanism, 1))

    def sigma0(E):
        flat = F(E)
        shape = flat.shape[:-1]
        u = F.unpack(flat.reshape(-1, F.size))
        derivs = [u.get(0, {}), u.get(1, {})]
        s = job.alpha * sigma_derivative(job.mechanism, derivs, 1, job.pre, job.exchange, occupation)
        return s.reshape(shape + (8,))

    v, _ = convolve(sigma0, mu, kT, breakpoints=(-F.gap, F.gap), rtol=rtol)
    return v.reshape(len(mu), 2, 2, 2)


__all__ = [
    "SOMMERFELD_MIN_GAP_KT",
    "SOMMERFELD_TERMS",
    "LaurentTable",
    "ZeroTFactors",
    "compute",
    "convolved_sigma_T0",
    "cubic_coefficient",
    "general_order",
    "laurent",
    "laurent_table",
    "order_expressions",
    "thermal_factors",
]
