"""symenh.responses.stored_points: float arrays kept bit for bit through the secure cache,
recomputed whenever the settings or the computing source change, never stored when not finite."""

import numpy as np
import pytest

from symenh.errors import ResponseError
from symenh.responses import stored_points as sp_mod
from symenh.responses.stored_points import source_text, stored_arrays


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SYMENH_CACHE", str(folder))
    return folder


def _builder(values, calls):
    def build():
        calls.append(1)
        return values
    return build


def test_arrays_come_back_bit_for_bit_and_build_runs_once(cache_dir):
    rng = np.random.default_rng(7)
    values = {"a": rng.normal(size=(3, 4)) * 1e-13, "b": np.array([1.0, -2.5e300, 5e-324, 0.1])}
    calls = []
    first = stored_arrays("test", {"x": 0.1}, _builder(values, calls), ["a", "b"])
    again = stored_arrays("test", {"x": 0.1}, _builder(values, calls), ["a", "b"])
    assert calls == [1]                                  # the second call read the disk
    assert len(list(cache_dir.iterdir())) == 1
    for got in (first, again):
        for k, v in values.items():
            assert got[k].shape == v.shape and got[k].dtype == np.float64
            assert np.array_equal(got[k].view(np.int64), np.asarray(v, dtype=float).view(np.int64))


def test_other_settings_or_other_source_recompute(cache_dir, monkeypatch):
    calls = []
    build = _builder({"a": np.arange(3.0)}, calls)
    stored_arrays("test", {"x": 0.1}, build, ["a"])
    stored_arrays("test", {"x": 0.1 + 1e-16}, build, ["a"])     # floats are keyed exactly
    stored_arrays("other", {"x": 0.1}, build, ["a"])
    assert len(calls) == 3
    monkeypatch.setattr(sp_mod, "source_text", lambda: "changed source")
    stored_arrays("test", {"x": 0.1}, build, ["a"])
    assert len(calls) == 4


def test_the_key_covers_every_computing_module():
    text = source_text()
    for part in ("# responses/exchange.py", "# responses/exchange_quadrature.py", "# responses/mpmath_exchange.py",
                 "# responses/thermal.py", "# integrate/exchange.py", "# geometry/channels.py", "# interactions.py",
                 "# params.py", "# models/paper.py", "# kernels/lambdified.py"):
        assert part + "\n" in text, part
    assert "# figures/" not in text and "# cli/" not in text


def test_a_non_finite_value_is_refused_in_one_line_and_not_stored(cache_dir):
    with pytest.raises(ResponseError) as exc:
        stored_arrays("test", {}, lambda: {"a": np.array([1.0, np.nan])}, ["a"])
    assert str(exc.value).startswith("params:") and "\n" not in str(exc.value)
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_cache_off_computes_every_time(monkeypatch):
    monkeypatch.setenv("SYMENH_CACHE", "off")
    calls = []
    build = _builder({"a": np.ones(2)}, calls)
    stored_arrays("test", {}, build, ["a"])
    out = stored_arrays("test", {}, build, ["a"])
    assert len(calls) == 2 and np.array_equal(out["a"], np.ones(2))


def test_a_corrupt_entry_is_recomputed(cache_dir):
    calls = []
    build = _builder({"a": np.arange(4.0)}, calls)
    stored_arrays("test", {}, build, ["a"])
    (entry,) = cache_dir.iterdir()
    entry.write_text(entry.read_text().replace("3", "7"))
    out = stored_arrays("test", {}, build, ["a"])
    assert len(calls) == 2 and np.array_equal(out["a"], np.arange(4.0))
