"""``symenh figure fig2 --model-file`` and ``symenh figure fig3 --model-file``: the paper's Figs. 2 and 3
for a user's model file.

References (independent of the model-file path under test):
- Fig. 2: H_PT typed in by hand as a model file, through the numeric kernel (eigh of the lambdified
  matrix), against the built-in fig2 (closed-form kernel of symenh.models.pt_dirac, SymPy-derived)
  on the built-in fig2's own grid and on the file's window; the valence level against minus the
  conduction level (band sum rule); for the two-band H_T file with s = Pauli matrices the analytic
  S^{eta a} ~ eps_{eta j k} d_a d_j d_k of a d.sigma model, so S^{2x} = S^{1y} = 0 identically.
- Fig. 3: the hand-written H_T and H_PT files by quadrature against the built-in fig3's curves (closed
  form) at the same mu: the deviation within the error estimate the figure draws, the estimate small;
  the symmetry-forbidden pair vanishes within its estimate.
Bad input: one line on stderr, exit status 2.
"""

import hashlib
import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import test_figures_style as style_checks   # the layout checks every figure passes
from test_cli_user_model import one_line_error, run   # the CLI checks of the model-file commands

from symenh.figures import fig2, fig3, fig3_file, style
from symenh.figures.table import read_metadata
from symenh.kernels import kernel_for
from symenh.models import pt_dirac
from symenh.models.model_file import load_model
from symenh.params import PAPER
from symenh.responses.result import RELATIVE_SIGNS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "models"
H_T = str(EXAMPLES / "tilted_dirac.json")

