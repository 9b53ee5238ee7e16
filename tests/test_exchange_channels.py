"""Exchange channel sets: the printed spin channels and the complete Fock basis (orthonormal,
complete: sum_i Gamma_i (x) Gamma_i is the swap), fock = printed/2 for two bands at the level of
the channel sums, the H_PT grouping, and the geometry machinery on a channel model."""

import numpy as np
import pytest
import sympy as sp

from symenh.errors import ParameterError
from symenh.geometry.channels import exchange_channels
from symenh.kernels import band_geometry, kernel_for
from symenh.models import pt_dirac, tilted_dirac
from symenh.models.base import from_matrix

VALUES = {"Delta": 0.043, "hbar_v_x": 0.31, "hbar_v_y": 0.22, "alpha": 0.02}


def _swap(n):
    out = sp.MutableDenseNDimArray.zeros(n, n, n, n)
    for a in range(n):
        for b in range(n):
            out[a, b, b, a] = 1
    return out


def _user_three_band():
    kx, ky, d = sp.symbols("kx ky d", real=True)
    H = sp.Matrix([[d, kx, 0], [kx, 0, sp.I * ky], [0, -sp.I * ky, -d]])
    spin = [sp.diag(1, 0, -1), sp.Matrix([[0, 1, 0], [1, 0, 1], [0, 1, 0]]) / sp.sqrt(2),
            sp.Matrix([[0, -sp.I, 0], [sp.I, 0, -sp.I], [0, sp.I, 0]]) / sp.sqrt(2)]
    return from_matrix(H, kx=kx, ky=ky, spin=spin, params=(d,), name="three-band")


@pytest.mark.parametrize("model", [tilted_dirac(1), pt_dirac(), _user_three_band()], ids=["H_T", "H_PT", "3-band"])
def test_fock_basis_is_orthonormal_and_complete(model):
    ch = exchange_channels(model, "fock")
    n = model.dim
    ops = [sp.Matrix(g) for g in ch.operators]
    assert len(ops) == n * n
    gram = sp.Matrix(n * n, n * n, lambda i, j: sp.simplify((ops[i] * ops[j]).trace()))
    assert gram == sp.eye(n * n)
    assert all(sp.simplify(g - g.H) == sp.zeros(n, n) for g in ops)
    assert ch.swap_sum() == _swap(n).as_immutable()
    assert ch.weights == (1.0,) * (n * n)


def test_two_band_fock_is_half_of_printed_channel_sum():
    m = tilted_dirac(-1)
    fock, printed = exchange_channels(m, "fock"), exchange_channels(m, "printed")
    half = printed.swap_sum().applyfunc(lambda x: x / 2)
    assert fock.swap_sum() == half
    assert fock.group_labels == ("s^eta",) and printed.group_labels == ("s^eta",)


def test_pt_channels_grouping_names_and_quarter():
    ch = exchange_channels(pt_dirac(), "fock")
    assert ch.group_labels == ("tau_0 (x) s^eta", "other channels")
    assert ch.names[:4] == ("tau_0 (x) s^0 / 2", "tau_0 (x) s^1 / 2", "tau_0 (x) s^2 / 2", "tau_0 (x) s^3 / 2")
    assert sum(ch.group_mask("tau_0 (x) s^eta")) == 4 and sum(ch.group_mask("other channels")) == 12
    # the first group's channel sum is a quarter of the printed one
    pr = exchange_channels(pt_dirac(), "printed")
    first = sum((sp.Matrix(sp.kronecker_product(g, g)) for g in ch.operators[:4]), sp.zeros(16, 16))
    printed = sum((sp.Matrix(sp.kronecker_product(g, g)) for g in pr.operators), sp.zeros(16, 16))
    assert sp.simplify(first - printed / 4) == sp.zeros(16, 16)


def test_channel_model_geometry_closed_form_equals_direct(rng):
    ch = exchange_channels(tilted_dirac(1), "fock")
    kx, ky = rng.uniform(-0.3, 0.3, 5), rng.uniform(-0.3, 0.3, 5)
    S = kernel_for(ch.model).evaluate("sbp", kx, ky, VALUES)
    S0 = kernel_for(tilted_dirac(1)).evaluate("sbp", kx, ky, VALUES)
    assert np.allclose(S, S0 / np.sqrt(2), rtol=1e-12, atol=1e-12 * np.max(np.abs(S0)))
    bg = band_geometry(ch.model, kx, ky, VALUES)
    assert np.allclose(bg.sbp, S, rtol=1e-9, atol=1e-10 * np.max(np.abs(S)))


def test_unknown_channel_set_is_one_line():
    with pytest.raises(ParameterError, match=r"^exchange: unknown exchange 'hartree'; allowed: printed, fock$"):
        exchange_channels(tilted_dirac(1), "hartree")
