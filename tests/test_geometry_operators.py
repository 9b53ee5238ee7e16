"""Band geometry of any set of constant operators (not only s^0..s^3): the 16 orthonormal
channels tau_i (x) s^nu / 2 of the four-band H_PT, closed form against direct diagonalisation;
the tau_0 (x) s^eta channels equal to half of the spin SBP (linearity in the operator); the
other twelve channels' Kramers-traced SBP vanishes (a trace identity over tau)."""

import dataclasses

import numpy as np
import sympy as sp

from symenh.geometry import derive_geometry
from symenh.kernels import band_geometry, kernel_for
from symenh.models import PAULI, pt_dirac

VALUES = {"Delta": 0.043, "hbar_v_x": 0.31, "hbar_v_y": 0.22, "alpha": 0.02}


def _channel_model():
    ops = tuple(sp.ImmutableMatrix(sp.kronecker_product(t, s)) / 2 for t in PAULI for s in PAULI)
    return dataclasses.replace(pt_dirac(), name="pt-dirac[16 channels]", spin=ops)


def test_sixteen_channel_geometry_closed_form_equals_direct(rng):
    model = _channel_model()
    geo = derive_geometry(model)
    assert geo.shape("sbp") == (16, 2) and geo.shape("spin") == (16,)
    kx, ky = rng.uniform(-0.4, 0.4, 7), rng.uniform(-0.4, 0.4, 7)
    ker = kernel_for(model)
    bg = band_geometry(model, kx, ky, VALUES)
    S_cf = ker.evaluate("sbp", kx, ky, VALUES)            # (7, 2 levels, 16, 2)
    s_cf = ker.evaluate("spin", kx, ky, VALUES)
    # direct: bands (7, 4, ...) carry their level's trace; bands 0 and 2 belong to levels 0 and 1
    S_d = bg.sbp[:, [0, 2]]
    s_d = bg.spin[:, [0, 2]]
    scale = np.max(np.abs(S_d))
    assert np.max(np.abs(S_cf - S_d)) < 1e-10 * scale
    assert np.max(np.abs(s_cf - s_d)) < 1e-10


def test_tau0_channels_are_half_the_spin_sbp(rng):
    full = kernel_for(pt_dirac())
    chan = kernel_for(_channel_model())
    kx, ky = rng.uniform(-0.4, 0.4, 5), rng.uniform(-0.4, 0.4, 5)
    S = full.evaluate("sbp", kx, ky, VALUES)
    Sc = chan.evaluate("sbp", kx, ky, VALUES)
    assert np.allclose(Sc[:, :, 0:4], 0.5 * S, rtol=1e-12, atol=1e-14 * np.max(np.abs(S)))
    # the other twelve channels tau_i (x) s^nu (i = x, y, z) have a vanishing Kramers-traced SBP:
    # Tr_tau of tau_a tau_i tau_b tau_y (a, b in {0, y}) is zero for i = x, z, and the two tau_y
    # blocks cancel for i = y; their traced expectation values need not vanish (tau_y s^j: +-d_j/E)
    assert np.max(np.abs(Sc[:, :, 4:])) < 1e-12 * np.max(np.abs(S))
    s = chan.evaluate("spin", kx, ky, VALUES)
    assert np.max(np.abs(s[:, :, 4:])) > 0.1
