"""Paper Fig. 3: the exchange nonlinear Hall effect against BCD (H_T) and INH (H_PT).

Panels (paper parameters unless overridden; T = 0, linear order in alpha):

(a) sigma_ENH^(T) and sigma_BCD vs mu for H_T (element xyy = j_x / E_y^2, both valleys);
(b) sigma_ENH^(T) / sigma_BCD over mu/|Delta| x the interaction strength
    V_0 = e^2/(4 pi eps_0 q_s) (eV nm^2, growing upwards; q_s on the right axis);
(c) sigma_ENH^(PT) and sigma_INH vs mu for H_PT (element yxx = j_y / E_x^2);
(d) sigma_ENH^(PT) / sigma_INH over mu/|Delta| x Delta (the gap: the second parameter).

Panels (a) and (c) say in words which relative sign the curves have in the convention
drawn (read off the curves) and which the other convention gives (sigma_ENH changes sign
with the convention, BCD and INH do not); tests/test_figures_style.py checks both against
the derived table symenh.responses.result.RELATIVE_SIGNS;
the ratio maps (b), (d) are parameter maps of :mod:`symenh.maps` (the engine of
:func:`symenh.sweep`, closed form vectorised over both axes) and colour log10 of the ratio's
magnitude with its sign on the colour bar (or a signed scale if the sign changes).  The maps span q_s/4 to 10 q_s and
Delta/5 to 2 Delta around the parameters given (at the paper's: 0.05-2 / nm, 10-100 meV).

Also writes the plotted numbers as CSV (:mod:`symenh.figures.table`): '# key: value'
lines with the convention, every parameter with its unit and the symenh version, then
columns whose names carry their units.  Conductivities in SI (A m / V^2).

Refused in one line (:class:`~symenh.errors.ResponseError`): Delta = 0 (the axes are in
mu/|Delta|), alpha = 0 (every conductivity vanishes and the ratios are 0/0), and any
parameters at which a plotted number is not finite.

A user's model file (``symenh figure fig3 --model-file FILE --mu ...``, ``make(..., loaded=...)``):
the same mechanisms, elements, units and conventions for the file's model by quadrature (grid for a
lattice model) with error bands, the ratios against mu instead of the maps, and one CSV naming the
file and its SHA-256: :mod:`symenh.figures.fig3_file`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import SymLogNorm
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from .. import __version__
from ..errors import ResponseError
from ..maps import MapSpec
from ..maps import axis as map_axis
from ..maps.run import compute as compute_map
from ..params import RANGES
from ..report import PAPER_SAYS
from ..responses.api import sigma
from ..responses.result import CONVENTION_NOTES
from ..responses.spec import ENH_PAIRS
from ..units import COULOMB_EV_NM
from .style import DIVERGING, SEQUENTIAL, new_figure, save, styled, tex_number
from .table import parameter_lines, require_finite, write_csv

#: the element plotted for each model, and the (ENH, reference) pair
ELEMENT = {m: el for m, (_, _, el) in ENH_PAIRS.items()}
PAIRS = {m: (enh, ref) for m, (enh, ref, _) in ENH_PAIRS.items()}
#: key of each model's pair in RELATIVE_SIGNS
SIGN_KEY = {"tilted-dirac": "enh-t vs bcd (tilted-dirac)", "pt-dirac": "enh-pt vs inh (pt-dirac)"}
#: the paper's equation for each ENH mechanism
EQUATION = {"enh-t": "Eq. 10", "enh-pt": "Eq. 9"}
TEX = {"enh-t": r"$\sigma_{\rm ENH}^{(T)}$", "bcd": r"$\sigma_{\rm BCD}$",
       "enh-pt": r"$\sigma_{\rm ENH}^{(PT)}$", "inh": r"$\sigma_{\rm INH}$"}
CONVENTION_SHORT = {"consistent": "charge $-e$, $H' = +eE\\cdot r$",
                    "printed": "Eqs. 2, 9, 10 as printed"}
#: Parameters field -> the name a user types (symenh --param)
TYPED = {"q_s_per_nm": "q_s", "Delta_eV": "Delta"}
CONVENTION_NOTES_TEX = {"consistent": "charge $-e$ and $H' = +eE\\cdot r$ in every mechanism, so "
                                      "$\\sigma_{\\rm ENH} = -$(printed Eqs. 9, 10)",
                        "printed": "Eqs. 9 and 10 as printed, their Eq. 2 answering to $H' = -eE\\cdot r$"}
#: the line marking the other panel's parameter value on a map (not in the viridis palette)
MARKER_COLOUR = "#e8192c"
ARTICLE = {"same sign": "the same sign", "opposite signs": "opposite signs"}
FLIP = {"same sign": "opposite signs", "opposite signs": "same sign"}

#: grids: mu/|Delta| of the curves and of the maps; the maps' second parameter relative to its value
MU_CURVES = (1.0005, 6.0, 240)
MU_MAPS = (1.02, 8.0, 160)
Q_S_SPAN = (0.25, 10.0, 80)      # q_s / q_s(params), log-spaced
DELTA_SPAN = (0.2, 2.0, 80)      # Delta / Delta(params), linear


def check_params(params) -> None:
    """Raise a one-line ResponseError for parameters at which Fig. 3 is undefined."""
    if params.Delta_eV == 0:
        raise ResponseError("Delta: Fig. 3 needs a gapped model (Delta != 0): its axes are mu/|Delta|")
    if params.alpha_over_hbar_v == 0:
        raise ResponseError("alpha_over_hbar_v: Fig. 3 needs a tilt (alpha != 0): every conductivity is "
                            "linear in alpha, so at alpha = 0 all vanish and the ratios of panels (b), (d) are 0/0")


def curves(params, convention="consistent", n_mu=MU_CURVES[2], mu_max_over_delta=MU_CURVES[1]):
    """mu grid (eV) and {(model, mechanism): element values (A m/V^2)} for panels (a), (c)."""
    d = abs(params.Delta_eV)
    mu = d * np.linspace(MU_CURVES[0], mu_max_over_delta, n_mu)
    out = {}
    for model, mechs in PAIRS.items():
        for mech in mechs:
            res = sigma(model, mech, mu, params=params, convention=convention)
            out[(model, mech)] = require_finite("params", res.element(ELEMENT[model]),
                                                f"sigma_{mech} of Fig. 3 (A m/V^2)")
    return mu, out


def ratio_map(model, params, second, values, mu_over_delta, convention="consistent"):
    """ENH / reference ratio (dimensionless) over (second parameter value, mu/|Delta|) -> 2-D array.

    ``second`` is a :class:`~symenh.params.Parameters` field name (``"q_s_per_nm"`` or ``"Delta_eV"``);
    row i uses ``params`` with ``second = values[i]`` and mu = |Delta| * ``mu_over_delta`` (eV).
    Computed as a parameter map (:mod:`symenh.maps`, the engine of :func:`symenh.sweep`): both
    mechanisms over the axes (second, mu_over_Delta), the closed form vectorised over both."""
    check_params(params)
    enh, ref = PAIRS[model]
    idx = tuple("xy".index(ch) for ch in ELEMENT[model])
    for v in values:
        check_params(params.replace(**{second: v}))
    spec = MapSpec(model, (enh, ref), "closed-form",
                   (map_axis(TYPED[second], values), map_axis("mu_over_Delta", mu_over_delta)), params,
                   (("convention", convention),))
    res = compute_map(spec, executor="serial")
    if res.failures:
        raise ResponseError(next(iter(res.failures.values())))
    sig = res.sigma[(slice(None), slice(None), slice(None)) + idx]   # (rows, mechanism, mu)
    with np.errstate(all="ignore"):
        rows = sig[:, 0] / sig[:, 1]
    return require_finite(TYPED.get(second, second), rows, f"the ratio sigma_{enh} / sigma_{ref} of Fig. 3")


def relative_sign(ratio) -> str:
    """'same sign', 'opposite signs' or 'a sign that changes' for an array of ENH / reference ratios."""
    r = np.asarray(ratio)
    return "same sign" if np.all(r > 0) else "opposite signs" if np.all(r < 0) else "a sign that changes"


def sign_lines(enh, ref, convention, found, paper=None) -> list:
    """The lines of a sign note: the relative sign ``found`` of sigma_``enh`` and sigma_``ref`` in
    ``convention``, what the other convention gives (sigma_ENH changes sign with the convention, BCD
    and INH do not) and, if given, ``paper`` (what the paper's text says)."""
    other = FLIP.get(found, found)
    lines = [f"{TEX[enh]} and {TEX[ref]}: {ARTICLE.get(found, found)} here",
             f"({convention} convention: {CONVENTION_SHORT[convention]})"]
    if convention == "consistent":
        lines += [f"The paper's printed Eqs. 2, {EQUATION[enh][4:]} give {ARTICLE.get(other, other)}",
                  "(--convention printed)" + (f"; {paper}" if paper else "")]
    else:
        lines += [r"The default consistent convention (charge $-e$,",
                  f"$H' = +eE\\cdot r$) gives {ARTICLE.get(other, other)}" + (";" if paper else "")]
        lines += [paper] if paper else []
    return lines


def sign_note(model, convention, found) -> str:
    """The words drawn on panel (a) or (c): the relative sign ``found`` on the curves, in
    ``convention``, and what the other convention (and the paper's text) give."""
    enh, ref = PAIRS[model]
    said = PAPER_SAYS[model]
    paper = "the paper does not say" if said.startswith("not") else f"the paper says {said.split(' (')[0]}"
    return "\n".join(sign_lines(enh, ref, convention, found, paper))


def ratio_colours(ratio):
    """How a ratio map is coloured: dict(z, label, cmap, norm, sign), z the array to colour.

    One sign everywhere: z = log10 of the magnitude, and the label says the sign; a sign
    that changes: z = the ratio on a signed symmetric-log scale."""
    r = np.asarray(ratio)
    sign = relative_sign(r)
    if sign == "same sign":
        return {"z": np.log10(r), "cmap": SEQUENTIAL, "norm": None, "sign": sign,
                "label": "$\\log_{10}$(ratio) (dimensionless)\nratio > 0 everywhere: same sign"}
    if sign == "opposite signs":
        return {"z": np.log10(-r), "cmap": SEQUENTIAL, "norm": None, "sign": sign,
                "label": "$\\log_{10}$($-$ratio) (dimensionless)\nratio < 0 everywhere: opposite signs"}
    vmax = float(np.max(np.abs(r)))
    return {"z": r, "cmap": DIVERGING, "norm": SymLogNorm(linthresh=min(1.0, vmax), vmin=-vmax, vmax=vmax),
            "sign": sign, "label": "ratio (dimensionless; signed, linear within $\\pm$1, log beyond)"}


def curve_panel(ax, mu_meV, y_enh, y_ref, enh, ref, element, note, *, edges_meV=(), edge_label="band edge",
                xlim=None, err_enh=None, err_ref=None, marker=None) -> None:
    """Draw sigma_``enh`` and sigma_``ref`` (A m/V^2, element ``element``) against mu (meV) on ``ax``,
    scaled by a power of ten named on the axis, with dotted lines at ``edges_meV``, the legend and
    ``note`` in a band kept free of curves; ``err_enh``, ``err_ref`` (A m/V^2): error bands; ``marker``:
    a marker at each mu (computed points)."""
    top_enh = y_enh if err_enh is None else np.abs(y_enh) + err_enh
    top_ref = y_ref if err_ref is None else np.abs(y_ref) + err_ref
    scale = 10.0 ** np.floor(np.log10(max(np.max(np.abs(top_enh)), np.max(np.abs(top_ref)))))
    ax.axhline(0, color="0.6", lw=0.6, gid="reference")   # reference lines may pass under the note
    points = {} if marker is None else {"marker": marker, "ms": 2.5}
    ax.plot(mu_meV, y_enh / scale, color="tab:red", label=TEX[enh], **points)
    ax.plot(mu_meV, y_ref / scale, color="tab:blue", label=TEX[ref], **points)
    bounds = [y_enh, y_ref]
    for y, err, colour in ((y_enh, err_enh, "tab:red"), (y_ref, err_ref, "tab:blue")):
        if err is not None:
            ax.fill_between(mu_meV, (y - err) / scale, (y + err) / scale, color=colour, alpha=0.3, lw=0)
            bounds += [y - err, y + err]
    for i, edge in enumerate(edges_meV):
        ax.axvline(edge, color="0.5", lw=0.7, ls=":", label=edge_label if i == 0 else None, gid="reference")
    ax.set_xlabel(r"$\mu$ (meV)")
    ax.set_ylabel(r"$\sigma^{%s}$ ($%s$ A m V$^{-2}$)" % (element, tex_number(scale)))
    ax.set_xlim(*(xlim or (0, mu_meV[-1])))
    ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))  # tick labels of stable width
    # a band free of curves for the legend and the sign note, on the side the curves reach least
    lo = min(*(np.min(b) for b in bounds), 0.0) / scale
    hi = max(*(np.max(b) for b in bounds), 0.0) / scale
    pad = 0.06 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    band = 0.78 * (hi - lo)
    top = abs(hi) <= abs(lo)
    ax.set_ylim((lo, hi + band) if top else (lo - band, hi))
    ax.legend(frameon=False, ncol=3, loc="upper center" if top else "lower center", handlelength=1.5,
              columnspacing=1.0, borderaxespad=0.3)
    ax.text(0.03, 0.86 if top else 0.14, note, transform=ax.transAxes,
            fontsize=6.3, linespacing=1.35, ha="left", va="top" if top else "bottom",
            bbox={"boxstyle": "round,pad=0.35", "fc": "#fff8e0", "ec": "0.55", "lw": 0.6})


