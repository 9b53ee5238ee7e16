"""qsymm interoperability (issue 11 item 8): a qsymm.Model or a continuum_hamiltonian family becomes
a symenh model in one call; reference: the built-in H_T (closed-form kernel and conductivity)."""

import sys

import numpy as np
import pytest

import symenh
from symenh.errors import ModelError
from symenh.kernels import kernel_for, numeric_kernel
from symenh.models.paper import tilted_dirac
from symenh.models.qsymm_convert import MISSING, from_qsymm
from symenh.params import PAPER

qsymm = pytest.importorskip("qsymm")   # an optional extra (pip install symenh[qsymm])
VALS = {p.name: float(v) for p, v in PAPER.symbol_values().items()}


def _ht_qsymm():
    return qsymm.Model("hbar_v_x * k_x * sigma_y - hbar_v_y * k_y * sigma_x + Delta * sigma_z + alpha * k_y * sigma_0",
                       momenta=["k_x", "k_y"])


def test_qsymm_model_is_h_t():
    model = symenh.from_qsymm(_ht_qsymm(), tilt_symbol="alpha", name="qsymm-HT")
    kx, ky = np.random.default_rng(2).normal(size=(2, 30)) * 0.3
    ref = kernel_for(tilted_dirac(1))
    for q in ("energy", "berry-curvature", "sbp", "spin"):
        a = numeric_kernel(model).evaluate(q, kx, ky, VALS)
        b = ref.evaluate(q, kx, ky, PAPER.symbol_values())
        assert np.max(np.abs(a - b)) <= 1e-10 * np.max(np.abs(b))


def test_qsymm_family_from_continuum_hamiltonian():
    from qsymm.groups import time_reversal
    fam = qsymm.continuum_hamiltonian([time_reversal(2, U=np.eye(2))], dim=2, total_power=1, prettify=True)
    model = from_qsymm(fam, name="family")
    assert model.dim == 2
    assert [p.name for p in model.params] == [f"c{i}" for i in range(len(fam))]


def test_bad_input_and_missing_extra(monkeypatch):
    with pytest.raises(ModelError, match="qsymm.Model"):
        from_qsymm("k_x * sigma_x")
    with pytest.raises(ModelError, match="tilt_symbol"):
        from_qsymm(_ht_qsymm(), tilt_symbol="beta")
    fam = [_ht_qsymm()]
    monkeypatch.setitem(sys.modules, "qsymm", None)        # as if the extra were not installed
    with pytest.raises(ModelError) as exc:
        from_qsymm(fam)
    assert str(exc.value) == MISSING
