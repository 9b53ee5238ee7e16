"""The example models of symenh.models.examples: each reduces to the model it regularises or extends."""

import numpy as np
import pytest
import sympy as sp

from symenh.errors import ModelError
from symenh.kernels.hamiltonian import NumericHamiltonian
from symenh.models import paper_model
from symenh.models.examples import k2_pt_dirac, k2_tilted_dirac, lattice_pt_dirac, lattice_tilted_dirac, warped_dirac
from symenh.models.symbols import HVY

VALS = {"Delta": 0.05, "hbar_v_x": 0.3, "hbar_v_y": 0.25, "B": 0.3, "alpha": 0.03, "lambda": 0.5}


def _H(model, kx, ky):
    return NumericHamiltonian.build(model).H(kx, ky, tuple(VALS[p.name] for p in model.params))


@pytest.mark.parametrize("lattice, cont", [(lambda a: lattice_tilted_dirac(a, 1), k2_tilted_dirac(1)),
                                           (lambda a: lattice_tilted_dirac(a, -1), k2_tilted_dirac(-1)),
                                           (lattice_pt_dirac, k2_pt_dirac())])
def test_lattice_hamiltonian_is_the_continuum_one_plus_a_squared(lattice, cont):
    """||H_a(k) - H_cont(k)|| / a^2 tends to a constant (the a^2 P(k) of the module docstring)."""
    rng = np.random.default_rng(1)
    kx, ky = rng.uniform(-0.6, 0.6, 8), rng.uniform(-0.6, 0.6, 8)
    d = [np.abs(_H(lattice(a), kx, ky) - _H(cont, kx, ky)).max(axis=(-2, -1)) / a**2 for a in (0.2, 0.1, 0.05)]
    assert np.all(d[0] > 0)
    assert np.allclose(d[2], d[1], rtol=0.02) and np.allclose(d[1], d[0], rtol=0.08)


@pytest.mark.parametrize("valley", [1, -1])
def test_k2_model_at_B_zero_is_the_paper_valley(valley):
    m = k2_tilted_dirac(valley)
    B = next(p for p in m.params if p.name == "B")
    ref = paper_model("tilted-dirac", valley)
    assert sp.simplify(m.matrix().subs(B, 0) - ref.matrix()) == sp.zeros(2, 2)


def test_k2_pt_model_at_B_zero_is_h_pt():
    m = k2_pt_dirac()
    B = next(p for p in m.params if p.name == "B")
    assert sp.simplify(m.matrix().subs(B, 0) - paper_model("pt-dirac").matrix()) == sp.zeros(4, 4)


def test_warped_model_reduces_to_h_t_and_is_c3_symmetric():
    m = warped_dirac()
    lam = next(p for p in m.params if p.name == "lambda")
    assert sp.simplify(m.matrix().subs(lam, 0) - paper_model("tilted-dirac", 1).matrix()) == sp.zeros(2, 2)
    # with equal velocities and no tilt the spectrum is C3 invariant (the warping is k^3 cos 3 theta)
    vals = {**VALS, "hbar_v_y": VALS["hbar_v_x"], "alpha": 0.0}
    ham = NumericHamiltonian.build(m)
    p = tuple(vals[q.name] for q in m.params)
    k = np.random.default_rng(2).uniform(-0.5, 0.5, (2, 16))
    c, s = np.cos(2 * np.pi / 3), np.sin(2 * np.pi / 3)
    e0 = np.linalg.eigvalsh(ham.H(k[0], k[1], p))
    e1 = np.linalg.eigvalsh(ham.H(c * k[0] - s * k[1], s * k[0] + c * k[1], p))
    assert np.allclose(e0, e1, atol=1e-12)
    assert not np.allclose(e0, np.linalg.eigvalsh(ham.H(-k[0], k[1], p)), atol=1e-6)  # not mirror-even in k_x
    assert HVY in m.params


def test_bad_example_arguments():
    for bad in (0.0, -1.0, float("nan"), True, "1"):
        with pytest.raises(ModelError, match="a_nm"):
            lattice_tilted_dirac(bad)
    with pytest.raises(ModelError, match="valley"):
        lattice_tilted_dirac(0.5, 2)
