r"""Large-mu asymptotics of a user's model (issue 11): the series where SymPy can, else numeric.

:func:`analyse` (also reached through :func:`symenh.asymptotics.element_expansions`,
:func:`~symenh.asymptotics.expansion` and :func:`~symenh.asymptotics.ratio_expansion` with a user
model, and ``symenh asymptotics --model-file FILE``) gives ``sigma^{cab}(mu) ~ C (mu / 1 eV)^p``
(C in A m / V^2; raw elements, T = 0, linear order in the tilt) of every non-zero raw element of
one mechanism, by one of two methods:

* **series** (``method="series"``, tried first by ``"auto"``): for a two-level model of the
  family :mod:`symenh.responses.user_closed_form` covers (levels ``t -+ E``, ``E^2 = Delta^2 +
  (hbar v_x k_x)^2 + (hbar v_y k_y)^2`` in the user's symbols, a tilt c k_y on the identity) the
  closed-form conductivities are derived under ``closed_form_timeout`` (s, default 60) and
  expanded in 1/mu exactly as for the paper models (:func:`symenh.asymptotics.symbolic_series`):
  integer powers, leading and next term, LaTeX in the user's symbols.  Exact.
* **numeric** (``"numeric"``, or ``"auto"`` when the closed form is not available: another
  dispersion, more bands, a time-out): the quadrature path's sigma at log-spaced
  ``mu_j = mu_min r^j`` (``points_per_decade`` = 2 by default, r = 10^(1/2)) from ``mu_min =
  10 E_s`` up to at most ``mu_max = 1000 E_s`` (:func:`energy_scale`), sampled one mu at a time
  and stopped as soon as the local log-log slopes have settled.  With the local slopes
  ``p_j = ln(sigma_{j+1}/sigma_j) / ln r`` and the quadrature's relative error estimates
  ``eps_j``, the leading exponent is the last slope ``p`` with the uncertainty

      u = |p_last - p_previous| + (eps_last + eps_previous) / ln r,

  the spread of the last two local slopes plus the quadrature's share.  A correction
  ``sigma = C mu^p (1 + A mu^-q)`` moves the slopes geometrically, so the spread bounds the
  remaining error of the last slope whenever r^q >= 2 (q >= 0.6 at two points per decade; the
  Dirac models have q = 2, a k^2 term gives q = 1).  Settled when ``u <= slope_tol`` (default
  0.02); otherwise one line refusing, with the slopes found.  When an integer n lies within u
  of p (and u <= 0.1) the power is n and ``C = sigma_last / mu_last^n`` with the uncertainty
  ``|C_last - C_previous| + eps_last |C_last|`` (the same geometric argument); otherwise the
  power is p and C carries ``(|ln mu_last| + 2) u`` instead (the power's error through ln mu, and
  the correction's amplitude, at most u / q).

Lattice models (``lattice_vectors``) are refused in one line: their bands are bounded, and above
the top band every band is filled (sigma = 0): there is no large-mu limit.  So is a model whose
top band stays below ``mu_max`` in some direction of k (a bounded or flat band).

Units: mu and E_s in eV, k in 1/nm, sigma and C in A m / V^2 (C is the coefficient of
(mu / 1 eV)^p); the ratio ENH/reference of the same element is dimensionless.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import asymptotics as asy
from .errors import ClosedFormUnavailable, ParameterError
from .models.symbols import HVX, HVY
from .params import MU_MAX_EV, PAPER, Parameters
from .responses import closed_form as cf
from .responses.spec import PAPER_MECHANISMS, ResponseError, check_choice, enh_sign
from .units import SIGMA_UNITS

#: methods of :func:`analyse`
METHODS = ("auto", "series", "numeric")
#: the ENH mechanism and the mechanism it competes with, for each mechanism (the ratio reported)
PAIR_OF = {"bcd": ("enh-t", "bcd"), "enh-t": ("enh-t", "bcd"), "inh": ("enh-pt", "inh"),
           "enh-pt": ("enh-pt", "inh")}
#: defaults of the numeric path: mu from 10 to 1000 energy scales, two points per decade
MU_MIN_SCALES, MU_MAX_SCALES = 10.0, 1000.0
POINTS_PER_DECADE = 2
SLOPE_TOL = 0.02
#: the energy scale (eV) of a model with no scale of its own (scale-free, e.g. a gapless cone)
SCALE_FREE_EV = 0.01
#: an integer power is reported when it lies within the uncertainty u and u is at most this
INTEGER_U_MAX = 0.1
#: directions of k and radii (1/nm) of the bounded-band check
_ANGLES = 16
_K_MAX = 1e5


@dataclass(frozen=True)
class NumericExpansion:
    """The numeric large-mu analysis of one raw element (or ratio): ``sigma ~ C (mu / 1 eV)^p``.

    ``power``: an int when identified (within ``power_uncertainty`` of an integer), else the float
    estimate; ``power_estimate``: the last local slope; ``coefficient`` and its uncertainty in
    ``units``; ``mu_eV``, ``sigma``, ``error``: the samples used (the quadrature's values and
    error estimates, in ``units``); ``slopes``: the local log-log slopes between them."""

    model: str
    mechanism: str
    element: str
    power: float
    power_estimate: float
    power_uncertainty: float
    coefficient: float
    coefficient_uncertainty: float
    units: str
    mu_eV: tuple
    sigma: tuple
    error: tuple
    slopes: tuple
    convention: str

    @property
    def leading(self) -> asy.Term:
        return asy.Term(power=self.power, coefficient=self.coefficient, units=self.units,
                        symbolic=sp.Float(self.coefficient))

    @property
    def next(self):
        return None

    @property
    def latex(self) -> str:
        lhs = rf"\sigma^{{{self.element}}}" if self.units == SIGMA_UNITS else \
            r"\frac{\sigma_{\rm ENH}}{\sigma_{\rm ref}}"
        unit = r"\,\mathrm{A\,m/V^2}" if self.units == SIGMA_UNITS else ""
        p = self.power if isinstance(self.power, int) else f"{self.power:.3f}"
        return rf"{lhs} \simeq {self.coefficient:.4g}{unit}\,(\mu/1\,\mathrm{{eV}})^{{{p}}}"

    def value(self, mu_eV, n_terms=None):
        """C (mu / 1 eV)^power (``units``)."""
        return self.coefficient * np.asarray(mu_eV, dtype=float) ** self.power

    def as_dict(self) -> dict:
        return {"element": self.element, "leading": self.leading.as_dict(), "next": None, "latex": self.latex,
                "uncertainty": {"power": self.power_uncertainty, "coefficient": self.coefficient_uncertainty},
                "power_estimate": self.power_estimate,
                "samples": {"mu_eV": list(self.mu_eV), "sigma": list(self.sigma), "error_estimate": list(self.error),
                            "local_slopes": list(self.slopes)}}


@dataclass(frozen=True)
class UserAsymptotics:
    """What :func:`analyse` found: ``method`` "series" or "numeric"; ``expansions`` {element:
    :class:`~symenh.asymptotics.Expansion` or :class:`NumericExpansion`}; ``ratio`` (ENH over its
    reference mechanism, of one element) or None with ``ratio_note`` saying why; ``note``: why the
    series was not used (numeric), and any non-zero element left out because its slope did not
    settle (the main element always settles, or :func:`analyse` refuses), or None; ``energy_scale_eV``: E_s of the numeric path (None for
    the series)."""

    model: str
    mechanism: str
    method: str
    expansions: dict
    ratio: object
    ratio_note: str | None
    note: str | None
    energy_scale_eV: float | None
    convention: str

    @property
    def main(self) -> str:
        """The main element (:func:`symenh.asymptotics.main_element`)."""
        return asy.main_element(self.expansions)


# ---------------------------------------------------------------------------------------------
# checks and the model's energy scale
# ---------------------------------------------------------------------------------------------

def _resolve(model, model_values, params):
    """(name, components, {symbol: value}) of a user model: a LoadedModel, a SymbolicModel or a
    tuple of them (refused in one line otherwise, as by :func:`symenh.sigma`)."""
    from .models.model_file import LoadedModel
    from .responses.api import _resolve_model

    label = None
    if isinstance(model, LoadedModel):
        if model_values is None:
            model_values = model.model_values
        label, model = model.name, model.model
    name, comps, values = _resolve_model(model, params, model_values)
    return label or name, comps, values


def refuse_lattice(comps, name: str) -> None:
    """One ResponseError line for a lattice model (bounded bands: no large-mu limit)."""
    if any(getattr(c, "lattice", None) is not None for c in comps):
        raise ResponseError(f"model: {name} is a lattice model (lattice_vectors): its bands are bounded, and above "
                            "the top band every band is filled and sigma = 0, so there is no large-mu limit to expand; "
                            "asymptotics takes continuum (k.p) models")


def _values_at_zero_tilt(comp, values) -> dict:
    out = {p: float(values[p]) for p in comp.params}
    if comp.tilt_symbol is not None:
        out[comp.tilt_symbol] = 0.0
    return out


def energy_scale(comps, values) -> float:
    """E_s (eV): the largest energy at which two terms of H(k) of different degree in k cross.

    With A_d the largest |coefficient| x ||matrix|| of the degree-d monomials of H at zero tilt
    (eV nm^d; k in 1/nm), the crossover of degrees a < b is at |k| = (A_a/A_b)^(1/(b-a)), energy
    ``A_a^(b/(b-a)) A_b^(-a/(b-a))``; E_s is the largest of these and A_0 (Delta for the paper
    models; max(Delta, (hbar v)^2 / B) with a B k^2 term).  A matrix that is not polynomial in k
    falls back to the largest |E_n(k = 0)|; a model with no scale at all to :data:`SCALE_FREE_EV`.
    """
    amp = {}
    polynomial = True
    for c in comps:
        subs = _values_at_zero_tilt(c, values)
        for coeff, mat in c.terms:
            norm = float(np.linalg.norm(np.array(mat.evalf(), dtype=complex), 2))
            expr = sp.expand(sp.sympify(coeff).subs(subs))
            try:
                poly = sp.Poly(expr, *c.k)
            except sp.PolynomialError:
                polynomial = False
                break
            for (i, j), a in poly.terms():
                amp[i + j] = max(amp.get(i + j, 0.0), abs(complex(a)) * norm)
    if not polynomial:
        from .kernels.numeric import numeric_kernel

        scale = 0.0
        for c in comps:
            h = numeric_kernel(c).ham.H(0.0, 0.0, tuple(_values_at_zero_tilt(c, values)[p] for p in c.params))
            scale = max(scale, float(np.max(np.abs(np.linalg.eigvalsh(h)))))
        return scale if scale > 0 else SCALE_FREE_EV
    degrees = sorted(d for d, a in amp.items() if a > 0)
    scale = amp.get(0, 0.0)
    for i, a in enumerate(degrees):
        for b in degrees[i + 1:]:
            if a > 0:
                scale = max(scale, amp[a] ** (b / (b - a)) * amp[b] ** (-a / (b - a)))
    return scale if scale > 0 else SCALE_FREE_EV


def check_unbounded(comps, values, mu_max: float, name: str) -> None:
    """One ResponseError line unless, in each of 16 directions of k, the top band exceeds
    ``mu_max`` (eV) somewhere at |k| <= 1e5 / nm (zero tilt): otherwise the band is bounded or flat
    in that direction and the Fermi sea at large mu is not a closed pocket."""
    from .kernels.numeric import numeric_kernel

    theta = np.arange(_ANGLES) * (2 * np.pi / _ANGLES)
    k = np.geomspace(1e-3, _K_MAX, 97)
    kx, ky = np.cos(theta)[:, None] * k, np.sin(theta)[:, None] * k
    top = np.full(theta.shape, -np.inf)
    with np.errstate(all="ignore"):
        for c in comps:
            vals = _values_at_zero_tilt(c, values)
            e = np.linalg.eigvalsh(numeric_kernel(c).ham.H(kx, ky, tuple(vals[p] for p in c.params)))
            top = np.maximum(top, np.nanmax(e[..., -1], axis=1))
    low = np.flatnonzero(~(top > mu_max))
    if low.size:
        deg = float(np.degrees(theta[low[0]]))
        raise ResponseError(f"model: the top band of {name} stays below mu_max = {mu_max:.4g} eV along k at "
                            f"{deg:g} deg (up to |k| = {_K_MAX:g}/nm): a bounded or flat band, no large-mu limit; "
                            "lower mu_max or check the model")


# ---------------------------------------------------------------------------------------------
# series path
# ---------------------------------------------------------------------------------------------

def _series(name, comps, values, mechanism, params, convention, exchange, timeout, ratio, say):
    """(expansions, ratio, ratio_note) by the SymPy series of the closed forms; ResponseError
    (naming quadrature) where the closed form is not available."""
    from .responses.user_closed_form import derive, paper_form

    renamed, vals, maps = paper_form(comps, values)
    back = {}
    for m in maps:
        back.update({paper: user for user, paper in m.items()})
    flip = {}
    for sym in (HVX, HVY):                 # the series takes hbar v > 0 (the closed forms carry sign(v))
        if vals[sym] < 0:
            flip[sym] = -sym
            vals[sym] = -vals[sym]
            back[sym] = -back[sym]
    num_vals = {**vals, cf.V0: params.V0_eV_nm2, cf.TAU_OVER_HBAR: params.tau_over_hbar_per_eV}
    mechs = (mechanism,) + tuple(m for m in (PAIR_OF[mechanism] if ratio else ()) if m != mechanism)
    sign = sp.Integer(enh_sign(convention))
    exprs = {}
    for mech in mechs:
        say(f"asymptotics: deriving the closed form of {mech} for {name} (time limit {timeout:g} s)")
        got, report = derive(renamed, mech, ("conduction",), exchange, timeout, name)
        for (i, ent), ok in report.items():
            say(f"asymptotics: {mech} component {i} ({comps[i].name}) factor {ent}: "
                f"{'closed form' if ok else 'NOT in closed form'}")
        if not all(report.values()):
            raise ClosedFormUnavailable(f"closed-form: SymPy left integrals unevaluated for {name}; "
                                        "use method='numeric'")
        exprs[mech] = {el: sp.sympify(e).subs(cf.ENH_SIGN, sign).subs(flip, simultaneous=True)
                       for el, e in zip(cf.ELEMENTS, got["conduction"])}
        if mech == mechanism and all(e == 0 for e in exprs[mech].values()):
            raise ResponseError(f"mechanism {mechanism!r} vanishes identically for {name} (its closed form is zero; "
                                f"exchange {exchange!r}): no series to expand")
    out = {el: asy._expand(name, mechanism, el, e, params, convention, si=True, values=num_vals, rename=back)
           for el, e in exprs[mechanism].items() if e != 0}
    if not ratio:
        return out, None, None
    enh, ref = PAIR_OF[mechanism]
    num_all, den_all = exprs[enh], exprs[ref]
    nonzero = [el for el in cf.ELEMENTS if num_all[el] != 0 and den_all[el] != 0]
    if not nonzero:
        return out, None, f"{enh} or {ref} vanishes identically for {name} in every element: no ratio"
    if mechanism == enh:
        element = asy.main_element(out)
    else:
        element = asy.main_element({el: asy._expand(name, enh, el, num_all[el], params, convention, si=True,
                                                    values=num_vals) for el in nonzero})
    if element not in nonzero:
        return out, None, f"{ref} vanishes in {element}: no ratio"
    r = asy.simplified_ratio(num_all[element], den_all[element])
    return out, asy._expand(name, f"{enh}/{ref}", element, r, params, convention, si=False, values=num_vals,
                            rename=back), None


# ---------------------------------------------------------------------------------------------
# numeric path
# ---------------------------------------------------------------------------------------------

def _slope_fit(s, err, r_log):
    """(p, u, slopes, quadrature share of u) of one sampled element: the last local slope p, its
    uncertainty u (spread of the last two slopes plus the quadrature's share) and every local slope;
    u = inf when the last three points are not usable (one sign, above ten times the error estimate)."""
    s, err = np.asarray(s, dtype=float), np.asarray(err, dtype=float)
    ok = (np.abs(s) > 10 * err) & (s != 0)
    slopes = tuple(float(np.log(abs(s[j + 1] / s[j])) / r_log) if ok[j] and ok[j + 1] and s[j] * s[j + 1] > 0
                   else math.nan for j in range(len(s) - 1))
    if len(s) < 3 or math.isnan(slopes[-1]) or math.isnan(slopes[-2]):
        return math.nan, math.inf, slopes, math.nan
    eps = err / np.abs(s)
    p_a, p_b = slopes[-2], slopes[-1]
    quad = (eps[-1] + eps[-2]) / r_log
    return p_b, abs(p_b - p_a) + quad, slopes, quad


def _numeric_expansion(name, mechanism, element, mu, s, err, units, convention, slope_tol, r_log):
    """The :class:`NumericExpansion` of one sampled element, or ResponseError (not settled)."""
    p, u, slopes, quad = _slope_fit(s, err, r_log)
    shown = ", ".join("nan" if math.isnan(x) else f"{x:.4f}" for x in slopes)
    if not u <= slope_tol:
        what = (f"the quadrature error grows at large mu (its share {quad:.2g}); lower mu_max or tighten rtol"
                if quad > 0.5 * slope_tol else f"raise mu_max (at most {MU_MAX_EV:g} eV), or slope_tol")
        raise ResponseError(f"asymptotics: the local log-log slope of {mechanism} {element} of {name} has not settled "
                            f"between mu = {mu[0]:.4g} and {mu[-1]:.4g} eV (local slopes {shown}; uncertainty "
                            f"{u:.2g} > slope_tol = {slope_tol:g}); {what}")
    s, err, mu = np.asarray(s, float), np.asarray(err, float), np.asarray(mu, float)
    eps_last = err[-1] / abs(s[-1])
    n = round(p)
    if abs(p - n) <= u <= INTEGER_U_MAX:
        power = int(n)
        c_last, c_prev = s[-1] / mu[-1] ** power, s[-2] / mu[-2] ** power
        c_err = abs(c_last - c_prev) + eps_last * abs(c_last)
    else:
        power = float(p)
        c_last = s[-1] / mu[-1] ** p
        # the power's error through ln mu, and the amplitude of the correction (<= u / q <= 2 u, q >= 0.6)
        c_err = abs(c_last) * (eps_last + (abs(math.log(mu[-1])) + 2) * u)
    return NumericExpansion(model=name, mechanism=mechanism, element=element, power=power, power_estimate=float(p),
                            power_uncertainty=float(u), coefficient=float(c_last), coefficient_uncertainty=float(c_err),
                            units=units, mu_eV=tuple(float(x) for x in mu), sigma=tuple(float(x) for x in s),
                            error=tuple(float(x) for x in err), slopes=slopes, convention=convention)


def _main_sampled(last: dict) -> str:
    """The element of largest |sigma| at the last mu, ties to a = b (as :func:`symenh.asymptotics.main_element`)."""
    top = max(abs(v) for v in last.values())
    return min(last, key=lambda el: (-round(abs(last[el]) / top, 9), el[1] != el[2], el))


def _sample(comps, mechanism, mu, by_name, params, convention, exchange, options):
    """(sigma (len(mu), 8), error estimate (len(mu),)) of the quadrature path, A m / V^2."""
    from .errors import SymenhError
    from .responses import api

    try:
        res = api.sigma(comps, mechanism, mu, method="quadrature", convention=convention, exchange_valleys=exchange,
                        params=params, model_values=by_name, **options)
    except SymenhError as exc:     # the quadrature's refusal, with where the large-mu sampling was
        where = f"{mu[0]:.4g} eV" if len(mu) == 1 else f"{mu[0]:.4g} .. {mu[-1]:.4g} eV"
        raise ResponseError(f"asymptotics (numeric, {mechanism} at mu = {where}): {exc}") from None
    err = np.zeros(len(res.mu_eV)) if res.error_estimate is None else np.asarray(res.error_estimate, float)
    return np.asarray(res.sigma, float).reshape(-1, 8), err


def _numeric(name, comps, values, mechanism, params, convention, exchange, ratio, say, mu_min, mu_max,
             points_per_decade, slope_tol, options):
    from .responses.spec import nonzero_elements

    scale = energy_scale(comps, values)
    lo = MU_MIN_SCALES * scale if mu_min is None else mu_min
    hi = min(MU_MAX_SCALES * scale, MU_MAX_EV) if mu_max is None else mu_max
    if not (0 < lo < hi <= MU_MAX_EV):
        raise ParameterError(f"mu_min, mu_max: need 0 < mu_min < mu_max <= {MU_MAX_EV:g} eV, got {lo:.4g} and "
                             f"{hi:.4g} eV (energy scale {scale:.4g} eV)")
    n = max(3, round(math.log10(hi / lo) * points_per_decade) + 1)
    grid = np.geomspace(lo, hi, n)
    r_log = math.log(grid[1] / grid[0])
    check_unbounded(comps, values, hi, name)
    by_name = {p.name: v for p, v in values.items()}
    say(f"asymptotics: numeric large-mu analysis of {mechanism} for {name}: energy scale {scale:.4g} eV, quadrature at "
        f"up to {n} mu from {lo:.4g} to {hi:.4g} eV")
    sig, err = np.zeros((0, 8)), np.zeros(0)
    for j, m in enumerate(grid):
        s1, e1 = _sample(comps, mechanism, [float(m)], by_name, params, convention, exchange, options)
        sig, err = np.vstack([sig, s1]), np.concatenate([err, e1])
        say(f"asymptotics: mu = {m:.4g} eV: max |sigma| = {np.max(np.abs(s1)):.4g} A m/V^2, error {e1[0]:.2g}")
        if j < 2:
            continue
        names = nonzero_elements(sig.reshape(-1, 2, 2, 2), error=err)
        fits = [_slope_fit(sig[:, cf.ELEMENTS.index(el)], err, r_log) for el in names]
        if names and all(f[1] <= slope_tol for f in fits):
            break
        main = np.argmax(np.abs(sig[-1]))
        if err[-1] / max(abs(sig[-1, main]), 1e-300) * 2 / r_log > slope_tol:
            say("asymptotics: the quadrature error no longer allows the slope tolerance; stopping")
            break
    mu = grid[:len(err)]
    names = nonzero_elements(sig.reshape(-1, 2, 2, 2), error=err)
    if not names:
        raise ResponseError(f"mechanism {mechanism!r} vanishes for {name} within the quadrature's error at every mu "
                            f"sampled ({mu[0]:.4g} .. {mu[-1]:.4g} eV): nothing to expand")
    # the main element (largest at the last mu) must settle; another element that does not is left out
    # and named in the note
    main = _main_sampled({el: sig[-1, cf.ELEMENTS.index(el)] for el in names})
    out, unsettled = {}, []
    for el in [main] + [e for e in names if e != main]:
        try:
            out[el] = _numeric_expansion(name, mechanism, el, mu, sig[:, cf.ELEMENTS.index(el)], err, SIGMA_UNITS,
                                         convention, slope_tol, r_log)
        except ResponseError:
            if el == main:
                raise
            unsettled.append(el)
    note = None if not unsettled else (f"elements {', '.join(unsettled)} are non-zero but their slopes have not "
                                       "settled: left out")
    if not ratio:
        return out, None, None, scale, note
    enh, ref = PAIR_OF[mechanism]
    other = ref if mechanism == enh else enh
    say(f"asymptotics: {other} at the same {len(mu)} mu for the ratio {enh}/{ref}")
    s2, e2 = _sample(comps, other, [float(x) for x in mu], by_name, params, convention, exchange, options)
    names2 = set(nonzero_elements(s2.reshape(-1, 2, 2, 2), error=e2))
    both = [el for el in names if el in names2]
    if not both:
        return out, None, f"{other} vanishes for {name} in the elements of {mechanism}: no ratio", scale, note
    s_enh, e_enh, s_ref, e_ref = (sig, err, s2, e2) if mechanism == enh else (s2, e2, sig, err)
    element = _main_sampled({el: s_enh[-1, cf.ELEMENTS.index(el)] for el in both})
    i = cf.ELEMENTS.index(element)
    with np.errstate(all="ignore"):     # a zero of either makes the point unusable (nan), not an error
        rat = s_enh[:, i] / s_ref[:, i]
        rat_err = np.abs(rat) * (e_enh / np.abs(s_enh[:, i]) + e_ref / np.abs(s_ref[:, i]))
    try:
        r = _numeric_expansion(name, f"{enh}/{ref}", element, mu, rat, rat_err, "dimensionless", convention,
                               slope_tol, r_log)
    except ResponseError as exc:
        return out, None, str(exc), scale, note
    return out, r, None, scale, note


# ---------------------------------------------------------------------------------------------
# the entry point
# ---------------------------------------------------------------------------------------------

def analyse(model, mechanism: str, *, model_values=None, params: Parameters = PAPER, convention: str = "consistent",
            exchange: str = "same", method: str = "auto", closed_form_timeout: float = 60.0, ratio: bool = True,
            mu_min: float | None = None, mu_max: float | None = None, points_per_decade: int = POINTS_PER_DECADE,
            slope_tol: float = SLOPE_TOL, progress=None, **options) -> UserAsymptotics:
    """Large-mu asymptotics of a user model: :class:`UserAsymptotics` (see the module docstring).

    ``model``: a :class:`~symenh.models.base.SymbolicModel`, a tuple of them (valleys, summed) or a
    :class:`~symenh.models.model_file.LoadedModel` (``symenh.load_model``; its values are used
    unless ``model_values`` is given); ``model_values``: {symbol or name: value} in the model's
    units (eV, eV nm, ...).  ``mechanism``: bcd, inh, enh-t or enh-pt.  ``params``: tau, q_s,
    eps_r (T must be 0: a T = 0 expansion).  ``exchange``: the ENH exchange scope ("same" or "all",
    as ``exchange_valleys`` of :func:`symenh.sigma`).  ``method``: "auto" (series if the closed form
    is available within ``closed_form_timeout`` seconds, else numeric), "series" or "numeric".
    ``ratio``: also the ENH / reference ratio (ENH(T)/BCD for bcd and enh-t, ENH(PT)/INH for inh and
    enh-pt; the numeric path then samples the other mechanism too).  Numeric path: ``mu_min``,
    ``mu_max`` (eV; default 10 and 1000 x :func:`energy_scale`), ``points_per_decade`` (>= 1),
    ``slope_tol`` (in (0, 0.5]), ``options`` passed to the quadrature (e.g. ``rtol``, ``k_cutoff``).
    ``progress``: True (stderr) or a callable taking one line.

    Bad input and refusals are one-line :class:`~symenh.errors.SymenhError` s naming the argument.
    """
    from .geometry.timelimit import reporter

    for arg, v in (("mechanism", mechanism), ("method", method), ("convention", convention), ("exchange", exchange)):
        if not isinstance(v, str):
            raise ResponseError(f"{arg}: must be a name (str), got {type(v).__name__}")
    check_choice("mechanism", mechanism, PAPER_MECHANISMS)
    check_choice("method", method, METHODS)
    check_choice("convention", convention, cf.CONVENTIONS)
    check_choice("exchange", exchange, cf.EXCHANGE_VALLEYS)
    if not isinstance(params, Parameters):
        raise ResponseError(f"params: must be a symenh.Parameters, got {type(params).__name__}")
    if params.T_K != 0:
        raise ParameterError(f"T: the large-mu series is a T = 0 expansion; got T = {params.T_K:g} K, omit T")
    _check_number("closed_form_timeout", closed_form_timeout, 0, 3600)
    _check_number("slope_tol", slope_tol, 0, 0.5)
    if isinstance(points_per_decade, bool) or not isinstance(points_per_decade, int) or not 1 <= points_per_decade <= 10:
        raise ParameterError(f"points_per_decade: must be an integer 1 .. 10, got {points_per_decade!r}")
    for arg, v in (("mu_min", mu_min), ("mu_max", mu_max)):
        if v is not None:
            _check_number(arg, v, 0, MU_MAX_EV)
    if method == "series" and (mu_min is not None or mu_max is not None or options):
        raise ResponseError("mu_min, mu_max, quadrature options: only for method 'numeric' or 'auto' (the series is "
                            "exact)")
    say = reporter(progress)
    name, comps, values = _resolve(model, model_values, params)
    refuse_lattice(comps, name)
    from .responses.api import check_exchange_scope

    check_exchange_scope(comps, exchange, "exchange")
    note = None
    if method in ("auto", "series"):
        try:
            exps, r, r_note = _series(name, comps, values, mechanism, params, convention, exchange,
                                      float(closed_form_timeout), ratio, say)
            return UserAsymptotics(name, mechanism, "series", exps, r, r_note, None, None, convention)
        except ClosedFormUnavailable as exc:
            if method == "series":
                raise ResponseError(str(exc).replace("use method='quadrature'", "use method='numeric'")) from None
            note = str(exc).replace("; use method='quadrature'", "")
            say(f"asymptotics: no series ({note}); numeric instead")
    exps, r, r_note, scale, left_out = _numeric(name, comps, values, mechanism, params, convention, exchange, ratio,
                                                say, mu_min, mu_max, points_per_decade, float(slope_tol), options)
    note = "; ".join(x for x in (note, left_out) if x) or None
    return UserAsymptotics(name, mechanism, "numeric", exps, r, r_note, note, scale, convention)


def _check_number(name, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (lo < float(value) <= hi):
        raise ParameterError(f"{name}: must be a number in ({lo:g}, {hi:g}], got {value!r}")


__all__ = ["METHODS", "NumericExpansion", "UserAsymptotics", "analyse", "check_unbounded", "energy_scale",
           "refuse_lattice"]
