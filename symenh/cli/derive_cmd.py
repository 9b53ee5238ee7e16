"""``symenh derive``: print the closed-form band geometry of a paper model (LaTeX or text).

    symenh derive --model pt-dirac --quantity sbp
    symenh derive --model tilted-dirac --valley 1 --quantity r --format text
    symenh derive --model-file examples/models/tilted_dirac.json --valley 1 --quantity berry-curvature \
        --geometry-timeout 30 --format text

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
from .common import CliError
from .user_model import (
    DEFAULT_GEOMETRY_TIMEOUT,
    add_component_option,
    add_model_choice,
    add_progress_option,
    add_timeout_options,
    component,
    load,
    reporter,
)

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
                       description="Print the simplified closed-form expressions of a paper model, or of one component of a model file (--model-file; each derivation under --geometry-timeout).")
    add_model_choice(p, MODEL_NAMES, "a paper model: tilted-dirac (H_T, one valley: --valley) or pt-dirac (H_PT)")
    p.add_argument("--valley", type=int, choices=(1, -1), default=None,
                   help="valley xi (required for tilted-dirac, refused for pt-dirac; for --model-file: the value "
                        "of the file's valley symbol)")
    add_component_option(p)
    p.add_argument("--quantity", required=True, choices=DERIVE_QUANTITIES)
    p.add_argument("--format", default="latex", choices=FORMATS, help="output format (default: latex)")
    add_timeout_options(p, closed_form=False)
    add_progress_option(p)
    p.set_defaults(func=run)


class _Printer:
    """Writes expressions with E = sqrt(...) abbreviated (paper models), in LaTeX or plain text."""

    def __init__(self, model, fmt: str, abbreviate: bool = True):
        self.fmt = fmt
        self.root = None
        if abbreviate:
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


def _level_traced(model, quantity, pr: _Printer, derive=derive_geometry) -> list:
    geo = derive(model)
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


def _eigenvectors(model, pr: _Printer, find=eigenvectors) -> list:
    lines = [pr.comment("orthonormal eigenvectors (one gauge choice), per level")]
    band = 0
    for n, (energy, vecs) in enumerate(find(model)):
        lines.append(pr.comment(f"level {n}: energy {pr.show(energy)}"))
        for u in vecs:
            col = pr.show(tuple(u))
            lines.append(f"u_{{{band}}} = {col}" if pr.fmt == "latex" else f"u[{band}] = {col}")
            band += 1
    return lines


def _interband(model, quantity, pr: _Printer, find=interband_elements) -> list:
    el = find(model)
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


def derive_user_text(loaded, quantity: str, *, valley=None, index=None, fmt: str = "latex",
                     timeout: float = DEFAULT_GEOMETRY_TIMEOUT, progress=None) -> str:
    """The printed output of ``symenh derive --model-file``: one component of a model file
    (:func:`symenh.load_model`), every derivation under ``timeout`` seconds in a child process
    (:func:`symenh.geometry.timelimit.call_with_timeout`); a time-out is a one-line
    :class:`~symenh.errors.ModelError` naming ``symenh geometry --method direct`` (numbers without SymPy).
    Expressions in k_x, k_y (1/nm) and the file's parameters (in the units the file lists)."""
    from ..errors import ModelError
    from ..geometry.timelimit import GeometryTimeout, call_with_timeout

    if quantity not in DERIVE_QUANTITIES:
        raise ModelError(f"quantity: unknown quantity {quantity!r}; allowed: {', '.join(DERIVE_QUANTITIES)}")
    if fmt not in FORMATS:
        raise ModelError(f"format: unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    model, label = component(loaded, valley, index)
    pr = _Printer(model, fmt, abbreviate=False)

    def limited(func):
        def run_it(m):
            try:
                return call_with_timeout(func, (m,), timeout, what=f"the derivation of {quantity} for {label}")
            except GeometryTimeout as exc:
                raise ModelError(f"--geometry-timeout: {exc}; raise --geometry-timeout, or get numbers without "
                                 "SymPy: symenh geometry --model-file FILE --method direct") from None
        return run_it

    def derive(m):
        try:
            return derive_geometry(m, timeout=timeout, progress=progress)
        except GeometryTimeout as exc:
            raise ModelError(f"--geometry-timeout: {exc}; raise --geometry-timeout, or get numbers without "
                             "SymPy: symenh geometry --model-file FILE --method direct") from None

    units = ", ".join(f"{k} in {u}" for k, u in loaded.units.items())
    head = [pr.comment(f"symenh derive: {label} (model file {loaded.name}, sha256 {loaded.sha256[:12]}), "
                       f"H = {model.latex if fmt == 'latex' else sp.sstr(model.matrix().tolist())}"),
            pr.comment(f"k in 1/nm, H in eV; {units}")]
    if quantity in QUANTITIES:
        body = _level_traced(model, quantity, pr, derive)
    elif quantity == "eigenvectors":
        body = _eigenvectors(model, pr, limited(eigenvectors))
    else:
        body = _interband(model, quantity, pr, limited(interband_elements))
    return "\n".join(head + body)


def run(args) -> int:
    loaded = load(args)
    if loaded is None:
        if args.component is not None:
            raise CliError("--component: only with --model-file (a paper model: --valley)")
        print(derive_text(args.model, args.quantity, args.valley, args.format))
    else:
        print(derive_user_text(loaded, args.quantity, valley=args.valley, index=args.component, fmt=args.format,
                               timeout=args.geometry_timeout or DEFAULT_GEOMETRY_TIMEOUT,
                               progress=reporter(args) if args.progress else None))
    return 0
