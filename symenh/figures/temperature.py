r"""Figure ``temperature``: Fig. 3 (a), (c) at finite temperature and the ENH/competitor ratios against T.

Panels (paper parameters unless overridden; linear order in alpha; contact V_0 and Eq. 3 as
printed, like Fig. 3; raw elements in A m / V^2):

(a) sigma_ENH^(T) (solid) and sigma_BCD (dashed) of H_T (element xyy, both valleys) against mu
    at T = 0, 10, 50, 100, 300 K (paper Fig. 3(a) is the T = 0 pair);
(b) sigma_ENH^(T) / sigma_BCD against mu at the same temperatures;
(c) sigma_ENH^(T) / sigma_BCD against T (0-300 K) at mu = 1.2, 2 and 4 |Delta|;
(d)-(f) the same for sigma_ENH^(PT) and sigma_INH of H_PT (element yxx; paper Fig. 3(c)).

Every number is :func:`symenh.sigma` (``params.T_K`` = each temperature) by the closed form: each factor
(D, X, A, B, C) convolved with -df/dE in energy and then assembled (bilinear for ENH;
physics.md 7), error bound <= 1e-10 relative; at T = 0 it is the closed form of Fig. 3
itself.  The mu axis of (a), (d) starts at |Delta|/2: inside the gap the conductivities are
exactly zero at T = 0 and thermally activated at T > 0.  The ratios are drawn above the band
edge only (at T = 0 they are 0/0 in the gap).  The computed points are kept on disk
(:mod:`symenh.responses.stored_points`).

Writes temperature.png, temperature.pdf, ``temperature_curves.csv`` (a), (d),
``temperature_ratios.csv`` (b), (e) and ``temperature_vs_T.csv`` (c), (f).  Refused in one
line like Fig. 3 (Delta = 0, alpha = 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import __version__
from ..responses.api import sigma
from ..responses.result import CONVENTION_NOTES
from ..responses.stored_points import stored_arrays
from ..temperature import kT_eV
from .fig3 import CONVENTION_NOTES_TEX, ELEMENT, MU_CURVES, PAIRS, TEX, check_params, relative_sign
from .interactions import at_zero_temperature
from .style import new_figure, save, styled, tex_number
from .table import parameter_lines, require_finite, write_csv

MODELS = ("tilted-dirac", "pt-dirac")
#: temperatures of the curves (K)
T_CURVES = (0.0, 10.0, 50.0, 100.0, 300.0)
#: temperatures of panels (c), (f) (K)
T_SWEEP = (0.0, 5.0, 10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0, 250.0, 300.0)
#: chemical potentials of panels (c), (f), in |Delta|
MU_SWEEP = (1.2, 2.0, 4.0)
#: mu/|Delta| of the in-gap part of the curves (then Fig. 3's grid above the band edge)
MU_GAP = (0.5, 1.0, 40)
#: colours per temperature (cold to hot) and per mu of the sweep
T_COLOURS = ("0.1", "tab:blue", "tab:green", "tab:orange", "tab:red")
MU_COLOURS = ("tab:purple", "tab:cyan", "tab:olive")


def mu_grids(params, n_mu=MU_CURVES[2]):
    """(mu of the curves, index where the band part starts), both in eV: MU_GAP then Fig. 3's grid."""
    d = abs(params.Delta_eV)
    gap = d * np.linspace(MU_GAP[0], MU_GAP[1], MU_GAP[2], endpoint=False)
    band = d * np.linspace(MU_CURVES[0], MU_CURVES[1], n_mu)
    return np.concatenate([gap, band]), len(gap)


def _sigmas(model, mu, T, params, convention):
    """(ENH, reference) element and their error bounds (A m/V^2) at temperature T (K)."""
    out = []
    at_T = params.replace(T_K=float(T))
    for mech in PAIRS[model]:
        res = sigma(model, mech, mu, params=at_T, convention=convention)
        c, a, b = ("xy".index(ch) for ch in ELEMENT[model])
        err = np.zeros(len(mu)) if res.error_estimate is None else res.error_estimate   # None: exact (T = 0)
        out += [res.sigma[:, c, a, b], err]
    return out


