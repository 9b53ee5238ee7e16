"""Types are checked at the public Python boundary (issue 7, item 3): symenh.sigma,
symenh.geometry_levels, Parameters, parse_params.  A wrong type is an InputTypeError (a
SymenhError, also a TypeError) whose one-line message starts with the argument's name;
before, these raised raw numpy/Python errors or were silently accepted."""

import json

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh.errors import InputTypeError, ParameterError, ResponseError, SymenhError
from symenh.models import from_matrix
from symenh.params import PAPER, Parameters, parse_params


def _one_line(exc, name):
    msg = str(exc.value)
    assert isinstance(exc.value, SymenhError)
    assert msg.startswith(f"{name}: ") and "\n" not in msg, msg


@pytest.mark.parametrize("mu", ["0.1", ["0.1", "0.2"], 0.1 + 0j, [0.1j], np.array([0.1 + 0j]), True, [True, False],
                                np.array([True]), None, [[0.1, 0.2]], [0.1, [0.2]], {"mu": 0.1}, b"0.1"],
                         ids=repr)
def test_mu_must_be_real_numbers(mu):
    with pytest.raises(InputTypeError) as exc:
        symenh.sigma("pt-dirac", "inh", mu)
    _one_line(exc, "mu_eV")


def test_real_mu_of_every_numeric_type_is_accepted():
    ref = symenh.sigma("pt-dirac", "inh", [0.1, 0.2]).sigma
    for mu in ([np.float32(0.1), 0.2], np.array([0.1, 0.2]), (0.1, 0.2), [sp.Float(0.1), sp.Rational(1, 5)]):
        np.testing.assert_allclose(symenh.sigma("pt-dirac", "inh", mu).sigma, ref, rtol=1e-6)
    assert symenh.sigma("pt-dirac", "inh", 0).sigma.shape == (1, 2, 2, 2)          # an int: mu = 0, the gap
    assert symenh.sigma("pt-dirac", "inh", np.int64(1)).mu_eV.tolist() == [1.0]


@pytest.mark.parametrize("options, name", [
    ({"rtol": "abc"}, "rtol"), ({"rtol": 1e-8 + 0j}, "rtol"), ({"rtol": True}, "rtol"), ({"rtol": [1e-8, "x"]}, "rtol"),
    ({"rtol": float("nan")}, "rtol"), ({"h_fraction": {"a": 1}}, "h_fraction"), ({"n_steps": "4"}, "n_steps"),
])
def test_quadrature_options_must_be_real_numbers(options, name):
    with pytest.raises(SymenhError) as exc:
        symenh.sigma("tilted-dirac", "bcd", 0.1, method="quadrature", **options)
    _one_line(exc, name)


@pytest.mark.parametrize("options, name", [({"kT_fractions": ["a"]}, "kT_fractions"), ({"n_k": 5j}, "n_k"),
                                           ({"sea_cutoffs": [[4.0, 8.0]]}, "sea_cutoffs")])
def test_grid_options_must_be_real_numbers(options, name):
    with pytest.raises(InputTypeError) as exc:
        symenh.sigma("pt-dirac", "inh", 0.1, method="grid", **options)
    _one_line(exc, name)


def test_real_options_still_reach_the_path():
    a = symenh.sigma("tilted-dirac", "bcd", 0.1, method="quadrature", rtol=np.float64(1e-8), n_steps=np.int64(3))
    assert np.all(np.isfinite(a.sigma))
    with pytest.raises(ResponseError, match="unknown option"):   # names are the path's business
        symenh.sigma("tilted-dirac", "bcd", 0.1, method="quadrature", tolerance=1e-8)


def _user_model():
    kx, ky, hv, m, t = sp.symbols("k_x k_y hv m t", real=True)
    s1, s2, s3 = (sp.Matrix(x) for x in ([[0, 1], [1, 0]], [[0, -sp.I], [sp.I, 0]], [[1, 0], [0, -1]]))
    h = hv * (kx * s1 + ky * s2) + m * s3 + t * ky * sp.eye(2)
    return from_matrix(h, kx=kx, ky=ky, params=(hv, m, t), tilt_symbol=t)


@pytest.mark.parametrize("values, name", [
    ({"hv": 0.3 + 0.1j, "m": 0.05, "t": 0.03}, "model_values['hv']"),
    ({"hv": 0.3, "m": sp.I, "t": 0.03}, "model_values['m']"),
    ({"hv": 0.3, "m": "0.05", "t": 0.03}, "model_values['m']"),
    ({"hv": 0.3, "m": 0.05, "t": True}, "model_values['t']"),
    ({"hv": 0.3, "m": float("inf"), "t": 0.03}, "model_values['m']"),
    ([("hv", 0.3)], "model_values"),
    ({1: 0.3}, "model_values"),
])
def test_model_values_must_be_real_and_finite(values, name):
    with pytest.raises((InputTypeError, ParameterError)) as exc:
        symenh.sigma(_user_model(), "inh", 0.1, method="quadrature", model_values=values)
    _one_line(exc, name)


