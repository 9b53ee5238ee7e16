"""``symenh noneq``: the JSON contract and the one-line errors (exit status 2), through the real
``symenh.cli.main`` (the command and its multi-valued ``--field`` are registered in symenh.cli); one test
builds a parser with the module's own ``register``.
"""

import json

import pytest

from symenh import cli
from symenh.cli import noneq_cmd
from symenh.cli.common import Parser


@pytest.fixture
def main():
    assert "noneq" in cli.COMMANDS and cli.MULTI_VALUE.get("--field") == 2
    return cli.main


BASE = ["noneq", "--model", "pt-dirac", "--k", "0.1", "-0.05", "--mu", "0.1eV", "--json"]


def run(main, capsys, argv):
    rc = main(argv)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_json_contract_per_level_and_per_k(main, capsys):
    rc, out, err = run(main, capsys, BASE + ["--quantity", "delta-berry-curvature", "--field", "1e5V/m", "-2kV/cm"])
    assert rc == 0, err
    d = json.loads(out)
    for key in ("model", "quantity", "valley", "k_per_nm", "field_V_per_m", "mu_eV", "convention", "units", "levels",
                "temperature_K", "per_k", "exchange_field_eV", "intraband_representation"):
        assert key in d, key
    assert d["field_V_per_m"] == [1e5, -2e5] and d["k_per_nm"] == [0.1, -0.05] and d["units"] == "nm^2"
    assert [lv["degeneracy"] for lv in d["levels"]] == [2, 2]
    lv = d["levels"][1]
    assert abs(lv["value"] - lv["parts"]["exchange"] - lv["parts"]["field"]) <= 1e-12 * abs(lv["value"])
    # per k: spin density and exchange field under documented keys, levels carry value null
    # outside the Fermi disc (inside it both Kramers pairs are filled at T = 0 and f_nm = 0)
    argv = ["noneq", "--model", "pt-dirac", "--k", "0.5", "0.1", "--mu", "0.1eV", "--json"]
    rc, out, err = run(main, capsys, argv + ["--quantity", "spin-density", "--field", "1kV/cm", "0kV/cm"])
    d = json.loads(out)
    assert rc == 0 and all(lv["value"] is None for lv in d["levels"])
    assert max(abs(x) for x in d["per_k"]["equilibrium"][1:]) < 1e-12        # PT
    assert max(abs(x) for x in d["per_k"]["nonequilibrium"][1:]) > 1e-6
    rc, out, err = run(main, capsys, ["noneq", "--model", "tilted-dirac", "--valley", "-1", "--quantity",
                                      "exchange-field", "--k", "0", "0", "--field=0.1MV/m 0V/m", "--mu=100meV",
                                      "--temperature", "0K", "--convention", "printed", "--json"])
    d = json.loads(out)
    assert rc == 0 and d["units"] == "eV" and d["per_k"]["uniform"] is True and d["convention"] == "printed"
    U = d["per_k"]["U_eV"]
    assert all(abs(u - w - y) <= 1e-15 for u, w, y in zip(U, d["per_k"]["interband_W_eV"], d["per_k"]["intraband_Y_eV"]))


@pytest.mark.parametrize("extra,start", [
    (["--quantity", "delta-rho", "--field", "1e5", "0V/m"], "--field: '1e5' has no unit"),
    (["--quantity", "delta-rho", "--field", "0V/m", "0kV/cm"], "--field: must be non-zero"),
    (["--quantity", "berry", "--field", "1e5V/m", "0V/m"], "--quantity: unknown quantity 'berry'"),
    (["--quantity", "delta-rho", "--field", "1e5V/s", "0V/m"], "--field: unit 'V/s' is not an electric field"),
    (["--quantity", "delta-rho", "--field", "1e5V/m", "0V/m", "--temperature", "10"], "--temperature: '10' has no unit"),
    (["--quantity", "delta-rho", "--field", "1e5V/m"], "--field: expected two components"),
])
def test_bad_input_is_one_line_exit_2(main, capsys, extra, start):
    rc, out, err = run(main, capsys, BASE + extra)
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"symenh noneq: error: {start}"), err