def data(params, convention="consistent", report=print, n_mu=MU_CURVES[2], temperatures=T_CURVES,
         t_sweep=T_SWEEP, mu_sweep=MU_SWEEP) -> dict:
    """Every number the figure draws, checked finite: dict(mu (eV), band (index), T, T_sweep,
    mu_sweep (eV), and per model "curves" (n_T, 2, n_mu), "errors" (n_T, 2, n_mu), "sweep"
    (n_T_sweep, 2, n_mu_sweep): [ENH, reference] in A m/V^2)."""
    check_params(params)
    params = at_zero_temperature(params, report, "temperature")
    mu, band = mu_grids(params, n_mu)
    mus = abs(params.Delta_eV) * np.asarray(mu_sweep, dtype=float)
    temps, sweep_T = [float(t) for t in temperatures], [float(t) for t in t_sweep]
    names = [f"{m}:{k}" for m in MODELS for k in ("curves", "errors", "sweep", "sweep_errors")]

    def build():
        out = {}
        for model in MODELS:
            report(f"temperature: {' and '.join(PAIRS[model])} of {model} at T = "
                   f"{', '.join(f'{t:g}' for t in temps)} K and {len(sweep_T)} temperatures (closed form)")
            cur = [_sigmas(model, mu, T, params, convention) for T in temps]
            swp = [_sigmas(model, mus, T, params, convention) for T in sweep_T]
            out[f"{model}:curves"] = [[c[0], c[2]] for c in cur]
            out[f"{model}:errors"] = [[c[1], c[3]] for c in cur]
            out[f"{model}:sweep"] = [[c[0], c[2]] for c in swp]
            out[f"{model}:sweep_errors"] = [[c[1], c[3]] for c in swp]
        return out

    settings = {"params": params.as_dict(), "convention": convention,
                "mu_eV": [float(x) for x in mu], "mu_sweep_eV": [float(x) for x in mus], "T_K": temps,
                "T_sweep_K": sweep_T, "method": "closed-form"}
    st = stored_arrays("temperature-figure", settings, build, names)
    out = {"mu": mu, "band": band, "T": np.array(temps), "T_sweep": np.array(sweep_T), "mu_sweep": mus}
    for model in MODELS:
        for k in ("curves", "errors", "sweep", "sweep_errors"):
            out[(model, k)] = require_finite("params", st[f"{model}:{k}"], f"the temperature figure's {k} ({model})")
        with np.errstate(all="ignore"):
            cur, swp = out[(model, "curves")], out[(model, "sweep")]
            out[(model, "ratio")] = require_finite("params", cur[:, 0, band:] / cur[:, 1, band:],
                                                   f"the ratio {PAIRS[model][0]}/{PAIRS[model][1]}")
            out[(model, "sweep_ratio")] = require_finite("params", swp[:, 0] / swp[:, 1],
                                                         f"the ratio {PAIRS[model][0]}/{PAIRS[model][1]} against T")
    return out


def _metadata(params, convention, what, header, **extra) -> dict:
    meta = {"symenh_version": __version__, "file": what, "columns": ", ".join(header),
            "convention": convention, "convention_meaning": CONVENTION_NOTES[convention]}
    meta.update(extra)
    meta.update({
        "method": "closed form at finite T: each factor (D, X, A, B, C) convolved with -df/dE, then assembled "
                  "(symenh.sigma with params.T_K); T = 0 is Fig. 3's closed form",
        "order": "linear in alpha (alpha * d sigma / d alpha at alpha = 0)",
        "interaction": "contact V_0 = e^2/(4 pi eps_0 eps_r q_s), Eq. 3 as printed (as in Fig. 3)",
        "exchange_valleys": "same (H_T: exchange within the valley of k; H_PT: all four bands)",
        "tensor": "raw element sigma^{cab} of j^c = sigma^{cab} E^a E^b; H_T element xyy (both valleys), "
                  "H_PT element yxx"})
    meta.update(parameter_lines(params))
    return meta


def _tag(T):
    return f"{T:g}K".replace(".", "p")


