"""Model files (symenh.load_model): the shipped examples are the built-in Hamiltonians, units convert, and
every bad file is one ModelError line naming the file and the entry, with nothing in it ever executed.
References: the built-in models of symenh.models (paper.py, examples.py), built independently of the parser."""

import json
from pathlib import Path

import pytest
import sympy as sp

import symenh
from symenh.errors import ModelError
from symenh.models import tilted_dirac
from symenh.models.examples import LAMBDA, lattice_tilted_dirac, warped_dirac
from symenh.models.model_file import LIMITS, load_model
from symenh.models.symbols import ALPHA, DELTA, HVX, HVY

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "models"


def _same_matrix(a, b):
    return sp.simplify(sp.Matrix(a) - sp.Matrix(b)) == sp.zeros(*sp.Matrix(a).shape)


def test_hand_written_h_t_is_the_paper_model_in_both_valleys():
    m = symenh.load_model(EXAMPLES / "tilted_dirac.json")
    assert m.labels == ("hand-written-H_T[xi=+1]", "hand-written-H_T[xi=-1]")
    names = {sp.Symbol(n, real=True): s for n, s in (("m", DELTA), ("u", HVX), ("w", HVY), ("t", ALPHA))}
    for comp, xi in zip(m.components, (1, -1)):
        assert _same_matrix(comp.matrix().subs(names), tilted_dirac(xi).matrix())
        assert comp.tilt_symbol.name == "t" and comp.lattice is None
    assert m.model_values == {"m": 0.05, "u": 0.26328478278036266, "w": 0.26328478278036266,
                              "t": 0.026328478278036267}
    assert m.units == {"m": "eV", "u": "eV nm", "w": "eV nm", "t": "eV nm"}
    assert len(m.sha256) == 64 and m.model == m.components


def test_warped_and_lattice_examples_are_the_built_in_ones():
    w = load_model(EXAMPLES / "warped_dirac.json")
    assert _same_matrix(w.model.matrix().subs(sp.Symbol("lam", real=True), LAMBDA), warped_dirac().matrix())
    assert w.units["lam"] == "eV nm^3" and w.model_values["lam"] == 0.05
    lat = load_model(EXAMPLES / "lattice_tilted_dirac.json")
    assert lat.lattice_vectors == ((0.5, 0.0), (0.0, 0.5))
    for comp, xi in zip(lat.components, (1, -1)):
        ref = lattice_tilted_dirac(0.5, xi)
        assert comp.lattice == ref.lattice
        assert _same_matrix(comp.matrix(), ref.matrix())


def _write(tmp_path, obj, name="m.json"):
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return path


BASE = {"name": "two-band", "momentum": ["kx", "ky"],
        "parameters": {"d": "50 meV", "v": "0.3 eV nm", "t": "0.03 eV nm"}, "tilt_symbol": "t",
        "matrix": [["d + t*ky", "v*kx - I*v*ky"], ["v*kx + I*v*ky", "-d + t*ky"]]}


def _with(**changes):
    obj = json.loads(json.dumps(BASE))
    obj.update(changes)
    return obj


@pytest.mark.parametrize("text, value, unit", [
    ("1.2 meV*A^2", 1.2e-3 * 0.01, "eV nm^2"), ("2 nm^3 eV", 2.0, "eV nm^3"), ("0.5eV·nm", 0.5, "eV nm"),
    ({"value": 3, "unit": "keV /nm"}, 3e3, "eV nm^-1"), ("4 1", 4.0, "dimensionless"),
])
def test_units_convert_to_ev_nm_powers(tmp_path, text, value, unit):
    obj = _with(parameters={**BASE["parameters"], "c": text})
    m = load_model(_write(tmp_path, obj))
    assert m.model_values["c"] == pytest.approx(value, rel=1e-15) and m.units["c"] == unit


def test_toml_file_gives_the_same_model(tmp_path):
    toml = ('name = "two-band"\nmomentum = ["kx", "ky"]\ntilt_symbol = "t"\n'
            'matrix = [["d + t*ky", "v*kx - I*v*ky"], ["v*kx + I*v*ky", "-d + t*ky"]]\n'
            '[parameters]\nd = "50 meV"\nv = "0.3 eV nm"\nt = "0.03 eV nm"\n')
    a = load_model(_write(tmp_path, toml, "m.toml"))
    b = load_model(_write(tmp_path, BASE))
    assert a.model.terms == b.model.terms and a.model_values == b.model_values


@pytest.mark.parametrize("payload, construct", [
    ("__import__('os').system('touch {p}')", "a call of anything but"),
    ("open('{p}', 'w')", "a call of anything but"),
    ("kx.__class__", "attribute access"),
    ("(lambda: 0)()", "a call"),
    ("lambda: 0", "lambda"),
    ("[x for x in '{p}']", "comprehension"),
    ("kx[0]", "Subscript"),
    ("'{p}'", "str constants"),
    ("d if kx else v", "IfExp"),
    ("sin(kx, ky)", "exactly one argument"),
    ("sin(x=kx)", "exactly one argument"),
])
def test_forbidden_constructs_refused_and_never_run(tmp_path, payload, construct):
    target = tmp_path / "pwned"
    bad = payload.replace("{p}", str(target))
    obj = _with(matrix=[["d + t*ky", "v*kx - I*v*ky"], ["v*kx + I*v*ky", bad]])
    with pytest.raises(ModelError) as exc:
        load_model(_write(tmp_path, obj))
    msg = str(exc.value)
    assert "\n" not in msg and "m.json" in msg and "matrix[1][1]" in msg and construct in msg
    assert not target.exists()


