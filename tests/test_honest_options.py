"""Every option of the numerical paths is type- and range-checked: one line, the option's name
first, the allowed range in the message, a SymenhError subclass (InputTypeError for a wrong
type), never a raw numpy error, a silent 0 or a run that takes minutes (issue 7).

The refusals happen before any expensive work, so these tests are cheap.
"""

from __future__ import annotations

import numpy as np
import pytest

import symenh
from symenh.errors import InputTypeError, ResponseError, SymenhError

D = symenh.PAPER.Delta_eV
MU = [2.0 * D]


def _refused(method, option, value, model="pt-dirac", mech="enh-pt", kind=SymenhError):
    with pytest.raises(kind) as info:
        symenh.sigma(model, mech, MU, method=method, **{option: value})
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{option}:"), msg
    return msg


# ---------------------------------------------------------------------------
# quadrature
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("option, value, allowed", [
    ("rtol", 0.0, "1e-14 <= rtol <= 0.01"), ("rtol", 1e-15, "1e-14 <= rtol <= 0.01"),
    ("rtol", 0.1, "1e-14 <= rtol <= 0.01"), ("rtol", float("nan"), "1e-14 <= rtol <= 0.01"),
    ("rtol", float("inf"), "1e-14 <= rtol <= 0.01"),
    ("h_fraction", 1e-300, "0.0001 <= h_fraction <= 0.5"), ("h_fraction", 0.6, "0.0001 <= h_fraction <= 0.5"),
    ("h_fraction", -0.1, "0.0001 <= h_fraction <= 0.5"),
    ("n_steps", 60, "2 <= n_steps <= 8"), ("n_steps", 1, "2 <= n_steps <= 8"), ("n_steps", 2.5, "2 <= n_steps <= 8"),
    ("sea_split", 1.0, "1.05 <= sea_split <= 100"), ("sea_split", 1e3, "1.05 <= sea_split <= 100"),
    ("sea_split", float("inf"), "1.05 <= sea_split <= 100"),
])
def test_quadrature_option_out_of_range_is_one_line_with_the_range(option, value, allowed):
    """h_fraction = 1e-300 returned 0 with error 5e-27; n_steps = 60 ran for minutes."""
    msg = _refused("quadrature", option, value, kind=ResponseError)
    assert allowed in msg, msg


@pytest.mark.parametrize("option, value", [("rtol", "abc"), ("rtol", 1e-8 + 0j), ("rtol", True),
                                           ("h_fraction", "0.1"), ("n_steps", True), ("n_steps", "4"),
                                           ("sea_split", [2.0])])
def test_quadrature_option_of_wrong_type_is_an_input_type_error(option, value):
    _refused("quadrature", option, value, kind=InputTypeError)


def test_quadrature_integral_option_accepts_integral_float():
    a = symenh.sigma("tilted-dirac", "bcd", MU, method="quadrature", n_steps=4.0).sigma
    b = symenh.sigma("tilted-dirac", "bcd", MU, method="quadrature", n_steps=4).sigma
    assert np.array_equal(a, b)


# ---------------------------------------------------------------------------
# grid
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("option, value, allowed", [
    ("kT_fractions", [float("nan")], "0 < kT_fractions <= 0.5"),
    ("kT_fractions", [0.6, 0.05], "0 < kT_fractions <= 0.5"),
    ("kT_fractions", [0.0, 0.05], "0 < kT_fractions <= 0.5"),
    ("kT_fractions", [0.05], "2 to 8 values"),
    ("kT_fractions", [0.05, 0.05], "distinct"),
    ("temperatures_K", [float("inf"), 10.0], "0 < temperatures_K <= 10000"),
    ("temperatures_K", [1e5, 10.0], "0 < temperatures_K <= 10000"),
    ("temperatures_K", [-1.0, 10.0], "0 < temperatures_K <= 10000"),
    ("spacing_over_kT", 2.0, "0.05 <= spacing_over_kT <= 1.75"),
    ("spacing_over_kT", float("nan"), "0.05 <= spacing_over_kT <= 1.75"),
    ("n_k", 3, "33 <= n_k <= 4001"), ("n_k", 5, "33 <= n_k <= 4001"), ("n_k", 10**6, "33 <= n_k <= 4001"),
    ("n_k", 100.5, "33 <= n_k <= 4001"),
    ("margin_kT", 5.0, "15 <= margin_kT <= 60"), ("margin_kT", float("inf"), "15 <= margin_kT <= 60"),
    ("sea_cutoffs", [4.0], "2 to 8 values"), ("sea_cutoffs", [4.0, 1e6], "2 <= sea_cutoffs <= 64"),
    ("sea_cutoffs", [4.0, float("nan")], "2 <= sea_cutoffs <= 64"),
    ("sea_spacing", 0.0, "0.02 <= sea_spacing <= 0.5"), ("sea_spacing", 0.45, "sea_spacing <= min(sea_cutoffs) / 10"),
    ("k_max", float("nan"), "0 < k_max <= inf"), ("k_max", -1.0, "0 < k_max <= inf"),
    ("k_max", 1e6, "<= k_max <="),
    ("chunk_points", 0, "64 <= chunk_points <= 1000000"), ("chunk_points", 10**9, "64 <= chunk_points <= 1000000"),
    ("max_points", 10, "1000 <= max_points <= 100000000"),
])
def test_grid_option_out_of_range_is_one_line_with_the_range(option, value, allowed):
    """kT_fractions = [nan] returned 0 with error 0; n_k = 3, 5 gave estimates below the error."""
    msg = _refused("grid", option, value, kind=ResponseError)
    assert allowed in msg, msg


@pytest.mark.parametrize("option, value", [("kT_fractions", "abc"), ("kT_fractions", [0.05, 1j]),
                                           ("temperatures_K", [True, 10.0]), ("n_k", True), ("n_k", "101"),
                                           ("margin_kT", 1j), ("sea_cutoffs", [4.0, "8"]), ("k_max", "1/nm"),
                                           ("chunk_points", 1.5e3 + 0j), ("spacing_over_kT", np.array([0.5]))])
def test_grid_option_of_wrong_type_is_an_input_type_error(option, value):
    _refused("grid", option, value, kind=InputTypeError)


def test_grid_temperatures_too_high_for_the_band_edge_distance_are_refused():
    """kT_max above half the distance of mu from the band edge: the Sommerfeld T -> 0
    extrapolation cannot hold there."""
    msg = _refused("grid", "temperatures_K", [300.0, 400.0], mech="inh", kind=ResponseError)
    assert "distance" in msg


def test_unknown_options_still_refused():
    for method in ("quadrature", "grid"):
        with pytest.raises(ResponseError, match="unknown option"):
            symenh.sigma("pt-dirac", "inh", MU, method=method, tolerance=1e-3)
