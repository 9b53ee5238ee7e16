r"""Exact Fermi-surface and Fermi-sea integrals for the paper's Dirac-type models (SymPy).

Both paper models (and each tau_y block of H_PT) have levels
``eps0_N(k) = -+ E(k)`` at alpha = 0 with

    E(k) = sqrt(Delta^2 + (hbar v_x k_x)^2 + (hbar v_y k_y)^2)     (eV).

In *scaled polar coordinates* ``p_x = hbar v_x k_x = p cos(th)``,
``p_y = hbar v_y k_y = p sin(th)``, ``E = sqrt(p^2 + Delta^2)`` and
``d^2k = p dp dth / |hbar v_x hbar v_y| = E dE dth / |hbar v_x hbar v_y|`` (the
absolute value: a negative hbar v mirrors the angle but an area stays positive; the
factor :data:`JACOBIAN` below).  Every
integrand built from the closed-form geometry of
:func:`symenh.geometry.symbolic.derive_geometry` becomes a polynomial in
``cos(th), sin(th)`` with coefficients rational in ``p`` and ``E``; the angular
integral of a trigonometric monomial is done exactly,

    int_0^{2 pi} cos^m sin^n dth = 2 pi (m-1)!! (n-1)!! / (m+n)!!   (m, n even; else 0),

and *before* the radial one: the dipolar parts of the spin-Berry polarizability fall
off as 1/k^2, so the Fermi-sea integrals converge only conditionally (physics.md 3);
the angular integral removes every odd term at each radius (the same on any centrally
symmetric cutoff), and the remaining radial integrals converge absolutely.

Conventions (all integrals are ``int d^2k / (2 pi)^2``, momenta in 1/nm):

* The Fermi contour of either level (conduction eps0 = +E at mu > |Delta|, valence
  eps0 = -E at mu < -|Delta|, hole doping) is ``E = E_F = |mu|``, ``p_F = sqrt(mu^2 -
  Delta^2)``; results are closed forms in the symbol :data:`EF` (eV), which the caller
  (:mod:`symenh.responses.closed_form`) replaces by +mu or -mu per branch.
* Other symbols: ``Delta`` (eV), ``hbar_v_x``, ``hbar_v_y`` (eV nm, any sign: the
  Jacobian carries their absolute values); Delta's sign is kept general (only Delta^2
  enters E; odd powers of Delta in the integrand survive as they are).
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from ..errors import IntegrationError
from ..models.symbols import DELTA, HVX, HVY, KX, KY

#: chemical potential, eV (real; its sign selects the branch; used by the callers)
MU = sp.Symbol("mu", real=True)
#: Fermi energy |mu| measured from mid-gap, eV (positive)
EF = sp.Symbol("E_F", positive=True)
#: radial energy variable E = sqrt(p^2 + Delta^2), eV (positive)
E = sp.Symbol("E", positive=True)
#: scaled radial momentum p = sqrt((hbar v_x k_x)^2 + (hbar v_y k_y)^2), eV (positive)
P = sp.Symbol("p", positive=True)
_C, _S = sp.symbols("c s", real=True)  # cos(th), sin(th)
#: |d^2k / (p dp dth)| = 1/|hbar v_x hbar v_y| (1/(eV nm)^2): the Jacobian of the scaled polar coordinates
JACOBIAN = 1 / (sp.Abs(HVX) * sp.Abs(HVY))




def dispersion_radicand() -> sp.Expr:
    """E(k)^2 = Delta^2 + (hbar v_x k_x)^2 + (hbar v_y k_y)^2 (eV^2)."""
    return DELTA**2 + HVX**2 * KX**2 + HVY**2 * KY**2


def to_polar(expr: sp.Expr) -> sp.Expr:
    """Rewrite an integrand in (k_x, k_y) as a function of p, E and c = cos(th), s = sin(th).

    Every power of the radicand ``Delta^2 + hbar_v_x^2 k_x^2 + hbar_v_y^2 k_y^2`` becomes
    the matching power of ``E``; then ``k_x = p c / hbar_v_x``, ``k_y = p s / hbar_v_y``.
    Raises :class:`IntegrationError` if k survives (an integrand not of Dirac type).
    """
    rad = sp.expand(dispersion_radicand())

    def is_rad_pow(x):
        return x.is_Pow and sp.expand(x.base - rad) == 0

    out = sp.sympify(expr).replace(is_rad_pow, lambda x: E ** (2 * x.exp))
    out = out.subs({KX: P * _C / HVX, KY: P * _S / HVY}, simultaneous=True)
    if out.has(KX) or out.has(KY):  # pragma: no cover - defensive
        raise IntegrationError("integrand: k_x, k_y survive the polar substitution")
    return out


def _double_factorial(n: int) -> int:
    return 1 if n <= 0 else n * _double_factorial(n - 2)


def trig_moment(m: int, n: int) -> sp.Expr:
    """int_0^{2 pi} cos(th)^m sin(th)^n dth, exactly."""
    if m % 2 or n % 2:
        return sp.Integer(0)
    return 2 * sp.pi * sp.Rational(_double_factorial(m - 1) * _double_factorial(n - 1),
                                   _double_factorial(m + n))


def angular_integral(polar_expr: sp.Expr) -> sp.Expr:
    """int_0^{2 pi} dth of an expression polynomial in c = cos(th), s = sin(th).

    The result depends on p and E only; since only even total powers of p survive,
    ``p^2`` is then replaced by ``E^2 - Delta^2``.
    """
    return sp.simplify(_angular_expanded(polar_expr))


def _angular_expanded(polar_expr: sp.Expr) -> sp.Expr:
    """:func:`angular_integral`, expanded and not yet simplified."""
    num, den = sp.fraction(sp.together(sp.expand(polar_expr)))
    if den.has(_C) or den.has(_S):
        raise IntegrationError("integrand: the angular dependence is not a trigonometric polynomial")
    poly = sp.Poly(sp.expand(num), _C, _S)
    total = sp.Integer(0)
    for (m, n), coeff in poly.terms():
        w = trig_moment(m, n)
        if w != 0:
            total += w * coeff
    total = sp.expand(total / den)
    total = total.subs(P, sp.sqrt(E**2 - DELTA**2))
    return sp.expand(total)


#: positive stand-in for |hbar v_x hbar v_y| while a result is factored (:func:`_factor_over_jacobian`)
_ABS_J = sp.Symbol("_abs_hvx_hvy", positive=True)


def _rational(expr) -> bool:
    return not expr.atoms(sp.Function) and all(p.exp.is_Integer for p in expr.atoms(sp.Pow))


def _factor_over_jacobian(expr: sp.Expr) -> sp.Expr:
    """``factor(simplify(expr * JACOBIAN))`` for ``expr`` rational in its symbols (pi included),
    in the same form and at a fifth of the cost: factored with |hbar v_x hbar v_y| as one positive
    symbol, then ``Abs(hbar_v_x*hbar_v_y)`` put in (simplify joins the two Abs of the Jacobian into
    that one).  Anything else (functions, radicals) takes the simplify route."""
    if _rational(expr):
        return sp.factor(expr / _ABS_J).subs(_ABS_J, sp.Abs(HVX * HVY))
    return sp.factor(sp.simplify(expr * JACOBIAN))


@lru_cache(maxsize=4096)
def _surface_ef(integrand: sp.Expr) -> sp.Expr:
    ang = _angular_expanded(to_polar(integrand))
    return _factor_over_jacobian(EF * ang.subs(E, EF) / (4 * sp.pi**2))


def fermi_surface_integral_ef(integrand: sp.Expr) -> sp.Expr:
    """int d^2k/(2 pi)^2 delta(E_F - E(k)) F(k), a closed form in E_F = |mu| (> |Delta|).

    = E_F / (4 pi^2 |hbar v_x hbar v_y|) int_0^{2 pi} dth F(p_F, th); units of F times 1/(eV nm^2).
    For the valence level at mu = -E_F, delta(mu - eps0) = delta(E_F - E): the same integral.
    """
    return _surface_ef(sp.sympify(integrand))


@lru_cache(maxsize=4096)
def _outside_ef(integrand: sp.Expr) -> sp.Expr:
    ang = sp.cancel(_angular_expanded(to_polar(integrand)))
    radial = sp.integrate(sp.expand(E * ang), (E, EF, sp.oo), conds="none")
    if radial.has(sp.oo, sp.zoo, sp.nan) or isinstance(radial, sp.Integral):
        raise IntegrationError(f"integrand: the radial integral outside the Fermi surface diverges "
                               f"or has no closed form ({ang})")
    return _factor_over_jacobian(radial / (4 * sp.pi**2))


def outside_fermi_surface_integral_ef(integrand: sp.Expr) -> sp.Expr:
    """int_{E(k) > E_F} d^2k/(2 pi)^2 F(k), closed form in E_F = |mu|.

    The angular integral is done first at each E (conditional convergence), then
    int_{E_F}^oo E dE / (4 pi^2 |hbar v_x hbar v_y|).  Units: those of F times 1/nm^2.
    """
    return _outside_ef(sp.sympify(integrand))
