"""The mechanism declarations of symenh.responses.spec, against the formulas written out by hand.

Every path (closed form, quadrature, grid, mpmath) assembles its factors with spec, so the
assembly is checked here on its own: index by index, with plain loops, for random factors;
and on object arrays (SymPy, mpmath) as the closed-form and mpmath paths use it.
"""

import itertools

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from symenh.responses.spec import PAPER_MECHANISMS as MECHANISMS, Prefactors, linear_sigma, sigma_from_factors

SHAPES = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}
EPS = {(0, 1): 1, (1, 0): -1}
IDX = list(itertools.product(range(2), repeat=3))


def by_hand(mech, F, tau, V0, sign, exchange):
    """sigma^{cab} from physics.md section 3, written out with loops (F: [component][...])."""
    nv = len(F["D"])
    out = np.zeros((2, 2, 2))
    if exchange == "all":
        F = {k: [sum(F[k][v] for v in range(nv))] for k in F}
        nv = 1
    for c, a, b in IDX:
        s = 0.0
        for v in range(nv):
            if mech == "bcd":
                s += tau * EPS.get((c, a), 0) * F["D"][v][b]
            elif mech == "inh":  # sum G^{ba} d_c f - (c <-> a), X^{cba} = sum (d_c f) G^{ba}
                s += F["X"][v][c][b][a] - F["X"][v][a][b][c]
            else:
                other = F["B"] if mech == "enh-pt" else F["C"]
                pref = sign * V0 * (tau if mech == "enh-t" else 1.0)
                s += pref * sum(F["A"][v][c][e][a] * other[v][e][b] - F["A"][v][a][e][c] * other[v][e][b]
                                for e in range(4))
        out[c, a, b] = s
    return out


@pytest.mark.parametrize("mech", MECHANISMS)
@pytest.mark.parametrize("exchange", ["same", "all"])
def test_assembly_matches_the_formulas_written_out(mech, exchange):
    rng = np.random.default_rng(7)
    F = {n: rng.normal(size=(2,) + s) for n, s in SHAPES.items()}
    got = sigma_from_factors(mech, F, Prefactors(0.7, 1.3, -1), exchange)
    np.testing.assert_allclose(got, by_hand(mech, F, 0.7, 1.3, -1, exchange), rtol=1e-13, atol=1e-13)
    assert np.allclose(got, -np.swapaxes(got, 0, 1))  # Hall-like: antisymmetric in (c, a)


@pytest.mark.parametrize("mech", MECHANISMS)
def test_linear_order_is_the_derivative_of_the_finite_alpha_assembly(mech):
    """alpha d sigma/d alpha from (F0, F1) equals a central difference of sigma(F0 + h F1)."""
    rng = np.random.default_rng(11)
    F0 = {n: rng.normal(size=(2,) + s) for n, s in SHAPES.items()}
    F1 = {n: rng.normal(size=(2,) + s) for n, s in SHAPES.items()}
    pre = Prefactors(0.4, 2.0, 1)
    h, alpha = 1e-4, 0.3
    plus = sigma_from_factors(mech, {k: F0[k] + h * F1[k] for k in F0}, pre)
    minus = sigma_from_factors(mech, {k: F0[k] - h * F1[k] for k in F0}, pre)
    np.testing.assert_allclose(linear_sigma(mech, F0, F1, alpha, pre), alpha * (plus - minus) / (2 * h),
                               rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("mech", MECHANISMS)
def test_object_arrays_sympy_and_mpmath(mech):
    rng = np.random.default_rng(5)
    F0 = {n: rng.integers(-3, 4, size=(2,) + s) for n, s in SHAPES.items()}
    F1 = {n: rng.integers(-3, 4, size=(2,) + s) for n, s in SHAPES.items()}
    ref = linear_sigma(mech, F0, F1, 0.5, Prefactors(0.25, 2.0, -1))
    tau, V0, al = sp.symbols("tau V0 alpha", positive=True)
    sym = linear_sigma(mech, {k: v.astype(object) for k, v in F0.items()},
                       {k: v.astype(object) for k, v in F1.items()}, al, Prefactors(tau, V0, -1))
    num = np.array([[[float(sp.sympify(x).subs({tau: 0.25, V0: 2, al: 0.5})) for x in r] for r in m] for m in sym])
    np.testing.assert_allclose(num, ref, rtol=1e-14, atol=1e-14)
    assert all(not sp.sympify(x).atoms(sp.Float) for x in sym.ravel())  # exact: no stray floats
    mpf = lambda a: np.vectorize(mp.mpf, otypes=[object])(a)  # noqa: E731
    mpo = linear_sigma(mech, {k: mpf(v) for k, v in F0.items()}, {k: mpf(v) for k, v in F1.items()},
                       mp.mpf("0.5"), Prefactors(mp.mpf("0.25"), mp.mpf(2), -1))
    np.testing.assert_allclose(np.array(mpo, dtype=float), ref, rtol=1e-14, atol=1e-14)
