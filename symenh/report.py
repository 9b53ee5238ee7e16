"""The markdown summary written by ``symenh reproduce``.

Non-zero tensor elements per model and mechanism, relative signs per convention,
large-mu exponents, a cross-check of the closed form against adaptive quadrature,
and what the printed paper leaves ambiguous with how symenh resolves it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .models.paper import MODEL_NAMES
from .responses.api import sigma
from .responses.spec import CONVENTIONS, ENH_PAIRS, FORBIDDEN, PAPER_MECHANISMS, nonzero_elements, symmetrize

#: what the paper says of each pair's relative sign
PAPER_SAYS = {"pt-dirac": "opposite signs (text before Fig. 3d)", "tilted-dirac": "not stated"}

AMBIGUITIES = [
    ("Sign of e in Eq. 2",
     "Printed Eq. 2 (intraband -(e tau/hbar) E.d f, interband e E r_nm f_mn/eps_nm) is the response to "
     "H' = -e E.r, while the text writes H' = +e E.r and the BCD/INH formulas quoted use charge -e. "
     "symenh derives all four responses with charge -e and H' = +e E.r ('consistent', default): "
     "ENH = -(printed Eqs. 9, 10). `--convention printed` gives Eqs. 9 and 10 as printed "
     "(derivations/eq2_density_matrix_convention.py)."),
    ("The index b on s in Eq. 9",
     "It is the spin-Berry polarizability S^{eta b}_{n'}(k') (from the interband part of Eq. 2 through "
     "Eq. 3 and the identity sum s_nm r_mn f_nm/eps_mn = -sum f_n S_n), not a matrix element of s "
     "(derivations/eq9_eq10_from_eq2_eq3_eq8.py)."),
    ("The index b on s in Eq. 10",
     "It is the level-traced spin expectation s^eta_{n'n'}(k'); b is the field index carried by "
     "d_b f_{n'}(k') of the intraband part of Eq. 2."),
    ("Fierz factor in Eq. 3",
     "The completeness relation delta_ad delta_cb = (1/2) sum_eta s^eta_ab s^eta_cd carries 1/2, and for "
     "the four-band H_PT a projection on tau_0 x s^eta would carry 1/4 and other channels. symenh follows "
     "Eq. 3 as printed (prefactor 1) and says so in every result (derivations/eq3_fierz_factor.py)."),
    ("BCD index form",
     "The printed sigma_BCD^gamma = (e^3 tau/hbar^2) eps^{gamma beta rho} D^{alpha rho} is garbled; symenh "
     "uses the DC form sigma^{cab} = (e^3 tau/hbar^2) eps^{ca} D_b with D_b = sum int f d_b Omega "
     "(Sodemann-Fu's rectified-AC coefficient is half of it)."),
    ("Which k' the exchange covers",
     "H_T: within the valley of k (default; `--exchange-valleys all` sums over both valleys, which makes "
     "ENH(T) vanish identically). H_PT: all four bands (both tau_y blocks); block-by-block exchange "
     "would change Eq. 9."),
    ("INH",
     "Only the Berry-curvature (BCP) term the paper writes, sigma = (e^3/hbar) sum G^{ba} d_c f - (c<->a); "
     "the field-corrected band energy term of the full intrinsic response is not included, as in the paper. "
     "Likewise the exchange shift of the band energies (U s_nn) is not included in ENH: only Eq. 8."),
]


def _geometry_cells(model) -> tuple:
    """(Omega, S^{1x}, S^{1y}, S^{2x}, S^{2y}, S^{3x}, S^{3y}, <s^1>, <s^2>, <s^3>) of the conduction
    level of ``model``, simplified with the radicand written as the symbol ``E``; cached on disk
    (keyed by this module's source, the geometry's and the model's)."""
    import inspect
    import sys

    import sympy as sp

    from . import cache
    from .geometry import derive_geometry
    from .geometry import symbolic as geom_mod
    from .models.symbols import DELTA, HVX, HVY, KX, KY

    E = sp.Symbol("E", positive=True)
    root = sp.sqrt(DELTA**2 + HVX**2 * KX**2 + HVY**2 * KY**2)

    def build():
        g = derive_geometry(model)
        S, spin = g.sbp[1], g.spin[1]
        raw = [g.berry_curvature[1]] + [S[eta][a] for eta in (1, 2, 3) for a in (0, 1)] + [spin[eta] for eta in (1, 2, 3)]
        return tuple(sp.simplify(sp.sympify(x).subs(root, E)) for x in raw)

    key = cache.make_key("summary-geometry-rows", inspect.getsource(sys.modules[__name__]),
                         inspect.getsource(geom_mod), model.source())
    return cache.cached_exprs(key, build)


def geometry_rows() -> list:
    """Markdown rows: the closed-form geometry of the conduction level of each paper model."""
    import sympy as sp

    from .models import pt_dirac, tilted_dirac
    from .models.symbols import DELTA, HVX, HVY

    names = {HVX: r"(\hbar v_x)", HVY: r"(\hbar v_y)", DELTA: r"\Delta"}

    def tex(expr):
        return "$" + sp.latex(expr, symbol_names=names) + "$"

    rows = [r"Conduction level, traced over degenerate partners; $E = \sqrt{\Delta^2 + (\hbar v_x k_x)^2 + "
            r"(\hbar v_y k_y)^2}$; the valence level carries minus these (band sum rule). "
            "Units: Omega nm^2, S nm/eV, spin dimensionless (`symenh derive` prints every quantity).", "",
            "| model | Omega | S^{1x}, S^{1y} | S^{2x}, S^{2y} | S^{3x}, S^{3y} | <s^1>, <s^2>, <s^3> |",
            "|---|---|---|---|---|---|"]
    for label, model in (("tilted-dirac, xi = +1", tilted_dirac(1)), ("pt-dirac", pt_dirac())):
        cells = [tex(x) for x in _geometry_cells(model)]
        rows.append(f"| {label} | {cells[0]} | "
                    + " | ".join(f"{cells[1 + 2 * i]}, {cells[2 + 2 * i]}" for i in range(3))
                    + " | " + ", ".join(cells[7:]) + " |")
    return rows


def _fmt(x: float) -> str:
    return f"{x:.4e}"


def nonzero_table(params, mu_over_delta=(1.5, 3.0, 10.0)) -> list:
    """Markdown rows: non-zero raw and symmetrised elements per model and mechanism."""
    rows = ["| model | mechanism | non-zero raw elements | non-zero symmetrised | "
            "value at mu = 3 Delta (A m/V^2) |", "|---|---|---|---|---|"]
    mu = abs(params.Delta_eV) * np.asarray(mu_over_delta)
    for model in MODEL_NAMES:
        for mech in PAPER_MECHANISMS:
            res = sigma(model, mech, mu, params=params)
            nz = res.nonzero
            nzs = nonzero_elements(symmetrize(res.sigma))
            if not nz:
                why = "(forbidden by symmetry)" if mech in FORBIDDEN[model] else ""
                rows.append(f"| {model} | {mech} | none {why} | none | 0 |")
            else:
                el = ENH_PAIRS[model][2] if ENH_PAIRS[model][2] in nz else nz[0]
                rows.append(f"| {model} | {mech} | {', '.join(nz)} | {', '.join(nzs)} | "
                            f"{_fmt(res.element(el)[1])} ({el}) |")
    return rows


def sign_table(params, mu_over_delta=np.linspace(1.05, 20, 40)) -> list:
    """Markdown rows: relative sign of ENH against its reference mechanism, per convention."""
    rows = ["| model | pair (element) | consistent | printed | paper |", "|---|---|---|---|---|"]
    mu = abs(params.Delta_eV) * mu_over_delta
    for model, (enh, ref, el) in ENH_PAIRS.items():
        paper = PAPER_SAYS[model]
        cells = []
        for conv in CONVENTIONS:
            r = sigma(model, enh, mu, params=params, convention=conv).element(el) / \
                sigma(model, ref, mu, params=params, convention=conv).element(el)
            cells.append("same sign" if np.all(r > 0) else "opposite signs" if np.all(r < 0) else "sign changes")
        rows.append(f"| {model} | {enh} / {ref} ({el}) | {cells[0]} | {cells[1]} | {paper} |")
    return rows


def crosscheck_table(params, mu_over_delta=(1.5, 4.0)) -> list:
    """Markdown rows: closed form vs adaptive quadrature (relative difference, max over elements)."""
    rows = ["| model | mechanism | mu/Delta | max rel. difference closed form vs quadrature |",
            "|---|---|---|---|"]
    mu = abs(params.Delta_eV) * np.asarray(mu_over_delta)
    for model in MODEL_NAMES:
        for mech in PAPER_MECHANISMS:
            if mech in FORBIDDEN[model]:
                continue
            a = sigma(model, mech, mu, params=params).sigma
            b = sigma(model, mech, mu, params=params, method="quadrature").sigma
            for i, m in enumerate(mu_over_delta):
                scale = np.max(np.abs(a[i]))
                rows.append(f"| {model} | {mech} | {m:g} | {np.max(np.abs(a[i] - b[i])) / scale:.1e} |")
    return rows


def asymptotics_rows(params, convention: str = "consistent") -> list:
    """Markdown rows of the large-mu series (leading and next power) per non-zero mechanism,
    the ENH/reference ratios, and the paper's two claims checked."""
    from . import asymptotics

    rows = ["| model | mechanism | element | leading power p | C (A m/V^2) | next power | next C |",
            "|---|---|---|---|---|---|---|"]
    rep = asymptotics.report(params, convention)
    ratios = []
    for model, entry in rep["models"].items():
        for mech, d in entry.items():
            if mech == "ratio":
                ratios.append(f"- {model}: {d['of']} ({d['element']}) ~ {d['leading']['coefficient']:.4g} "
                              f"(mu/1 eV)^{d['leading']['power']}; ${d['latex']}$")
                continue
            lead, nxt = d["leading"], d["next"]
            rows.append(f"| {model} | {mech} | {d['element']} | {lead['power']} | {lead['coefficient']:.4e} | "
                        f"{nxt['power']} | {nxt['coefficient']:.4e} |")
    rows += ["", "Ratios at large mu:", ""] + ratios + ["", "The paper's claims:", ""]
    for claim, c in rep["paper_claims"].items():
        rows.append(f"- {claim}: claimed power {c['claimed']}, derived {c['derived']} -> "
                    f"{'agrees' if c['agrees'] else 'DISAGREES'}")
    return rows


def write_summary(path: Path, params, report=print, convention: str = "consistent") -> Path:
    """Write the markdown summary to ``path`` and return it (ENH signs in ``convention``
    for the asymptotics; the relative-sign table shows both conventions)."""
    report("summary: non-zero elements")
    lines = ["# symenh summary", "",
             "All conductivities: T = 0, linear order in the tilt alpha (alpha d sigma/d alpha at alpha = 0), "
             "contact interaction V_0 = e^2/(4 pi eps_0 q_s), SI units A m/V^2, for j^c = sigma^{cab} E^a E^b. "
             "Raw elements are antisymmetric in (c, a); the symmetrised ones (sigma^{cab} + sigma^{cba})/2 are the "
             "physical response. Element names read c a b.", "",
             "## Parameters", "", "| name | value |", "|---|---|"]
    lines += [f"| {k} | {v:g} |" for k, v in params.as_dict().items()]
    lines += [f"| V0_eV_nm2 (derived) | {params.V0_eV_nm2:.4g} |", ""]
    report("summary: band geometry")
    lines += ["## Band geometry (closed form)", ""] + geometry_rows() + ["", "## Non-zero tensor elements (closed form)",
                                                                        ""]
    lines += nonzero_table(params)
    report("summary: relative signs")
    lines += ["", "## Relative signs", "",
              "Consistent: charge -e and H' = +e E.r in all four mechanisms. Printed: Eqs. 9 and 10 exactly as "
              "printed (their Eq. 2 is the response to H' = -e E.r), BCD and INH as quoted.", ""]
    lines += sign_table(params)
    report("summary: large-mu asymptotics")
    lines += ["", "## Large-mu asymptotics", "", "sigma ~ C (mu / 1 eV)^p (A m/V^2), from the SymPy series of "
              f"the closed forms (`symenh asymptotics --json`); {convention} convention.", ""]
    lines += asymptotics_rows(params, convention)
    report("summary: closed form vs quadrature")
    lines += ["", "## Cross-check", ""]
    lines += crosscheck_table(params)
    lines += ["", "## What the printed paper leaves ambiguous, and how symenh resolves it", ""]
    lines += [f"- **{title}.** {text}" for title, text in AMBIGUITIES]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path
