"""Every figure is drawn with symenh's style at a journal's size, readable: no text overlaps
another or leaves the figure, every axis and colour bar names its unit, no legend or note
hides a curve, dense meshes are rasterised; files are written atomically; and importing the
figures leaves the user's global matplotlib settings alone."""

import importlib
import re
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import QuadMesh

import symenh
from symenh.cli.figure_cmd import FIGURES
from symenh.figures import asymptotics, fig2, fig3, interactions, style, temperature
from symenh.params import PAPER
from symenh.responses.result import RELATIVE_SIGNS

UNIT = re.compile(r"\([^()]*\)")   # "(meV)", "(A m V$^{-2}$)", "(dimensionless)", ...


def test_importing_the_figures_does_not_touch_global_rc():
    """In a fresh interpreter (imports earlier in this process would hide it); choosing the Agg
    backend on a machine without a display is the one deliberate change."""
    code = ("import matplotlib\n"
            "style = lambda: {k: v for k, v in dict(matplotlib.rcParams).items() if not k.startswith('backend')}\n"
            "before = style()\n"
            f"import {', '.join('symenh.figures.' + m for m in FIGURES.values())}\n"
            "assert style() == before, sorted(k for k in style() if style()[k] != before[k])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_styled(name):
    make = importlib.import_module(f"symenh.figures.{FIGURES[name]}").make
    assert getattr(make, "__wrapped__", None) is not None, f"{name}.make is not decorated with style.styled"


# -- the figures as drawn ---------------------------------------------------------------------
def _closed_form_points(model, mech, element, mu_list, params, convention):
    """Stand-in for the 30-digit mpmath points (the layout does not depend on their source)."""
    return list(symenh.sigma(model, mech, mu_list, params=params, convention=convention).element(element))


def _capture(tmp_path, mod, **kw):
    """The matplotlib Figure that ``mod.make`` would save, laid out (rc of symenh's style)."""
    captured = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mod, "save", lambda fig, base, *a, **k: captured.append(fig) or [])
        if mod is asymptotics:
            mp.setattr(asymptotics, "_mp_points", _closed_form_points)
        kw = dict(kw)
        mod.make(tmp_path, kw.pop("params", PAPER), lambda s: None, **kw)
    fig = captured[0]
    with matplotlib.rc_context(style.RC):   # laid out as style.save lays it out
        fig.set_dpi(style.DPI)
        fig.draw_without_rendering()
    return fig


CASES = {"fig2": (fig2, {}), "fig3-consistent": (fig3, {"convention": "consistent"}),
         "fig3-printed": (fig3, {"convention": "printed"}), "asymptotics": (asymptotics, {}),
         "fig3-other-parameters": (fig3, {"params": PAPER.replace(Delta_eV=-0.03, q_s_per_nm=0.5, vy_m_per_s=3e5)})}
CASES["interactions"] = (interactions, {"mu_points": (1.05, 1.5, 2.0, 4.0, 6.0), "mu_large": (10.0, 100.0, 1000.0)})
CASES["temperature"] = (temperature, {"n_mu": 60, "t_sweep": (0.0, 100.0, 300.0)})


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """Each figure drawn once for the module: {case: Figure}."""
    figs = {}

    def get(case):
        if case not in figs:
            mod, kw = CASES[case]
            figs[case] = _capture(tmp_path_factory.mktemp(case), mod, **kw)
        return figs[case]

    yield get
    for fig in figs.values():
        style.plt.close(fig)


@pytest.fixture(params=sorted(CASES))
def drawn(request, figures):
    return figures(request.param)


def _ticks(axis):
    """The ticks ``axis`` draws (under symenh's rc: ticks made under other settings would differ)."""
    with matplotlib.rc_context(style.RC):
        return axis._update_ticks()


def _texts(fig):
    """Every visible, non-empty text the figure draws (titles, labels, tick labels, legends, notes)."""
    out = [t for t in [fig._suptitle, *fig.texts] if t is not None]
    for ax in fig.axes:
        out += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):
            for tick in _ticks(axis):
                out += [tick.label1, tick.label2]
        if ax.get_legend() is not None:
            out += [*ax.get_legend().get_texts(), ax.get_legend().get_title()]
    for leg in fig.legends:
        out += [*leg.get_texts(), leg.get_title()]
    unique = list({id(t): t for t in out}.values())   # the suptitle is also one of fig.texts
    return [t for t in unique if t.get_visible() and t.get_text().strip()]


def test_figure_has_a_journal_width(drawn):
    fig = drawn
    assert fig.get_size_inches()[0] <= style.PAGE_WIDTH_IN + 1e-9


def test_no_text_overlaps_another_or_leaves_the_figure(drawn):
    fig = drawn
    renderer = fig.canvas.get_renderer()
    texts = _texts(fig)
    boxes = np.array([t.get_window_extent(renderer).extents for t in texts])   # x0, y0, x1, y1 (pixels)
    fb = fig.bbox.extents
    outside = [texts[i].get_text() for i in np.nonzero((boxes[:, 0] < fb[0] - 1) | (boxes[:, 1] < fb[1] - 1) |
                                                       (boxes[:, 2] > fb[2] + 1) | (boxes[:, 3] > fb[3] + 1))[0]]
    assert not outside, f"texts outside the figure: {outside}"
    tol = 1.0
    ox = (np.minimum(boxes[:, None, 2], boxes[None, :, 2]) - np.maximum(boxes[:, None, 0], boxes[None, :, 0])) > tol
    oy = (np.minimum(boxes[:, None, 3], boxes[None, :, 3]) - np.maximum(boxes[:, None, 1], boxes[None, :, 1])) > tol
    i, j = np.nonzero(np.triu(ox & oy, 1))
    assert not len(i), f"overlapping texts: {[(texts[a].get_text(), texts[b].get_text()) for a, b in zip(i, j)]}"


