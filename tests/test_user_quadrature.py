"""Quadrature path for user models (issue 11 items 1, 2, 4): H_T and H_PT entered by hand through
``from_matrix`` go through the any-topology user path (numeric kernel, marching-squares contours,
exact alpha-derivatives) and reproduce the closed form of the built-in models within the path's
own error estimate; symmetry zeros come out as resolved zeros."""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh.errors import ResponseError
from symenh.models.base import from_matrix
from symenh.models.symbols import PAULI
from symenh.params import PAPER

KX, KY, D, VX, VY, AL = sp.symbols("k_x k_y Delta hbar_v_x hbar_v_y alpha", real=True)
VALS = {p.name: float(v) for p, v in PAPER.symbol_values().items()}
S0, S1, S2, S3 = PAULI


def h_t(xi):
    H = VX * KX * S2 - xi * VY * KY * S1 + D * S3 + xi * AL * KY * S0
    return from_matrix(H, kx=KX, ky=KY, params=(D, VX, VY, AL), tilt_symbol=AL, name=f"my-HT[{xi:+d}]")


def h_pt():
    H = sp.kronecker_product(S2, VX * KX * S1 + VY * KY * S2 + D * S3) + AL * KY * sp.eye(4)
    spin = [sp.kronecker_product(S0, s) for s in PAULI[1:]]
    return from_matrix(H, kx=KX, ky=KY, spin=spin, params=(D, VX, VY, AL), tilt_symbol=AL, name="my-HPT")


@pytest.mark.parametrize("paper, mech, mu", [("tilted-dirac", "bcd", 0.07), ("tilted-dirac", "enh-t", -0.15),
                                              ("pt-dirac", "inh", 0.12), ("pt-dirac", "enh-pt", -0.07)])
def test_hand_entered_paper_models_reproduce_the_closed_form(paper, mech, mu):
    model = (h_t(1), h_t(-1)) if paper == "tilted-dirac" else h_pt()
    got = symenh.sigma(model, mech, [mu], method="quadrature", model_values=VALS)
    ref = symenh.sigma(paper, mech, [mu], method="closed-form")
    diff = np.max(np.abs(got.sigma - ref.sigma))
    assert np.max(np.abs(ref.sigma)) > 0
    assert diff <= got.error_estimate[0]
    assert got.error_estimate[0] <= 1e-6 * np.max(np.abs(ref.sigma))


def test_symmetry_zero_is_resolved_not_refused():
    got = symenh.sigma(h_pt(), "bcd", [0.09], method="quadrature", model_values=VALS)
    allowed = symenh.sigma("pt-dirac", "inh", [0.09], method="closed-form")
    assert got.error_estimate[0] < 1e-6 * np.max(np.abs(allowed.sigma))


def test_mu_in_the_gap_is_exactly_zero_and_progress_lines():
    lines = []
    got = symenh.sigma(h_pt(), "inh", [0.02, 0.09], method="quadrature", model_values=VALS, progress=lines.append)
    assert np.all(got.sigma[0] == 0) and got.error_estimate[0] == 0
    assert any("checks done" in s for s in lines) and any("Fermi contour" in s for s in lines)


def test_unknown_option_one_line():
    with pytest.raises(ResponseError, match="allowed: rtol"):
        symenh.sigma(h_pt(), "inh", [0.09], method="quadrature", model_values=VALS, n_steps=3)
