"""Closed forms for a user's two-level model under closed_form_timeout (issue 11 item 3).
Reference: the built-in H_T closed form (H_T typed in by hand with other symbol names)."""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh.errors import ClosedFormUnavailable, ResponseError
from symenh.models.base import from_matrix
from symenh.models.symbols import PAULI
from symenh.params import PAPER

QX, QY, M, U, W, T = sp.symbols("qx qy m u w t", real=True)
S0, S1, S2, S3 = PAULI
PV = {p.name: float(v) for p, v in PAPER.symbol_values().items()}
VALS = {"m": PV["Delta"], "u": PV["hbar_v_x"], "w": PV["hbar_v_y"], "t": PV["alpha"]}


def h_t(xi):
    H = U * QX * S2 - xi * W * QY * S1 + M * S3 + xi * T * QY * S0
    return from_matrix(H, kx=QX, ky=QY, params=(M, U, W, T), tilt_symbol=T, name=f"mine{xi:+d}")


def test_hand_written_h_t_reproduces_the_built_in_closed_form_and_reports_factors():
    mu = [0.07, -0.2, 0.01]
    lines = []
    got = symenh.sigma((h_t(1), h_t(-1)), "bcd", mu, method="closed-form", model_values=VALS,
                       progress=lines.append)
    ref = symenh.sigma("tilted-dirac", "bcd", mu, method="closed-form")
    assert np.max(np.abs(ref.sigma)) > 0
    np.testing.assert_allclose(got.sigma, ref.sigma, rtol=1e-12, atol=0)
    assert np.all(got.sigma[2] == 0)                                    # mu in the gap
    assert any("factor D1: closed form" in s for s in lines)


def test_refusals_name_quadrature():
    H = sp.kronecker_product(S2, U * QX * S1 + W * QY * S2 + M * S3) + T * QY * sp.eye(4)
    four = from_matrix(H, kx=QX, ky=QY, spin=[sp.kronecker_product(S0, s) for s in PAULI[1:]],
                       params=(M, U, W, T), tilt_symbol=T, name="four")
    with pytest.raises(ClosedFormUnavailable, match="two-level.*quadrature"):
        symenh.sigma(four, "inh", [0.1], method="closed-form", model_values=VALS)
    warped = from_matrix(U * QX * S1 + W * QY * S2 + (M + 0.5 * QX**3) * S3 + T * QY * S0, kx=QX, ky=QY,
                         params=(M, U, W, T), tilt_symbol=T, name="warped")
    with pytest.raises(ClosedFormUnavailable, match="dispersion.*quadrature"):
        symenh.sigma(warped, "bcd", [0.1], method="closed-form", model_values=VALS)
    other = from_matrix(U * QX * S1 + W * QY * S2 + M * S3 + T * QY * S0, kx=QX, ky=QY,
                        params=(M, U, W, T), tilt_symbol=T, name="fresh-two-band")
    with pytest.raises(ClosedFormUnavailable, match="closed_form_timeout.*quadrature"):
        symenh.sigma(other, "enh-pt", [0.1], method="closed-form", model_values=VALS, closed_form_timeout=0.05)


def test_bad_closed_form_options_are_input_errors_not_a_missing_closed_form():
    """A caller that falls back to quadrature on ClosedFormUnavailable (asymptotics' method 'auto') must not
    fall back on a wrong option: those are plain ResponseErrors."""
    for bad in ({"closed_form_timeout": -1.0}, {"closed_form_timeout": float("nan")}, {"n_steps": 3}):
        with pytest.raises(ResponseError) as info:
            symenh.sigma(h_t(1), "bcd", [0.1], method="closed-form", model_values=VALS, **bad)
        assert not isinstance(info.value, ClosedFormUnavailable), bad


def test_non_polynomial_dispersion_refused_in_one_line():
    m = from_matrix(U * sp.sin(QX) * S1 + W * QY * S2 + M * S3 + T * QY * S0, kx=QX, ky=QY,
                    params=(M, U, W, T), tilt_symbol=T, name="sine")
    with pytest.raises(ResponseError, match="not a polynomial.*quadrature"):
        symenh.sigma(m, "bcd", [0.1], method="closed-form", model_values=VALS)