def _curve_panel(ax, mu_meV, cur, model, params, convention):
    """Draw panel (a) or (c); return the relative sign found on the curves."""
    enh, ref = PAIRS[model]
    y_enh, y_ref = cur[(model, enh)], cur[(model, ref)]
    found = relative_sign(y_enh / y_ref)
    curve_panel(ax, mu_meV, y_enh, y_ref, enh, ref, ELEMENT[model], sign_note(model, convention, found),
                edges_meV=(abs(params.Delta_eV) * 1e3,))
    return found


def _legend_corner(mag, yvals, marker):
    """A corner of a map ("lower right", ...) where the |ratio| = 1 contour and the marker line
    do not pass, or None."""
    ny, nx = mag.shape
    ry, rx = max(2, ny // 4), max(2, int(nx * 0.5))
    blocks = {"lower right": (slice(0, ry), slice(nx - rx, nx)), "upper left": (slice(ny - ry, ny), slice(0, rx)),
              "lower left": (slice(0, ry), slice(0, rx)), "upper right": (slice(ny - ry, ny), slice(nx - rx, nx))}
    for corner, (sy, sx) in blocks.items():
        block = mag[sy, sx]
        y = np.asarray(yvals)[sy]
        crosses = np.min(block) < 0 < np.max(block)
        if not crosses and not (min(y[0], y[-1]) <= marker <= max(y[0], y[-1])):
            return corner
    return None


def _map_panel(fig, ax, mu_ratio, yvals, ratio, marker, marker_label):
    """Draw panel (b) or (d) (rows of ``ratio`` over ``yvals`` ascending); return its relative sign."""
    col = ratio_colours(ratio)
    im = ax.pcolormesh(mu_ratio, yvals, col["z"], shading="auto", cmap=col["cmap"], norm=col["norm"],
                       rasterized=True)
    outline = [patheffects.withStroke(linewidth=2.4, foreground="k")]
    handles = []
    with np.errstate(divide="ignore"):
        mag = np.log10(np.abs(ratio))
    if np.min(mag) < 0 < np.max(mag):
        ax.contour(mu_ratio, yvals, mag, levels=[0.0], colors="w", linewidths=1.3).set_path_effects(outline)
        handles.append(Line2D([], [], color="w", lw=1.3, path_effects=outline, label="|ratio| = 1"))
    ax.axhline(marker, color=MARKER_COLOUR, lw=1.1, ls="--")
    handles.append(Line2D([], [], color=MARKER_COLOUR, lw=1.1, ls="--", label=marker_label))
    corner = _legend_corner(mag, yvals, marker)
    if corner:
        ax.legend(handles=handles, loc=corner, fontsize=6.5, framealpha=0.85, edgecolor="0.5")
    else:  # no free corner: above the panel
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=6.5,
                  frameon=False)
    ax.set_xlabel(r"$\mu / |\Delta|$ (dimensionless)")
    cb = fig.colorbar(im, ax=ax, pad=0.02)
    cb.set_label(col["label"], fontsize=7)
    return col["sign"]


