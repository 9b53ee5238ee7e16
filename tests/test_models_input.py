"""Model construction and parameter input: user matrices, names, --param parsing, units."""

import numpy as np
import pytest
import sympy as sp
from scipy import constants

from symenh.kernels import band_geometry, kernel_for
from symenh.kernels.levels import geometry_levels
from symenh.models import ModelError, from_matrix, paper_model, tilted_dirac
from symenh.params import PAPER, Parameters, ParameterError, parse_params
from symenh.units import UnitError


# ---------------------------------------------------------------- user models
def test_non_hermitian_user_matrix_is_refused_naming_the_matrix():
    x, y, m = sp.symbols("x y m")
    with pytest.raises(ModelError, match=r"^matrix: .*not Hermitian"):
        from_matrix(sp.Matrix([[m, x + sp.I * y], [x + sp.I * y, -m]]), kx=x, ky=y, params=(m,))


def test_non_hermitian_spin_and_unknown_symbols_are_refused():
    x, y, m, c = sp.symbols("x y m c")
    h = sp.Matrix([[m, x - sp.I * y], [x + sp.I * y, -m]])
    with pytest.raises(ModelError, match=r"^spin s\^1: .*not Hermitian"):
        from_matrix(h, kx=x, ky=y, params=(m,), spin=[sp.Matrix([[0, 1], [0, 0]]), sp.eye(2), sp.eye(2)])
    with pytest.raises(ModelError, match=r"^matrix: symbols \['c'\]"):
        from_matrix(h + c * sp.eye(2), kx=x, ky=y, params=(m,))
    with pytest.raises(ModelError, match=r"^tilt_symbol"):
        from_matrix(h + c * sp.diag(1, -1), kx=x, ky=y, params=(m, c), tilt_symbol=c)


def test_user_matrix_reproduces_the_paper_valley(rng, random_values, random_k):
    """H_T(xi=+1) typed by a user (own symbol names) has the same closed-form geometry."""
    px, py, d, vx, vy, al = sp.symbols("p_x p_y D vx vy al")
    s1, s2, s3 = (sp.Matrix(m) for m in ([[0, 1], [1, 0]], [[0, -sp.I], [sp.I, 0]], [[1, 0], [0, -1]]))
    h = vx * px * s2 - vy * py * s1 + d * s3 + al * py * sp.eye(2)
    user = from_matrix(h, kx=px, ky=py, params=(d, vx, vy, al), tilt_symbol=al)
    values = random_values(rng)
    kx, ky = random_k(rng, values, 20)
    uvals = {"D": values["Delta"], "vx": values["hbar_v_x"], "vy": values["hbar_v_y"], "al": values["alpha"]}
    for q in ("sbp", "berry-curvature", "bcp", "spin", "energy"):
        a = kernel_for(user).evaluate(q, kx, ky, uvals)
        b = band_geometry(tilted_dirac(1), kx, ky, values).quantity(q)
        assert np.allclose(a, b, rtol=1e-10, atol=1e-10 * np.max(np.abs(b)))


# ---------------------------------------------------------------- names and k
def test_unknown_model_and_quantity_name_the_allowed_choices():
    with pytest.raises(ModelError, match=r"^model: .*'graphene'.*allowed: tilted-dirac, pt-dirac"):
        paper_model("graphene")
    with pytest.raises(ModelError, match=r"^model: .*allowed: tilted-dirac, pt-dirac"):
        geometry_levels("graphene", "sbp", (0, 0))
    with pytest.raises(ModelError, match=r"^quantity: .*'torsion'.*allowed: energy, .*sbp"):
        geometry_levels("pt-dirac", "torsion", (0, 0))
    with pytest.raises(ModelError, match=r"^method: "):
        geometry_levels("pt-dirac", "sbp", (0, 0), method="guess")


def test_valley_required_for_tilted_dirac_and_refused_for_pt_dirac():
    with pytest.raises(ModelError, match=r"^valley: required"):
        geometry_levels("tilted-dirac", "sbp", (0.1, 0))
    with pytest.raises(ModelError, match=r"^valley: not allowed"):
        geometry_levels("pt-dirac", "sbp", (0.1, 0), valley=1)
    with pytest.raises(ModelError, match=r"^valley: must be \+1 or -1"):
        geometry_levels("tilted-dirac", "sbp", (0.1, 0), valley=2)


@pytest.mark.parametrize("k", [(np.nan, 0.0), (0.0, np.inf), (-np.inf, 1.0), ("a", 1), (1.0,)])
def test_non_finite_or_malformed_k_names_k(k):
    with pytest.raises(ParameterError, match=r"^k: "):
        geometry_levels("pt-dirac", "sbp", k)


# ---------------------------------------------------------------- --param parser
def test_param_parser_units_and_shared_velocity():
    p = parse_params(["Delta=-30meV", "v=5e5m/s", "tau=200fs", "q_s=0.3/nm", "alpha_over_hbar_v=0.2"])
    assert p.Delta_eV == pytest.approx(-0.03, rel=1e-15)
    assert p.vx_m_per_s == p.vy_m_per_s == 5e5
    assert p.tau_ps == pytest.approx(0.2, rel=1e-15)
    assert p.q_s_per_nm == 0.3 and p.alpha_over_hbar_v == 0.2
    p2 = parse_params(["vx=3e5m/s", "vy=6km/s"])
    assert (p2.vx_m_per_s, p2.vy_m_per_s) == (3e5, 6e3)


def test_alpha_is_alpha_over_hbar_v_times_hbar_vy():
    p = Parameters(vx_m_per_s=3e5, vy_m_per_s=7e5, alpha_over_hbar_v=0.15)
    hbar_vy_eV_nm = constants.hbar * 7e5 / constants.e * 1e9       # independent unit conversion
    assert p.alpha_eV_nm == pytest.approx(0.15 * hbar_vy_eV_nm, rel=1e-14)
    assert PAPER.hbar_vx == pytest.approx(0.26329, rel=1e-4)        # hbar * 4e5 m/s = 0.263 eV nm


@pytest.mark.parametrize("item, error, pattern", [
    ("gap=50meV", ParameterError, r"unknown parameter 'gap'; allowed: Delta, v, vx, vy"),
    ("Delta=50", UnitError, r"^Delta: .*no unit"),
    ("Delta=50m/s", UnitError, r"^Delta: unit 'm/s' is not an energy"),
    ("v=4e5", UnitError, r"^v: .*no unit"),
    ("tau=0.5meV", UnitError, r"^tau: unit 'meV' is not a"),
    ("q_s=0.2nm", UnitError, r"^q_s: unit 'nm' is not an inverse length"),
    ("alpha_over_hbar_v=fast", ParameterError, r"^alpha_over_hbar_v: .*not a number"),
    ("Delta", ParameterError, r"expected NAME=VALUE"),
    ("alpha_over_hbar_v=1.5", ParameterError, r"^alpha_over_hbar_v: "),
    ("v=-4e5m/s", ParameterError, r"^v: must be positive"),
])
def test_param_parser_errors_are_one_line_and_name_the_parameter(item, error, pattern):
    with pytest.raises(error, match=pattern) as exc:
        parse_params([item])
    assert "\n" not in str(exc.value)
