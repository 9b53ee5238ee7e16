"""Large-mu asymptotics figure: |sigma| vs mu/|Delta| (log-log), series overlaid, local slopes.

Panels (paper parameters unless overridden; T = 0, linear order in alpha; raw elements,
SI units A m / V^2):

(a) |sigma| of the four mechanisms (each its main non-zero element: BCD and ENH(T) of
    H_T, INH and ENH(PT) of H_PT) from mu = 10 |Delta| to 10^4 |Delta|: points from the
    high-precision mpmath quadrature :func:`symenh.responses.mpmath_path.sigma_linear_mp`
    (independent of the SymPy closed forms), dashed lines the leading term
    C (mu / 1 eV)^p of :mod:`symenh.asymptotics`;
(b) local log-log slope d ln|sigma| / d ln mu between neighbouring points, converging
    to the derived powers p (dotted lines);
(c) relative remainder |sigma - C mu^p| / |sigma|, falling with the next power
    (dashed: |C' / C| mu^(p' - p) from the series).

The mpmath points (30 significant digits for every mechanism) are cached on disk
(:mod:`symenh.cache`), keyed by the sources of :mod:`symenh.integrate.mp`,
:mod:`symenh.responses.mpmath_path` and of the geometry module they integrate, the symenh version and every input.

Refused in one line (:class:`~symenh.errors.ResponseError`, before any quadrature): Delta = 0
(the mu axis is in |Delta|) and alpha = 0 (every conductivity vanishes, log|sigma| is undefined);
and any parameters at which a plotted number is not finite.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import mpmath as mp
import numpy as np
import sympy as sp

from .. import asymptotics as asy
from .. import cache
from ..errors import ResponseError
from ..geometry import symbolic as geom
from ..integrate import mp as mpq
from ..responses import mpmath_path as mpr
from .style import decade_ticks, new_figure, save, styled, tex_number
from .table import require_finite

#: (model, mechanism) in plotting order, with colours
CURVES = (("tilted-dirac", "bcd", "tab:blue"), ("tilted-dirac", "enh-t", "tab:red"),
          ("pt-dirac", "inh", "tab:green"), ("pt-dirac", "enh-pt", "tab:purple"))
#: marker (shape, size): open markers of different sizes so coinciding points stay visible
MARKERS = {"bcd": ("o", 6), "enh-t": ("s", 4.5), "inh": ("^", 3.5), "enh-pt": ("D", 2.5)}
LABELS = {"bcd": r"BCD ($H_T$)", "enh-t": r"ENH$^{(T)}$ ($H_T$)", "inh": r"INH ($H_{PT}$)",
          "enh-pt": r"ENH$^{(PT)}$ ($H_{PT}$)"}
#: decimal digits of the mpmath quadrature (30 for all: the remainder at mu = 10^4 |Delta| is
#: ~1e-8 relative, so it keeps ~20 digits; ENH(PT)'s Fermi sea costs 2-4 s per point)
DPS = {"bcd": 30, "inh": 30, "enh-t": 30, "enh-pt": 30}
MU_OVER_DELTA = np.logspace(1, 4, 7)


def _mp_points(model, mech, element, mu_list, params, convention):
    """sigma^{element} (A m/V^2, floats) at each mu (eV) from :mod:`symenh.integrate.mp`, cached."""
    c, a, b = ("xy".index(ch) for ch in element)
    key = cache.make_key("asymptotics-figure-points", inspect.getsource(mpq), inspect.getsource(mpr),
                         inspect.getsource(geom),
                         repr(params), model, mech, element, convention, repr(list(mu_list)), str(DPS[mech]))

    def build():
        return tuple(sp.Float(mp.nstr(mpr.sigma_linear_mp(model, mech, mu, params, convention,
                                                          dps=DPS[mech])[c][a][b], DPS[mech]), DPS[mech])
                     for mu in mu_list)

    return [float(x) for x in cache.cached_exprs(key, build)]


def check_params(params) -> None:
    """Raise a one-line ResponseError for parameters at which the figure is undefined."""
    if params.Delta_eV == 0:
        raise ResponseError("Delta: the asymptotics figure needs Delta != 0: its mu axis runs from 10 |Delta| "
                            "to 10^4 |Delta|")
    if params.alpha_over_hbar_v == 0:
        raise ResponseError("alpha_over_hbar_v: the asymptotics figure needs a tilt (alpha != 0): every "
                            "conductivity is linear in alpha, so at alpha = 0 all vanish and log|sigma| is undefined")


def data(params, convention="consistent", report=print):
    """{mechanism: dict(model, element, mu (eV), sigma (A m/V^2), expansion, source)} for the figure.

    Raises a one-line ResponseError (before any quadrature) for Delta = 0 or alpha = 0, and if a
    conductivity or a series coefficient is not finite or a conductivity is zero."""
    check_params(params)
    d = abs(params.Delta_eV)
    mu = d * MU_OVER_DELTA
    out = {}
    for model, mech, _ in CURVES:
        exp = asy.expansion(model, mech, params, convention)
        report(f"asymptotics figure: {mech} ({model}, element {exp.element}) by mpmath quadrature")
        require_finite("params", [exp.leading.coefficient] + ([] if exp.next is None else [exp.next.coefficient]),
                       f"the large-mu series of {mech}")
        pts = require_finite("params", _mp_points(model, mech, exp.element, list(map(float, mu)), params,
                                                  convention), f"sigma_{mech} of the asymptotics figure")
        if np.any(pts == 0):
            raise ResponseError(f"params: sigma_{mech} vanishes at a point of the asymptotics figure, "
                                "so its log-log slope is undefined")
        source = f"mpmath quadrature (symenh.responses.mpmath_path, dps={DPS[mech]})"
        out[mech] = {"model": model, "element": exp.element, "mu": mu, "sigma": np.array(pts),
                     "expansion": exp, "source": source}
    return out


@styled
def make(out_dir: Path, params, report=print, convention: str = "consistent") -> list:
    """Write asymptotics.png and asymptotics.pdf into ``out_dir``; return the paths."""
    check_params(params)
    dat = data(params, convention, report)
    d = abs(params.Delta_eV)
    fig, axes = new_figure(3.3, 1, 3)
    dense = d * np.logspace(1, 4, 200)
    for model, mech, col in CURVES:
        x = dat[mech]
        exp = x["expansion"]
        lead, nxt = exp.leading, exp.next
        r = x["mu"] / d
        lab = f"{LABELS[mech]} $\\sigma^{{{x['element']}}}$, $p={lead.power}$"
        mk, ms = MARKERS[mech]
        sty = {"marker": mk, "ms": ms, "mfc": "none", "color": col, "ls": "none"}
        axes[0].loglog(r, np.abs(x["sigma"]), label=lab, **sty)
        with np.errstate(all="ignore"):  # over/underflow is refused below in one line
            lead_dense = np.abs(lead.value(dense))
            slope = np.diff(np.log(np.abs(x["sigma"]))) / np.diff(np.log(x["mu"]))
            rem = np.abs(x["sigma"] - lead.value(x["mu"])) / np.abs(x["sigma"])
            next_dense = None if nxt is None else np.abs(nxt.value(dense) / lead.value(dense))
        for what, arr in (("leading term", lead_dense), ("local slope", slope), ("remainder", rem),
                          ("next term", next_dense)):
            if arr is not None:
                require_finite("params", arr, f"the {what} of {mech} in the asymptotics figure")
        axes[0].loglog(dense / d, lead_dense, "--", color=col, lw=1)
        mid = np.sqrt(r[1:] * r[:-1])
        axes[1].semilogx(mid, slope, **sty)
        axes[1].axhline(lead.power, color=col, ls=":", lw=1)
        axes[2].loglog(r, rem, **sty)
        if next_dense is not None:
            axes[2].loglog(dense / d, next_dense, "--", color=col, lw=1)
    axes[0].set_xlabel(r"$\mu / |\Delta|$ (dimensionless)")
    axes[0].set_ylabel(r"$|\sigma|$ (A m / V$^2$)")
    axes[0].set_title("(a) $|\\sigma|$ (points)\ndashed: leading term $C\\mu^p$")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=4, frameon=False)
    axes[1].set_xlabel(r"$\mu / |\Delta|$ (dimensionless)")
    axes[1].set_ylabel(r"$d\ln|\sigma| / d\ln\mu$ (dimensionless)")
    axes[1].set_title("(b) local log-log slope\ndotted: derived power $p$")
    axes[1].set_ylim(-2.3, -0.7)
    axes[2].set_xlabel(r"$\mu / |\Delta|$ (dimensionless)")
    axes[2].set_ylabel(r"$|\sigma - C\mu^p| / |\sigma|$ (dimensionless)")
    axes[2].set_title("(c) remainder after $C\\mu^p$\ndashed: next term")
    for axis in (axes[0].xaxis, axes[0].yaxis, axes[1].xaxis, axes[2].xaxis, axes[2].yaxis):
        decade_ticks(axis)
    sources = sorted({v["source"] for v in dat.values()})
    sources = "; ".join(sources) if len(sources) > 1 else f"all four mechanisms by {sources[0]}"
    v = (f"$v$ = ${tex_number(params.vx_m_per_s)}$ m/s" if params.vx_m_per_s == params.vy_m_per_s else
         f"$v_x$ = ${tex_number(params.vx_m_per_s)}$ m/s, $v_y$ = ${tex_number(params.vy_m_per_s)}$ m/s")
    fig.suptitle(f"Large-$\\mu$ asymptotics ({convention} convention; "
                 f"$\\Delta$ = ${tex_number(params.Delta_eV * 1e3)}$ meV, {v}, "
                 f"$\\alpha/\\hbar v$ = ${tex_number(params.alpha_over_hbar_v)}$, "
                 f"$\\tau$ = ${tex_number(params.tau_ps)}$ ps, $q_s$ = ${tex_number(params.q_s_per_nm)}$ nm$^{{-1}}$;\n"
                 f"$T$ = 0, linear order in $\\alpha$). Points: {sources}")
    return save(fig, Path(out_dir) / "asymptotics")
