"""The CSVs of Fig. 3 record what their numbers depend on, and the numbers follow it.

Each file starts with '# key: value' lines (symenh version, convention and its meaning,
every parameter with its unit, the relative signs found), and its column names carry units.
Independent checks of the numbers: sigma_ENH changes sign with the convention while BCD and
INH do not (CONVENTION_NOTES: ENH = -(printed Eqs. 9, 10)); the relative signs recorded are
those derived in derivations/ (RELATIVE_SIGNS); ENH scales as V_0 = e^2/(4 pi eps_0 q_s)
(doubling q_s halves ENH and leaves BCD/INH alone).
"""

import numpy as np
import pytest

import symenh
from symenh.figures import fig3
from symenh.figures.table import read_metadata
from symenh.params import PAPER
from symenh.responses.result import CONVENTION_NOTES, RELATIVE_SIGNS

UNIT_SUFFIXES = ("_meV", "_A_m_per_V2", "_per_nm", "_eV_nm2", "_dimensionless")
PARAMETER_LINES = {"Delta": "eV", "v_x": "m/s", "v_y": "m/s", "alpha_over_hbar_v": "(dimensionless",
                   "tau": "ps", "q_s": "1/nm", "V_0": "eV nm^2"}


def _tables(tmp_path, params, convention):
    """{file name: (metadata, header, data array)} as written by fig3's table writer."""
    out = tmp_path / f"{convention}-{params.q_s_per_nm}"
    out.mkdir()
    paths = fig3.write_tables(out, fig3.tables(fig3.data(params, convention, lambda s: None), params, convention))
    result = {}
    for path in paths:
        meta = read_metadata(path)
        lines = path.read_text().splitlines()
        header = lines[len(meta)].split(",")
        result[path.name] = (meta, header, np.loadtxt(path, delimiter=",", comments="#", skiprows=len(meta) + 1))
    return result


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fig3csv")
    return {c: _tables(tmp, PAPER, c) for c in ("consistent", "printed")}


@pytest.mark.parametrize("convention", ["consistent", "printed"])
def test_every_csv_records_version_convention_and_parameters_with_units(both, convention):
    tabs = both[convention]
    assert sorted(tabs) == ["fig3_curves.csv", "fig3b_ratio.csv", "fig3d_ratio.csv"]
    for name, (meta, header, data) in tabs.items():
        assert meta["symenh_version"] == symenh.__version__, name
        assert meta["convention"] == convention
        assert meta["convention_meaning"] == CONVENTION_NOTES[convention]
        for key, unit in PARAMETER_LINES.items():
            assert key in meta and unit in meta[key], (name, key, meta.get(key))
        assert float(meta["Delta"].split()[0]) == PAPER.Delta_eV
        assert float(meta["q_s"].split()[0]) == PAPER.q_s_per_nm
        assert all(h.endswith(UNIT_SUFFIXES) for h in header), header
        assert data.shape[1] == len(header) and np.all(np.isfinite(data))


@pytest.mark.parametrize("convention", ["consistent", "printed"])
def test_recorded_relative_signs_are_the_derived_ones_and_hold_on_the_numbers(both, convention):
    derived = RELATIVE_SIGNS[convention]
    meta, header, data = both[convention]["fig3_curves.csv"]
    assert meta["relative_sign_enh_t_vs_bcd"].startswith(derived["enh-t vs bcd (tilted-dirac)"])
    assert meta["relative_sign_enh_pt_vs_inh"].startswith(derived["enh-pt vs inh (pt-dirac)"])
    for name, key in (("fig3b_ratio.csv", "enh-t vs bcd (tilted-dirac)"),
                      ("fig3d_ratio.csv", "enh-pt vs inh (pt-dirac)")):
        meta_m, _, ratio = both[convention][name]
        assert meta_m["relative_sign"].startswith(derived[key])
        assert np.all(np.sign(ratio[:, -1]) == (1 if derived[key] == "same sign" else -1))


def test_enh_columns_change_sign_with_the_convention_and_the_others_do_not(both):
    c, p = both["consistent"], both["printed"]
    _, header, cc = c["fig3_curves.csv"]
    _, _, pp = p["fig3_curves.csv"]
    for j, name in enumerate(header):
        if name.startswith("sigma_enh"):
            np.testing.assert_array_equal(cc[:, j], -pp[:, j], err_msg=name)
            assert np.any(cc[:, j] != 0)
        else:   # mu and the BCD / INH columns
            np.testing.assert_array_equal(cc[:, j], pp[:, j], err_msg=name)
    for name in ("fig3b_ratio.csv", "fig3d_ratio.csv"):
        np.testing.assert_array_equal(c[name][2][:, :-1], p[name][2][:, :-1])
        np.testing.assert_array_equal(c[name][2][:, -1], -p[name][2][:, -1])


def test_parameters_recorded_follow_the_run_and_enh_scales_as_v0(both, tmp_path):
    params = PAPER.replace(q_s_per_nm=0.4)
    tabs = _tables(tmp_path, params, "consistent")
    meta, header, data = tabs["fig3_curves.csv"]
    assert meta["q_s"] == "0.4 1/nm" and meta["V_0"].startswith(repr(params.V0_eV_nm2))
    _, _, ref = both["consistent"]["fig3_curves.csv"]
    for j, name in enumerate(header):
        want = ref[:, j] / 2 if name.startswith("sigma_enh") else ref[:, j]
        np.testing.assert_allclose(data[:, j], want, rtol=1e-11, atol=0, err_msg=name)
    qs = tabs["fig3b_ratio.csv"][2][:, 0]
    assert np.isclose(qs.min(), 0.4 / 4) and np.isclose(qs.max(), 0.4 * 10)  # the map spans around the run's q_s


def test_curves_csv_matches_the_conductivities(both):
    _, header, data = both["consistent"]["fig3_curves.csv"]
    mu = data[:, 0] * 1e-3
    np.testing.assert_allclose(data[:, header.index("sigma_inh_yxx_A_m_per_V2")],
                               symenh.sigma("pt-dirac", "inh", mu).element("yxx"), rtol=1e-10)
