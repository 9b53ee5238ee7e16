"""The on-disk SymPy cache: keyed by source, rebuilt when the source changes, cold runs work."""

import sympy as sp

from symenh import cache
from symenh.geometry.symbolic import _derive
from symenh.models import tilted_dirac


def test_hit_miss_and_rebuild_on_changed_source(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMENH_CACHE", str(tmp_path))
    x = sp.Symbol("x", real=True)
    calls = []

    def build():
        calls.append(1)
        return (sp.sqrt(x**2 + 1), (x, sp.Rational(1, 3)))

    key = cache.make_key("source v1")
    first = cache.cached_exprs(key, build)
    second = cache.cached_exprs(key, build)
    assert len(calls) == 1 and first == second
    assert second[0].free_symbols == {x} and second[0].free_symbols.pop().is_real  # assumptions survive
    cache.cached_exprs(cache.make_key("source v2"), build)  # changed source -> rebuilt
    assert len(calls) == 2


def test_corrupt_entry_is_rebuilt_and_off_disables(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMENH_CACHE", str(tmp_path))
    key = cache.make_key("corrupt")
    (tmp_path / f"{key}.json").write_text("{not json")
    assert cache.cached_exprs(key, lambda: (sp.Integer(7),)) == (7,)
    monkeypatch.setenv("SYMENH_CACHE", "off")
    assert cache.cache_dir() is None
    assert cache.cached_exprs(key, lambda: (sp.Integer(8),)) == (8,)


def test_cached_geometry_equals_a_fresh_derivation(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMENH_CACHE", str(tmp_path))
    model = tilted_dirac(1)
    fresh = _derive(model)
    key = cache.make_key("geometry-test", model.source())
    cache.cached_exprs(key, lambda: fresh)
    loaded = cache.cached_exprs(key, lambda: (_ for _ in ()).throw(AssertionError("should hit the cache")))
    flat = lambda t: [e for v in t for e in (flat(v) if isinstance(v, tuple) else [v])]  # noqa: E731
    assert all(sp.simplify(a - b) == 0 for a, b in zip(flat(fresh), flat(loaded)))
