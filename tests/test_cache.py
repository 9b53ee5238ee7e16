"""The on-disk SymPy cache: keyed by source, never evaluated, checked, repaired, refused when unsafe.

Planted entries are written here by hand in the format the module docstring documents
(canonical JSON, SHA-256 over the entry without its "sha256" field), independently of
the module's own writer.
"""

import hashlib
import json
import os
import stat
import subprocess
import sys
import threading
import time

import mpmath as mp
import pytest
import sympy as sp

from symenh import cache
from symenh.geometry.symbolic import _derive
from symenh.models import tilted_dirac

X = sp.Symbol("x", real=True)
P = sp.Symbol("p", positive=True)


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def _seal(entry: dict) -> dict:
    """``entry`` with its documented checksum (so only the content under test is wrong)."""
    entry = {k: v for k, v in entry.items() if k != "sha256"}
    entry["sha256"] = hashlib.sha256(_canonical(entry)).hexdigest()
    return entry


def _entry_file(folder, key):
    return folder / f"{key}.json"


def _assert_valid_entry(path, key):
    """The file at ``path`` is a regular new-format entry for ``key`` whose checksum holds, mode 0600."""
    st = os.lstat(path)
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    entry = json.loads(path.read_text())
    assert entry["format"] == "symenh-cache" and entry["version"] == cache.VERSION and entry["key"] == key
    assert _seal(entry)["sha256"] == entry["sha256"]


