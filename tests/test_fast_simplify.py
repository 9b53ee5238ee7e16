"""The cheap simplification routes of the closed forms give the trees the simplify route gave.

The closed-form geometry (symenh.geometry.symbolic) and the Fermi-surface / Fermi-sea integrals
(symenh.integrate.symbolic) used ``factor(simplify(...))``; they now cancel, reduce modulo
E^2 = E(k)^2 and factor (rational functions only).  Expected values are the old route,
``factor(simplify(simplify(x).subs(E, sqrt(E^2))))`` and ``factor(simplify(x * JACOBIAN))``,
computed here with SymPy's simplify (an independent path): the trees must be identical
(``==``), so every lambdified number is unchanged bit for bit.
"""

import sympy as sp

from symenh.geometry import symbolic as gs
from symenh.integrate import symbolic as si
from symenh.models import pt_dirac, tilted_dirac
from symenh.models.symbols import DELTA, HVX, HVY, KX, KY


def _old_level(expr, subs):
    return sp.factor(sp.simplify(sp.simplify(expr).subs(subs)))


def _level_inputs(model, limit):
    """(expr, subs) of the first ``limit`` quantities _derive simplifies for ``model``."""
    energies, _, projs, subs = gs.level_projectors(model)
    v = (model.velocity(0), model.velocity(1))
    de = energies[1] - energies[0]
    out = [-2 * sp.im(gs._tr(projs[1], v[0], projs[0], v[1])) / de**2]
    for a in range(2):
        for b in range(2):
            t = gs._tr(projs[1], v[a], projs[0], v[b])
            out += [sp.re(t) / de**2, 2 * sp.re(t) / de**3]
    for eta in range(len(model.spin)):
        for a in range(2):
            out.append(-2 * sp.im(gs._tr(projs[1], model.spin[eta], projs[0], v[a])) / de**2)
        out.append(sp.re(sp.expand((projs[1] * model.spin[eta]).trace())))
    return [(e, subs) for e in out[:limit]], subs


def test_level_simplification_equals_simplify_route_on_paper_models():
    n = 0
    for model in (tilted_dirac(1), pt_dirac()):
        inputs, subs = _level_inputs(model, 40)
        assert len(subs) == 1
        for expr, subs in inputs:
            new = gs.simplify_level_expr(expr, subs)
            assert new == _old_level(expr, subs), f"{model.name}: {expr}"
            n += 1
    assert n >= 40


def test_level_simplification_finds_zero_that_needs_the_dispersion():
    """E^2 - E(k)^2 is zero only through E = sqrt(E(k)^2): the reduction modulo E^2 must see it."""
    model = tilted_dirac(1)
    _, _, _, subs = gs.level_projectors(model)
    (e_sym, root), = subs.items()
    e2 = sp.expand(root**2)
    assert gs.simplify_level_expr((e_sym**3 - e2 * e_sym) / (e_sym + DELTA), subs) == 0
    expr = (e_sym**4 - e2**2 + KX) / e_sym**3
    assert sp.simplify(gs.simplify_level_expr(expr, subs) - KX / root**3) == 0


def test_non_rational_expression_takes_simplify_route():
    expr = sp.sin(KX) ** 2 + sp.cos(KX) ** 2
    assert gs.simplify_level_expr(expr, {}) == 1
    model = tilted_dirac(1)
    _, _, _, subs = gs.level_projectors(model)
    assert gs.simplify_level_expr(expr * KY, subs) == KY


def test_surface_and_outside_integrals_equal_simplify_route():
    rad = si.dispersion_radicand()
    integrands = [DELTA * HVX * HVY**3 * KY**2 / rad**sp.Rational(5, 2),
                  KY * (HVX**4 * HVY**2 * KX**2 * KY / rad**sp.Rational(7, 2) - HVX**2 * HVY**2 * KY / rad**2),
                  HVX * KX**2 / rad**sp.Rational(3, 2) + DELTA / rad]
    for f in integrands:
        ang = si.angular_integral(si.to_polar(f))
        old = sp.factor(sp.simplify(si.EF * ang.subs(si.E, si.EF) * si.JACOBIAN / (4 * sp.pi**2)))
        assert si.fermi_surface_integral_ef(f) == old, f
    sea = DELTA * HVX * HVY / rad**sp.Rational(3, 2) / 2
    ang = si.angular_integral(si.to_polar(sea))
    radial = sp.integrate(sp.expand(si.E * ang), (si.E, si.EF, sp.oo), conds="none")
    old = sp.factor(sp.simplify(radial * si.JACOBIAN / (4 * sp.pi**2)))
    assert si.outside_fermi_surface_integral_ef(sea) == old
