"""``symenh figure map`` and Fig. 3 (b, d) from parameter maps (issue 12).

Fig. 3's ratio maps are now computed by symenh.maps; the reference here is the previous
route, one symenh.sigma call per row and mechanism, and every number must be identical."""

import numpy as np
import pytest
from matplotlib.collections import QuadMesh

import symenh
from symenh.cli import main
from symenh.figures import fig3
from symenh.responses.api import sigma

pytest.importorskip("xarray")
pytest.importorskip("h5netcdf")

from symenh.figures import map as fmap
from symenh.figures.style import plt
from symenh.maps.dataset import read_netcdf


def _old_ratio_map(model, params, second, values, mu_over_delta, convention):
    """Fig. 3's ratio map as it was computed before symenh.maps: row by row, mechanism by mechanism."""
    enh, ref = fig3.PAIRS[model]
    el = fig3.ELEMENT[model]
    rows = []
    for v in values:
        p = params.replace(**{second: v})
        mu = abs(p.Delta_eV) * np.asarray(mu_over_delta)
        a = sigma(model, enh, mu, params=p, convention=convention).element(el)
        b = sigma(model, ref, mu, params=p, convention=convention).element(el)
        with np.errstate(all="ignore"):
            rows.append(a / b)
    return np.array(rows)


@pytest.mark.parametrize("params, convention", [
    (symenh.PAPER, "consistent"),
    (symenh.Parameters(Delta_eV=-0.03, q_s_per_nm=0.5, tau_ps=1.0, alpha_over_hbar_v=0.2, vx_m_per_s=3e5),
     "printed"),
])
def test_fig3_maps_identical_to_the_previous_route(params, convention):
    new = fig3.maps(params, convention)
    old_t = _old_ratio_map("tilted-dirac", params, "q_s_per_nm", new["q_s"], new["mu_over_delta"], convention)
    old_pt = _old_ratio_map("pt-dirac", params, "Delta_eV", new["Delta"], new["mu_over_delta"], convention)
    assert new["ratio_t"].shape == (80, 160) and new["ratio_pt"].shape == (80, 160)
    assert np.array_equal(new["ratio_t"], old_t) and np.array_equal(new["ratio_pt"], old_pt)


@pytest.fixture(scope="module")
def map_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("map") / "m.nc"
    assert main(["map", "--model", "tilted-dirac", "--mechanism", "enh-t", "--mechanism", "bcd",
                 "--axis", "mu=0.052:0.4:30eV", "--axis", "q_s=0.05:2:20/nm", "--log", "--axis", "tau=0.5,1ps",
                 "--out", str(out), "--no-progress"]) == 0
    return out


def test_cut_defaults_and_values(map_file):
    ds = read_netcdf(map_file)
    axes, held = fmap.choose_cut(ds)
    assert axes == ["mu", "q_s"] and held == {"tau": 0.5}
    assert fmap.default_element(ds) == "xyy"
    curves, ratios, sel = fmap.cut_values(ds, ["mu"], {"q_s": 0.2, "tau": 1.0}, "xyy")
    q = float(ds.q_s.sel(q_s=0.2, method="nearest"))
    assert sel == {"q_s": q, "tau": 1.0}
    p = symenh.Parameters(q_s_per_nm=q, tau_ps=1.0)
    enh = sigma("tilted-dirac", "enh-t", ds.mu.values, params=p).element("xyy")
    bcd = sigma("tilted-dirac", "bcd", ds.mu.values, params=p).element("xyy")
    assert np.array_equal(curves["enh-t"], enh) and np.array_equal(ratios["enh-t/bcd"], enh / bcd)


def test_ratio_panel_is_log_with_unit_contour(map_file):
    ds = read_netcdf(map_file)
    fig = fmap.draw(ds, ["mu", "q_s"], {"tau": 0.5}, "xyy")
    try:
        ax_ratio = [a for a in fig.axes if a.get_title()][2]   # after the two mechanisms
        assert ax_ratio.get_xlabel() == "mu (eV)" and ax_ratio.get_ylabel() == "q_s (1/nm)"
        assert ax_ratio.get_yscale() == "log" and ax_ratio.get_xscale() == "linear"   # q_s was log-spaced
        mesh = next(c for c in ax_ratio.collections if isinstance(c, QuadMesh))
        ratio = (ds.sigma.sel(mechanism="enh-t", tau=0.5, c="x", a="y", b="y")
                 / ds.sigma.sel(mechanism="bcd", tau=0.5, c="x", a="y", b="y")).transpose("q_s", "mu").values
        assert np.all(ratio < 0)        # opposite signs (consistent convention): log10 of -ratio is drawn
        assert np.allclose(np.asarray(mesh.get_array()).reshape(ratio.shape), np.log10(-ratio), rtol=0, atol=1e-12)
        assert np.log10(-ratio).min() < 0 < np.log10(-ratio).max()
        assert any(len(c.get_paths()) for c in ax_ratio.collections if not isinstance(c, QuadMesh))  # |ratio| = 1
        assert any("ratio < 0" in a.get_ylabel() for a in fig.axes)     # its colour bar says the sign
    finally:
        plt.close(fig)


def test_figure_map_cli_writes_2d_and_1d_cuts(map_file, tmp_path, capsys):
    assert main(["figure", "map", "--in", str(map_file), "--out", str(tmp_path)]) == 0
    assert main(["figure", "map", "--in", str(map_file), "--out", str(tmp_path), "--axes", "q_s",
                 "--at", "mu=0.1eV", "--at", "tau=1ps"]) == 0
    out = capsys.readouterr().out.split()
    assert [p.rsplit("/", 1)[-1] for p in out] == ["map_mu_q_s.png", "map_mu_q_s.pdf", "map_q_s.png", "map_q_s.pdf"]
    assert all((tmp_path / p.rsplit("/", 1)[-1]).stat().st_size > 1000 for p in out)


@pytest.mark.parametrize("extra, start", [
    (["--axes", "T"], "symenh figure: error: --axes: 'T' is not an axis of this map"),
    (["--axes", "mu,q_s,tau"], "symenh figure: error: --axes: a cut runs along one or two"),
    (["--at", "mu=0.1eV"], "symenh figure: error: --at: 'mu' is not a held axis"),
    (["--at", "tau=1"], "symenh figure: error: tau: '1' has no unit"),
    (["--at", "tau"], "symenh figure: error: --at: expected NAME=VALUE"),
])
def test_figure_map_bad_input(map_file, tmp_path, capsys, extra, start):
    assert main(["figure", "map", "--in", str(map_file), "--out", str(tmp_path)] + extra) == 2
    err = capsys.readouterr().err
    assert err.startswith(start) and err.count("\n") == 1, err


def test_figure_map_needs_a_readable_file(tmp_path, capsys):
    assert main(["figure", "map", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("symenh figure: error: --in: figure map draws a map file")
    (tmp_path / "junk.nc").write_text("not a map")
    assert main(["figure", "map", "--in", str(tmp_path / "junk.nc"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symenh figure: error: --in: cannot read") and err.count("\n") == 1
