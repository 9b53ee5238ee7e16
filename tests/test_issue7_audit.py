"""Issue 7 audit: the cases of the issue that had no test of their own, and the numeric-array cache
behind the warm ``reproduce`` (fig1's maps).  The mapping case -> test for every bullet of the issue is
in the issue-7 note (progress-issue7.md)."""

import hashlib
import json
import os
import pickle

import numpy as np
import pytest

from symenh import cache


@pytest.fixture
def cdir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SYMENH_CACHE", str(folder))
    return folder


def _arrays_file(folder, key):
    return folder / f"{hashlib.sha256(('arrays ' + key).encode()).hexdigest()}.json"


class Builds:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return dict(self.value)


def _must_hit():
    raise AssertionError("built although the entry is valid")


VALUE = {"a": np.arange(12, dtype=float).reshape(3, 4) / 7, "z": np.array([1 + 2j, -3.5j]),
         "scalar": np.array(2.5), "i": np.array([1, -2], dtype=np.int64), "b": np.array([True, False])}


def _same(x, y):
    assert set(x) == set(y)
    for k in x:
        assert x[k].dtype == y[k].dtype and x[k].shape == y[k].shape and x[k].tobytes() == y[k].tobytes(), k


# --------------------------------------------------------------------------- the array cache

def test_arrays_hit_is_bit_identical_and_0d_stays_0d(cdir):
    key = cache.make_key("arrays", "hit")
    build = Builds(VALUE)
    _same(cache.cached_arrays(key, build), VALUE)
    _same(cache.cached_arrays(key, _must_hit), VALUE)
    assert build.calls == 1
    assert cache.cached_arrays(key, _must_hit)["scalar"].shape == ()
    assert oct(os.stat(_arrays_file(cdir, key)).st_mode & 0o777) == "0o600"


def test_arrays_edited_entry_is_detected_and_repaired(cdir):
    key = cache.make_key("arrays", "edited")
    cache.cached_arrays(key, Builds(VALUE))
    path = _arrays_file(cdir, key)
    entry = json.loads(path.read_text())
    raw = bytearray(np.asarray(VALUE["a"]).tobytes())
    raw[0] ^= 1
    import base64
    entry["payload"]["arrays"]["a"]["data"] = base64.b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(entry))          # checksum no longer matches
    build = Builds(VALUE)
    _same(cache.cached_arrays(key, build), VALUE)
    assert build.calls == 1
    _same(cache.cached_arrays(key, _must_hit), VALUE)   # rewritten


@pytest.mark.parametrize("change", ["object-dtype", "wrong-size", "shape-string", "extra-field", "not-dict"])
def test_arrays_wrong_shaped_payload_with_valid_checksum_is_rebuilt(cdir, tmp_path, change):
    marker = tmp_path / "pwned"
    key = cache.make_key("arrays", change)
    cache.cached_arrays(key, Builds(VALUE))
    path = _arrays_file(cdir, key)
    entry = json.loads(path.read_text())
    item = entry["payload"]["arrays"]["a"]
    if change == "object-dtype":      # a pickle that would create the marker if it were unpickled
        import base64
        item["dtype"] = "|O"
        item["data"] = base64.b64encode(pickle.dumps(_Marker(str(marker)))).decode()
    elif change == "wrong-size":
        item["shape"] = [5, 5]
    elif change == "shape-string":
        item["shape"] = "3,4"
    elif change == "extra-field":
        item["code"] = "__import__('os')"
    else:
        entry["payload"]["arrays"]["a"] = [1, 2]
    entry.pop("sha256")
    entry["sha256"] = hashlib.sha256(cache._canonical(entry)).hexdigest()
    path.write_text(json.dumps(entry))
    build = Builds(VALUE)
    _same(cache.cached_arrays(key, build), VALUE)
    assert build.calls == 1 and not marker.exists()
    _same(cache.cached_arrays(key, _must_hit), VALUE)


class _Marker:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_arrays_fifo_is_skipped_and_off_disables(cdir, monkeypatch):
    key = cache.make_key("arrays", "fifo")
    cdir.mkdir(mode=0o700)
    os.mkfifo(_arrays_file(cdir, key))
    build = Builds(VALUE)
    _same(cache.cached_arrays(key, build), VALUE)   # returns (does not hang)
    for off in ("OFF", "off", "0", "false"):
        monkeypatch.setenv("SYMENH_CACHE", off)
        build = Builds(VALUE)
        cache.cached_arrays(cache.make_key("arrays", "off"), build)
        cache.cached_arrays(cache.make_key("arrays", "off"), build)
        assert build.calls == 2


