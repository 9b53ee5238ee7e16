"""``symenh derive``: print the closed-form band geometry of a paper model (LaTeX or text).

    symenh derive --model pt-dirac --quantity sbp
    symenh derive --model tilted-dirac --valley 1 --quantity r --format text

Level-traced quantities (energy, sbp, bcp, berry-curvature, quantum-metric, spin)
come from :func:`symenh.geometry.derive_geometry`; eigenvectors (a gauge choice) from
:func:`symenh.geometry.eigenvectors`; the gauge-dependent interband Berry connection
r^a_nm and spin matrix elements s^eta_nm from :func:`symenh.geometry.interband_elements`.
For the paper's models E = sqrt(Delta^2 + (hbar v_x k_x)^2 + (hbar v_y k_y)^2) is
written as a symbol and defined on the first line.
"""

from __future__ import annotations

import sympy as sp

from ..geometry import QUANTITIES, derive_geometry, eigenvectors, interband_elements
from ..geometry.symbolic import level_projectors
from ..models.paper import MODEL_NAMES, paper_model
from ..models.symbols import ALPHA, DELTA, HVX, HVY, KX, KY
from ..units import GEOMETRY_UNITS

#: quantities printed by ``symenh derive`` (level-traced ones, then gauge-dependent ones)
DERIVE_QUANTITIES = ("energy", "eigenvectors", "r", "s", "sbp", "bcp", "berry-curvature",
                     "quantum-metric", "spin")
FORMATS = ("latex", "text")

_LATEX_NAMES = {HVX: r"(\hbar v_x)", HVY: r"(\hbar v_y)", DELTA: r"\Delta", ALPHA: r"\alpha",
                KX: "k_x", KY: "k_y"}
#: LaTeX / text symbol of each level-traced quantity, and the meaning of its components
_SYMBOL = {
    "energy": (r"\varepsilon", "eps", ""),
    "berry-curvature": (r"\Omega", "Omega", ""),
    "quantum-metric": (r"g", "g", "rows a = x, y; columns b = x, y"),
    "bcp": (r"G", "G", "rows a = x, y; columns b = x, y"),
    "sbp": (r"\mathcal{S}", "S", "rows eta = 0, 1, 2, 3; columns a = x, y"),
    "spin": (r"\langle s \rangle", "<s>", "eta = 0, 1, 2, 3"),
}
_NA = sp.Symbol("n/a")   # r_nm within one degenerate level (undefined)
_E = sp.Symbol("E", positive=True)


def register(sub) -> None:
    p = sub.add_parser("derive", help="print closed-form band geometry (LaTeX or text)",
                       description="Print the simplified closed-form expressions of a paper model.")
    p.add_argument("--model", required=True, choices=MODEL_NAMES)
    p.add_argument("--valley", type=int, choices=(1, -1), default=None,
                   help="valley xi (required for tilted-dirac, refused for pt-dirac)")
    p.add_argument("--quantity", required=True, choices=DERIVE_QUANTITIES)
    p.add_argument("--format", default="latex", choices=FORMATS, help="output format (default: latex)")
    p.set_defaults(func=run)


class _Printer:
    """Writes expressions with E = sqrt(...) abbreviated, in LaTeX or plain text."""

    def __init__(self, model, fmt: str):
        self.fmt = fmt
        _, _, _, subs = level_projectors(model)
        self.root = next(iter(subs.values()), None)   # sqrt(E^2) for a Clifford model

    def short(self, expr):
        if expr is None:
            return _NA
        if self.root is None:
            return expr
        return sp.simplify(expr.subs(self.root, _E).subs(self.root**2, _E**2))

    def show(self, expr) -> str:
        if isinstance(expr, (tuple, list)):
            expr = sp.Matrix([[self.short(x) for x in row] if isinstance(row, (tuple, list))
                              else [self.short(row)] for row in expr])
        else:
            expr = self.short(expr)
        if self.fmt == "latex":
            return sp.latex(expr, symbol_names={**_LATEX_NAMES, _NA: r"\text{n/a}"})
        if isinstance(expr, sp.MatrixBase):
            return sp.sstr(expr.tolist())   # one line: [[row], [row], ...]
        return sp.sstr(expr)

    def comment(self, text: str) -> str:
        return ("% " if self.fmt == "latex" else "# ") + text

    def definition(self) -> list:
        if self.root is None:
            return []
        if self.fmt == "latex":
            return [f"E = {sp.latex(self.root, symbol_names=_LATEX_NAMES)}"]
        return [f"E = {sp.sstr(self.root)}"]


