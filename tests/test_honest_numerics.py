"""The pieces the honest error estimates are built from, each against an exact reference:
the convergence check of a Richardson tableau, the nested quadrature rules and their error
estimates (smooth and non-smooth integrands), the roundoff bounds of the grid sums.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import symenh
from symenh.integrate import grid as G
from symenh.integrate.contour import nested_quadrature, periodic_trapezoid
from symenh.integrate.richardson import richardson, richardson_check
from symenh.integrate.sea import fejer_rule
from symenh.models.paper import paper_valleys


def _plain(f):
    """An integrand without point errors, in the (values, point_err) form."""
    return lambda x: (f(np.asarray(x))[:, None], np.zeros((len(x), 1)))


# ---------------------------------------------------------------------------
# Richardson: convergence shown, or the spread
# ---------------------------------------------------------------------------

def test_richardson_check_passes_a_converging_expansion():
    hs = 0.4 * 0.5 ** np.arange(5)
    vals = np.sinh(hs) / hs                       # 1 + h^2/6 + h^4/120 + ...
    ok, spread = richardson_check(vals, hs)
    assert bool(ok)
    best, est = richardson(vals, hs)
    assert abs(best - 1.0) <= est


def test_richardson_check_flags_a_sequence_outside_its_expansion_and_spreads():
    hs = 0.4 * 0.5 ** np.arange(4)
    vals = 1.0 + 0.3 * np.cos(1.0 / hs)           # no expansion in h^2: the tableau does not shrink
    ok, spread = richardson_check(vals, hs)
    assert not bool(ok)
    best, est = richardson(vals, hs)
    assert spread >= max(abs(best - v) for v in vals) and spread >= est


# ---------------------------------------------------------------------------
# nested rules
# ---------------------------------------------------------------------------

def test_periodic_trapezoid_is_spectral_and_its_estimate_covers():
    exact = 2 * np.pi / math.sqrt(1.5**2 - 1.0)   # int_0^2pi dth / (1.5 + cos th)
    val, err, n, _ = periodic_trapezoid(_plain(lambda t: 1.0 / (1.5 + np.cos(t))), [0], 1e-13)
    assert abs(val[0] - exact) <= err[0] <= 1e-11 * exact
    assert n <= 128


def test_periodic_trapezoid_non_smooth_integrand_estimate_still_covers():
    """|sin th|^3 has a jump in the third derivative: algebraic convergence; the estimate is the
    last change (or the larger of the last two at n_max) and covers the true error."""
    exact = 8.0 / 3.0
    for n_max in (64, 4096):
        val, err, n, _ = periodic_trapezoid(_plain(lambda t: np.abs(np.sin(t)) ** 3), [0], 1e-12, n_max=n_max)
        assert abs(val[0] - exact) <= err[0], (n_max, val[0] - exact, err[0])


def test_fejer_rule_nested_and_exact():
    for n in (8, 16, 32):
        u, w, old = fejer_rule(n)
        assert np.allclose(fejer_rule(n // 2)[0], u[old], rtol=0, atol=1e-15)
        for k in range(n - 1):
            assert np.sum(w * u**k) == pytest.approx(1.0 / (k + 1), rel=1e-13)


@pytest.mark.parametrize("f, exact", [(lambda u: np.exp(-3 * u), (1 - math.exp(-3)) / 3),
                                      (lambda u: np.sqrt(u), 2.0 / 3.0)])
def test_nested_fejer_estimate_covers(f, exact):
    val, err, n, _ = nested_quadrature(_plain(f), [0], 1e-12, fejer_rule, n0=8)
    assert abs(val[0] - exact) <= err[0]


def test_point_errors_set_the_noise_level():
    """An integrand whose values carry a known error bound: the rule stops at that level and
    the estimate includes it."""
    rng = np.random.default_rng(7)

    def f(t):
        t = np.asarray(t)
        return (np.cos(t) ** 2 + 1e-6 * rng.uniform(-1, 1, len(t)))[:, None], np.full((len(t), 1), 1e-6)

    val, err, n, _ = periodic_trapezoid(f, [0], 1e-14)
    assert abs(val[0] - np.pi) <= err[0] <= 1e-4
    assert n < 4096


# ---------------------------------------------------------------------------
# grid roundoff
# ---------------------------------------------------------------------------

def test_roundoff_floor_covers_a_cancelling_sum():
    rng = np.random.default_rng(11)
    t = rng.normal(size=200_000) * 10.0 ** rng.uniform(-3, 3, 200_000)
    t = np.concatenate([t, -t[::-1] * (1 + 1e-9)])
    computed = float(np.sum(t))
    exact = math.fsum(t)
    floor = float(G.roundoff_floor(np.sum(np.abs(t)), 0.0, 0.0, t.size))
    assert abs(computed - exact) <= floor
    assert floor < 1e-10 * np.sum(np.abs(t))


def test_roundoff_bounds_bound_the_untraced_geometry_and_the_cancelling_traces():
    """H_T (non-degenerate): every band's Berry curvature, BCP, SBP and spin within the bounds.
    H_PT (Kramers pairs): the traced Berry curvature and spin vanish exactly, so what is
    computed is roundoff -- within a few ulps of kappa times the bound, and not within ulps of
    its own size, which is why the floor uses the bound."""
    values = symenh.PAPER.symbol_values()
    rng = np.random.default_rng(3)
    kx, ky = rng.uniform(-2, 2, 400), rng.uniform(-2, 2, 400)
    comp = paper_valleys("tilted-dirac")[0]
    num, p0, _ = G.scan_for(comp, values)
    bg, _ = G.chunk_geometry(num, kx, ky, p0)
    kappa, bound, _, _ = G.roundoff_bounds(num, kx, ky, p0, bg)
    Q = np.concatenate([bg.berry_curvature[..., None], bg.bcp.reshape(400, 2, 4), bg.sbp.reshape(400, 2, 8),
                        bg.spin], axis=-1)
    assert np.all(np.abs(Q) <= bound * (1 + 1e-12))
    comp = paper_valleys("pt-dirac")[0]
    num, p0, _ = G.scan_for(comp, values)
    bg, _ = G.chunk_geometry(num, kx, ky, p0)
    kappa, bound, _, _ = G.roundoff_bounds(num, kx, ky, p0, bg)
    noise = np.abs(bg.berry_curvature)
    assert np.all(noise <= G.UNIT_ROUNDOFF * kappa * bound[..., 0])
    assert np.max(noise / bound[..., 0]) > 0                          # genuinely roundoff, not 0
