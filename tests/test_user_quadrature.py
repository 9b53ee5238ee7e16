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


def test_non_compact_fermi_surface_refused_in_one_line():
    m, t = sp.symbols("m t", real=True)
    H = m * KX / sp.sqrt(1 + KX**2 + KY**2) * S3 + t * KY * S0      # bounded band: +-m |cos th| at large k
    model = from_matrix(H, kx=KX, ky=KY, params=(m, t), tilt_symbol=t, name="bounded")
    with pytest.raises(ResponseError, match="not compact") as exc:
        symenh.sigma(model, "bcd", [0.05], method="quadrature", model_values={"m": 0.1, "t": 0.01})
    assert "\n" not in str(exc.value)


def test_sea_of_a_tiny_pocket_just_above_the_band_bottom_is_not_refused():
    """mu 1e-5 eV above the band bottom of a mass growing as k^2: the pocket radius (3e-3 /nm) sits far
    inside the model's momentum scale (D / hv = 0.13 /nm), where k^2 <S> still grows.  The sea's
    large-k law used to be read on 7 octaves beyond the pocket (k^-0: refused, "give k_cutoff"), although
    the sea converges (k^2 <S> falls as k^-2 at large k).  Against the grid (Cartesian sums, no contours)."""
    kx, ky, hv, Dm, beta, t = sp.symbols("kx ky hv D beta t", real=True)
    s1, s2, s3 = (sp.Matrix(PAULI[i]) for i in (1, 2, 3))
    H = hv * (kx * s1 + ky * s2) + (Dm + beta * (kx**2 + ky**2)) * s3 + t * ky * sp.eye(2)
    model = from_matrix(H, kx=kx, ky=ky, params=(hv, Dm, beta, t), tilt_symbol=t, name="k2-mass")
    vals = {"hv": 0.3, "D": 0.04, "beta": 0.5, "t": 0.02}
    q = symenh.sigma(model, "enh-pt", [0.04001], method="quadrature", model_values=vals)
    g = symenh.sigma(model, "enh-pt", [0.04001], method="grid", model_values=vals)
    assert np.max(np.abs(q.sigma)) > 1e3 * q.error_estimate[0]
    assert np.max(np.abs(q.sigma - g.sigma)) <= q.error_estimate[0] + g.error_estimate[0]
