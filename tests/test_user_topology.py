"""User models whose Fermi pockets are not star-shaped around k = 0 (issue 11 items 1, 5):
an annulus (inverted band, a Mexican hat in the conduction band), two separate pockets, and the
warped anisotropic Dirac cone.  Independent reference: the grid path (Cartesian k grid, eigh,
no contours), within the two paths' own error estimates."""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh.errors import ResponseError
from symenh.integrate.user_fermi import UserComponent, crossing_box, level_contours, sea_compact
from symenh.models.base import from_matrix

KX, KY = sp.symbols("k_x k_y", real=True)
S1 = sp.Matrix([[0, 1], [1, 0]])
S2 = sp.Matrix([[0, -sp.I], [sp.I, 0]])
S3 = sp.Matrix([[1, 0], [0, -1]])


def annulus_model():
    m, b, v, a = sp.symbols("m b v a", real=True)
    H = (m - b * (KX**2 + KY**2)) * S3 + v * KX * S1 + v * KY * S2 + a * KY * sp.eye(2)
    return (from_matrix(H, kx=KX, ky=KY, params=(m, b, v, a), tilt_symbol=a, name="inverted"),
            {"m": 0.1, "b": 1.0, "v": 0.05, "a": 0.005}, 0.08)


def two_pocket_model():
    v, Q, D, a = sp.symbols("v Q Delta a", real=True)
    H = v * (KX**2 - Q**2) / Q * S1 + v * KY * S2 + D * S3 + a * (KX + 2 * KY) * sp.eye(2)
    return (from_matrix(H, kx=KX, ky=KY, params=(v, Q, D, a), tilt_symbol=a, name="two-pockets"),
            {"v": 0.3, "Q": 0.5, "Delta": 0.03, "a": 0.01}, 0.06)


def warped_model():
    vx, vy, D, lam, a = sp.symbols("hv_x hv_y Delta lambda a", real=True)
    H = vx * KX * S1 + vy * KY * S2 + (D + lam * (KX**3 - 3 * KX * KY**2)) * S3 + a * KY * sp.eye(2)
    return (from_matrix(H, kx=KX, ky=KY, params=(vx, vy, D, lam, a), tilt_symbol=a, name="warped"),
            {"hv_x": 0.3, "hv_y": 0.2, "Delta": 0.05, "lambda": 0.5, "a": 0.02}, 0.1)


@pytest.mark.parametrize("build, mechs, n_loops", [(annulus_model, ("bcd", "enh-t", "inh"), 2),
                                                   (two_pocket_model, ("inh",), 2)])
def test_quadrature_matches_grid_on_non_star_shaped_pockets(build, mechs, n_loops):
    model, values, mu = build()
    lines = []
    for mech in mechs:
        q = symenh.sigma(model, mech, [mu], method="quadrature", model_values=values, progress=lines.append)
        g = symenh.sigma(model, mech, [mu], method="grid", model_values=values, spacing_over_kT=1.5)
        scale = max(np.max(np.abs(g.sigma)), np.max(np.abs(q.sigma)))
        assert scale > 0
        assert np.max(np.abs(q.sigma - g.sigma)) <= q.error_estimate[0] + g.error_estimate[0], mech
    assert any(f"{n_loops} Fermi contour(s)" in s for s in lines)


@pytest.mark.parametrize("build", [annulus_model, two_pocket_model])
def test_fermi_sea_change_does_not_depend_on_the_cut(build):
    model, values, mu = build()
    comp = UserComponent.build(model, values)
    levels, K = crossing_box(comp, mu)
    cont = level_contours(comp, levels[0], mu, K)
    ref, e_ref = sea_compact(comp, levels[0], cont, 1e-12)
    assert np.max(np.abs(ref)) > 0
    for cut, base in (("y", None), ("x", 0.37 * K), ("y", -0.61 * K)):
        v, e = sea_compact(comp, levels[0], cont, 1e-12, cut=cut, base=base)
        assert np.max(np.abs(v - ref)) <= e + e_ref + 1e-15 * np.max(np.abs(ref))


def test_warped_dirac_sea_refused_without_cutoff_and_cutoff_dependence_small():
    model, values, mu = warped_model()
    with pytest.raises(ResponseError, match="k_cutoff"):
        symenh.sigma(model, "enh-pt", [mu], method="quadrature", model_values=values)
    lines = []
    r3 = symenh.sigma(model, "enh-pt", [mu], method="quadrature", model_values=values, k_cutoff=3.0,
                      progress=lines.append)
    assert any("dB/d ln k_cutoff" in s for s in lines)
    assert 0 < r3.error_estimate[0] < 1e-6 * np.max(np.abs(r3.sigma))
    # the Fermi-surface mechanisms need no cutoff and are resolved
    b = symenh.sigma(model, "bcd", [mu], method="quadrature", model_values=values)
    assert 0 < b.error_estimate[0] < 1e-6 * np.max(np.abs(b.sigma))