def _round_ticks(lo, hi):
    """1, 2, 5 x 10^n between ``lo`` and ``hi`` (> 0), for a log axis spanning a decade or two."""
    exps = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    return [m * 10.0**e for e in exps for m in (1, 2, 5) if lo <= m * 10.0**e <= hi]


def _reciprocal(x):
    """COULOMB_EV_NM / x (V_0 in eV nm^2 <-> q_s in 1/nm), for the secondary axis of panel (b)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return COULOMB_EV_NM / x


def _paper_mark(value, paper_value):
    return " (paper)" if np.isclose(value, paper_value, rtol=1e-12, atol=0) else ""


def _within(field, value, span):
    """(lo, hi) = value * span, clipped to the allowed range of the Parameters field (so a map
    around an extreme but valid value stays valid)."""
    _, _, vmin, vmax, _, _ = RANGES[field]
    return max(value * span[0], vmin), min(value * span[1], vmax)


def maps(params, convention="consistent"):
    """The grids and ratio maps of panels (b), (d): dict(mu_over_delta, q_s (1/nm), ratio_t,
    Delta (eV), ratio_pt); ratios dimensionless, rows over the second parameter."""
    mu_ratio = np.linspace(*MU_MAPS)
    qs = np.geomspace(*_within("q_s_per_nm", params.q_s_per_nm, Q_S_SPAN[:2]), Q_S_SPAN[2])
    lo, hi = _within("Delta_eV", abs(params.Delta_eV), DELTA_SPAN[:2])
    deltas = np.sign(params.Delta_eV) * np.linspace(lo, hi, DELTA_SPAN[2])
    return {"mu_over_delta": mu_ratio, "q_s": qs, "Delta": deltas,
            "ratio_t": ratio_map("tilted-dirac", params, "q_s_per_nm", qs, mu_ratio, convention),
            "ratio_pt": ratio_map("pt-dirac", params, "Delta_eV", deltas, mu_ratio, convention)}


def _metadata(params, convention, what, columns, **extra):
    meta = {"symenh_version": __version__, "file": what, "columns": columns,
            "convention": convention, "convention_meaning": CONVENTION_NOTES[convention]}
    meta.update(extra)
    meta.update({"temperature": f"{params.T_K:g} K", "order": "linear in alpha (alpha * d sigma / d alpha at alpha = 0)",
                 "exchange_valleys": "same (H_T: exchange within the valley of k; H_PT: all four bands)",
                 "fierz_factor": "Eq. 3 as printed (no 1/2); ENH scales linearly with it and with V_0",
                 "sigma_bcd_form": "DC (the rectified-AC coefficient of Sodemann-Fu is half of it)",
                 "tensor": "raw element sigma^{cab} of j^c = sigma^{cab} E^a E^b; H_T element xyy "
                           "(both valleys), H_PT element yxx"})
    meta.update(parameter_lines(params))
    return meta


def data(params, convention="consistent", report=print) -> dict:
    """Every number Fig. 3 draws: dict(mu (eV), curves {(model, mech): A m/V^2}, and the maps of
    :func:`maps`); checked finite, refused in one line where undefined (:func:`check_params`)."""
    check_params(params)
    report("fig3: conductivity curves (closed form)")
    mu, cur = curves(params, convention)
    report("fig3: ratio maps")
    return {"mu": mu, "curves": cur, **maps(params, convention)}


#: file name, what it holds, column names (units in the names): the CSVs of Fig. 3
CSV_FILES = {
    "curves": ("fig3_curves.csv", "Fig. 3 (a), (c): conductivity curves against mu",
               ["mu_meV", "sigma_enh_t_xyy_A_m_per_V2", "sigma_bcd_xyy_A_m_per_V2",
                "sigma_enh_pt_yxx_A_m_per_V2", "sigma_inh_yxx_A_m_per_V2"]),
    "b": ("fig3b_ratio.csv", "Fig. 3 (b): sigma_ENH^(T) / sigma_BCD of H_T (element xyy) over q_s x mu/|Delta|",
          ["q_s_per_nm", "V0_eV_nm2", "mu_over_abs_Delta_dimensionless", "mu_meV",
           "ratio_enh_t_over_bcd_dimensionless"]),
    "d": ("fig3d_ratio.csv", "Fig. 3 (d): sigma_ENH^(PT) / sigma_INH of H_PT (element yxx) over Delta x mu/|Delta|",
          ["Delta_meV", "mu_over_abs_Delta_dimensionless", "mu_meV", "ratio_enh_pt_over_inh_dimensionless"]),
}


def tables(dat, params, convention="consistent") -> list:
    """[(file name, metadata, header, columns)] of the CSVs of Fig. 3 from :func:`data`."""
    cur, mu_ratio, qs, deltas = dat["curves"], dat["mu_over_delta"], dat["q_s"], dat["Delta"]
    signs = {model: relative_sign(cur[(model, PAIRS[model][0])] / cur[(model, PAIRS[model][1])])
             for model in PAIRS}
    n_mu = len(mu_ratio)
    meta = {
        "curves": dict(relative_sign_enh_t_vs_bcd=f"{signs['tilted-dirac']} (on these numbers, {convention} "
                                                  "convention)",
                       relative_sign_enh_pt_vs_inh=f"{signs['pt-dirac']} (on these numbers, {convention} convention)"),
        "b": dict(varied=f"q_s from {float(qs[0])!r} to {float(qs[-1])!r} 1/nm (one value per row block; every "
                         "other parameter as below)",
                  relative_sign=f"{relative_sign(dat['ratio_t'])} (ENH(T) vs BCD, everywhere on this map)"),
        "d": dict(varied=f"Delta from {float(deltas[0])!r} to {float(deltas[-1])!r} eV (one value per row block; "
                         "every other parameter as below)",
                  relative_sign=f"{relative_sign(dat['ratio_pt'])} (ENH(PT) vs INH, everywhere on this map)"),
    }
    columns = {
        "curves": [dat["mu"] * 1e3, cur[("tilted-dirac", "enh-t")], cur[("tilted-dirac", "bcd")],
                   cur[("pt-dirac", "enh-pt")], cur[("pt-dirac", "inh")]],
        "b": [np.repeat(qs, n_mu), np.repeat(COULOMB_EV_NM / qs, n_mu), np.tile(mu_ratio, len(qs)),
              np.tile(mu_ratio * abs(params.Delta_eV) * 1e3, len(qs)), dat["ratio_t"].ravel()],
        "d": [np.repeat(deltas * 1e3, n_mu), np.tile(mu_ratio, len(deltas)),
              np.outer(np.abs(deltas) * 1e3, mu_ratio).ravel(), dat["ratio_pt"].ravel()],
    }
    out = []
    for key, (name, what, header) in CSV_FILES.items():
        cols = columns[key]
        for col_name, col in zip(header, cols):  # every number checked before any file is written
            require_finite("params", col, f"column {col_name} of {name}")
        out.append((name, _metadata(params, convention, what, ", ".join(header), **meta[key]), header, cols))
    return out


def write_tables(out_dir: Path, tabs) -> list:
    """Write the :func:`tables` into ``out_dir`` (atomically); return the paths."""
    return [write_csv(Path(out_dir) / name, meta, header, cols) for name, meta, header, cols in tabs]


def draw(dat, params, convention="consistent"):
    """The figure (matplotlib Figure) of :func:`data`; call inside :func:`~symenh.figures.style.styled`."""
    mu_ratio, qs, deltas = dat["mu_over_delta"], dat["q_s"], dat["Delta"]
    mu_meV, cur = dat["mu"] * 1e3, dat["curves"]
    fig, ax = new_figure(5.9, 2, 2)
    a, b, c, d = ax.ravel()
    _curve_panel(a, mu_meV, cur, "tilted-dirac", params, convention)
    a.set_title(r"(a) $H_T$ (both valleys): ENH$^{(T)}$ and BCD")
    _curve_panel(c, mu_meV, cur, "pt-dirac", params, convention)
    c.set_title(r"(c) $H_{PT}$: ENH$^{(PT)}$ and INH")

    # (b): interaction strength V_0 = e^2/(4 pi eps_0 q_s) grows upwards; q_s on the right axis
    V0 = COULOMB_EV_NM / (qs * params.eps_r)   # the V_0 of each map row (eps_r included, as in the map)
    order = np.argsort(V0)
    V0_here = params.V0_eV_nm2
    _map_panel(fig, b, mu_ratio, V0[order], dat["ratio_t"][order], V0_here,
               r"$q_s$ = $%s$ nm$^{-1}$ of panel (a)%s" % (tex_number(params.q_s_per_nm),
                                                          _paper_mark(params.q_s_per_nm, 0.2)))
    b.set_yscale("log")
    b.set_yticks(_round_ticks(V0.min(), V0.max()))
    b.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    b.yaxis.set_minor_formatter(NullFormatter())
    b.set_ylabel(r"$V_0 = e^2/(4\pi\epsilon_0 q_s)$ (eV nm$^2$)" + "\nstronger interaction upwards")
    b.tick_params(axis="y", which="both", right=False)
    sec = b.secondary_yaxis("right", functions=(_reciprocal, _reciprocal))
    sec.set_ylabel(r"$q_s$ (nm$^{-1}$)", labelpad=1)
    sec.set_yticks(_round_ticks(qs.min(), qs.max()))
    sec.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    sec.yaxis.set_minor_formatter(NullFormatter())
    b.set_title(r"(b) %s / %s, $H_T$, $\Delta$ = $%s$ meV" % (TEX["enh-t"], TEX["bcd"],
                                                             tex_number(params.Delta_eV * 1e3)))

    _map_panel(fig, d, mu_ratio, deltas * 1e3, dat["ratio_pt"], params.Delta_eV * 1e3,
               r"$\Delta$ = $%s$ meV of panel (c)%s" % (tex_number(params.Delta_eV * 1e3),
                                                       _paper_mark(params.Delta_eV, 0.05)))
    d.set_ylabel(r"$\Delta$ (meV)")
    d.set_title(r"(d) %s / %s, $H_{PT}$, $q_s$ = $%s$ nm$^{-1}$" % (TEX["enh-pt"], TEX["inh"],
                                                                   tex_number(params.q_s_per_nm)))
    v = tex_number(params.vx_m_per_s) if params.vx_m_per_s == params.vy_m_per_s else None
    vtext = (r"$v_{x,y}$ = $%s$ m/s" % v if v else r"$v_x$ = $%s$ m/s, $v_y$ = $%s$ m/s"
             % (tex_number(params.vx_m_per_s), tex_number(params.vy_m_per_s)))
    fig.suptitle(r"$\Delta$ = $%s$ meV, %s, $\alpha/\hbar v$ = $%s$, $\tau$ = $%s$ ps, $q_s$ = $%s$ nm$^{-1}$"
                 r" ($V_0$ = $%s$ eV nm$^2$)" % (
                     tex_number(params.Delta_eV * 1e3), vtext, tex_number(params.alpha_over_hbar_v),
                     tex_number(params.tau_ps), tex_number(params.q_s_per_nm), tex_number(V0_here)) +
                 "\nSign convention: %s: %s\n"
                 "$T$ = $%s$ K, linear in $\\alpha$; $V_0$ with $\\varepsilon_r$ = $%s$ (1: vacuum, as the paper); "
                 "Eq. 3 as printed (no Fierz 1/2)"
                 % (convention, CONVENTION_NOTES_TEX[convention], tex_number(params.T_K), tex_number(params.eps_r)))
    return fig


@styled
def make(out_dir: Path, params, report=print, convention: str = "consistent", *, loaded=None, mu_eV=None,
         method=None, options=None) -> list:
    """Write fig3.png, fig3.pdf and the CSV of its numbers into ``out_dir``; return the paths.

    Everything is computed and checked finite before the first file is written.  With ``loaded`` (a
    :class:`~symenh.models.model_file.LoadedModel`): Fig. 3 of the model file at the chemical potentials
    ``mu_eV`` (eV) by ``method`` (:func:`symenh.figures.fig3_file.make`)."""
    if loaded is not None:
        from . import fig3_file

        return fig3_file.make(out_dir, params, report, loaded=loaded, mu_eV=mu_eV, method=method,
                              convention=convention, options=options)
    dat = data(params, convention, report)
    tabs = tables(dat, params, convention)
    paths = save(draw(dat, params, convention), Path(out_dir) / "fig3")
    return paths + write_tables(out_dir, tabs)
