r"""``symenh figure fig3 --model-file FILE --mu ...``: the paper's Fig. 3 for a user's model file.

The conductivities of the paper's Fig. 3 (:mod:`symenh.figures.fig3`), for the model of the file
(every component summed, as :func:`symenh.sigma` sums them), by quadrature (grid for a lattice model,
as ``symenh figure model`` decides; ``--method`` overrides), with the error estimate of each as a band:

(a) sigma_ENH^(T) (paper Eq. 10) and sigma_BCD against mu, element xyy (j_x / E_y^2);
(b) sigma_ENH^(T) / sigma_BCD against mu (dimensionless), at the q_s given;
(c) sigma_ENH^(PT) (paper Eq. 9) and sigma_INH against mu, element yxx (j_y / E_x^2);
(d) sigma_ENH^(PT) / sigma_INH against mu (dimensionless).

Conductivities in A m / V^2 (raw element sigma^{cab} of j^c = sigma^{cab} E^a E^b), mu in meV, T and
the order in the tilt those of the responses (T = 0 and linear in the tilt unless --param T is given).
The paper's panels (b), (d) are maps over a second parameter (q_s, and the paper model's Delta); a model
file has its own parameters and each map row would be a quadrature of its own, so the ratios are drawn
against mu at the parameters given.  The ratio is drawn where the reference exceeds twice its error
estimate (elsewhere it is undefined to the method's accuracy), with the first-order propagated error.

Panels (a), (c) state the relative sign found on the curves (over the mu where both exceed twice their
error estimates) in the convention drawn and what the other gives (sigma_ENH changes sign with
``--convention``, BCD and INH do not).  A pair that vanishes within its error estimates at every mu
(symmetry: PT forbids BCD and ENH^(T), as in H_PT; time reversal forbids INH and ENH^(PT), as in H_T
with both valleys) is drawn as an empty panel that says so; if all four vanish (e.g. every mu in a
gap), or the file's tilt is 0 (every one is linear in it), the figure is refused in one line.

Writes fig3-model-NAME.png, .pdf and .csv; the CSV (:mod:`symenh.figures.table`) holds mu and every
conductivity with its error estimate, its header the file's name and SHA-256, the method, the
convention and every parameter with its unit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ResponseError
from ..kernels.numeric import numeric_kernel
from ..responses.result import CONVENTION_NOTES
from .fig3 import CONVENTION_NOTES_TEX, ELEMENT, PAIRS, TEX, curve_panel, relative_sign, sign_lines
from .style import new_figure, save, styled, tex_number
from .table import require_finite, write_csv
from .user_model import component_values, default_method, file_metadata, file_stem, sigma_curve

#: the (ENH, reference) pairs of panels (a)/(b) and (c)/(d), with the element drawn: those of the paper
PANEL_PAIRS = tuple((PAIRS[m][0], PAIRS[m][1], ELEMENT[m]) for m in ("tilted-dirac", "pt-dirac"))
#: the paper model in which each pair is the one that symmetry allows (for the words of an empty panel)
FORBIDDEN_IN = {"enh-t": "as in $H_{PT}$, where PT forbids them", "enh-pt": "as in $H_T$ (both valleys), "
                "where time reversal forbids them"}
#: a value is resolved where it exceeds this many error estimates
RESOLVED = 2.0


def resolved(s, err) -> np.ndarray:
    """Where |s| exceeds :data:`RESOLVED` times its error estimate (boolean, per mu)."""
    return np.abs(s) > RESOLVED * err


def vanishes(s, err) -> bool:
    """True if |s| <= its error estimate at every mu (exactly zero where the method gives no estimate)."""
    return bool(np.all(np.abs(s) <= err))


def pair_sign(s_enh, e_enh, s_ref, e_ref) -> str | None:
    """The relative sign (:func:`symenh.figures.fig3.relative_sign`) over the mu where both are resolved;
    None if there is no such mu."""
    ok = resolved(s_enh, e_enh) & resolved(s_ref, e_ref)
    return relative_sign(s_enh[ok] / s_ref[ok]) if ok.any() else None


def pair_summary(dat, enh, ref) -> str:
    """What panels (a), (c) say of a pair in :func:`data`: "both vanish" (within their error estimates at
    every mu), "no relative sign" (no mu where both are resolved), or the relative sign found."""
    (s_e, e_e), (s_r, e_r) = dat["curves"][enh], dat["curves"][ref]
    if vanishes(s_e, e_e) and vanishes(s_r, e_r):
        return "both vanish"
    found = pair_sign(s_e, e_e, s_r, e_r)
    return "no relative sign" if found is None else found


def ratio(s_enh, e_enh, s_ref, e_ref):
    """(ratio, its first-order error, where defined) of sigma_ENH / sigma_ref per mu (dimensionless);
    defined where the reference is resolved (NaN elsewhere)."""
    ok = resolved(s_ref, e_ref)
    with np.errstate(all="ignore"):
        r = np.where(ok, s_enh / s_ref, np.nan)
        dr = np.where(ok, np.abs(e_enh / s_ref) + np.abs(r * e_ref / s_ref), np.nan)
    return r, dr, ok


def level_edges(loaded) -> np.ndarray:
    """The distinct level energies at k = 0 of every component of the file (eV, ascending)."""
    e = []
    for i in range(len(loaded.components)):
        model, values = component_values(loaded, i)
        e.extend(np.ravel(numeric_kernel(model).energies(0.0, 0.0, values)))
    return np.unique(np.round(np.asarray(e, dtype=float), 12))


def data(loaded, mu_eV, params, convention="consistent", method=None, report=print, options=None) -> dict:
    """Every number of Fig. 3 for a model file: dict(mu (eV, ascending), method, curves {mechanism:
    (values, error estimate) in A m / V^2, the element of :data:`PANEL_PAIRS`}, results {mechanism:
    SigmaResult}, edges (level energies at k = 0, eV)).  One-line ResponseError for fewer than two mu,
    a tilt of 0, or if every conductivity vanishes within its error estimate."""
    mu = np.asarray(mu_eV, dtype=float)
    if mu.ndim != 1 or mu.size < 2:
        raise ResponseError("--mu: figure fig3 --model-file needs at least two chemical potentials "
                            "(e.g. --mu 60:200:5meV)")
    mu = np.unique(mu)
    if mu.size < 2:
        raise ResponseError("--mu: figure fig3 --model-file needs at least two different chemical potentials")
    for model in loaded.components:
        tilt = model.tilt_symbol
        if tilt is not None and loaded.model_values[tilt.name] == 0:
            raise ResponseError(f"--model-file: the tilt {tilt.name} of {loaded.name} is 0; Fig. 3 needs a tilt (every "
                                "conductivity is linear in it, so at 0 all vanish and the ratios are 0/0)")
    method = method or default_method(loaded)
    curves, results = {}, {}
    for enh, ref, element in PANEL_PAIRS:
        for mech in (enh, ref):
            report(f"fig3: sigma {mech} ({element}) of {loaded.name} by {method} at {mu.size} mu values")
            _, s, err, res = sigma_curve(loaded, mech, mu, method=method, convention=convention, params=params,
                                         options=options, element=element)
            curves[mech], results[mech] = (s, err), res
    if all(vanishes(*c) for c in curves.values()):
        raise ResponseError(f"--mu: every conductivity of Fig. 3 ({', '.join(curves)}) of {loaded.name} "
                            "vanishes within its error estimate at these mu (all in a gap?): nothing to draw; "
                            "choose --mu where the model has a Fermi surface")
    return {"mu": mu, "method": method, "curves": curves, "results": results, "edges": level_edges(loaded)}


def _empty_panel(ax, text, xlim, ylabel):
    ax.axhline(0, color="0.6", lw=0.6, gid="reference")
    ax.set_xlim(*xlim)
    ax.set_xlabel(r"$\mu$ (meV)")
    ax.set_ylabel(ylabel)
    ax.set_yticks([])
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=6.8, linespacing=1.35,
            bbox={"boxstyle": "round,pad=0.35", "fc": "#fff8e0", "ec": "0.55", "lw": 0.6})


def _pair_panels(ax_curve, ax_ratio, dat, enh, ref, element, convention, xlim) -> None:
    """Draw panels (a)+(b) or (c)+(d)."""
    mu_meV = dat["mu"] * 1e3
    (s_e, e_e), (s_r, e_r) = dat["curves"][enh], dat["curves"][ref]
    pair = f"{TEX[enh]} / {TEX[ref]}"
    if vanishes(s_e, e_e) and vanishes(s_r, e_r):
        why = (f"{TEX[enh]} and {TEX[ref]} ({element}) vanish within their\nerror estimates at every $\\mu$ here\n"
               f"({FORBIDDEN_IN[enh]})")
        _empty_panel(ax_curve, why, xlim, r"$\sigma^{%s}$ (A m V$^{-2}$)" % element)
        _empty_panel(ax_ratio, f"{pair}: undefined (0/0)", xlim, "ratio (dimensionless)")
        return
    found = pair_summary(dat, enh, ref)
    if found == "no relative sign":
        zero = [TEX[m] for m, (s, e) in ((enh, (s_e, e_e)), (ref, (s_r, e_r))) if not resolved(s, e).any()]
        lines = [f"{' and '.join(zero)}: not resolved (above twice the error)", "at any $\\mu$: no relative sign",
                 f"({convention} convention)"]
    else:
        lines = sign_lines(enh, ref, convention, found)
    lines.append("shaded: the error estimate of each curve")
    edges = dat["edges"] * 1e3
    curve_panel(ax_curve, mu_meV, s_e, s_r, enh, ref, element, "\n".join(lines),
                edges_meV=edges[(edges >= xlim[0]) & (edges <= xlim[1])], edge_label="level at $k = 0$",
                xlim=xlim, err_enh=e_e, err_ref=e_r, marker="o")
    r, dr, ok = ratio(s_e, e_e, s_r, e_r)
    if not ok.any():
        _empty_panel(ax_ratio, f"{pair}: undefined\n({TEX[ref]} not resolved at any $\\mu$)", xlim,
                     "ratio (dimensionless)")
        return
    ax_ratio.axhline(0, color="0.6", lw=0.6, gid="reference")
    ax_ratio.fill_between(mu_meV, r - dr, r + dr, color="0.5", alpha=0.35, lw=0)
    ax_ratio.plot(mu_meV, r, color="k", marker="o", ms=2.0, lw=0.9, label=pair + "; shaded: its error")
    ax_ratio.set_xlim(*xlim)
    lo, hi = min(np.nanmin(r - dr), 0.0), max(np.nanmax(r + dr), 0.0)
    span = (hi - lo) or 1.0
    up = abs(hi) >= abs(lo)                 # the legend on the side the curve reaches least
    ax_ratio.set_ylim(lo - 0.08 * span - (0 if up else 0.45 * span), hi + 0.08 * span + (0.45 * span if up else 0))
    ax_ratio.legend(frameon=False, loc="upper center" if up else "lower center")
    ax_ratio.set_xlabel(r"$\mu$ (meV)")
    ax_ratio.set_ylabel("ratio (dimensionless)")


def draw(dat, loaded, params, convention="consistent"):
    """The figure (matplotlib Figure) of :func:`data`; call inside :func:`~symenh.figures.style.styled`."""
    mu_meV = dat["mu"] * 1e3
    margin = 0.02 * float(mu_meV[-1] - mu_meV[0])      # the end points' markers inside the axes
    xlim = (float(mu_meV[0]) - margin, float(mu_meV[-1]) + margin)
    fig, ax = new_figure(6.2, 2, 2)
    a, b, c, d = ax.ravel()
    titles = {"enh-t": (r"(a) ENH$^{(T)}$ and BCD", r"(b) %s / %s" % (TEX["enh-t"], TEX["bcd"])),
              "enh-pt": (r"(c) ENH$^{(PT)}$ and INH", r"(d) %s / %s" % (TEX["enh-pt"], TEX["inh"]))}
    for (enh, ref, element), (ax_c, ax_r) in zip(PANEL_PAIRS, ((a, b), (c, d))):
        _pair_panels(ax_c, ax_r, dat, enh, ref, element, convention, xlim)
        ax_c.set_title(titles[enh][0])
        ax_r.set_title(titles[enh][1])
    res = dat["results"]["enh-t"]
    n = len(loaded.components)
    summed = f", sum of {n} components" if n > 1 else ""
    fig.suptitle(r"Fig. 3 for model file %s: %s (sha256 %s); $\sigma$ by %s%s" "\n"
                 r"$\tau$ = $%s$ ps, $q_s$ = $%s$ nm$^{-1}$ ($V_0$ = $%s$ eV nm$^2$), $\varepsilon_r$ = $%s$, "
                 r"$T$ = $%s$ K, %s in the tilt; Eq. 3 as printed (no Fierz 1/2)" "\n"
                 r"Sign convention: %s: %s"
                 % (Path(loaded.path).name, loaded.name, loaded.sha256[:12], dat["method"], summed,
                    tex_number(params.tau_ps), tex_number(params.q_s_per_nm), tex_number(params.V0_eV_nm2),
                    tex_number(params.eps_r), tex_number(params.T_K), res.order, convention,
                    CONVENTION_NOTES_TEX[convention]))
    return fig


#: the CSV columns (units in the names), in order: mu, then each mechanism's value and error estimate
def _columns(dat):
    header, cols = ["mu_meV"], [dat["mu"] * 1e3]
    for enh, ref, element in PANEL_PAIRS:
        for mech in (enh, ref):
            s, err = dat["curves"][mech]
            tag = mech.replace("-", "_")
            header += [f"sigma_{tag}_{element}_A_m_per_V2", f"error_{tag}_A_m_per_V2"]
            cols += [s, err]
    return header, cols


def _sign_text(found, convention) -> str:
    if found == "both vanish":
        return "none: both vanish within their error estimates at every mu"
    if found == "no relative sign":
        return "none: at no mu do both exceed twice their error estimates"
    return f"{found} (at the mu where both exceed twice their error estimates; {convention} convention)"


def table(dat, loaded, params, convention):
    """(metadata, header, columns) of the CSV of Fig. 3 for a model file."""
    header, cols = _columns(dat)
    res = dat["results"]
    signs = {enh: pair_summary(dat, enh, ref) for enh, ref, _ in PANEL_PAIRS}
    meta = file_metadata(loaded, params, dat["method"], convention)
    meta.update({"file": "Fig. 3 for a model file: conductivities against mu (every component summed)",
                 "columns": ", ".join(header), "convention_meaning": CONVENTION_NOTES[convention],
                 "order": f"{res['enh-t'].order} in the tilt",
                 "exchange_valleys": f"{res['enh-t'].exchange_valleys}",
                 "interaction": ", ".join(f"{k} = {v!r}" for k, v in (res["enh-t"].interaction or {}).items()),
                 "fierz_factor": "Eq. 3 as printed (no 1/2); ENH scales linearly with it and with V_0",
                 "sigma_bcd_form": "DC (the rectified-AC coefficient of Sodemann-Fu is half of it)",
                 "tensor": "raw element sigma^{cab} of j^c = sigma^{cab} E^a E^b; xyy for enh-t and bcd, yxx for "
                           "enh-pt and inh",
                 "error": "the method's error estimate per mu (the largest over the tensor elements)",
                 "relative_sign_enh_t_vs_bcd": _sign_text(signs["enh-t"], convention),
                 "relative_sign_enh_pt_vs_inh": _sign_text(signs["enh-pt"], convention)})
    return meta, header, cols


@styled
def make(out_dir: Path, params, report=print, *, loaded=None, mu_eV=None, method=None,
         convention: str = "consistent", options=None) -> list[Path]:
    """Write fig3-model-NAME.png, .pdf and .csv into ``out_dir`` for ``loaded`` (a
    :class:`~symenh.models.model_file.LoadedModel`) at the chemical potentials ``mu_eV`` (eV); ``params``:
    tau, q_s, eps_r, T of the responses; returns the paths.  Everything is computed and checked finite
    before the first file is written."""
    if loaded is None:
        raise ResponseError("--model-file: figure fig3 with a model file needs the file (give --model-file FILE)")
    dat = data(loaded, mu_eV, params, convention, method, report, options)
    meta, header, cols = table(dat, loaded, params, convention)
    for name, col in zip(header, cols):      # checked before any file is written
        require_finite("--model-file", col, f"column {name} of Fig. 3 for {loaded.name}")
    fig = draw(dat, loaded, params, convention)
    base = Path(out_dir) / f"fig3-{file_stem(loaded)}"
    paths = save(fig, base)
    paths.append(write_csv(base.with_suffix(".csv"), meta, header, cols))
    return paths