def test_register_builds_a_working_parser(capsys):
    parser = Parser(prog="symenh")
    noneq_cmd.register(parser.add_subparsers(dest="command", parser_class=Parser))
    args = parser.parse_args(["noneq", "--model", "pt-dirac", "--quantity", "delta-quantum-metric", "--k", "0.1", "0.2",
                              "--field", "3e4V/m", "2e4V/m", "--mu", "0.1eV", "--json"])
    assert args.func(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["quantity"] == "delta-quantum-metric" and d["units"] == "nm^2"
    assert len(d["levels"][0]["value"]) == 2 and len(d["levels"][0]["value"][0]) == 2


UNITS = {"delta-rho": "dimensionless", "spin-density": "dimensionless per k", "exchange-field": "eV",
         "delta-berry-connection": "nm", "delta-berry-curvature": "nm^2", "delta-quantum-metric": "nm^2"}


@pytest.mark.parametrize("temperature", ["0K", "30K"])
def test_every_quantity_states_its_unit_and_the_intraband_representation(main, capsys, temperature):
    """The unit of each quantity as issue 10 writes it, the exact required keys, and which form the
    intraband (Fermi-surface) part of Eq. 2 takes: a delta(mu - eps) coefficient at T = 0, the value at T > 0."""
    required = {"model", "quantity", "valley", "k_per_nm", "field_V_per_m", "mu_eV", "convention", "units", "levels"}
    for q, unit in UNITS.items():
        rc, out, err = run(main, capsys, ["noneq", "--model", "tilted-dirac", "--valley", "1", "--quantity", q,
                                          "--k", "0.3", "0.1", "--field", "0V/m", "1kV/cm", "--mu", "0.1eV",
                                          "--temperature", temperature, "--json"])
        assert rc == 0, err
        d = json.loads(out)
        assert required <= set(d) and d["units"].startswith(unit) and d["field_V_per_m"] == [0.0, 1e5]
        assert all({"energy_eV", "degeneracy", "value"} <= set(lv) for lv in d["levels"])
        assert d["temperature_K"] == float(temperature[:-1])
        rep = d["intraband_representation"]
        assert ("delta(mu - eps)" in rep) == (temperature == "0K")
        if q == "spin-density":
            pk = d["per_k"]
            if temperature == "0K":    # the Fermi-surface part is a delta coefficient per level, not a value
                assert pk["intraband"] is None and len(pk["intraband_delta_coefficient_eV"]) == 2
            else:
                assert pk["intraband_delta_coefficient_eV"] is None and len(pk["intraband"]) == 4


def test_screened_coulomb_interaction_gives_a_k_dependent_exchange_field(main, capsys):
    U = []
    for k in (("0.1", "0"), ("0.6", "0")):
        rc, out, err = run(main, capsys, ["noneq", "--model", "pt-dirac", "--quantity", "exchange-field", "--k", *k,
                                          "--field", "1e5V/m", "0V/m", "--mu", "0.1eV", "--interaction",
                                          "screened-coulomb", "--json"])
        assert rc == 0, err
        d = json.loads(out)
        assert d["interaction"]["kind"] == "screened-coulomb" and d["per_k"]["uniform"] is False
        U.append(d["per_k"]["U_eV"])
    assert max(abs(a - b) for a, b in zip(U[0][1:], U[1][1:])) > 1e-2 * max(abs(x) for x in U[0][1:])
    rc, out, err = run(main, capsys, BASE + ["--quantity", "exchange-field", "--field", "1e5V/m", "0V/m",
                                             "--interaction", "screened-coulomb", "--temperature", "10K"])
    assert rc == 2 and out == "" and err.count("\n") == 1 and "T = 0 only" in err
    rc, out, err = run(main, capsys, BASE + ["--quantity", "exchange-field", "--field", "1e5V/m", "0V/m",
                                             "--interaction", "coulomb"])
    assert rc == 2 and out == "" and err.count("\n") == 1 and "--interaction" in err
