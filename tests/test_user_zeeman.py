"""H_PT plus a Zeeman term b tau_0 s_z (issue 11): the Kramers pairs split, the levels are traced one
by one, and BCD and ENH(T) -- forbidden by PT at b = 0 -- no longer vanish (b breaks time reversal
of the Kramers pairs, which is what forced the level-traced Berry curvature and spin to zero).

Independent reference: in the tau_y eigenbasis the model is two two-band Dirac blocks
+(hbar v k, Delta + b).s and -(hbar v k, Delta - b).s (spin s^eta in each, physics.md 1), entered as two
components whose factors are summed before the ENH product (exchange_valleys="all"): a different
model structure (2 + 2 levels in two components vs 4 levels in one) through the same path."""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh.models.base import from_matrix
from symenh.models.symbols import PAULI
from symenh.params import PAPER

KX, KY, D, VX, VY, AL, B, M1, M2 = sp.symbols("k_x k_y Delta hbar_v_x hbar_v_y alpha b m1 m2", real=True)
S0, S1, S2, S3 = PAULI
V = {p.name: float(x) for p, x in PAPER.symbol_values().items()}
BZ = 0.01


def models():
    H = (sp.kronecker_product(S2, VX * KX * S1 + VY * KY * S2 + D * S3) + AL * KY * sp.eye(4)
         + B * sp.kronecker_product(S0, S3))
    spin = [sp.kronecker_product(S0, s) for s in PAULI[1:]]
    four = from_matrix(H, kx=KX, ky=KY, spin=spin, params=(D, VX, VY, AL, B), tilt_symbol=AL, name="pt-zeeman")
    bp = from_matrix(VX * KX * S1 + VY * KY * S2 + M1 * S3 + AL * KY * S0, kx=KX, ky=KY, params=(M1, VX, VY, AL),
                     tilt_symbol=AL, name="block+")
    bm = from_matrix(-(VX * KX * S1 + VY * KY * S2 + M2 * S3) + AL * KY * S0, kx=KX, ky=KY,
                     params=(M2, VX, VY, AL), tilt_symbol=AL, name="block-")
    v4 = V | {"b": BZ}
    v2 = {"m1": V["Delta"] + BZ, "m2": V["Delta"] - BZ, "hbar_v_x": V["hbar_v_x"], "hbar_v_y": V["hbar_v_y"],
          "alpha": V["alpha"]}
    return four, (bp, bm), v4, v2


@pytest.mark.parametrize("mech", ["bcd", "enh-t"])
def test_zeeman_split_pt_model_allows_bcd_and_enh_t(mech):
    four, blocks, v4, v2 = models()
    got = symenh.sigma(four, mech, [0.09], method="quadrature", model_values=v4)
    ref = symenh.sigma(blocks, mech, [0.09], method="quadrature", model_values=v2, exchange_valleys="all")
    size = np.max(np.abs(got.sigma))
    assert size > 1e3 * got.error_estimate[0]          # resolved and non-zero: no longer forbidden
    assert np.max(np.abs(got.sigma - ref.sigma)) <= got.error_estimate[0] + ref.error_estimate[0]
    zero = symenh.sigma(four, mech, [0.09], method="quadrature", model_values=v4 | {"b": 0.0})
    assert np.max(np.abs(zero.sigma)) <= zero.error_estimate[0] < 1e-6 * size    # b = 0: the PT zero
