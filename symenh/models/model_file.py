r"""A user's model in a file (JSON, or TOML): read and built without evaluating anything as code.

:func:`load_model` turns a model file into the :class:`~symenh.models.base.SymbolicModel` components
and the parameter values that :func:`symenh.sigma` takes (``model=``, ``model_values=``); the command
line's ``--model-file FILE`` is this function.

Unit convention: H in eV, k in 1/nm, lengths in nm.  Every parameter carries its unit, an energy
unit (eV, meV, ueV, keV) times a power of a length unit (nm, A, pm, um, m), e.g. ``"0.05 eV"``,
``"0.263 eV nm"``, ``"0.5 eV nm^3"``, ``"nm^2 eV"``, ``"1.2 meV*A^2"``, a pure length (``"0.4 nm"``) or
``"1"`` (dimensionless); its value is converted to eV nm^p.  Every expression is checked for
dimensions on the way (k counts as 1/nm): each matrix entry must be an energy, arguments of
sin/cos/tan/exp/sinh/cosh must be dimensionless; a parameter given in the wrong unit is refused
naming the entry.

The file (a JSON object; keys)::

    {"name": "my-ht",                               # the model's name (text)
     "momentum": ["qx", "qy"],                      # the names of k_x, k_y in the expressions (1/nm)
     "parameters": {"m": "0.05 eV", "u": "0.26 eV nm", "t": "0.026 eV nm"},   # symbols, values kept
     "constants": {"a": "0.5 nm"},                  # optional: substituted exactly into the matrix
     "tilt_symbol": "t",                            # the tilt (multiplies the identity only)
     "valley": {"symbol": "xi", "values": [1, -1]}, # optional: one component per value, summed
     "matrix": [["m", "u*qx - I*xi*u*qy"], ["u*qx + I*xi*u*qy", "-m"]],   # rows of expressions (eV)
     "components": [{"name": "K", "matrix": [...]}, ...],                  # instead of matrix
     "spin": [s1, s2, s3],                          # optional: three constant N x N matrices
     "lattice_vectors": [[0.5, 0], [0, 0.5]]}       # optional: nm (numbers, or "0.5 nm")

Expressions are parsed by :func:`ast.parse` (``mode="eval"``) and a whitelist walk that builds
SymPy objects directly: numbers (exact rationals), the declared names, ``I``, ``pi``, ``+ - * / **``
(integer exponents), unary ``-``/``+`` and the functions :data:`FUNCTIONS`.  Everything else
(attribute access, calls of anything else, subscripts, lambdas, comprehensions, strings, ...)
is refused, and no text is ever given to ``eval``, ``sympify`` or ``parse_expr``.  Resource
limits (:data:`LIMITS`) bound the file size, each expression's length, node count, depth,
polynomial degree, integer exponents and literal sizes.  Every error is one
:class:`~symenh.errors.ModelError` line naming the file, the entry (e.g. ``matrix[1][0]``) and
what is allowed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import keyword
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import sympy as sp

from ..errors import ModelError, SymenhError
from ..units import DIMENSIONS

#: the functions an expression may call (all of one dimensionless argument; sqrt halves dimensions)
FUNCTIONS = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "sqrt": sp.sqrt,
             "sinh": sp.sinh, "cosh": sp.cosh}
#: names with a fixed meaning in expressions
CONSTANTS = {"I": sp.I, "pi": sp.pi}
#: resource limits of a model file and of each expression in it
LIMITS = {"file_bytes": 1_000_000, "expression_chars": 2000, "nodes": 400, "depth": 40, "degree": 32,
          "exponent": 12, "literal": 1e15, "bands": 16, "components": 16, "names": 64, "name_chars": 32}
#: length units (factor to nm) of parameter units and lattice vectors
LENGTH_UNITS = {"nm": 1.0, "A": 0.1, "Å": 0.1, "pm": 1e-3, "um": 1e3, "µm": 1e3, "m": 1e9}
#: energy units (factor to eV), as on the command line
ENERGY_UNITS = dict(DIMENSIONS["energy"][0])
#: the keys a model file may have
KEYS = ("format", "name", "description", "reference", "momentum", "parameters", "constants", "tilt_symbol",
        "valley", "matrix", "components", "spin", "lattice_vectors")

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_UNIT_TOKEN = re.compile(r"^(/)?([A-Za-zµÅ]+)(?:\^\(?([-+]?\d+)\)?)?$")
_ALLOWED = ("numbers, the declared names, I, pi, + - * / ** (integer exponents), unary -, and "
            f"{', '.join(FUNCTIONS)}")
_UNIT_HELP = ("an energy unit (eV, meV, ueV, keV) times a length power (nm, A, pm, um, m; e.g. 'eV nm^2'), "
              "a length ('nm') or '1' (dimensionless)")


class _Refused(ModelError):
    """Internal: a refusal inside one entry (the caller adds the file and the entry)."""


@dataclass(frozen=True)
class LoadedModel:
    """A model read from a file by :func:`load_model`.

    ``components``: the :class:`~symenh.models.base.SymbolicModel` s (one per valley or component,
    summed by the responses); ``model_values``: {parameter name: value in eV nm^p} for
    :func:`symenh.sigma`; ``units``: {parameter name: the internal unit, e.g. "eV nm"};
    ``labels``: one label per component (e.g. "xi=+1"); ``path``, ``sha256``: the file read and the
    SHA-256 of its bytes."""

    name: str
    path: str
    sha256: str
    components: tuple
    model_values: dict
    units: dict
    labels: tuple
    lattice_vectors: tuple | None = None

    @property
    def model(self):
        """What :func:`symenh.sigma` takes as ``model``: the single component, or the tuple of them."""
        return self.components[0] if len(self.components) == 1 else self.components

    def describe(self) -> dict:
        """The JSON "model" entry of a command run on this file."""
        return {"name": self.name, "file": Path(self.path).name, "sha256": self.sha256,
                "components": list(self.labels), "parameters": {k: {"value": v, "unit": self.units[k]}
                                                                for k, v in self.model_values.items()}}


# ---------------------------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------------------------

def _dims_text(dims) -> str:
    e, length = dims
    parts = []
    if e:
        parts.append("eV" if e == 1 else f"eV^{e}")
    if length:
        parts.append("nm" if length == 1 else f"nm^{length}")
    return " ".join(parts) or "dimensionless"


def parse_unit_value(value, where: str, *, length_only: bool = False):
    """(value converted to eV^e nm^l, (e, l), internal unit text) of ``"NUMBER UNIT"`` or
    ``{"value": NUMBER, "unit": "UNIT"}``; a :class:`_Refused` naming what is allowed otherwise."""
    help_ = "a length unit (nm, A, pm, um, m)" if length_only else _UNIT_HELP
    if isinstance(value, dict):
        if set(value) != {"value", "unit"}:
            raise _Refused(f"{where}: give \"NUMBER UNIT\" or {{\"value\": NUMBER, \"unit\": UNIT}}, got keys "
                           f"{sorted(value)}")
        number, unit = value["value"], value["unit"]
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not isinstance(unit, str):
            raise _Refused(f"{where}: value must be a number and unit a text ({help_})")
        number = float(number)
    elif isinstance(value, str):
        m = _NUMBER.match(value)
        if not m:
            raise _Refused(f"{where}: cannot read {value[:60]!r} as a number with a unit ({help_})")
        number, unit = float(m.group(1)), m.group(2)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _Refused(f"{where}: {value!r} has no unit; give it as a text with its unit, e.g. \"{value} "
                       f"{'nm' if length_only else 'eV'}\" ({help_})")
    else:
        raise _Refused(f"{where}: missing value; give \"NUMBER UNIT\" ({help_})")
    if not math.isfinite(number) or abs(number) > LIMITS["literal"]:
        raise _Refused(f"{where}: the number must be finite with magnitude <= {LIMITS['literal']:g}")
    if not unit.strip():
        raise _Refused(f"{where}: {value!r} has no unit ({help_})")
    factor, e, length = 1.0, 0, 0
    if unit.strip() not in ("1", "dimensionless"):
        for tok in re.split(r"[\s*·]+", unit.strip().replace("/", " /")):
            m = _UNIT_TOKEN.match(tok)
            name = m.group(2) if m else None
            power = int(m.group(3) or 1) * (-1 if m and m.group(1) else 1) if m else 0
            if name in LENGTH_UNITS and abs(power) <= 6:
                factor *= LENGTH_UNITS[name] ** power
                length += power
            elif name in ENERGY_UNITS and power == 1 and not e:
                factor *= ENERGY_UNITS[name]
                e = 1
            else:
                raise _Refused(f"{where}: unit {unit!r} is not allowed (the part {tok!r}); allowed: {help_}")
    if length_only and (e or length != 1):
        raise _Refused(f"{where}: unit {unit!r} is not a length; allowed: {help_}")
    out = number * factor
    if not math.isfinite(out):
        raise _Refused(f"{where}: {value!r} overflows in eV nm^p")
    return out, (Fraction(e), Fraction(length)), _dims_text((e, length))


# ---------------------------------------------------------------------------------------------
# the safe expression parser
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Val:
    expr: sp.Expr
    dims: tuple          # (energy power, length power) as Fractions
    degree: int          # an upper bound of the polynomial degree in the names


def _number(value) -> _Val:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Refused(f"{type(value).__name__} constants are not allowed; allowed: {_ALLOWED}")
    if not math.isfinite(value) or abs(value) > LIMITS["literal"]:
        raise _Refused(f"the number {value!r:.40} is too large (magnitude <= {LIMITS['literal']:g})")
    expr = sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))
    return _Val(expr, (Fraction(0), Fraction(0)), 0)


class _Walker:
    """Builds a SymPy expression from a whitelisted Python expression tree."""

    def __init__(self, names: dict):
        self.names = names    # name -> _Val
        self.nodes = 0

    def build(self, text: str) -> _Val:
        if not isinstance(text, (str, int, float)) or isinstance(text, bool):
            raise _Refused(f"expected an expression as a text or a number, got {type(text).__name__}")
        if not isinstance(text, str):
            return _number(text)
        if len(text) > LIMITS["expression_chars"]:
            raise _Refused(f"the expression has {len(text)} characters (at most {LIMITS['expression_chars']})")
        try:
            tree = ast.parse(text.strip() or "''", mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            raise _Refused(f"cannot parse {text[:60]!r} as an expression ({type(exc).__name__}); "
                           f"allowed: {_ALLOWED}") from None
        return self.walk(tree.body, 0)

    def walk(self, node, depth: int) -> _Val:
        self.nodes += 1
        if self.nodes > LIMITS["nodes"] or depth > LIMITS["depth"]:
            raise _Refused(f"the expression is too large (at most {LIMITS['nodes']} nodes, depth {LIMITS['depth']})")
        if isinstance(node, ast.Constant):
            return _number(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in CONSTANTS:
                return _Val(CONSTANTS[node.id], (Fraction(0), Fraction(0)), 0)
            raise _Refused(f"unknown name {node.id!r}; declared: {', '.join(sorted(self.names)) or 'none'}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.walk(node.operand, depth + 1)
            return _Val(-v.expr if isinstance(node.op, ast.USub) else v.expr, v.dims, v.degree)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            return self.binop(node, depth)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS \
                and node.func.id not in self.names:
            if len(node.args) != 1 or node.keywords:
                raise _Refused(f"{node.func.id} takes exactly one argument")
            arg = self.walk(node.args[0], depth + 1)
            if node.func.id == "sqrt":
                return _Val(sp.sqrt(arg.expr), tuple(d / 2 for d in arg.dims), arg.degree)
            if any(arg.dims):
                raise _Refused(f"the argument of {node.func.id} must be dimensionless, got {_dims_text(arg.dims)}")
            return _Val(FUNCTIONS[node.func.id](arg.expr), arg.dims, 1)
        what = type(node).__name__
        if isinstance(node, ast.Call):
            what = "a call of anything but " + ", ".join(FUNCTIONS)
        elif isinstance(node, ast.Attribute):
            what = "attribute access"
        elif isinstance(node, ast.Lambda):
            what = "lambda"
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            what = "a comprehension"
        raise _Refused(f"{what} is not allowed; allowed: {_ALLOWED}")

    def binop(self, node, depth: int) -> _Val:
        a = self.walk(node.left, depth + 1)
        if isinstance(node.op, ast.Pow):
            n = self._exponent(node.right)
            self.nodes += 1
            deg = a.degree * abs(n)
            if deg > LIMITS["degree"]:
                raise _Refused(f"the expression's degree exceeds {LIMITS['degree']}")
            return _Val(a.expr ** n, tuple(d * n for d in a.dims), deg)
        b = self.walk(node.right, depth + 1)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            if a.dims != b.dims and a.expr != 0 and b.expr != 0:
                raise _Refused(f"cannot add {_dims_text(a.dims)} and {_dims_text(b.dims)} (check the units of "
                               "the parameters)")
            expr = a.expr + b.expr if isinstance(node.op, ast.Add) else a.expr - b.expr
            return _Val(expr, a.dims if a.expr != 0 else b.dims, max(a.degree, b.degree))
        deg = a.degree + b.degree
        if deg > LIMITS["degree"]:
            raise _Refused(f"the expression's degree exceeds {LIMITS['degree']}")
        if isinstance(node.op, ast.Mult):
            return _Val(a.expr * b.expr, (a.dims[0] + b.dims[0], a.dims[1] + b.dims[1]), deg)
        if b.expr == 0:
            raise _Refused("division by zero")
        return _Val(a.expr / b.expr, (a.dims[0] - b.dims[0], a.dims[1] - b.dims[1]), deg)

    def _exponent(self, node) -> int:
        sign = 1
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            sign = -1 if isinstance(node.op, ast.USub) else 1
            node = node.operand
        if not (isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool)):
            raise _Refused("an exponent must be an integer literal (use sqrt for a square root)")
        if abs(node.value) > LIMITS["exponent"]:
            raise _Refused(f"an exponent must be an integer within +-{LIMITS['exponent']}")
        return sign * node.value


# ---------------------------------------------------------------------------------------------
# the file
# ---------------------------------------------------------------------------------------------

def _read(path: Path) -> bytes:
    if not path.exists():
        raise _Refused("the file does not exist")
    if path.is_dir():
        raise _Refused("is a directory, not a model file")
    try:
        size = path.stat().st_size
        if size > LIMITS["file_bytes"]:
            raise _Refused(f"the file has {size} bytes (at most {LIMITS['file_bytes']})")
        raw = path.read_bytes()
    except OSError as exc:
        raise _Refused(f"cannot read it ({exc.strerror or exc})") from None
    return raw


def _decode(path: Path, raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused("is not UTF-8 text (a model file is JSON or TOML)") from None
    if path.suffix.lower() == ".toml":
        import tomllib
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            raise _Refused(f"is not valid TOML ({' '.join(str(exc).split())})") from None
    else:
        def no_constant(name):
            raise ValueError(f"{name} is not a number here")
        try:
            data = json.loads(text, parse_constant=no_constant)
        except json.JSONDecodeError as exc:
            raise _Refused(f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); a model "
                           "file is a JSON object (or TOML with the suffix .toml)") from None
        except (ValueError, RecursionError) as exc:
            raise _Refused(f"is not valid JSON ({' '.join(str(exc).split())[:120]})") from None
    if not isinstance(data, dict):
        raise _Refused(f"must hold a JSON object with the keys {', '.join(KEYS)}, got {type(data).__name__}")
    return data


def _check_name(name, where: str, taken) -> str:
    if not isinstance(name, str) or not _NAME.match(name) or len(name) > LIMITS["name_chars"]:
        raise _Refused(f"{where}: {str(name)[:40]!r} is not a name (a letter, then letters, digits or _; at "
                       f"most {LIMITS['name_chars']} characters)")
    if keyword.iskeyword(name) or name in FUNCTIONS or name in CONSTANTS:
        raise _Refused(f"{where}: {name!r} is reserved (Python keyword, {', '.join(FUNCTIONS)}, I, pi)")
    if name in taken:
        raise _Refused(f"{where}: the name {name!r} is declared twice")
    return name


def _matrix(rows, where: str, walker: _Walker, *, energy: bool) -> sp.Matrix:
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise _Refused(f"{where}: give a list of rows, each a list of expressions")
    n = len(rows)
    if n > LIMITS["bands"]:
        raise _Refused(f"{where}: at most {LIMITS['bands']} bands, got {n}")
    if any(len(r) != n for r in rows):
        raise _Refused(f"{where}: must be square, got rows of lengths {[len(r) for r in rows]}")
    out = sp.zeros(n, n)
    want = (Fraction(1), Fraction(0)) if energy else (Fraction(0), Fraction(0))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            entry = f"{where}[{i}][{j}]"
            try:
                v = walker.build(text)
            except _Refused as exc:
                raise _Refused(f"{entry}: {exc}") from None
            if v.expr != 0 and v.dims != want:
                raise _Refused(f"{entry}: has units of {_dims_text(v.dims)}, must be "
                               f"{'an energy (eV; H is in eV, k in 1/nm)' if energy else 'dimensionless'}; "
                               "check the units of its parameters")
            out[i, j] = v.expr
    return out


def load_model(path) -> LoadedModel:
    """Read the model file ``path`` (JSON; TOML for a ``.toml`` suffix) into a :class:`LoadedModel`.

    Units: H in eV, k in 1/nm, lattice vectors in nm, each parameter with its unit (converted to
    eV nm^p; ``model_values`` carries the converted values).  Nothing in the file is evaluated as
    code (module docstring).  Raises :class:`~symenh.errors.ModelError` with one line naming the file,
    the entry and what is allowed; the model checks of :func:`~symenh.models.base.from_matrix`
    (Hermitian, spin operators, tilt only on the identity, lattice vectors not degenerate, the matrix
    periodic under them) are reported the same way."""

    p = Path(path)
    try:
        raw = _read(p)
    except _Refused as exc:
        raise ModelError(f"model file {p}: {exc}") from None
    return load_model_bytes(raw, p)


def load_model_bytes(raw: bytes, path) -> LoadedModel:
    """:func:`load_model` of a model file's bytes ``raw`` already read (``path`` names it in messages
    and its suffix chooses JSON or TOML); used where the bytes travel instead of the file (the worker
    processes of :func:`symenh.sweep`).  Same units, checks and one-line errors as :func:`load_model`."""
    from .base import from_matrix

    p = Path(path)
    try:
        if not isinstance(raw, bytes) or len(raw) > LIMITS["file_bytes"]:
            raise _Refused(f"must be at most {LIMITS['file_bytes']} bytes of a model file")
        data = _decode(p, raw)
        return _build(data, p, hashlib.sha256(raw).hexdigest(), from_matrix)
    except _Refused as exc:
        raise ModelError(f"model file {p}: {exc}") from None
    except SymenhError as exc:
        raise ModelError(f"model file {p}: {' '.join(str(exc).split())}") from None


def _build(data: dict, path: Path, digest: str, from_matrix) -> LoadedModel:
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise _Refused(f"unknown key {unknown[0]!r}; allowed keys: {', '.join(KEYS)}")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip() or len(name) > 80:
        raise _Refused("name: give the model's name as a text (at most 80 characters)")
    mom = data.get("momentum", ["kx", "ky"])
    if not isinstance(mom, list) or len(mom) != 2:
        raise _Refused("momentum: give the two names of k_x and k_y, e.g. [\"kx\", \"ky\"] (1/nm)")
    taken: dict = {}
    k_syms = []
    for i, m in enumerate(mom):
        _check_name(m, f"momentum[{i}]", taken)
        s = sp.Symbol(m, real=True)
        k_syms.append(s)
        taken[m] = _Val(s, (Fraction(0), Fraction(-1)), 1)
    params = data.get("parameters")
    if not isinstance(params, dict) or not params:
        raise _Refused("parameters: give an object {name: \"VALUE UNIT\"} of the model's parameters")
    if len(params) > LIMITS["names"]:
        raise _Refused(f"parameters: at most {LIMITS['names']}")
    values, units, symbols = {}, {}, []
    for pname, pval in params.items():
        _check_name(pname, f"parameters.{pname}", taken)
        value, dims, unit = parse_unit_value(pval, f"parameters.{pname}")
        s = sp.Symbol(pname, real=True)
        taken[pname] = _Val(s, dims, 1)
        values[pname], units[pname] = value, unit
        symbols.append(s)
    consts = data.get("constants", {})
    if not isinstance(consts, dict) or len(consts) > LIMITS["names"]:
        raise _Refused("constants: give an object {name: \"VALUE UNIT\"} (substituted exactly)")
    for cname, cval in consts.items():
        _check_name(cname, f"constants.{cname}", taken)
        value, dims, _ = parse_unit_value(cval, f"constants.{cname}")
        taken[cname] = _Val(sp.Rational(repr(value)), dims, 0)
    tilt = data.get("tilt_symbol")
    if tilt is not None and tilt not in values:
        raise _Refused(f"tilt_symbol: must be one of the parameters ({', '.join(values)}), got {tilt!r}")
    lattice = data.get("lattice_vectors")
    if lattice is not None:
        if not isinstance(lattice, list) or len(lattice) != 2 or not all(isinstance(v, list) and len(v) == 2
                                                                        for v in lattice):
            raise _Refused("lattice_vectors: give [[a1x, a1y], [a2x, a2y]] in nm")
        vecs = []
        for i, vec in enumerate(lattice):
            row = []
            for j, x in enumerate(vec):
                where = f"lattice_vectors[{i}][{j}]"
                if isinstance(x, (int, float)) and not isinstance(x, bool):
                    if not math.isfinite(x) or abs(x) > LIMITS["literal"]:
                        raise _Refused(f"{where}: must be a finite number (nm)")
                    row.append(float(x))
                else:
                    row.append(parse_unit_value(x, where, length_only=True)[0])
            vecs.append(tuple(row))
        lattice = tuple(vecs)
    # components: from "components", or one "matrix", each repeated over the valley values
    if ("matrix" in data) == ("components" in data):
        raise _Refused("give exactly one of matrix (one component) and components (a list)")
    comps = data["components"] if "components" in data else [{"name": name, "matrix": data["matrix"]}]
    if not isinstance(comps, list) or not comps or len(comps) > LIMITS["components"]:
        raise _Refused(f"components: give a list of 1 to {LIMITS['components']} objects {{\"name\", \"matrix\"}}")
    valley = data.get("valley")
    vsym, vvals = None, [None]
    if valley is not None:
        if not isinstance(valley, dict) or set(valley) != {"symbol", "values"} or \
                not isinstance(valley["values"], list) or not valley["values"] or len(valley["values"]) > 8:
            raise _Refused("valley: give {\"symbol\": NAME, \"values\": [1, -1]} (one component per value)")
        vsym = _check_name(valley["symbol"], "valley.symbol", taken)
        vvals = valley["values"]
        for v in vvals:
            if isinstance(v, bool) or not isinstance(v, int) or abs(v) > 8:
                raise _Refused(f"valley.values: integers (e.g. [1, -1]), got {v!r}")
    spin = data.get("spin")
    built, labels = [], []
    for ci, comp in enumerate(comps):
        where = "matrix" if "matrix" in data else f"components[{ci}].matrix"
        if not isinstance(comp, dict) or "matrix" not in comp or set(comp) - {"name", "matrix"}:
            raise _Refused(f"components[{ci}]: give an object {{\"name\": NAME, \"matrix\": [[...], ...]}}")
        cname = comp.get("name", f"{name}[{ci}]")
        if not isinstance(cname, str) or len(cname) > 80:
            raise _Refused(f"components[{ci}].name: a text of at most 80 characters")
        for v in vvals:
            names = dict(taken)
            if vsym is not None:
                names[vsym] = _Val(sp.Integer(v), (Fraction(0), Fraction(0)), 0)
            walker = _Walker(names)
            H = _matrix(comp["matrix"], where, walker, energy=True)
            spin_ops = None
            if spin is not None:
                if not isinstance(spin, list) or len(spin) not in (3, 4):
                    raise _Refused("spin: give three (or four, with s^0) constant matrices")
                spin_walker = _Walker({vsym: names[vsym]} if vsym is not None else {})
                spin_ops = [_matrix(s, f"spin[{i}]", spin_walker, energy=False) for i, s in enumerate(spin)]
            label = cname if v is None else f"{cname}[{vsym}={v:+d}]"
            try:
                model = from_matrix(H, kx=k_syms[0], ky=k_syms[1], spin=spin_ops, params=tuple(symbols),
                                    tilt_symbol=sp.Symbol(tilt, real=True) if tilt else None, name=label,
                                    reference=f"model file {path.name} (sha256 {digest[:12]})",
                                    lattice_vectors=lattice)
            except SymenhError as exc:
                raise _Refused(f"{where}: {' '.join(str(exc).split())}") from None
            built.append(model)
            labels.append(label)
    return LoadedModel(name=name, path=str(path), sha256=digest, components=tuple(built), model_values=values,
                       units=units, labels=tuple(labels), lattice_vectors=lattice)


__all__ = ["FUNCTIONS", "LIMITS", "LoadedModel", "load_model", "parse_unit_value"]