def test_source_digest_follows_the_package_source(tmp_path, monkeypatch):
    d = cache.source_digest()
    assert d == cache.source_digest() and len(d) == 64


# --------------------------------------------------------------------------- fig1

def test_fig1_shared_geometry_equals_the_state_methods():
    """fig1 evaluates the geometry responses once for delta Omega and delta g; they must equal the
    NoneqState methods (each of which evaluates them itself)."""
    import symenh
    from symenh.figures.fig1 import _geometry_shifts
    from symenh.noneq import noneq_state

    st = noneq_state("pt-dirac", field_V_per_m=(1e5, 2e4), mu_eV=0.1, temperature_K=0.0, params=symenh.PAPER)
    rng = np.random.default_rng(7)
    kx, ky = rng.uniform(-0.5, 0.5, (2, 5, 7))
    energy, level, dOm, dg = _geometry_shifts(st, kx, ky)
    fr = st.frame(kx, ky)
    np.testing.assert_array_equal(level, fr.level)
    np.testing.assert_allclose(energy, fr.energy, rtol=0, atol=1e-15)
    ref_om = st.delta_berry_curvature(kx, ky).total
    ref_g = st.delta_quantum_metric(kx, ky).total
    assert np.max(np.abs(ref_om)) > 0 and np.max(np.abs(ref_g)) >= 0
    np.testing.assert_allclose(dOm, ref_om, rtol=1e-12, atol=1e-12 * np.max(np.abs(ref_om)))
    np.testing.assert_allclose(dg, ref_g, rtol=1e-12, atol=1e-12 * max(np.max(np.abs(ref_om)), 1e-300))


def test_fig1_arrays_cold_equal_warm_and_equal_noneq_maps(cdir):
    import symenh
    from symenh.figures import fig1

    args = (symenh.PAPER, 0.1, (1e5, 0.0), 0.0, "consistent", 9)
    cold = fig1.figure_arrays(*args)
    warm = fig1.figure_arrays(*args)
    _same(cold, warm)
    assert len(list(cdir.iterdir())) == 1
    m = fig1.noneq_maps(*args)
    for k in ("kx", "ky", "eq_spin", "dspin", "dOmega", "dg"):
        np.testing.assert_array_equal(cold[k], m[k])
    np.testing.assert_array_equal(cold["contour"], m["energy"][..., 2] - 0.1)
    np.testing.assert_array_equal(cold["U0"], m["state"].U0)


# --------------------------------------------------------------------------- reproduce's figure-output cache

def test_reproduce_figure_outputs_come_back_byte_for_byte_and_follow_the_inputs(cdir, tmp_path, monkeypatch):
    import symenh
    from symenh.cli import figure_cmd, reproduce_cmd

    calls = []

    def fake_make_figure(name, out, params, report=print, **options):
        calls.append((name, params.Delta_eV, options))
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / f"{name}.png", out / f"{name}_data.csv"]
        paths[0].write_bytes(bytes(range(256)) * 3 + repr(params.Delta_eV).encode())
        paths[1].write_text(f"convention,{options.get('convention')}\n")
        return paths

    monkeypatch.setattr(figure_cmd, "make_figure", fake_make_figure)     # the "real" one for the cache
    monkeypatch.setattr(reproduce_cmd, "make_figure", fake_make_figure)
    p = symenh.PAPER
    first = reproduce_cmd.cached_figure("figX", tmp_path / "a", p, lambda s: None, convention="consistent")
    lines = []
    again = reproduce_cmd.cached_figure("figX", tmp_path / "b", p, lines.append, convention="consistent")
    assert len(calls) == 1 and len(lines) == 1 and "from the cache" in lines[0]
    assert [q.name for q in again] == [q.name for q in first]
    for q, r in zip(first, again, strict=True):
        assert q.read_bytes() == r.read_bytes()
    reproduce_cmd.cached_figure("figX", tmp_path / "c", p, lambda s: None, convention="printed")
    reproduce_cmd.cached_figure("figX", tmp_path / "d", p.replace(Delta_eV=0.03), lambda s: None,
                                convention="consistent")
    assert len(calls) == 3                                   # another option, other parameters: drawn
    for f in cdir.iterdir():                                  # a corrupted entry: drawn again, not trusted
        f.write_bytes(f.read_bytes().replace(b'"dtype":"|u1"', b'"dtype":"<i8"', 1))
    reproduce_cmd.cached_figure("figX", tmp_path / "e", p, lambda s: None, convention="consistent")
    assert len(calls) == 4