def test_every_axis_and_colour_bar_names_its_unit(drawn):
    fig = drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            shown = any(t.label1.get_visible() or t.label2.get_visible() for t in _ticks(axis)
                        if t.label1.get_text() or t.label2.get_text())
            if shown:
                label = axis.label.get_text()
                assert UNIT.search(label), f"axis label without a unit: {label!r} ({ax.get_title(loc='left')!r})"


def _polylines(ax):
    """Display-coordinate vertices (densified) of the data curves and contour lines of ``ax``."""
    out = []
    for line in ax.lines:
        if line.get_gid() == "reference":
            continue
        out.append(line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float)))
    for coll in ax.collections:
        if isinstance(coll, QuadMesh):
            continue
        for path in coll.get_paths():
            out.append(coll.get_transform().transform(path.vertices))
    dense = []
    for xy in out:
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) > 1:
            t = np.linspace(0, 1, 25)[:, None, None]
            dense.append((xy[:-1] + t * (xy[1:] - xy[:-1])).reshape(-1, 2))
    return np.concatenate(dense) if dense else np.empty((0, 2))


def test_no_legend_note_or_label_sits_on_a_curve(drawn):
    fig = drawn
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = [leg.get_window_extent(renderer) for leg in [ax.get_legend(), *fig.legends] if leg is not None]
        boxes += [(t.get_bbox_patch() or t).get_window_extent(renderer) for t in ax.texts]   # notes, labels
        pts = _polylines(ax)
        for box in boxes:
            inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))
            where = ax.get_title(loc="left")
            assert not inside.any(), f"a legend, note or label covers {inside.sum()} curve points in {where!r}"


def test_dense_meshes_are_rasterised(drawn):
    fig = drawn
    meshes = [c for ax in fig.axes for c in ax.collections if isinstance(c, QuadMesh) and c.get_array().size > 1000]
    assert all(m.get_rasterized() for m in meshes)


# -- what Fig. 3 says in words ------------------------------------------------------------------
@pytest.mark.parametrize("convention", ["consistent", "printed"])
def test_fig3_states_the_relative_signs_in_plain_words(figures, convention):
    fig = figures(f"fig3-{convention}")
    a, b, c, d = fig.axes[:4]
    other = "printed" if convention == "consistent" else "consistent"
    article = {"same sign": "the same sign", "opposite signs": "opposite signs"}
    for ax, key in ((a, "enh-t vs bcd (tilted-dirac)"), (c, "enh-pt vs inh (pt-dirac)")):
        note = " ".join(t.get_text() for t in ax.texts)
        assert f"{article[RELATIVE_SIGNS[convention][key]]} here" in note, note
        assert f"give{'' if convention == 'consistent' else 's'} {article[RELATIVE_SIGNS[other][key]]}" in note, note
        assert f"{convention} convention" in note
    colour_bars = [ax.get_ylabel() for ax in fig.axes if "ratio" in ax.get_ylabel()]
    want = {"same sign": "ratio > 0 everywhere", "opposite signs": "ratio < 0 everywhere"}
    assert want[RELATIVE_SIGNS[convention]["enh-t vs bcd (tilted-dirac)"]] in colour_bars[0]
    assert want[RELATIVE_SIGNS[convention]["enh-pt vs inh (pt-dirac)"]] in colour_bars[1]


def test_fig3b_interaction_strength_grows_upwards(figures):
    fig = figures("fig3-consistent")
    b = fig.axes[1]
    lo, hi = b.get_ylim()
    assert "V_0" in b.get_ylabel() and "eV nm" in b.get_ylabel() and lo < hi   # V_0 ~ 1/q_s, increasing up
    assert b.get_yscale() == "log"


# -- writing ------------------------------------------------------------------------------------
def _small_figure():
    fig, ax = style.new_figure(2.0, width_in=3.4)
    ax.pcolormesh(np.arange(4.0), np.arange(3.0), np.ones((2, 3)), rasterized=True)
    ax.set(xlabel="x (nm)", ylabel="y (nm)")
    return fig


def test_save_writes_png_and_pdf_through_fileio_with_the_format_given(monkeypatch, tmp_path):
    used = []
    real = style.atomic_path

    def recording(path, *a, **k):
        used.append(path)
        return real(path, *a, **k)

    monkeypatch.setattr(style, "atomic_path", recording)
    paths = style.save(_small_figure(), tmp_path / "small")
    assert [p.name for p in paths] == ["small.png", "small.pdf"] and used == paths
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and paths[1].read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.pdf", "small.png"]   # no temporary left


def test_a_failed_save_leaves_no_file_and_a_rerun_writes_the_same_bytes(monkeypatch, tmp_path):
    fig = _small_figure()

    def broken(self, fname, *a, **k):
        with open(fname, "wb") as fh:
            fh.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(type(fig), "savefig", broken)
    with pytest.raises(OSError):
        style.save(fig, tmp_path / "x")
    assert not list(tmp_path.iterdir())
    monkeypatch.undo()
    first = [p.read_bytes() for p in style.save(_small_figure(), tmp_path / "a")]
    second = [p.read_bytes() for p in style.save(_small_figure(), tmp_path / "a")]
    assert first == second   # the PDF carries no creation date


def test_png_resolution_is_a_journals(tmp_path):
    png = style.save(_small_figure(), tmp_path / "r")[0].read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (round(3.4 * style.DPI), round(2.0 * style.DPI)) and style.DPI == 300