class Builds:
    """A build function that counts its calls."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def _must_hit():
    raise AssertionError("should have been a cache hit")


@pytest.fixture
def cdir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SYMENH_CACHE", str(folder))
    return folder


# --------------------------------------------------------------------------- keys, hits, misses

def test_hit_miss_and_rebuild_on_changed_source(cdir):
    build = Builds((sp.sqrt(X**2 + 1), [X, sp.Rational(1, 3)]))
    key = cache.make_key("source v1")
    first = cache.cached_exprs(key, build)
    second = cache.cached_exprs(key, build)
    assert build.calls == 1 and first == second == (sp.sqrt(X**2 + 1), (X, sp.Rational(1, 3)))  # lists -> tuples
    assert second[0].free_symbols == {X} and second[0].free_symbols.pop().is_real  # assumptions survive
    cache.cached_exprs(cache.make_key("source v2"), build)  # changed source -> rebuilt
    assert build.calls == 2


def test_corrupt_entry_is_rebuilt_and_off_disables(cdir, monkeypatch):
    key = cache.make_key("corrupt")
    cdir.mkdir(mode=0o700)
    _entry_file(cdir, key).write_text("{not json")
    assert cache.cached_exprs(key, lambda: (sp.Integer(7),)) == (7,)
    _assert_valid_entry(_entry_file(cdir, key), key)
    monkeypatch.setenv("SYMENH_CACHE", "off")
    assert cache.cache_dir() is None
    assert cache.cached_exprs(key, lambda: (sp.Integer(8),)) == (8,)


def test_cached_geometry_equals_a_fresh_derivation(cdir):
    model = tilted_dirac(1)
    fresh = _derive(model)
    key = cache.make_key("geometry-test", model.source())
    cache.cached_exprs(key, lambda: fresh)
    assert _entry_file(cdir, key).is_file()
    loaded = cache.cached_exprs(key, _must_hit)
    assert loaded == fresh  # structurally identical, not merely equal after simplification


# --------------------------------------------------------------------------- nothing is evaluated

_PAYLOAD = "__import__('os').system('touch {marker}')"


def _planted(kind: str, key: str, marker) -> dict:
    """An entry whose content would run ``touch marker`` if anything evaluated it."""
    code = _PAYLOAD.format(marker=marker)
    if kind == "old-srepr":  # the previous format, read back with sympify (eval)
        return {"seq": [{"expr": code}, {"expr": code}]}
    nodes = {"eval-node": [["eval", code]],
             "function-node": [["Symbol", "x", {"real": True}], ["Function", "system", 0]],
             "code-as-symbol-name": [["Symbol", code, {}]],
             "srepr-string-node": [["Mul", code, code]]}[kind]
    return _seal({"format": "symenh-cache", "version": cache.VERSION, "sympy": sp.__version__, "key": key,
                  "payload": {"nodes": nodes, "value": [0, 0]}})


@pytest.mark.parametrize("kind", ["old-srepr", "eval-node", "function-node", "code-as-symbol-name",
                                  "srepr-string-node"])
def test_planted_payload_does_not_run_and_is_repaired(cdir, tmp_path, kind):
    marker = tmp_path / "pwned"
    key = cache.make_key("planted", kind)
    cdir.mkdir(mode=0o700)
    _entry_file(cdir, key).write_text(json.dumps(_planted(kind, key, marker)))
    build = Builds((X + 1, sp.Integer(2)))
    assert cache.cached_exprs(key, build) == (X + 1, 2)
    assert build.calls == 1
    assert not marker.exists(), "the planted code ran"
    _assert_valid_entry(_entry_file(cdir, key), key)  # repaired
    assert cache.cached_exprs(key, _must_hit) == (X + 1, 2)
    assert not marker.exists()


def test_an_integer_edited_inside_an_entry_is_detected(cdir):
    key = cache.make_key("edited")
    build = Builds((sp.Integer(2) * X**2 + P,))
    cache.cached_exprs(key, build)
    path = _entry_file(cdir, key)
    text = path.read_text()
    edited = text.replace('["Integer",2]', '["Integer",3]').replace("Integer(2)", "Integer(3)")
    assert edited != text
    path.write_text(edited)
    assert cache.cached_exprs(key, build) == (2 * X**2 + P,)
    assert build.calls == 2  # rebuilt, not the edited 3 x^2 + p
    _assert_valid_entry(path, key)
    assert json.loads(path.read_text())["payload"] == json.loads(text)["payload"]


def test_an_entry_copied_from_another_key_is_a_miss(cdir):
    k1, k2 = cache.make_key("one"), cache.make_key("two")
    cache.cached_exprs(k1, lambda: (sp.Integer(1),))
    _entry_file(cdir, k2).write_bytes(_entry_file(cdir, k1).read_bytes())
    assert cache.cached_exprs(k2, lambda: (sp.Integer(2),)) == (2,)
    _assert_valid_entry(_entry_file(cdir, k2), k2)


def test_another_format_version_is_a_clean_miss(cdir):
    key = cache.make_key("version")
    cache.cached_exprs(key, lambda: (X,))
    path = _entry_file(cdir, key)
    path.write_text(json.dumps(_seal({**json.loads(path.read_text()), "version": cache.VERSION + 1})))
    build = Builds((X,))
    assert cache.cached_exprs(key, build) == (X,) and build.calls == 1
    _assert_valid_entry(path, key)


@pytest.mark.parametrize("text", [
    '{"seq": []}', "[]", "null", '"x"', "5", '{"seq": [{"seq": 5}]}',
    '{"format": "symenh-cache", "version": 2, "key": "k", "sha256": "00", "payload": {"nodes": [], "value": []}}',
    "[" * 100000 + "]" * 100000])
def test_a_wrong_shaped_entry_is_rebuilt_and_repaired(cdir, text):
    key = cache.make_key("shape")
    cdir.mkdir(mode=0o700)
    _entry_file(cdir, key).write_text(text)
    a, b = cache.cached_exprs(key, lambda: (X, sp.Integer(5)))  # the caller unpacks: a wrong shape would crash
    assert (a, b) == (X, 5)
    _assert_valid_entry(_entry_file(cdir, key), key)


def test_wrong_shaped_payload_with_a_valid_checksum_is_rebuilt(cdir):
    """Checksum right, tree malformed (index out of range, forward reference, wrong arity,
    non-canonical numbers): rebuilt and rewritten."""
    key = cache.make_key("malformed")
    cdir.mkdir(mode=0o700)
    bad_trees = [{"nodes": [["Integer", 1]], "value": [7]},
                 {"nodes": [["Add", 1, 1], ["Integer", 1]], "value": 0},
                 {"nodes": [["Integer", 1], ["Pow", 0, 0, 0]], "value": 1},
                 {"nodes": [["Integer", True]], "value": 0},
                 {"nodes": [["Rational", 2, 4]], "value": 0},
                 {"nodes": [["Float", 0, 6, 0, 53]], "value": 0},     # mantissa not normalised
                 {"nodes": [["Symbol", "x", {"evil": True}]], "value": 0},
                 {"nodes": [["Symbol", "x", {"real": True, "imaginary": True}]], "value": 0},
                 {"nodes": [["Symbol", "x", {"real": 1}]], "value": 0},
                 {"nodes": [["Integer", 1]], "value": {"t": 0}}]
    for payload in bad_trees:
        path = _entry_file(cdir, key)
        path.write_text(json.dumps(_seal({"format": "symenh-cache", "version": cache.VERSION,
                                          "sympy": sp.__version__, "key": key, "payload": payload})))
        build = Builds((X,))
        assert cache.cached_exprs(key, build) == (X,) and build.calls == 1, payload
        _assert_valid_entry(path, key)


# --------------------------------------------------------------------------- what cannot be stored

@pytest.mark.parametrize("value", [
    (sp.Function("f")(X),), (sp.Dummy("d") + 1,), sp.Matrix([[X]]), (sp.Symbol("a b") + 1,),
    (sp.Symbol("__import__('os')"),), (3,), (X, 2.5)], ids=str)
def test_a_value_outside_the_whitelist_is_returned_not_cached(cdir, capsys, value):
    key = cache.make_key("uncacheable", str(value))
    build = Builds(value)
    assert cache.cached_exprs(key, build) == value
    assert cache.cached_exprs(key, build) == value
    assert build.calls == 2
    assert list(cdir.iterdir()) == []
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------- non-regular files

def _in_thread(fn, timeout=5.0):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("value", fn()), daemon=True)
    t.start()
    t.join(timeout)
    return t, out


def test_a_fifo_in_place_of_an_entry_does_not_hang(cdir):
    key = cache.make_key("fifo")
    cdir.mkdir(mode=0o700)
    path = _entry_file(cdir, key)
    os.mkfifo(path)
    t, out = _in_thread(lambda: cache.cached_exprs(key, lambda: (X * 3,)))
    if t.is_alive():  # release the blocked reader so the interpreter can exit, then fail
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        t.join(5)
        pytest.fail("the lookup blocked on a FIFO")
    assert out["value"] == (3 * X,)
    _assert_valid_entry(path, key)  # the FIFO was replaced by a regular entry (never opened for writing)


def test_a_symlink_entry_is_not_followed(cdir, tmp_path):
    key = cache.make_key("symlink")
    cache.cached_exprs(key, lambda: (X,))
    victim = tmp_path / "victim.json"
    victim.write_bytes(_entry_file(cdir, key).read_bytes())  # a perfectly valid entry, but elsewhere
    before = victim.read_bytes()
    _entry_file(cdir, key).unlink()
    _entry_file(cdir, key).symlink_to(victim)
    build = Builds((X,))
    assert cache.cached_exprs(key, build) == (X,) and build.calls == 1  # not read through the link
    assert victim.read_bytes() == before                                 # nor written through it
    _assert_valid_entry(_entry_file(cdir, key), key)


def test_a_directory_under_an_entry_name_is_skipped(cdir):
    key = cache.make_key("dir")
    cdir.mkdir(mode=0o700)
    _entry_file(cdir, key).mkdir()
    t, out = _in_thread(lambda: [cache.cached_exprs(key, lambda: (X,)) for _ in range(2)])
    assert not t.is_alive() and out["value"] == [(X,), (X,)]
    assert _entry_file(cdir, key).is_dir()
    assert [p.name for p in cdir.iterdir()] == [f"{key}.json"]  # no temporary left behind


def test_a_huge_planted_file_is_not_read(cdir, monkeypatch):
    key = cache.make_key("huge")
    cdir.mkdir(mode=0o700)
    path = _entry_file(cdir, key)
    with open(path, "wb") as fh:  # sparse: costs no disk, but would cost memory if read
        fh.truncate(cache.MAX_ENTRY_BYTES + 1)
    reads = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    assert cache.cached_exprs(key, lambda: (X,)) == (X,)
    assert sum(reads) <= cache.MAX_ENTRY_BYTES
    monkeypatch.undo()
    _assert_valid_entry(path, key)


# --------------------------------------------------------------------------- the directory

@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_directory_writable_by_others_is_ignored_with_one_line(tmp_path, monkeypatch, capsys, mode):
    folder = tmp_path / f"shared{mode:o}"
    folder.mkdir()
    os.chmod(folder, mode)
    monkeypatch.setenv("SYMENH_CACHE", str(folder))
    build = Builds((X,))
    for i in range(3):
        assert cache.cached_exprs(cache.make_key("shared", str(i)), build) == (X,)
    assert build.calls == 3
    assert list(folder.iterdir()) == []
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.endswith("\n")
    assert str(folder) in err and "writable by group or others" in err and f"{mode:04o}" in err


def test_a_directory_owned_by_someone_else_is_ignored_with_one_line(tmp_path, monkeypatch, capsys):
    if os.geteuid() == 0:
        folder = tmp_path / "theirs"
        folder.mkdir(mode=0o700)
        os.chown(folder, 65534, -1)
    else:
        folder = next(p for p in ("/", "/usr", "/etc") if os.stat(p).st_uid != os.geteuid())
    monkeypatch.setenv("SYMENH_CACHE", str(folder))
    for i in range(2):
        assert cache.cached_exprs(cache.make_key("owner", str(i)), lambda: (X,)) == (X,)
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and str(folder) in err and "owned by uid" in err
    if os.geteuid() == 0:
        assert list(folder.iterdir()) == []


def test_a_file_as_cache_directory_gives_one_line(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "plainfile"
    folder.write_text("")
    monkeypatch.setenv("SYMENH_CACHE", str(folder))
    for _ in range(2):
        assert cache.cached_exprs(cache.make_key("file"), lambda: (X,)) == (X,)
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "not a directory" in err


def test_a_fresh_directory_is_0700_and_entries_0600(tmp_path, monkeypatch):
    folder = tmp_path / "new" / "cache"
    monkeypatch.setenv("SYMENH_CACHE", str(folder))
    old = os.umask(0)  # the modes must not come from the umask
    try:
        key = cache.make_key("modes")
        cache.cached_exprs(key, lambda: (X,))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    _assert_valid_entry(_entry_file(folder, key), key)
    assert [p.name for p in folder.iterdir()] == [f"{key}.json"]


@pytest.mark.parametrize("value", ["off", "OFF", "Off", " off ", "0", "false", "False", "FALSE", "no", "NO",
                                   "none", "None"])
def test_every_off_spelling_disables(tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SYMENH_CACHE", value)
    assert cache.cache_dir() is None
    build = Builds((X,))
    for _ in range(2):
        assert cache.cached_exprs(cache.make_key("off"), build) == (X,)
    assert build.calls == 2
    assert list(tmp_path.iterdir()) == []  # no folder named "OFF" in the working directory, nothing in HOME


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_value_means_the_default_location(tmp_path, monkeypatch, value):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SYMENH_CACHE", value)
    assert cache.cache_dir() == tmp_path / ".cache" / "symenh"


# --------------------------------------------------------------------------- numbers, exactly

def _shape(expr) -> list:
    """Every node in order, with its type, arguments, symbol assumptions and Float bits."""
    return [(type(n), n.args, n.assumptions0 if isinstance(n, sp.Symbol) else None,
             (n._mpf_, n._prec) if isinstance(n, sp.Float) else None) for n in sp.preorder_traversal(expr)]


def test_30_digit_floats_round_trip_bit_exactly(cdir):
    """The asymptotics figure stores sp.Float(mp.nstr(sigma, 30), 30): every bit must come back."""
    with mp.workdps(30):
        values = [mp.mpf(-3.825) * mp.mpf(10) ** -14 / 7, mp.pi * mp.mpf(10) ** -20, -mp.e ** 40, mp.mpf(1) / 3]
        floats = tuple(sp.Float(mp.nstr(v, 30), 30) for v in values)
    floats += (sp.Float(0.0), sp.Float("1e-300", 15), sp.Float(2.5, 100), -sp.Float(1, 5))
    key = cache.make_key("floats")
    cache.cached_exprs(key, lambda: floats)
    assert _entry_file(cdir, key).is_file()
    back = cache.cached_exprs(key, _must_hit)
    assert back == floats
    for a, b in zip(back, floats):
        assert type(a) is sp.Float and a._mpf_ == b._mpf_ and a._prec == b._prec
        assert mp.nstr(mp.mpf(a._mpf_), 30) == mp.nstr(mp.mpf(b._mpf_), 30)


def test_every_whitelisted_node_round_trips(cdir):
    y = sp.Symbol("y", positive=True, integer=True)
    z = sp.Symbol("z")  # no assumptions
    exprs = (
        sp.pi, sp.E, sp.I, sp.oo, -sp.oo, sp.zoo, sp.nan, sp.S.Half, sp.Rational(-7, 3), sp.Integer(10) ** 40,
        sp.Integer(0), sp.Integer(1), sp.Integer(-1), sp.EulerGamma,
        sp.Abs(X) * sp.sign(X) + sp.re(z) - sp.im(z) + sp.conjugate(z), sp.sqrt(X**2 + 1),
        sp.sin(X) + sp.cos(X) + sp.tan(X) + sp.atan(X) + sp.atan2(X, y), sp.exp(-X) * sp.log(y),
        sp.Piecewise((X, X > 0), (-X, sp.Le(X, -1)), (0, True)), sp.Max(X, y), sp.Min(X, 1),
        sp.Heaviside(X), sp.Eq(X, y, evaluate=False), sp.Ne(X, 1, evaluate=False),
        sp.And(X > 0, X < 1), sp.Or(X > 1, sp.Not(sp.Ge(X, 0))), sp.true, sp.false,
        sp.Mul(2, X + 1, evaluate=False),  # unevaluated (a factored form): must stay unexpanded
        sp.Add(X, X, evaluate=False), sp.Pow(X, 1, evaluate=False),
        sp.Float("1.2345678901234567890123456789", 30) * X)
    key = cache.make_key("all nodes")
    cache.cached_exprs(key, lambda: (exprs, ((exprs[0],),)))
    assert _entry_file(cdir, key).is_file()
    back, nested = cache.cached_exprs(key, _must_hit)
    assert nested == ((sp.pi,),)
    for a, b in zip(back, exprs):
        assert a == b and _shape(a) == _shape(b), (a, b)
    syms = {s.name: s.assumptions0 for e in back for s in e.atoms(sp.Symbol)}
    assert syms == {"x": X.assumptions0, "y": y.assumptions0, "z": z.assumptions0}


# --------------------------------------------------------------------------- concurrency

_WRITER = """
import os, sys
from symenh.fileio import atomic_write_bytes
path, data, stop = sys.argv[1], open(sys.argv[2], "rb").read(), sys.argv[3]
sys.stdout.write("ready\\n"); sys.stdout.flush()
n = 0
while not os.path.exists(stop):
    atomic_write_bytes(path, data, 0o600)
    n += 1
sys.stdout.write(f"{n}\\n"); sys.stdout.flush()
"""


def test_a_reader_never_sees_a_partial_entry_while_another_process_writes(cdir, tmp_path):
    key = cache.make_key("concurrent")
    value = tuple(sp.Rational(i, 7) * X**i for i in range(200))
    cache.cached_exprs(key, lambda: value)
    data = tmp_path / "entry.bin"
    data.write_bytes(_entry_file(cdir, key).read_bytes())
    stop = tmp_path / "stop"
    # the writer rewrites the entry in a tight loop for as long as the reader reads (a count of
    # reads, not a wall-clock window, so a loaded machine cannot make the test vacuous or fail)
    with subprocess.Popen([sys.executable, "-c", _WRITER, str(_entry_file(cdir, key)), str(data), str(stop)],
                          stdout=subprocess.PIPE, text=True) as writer:
        assert writer.stdout.readline() == "ready\n"
        build = Builds(value)
        for _ in range(30):
            assert cache.cached_exprs(key, build) == value
        stop.write_text("")
        writes = int(writer.stdout.readline())
    assert writer.returncode == 0 and writes >= 10   # the entry was replaced again and again during the reads
    assert build.calls == 0  # every read saw a whole, valid entry