def test_reproduce_never_caches_a_replaced_make_figure(cdir, tmp_path, monkeypatch):
    import symenh
    from symenh.cli import reproduce_cmd

    calls = []

    def fake(name, out, params, report=print, **options):
        calls.append(name)
        out.mkdir(parents=True, exist_ok=True)
        (out / "x.png").write_bytes(b"fake")
        return [out / "x.png"]

    monkeypatch.setattr(reproduce_cmd, "make_figure", fake)
    for d in "ab":
        reproduce_cmd.cached_figure("fig2", tmp_path / d, symenh.PAPER, lambda s: None)
    assert calls == ["fig2", "fig2"] and not cdir.exists()


# --------------------------------------------------------------------------- issue cases without a test elsewhere

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def test_nbconvert_is_in_an_extra():
    """Executing the notebooks needs nbconvert (newcomer list): it must be installable with an extra."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(req.split(">")[0].split("=")[0].strip() == "nbconvert" for reqs in extras.values() for req in reqs)


def test_every_exception_class_of_symenh_is_a_symenh_error():
    """One public base class (newcomer list: ResponseError, ContourError, ModelError, ValueError arrived
    as four types): every exception class defined anywhere in the package derives from SymenhError."""
    import ast
    import importlib

    from symenh.errors import SymenhError

    found = []
    for path in sorted((ROOT / "symenh").rglob("*.py")):
        tree = ast.parse(path.read_text())
        names = [n.name for n in tree.body if isinstance(n, ast.ClassDef)
                 and (n.name.endswith(("Error", "Exception")) or any(
                     getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Exception")) for b in n.bases))]
        if not names:
            continue
        mod = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        try:
            module = importlib.import_module(mod)
        except ImportError:          # an optional extra not installed: its module cannot raise anything
            continue
        for name in names:
            cls = getattr(module, name)
            found.append(name)
            assert issubclass(cls, SymenhError), f"{mod}.{name} is not a SymenhError"
    assert {"ResponseError", "ContourError", "ModelError", "ParameterError", "InputTypeError"} <= set(found)
    import symenh
    import symenh.errors

    assert symenh.SymenhError is SymenhError                            # public, at the top level
    doc = symenh.errors.__doc__
    assert all(name in doc for name in found if name not in ("SymenhError",) and name in vars(symenh.errors))


def test_paper_models_are_built_once_per_process():
    """Speed: 78 % of the closed-form sweep was paper_valleys('pt-dirac') rebuilding Kronecker products."""
    from symenh.models import paper_valleys

    for name in ("pt-dirac", "tilted-dirac"):
        first = paper_valleys(name)
        assert all(a is b for a, b in zip(paper_valleys(name), first, strict=True))   # the same model objects


def test_mpmath_runs_on_gmpy2():
    """Speed: the 30-digit points were on mpmath's pure-Python backend (56 % of the cold reproduce)."""
    import mpmath.libmp

    pytest.importorskip("gmpy2")
    assert mpmath.libmp.BACKEND == "gmpy"


def test_the_grid_module_is_split_by_job_and_mp_is_a_response_path():
    """Item 7: integrate/grid.py (627 lines) split by job; integrate/mp.py imported responses/spec."""
    assert not (ROOT / "symenh" / "integrate" / "grid.py").exists()
    parts = sorted((ROOT / "symenh" / "integrate" / "grid").glob("*.py"))
    assert len(parts) >= 3
    assert all(len(p.read_text().splitlines()) < 400 for p in parts)
    mp = ROOT / "symenh" / "integrate" / "mp.py"
    if mp.exists():
        assert "responses" not in mp.read_text().split('"""', 2)[-1].split("\ndef ", 1)[0]