def test_params_and_model_and_names_have_their_types():
    with pytest.raises(InputTypeError) as exc:
        symenh.sigma("pt-dirac", "inh", 0.1, params={"Delta_eV": 0.05})
    _one_line(exc, "params")
    with pytest.raises(InputTypeError) as exc:
        symenh.sigma(5, "inh", 0.1)
    _one_line(exc, "model")
    for kw, name in (({"mechanism": None}, "mechanism"), ({"method": 1}, "method"),
                     ({"convention": ["printed"]}, "convention"), ({"exchange_valleys": np.array(["all"])},
                                                                    "exchange_valleys")):
        args = {"mechanism": "inh", **kw}
        with pytest.raises(InputTypeError) as exc:
            symenh.sigma("pt-dirac", args.pop("mechanism"), 0.1, **args)
        _one_line(exc, name)
    with pytest.raises(InputTypeError) as exc:
        symenh.sigma("pt-dirac", "inh", 0.1).element(0)
    _one_line(exc, "element")


# ----------------------------------------------------------------- geometry_levels
@pytest.mark.parametrize("valley", [True, False, 1.0, "1", np.bool_(True)], ids=repr)
def test_valley_must_be_the_int_plus_or_minus_one(valley):
    with pytest.raises(InputTypeError) as exc:
        symenh.geometry_levels("tilted-dirac", "berry-curvature", (0.1, 0.0), valley=valley)
    _one_line(exc, "valley")


def test_numpy_integer_valley_is_an_int():
    a = symenh.geometry_levels("tilted-dirac", "berry-curvature", (0.1, 0.0), valley=np.int64(-1))
    b = symenh.geometry_levels("tilted-dirac", "berry-curvature", (0.1, 0.0), valley=-1)
    assert a == b and a["valley"] == -1


@pytest.mark.parametrize("k", ["12", "0.1 0.2", (0.1j, 0.0), (True, 0.0), (None, 0.0), 0.1, ("0.1", "0.2")], ids=repr)
def test_k_must_be_two_real_numbers(k):
    """Before, k = "12" was read as (1.0, 2.0) and ("0.1", "0.2") as numbers."""
    with pytest.raises(InputTypeError) as exc:
        symenh.geometry_levels("pt-dirac", "sbp", k)
    _one_line(exc, "k")


def test_geometry_params_and_names_have_their_types():
    with pytest.raises(InputTypeError) as exc:
        symenh.geometry_levels("pt-dirac", "sbp", (0.1, 0.2), params=PAPER.as_dict())
    _one_line(exc, "params")
    with pytest.raises(InputTypeError) as exc:
        symenh.geometry_levels(np.array(["pt-dirac"]), "sbp", (0.1, 0.2))
    _one_line(exc, "model")


# ----------------------------------------------------------------- Parameters, parse_params
@pytest.mark.parametrize("field, value", [("Delta_eV", "0.05"), ("tau_ps", True), ("q_s_per_nm", None),
                                          ("vx_m_per_s", 4e5 + 0j), ("alpha_over_hbar_v", np.array(0.1)),
                                          ("Delta_eV", sp.Symbol("D"))])
def test_parameters_fields_must_be_real_numbers(field, value):
    with pytest.raises(InputTypeError) as exc:
        Parameters(**{field: value})
    _one_line(exc, field)


def test_parameters_store_floats_so_the_json_always_works():
    p = Parameters(Delta_eV=np.int64(0), tau_ps=np.float32(0.5), q_s_per_nm=sp.Rational(1, 5))
    assert all(type(v) is float for v in p.as_dict().values())
    json.dumps(p.as_dict())
    assert p == PAPER.replace(Delta_eV=0.0, tau_ps=float(np.float32(0.5)))


def test_parse_params_takes_a_list_of_strings():
    with pytest.raises(InputTypeError) as exc:
        parse_params("Delta=1eV")          # a string is not a list: before, it was read character by character
    _one_line(exc, "assignments")
    with pytest.raises(InputTypeError) as exc:
        parse_params([("Delta", "1eV")])
    _one_line(exc, "--param")
    with pytest.raises(InputTypeError) as exc:
        parse_params(["Delta=1eV"], base={"Delta_eV": 1})
    _one_line(exc, "base")
    assert parse_params(None) == PAPER and parse_params(()) == PAPER


def test_input_type_errors_are_also_type_errors():
    with pytest.raises(TypeError):
        symenh.sigma("pt-dirac", "inh", "0.1")