#: H_PT = tau_y (x) (hbar v_x k_x s_x + hbar v_y k_y s_y + Delta s_z) + alpha k_y, spin tau_0 (x) s^eta,
#: typed in by hand at the paper's values (hbar v = hbar 4e5 m/s, alpha = 0.1 hbar v)
H_PT_FILE = {
    "name": "hand-written-H_PT",
    "momentum": ["kx", "ky"],
    "parameters": {"Delta": "50 meV", "hvx": "0.26328478278036266 eV nm", "hvy": "0.26328478278036266 eV nm",
                   "alpha": "0.026328478278036267 eV nm"},
    "tilt_symbol": "alpha",
    "matrix": [["alpha*ky", 0, "-I*Delta", "-I*hvx*kx - hvy*ky"],
               [0, "alpha*ky", "-I*hvx*kx + hvy*ky", "I*Delta"],
               ["I*Delta", "I*hvx*kx + hvy*ky", "alpha*ky", 0],
               ["I*hvx*kx - hvy*ky", "-I*Delta", 0, "alpha*ky"]],
    "spin": [[[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]],
             [[0, "-I", 0, 0], ["I", 0, 0, 0], [0, 0, 0, "-I"], [0, 0, "I", 0]],
             [[1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]]],
}
#: a massive Dirac cone shifted down by c = 0.3 eV: no level above E = 0 at k = 0
SHIFTED_FILE = {
    "name": "shifted-dirac", "momentum": ["kx", "ky"],
    "parameters": {"m": "50 meV", "u": "0.26 eV nm", "t": "0.026 eV nm", "c": "0.3 eV"}, "tilt_symbol": "t",
    "matrix": [["m - c + t*ky", "u*kx - I*u*ky"], ["u*kx + I*u*ky", "-m - c + t*ky"]],
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("models")
    out = {}
    untilted = {**SHIFTED_FILE, "name": "untilted", "parameters": {**SHIFTED_FILE["parameters"], "t": "0 eV nm"}}
    for name, data in (("pt", H_PT_FILE), ("shifted", SHIFTED_FILE), ("untilted", untilted)):
        path = d / f"{name}.json"
        path.write_text(json.dumps(data))
        out[name] = str(path)
    out["ht"] = H_T
    return out




# --------------------------------------------------------------------------- Fig. 2

def test_fig2_of_the_h_pt_file_is_the_built_in_fig2(files):
    """The numeric kernel on the file = the closed-form kernel of the built-in fig2, on the built-in's own
    grid (its arrays) and on the window of the file's figure (its conduction level, chosen without --mu)."""
    loaded = load_model(files["pt"])
    kx, ky, S_builtin = fig2.sbp_maps(PAPER, n=31)
    on_builtin = fig2.file_sbp_maps(loaded, k=np.meshgrid(kx, ky))
    scale = np.max(np.abs(S_builtin))
    assert on_builtin["level"] == fig2.CONDUCTION and on_builtin["degeneracy"] == 2 and scale > 10
    np.testing.assert_allclose(on_builtin["S"], S_builtin, rtol=0, atol=1e-9 * scale)

    m = fig2.file_sbp_maps(loaded, n=41)
    assert m["level"] == 1 and m["levels"] == 2 and np.isclose(m["mu0"], 0.05, rtol=1e-12)
    closed = kernel_for(pt_dirac()).evaluate("sbp", m["KX"], m["KY"], PAPER.symbol_values())
    np.testing.assert_allclose(m["S"], closed[..., fig2.CONDUCTION, :, :], rtol=0, atol=1e-9 * scale)
    KX = m["KX"]
    assert np.isclose(KX.max(), -KX.min()) and 0.3 < KX.max() < 3.0           # a window around the gap
    for _, eta, a, kind in fig2.PANELS:                                         # the paper's characters
        assert fig2.parity(m["S"][..., eta, a]).endswith(f"({kind})")


def test_fig2_model_file_level_follows_mu_and_the_valence_level_is_minus_the_conduction_level(files):
    loaded = load_model(files["pt"])
    k = np.meshgrid(np.linspace(-0.4, 0.3, 9), np.linspace(-0.2, 0.5, 7))
    cond = fig2.file_sbp_maps(loaded, mu_eV=[0.12], k=k)
    val = fig2.file_sbp_maps(loaded, mu_eV=[-0.12], k=k)
    assert cond["level"] == 1 and val["level"] == 0
    np.testing.assert_allclose(val["S"], -cond["S"], rtol=0, atol=1e-9 * np.max(np.abs(cond["S"])))


def test_fig2_of_the_two_band_h_t_file_has_the_d_vector_zeros(files, capsys, tmp_path):
    """H_T = d(k).sigma with s = sigma: S^{eta a} ~ eps_{eta j l} (d_a d_j) d_l / |d|^3, and d_x d = (0, u, 0),
    d_y d = (-xi w, 0, 0), so S^{2x} = S^{1y} = 0 identically (the figure draws them empty and says so)
    and S^{3x} ~ d_1 ~ k_y, S^{3y} ~ d_2 ~ k_x are odd in k (dipolar)."""
    code, out, err = run(capsys, "figure", "fig2", "--model-file", files["ht"], "--valley", "-1",
                         "--out", str(tmp_path))
    assert code == 0, err
    paths = [Path(p) for p in out.split()]
    assert [p.name for p in paths] == ["fig2-model-hand-written-H_T.png", "fig2-model-hand-written-H_T.pdf"]
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert "S^2x of hand-written-H_T vanishes identically" in err and "S^1y" in err and "S^3x" not in err
    m = fig2.file_sbp_maps(load_model(files["ht"]), component=1, n=21)
    assert m["level"] == 1 and m["degeneracy"] == 1
    for eta, a in ((3, 0), (3, 1)):
        assert fig2.parity(m["S"][..., eta, a]) == "odd in $k$ (dipolar)"
        assert np.max(np.abs(m["S"][..., eta, a])) > 1.0


def test_fig2_model_file_refusals(files, capsys):
    one_line_error(capsys, "figure", "fig2", "--model-file", files["shifted"], "--out", "/tmp",
                   needles=("--mu: no level of shifted-dirac lies above E = 0",))
    m = fig2.file_sbp_maps(load_model(files["shifted"]), mu_eV=[-0.3], n=11)    # with --mu: the lower level
    assert m["level"] == 0
    for argv, needle in (
            (["--method", "grid"], "--method: not an option of figure fig2 --model-file"),
            (["--mechanism", "bcd"], "--mechanism: not an option of figure fig2 --model-file"),
            (["--param", "tau=1ps"], "--param: figure fig2 --model-file"),
            (["--param", "Delta=40meV"], "--param: figure fig2 --model-file"),
            (["--component", "2"], "--component: must be 0 .. 1")):
        one_line_error(capsys, "figure", "fig2", "--model-file", files["ht"], *argv, "--out", "/tmp",
                       needles=(needle,))
    one_line_error(capsys, "figure", "fig2", "--mu", "60meV", "--out", "/tmp",
                   needles=("--mu: figure fig2 takes it only with --model-file",))


# --------------------------------------------------------------------------- Fig. 3

#: two mu of the built-in fig3's curve grid (|Delta| * linspace(1.0005, 6, 240))
MU_INDEX = [30, 150]


def _check_pair(model, curves, mu_idx):
    """The file's pair of ``model`` against the built-in fig3's curves (closed form) at the same mu:
    the deviation within the error estimate, which is small; the other pair vanishes."""
    mu_b, cur = fig3.curves(PAPER)
    for mech in fig3.PAIRS[model]:
        s, err = curves[mech]
        ref = cur[(model, mech)][mu_idx]
        assert np.all(np.abs(ref) > 0) and np.all(err > 0) and np.all(err < 1e-6 * np.abs(ref)), (mech, err, ref)
        assert np.all(np.abs(s - ref) <= err), (mech, s, ref, err)
    other = next(m for m in fig3.PAIRS if m != model)
    for mech in fig3.PAIRS[other]:
        assert fig3_file.vanishes(*curves[mech]), mech
    return mu_b[mu_idx]


@pytest.fixture(scope="module")
def ht_fig3(files):
    """(loaded H_T file, fig3_file.data at two mu of the built-in grid)."""
    loaded = load_model(files["ht"])
    mu_b, _ = fig3.curves(PAPER)
    return loaded, fig3_file.data(loaded, mu_b[MU_INDEX], PAPER, report=lambda s: None)


def test_fig3_of_the_h_t_file_is_the_built_in_fig3(ht_fig3):
    _, dat = ht_fig3
    mu_b, _ = fig3.curves(PAPER)
    np.testing.assert_array_equal(dat["mu"], mu_b[MU_INDEX])
    _check_pair("tilted-dirac", dat["curves"], MU_INDEX)
    assert fig3_file.pair_summary(dat, "enh-t", "bcd") == RELATIVE_SIGNS["consistent"]["enh-t vs bcd (tilted-dirac)"]
    assert fig3_file.pair_summary(dat, "enh-pt", "inh") == "both vanish"
    assert dat["method"] == "quadrature" and np.allclose(dat["edges"], [-0.05, 0.05], rtol=1e-12)


def _laid_out(fig):
    with matplotlib.rc_context(style.RC):   # as style.save lays it out
        fig.set_dpi(style.DPI)
        fig.draw_without_rendering()
    return fig


def test_the_model_file_figures_pass_the_layout_checks_of_every_figure(ht_fig3, files, tmp_path):
    """No text overlaps another or leaves the figure, every axis names its unit, no note sits on a curve,
    meshes rasterised (tests/test_figures_style.py), for fig2 (with its empty panels) and fig3 of H_T."""
    loaded, dat = ht_fig3
    figs = [style_checks._capture(tmp_path, fig2, loaded=loaded),
            _laid_out(style.styled(fig3_file.draw)(dat, loaded, PAPER, "consistent"))]
    try:
        for fig in figs:
            style_checks.test_figure_has_a_journal_width(fig)
            style_checks.test_no_text_overlaps_another_or_leaves_the_figure(fig)
            style_checks.test_every_axis_and_colour_bar_names_its_unit(fig)
            style_checks.test_no_legend_note_or_label_sits_on_a_curve(fig)
            style_checks.test_dense_meshes_are_rasterised(fig)
        note = " ".join(t.get_text() for t in figs[1].axes[0].texts)
        article = {"same sign": "the same sign", "opposite signs": "opposite signs"}
        want = {c: article[RELATIVE_SIGNS[c]["enh-t vs bcd (tilted-dirac)"]] for c in ("consistent", "printed")}
        assert f"{want['consistent']} here" in note and f"give {want['printed']}" in note, note
    finally:
        for fig in figs:
            style.plt.close(fig)


def test_fig3_cli_of_the_h_pt_file_writes_the_built_in_numbers_with_the_files_sha256(files, capsys, tmp_path):
    mu_b, _ = fig3.curves(PAPER)
    mu = [f"{float(x)!r}eV" for x in mu_b[MU_INDEX]]
    code, out, err = run(capsys, "figure", "fig3", "--model-file", files["pt"], "--mu", mu[1], "--mu", mu[0],
                         "--convention", "printed", "--out", str(tmp_path))
    assert code == 0, err
    paths = [Path(p) for p in out.split()]
    assert [p.name for p in paths] == [f"fig3-model-hand-written-H_PT{s}" for s in (".png", ".pdf", ".csv")]
    meta = read_metadata(paths[2])
    assert meta["sha256"] == hashlib.sha256(Path(files["pt"]).read_bytes()).hexdigest()
    assert meta["model_file"] == "pt.json" and meta["method"] == "quadrature" and meta["convention"] == "printed"
    assert meta["relative_sign_enh_pt_vs_inh"].startswith("opposite signs")       # printed: ENH flips, INH not
    assert meta["relative_sign_enh_t_vs_bcd"].startswith("none: both vanish")
    table = np.loadtxt(paths[2], delimiter=",", comments="#", skiprows=len(meta) + 1)
    header = paths[2].read_text().splitlines()[len(meta)].split(",")
    col = {name: table[:, i] for i, name in enumerate(header)}
    assert np.allclose(col["mu_meV"], mu_b[MU_INDEX] * 1e3, rtol=1e-11)          # ascending, as on the axis
    _, cur = fig3.curves(PAPER, convention="printed")
    for mech in ("enh-pt", "inh"):
        tag = mech.replace("-", "_")
        s, e = col[f"sigma_{tag}_yxx_A_m_per_V2"], col[f"error_{tag}_A_m_per_V2"]
        ref = cur[("pt-dirac", mech)][MU_INDEX]
        assert np.all(e < 1e-6 * np.abs(ref)) and np.all(np.abs(s - ref) <= e + 1e-11 * np.abs(ref)), mech
    for mech in ("enh-t", "bcd"):
        tag = mech.replace("-", "_")
        assert np.all(np.abs(col[f"sigma_{tag}_xyy_A_m_per_V2"]) <= col[f"error_{tag}_A_m_per_V2"])


def test_fig3_model_file_refusals(files, capsys):
    for argv, needle in (
            ([], "--mu: figure fig3 --model-file needs chemical potentials"),
            (["--mu", "100meV"], "--mu: figure fig3 --model-file needs at least two"),
            (["--mu", "60:200:4meV", "--mechanism", "bcd"], "--mechanism: not an option of figure fig3 --model-file"),
            (["--mu", "60:200:4meV", "--valley", "1"], "--valley: not an option of figure fig3 --model-file"),
            (["--mu", "60:200:4meV", "--param", "Delta=40meV"], "--param: Delta sets a paper model's Hamiltonian")):
        one_line_error(capsys, "figure", "fig3", "--model-file", files["ht"], *argv, "--out", "/tmp",
                       needles=(needle,))
    one_line_error(capsys, "figure", "fig3", "--model-file", files["untilted"], "--mu", "60:200:4meV", "--out", "/tmp",
                   needles=("--model-file: the tilt t of untilted is 0; Fig. 3 needs a tilt",))
    one_line_error(capsys, "figure", "fig3", "--method", "grid", "--out", "/tmp",
                   needles=("--method: figure fig3 takes it only with --model-file",))
    one_line_error(capsys, "figure", "fig1", "--model-file", files["ht"], "--out", "/tmp",
                   needles=("--model-file: only for figure model, fig2 and fig3",))
