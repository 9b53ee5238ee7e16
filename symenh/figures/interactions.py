r"""Figure ``interactions``: what a screened Coulomb interaction and the complete Fock exchange do to ENH.

Panels (paper parameters unless overridden; T = 0, linear order in alpha; raw elements):

(a) sigma_ENH^(T) / sigma_BCD of H_T (element xyy, both valleys, exchange within a valley)
    against mu/|Delta| for the paper's contact V_0 = e^2/(4 pi eps_0 eps_r q_s) (closed form,
    line), the screened Coulomb V(q) = e^2/(2 eps_0 eps_r (q + q_s)) with Eq. 3's channels as
    printed, and the same V with the complete Fock exchange (points: the adaptive quadrature
    path :func:`symenh.responses.exchange.enh_exchange`, rtol 1e-8);
(b) the same for sigma_ENH^(PT) / sigma_INH of H_PT (element yxx);
(c) local log-log slopes d ln|sigma| / d ln mu out to 10^3 |Delta|: the screened-Coulomb ENH
    of both models from the 30-digit harmonic reference
    :func:`symenh.responses.mpmath_exchange.sigma_enh_reference_mp` (points; slopes between
    neighbours), the contact ENH, BCD and INH from the closed forms (lines), and the derived
    powers as reference lines: screened ENH(T) ~ q_s/mu^3 and ENH(PT) ~ 1/mu^2
    (:mod:`symenh.asymptotics_interaction`), contact ENH ~ 1/mu and BCD, INH ~ 1/mu^2
    (:mod:`symenh.asymptotics`).

BCD and INH do not involve the interaction: their closed forms are used throughout.

**One quadrature per model and mu.**  The Fock channel operators of the spin span are Eq. 3's
s^eta divided by sqrt(N) (N = 2 bands for H_T, 4 for H_PT: Tr Gamma^2 = 1), and every exchange
response is bilinear in the channel operator; so the printed-channel ENH is exactly N times
the spin-span group ("s^eta", "tau_0 (x) s^eta") of the Fock result.  For H_PT the figure
computes the Fock exchange once and reads both curves off it; for H_T (two bands) the spin span
is the whole Fock basis, so it computes the printed channels (the model's own geometry, already
derived for the closed forms; no derivation of a channel model) and the Fock curve is 1/N of it
(tests/test_fig_interactions.py checks each model against a direct quadrature of the channel set
the figure did not compute).  Quadrature and reference
points are kept on disk (:mod:`symenh.responses.stored_points`), keyed by the source of the
computing modules and every setting.

Writes interactions.png, interactions.pdf and four CSVs (:mod:`symenh.figures.table`):
``interactions_curves.csv`` (the quadrature points of (a), (b) with their error estimates),
``interactions_contact.csv`` (the closed-form lines of (a)-(c)), ``interactions_large_mu.csv``
(the reference points of (c)) and ``interactions_slopes.csv`` (their local slopes).
Refused in one line like Fig. 3 (Delta = 0, alpha = 0).  With v_x != v_y the reference does
not apply: the points of (c) then come from the quadrature path too (the figure says so).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import __version__
from .. import asymptotics as asy
from .. import asymptotics_interaction as ai
from ..interactions import screened_coulomb
from ..models.paper import paper_valleys
from ..responses.api import sigma
from ..responses.exchange import enh_exchange
from ..responses.mpmath_exchange import sigma_enh_reference_mp
from ..responses.result import CONVENTION_NOTES
from ..responses.stored_points import stored_arrays
from ..units import COULOMB_EV_NM, sigma_to_si
from .fig3 import CONVENTION_NOTES_TEX, ELEMENT, PAIRS, TEX, check_params, relative_sign
from .style import decade_ticks, new_figure, save, styled, tex_number
from .table import parameter_lines, require_finite, write_csv

MODELS = ("tilted-dirac", "pt-dirac")
#: mu/|Delta| of the quadrature points of panels (a), (b) (2 and 4 are quoted in the summary)
MU_POINTS = (1.05, 1.15, 1.3, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0)
#: mu/|Delta| of the large-mu reference points of panel (c)
MU_LARGE = tuple(float(x) for x in np.geomspace(10.0, 1000.0, 6))
#: dense mu/|Delta| - 1 of the closed-form lines (log-spaced: fine at the band edge, out to 10^3 |Delta|)
MU_DENSE = (5e-4, 999.0, 400)
#: relative tolerance of the quadrature points; digits of the reference points
RTOL = 1e-8
DPS = 12
#: relative step of the centred difference giving the local slope of the closed forms
_H = 1e-4
#: left end of panel (c) (mu/|Delta|)
X_SLOPES = 2.0
COLOURS = {"contact": "0.25", "screened": "tab:red", "fock": "tab:blue"}
SIGN_WORDS = {"same sign": "ratio > 0 at every $\\mu$: the same sign",
              "opposite signs": "ratio < 0 at every $\\mu$: opposite signs",
              "a sign that changes": "the ratio changes sign"}


def at_zero_temperature(params, report=print, figure="interactions"):
    """``params`` with T_K = 0 where the Parameters carry a temperature (this figure's numbers
    are at T = 0, or at the temperatures it draws); a one-line progress note if a T was given."""
    T = float(getattr(params, "T_K", 0.0) or 0.0)
    if T == 0:
        return params
    report(f"{figure}: the figure sets its own temperatures; the T = {T:g} K given is not used")
    return params.replace(T_K=0.0)


def eps_r_of(params) -> float:
    """The relative permittivity of ``params`` (1, the paper's vacuum, where it has none)."""
    return float(getattr(params, "eps_r", 1.0))


def _el(model):
    return tuple("xy".index(ch) for ch in ELEMENT[model])


def _closed(model, mech, mu, params, convention):
    return sigma(model, mech, mu, params=params, convention=convention).element(ELEMENT[model])


def _local_slope(model, mech, mu, params, convention):
    """d ln|sigma| / d ln mu of a closed form at mu (eV), by a centred difference in ln mu."""
    up = _closed(model, mech, mu * (1 + _H), params, convention)
    dn = _closed(model, mech, mu * (1 - _H), params, convention)
    with np.errstate(all="ignore"):
        return np.log(np.abs(up / dn)) / np.log((1 + _H) / (1 - _H))


def _settings(params, convention, mu_over_delta, **extra) -> dict:
    return {"params": params.as_dict(), "eps_r": eps_r_of(params),
            "convention": convention, "mu_over_abs_Delta": [float(x) for x in mu_over_delta], **extra}


def computed_channels(model: str) -> str:
    """The channel set :func:`screened_points` computes for ``model`` (module docstring): "printed"
    for a two-band model (H_T: the Fock basis is s^eta / sqrt 2), else "fock"."""
    return "printed" if paper_valleys(model)[0].dim == 2 else "fock"


def screened_points(params, convention="consistent", mu_over_delta=MU_POINTS, rtol=RTOL, report=print) -> dict:
    """Screened-Coulomb ENH at mu = |Delta| * ``mu_over_delta`` by quadrature, stored on disk.

    Returns {f"{model}:{channels}": element (A m/V^2), f"{model}:{channels}:error": its error
    estimate (A m/V^2)} for channels "printed" and "fock" (printed = N x the Fock spin-span group,
    module docstring)."""
    mu = abs(params.Delta_eV) * np.asarray(mu_over_delta, dtype=float)
    names = [f"{m}:{ch}{e}" for m in MODELS for ch in ("printed", "fock") for e in ("", ":error")]

    def build():
        out = {}
        for model in MODELS:
            enh = PAIRS[model][0]
            comps = paper_valleys(model)
            n = comps[0].dim
            computed = computed_channels(model)
            report(f"interactions: {enh} with the screened Coulomb V(q) by quadrature ({len(mu)} mu, rtol {rtol:g}, "
                   f"{computed} channels)")
            res = enh_exchange(comps, enh, mu, params.symbol_values(), params=params,
                               interaction="screened-coulomb", channels=computed, convention=convention,
                               rtol=rtol, eps_r=eps_r_of(params))
            c, a, b = _el(model)
            err = sigma_to_si(res.error)
            if computed == "printed":                       # two bands: the Fock basis is s^eta / sqrt(N)
                out[f"{model}:printed"] = sigma_to_si(res.sigma[:, c, a, b])
                out[f"{model}:printed:error"] = err
                out[f"{model}:fock"] = out[f"{model}:printed"] / n
                out[f"{model}:fock:error"] = err / n
                continue
            spin_group = res.channels["groups"][0]          # the spin span comes first (s^eta, tau_0 (x) s^eta)
            out[f"{model}:fock"] = sigma_to_si(res.sigma[:, c, a, b])
            out[f"{model}:fock:error"] = err
            out[f"{model}:printed"] = n * sigma_to_si(res.groups[spin_group][:, c, a, b])
            out[f"{model}:printed:error"] = n * err
        return out

    return stored_arrays("interactions-figure-screened", _settings(params, convention, mu_over_delta, rtol=rtol),
                         build, names)


def isotropic(params) -> bool:
    return params.vx_m_per_s == params.vy_m_per_s


def large_mu_points(params, convention="consistent", mu_over_delta=MU_LARGE, dps=DPS, report=print) -> dict:
    """Screened-Coulomb ENH (printed channels) at large mu = |Delta| * ``mu_over_delta``, stored on
    disk: {model: element (A m/V^2)} from the mpmath reference (v_x = v_y) or the quadrature path."""
    mu = abs(params.Delta_eV) * np.asarray(mu_over_delta, dtype=float)
    inter = screened_coulomb(params.q_s_per_nm, eps_r_of(params))
    iso = isotropic(params)

    def build():
        out = {}
        for model in MODELS:
            enh = PAIRS[model][0]
            c, a, b = _el(model)
            if iso:
                report(f"interactions: large-mu {enh} by the mpmath reference ({len(mu)} mu, {dps} digits)")
                out[model] = [float(sigma_enh_reference_mp(model, enh, float(m), params, inter, "printed",
                                                           convention, dps=dps)[c][a][b]) for m in mu]
            else:
                report(f"interactions: large-mu {enh} by quadrature ({len(mu)} mu; v_x != v_y)")
                res = enh_exchange(paper_valleys(model), enh, mu, params.symbol_values(), params=params,
                                   interaction=inter, convention=convention, rtol=RTOL)
                out[model] = sigma_to_si(res.sigma[:, c, a, b])
        return out

    return stored_arrays("interactions-figure-large-mu",
                         _settings(params, convention, mu_over_delta, dps=dps, source="reference" if iso else
                                   "quadrature"), build, list(MODELS))


def derived_powers(params) -> dict:
    """{(model, "screened" | "contact" | "reference"): large-mu power of |sigma|} (integers)."""
    iso = params if isotropic(params) else params.replace(vy_m_per_s=params.vx_m_per_s)
    out = {}
    for model in MODELS:
        enh, ref = PAIRS[model]
        out[(model, "screened")] = ai.large_mu(model, iso).power
        out[(model, "contact")] = asy.expansion(model, enh, params, element=ELEMENT[model]).leading.power
        out[(model, "reference")] = asy.expansion(model, ref, params, element=ELEMENT[model]).leading.power
    return out


def data(params, convention="consistent", report=print, mu_points=MU_POINTS, mu_large=MU_LARGE,
         rtol=RTOL, dps=DPS) -> dict:
    """Every number the figure draws (dimensionless ratios, A m/V^2, slopes), checked finite."""
    check_params(params)
    params = at_zero_temperature(params, report)
    d = abs(params.Delta_eV)
    pts = np.asarray(mu_points, dtype=float)
    big = np.asarray(mu_large, dtype=float)
    dense = 1 + np.geomspace(*MU_DENSE[:2], MU_DENSE[2])
    report("interactions: contact, BCD and INH (closed form)")
    out = {"mu_points": pts, "mu_large": big, "mu_dense": dense, "powers": derived_powers(params),
           "large_source": (f"mpmath reference (symenh.responses.mpmath_exchange, {dps} digits)"
                            if isotropic(params) else "quadrature (v_x != v_y: the reference needs v_x = v_y)")}
    scr = screened_points(params, convention, pts, rtol, report)
    lm = large_mu_points(params, convention, big, dps, report)
    for model in MODELS:
        enh, ref = PAIRS[model]
        ref_pts = _closed(model, ref, d * pts, params, convention)
        out[(model, "reference")] = ref_pts
        out[(model, "contact")] = _closed(model, enh, d * pts, params, convention)
        for ch in ("printed", "fock"):
            out[(model, ch)] = scr[f"{model}:{ch}"]
            out[(model, ch, "error")] = scr[f"{model}:{ch}:error"]
        with np.errstate(all="ignore"):
            for kind in ("contact", "printed", "fock"):
                out[(model, kind, "ratio")] = out[(model, kind)] / ref_pts
            out[(model, "contact", "dense ratio")] = (_closed(model, enh, d * dense, params, convention)
                                                      / _closed(model, ref, d * dense, params, convention))
            out[(model, "contact", "slope")] = _local_slope(model, enh, d * dense, params, convention)
            out[(model, "reference", "slope")] = _local_slope(model, ref, d * dense, params, convention)
            out[(model, "large")] = lm[model]
            out[(model, "large", "slope")] = np.diff(np.log(np.abs(lm[model]))) / np.diff(np.log(big))
    for key, val in list(out.items()):
        if isinstance(key, tuple):
            out[key] = require_finite("params", val, f"the interactions figure's {' '.join(key)}")
    return out


def _metadata(params, convention, what, header, **extra) -> dict:
    eps = eps_r_of(params)
    meta = {"symenh_version": __version__, "file": what, "columns": ", ".join(header),
            "convention": convention, "convention_meaning": CONVENTION_NOTES[convention]}
    meta.update(extra)
    meta.update({
        "temperature": "0 K", "order": "linear in alpha (alpha * d sigma / d alpha at alpha = 0)",
        "interaction_contact": f"V_0 = e^2/(4 pi eps_0 eps_r q_s) = {COULOMB_EV_NM / params.q_s_per_nm / eps!r} "
                               "eV nm^2 (the paper's estimate)",
        "interaction_screened": f"V(q) = e^2/(2 eps_0 eps_r (q + q_s)), eps_r = {eps!r}, q_s = "
                                f"{params.q_s_per_nm!r} 1/nm; V(0) = 2 pi V_0",
        "exchange": "printed = Eq. 3's channels s^eta with weight 1; fock = the complete Fock exchange (an "
                    "orthonormal Hermitian channel basis, weight 1)",
        "exchange_valleys": "same (H_T: exchange within the valley of k)",
        "tensor": "raw element sigma^{cab} of j^c = sigma^{cab} E^a E^b; H_T element xyy (both valleys), "
                  "H_PT element yxx"})
    meta.update(parameter_lines(params))
    return meta


CSV_FILES = {
    "curves": ("interactions_curves.csv", ("panels (a), (b): ENH with the screened Coulomb interaction by quadrature "
               "(rtol 1e-8), with the contact ENH and BCD/INH (closed form) at the same mu"),
               ["mu_over_abs_Delta_dimensionless", "mu_meV",
                "sigma_bcd_xyy_A_m_per_V2", "sigma_enh_t_contact_xyy_A_m_per_V2",
                "sigma_enh_t_screened_xyy_A_m_per_V2", "error_enh_t_screened_A_m_per_V2",
                "sigma_enh_t_fock_xyy_A_m_per_V2", "error_enh_t_fock_A_m_per_V2",
                "ratio_enh_t_over_bcd_contact_dimensionless", "ratio_enh_t_over_bcd_screened_dimensionless",
                "ratio_enh_t_over_bcd_fock_dimensionless",
                "sigma_inh_yxx_A_m_per_V2", "sigma_enh_pt_contact_yxx_A_m_per_V2",
                "sigma_enh_pt_screened_yxx_A_m_per_V2", "error_enh_pt_screened_A_m_per_V2",
                "sigma_enh_pt_fock_yxx_A_m_per_V2", "error_enh_pt_fock_A_m_per_V2",
                "ratio_enh_pt_over_inh_contact_dimensionless", "ratio_enh_pt_over_inh_screened_dimensionless",
                "ratio_enh_pt_over_inh_fock_dimensionless"]),
    "contact": ("interactions_contact.csv", ("the closed-form lines: contact ENH ratios (a), (b) and the local "
                "log-log slopes of contact ENH, BCD and INH (c)"),
                ["mu_over_abs_Delta_dimensionless", "ratio_enh_t_over_bcd_contact_dimensionless",
                 "ratio_enh_pt_over_inh_contact_dimensionless", "slope_enh_t_contact_dimensionless",
                 "slope_bcd_dimensionless", "slope_enh_pt_contact_dimensionless", "slope_inh_dimensionless"]),
    "large": ("interactions_large_mu.csv", "panel (c): screened-Coulomb ENH (printed channels) at large mu",
              ["mu_over_abs_Delta_dimensionless", "sigma_enh_t_screened_xyy_A_m_per_V2",
               "sigma_enh_pt_screened_yxx_A_m_per_V2"]),
    "slopes": ("interactions_slopes.csv", ("panel (c): local log-log slope of the screened-Coulomb ENH between "
               "neighbouring points of interactions_large_mu.csv, at their geometric mean"),
               ["mu_over_abs_Delta_dimensionless", "slope_enh_t_screened_dimensionless",
                "slope_enh_pt_screened_dimensionless"]),
}


def tables(dat, params, convention="consistent") -> list:
    """[(file name, metadata, header, columns)] of the figure's CSVs."""
    pts, big, dense = dat["mu_points"], dat["mu_large"], dat["mu_dense"]
    t, p = "tilted-dirac", "pt-dirac"
    pw = dat["powers"]
    cols = {
        "curves": [pts, pts * abs(params.Delta_eV) * 1e3]
        + [dat[k] for m in MODELS for k in ((m, "reference"), (m, "contact"), (m, "printed"), (m, "printed", "error"),
                                             (m, "fock"), (m, "fock", "error"), (m, "contact", "ratio"),
                                             (m, "printed", "ratio"), (m, "fock", "ratio"))],
        "contact": [dense, dat[(t, "contact", "dense ratio")], dat[(p, "contact", "dense ratio")],
                    dat[(t, "contact", "slope")], dat[(t, "reference", "slope")], dat[(p, "contact", "slope")],
                    dat[(p, "reference", "slope")]],
        "large": [big, dat[(t, "large")], dat[(p, "large")]],
        "slopes": [np.sqrt(big[1:] * big[:-1]), dat[(t, "large", "slope")], dat[(p, "large", "slope")]],
    }
    extra = {
        "curves": {"printed_from_fock": "printed = N x the spin-span channel group of the Fock result (N = 2 "
                                        "for H_T, 4 for H_PT; exact: bilinear in the channel operators)",
                   "relative_sign_enh_t_vs_bcd": relative_sign(dat[(t, "printed", "ratio")]),
                   "relative_sign_enh_pt_vs_inh": relative_sign(dat[(p, "printed", "ratio")])},
        "contact": {"slope_method": "centred difference in ln mu of the closed forms (step 1e-4)",
                    "derived_powers": f"contact ENH(T) {pw[(t, 'contact')]}, BCD {pw[(t, 'reference')]}, "
                                      f"contact ENH(PT) {pw[(p, 'contact')]}, INH {pw[(p, 'reference')]}"},
        "large": {"source": dat["large_source"]},
        "slopes": {"source": dat["large_source"],
                   "derived_powers": f"screened ENH(T) {pw[(t, 'screened')]} (~ q_s/mu^3), screened ENH(PT) "
                                     f"{pw[(p, 'screened')]} (~ 1/mu^2; symenh.asymptotics_interaction)"},
    }
    out = []
    for key, (name, what, header) in CSV_FILES.items():
        for col_name, col in zip(header, cols[key]):
            require_finite("params", col, f"column {col_name} of {name}")
        out.append((name, _metadata(params, convention, what, header, **extra[key]), header, cols[key]))
    return out


def _ratio_panel(ax, dat, model):
    enh, ref = PAIRS[model]
    pts, dense = dat["mu_points"], dat["mu_dense"]
    keep = dense <= pts[-1] * 1.03
    ax.axhline(0, color="0.7", lw=0.6, gid="reference")
    ax.axvline(1, color="0.5", lw=0.7, ls=":", gid="reference")
    ax.plot(dense[keep], dat[(model, "contact", "dense ratio")][keep], color=COLOURS["contact"], lw=1.2,
            label="ratio, contact V\u2080 (closed form)")
    ax.plot(pts, dat[(model, "printed", "ratio")], "-o", color=COLOURS["screened"], ms=3.2, lw=0.9,
            label="ratio, screened V(q), Eq. 3 channels")
    ax.plot(pts, dat[(model, "fock", "ratio")], "-s", color=COLOURS["fock"], ms=3.0, lw=0.9, mfc="none",
            label="ratio, screened V(q), complete Fock")
    ax.set_xlim(0.9, pts[-1] * 1.03)
    ax.set_xlabel(r"$\mu / |\Delta|$ (dimensionless)")
    ax.set_ylabel(rf"{TEX[enh]} / {TEX[ref]} (dimensionless)")
    found = relative_sign(np.concatenate([dat[(model, k, "ratio")] for k in ("contact", "printed", "fock")]))
    name = {"enh-t": "ENH$^{(T)}$", "enh-pt": "ENH$^{(PT)}$"}[enh]
    lo, hi = ax.get_ylim()
    top = found != "opposite signs"
    ax.set_ylim(lo, hi + 0.5 * (hi - lo)) if top else ax.set_ylim(lo - 0.5 * (hi - lo), hi)
    ax.text(0.97, 0.97 if top else 0.03, f"{SIGN_WORDS[found]}\n({name} vs {ref.upper()}, all three curves)",
            transform=ax.transAxes, ha="right", va="top" if top else "bottom", fontsize=6.5,
            bbox={"boxstyle": "round,pad=0.3", "fc": "#fff8e0", "ec": "0.55", "lw": 0.6})


def _slope_panel(ax, dat):
    pw = dat["powers"]
    big, dense = dat["mu_large"], dat["mu_dense"]
    mid = np.sqrt(big[1:] * big[:-1])
    keep = dense >= X_SLOPES
    col = {"tilted-dirac": "tab:red", "pt-dirac": "tab:purple"}
    for model, mk in (("tilted-dirac", "s"), ("pt-dirac", "D")):
        enh, _ref = PAIRS[model]
        lab = {"enh-t": "ENH(T)", "enh-pt": "ENH(PT)"}[enh]      # plain text: legends need no mathtext
        ax.semilogx(dense[keep], dat[(model, "contact", "slope")][keep], color=col[model], lw=0.9, ls="--",
                    label=f"{lab}, contact")
        ax.semilogx(mid, dat[(model, "large", "slope")], mk, color=col[model], ms=4, mfc="none",
                    label=f"{lab}, screened V(q) ({dat['large_source'].split(' (')[0]})")
    ax.semilogx(dense[keep], dat[("tilted-dirac", "reference", "slope")][keep], color="tab:blue", lw=0.9,
                label="BCD")
    ax.semilogx(dense[keep], dat[("pt-dirac", "reference", "slope")][keep], color="tab:green", lw=0.9, ls="-.",
                label="INH")
    levels = {}
    for key, text in (((("tilted-dirac", "screened"),), "screened ENH(T)"),
                      ((("pt-dirac", "screened"), ("pt-dirac", "reference"), ("tilted-dirac", "reference")),
                       "screened ENH(PT), INH, BCD"),
                      ((("pt-dirac", "contact"), ("tilted-dirac", "contact")), "contact ENH")):
        for k in key:
            levels.setdefault(pw[k], text)
    for p, text in levels.items():
        ax.axhline(p, color="0.45", lw=0.7, ls=":", gid="reference")
        ax.text(big[-1] * 1.15, p - 0.05, f"p = {p}".replace("-", "\u2212") + f": {text}", fontsize=6.3, color="0.3", va="top", ha="right")
    ax.set_xlim(X_SLOPES, big[-1] * 1.3)
    ax.set_ylim(min(levels) - 0.45, max(levels) + 0.75)
    ax.set_xlabel(r"$\mu / |\Delta|$ (dimensionless)")
    ax.set_ylabel(r"$d\ln|\sigma| / d\ln\mu$ (dimensionless)")
    decade_ticks(ax.xaxis)


def _verdict(dat, iso: bool = True) -> str:
    pw = dat["powers"]
    same = pw[("pt-dirac", "screened")] == pw[("pt-dirac", "reference")]
    p_pt, p_inh, p_t = pw[("pt-dirac", "screened")], pw[("pt-dirac", "reference")], pw[("tilted-dirac", "screened")]
    return (rf"Large $\mu$ (c), screened Coulomb{'' if iso else ', derived for $v_x = v_y$'}: ENH$^{{(PT)}}$ $\sim\mu^{{{p_pt}}}$, {'like' if same else 'unlike'} "
            rf"INH $\sim\mu^{{{p_inh}}}$, and ENH$^{{(T)}}$ $\sim q_s\mu^{{{p_t}}}$:" "\n"
            rf"the paper's $1/\mu$ (ENH) vs $1/\mu^2$ (INH) distinction "
            f"{'does not survive' if same else 'survives'} screening")


def draw(dat, params, convention="consistent"):
    """The figure (matplotlib Figure) of :func:`data`; call inside :func:`~symenh.figures.style.styled`."""
    fig, (a, b, c) = new_figure(3.4, 1, 3, gridspec_kw={"width_ratios": (1, 1, 1.3)})
    _ratio_panel(a, dat, "tilted-dirac")
    a.set_title(r"(a) $H_T$ (both valleys), $xyy$")
    _ratio_panel(b, dat, "pt-dirac")
    b.set_title(r"(b) $H_{PT}$, $yxx$")
    _slope_panel(c, dat)
    c.set_title("(c) local log-log slopes of $|\\sigma|$\ndotted: derived large-$\\mu$ powers $p$"
                + ("" if isotropic(params) else "\n(derived for $v_x = v_y$)"))
    handles, labels = a.get_legend_handles_labels()
    h2, l2 = c.get_legend_handles_labels()      # ENH(T) contact, screened, ENH(PT) contact, screened, BCD, INH
    order = (0, 1, 4, 2, 3, 5)                  # columns: ENH(T) and BCD, ENH(PT) and INH
    fig.legend(handles + [h2[i] for i in order], labels + [l2[i] for i in order], loc="outside lower center",
               ncol=3, frameon=False, fontsize=6.5, handlelength=2.2, columnspacing=1.5)
    eps = eps_r_of(params)
    v = (rf"$v$ = ${tex_number(params.vx_m_per_s)}$ m/s" if isotropic(params) else
         rf"$v_x$ = ${tex_number(params.vx_m_per_s)}$, $v_y$ = ${tex_number(params.vy_m_per_s)}$ m/s")
    fig.suptitle(
        rf"ENH with a screened interaction ($T$ = 0, linear order in $\alpha$): $\Delta$ = ${tex_number(params.Delta_eV * 1e3)}$ meV, {v}, "
        + ("" if isotropic(params) else "\n")
        + rf"$\alpha/\hbar v$ = ${tex_number(params.alpha_over_hbar_v)}$, $\tau$ = ${tex_number(params.tau_ps)}$ ps, $q_s$ = ${tex_number(params.q_s_per_nm)}$ nm$^{{-1}}$"
        + "\n" + r"contact $V_0 = e^2/(4\pi\epsilon_0\epsilon_r q_s)$; screened Coulomb "
        rf"$V(q) = e^2/(2\epsilon_0\epsilon_r(q+q_s))$, whose $V(0) = 2\pi V_0$; $\epsilon_r$ = ${tex_number(eps)}$"
        + "\n" + _verdict(dat, isotropic(params)) + f"\nSign convention: {convention}: {CONVENTION_NOTES_TEX[convention]};\n--convention printed flips the sign of every ENH curve and ratio "
        "(BCD and INH are the same in both)")
    return fig


@styled
def make(out_dir: Path, params, report=print, convention: str = "consistent", mu_points=MU_POINTS,
         mu_large=MU_LARGE) -> list:
    """Write interactions.png, interactions.pdf and the four CSVs into ``out_dir``; return the paths.

    ``mu_points``, ``mu_large``: mu/|Delta| of the quadrature and reference points (smaller sets
    for quick tests).  Everything is computed and checked finite before the first file is written."""
    dat = data(params, convention, report, mu_points, mu_large)
    params = at_zero_temperature(params, lambda _: None)
    tabs = tables(dat, params, convention)
    paths = save(draw(dat, params, convention), Path(out_dir) / "interactions")
    return paths + [write_csv(Path(out_dir) / name, meta, header, cols) for name, meta, header, cols in tabs]


__all__ = ["CSV_FILES", "MU_LARGE", "MU_POINTS", "computed_channels", "data", "derived_powers", "draw", "large_mu_points", "make",
           "screened_points", "tables"]
