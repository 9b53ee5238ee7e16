"""Fermi-sea factor independent of the split radius / cutoff, and H_PT through its two tau_y blocks.

* The sea factor B of paper Eq. 9 is conditionally convergent (dipolar parts of S fall as
  1/k^2).  Its finite-tilt value must not depend on where the compact 2-D region (radial
  integral inside) hands over to the exterior (angular integral first); the exterior
  alone does depend on it, so the test can fail.  At alpha -> 0 it must equal the
  mpmath value (sum-rule form, radial to infinity) -- an independent route.
* H_PT = two 2x2 blocks +d.s and -d.s (physics.md section 1).  With the exchange k'
  sum over both blocks (factors summed over the blocks before the product, option
  exchange "all") the blocks reproduce the 4x4 result; block by block ("same") gives
  exactly half of Eq. 9 (the blocks' SBPs are equal, so (A+ + A-)(B+ + B-) = 2 (A+ B+ + A- B-)).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

from symenh.integrate.contour import RayContours
from symenh.integrate.mp import linear_factors_mp, mp_constants
from symenh.responses.mpmath_path import sigma_linear_mp
from symenh.integrate.sea import sea_compact, sea_exterior, split_radius
from symenh.models import pt_block, pt_dirac, tilted_dirac
from symenh.params import PAPER
from symenh.responses import sigma

DELTA = PAPER.Delta_eV
MUS = np.array([1.2, 3.0, -2.0]) * DELTA


def _sea(model, split, hs):
    rc = RayContours(model, PAPER.symbol_values())
    lev = rc.crossing_level(MUS)
    R = split_radius(rc, lev, MUS, np.concatenate([hs, -hs]), split)
    E, Dq, eE, eD = sea_compact(rc, lev, MUS, hs, R, 1e-13)
    Bx, eBx = sea_exterior(rc, R, 1e-13)
    return E + Bx[None], Dq, Bx, R


@pytest.mark.parametrize("model", [pt_dirac(), tilted_dirac(-1)])
def test_fermi_sea_independent_of_split_radius(model):
    hs = np.full((1, len(MUS)), 0.2 * PAPER.hbar_vy)  # a large finite tilt
    results = [_sea(model, s, hs) for s in (1.3, 2.0, 5.0)]
    ref_E, ref_D = results[1][0], results[1][1]
    scale = np.max(np.abs(ref_E), axis=(0, 2, 3))
    for E, Dq, Bx, R in results:
        dev = np.max(np.abs(E - ref_E), axis=(0, 2, 3)) / scale
        assert np.all(dev < 1e-11), dev
        np.testing.assert_allclose(Dq, ref_D, rtol=0, atol=1e-11 * np.max(np.abs(ref_D)))
    # the exterior part alone moves with the split radius (the test is not vacuous)
    assert np.max(np.abs(results[0][2] - results[2][2])) > 1e-3 * np.max(scale)
    assert np.all(results[2][3] > 3 * results[0][3])


@pytest.mark.parametrize("model", [pt_dirac(), tilted_dirac(1)])
def test_fermi_sea_at_small_tilt_matches_mpmath(model):
    hs = np.full((1, len(MUS)), 1e-4 * PAPER.hbar_vy)
    E, Dq, _, _ = _sea(model, 2.0, hs)
    c = mp_constants(PAPER)
    for i, mu in enumerate(MUS):
        with mp.workdps(25):
            f0, f1 = linear_factors_mp(model, mp.mpf(mu), c, ("B",))
        B0 = np.array(f0["B"], dtype=float)
        B1 = np.array(f1["B"], dtype=float)
        s = np.max(np.abs(B0))
        # E = B0 + O(h^2), Dq = dB/dalpha + O(h^2); h^2 ~ 1e-8 relative
        np.testing.assert_allclose(E[0, i], B0, rtol=0, atol=1e-7 * s)
        np.testing.assert_allclose(Dq[0, i], B1, rtol=0, atol=1e-6 * np.max(np.abs(B1)))


def test_sigma_enh_pt_independent_of_split_option():
    a = sigma("pt-dirac", "enh-pt", MUS, method="quadrature", sea_split=1.5).sigma
    b = sigma("pt-dirac", "enh-pt", MUS, method="quadrature", sea_split=6.0).sigma
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-11 * np.max(np.abs(a)))


# ---------------------------------------------------------------------------
# H_PT through its two tau_y blocks
# ---------------------------------------------------------------------------

BLOCKS = (pt_block(1), pt_block(-1))


@pytest.mark.parametrize("mech", ["inh", "enh-pt", "bcd", "enh-t"])
def test_pt_blocks_with_kprime_over_both_blocks_equal_4x4(mech):
    full = sigma("pt-dirac", mech, MUS, method="quadrature").sigma
    res = sigma(BLOCKS, mech, MUS, method="quadrature", exchange_valleys="all",
                model_values=PAPER.symbol_values())
    blocks = res.sigma
    scale = max(np.max(np.abs(full)), 1e-30)
    # the blocks are a user model (the any-topology user path): equal to the 4x4 within 1e-10
    # relative, and a symmetry zero of the 4x4 within the user path's own error estimate
    np.testing.assert_allclose(blocks, full, rtol=0, atol=1e-10 * scale + np.max(res.error_estimate))
    if mech in ("bcd", "enh-t"):
        assert res.nonzero == [] and np.max(res.error_estimate) < 1e-9 * 4.9e-12  # << BCD of H_T
    if mech in ("inh", "enh-pt"):
        assert np.max(np.abs(full)) > 1e-16


def test_pt_blocks_exchange_block_by_block_halves_eq9():
    full = sigma("pt-dirac", "enh-pt", MUS, method="quadrature").sigma
    same = sigma(BLOCKS, "enh-pt", MUS, method="quadrature", exchange_valleys="same",
                 model_values=PAPER.symbol_values()).sigma
    s = np.max(np.abs(full))
    assert np.max(np.abs(same - full)) > 0.1 * s  # different ...
    np.testing.assert_allclose(same, 0.5 * full, rtol=0, atol=1e-10 * s)  # ... by exactly 1/2


def test_pt_blocks_mpmath_route():
    """The same decomposition through the mpmath linear-order route (independent of the contour code)."""
    mu = 2.5 * DELTA
    full = np.array(sigma_linear_mp("pt-dirac", "enh-pt", mu, PAPER, dps=20), dtype=float)
    allb = np.array(sigma_linear_mp(BLOCKS, "enh-pt", mu, PAPER, exchange="all", dps=20), dtype=float)
    same = np.array(sigma_linear_mp(BLOCKS, "enh-pt", mu, PAPER, exchange="same", dps=20), dtype=float)
    s = np.max(np.abs(full))
    np.testing.assert_allclose(allb, full, rtol=0, atol=1e-15 * s)
    np.testing.assert_allclose(same, 0.5 * full, rtol=0, atol=1e-15 * s)