def tables(dat, params, convention="consistent") -> list:
    """[(file name, metadata, header, columns)] of the figure's CSVs."""
    mu, band, temps = dat["mu"], dat["band"], dat["T"]
    t, p = "tilted-dirac", "pt-dirac"
    el = {m: ELEMENT[m] for m in MODELS}
    h_cur, c_cur, h_rat, c_rat = ["mu_meV"], [mu * 1e3], ["mu_meV"], [mu[band:] * 1e3]
    for i, T in enumerate(temps):
        for m in MODELS:
            for j, mech in enumerate(PAIRS[m]):
                h_cur.append(f"sigma_{mech.replace('-', '_')}_{el[m]}_T{_tag(T)}_A_m_per_V2")
                c_cur.append(dat[(m, "curves")][i, j])
            h_rat.append(f"ratio_{PAIRS[m][0].replace('-', '_')}_over_{PAIRS[m][1]}_T{_tag(T)}_dimensionless")
            c_rat.append(dat[(m, "ratio")][i])
    h_sw, c_sw = ["T_K", "kT_meV"], [dat["T_sweep"], np.array([kT_eV(x) * 1e3 for x in dat["T_sweep"]])]
    for m in MODELS:
        for k, x in enumerate(dat["mu_sweep"] / abs(params.Delta_eV)):
            h_sw.append(f"ratio_{PAIRS[m][0].replace('-', '_')}_over_{PAIRS[m][1]}_mu{x:g}Delta_dimensionless")
            c_sw.append(dat[(m, "sweep_ratio")][:, k])
    err = max(float(np.max(dat[(m, "errors")] / np.maximum(np.abs(dat[(m, "curves")]), 1e-300)
                            * (np.abs(dat[(m, "curves")]) > 0))) for m in MODELS)
    signs = {m: relative_sign(dat[(m, "ratio")]) for m in MODELS}
    sweep_mu = ", ".join(f"{x:g} |Delta| = {x * abs(params.Delta_eV) * 1e3:g} meV"
                         for x in dat["mu_sweep"] / abs(params.Delta_eV))
    files = [
        ("temperature_curves.csv", "panels (a), (d): Fig. 3 (a), (c) at several temperatures", h_cur, c_cur,
         {"temperatures": ", ".join(f"{x:g} K" for x in temps),
          "max_relative_error_bound": f"{err:.1e} (closed-form convolution; 0 at T = 0)",
          "in_gap": f"rows with mu < |Delta| = {abs(params.Delta_eV) * 1e3:g} meV: exactly 0 at T = 0, thermally "
                    "activated at T > 0"}),
        ("temperature_ratios.csv", "panels (b), (e): ENH / competitor against mu (above the band edge)", h_rat, c_rat,
         {"relative_sign_enh_t_vs_bcd": f"{signs[t]} (every T and mu here, {convention} convention)",
          "relative_sign_enh_pt_vs_inh": f"{signs[p]} (every T and mu here, {convention} convention)"}),
        ("temperature_vs_T.csv", "panels (c), (f): ENH / competitor against T at three chemical potentials",
         h_sw, c_sw, {"mu": sweep_mu}),
    ]
    out = []
    for name, what, header, cols, extra in files:
        for col_name, col in zip(header, cols):
            require_finite("params", col, f"column {col_name} of {name}")
        out.append((name, _metadata(params, convention, what, header, **extra), header, cols))
    return out


def _curve_panel(ax, dat, model, params):
    enh, ref = PAIRS[model]
    mu_meV = dat["mu"] * 1e3
    cur = dat[(model, "curves")]
    scale = 10.0 ** np.floor(np.log10(np.max(np.abs(cur))))
    ax.axhline(0, color="0.7", lw=0.6, gid="reference")
    ax.axvline(abs(params.Delta_eV) * 1e3, color="0.5", lw=0.7, ls=":", gid="reference")
    for i, T in enumerate(dat["T"]):
        lw = 2.0 if T == 0 else 1.0        # T = 0 drawn wide, under the low-T curves that coincide with it
        ax.plot(mu_meV, cur[i, 0] / scale, color=T_COLOURS[i % len(T_COLOURS)], lw=lw)
        ax.plot(mu_meV, cur[i, 1] / scale, color=T_COLOURS[i % len(T_COLOURS)], lw=lw, ls="--")
    ax.set_xlim(mu_meV[0], mu_meV[-1])
    ax.set_xlabel(r"$\mu$ (meV)")
    ax.set_ylabel(rf"$\sigma^{{{ELEMENT[model]}}}$ (${tex_number(scale)}$ A m V$^{{-2}}$)")
    lo, hi = ax.get_ylim()
    found = relative_sign(dat[(model, "ratio")])
    words = {"same sign": "the same sign", "opposite signs": "opposite signs"}.get(found, found)
    name = {"enh-t": "ENH$^{(T)}$", "enh-pt": "ENH$^{(PT)}$"}[enh]
    top = abs(hi) <= abs(lo)
    ax.set_ylim((lo, hi + 0.35 * (hi - lo)) if top else (lo - 0.35 * (hi - lo), hi))
    ax.text(0.97, 0.96 if top else 0.04, f"solid {name}, dashed {ref.upper()}:\n{words} at every $T$ and "
            r"$\mu > |\Delta|$", transform=ax.transAxes, ha="right", va="top" if top else "bottom", fontsize=6.3,
            bbox={"boxstyle": "round,pad=0.3", "fc": "#fff8e0", "ec": "0.55", "lw": 0.6})


def _ratio_panel(ax, dat, model):
    enh, ref = PAIRS[model]
    mu = dat["mu"][dat["band"]:]
    d = mu[0] / MU_CURVES[0]
    for i, T in enumerate(dat["T"]):
        ax.plot(mu / d, dat[(model, "ratio")][i], color=T_COLOURS[i % len(T_COLOURS)], lw=2.0 if T == 0 else 1.0)
    for k, x in enumerate(dat["mu_sweep"] / d):
        ax.axvline(x, color=MU_COLOURS[k % len(MU_COLOURS)], lw=0.7, ls=":", gid="reference")
    ax.set_xlim(1, mu[-1] / d)
    ax.set_xlabel(r"$\mu / |\Delta|$ (dimensionless)")
    ax.set_ylabel(rf"{TEX[enh]} / {TEX[ref]} (dimensionless)")