def _level_traced(model, quantity, pr: _Printer) -> list:
    geo = derive_geometry(model)
    sym_tex, sym_txt, comp = _SYMBOL[quantity]
    lines = [pr.comment(f"unit: {GEOMETRY_UNITS[quantity]}" + (f"; {comp}" if comp else ""))]
    for n, value in enumerate(geo.quantity(quantity)):
        deg = geo.degeneracy[n]
        note = f"level {n} (degeneracy {deg}, energy {pr.show(geo.energy[n])})"
        if pr.fmt == "latex":
            lines.append(pr.comment(note))
            lines.append(f"{sym_tex}_{{{n}}} = {pr.show(value)}")
        else:
            lines.append(f"{sym_txt}[{n}] = {pr.show(value)}    # {note}")
    return lines


def _eigenvectors(model, pr: _Printer) -> list:
    lines = [pr.comment("orthonormal eigenvectors (one gauge choice), per level")]
    band = 0
    for n, (energy, vecs) in enumerate(eigenvectors(model)):
        lines.append(pr.comment(f"level {n}: energy {pr.show(energy)}"))
        for u in vecs:
            col = pr.show(tuple(u))
            lines.append(f"u_{{{band}}} = {col}" if pr.fmt == "latex" else f"u[{band}] = {col}")
            band += 1
    return lines


def _interband(model, quantity, pr: _Printer) -> list:
    el = interband_elements(model)
    energies = ", ".join(pr.show(e) for e in el["energies"])
    if quantity == "r":
        lines = [pr.comment("interband Berry connection r^a_nm = i v^a_nm / (eps_m - eps_n), nm; "
                            "gauge dependent (eigenvectors of --quantity eigenvectors); "
                            "n/a within a degenerate level"),
                 pr.comment(f"band energies: {energies}")]
        comps = (("x", el["r"][0]), ("y", el["r"][1]))
        name = "r"
    else:
        lines = [pr.comment("spin matrix elements s^eta_nm (dimensionless); gauge dependent"),
                 pr.comment(f"band energies: {energies}")]
        comps = tuple((str(eta), el["s"][eta]) for eta in range(4))
        name = "s"
    for c, mat in comps:
        body = pr.show(tuple(tuple(row) for row in mat))
        lines.append(f"{name}^{{{c}}} = {body}" if pr.fmt == "latex" else f"{name}^{c} = {body}")
    return lines


def derive_text(model_name: str, quantity: str, valley: int | None = None, fmt: str = "latex") -> str:
    """The printed output of ``symenh derive`` as one string (LaTeX or text lines)."""
    from ..models.base import ModelError

    if quantity not in DERIVE_QUANTITIES:
        raise ModelError(f"quantity: unknown quantity {quantity!r}; allowed: {', '.join(DERIVE_QUANTITIES)}")
    if fmt not in FORMATS:
        raise ModelError(f"format: unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    model = paper_model(model_name, valley)
    pr = _Printer(model, fmt)
    head = [pr.comment(f"symenh derive: {model.name}, H = {model.latex}" if fmt == "latex"
                       else f"symenh derive: {model.name}, H = {sp.sstr(model.matrix().tolist())}"),
            pr.comment("k in 1/nm, Delta in eV, hbar v_x, hbar v_y, alpha in eV nm")]
    head += pr.definition()
    if quantity in QUANTITIES:
        body = _level_traced(model, quantity, pr)
    elif quantity == "eigenvectors":
        body = _eigenvectors(model, pr)
    else:
        body = _interband(model, quantity, pr)
    return "\n".join(head + body)


def run(args) -> int:
    print(derive_text(args.model, args.quantity, args.valley, args.format))
    return 0
