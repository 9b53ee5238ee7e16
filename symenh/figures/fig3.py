"""Paper Fig. 3: the exchange nonlinear Hall effect against BCD (H_T) and INH (H_PT).

Panels (paper parameters unless overridden; T = 0, linear order in alpha):

(a) sigma_ENH^(T) and sigma_BCD vs mu for H_T (element xyy = j_x / E_y^2, both valleys);
(b) sigma_ENH^(T) / sigma_BCD over mu x q_s (the interaction strength V_0 = e^2/(4 pi eps_0 q_s));
(c) sigma_ENH^(PT) and sigma_INH vs mu for H_PT (element yxx = j_y / E_x^2);
(d) sigma_ENH^(PT) / sigma_INH over mu x Delta (the gap: the second parameter).

Also writes the plotted curves as CSV with unit headers.  Conductivities in SI
(A m / V^2), plotted in units of 1e-12 or 1e-14 A m / V^2 as the axis says.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..responses.api import sigma
from ..responses.spec import ENH_PAIRS, ResponseError
from .style import plt, save, styled

#: the element plotted for each model, and the (ENH, reference) pair
ELEMENT = {m: el for m, (_, _, el) in ENH_PAIRS.items()}
PAIRS = {m: (enh, ref) for m, (enh, ref, _) in ENH_PAIRS.items()}


def curves(params, convention="consistent", n_mu=240, mu_max_over_delta=6.0):
    """mu grid (eV) and {(model, mechanism): element values (A m/V^2)} for panels (a), (c)."""
    d = abs(params.Delta_eV)
    mu = d * np.linspace(1.0005, mu_max_over_delta, n_mu)
    out = {}
    for model, mechs in PAIRS.items():
        for mech in mechs:
            res = sigma(model, mech, mu, params=params, convention=convention)
            out[(model, mech)] = res.element(ELEMENT[model])
    return mu, out


def ratio_map(model, params, second, values, mu_over_delta, convention="consistent"):
    """ENH / reference ratio over (second parameter value, mu/|Delta|) -> 2-D array."""
    enh, ref = PAIRS[model]
    el = ELEMENT[model]
    rows = []
    for v in values:
        p = params.replace(**{second: v})
        mu = abs(p.Delta_eV) * mu_over_delta
        a = sigma(model, enh, mu, params=p, convention=convention).element(el)
        b = sigma(model, ref, mu, params=p, convention=convention).element(el)
        rows.append(a / b)
    return np.array(rows)


def _write_csv(path: Path, header, columns):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in zip(*columns):
            w.writerow([f"{x:.12e}" for x in row])


@styled
def make(out_dir: Path, params, report=print, convention: str = "consistent") -> list:
    """Write fig3.png, fig3.pdf and the CSV of its curves into ``out_dir``; return the paths."""
    if params.Delta_eV == 0:
        raise ResponseError("Delta: Fig. 3 needs a gapped model (Delta != 0): its axes are mu/|Delta|")
    report("fig3: conductivity curves (closed form)")
    mu, cur = curves(params, convention)
    mu_meV = mu * 1e3
    mu_ratio = np.linspace(1.02, 8.0, 160)
    qs = np.geomspace(0.05, 2.0, 80)
    deltas = np.linspace(0.01, 0.1, 80)
    report("fig3: ratio maps")
    r_t = ratio_map("tilted-dirac", params, "q_s_per_nm", qs, mu_ratio, convention)
    r_pt = ratio_map("pt-dirac", params, "Delta_eV", deltas, mu_ratio, convention)

    fig, ax = plt.subplots(2, 2, figsize=(10, 8), constrained_layout=True)
    a, b, c, d = ax.ravel()
    scale_t, scale_pt = 1e-12, 1e-14
    a.plot(mu_meV, cur[("tilted-dirac", "enh-t")] / scale_t, color="tab:red", label=r"$\sigma_{\rm ENH}^{(T)}$")
    a.plot(mu_meV, cur[("tilted-dirac", "bcd")] / scale_t, color="tab:blue", label=r"$\sigma_{\rm BCD}$")
    a.set(xlabel=r"$\mu$ (meV)", ylabel=r"$\sigma^{xyy}$ ($10^{-12}$ A m V$^{-2}$)",
          title=r"(a) $H_T$ (both valleys), $\tau$ = %.2g ps" % params.tau_ps)
    c.plot(mu_meV, cur[("pt-dirac", "enh-pt")] / scale_pt, color="tab:red", label=r"$\sigma_{\rm ENH}^{(PT)}$")
    c.plot(mu_meV, cur[("pt-dirac", "inh")] / scale_pt, color="tab:blue", label=r"$\sigma_{\rm INH}$")
    c.set(xlabel=r"$\mu$ (meV)", ylabel=r"$\sigma^{yxx}$ ($10^{-14}$ A m V$^{-2}$)", title=r"(c) $H_{PT}$")
    for axis in (a, c):
        axis.axhline(0, color="0.6", lw=0.6)
        axis.axvline(abs(params.Delta_eV) * 1e3, color="0.6", lw=0.6, ls=":")
        axis.legend(frameon=False)

    def _map(axis, data, yvals, ylabel, title, log_y, marker):
        mag = np.log10(np.abs(data))
        im = axis.pcolormesh(mu_ratio, yvals, mag, shading="auto", cmap="viridis")
        cs = axis.contour(mu_ratio, yvals, mag, levels=[0.0], colors="w", linewidths=1.2)
        axis.clabel(cs, fmt={0.0: "ratio = 1"}, fontsize=8)
        axis.axhline(marker, color="w", lw=0.8, ls="--")
        axis.annotate("paper value", (mu_ratio[0] + 0.1, marker), color="w", fontsize=8, ha="left", va="bottom")
        if log_y:
            axis.set_yscale("log")
        axis.set(xlabel=r"$\mu / |\Delta|$", ylabel=ylabel, title=title)
        cb = fig.colorbar(im, ax=axis)
        sign = "positive" if np.all(data > 0) else ("negative" if np.all(data < 0) else "mixed sign")
        cb.set_label(r"$\log_{10}|$ratio$|$ (%s)" % sign)

    _map(b, r_t, qs, r"$q_s$ (nm$^{-1}$)", r"(b) $\sigma_{\rm ENH}^{(T)}/\sigma_{\rm BCD}$, $H_T$", True,
         params.q_s_per_nm)
    _map(d, r_pt, deltas * 1e3, r"$\Delta$ (meV)", r"(d) $\sigma_{\rm ENH}^{(PT)}/\sigma_{\rm INH}$, $H_{PT}$",
         False, params.Delta_eV * 1e3)
    fig.suptitle(r"$\Delta$ = %.0f meV, $v$ = %.3g m/s, $\alpha/\hbar v$ = %.2g, $q_s$ = %.2g nm$^{-1}$;"
                 r" T = 0, linear in $\alpha$; convention: %s" % (params.Delta_eV * 1e3, params.vx_m_per_s,
                                                               params.alpha_over_hbar_v, params.q_s_per_nm,
                                                               convention) +
                 "\n" + r"$V_0 = e^2/(4\pi\epsilon_0 q_s)$ (vacuum permittivity), Eq. 3 as printed "
                 "(no Fierz factor 1/2): both scale the ENH curves linearly", fontsize=10)
    paths = save(fig, out_dir / "fig3")

    csv_a = out_dir / "fig3_curves.csv"
    _write_csv(csv_a, ["mu_meV", "sigma_enh_t_xyy_A_m_per_V2", "sigma_bcd_xyy_A_m_per_V2",
                       "sigma_enh_pt_yxx_A_m_per_V2", "sigma_inh_yxx_A_m_per_V2"],
               [mu_meV, cur[("tilted-dirac", "enh-t")], cur[("tilted-dirac", "bcd")],
                cur[("pt-dirac", "enh-pt")], cur[("pt-dirac", "inh")]])
    csv_b = out_dir / "fig3b_ratio.csv"
    _write_csv(csv_b, ["q_s_per_nm", "mu_over_Delta", "ratio_enh_t_over_bcd"],
               [np.repeat(qs, len(mu_ratio)), np.tile(mu_ratio, len(qs)), r_t.ravel()])
    csv_d = out_dir / "fig3d_ratio.csv"
    _write_csv(csv_d, ["Delta_meV", "mu_over_Delta", "ratio_enh_pt_over_inh"],
               [np.repeat(deltas * 1e3, len(mu_ratio)), np.tile(mu_ratio, len(deltas)), r_pt.ravel()])
    return paths + [csv_a, csv_b, csv_d]