@pytest.mark.parametrize("change, needles", [
    ({"matrix": [["d + t*ky", "v*kx - I*v*ky"], ["v*kx + I*v*ky", "-d + q*ky"]]},
     ("matrix[1][1]", "unknown name 'q'", "declared")),
    ({"parameters": {"d": 0.05, "v": "0.3 eV nm", "t": "0.03 eV nm"}}, ("parameters.d", "has no unit")),
    ({"parameters": {"d": None, "v": "0.3 eV nm", "t": "0.03 eV nm"}}, ("parameters.d", "missing value")),
    ({"parameters": {"d": "50", "v": "0.3 eV nm", "t": "0.03 eV nm"}}, ("parameters.d", "no unit")),
    ({"parameters": {"d": "50 meV", "v": "4e5 m/s", "t": "0.03 eV nm"}}, ("parameters.v", "not allowed", "'/s'")),
    ({"parameters": {"d": "50 K", "v": "0.3 eV nm", "t": "0.03 eV nm"}}, ("parameters.d", "'K'")),
    # a velocity given in eV (not eV nm): caught by the dimension check of the entry that uses it
    ({"parameters": {"d": "50 meV", "v": "0.3 eV", "t": "0.03 eV nm"}}, ("matrix[0][1]", "eV nm^-1", "energy")),
    ({"matrix": [["d + t*ky", "v*kx - I*v*ky"], ["v*kx - I*v*ky", "-d + t*ky"]]}, ("matrix", "not Hermitian")),
    ({"matrix": [["d + t*ky", "v*kx"], ["v*kx", "-d + t*ky + t"]]}, ("matrix[1][1]", "cannot add")),
    ({"matrix": [["d*sin(kx)", "0"], ["0", "-d"]]}, ("matrix[0][0]", "sin", "dimensionless")),
    ({"matrix": [["d*(kx*v/d)**13", "0"], ["0", "-d"]]}, ("matrix[0][0]", "exponent")),
    ({"matrix": [["d*(kx*v/d)**0.5", "0"], ["0", "-d"]]}, ("matrix[0][0]", "integer literal")),
    ({"matrix": [["d*((kx*v/d)**12)**12", "0"], ["0", "-d"]]}, ("matrix[0][0]", "degree")),
    ({"matrix": [["d*" + "9" * 30, "0"], ["0", "-d"]]}, ("matrix[0][0]", "too large")),
    ({"matrix": [["d" + "+d" * 300, "0"], ["0", "-d"]]}, ("matrix[0][0]", "too large")),
    ({"matrix": [["-(" * 60 + "d" + ")" * 60, "0"], ["0", "-d"]]}, ("matrix[0][0]", "depth")),
    ({"matrix": [["(" * 300 + "d" + ")" * 300, "0"], ["0", "-d"]]}, ("matrix[0][0]", "cannot parse")),
    ({"matrix": [["d*" * 1500 + "d", "0"], ["0", "-d"]]}, ("matrix[0][0]", "characters")),
    ({"matrix": [["d", "0"], ["0"]]}, ("matrix", "square")),
    ({"tilt_symbol": "w"}, ("tilt_symbol", "one of the parameters")),
    ({"matrix": [["d + t*ky", "t*kx"], ["t*kx", "-d + t*ky"]]}, ("tilt_symbol", "identity")),
    ({"bogus": 1}, ("unknown key 'bogus'", "allowed keys")),
    ({"momentum": ["kx", "lambda"]}, ("momentum[1]", "reserved")),
    ({"lattice_vectors": [[0.5, 0], [1.0, 0]]}, ("lattice_vectors", "collinear")),
    ({"lattice_vectors": [["0.5 eV", 0], [0, 0.5]]}, ("lattice_vectors[0][0]", "not a length")),
    # a k.p (polynomial) matrix declared as a lattice model: not periodic under the reciprocal vectors
    ({"lattice_vectors": [[0.5, 0], [0, 0.5]]}, ("lattice_vectors", "not periodic")),
])
def test_bad_files_one_line_naming_the_entry(tmp_path, change, needles):
    with pytest.raises(ModelError) as exc:
        load_model(_write(tmp_path, _with(**change)))
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(f"model file {tmp_path / 'm.json'}: ")
    for needle in needles:
        assert needle in msg, msg


@pytest.mark.parametrize("content, needle", [
    (None, "does not exist"), ("dir", "is a directory"), ("{not json", "not valid JSON"),
    ("[1, 2]", "must hold a JSON object"), ('{"parameters": NaN}', "not valid JSON"),
    (b"\xff\xfe", "not UTF-8"), ("x" * (LIMITS["file_bytes"] + 1), "bytes"),
])
def test_unreadable_files_one_line(tmp_path, content, needle):
    path = tmp_path / "m.json"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(ModelError, match=needle) as exc:
        load_model(path)
    assert "\n" not in str(exc.value) and str(path) in str(exc.value)
