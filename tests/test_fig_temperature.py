"""symenh figure temperature: the files, and the numbers they hold against independent paths.

Small grids (make() arguments); the stored-points cache is bypassed so every number is
computed here.  Expected values: Fig. 3's own T = 0 curves (symenh.figures.fig3.curves), the
direct finite-T quadrature with the Fermi function (method="quadrature", not the convolution
the figure uses), exact zeros in the gap at T = 0.
"""

import numpy as np
import pytest

from symenh.cli import main
from symenh.errors import ResponseError
from symenh.figures import fig3, temperature
from symenh.figures.table import read_metadata
from symenh.params import PAPER
from symenh.responses.api import sigma
from symenh.responses.thermal import sigma_thermal

D = PAPER.Delta_eV
N_MU = 30
T_SWEEP = (0.0, 50.0, 300.0)
MECHS = {"tilted-dirac": (("enh-t", "enh_t"), ("bcd", "bcd"), "xyy"),
         "pt-dirac": (("enh-pt", "enh_pt"), ("inh", "inh"), "yxx")}
FILES = ("temperature_curves.csv", "temperature_ratios.csv", "temperature_vs_T.csv")


def _passthrough(name, settings, build, names):
    return {k: np.asarray(v, dtype=float) for k, v in build().items()}


def _table(path):
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("#")]
    header = lines[0].split(",")
    rows = np.array([[float(x) for x in ln.split(",")] for ln in lines[1:]])
    return {h: rows[:, i] for i, h in enumerate(header)}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("temperature")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(temperature, "stored_arrays", _passthrough)
        paths = temperature.make(out, PAPER, lambda s: None, n_mu=N_MU, t_sweep=T_SWEEP)
    return {p.name: p for p in paths}