def _sweep_panel(ax, dat, model):
    enh, ref = PAIRS[model]
    d = dat["mu"][dat["band"]] / MU_CURVES[0]
    for k, x in enumerate(dat["mu_sweep"] / d):
        ax.plot(dat["T_sweep"], dat[(model, "sweep_ratio")][:, k], "-o", ms=2.5, lw=1.0,
                color=MU_COLOURS[k % len(MU_COLOURS)], label=f"\u03bc = {x:g} |\u0394|")
    ax.set_xlim(0, dat["T_sweep"][-1])
    ax.set_xlabel(r"$T$ (K)")
    ax.set_ylabel(rf"{TEX[enh]} / {TEX[ref]} (dimensionless)")
    ax.legend(fontsize=6.3, frameon=False, handlelength=1.6, loc="best")


def draw(dat, params, convention="consistent"):
    """The figure (matplotlib Figure) of :func:`data`; call inside :func:`~symenh.figures.style.styled`."""
    fig, ax = new_figure(5.2, 2, 3)
    titles = {"tilted-dirac": (r"(a) $H_T$, $xyy$ (Fig. 3(a))", r"(b) %s / %s",
                               r"(c) %s / %s against $T$"),
              "pt-dirac": (r"(d) $H_{PT}$, $yxx$ (Fig. 3(c))", r"(e) %s / %s", r"(f) %s / %s against $T$")}
    for row, model in enumerate(MODELS):
        enh, ref = PAIRS[model]
        _curve_panel(ax[row, 0], dat, model, params)
        _ratio_panel(ax[row, 1], dat, model)
        _sweep_panel(ax[row, 2], dat, model)
        t = titles[model]
        ax[row, 0].set_title(t[0])
        ax[row, 1].set_title(t[1] % (TEX[enh], TEX[ref]))
        ax[row, 2].set_title(t[2] % (TEX[enh], TEX[ref]))
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], color=T_COLOURS[i % len(T_COLOURS)], lw=1.2,
                      label=f"T = {T:g} K (k_B T = {kT_eV(T) * 1e3:.2g} meV)")
               for i, T in enumerate(dat["T"])]
    handles += [Line2D([], [], color="0.4", lw=0.8, ls=":", label="(b), (e): dotted at the \u03bc of (c), (f)")]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False, fontsize=6.5)
    v = (rf"$v$ = ${tex_number(params.vx_m_per_s)}$ m/s" if params.vx_m_per_s == params.vy_m_per_s else
         rf"$v_x$ = ${tex_number(params.vx_m_per_s)}$, $v_y$ = ${tex_number(params.vy_m_per_s)}$ m/s")
    fig.suptitle(
        rf"Finite temperature: $\Delta$ = ${tex_number(params.Delta_eV * 1e3)}$ meV, {v}, $\alpha/\hbar v$ = ${tex_number(params.alpha_over_hbar_v)}$, $\tau$ = ${tex_number(params.tau_ps)}$ ps, $q_s$ = ${tex_number(params.q_s_per_nm)}$ "
        r"nm$^{-1}$; linear order in $\alpha$"
        + "\n" + r"contact $V_0$ and Eq. 3 as printed (as Fig. 3); closed form: every factor convolved with "
        r"$-\partial f/\partial E$, then assembled;" "\n"
        r"$\mu$ inside the gap: 0 at $T$ = 0, thermally activated at $T > 0$"
        + f"\nSign convention: {convention}: {CONVENTION_NOTES_TEX[convention]}")
    return fig


@styled
def make(out_dir: Path, params, report=print, convention: str = "consistent", n_mu=MU_CURVES[2],
         t_sweep=T_SWEEP) -> list:
    """Write temperature.png, temperature.pdf and the three CSVs into ``out_dir``; return the paths.

    ``n_mu`` (points above the band edge) and ``t_sweep`` (K) may be smaller for quick tests."""
    dat = data(params, convention, report, n_mu=n_mu, t_sweep=t_sweep)
    params = at_zero_temperature(params, lambda _: None)
    tabs = tables(dat, params, convention)
    paths = save(draw(dat, params, convention), Path(out_dir) / "temperature")
    return paths + [write_csv(Path(out_dir) / name, meta, header, cols) for name, meta, header, cols in tabs]


__all__ = ["MU_SWEEP", "T_CURVES", "T_SWEEP", "data", "draw", "make", "mu_grids", "tables"]
