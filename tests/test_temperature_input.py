"""Temperatures with units and bad input: one-line errors naming the parameter."""

import numpy as np
import pytest

from symenh.errors import ParameterError, ResponseError, SymenhError, UnitError
from symenh.temperature import kT_eV, parse_temperature
from symenh.responses.thermal import sigma_thermal


def test_parse_kelvin_and_energy():
    assert parse_temperature("77K") == 77.0
    assert parse_temperature("300 K") == 300.0
    assert parse_temperature("50mK") == pytest.approx(0.05)
    assert parse_temperature("6.6meV") == pytest.approx(6.6e-3 / 8.617333262e-5, rel=1e-9)
    assert kT_eV(parse_temperature("6.6meV")) == pytest.approx(6.6e-3, rel=1e-12)
    assert parse_temperature("0K") == 0.0


@pytest.mark.parametrize("text,exc", [("-5K", ParameterError), ("77", UnitError), ("77 m/s", UnitError),
                                      ("hot", UnitError), ("-1meV", ParameterError), ("infK", UnitError)])
def test_bad_temperatures(text, exc):
    with pytest.raises(exc) as info:
        parse_temperature(text)
    msg = str(info.value)
    assert msg.startswith("T:") and "\n" not in msg


@pytest.mark.parametrize("kwargs,start", [({"T_K": -1.0}, "T_K"), ({"T_K": float("nan")}, "T_K"),
                                          ({"order": "second"}, "order"), ({"mechanism": "inh-partial"}, "mechanism"),
                                          ({"occupation": "thermal"}, "occupation"),
                                          ({"method": "grid", "order": "cubic"}, "order")])
def test_bad_requests(kwargs, start):
    args = {"mechanism": "inh", "T_K": 10.0}
    args.update(kwargs)
    mech = args.pop("mechanism")
    with pytest.raises(SymenhError) as info:
        sigma_thermal("pt-dirac", mech, 0.1, **args)
    assert str(info.value).startswith(start) and "\n" not in str(info.value)


def test_gapless_closed_form_refused():
    from symenh.params import PAPER
    with pytest.raises(ResponseError, match="^Delta"):
        sigma_thermal("pt-dirac", "inh", 0.1, T_K=10.0, params=PAPER.replace(Delta_eV=0.0))
    np.testing.assert_array_equal(sigma_thermal("pt-dirac", "inh", 0.03, T_K=0.0).raw, 0.0)