def test_png_pdf_and_csvs_are_written_with_metadata_and_no_nan(written):
    assert sorted(written) == sorted(("temperature.png", "temperature.pdf") + FILES)
    assert written["temperature.png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert written["temperature.pdf"].read_bytes()[:5] == b"%PDF-"
    for name in FILES:
        meta = read_metadata(written[name])
        for key in ("symenh_version", "convention", "convention_meaning", "method", "order", "Delta", "tau"):
            assert meta.get(key), (name, key)
        tab = _table(written[name])
        assert len(tab) > 1 and all(len(v) and np.all(np.isfinite(v)) for v in tab.values()), name
    assert read_metadata(written["temperature_vs_T.csv"])["mu"].startswith("1.2 |Delta| = 60 meV, 2 |Delta|")
    assert read_metadata(written["temperature_curves.csv"])["temperatures"] == "0 K, 10 K, 50 K, 100 K, 300 K"


def test_the_zero_temperature_curves_are_fig3s(written):
    tab = _table(written["temperature_curves.csv"])
    mu, cur = fig3.curves(PAPER, n_mu=N_MU)
    band = tab["mu_meV"] >= abs(D) * 1e3
    assert np.allclose(tab["mu_meV"][band], mu * 1e3, rtol=1e-12, atol=0)
    for model, ((enh, e), (ref, r), el) in MECHS.items():
        assert np.allclose(tab[f"sigma_{e}_{el}_T0K_A_m_per_V2"][band], cur[(model, enh)], rtol=1e-11, atol=0)
        assert np.allclose(tab[f"sigma_{r}_{el}_T0K_A_m_per_V2"][band], cur[(model, ref)], rtol=1e-11, atol=0)
        # in the gap: exactly zero at T = 0, thermally activated (non-zero) at 300 K
        assert np.all(tab[f"sigma_{e}_{el}_T0K_A_m_per_V2"][~band] == 0)
        assert np.all(tab[f"sigma_{e}_{el}_T300K_A_m_per_V2"][~band] != 0)


@pytest.mark.parametrize("T", [10.0, 300.0])
def test_finite_temperature_curves_equal_the_direct_fermi_function_quadrature(written, T):
    tab = _table(written["temperature_curves.csv"])
    # in the gap (mu = 0.95 |Delta|), above the edge, 6 |Delta|.  (Deeper in the gap at 10 K, mu = 0.56 |Delta|,
    # sigma_ENH(T) ~ 3e-37 A m/V^2, the closed form and the quadrature differ by 3e-4 relative, more than the
    # two error estimates allow: reported to the thermal paths, see notes/progress-figs.md.)
    rows = [36, 45, len(tab["mu_meV"]) - 1]
    assert tab["mu_meV"][36] == pytest.approx(0.95 * abs(D) * 1e3)
    mu = tab["mu_meV"][rows] * 1e-3
    for model, ((enh, e), (ref, r), el) in MECHS.items():
        c, a, b = ("xy".index(ch) for ch in el)
        for mech, col in ((enh, e), (ref, r)):
            q = sigma_thermal(model, mech, mu, T_K=T, method="quadrature")
            cf = sigma_thermal(model, mech, mu, T_K=T)
            got = tab[f"sigma_{col}_{el}_T{T:g}K_A_m_per_V2"][rows]
            bound = q.error_estimate + cf.error_estimate
            assert np.all(np.abs(got - q.sigma[:, c, a, b]) <= bound), (model, mech, T, got, q.sigma[:, c, a, b])


def test_ratios_against_T_are_the_ratios_of_the_direct_quadrature(written):
    tab = _table(written["temperature_vs_T.csv"])
    assert np.array_equal(tab["T_K"], T_SWEEP)
    mus = np.array(temperature.MU_SWEEP) * abs(D)
    for model, ((enh, e), (ref, r), el) in MECHS.items():
        c, a, b = ("xy".index(ch) for ch in el)
        for i, T in enumerate(T_SWEEP):
            if T == 0:
                expect = sigma(model, enh, mus).element(el) / sigma(model, ref, mus).element(el)
            else:
                num = sigma_thermal(model, enh, mus, T_K=T, method="quadrature").sigma[:, c, a, b]
                den = sigma_thermal(model, ref, mus, T_K=T, method="quadrature").sigma[:, c, a, b]
                expect = num / den
            got = [tab[f"ratio_{e}_over_{r}_mu{x:g}Delta_dimensionless"][i] for x in temperature.MU_SWEEP]
            assert np.allclose(got, expect, rtol=1e-8, atol=0), (model, T, got, expect)


def test_ratio_table_is_the_curve_table_divided(written):
    cur, rat = _table(written["temperature_curves.csv"]), _table(written["temperature_ratios.csv"])
    band = cur["mu_meV"] >= abs(D) * 1e3
    for T in temperature.T_CURVES:
        for ((enh, e), (ref, r), el) in MECHS.values():
            expect = cur[f"sigma_{e}_{el}_T{T:g}K_A_m_per_V2"][band] / cur[f"sigma_{r}_{el}_T{T:g}K_A_m_per_V2"][band]
            assert np.allclose(rat[f"ratio_{e}_over_{r}_T{T:g}K_dimensionless"], expect, rtol=1e-10, atol=0)


@pytest.mark.parametrize("change, name", [({"alpha_over_hbar_v": 0.0}, "alpha_over_hbar_v"),
                                          ({"Delta_eV": 0.0}, "Delta")])
def test_undefined_parameters_are_refused_in_one_line_before_any_work(change, name, tmp_path):
    messages = []
    with pytest.raises(ResponseError) as exc:
        temperature.make(tmp_path, PAPER.replace(**change), messages.append)
    assert str(exc.value).startswith(f"{name}:") and "\n" not in str(exc.value)
    assert not messages and not list(tmp_path.iterdir())


def test_cli_refuses_with_exit_2_and_one_line(capsys, tmp_path):
    code = main(["figure", "temperature", "--param", "Delta=0eV", "--out", str(tmp_path / "o")])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Delta:" in err
