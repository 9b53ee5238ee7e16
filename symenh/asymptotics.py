r"""Large-mu asymptotics of every non-zero conductivity of the paper models (SymPy).

From the closed forms of :mod:`symenh.responses.closed_form` (conduction branch,
mu > |Delta|) each raw element sigma^{cab}(mu) is expanded in 1/mu at fixed Delta,
hbar v_x, hbar v_y, alpha, V_0 and tau (``sympy.series`` in x = 1/mu).  The closed
forms are Laurent polynomials in mu, so the series terminates: it is exact.

Conventions of every result here:

* ``sigma(mu) ~ C (mu / 1 eV)^p``: ``power`` p (an integer) and ``coefficient`` C in
  A m / V^2 at the given :class:`~symenh.params.Parameters` (paper values by default);
  the next term likewise (the next non-zero power, p - 2 for these models);
* raw elements (antisymmetric in (c, a), not (a, b)-symmetrised), T = 0, linear order
  in alpha, consistent or printed ENH convention (:mod:`symenh.responses.spec`);
* ``latex``: the leading term as a symbolic function of the parameters, in SI-free
  form ``(e^3/hbar) x [nm/eV]`` with hbar v in eV nm, V_0 in eV nm^2, tau/hbar in 1/eV;
* ratios ENH(T)/BCD (tilted-dirac) and ENH(PT)/INH (pt-dirac) of the same element,
  dimensionless: ``ratio ~ C (mu / 1 eV)^p``.

The paper's claim (text after Fig. 3): sigma_ENH^(PT) ~ 1/mu, sigma_INH ~ 1/mu^2.

A user's model (SymbolicModel(s) with ``model_values=``, or a ``symenh.load_model`` result) goes
through the same :func:`element_expansions`, :func:`expansion` and :func:`ratio_expansion`
(:mod:`symenh.asymptotics_user`): this series where its two-level closed form is available within
``closed_form_timeout``, else a numeric analysis of the quadrature path at log-spaced mu (the
power with its uncertainty); lattice models are refused (no large-mu limit).

The symbolic series and the simplified ratios are cached on disk (:mod:`symenh.cache`),
keyed by this module's source and the expression expanded (its ``srepr``), so a warm run
only substitutes numbers.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from . import cache
from .errors import ParameterError
from .integrate.symbolic import MU
from .models.symbols import ALPHA, DELTA, HVX, HVY
from .params import PAPER, Parameters
from .responses import closed_form as cf
from .responses.spec import ENH_PAIRS, FORBIDDEN, PAPER_MECHANISMS, ResponseError, check_choice
from .units import SIGMA_UNITS, sigma_to_si

_X = sp.Symbol("x", positive=True)  # 1/mu
#: the ENH mechanism and its reference (competing) mechanism per model
PAIRS = {m: (enh, ref) for m, (enh, ref, _) in ENH_PAIRS.items()}
_WHY = {"tilted-dirac": "time-reversal symmetry", "pt-dirac": "PT symmetry"}
_SERIES_ORDER = 12
#: how the symbols print in LaTeX
_LATEX_NAMES = {HVX: r"(\hbar v_x)", HVY: r"(\hbar v_y)", ALPHA: r"\alpha", DELTA: r"\Delta", MU: r"\mu",
                cf.V0: "V_0", cf.TAU_OVER_HBAR: r"(\tau/\hbar)"}


@dataclass(frozen=True)
class Term:
    """One term C (mu / 1 eV)^power; ``coefficient`` in ``units``; ``symbolic`` in internal units."""

    power: int
    coefficient: float
    units: str
    symbolic: sp.Expr

    def value(self, mu_eV):
        """C (mu / 1 eV)^power (``units``)."""
        return self.coefficient * mu_eV ** self.power

    def as_dict(self) -> dict:
        return {"power": self.power, "coefficient": self.coefficient, "units": self.units}


@dataclass(frozen=True)
class Expansion:
    """Large-mu expansion of one raw element (or a ratio): all non-zero terms, leading first."""

    model: str
    mechanism: str
    element: str
    terms: tuple
    latex: str
    convention: str

    @property
    def leading(self) -> Term:
        return self.terms[0]

    @property
    def next(self) -> Term | None:
        return self.terms[1] if len(self.terms) > 1 else None

    def value(self, mu_eV, n_terms: int | None = None):
        """The series summed over the first ``n_terms`` terms (all by default), at mu (eV)."""
        return sum(t.value(mu_eV) for t in self.terms[:n_terms])

    def as_dict(self) -> dict:
        nxt = self.next
        return {"element": self.element, "leading": self.leading.as_dict(),
                "next": None if nxt is None else nxt.as_dict(), "latex": self.latex}


def _check(model: str, mechanism: str) -> None:
    check_choice("model", model, cf.PAPER_MODELS)
    check_choice("mechanism", mechanism, PAPER_MECHANISMS)
    if mechanism in FORBIDDEN[model]:
        raise ResponseError(f"mechanism {mechanism!r} vanishes identically for {model} ({_WHY[model]})")


@lru_cache(maxsize=1)
def _source() -> str:
    return inspect.getsource(sys.modules[__name__])


@lru_cache(maxsize=256)
def symbolic_series(expr: sp.Expr) -> tuple:
    """((power of mu, symbolic coefficient), ...) of ``expr`` at mu -> +oo, leading first.

    ``expr`` is a function of the symbol ``mu``; the expansion is in x = 1/mu.  The
    velocities are taken positive (as :class:`~symenh.params.Parameters` requires), so the
    closed forms' sign(hbar v) factors drop out of the printed coefficients.  Derived once
    and cached on disk, keyed by this module's source and ``srepr(expr)``.
    """
    expr = sp.sympify(expr)
    key = cache.make_key("asymptotic-series", _source(), sp.srepr(expr))
    pairs = cache.cached_exprs(key, lambda: tuple((sp.Integer(p), c) for p, c in _series_of(expr)))
    return tuple((int(p), c) for p, c in pairs)


def _series_of(expr: sp.Expr) -> tuple:
    """The uncached :func:`symbolic_series` (SymPy ``series`` in x = 1/mu, then each coefficient
    simplified)."""
    pos = {HVX: sp.Symbol(HVX.name, positive=True), HVY: sp.Symbol(HVY.name, positive=True)}
    back = {v: k for k, v in pos.items()}
    ser = sp.series(expr.subs(pos).subs(MU, 1 / _X), _X, 0, _SERIES_ORDER).removeO()
    coeffs = {}
    for term in sp.Add.make_args(sp.expand(ser)):
        c, e = term.as_coeff_exponent(_X)
        coeffs[int(-e)] = coeffs.get(int(-e), 0) + c
    out = []
    for power, c in coeffs.items():
        c = sp.factor(sp.simplify(c)).subs(back)
        if c != 0:
            out.append((power, c))
    return tuple(sorted(out, key=lambda t: -t[0]))


@lru_cache(maxsize=64)
def simplified_ratio(num: sp.Expr, den: sp.Expr) -> sp.Expr:
    """``factor(simplify(num / den))``, cached on disk (keyed by this module's source and both
    expressions' ``srepr``)."""
    key = cache.make_key("asymptotic-ratio", _source(), sp.srepr(num), sp.srepr(den))
    return cache.cached_exprs(key, lambda: sp.factor(sp.simplify(num / den)))


def _values(params: Parameters) -> dict:
    vals = params.symbol_values()
    vals[cf.V0] = params.V0_eV_nm2
    vals[cf.TAU_OVER_HBAR] = params.tau_over_hbar_per_eV
    return vals


def _latex_term(power: int, coeff: sp.Expr, prefix: str, factor: str = "") -> str:
    """``prefix`` [sign] ``factor`` C mu^power, with the overall sign pulled to the front."""
    term = coeff * MU**power
    sign = "-" if term.could_extract_minus_sign() else ""
    body = sp.latex(-term if sign else term, symbol_names=_LATEX_NAMES)
    return f"{prefix}{sign}{factor}{body}"


def _expand(model, mechanism, element, expr, params, convention, si: bool, values: dict | None = None,
            rename: dict | None = None) -> Expansion:
    """The :class:`Expansion` of ``expr`` (a function of mu); ``values``: {symbol: number} to evaluate
    the coefficients with (default: ``params``' paper values); ``rename``: {symbol: expression}
    substituted into the symbolic coefficients (a user model's own symbols, for its LaTeX)."""
    vals = _values(params) if values is None else values
    terms = []
    for power, c in symbolic_series(expr):
        num = float(c.subs(vals))
        if si:
            num = float(sigma_to_si(num))
        if num != 0.0:
            terms.append(Term(power=power, coefficient=num, units=SIGMA_UNITS if si else "dimensionless",
                              symbolic=c if rename is None else c.subs(rename, simultaneous=True)))
    if not terms:
        raise ResponseError(f"{model} {mechanism} {element}: zero at these parameters")
    lead = terms[0]
    if si:
        latex = _latex_term(lead.power, lead.symbolic, rf"\sigma^{{{element}}} \simeq ",
                            r"\frac{e^3}{\hbar}\,")
    else:
        latex = _latex_term(lead.power, lead.symbolic, r"\frac{\sigma_{\rm ENH}}{\sigma_{\rm ref}} \simeq ")
    return Expansion(model=model, mechanism=mechanism, element=element, terms=tuple(terms), latex=latex,
                     convention=convention)


def _user(model, user: dict):
    """None for a paper model (refusing user-model options), else the keyword arguments of
    :func:`symenh.asymptotics_user.analyse` for a user model."""
    if isinstance(model, str):
        if user:
            raise ResponseError(f"{', '.join(sorted(user))}: only for a user model (the paper models' series are "
                                "derived once and cached)")
        return None
    return user


def element_expansions(model, mechanism: str, params: Parameters = PAPER,
                       convention: str = "consistent", exchange: str = "same", **user) -> dict:
    """{element name: :class:`Expansion`} for every non-zero raw element of one mechanism.

    Coefficients in A m / V^2 for sigma ~ C (mu / 1 eV)^p at ``params``.  Raises
    ResponseError for a mechanism forbidden by symmetry (identically zero).

    ``model``: a paper model name, or a user model (SymbolicModel(s) with ``model_values=``, or a
    ``symenh.load_model`` result): then the series where the closed form is available, else the
    numeric analysis (:class:`symenh.asymptotics_user.NumericExpansion` values), with the keyword
    arguments of :func:`symenh.asymptotics_user.analyse` (``model_values``, ``method``,
    ``closed_form_timeout``, ``mu_min``, ``mu_max``, ...).
    """
    if _user(model, user) is not None:
        from .asymptotics_user import analyse

        return analyse(model, mechanism, params=params, convention=convention, exchange=exchange, ratio=False,
                       **user).expansions
    _check(model, mechanism)
    if params.T_K != 0:
        raise ParameterError(f"T: the large-mu series is a T = 0 expansion (at fixed T the thermal corrections "
                             f"fall as (k_B T/mu)^2 and do not change its leading terms); got T = {params.T_K:g} K, "
                             "omit T")
    exprs = cf.branch_expressions(model, mechanism, "conduction", convention, exchange)
    out = {name: _expand(model, mechanism, name, e, params, convention, si=True)
           for name, e in exprs.items() if e != 0}
    if not out:
        raise ResponseError(f"mechanism {mechanism!r} vanishes identically for {model} with exchange "
                            f"{exchange!r} (exchange over both valleys cancels it): no series to expand")
    return out


def main_element(expansions: dict) -> str:
    """The element of largest magnitude (leading coefficient at mu = 1 eV).

    Ties (sigma^{cab} = -sigma^{acb}) go to the element whose (a, b)-symmetrised value is
    largest, i.e. a = b (e.g. "yxx" over "xyx", "xyy" over "yxy").
    """
    def key(name):
        t = expansions[name].leading
        mag = abs(t.coefficient)
        return (-t.power, -round(mag / max(abs(e.leading.coefficient) for e in expansions.values()), 9),
                name[1] != name[2], name)
    return sorted(expansions, key=key)[0]


def expansion(model, mechanism: str, params: Parameters = PAPER, convention: str = "consistent",
              exchange: str = "same", element: str | None = None, **user) -> Expansion:
    """Large-mu expansion of one raw element (default: :func:`main_element`), A m / V^2.
    A user model as in :func:`element_expansions` (``**user``: its keyword arguments)."""
    exps = element_expansions(model, mechanism, params, convention, exchange, **user)
    if element is None:
        element = main_element(exps)
    if element not in exps:
        label = model if isinstance(model, str) else "this model"
        raise ResponseError(f"element: {element!r} is zero for {label} {mechanism}; non-zero: {', '.join(exps)}")
    return exps[element]


def ratio_expansion(model, params: Parameters = PAPER, convention: str = "consistent",
                    element: str | None = None, mechanism: str | None = None, **user) -> Expansion:
    """ENH(T)/BCD (tilted-dirac) or ENH(PT)/INH (pt-dirac) of one raw element, dimensionless.

    ratio ~ C (mu / 1 eV)^p; the element defaults to the main element of the ENH mechanism
    (both mechanisms have the same non-zero elements in these models).  A user model (as in
    :func:`element_expansions`) needs ``mechanism`` (bcd or enh-t: ENH(T)/BCD; inh or enh-pt:
    ENH(PT)/INH); its element is the ENH mechanism's main one (``element`` is not taken).
    """
    if _user(model, user) is not None or mechanism is not None:
        if isinstance(model, str):
            raise ResponseError("mechanism: only for a user model (a paper model's ratio is fixed by the model)")
        from .asymptotics_user import analyse

        if mechanism is None or element is not None:
            raise ResponseError("mechanism: a user model's ratio needs mechanism= (bcd, enh-t, inh or enh-pt); "
                                "element is chosen as the ENH mechanism's main element")
        res = analyse(model, mechanism, params=params, convention=convention, ratio=True, **user)
        if res.ratio is None:
            raise ResponseError(f"ratio: {res.ratio_note}")
        return res.ratio
    check_choice("model", model, cf.PAPER_MODELS)
    enh, ref = PAIRS[model]
    if element is None:
        element = expansion(model, enh, params, convention).element
    num = cf.branch_expressions(model, enh, "conduction", convention)[element]
    den = cf.branch_expressions(model, ref, "conduction", convention)[element]
    if den == 0:
        raise ResponseError(f"element: {element!r} of {ref} is zero for {model}")
    ratio = simplified_ratio(num, den)
    return _expand(model, f"{enh}/{ref}", element, ratio, params, convention, si=False)


def report(params: Parameters = PAPER, convention: str = "consistent") -> dict:
    """Everything as plain data: per model and allowed mechanism the main element's
    expansion, all non-zero elements, and the ENH/reference ratio; plus the paper's claims
    (ENH(PT) ~ 1/mu, INH ~ 1/mu^2) checked against the derived powers."""
    out = {"convention": convention, "units": SIGMA_UNITS, "models": {}}
    for model, (enh, ref) in PAIRS.items():
        entry = {}
        for mech in (ref, enh):
            exps = element_expansions(model, mech, params, convention)
            main = main_element(exps)
            d = {"model": model, "mechanism": mech, **exps[main].as_dict(),
                 "elements": {k: v.as_dict() for k, v in exps.items()}}
            entry[mech] = d
        r = ratio_expansion(model, params, convention)
        entry["ratio"] = {"of": f"{enh}/{ref}", **r.as_dict()}
        out["models"][model] = entry
    pt = out["models"]["pt-dirac"]
    out["paper_claims"] = {
        "enh-pt ~ 1/mu": {"claimed": -1, "derived": pt["enh-pt"]["leading"]["power"],
                          "agrees": pt["enh-pt"]["leading"]["power"] == -1},
        "inh ~ 1/mu^2": {"claimed": -2, "derived": pt["inh"]["leading"]["power"],
                         "agrees": pt["inh"]["leading"]["power"] == -2},
    }
    return out
