"""The exact helpers of derivations/_common.py that the derivation scripts' '== 0' checks rely on.

Expected values come from elementary identities written out by hand (not from the helpers)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "derivations"))
import _common as C  # noqa: E402

x, y = sp.symbols("x y", real=True)
D = sp.Symbol("D", positive=True)


def test_rational_zero_identities_and_non_identities():
    assert C.rational_zero((x + sp.I * y) * (x - sp.I * y) - x**2 - y**2) is True
    assert C.rational_zero((x + sp.I * y) ** 3 - (x**3 + 3 * sp.I * x**2 * y - 3 * x * y**2 - sp.I * y**3)) is True
    assert C.rational_zero(1 / (x - y) - 1 / (x + y) - 2 * y / (x**2 - y**2)) is True
    assert C.rational_zero(1 / (x - y) - 1 / (x + y) - 2 * x / (x**2 - y**2)) is False
    assert C.rational_zero(sp.I**2 * x + x + sp.I) is False
    assert C.rational_zero(sp.pi * x / (sp.pi + 1) - x + x / (sp.pi + 1)) is True   # pi as an indeterminate
    assert C.rational_zero(sp.sqrt(x**2 + 1) - 1) is None                            # not rational: no verdict


def test_zero_mod_root_both_ways():
    d2 = x**2 + y**2
    assert C.zero_mod_root(1 / (D - x) - (D + x) / y**2, D, d2)      # rationalised denominator
    assert not C.zero_mod_root(1 / (D - x) - (D - x) / y**2, D, d2)
    assert C.zero_mod_root(D**3 - d2 * D, D, d2)
    assert not C.zero_mod_root(D**3 - d2, D, d2)


def test_perfect_square_root_falls_back_to_the_cancelling_route():
    # D2 = x^2: (D - x)(D + x)/(D + x) = D - x is not zero for x < 0; the gcd-free form must not decide
    assert C.rational_zero((D - x) * (D + x) / (D + x), D, x**2) is None
    assert not C.zero_mod_root((D - x) * (D + x) / (D + x), D, x**2)
    assert C._is_square(4 * x**2 * y**2) and C._is_square(-(x + y) ** 2) and not C._is_square(x**2 + y**2)


def test_is_zero_and_simplifies_to_zero_agree_with_simplify():
    exprs = [sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, (x**2 - y**2) / (x - y) - x - y, x / (x + 1) - 1, sp.log(x * 0 + 2)]
    for e in exprs:
        assert C.simplifies_to_zero(e) == (sp.simplify(e) == 0)
        assert C.is_zero(e) == (sp.simplify(e) == 0)


def test_trig_period_integral():
    t, a = sp.symbols("t a", real=True)
    assert C.trig_period_integral(sp.cos(t) ** 4, t) == 3 * sp.pi / 4
    assert sp.expand(C.trig_period_integral(a * sp.sin(3 * t) ** 2 + 5, t) - (sp.pi * a + 10 * sp.pi)) == 0
    assert C.trig_period_integral(sp.sin(t) * sp.cos(2 * t), t) == 0
    for bad in (1 / (2 + sp.cos(t)), t * sp.cos(t), sp.cos(t / 2)):
        with pytest.raises(ValueError):
            C.trig_period_integral(bad, t)


def test_integral_to_infinity():
    k, k0, q = sp.symbols("k k_0 q", positive=True)
    assert sp.simplify(C.integral_to_infinity(1 / (k * (k + q)), k, k0) - sp.log(1 + q / k0) / q) == 0
    assert C.integral_to_infinity(1 / k**3, k, k0) == 1 / (2 * k0**2)
    with pytest.raises(AssertionError):
        C.integral_to_infinity(1 / k, k, k0)
