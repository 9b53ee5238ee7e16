"""symenh.sweep (issue 12): every value equals a direct symenh.sigma call at its point, the same
numbers bit for bit from every executor, failed points recorded, resume, netCDF round trip.

The independent check is always symenh.sigma itself, called at each point on its own: the map's
vectorised closed form (all parameters in one call) and its chunked, distributed quadrature
must reproduce it exactly (the same IEEE operations on the same numbers)."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

import symenh
from symenh.errors import ParameterError, SymenhError, UnitError
from symenh.maps import FailedPointsWarning, MapError, axis, executors, make_spec, parse_axis
from symenh.maps.dataset import read_netcdf, write_netcdf
from symenh.maps.run import compute
from symenh.maps.store import parts_dir

pytest.importorskip("xarray")

HAS_T = "T" in symenh.params.PARAM_NAMES
#: the third axis of the executor test: temperature once Parameters has it, else tau (see progress-maps.md)
THIRD = ("T", "0,30,300K") if HAS_T else ("tau", "0.2,1ps")


def _direct(model, mech, mu, params, **kw):
    return symenh.sigma(model, mech, mu, params=params, **kw)


# -- axes ----------------------------------------------------------------------------------------
def test_axis_forms_and_units():
    a = parse_axis("mu=50:300:6meV")
    assert a.unit == "eV" and a.spacing == "linear" and np.array_equal(a.values, np.linspace(0.05, 0.3, 6))
    q = parse_axis("q_s=0.05:2:40/nm", log=True)
    assert q.spacing == "log" and np.allclose(np.diff(np.log(q.values)), np.log(40) / 39)
    assert (q.values[0], q.values[-1]) == (0.05, 2.0)
    t = parse_axis("tau=100fs,0.5,1ps")          # the last unit applies to the bare values
    assert list(t.values) == [0.1, 0.5, 1.0] and t.unit == "ps"
    assert list(parse_axis("Delta=0,50meV").values) == [0.0, 0.05]
    assert list(parse_axis("alpha_over_hbar_v=0.05:0.2:4").values) == list(np.linspace(0.05, 0.2, 4))
    assert list(axis("q_s", [0.1, 0.2]).values) == [0.1, 0.2]


@pytest.mark.parametrize("text, log, cls, start", [
    ("mu=0.05:0.3:11", False, UnitError, "mu: range"),          # no unit
    ("mu=0.1", False, UnitError, "mu:"),                         # no unit
    ("q_s=0.05:2:0/nm", False, UnitError, "q_s: a range"),       # empty range
    ("mu=", False, ParameterError, "mu: empty axis"),
    ("T=,", False, ParameterError, "T:") if HAS_T else ("tau=,", False, ParameterError, "tau:"),
    ("mu=0.1:0.1:3eV", False, ParameterError, "mu: the values of an axis must be distinct"),
    ("mu=-0.1:0.1:3eV", True, ParameterError, "mu: a log-spaced range"),
    ("mu=0.1,0.2eV", True, ParameterError, "mu: --log applies to a range"),
    ("q_s=1m/s", False, UnitError, "q_s: unit"),
    ("nope=1eV", False, ParameterError, "--axis: unknown axis"),
    ("mu0.1eV", False, ParameterError, "--axis: expected NAME=SPEC"),
])
def test_axis_refusals(text, log, cls, start):
    with pytest.raises(cls) as exc:
        parse_axis(text, log)
    assert str(exc.value).startswith(start) and "\n" not in str(exc.value)


def test_axes_must_have_one_mu_and_distinct_fields():
    with pytest.raises(ParameterError, match="exactly one of mu"):
        make_spec("tilted-dirac", "bcd", {"q_s": "0.1/nm"})
    with pytest.raises(ParameterError, match="exactly one of mu"):
        make_spec("tilted-dirac", "bcd", {"mu": "0.1eV", "mu_over_Delta": "2"})
    with pytest.raises(ParameterError, match="v and vx both set vx_m_per_s"):
        make_spec("tilted-dirac", "bcd", {"mu": "0.1eV", "v": "4e5m/s", "vx": "3e5m/s"})


def test_hash_changes_with_every_setting():
    base = {"model": "tilted-dirac", "mechanism": "bcd", "axes": {"mu": "0.1,0.2eV", "q_s": "0.1,0.2/nm"}}
    h = make_spec(**base).hash
    assert make_spec(**base).hash == h
    assert make_spec(**base, convention="consistent", exchange_valleys="same").hash == h   # defaults, explicit
    variants = [dict(base, mechanism="enh-t"), dict(base, model="pt-dirac"), dict(base, method="quadrature"),
                dict(base, axes={"mu": "0.1,0.2eV", "q_s": "0.1,0.3/nm"}), dict(base, convention="printed"),
                dict(base, params=symenh.Parameters(tau_ps=1.0)), dict(base, rtol=1e-8)]
    hashes = {make_spec(**v).hash for v in variants}
    assert h not in hashes and len(hashes) == len(variants)


# -- values: each point equals symenh.sigma there -----------------------------------------------------
@pytest.mark.parametrize("model, mechs", [("tilted-dirac", ("enh-t", "bcd")), ("pt-dirac", ("enh-pt", "inh"))])
def test_closed_form_map_equals_sigma_at_every_point(model, mechs):
    # mu through the valence band, the gap and the conduction band; four parameters varied at once
    axes = {"Delta": "-40,30,60meV", "mu": "-0.2:0.2:9eV", "q_s": axis("q_s", "0.05:2:3/nm", log=True),
            "tau": "0.3,1ps", "alpha_over_hbar_v": "0.05,0.2"}
    ds = symenh.sweep(model, list(mechs), axes, convention="printed")
    assert ds.sigma.dims == ("mechanism", "Delta", "mu", "q_s", "tau", "alpha_over_hbar_v", "c", "a", "b")
    assert not np.isnan(ds.sigma.values).any() and np.abs(ds.sigma.values).max() > 0
    for d in ds.Delta.values:
        for q in ds.q_s.values:
            for t in ds.tau.values:
                for al in ds.alpha_over_hbar_v.values:
                    p = symenh.Parameters(Delta_eV=d, q_s_per_nm=q, tau_ps=t, alpha_over_hbar_v=al)
                    for m in mechs:
                        ref = _direct(model, m, ds.mu.values, p, convention="printed").sigma
                        got = ds.sigma.sel(mechanism=m, Delta=d, q_s=q, tau=t, alpha_over_hbar_v=al).values
                        assert np.array_equal(got, ref), (m, d, q, t, al)
    sym = ds.sigma_symmetrized.values
    assert np.array_equal(sym, 0.5 * (ds.sigma.values + np.swapaxes(ds.sigma.values, -1, -2)))
    assert np.all(ds.error_estimate.values == 0)


def test_mu_over_delta_axis_and_single_axis_limit():
    ds = symenh.sweep("pt-dirac", "enh-pt", {"mu_over_Delta": "1.02:8:7", "Delta": "20,50,90meV"})
    for d in ds.Delta.values:
        ref = _direct("pt-dirac", "enh-pt", abs(d) * ds.mu_over_Delta.values, symenh.Parameters(Delta_eV=d))
        assert np.array_equal(ds.sigma.sel(Delta=d).values, ref.sigma)
    one = symenh.sweep("tilted-dirac", "bcd", {"mu": "0.06:0.3:5eV"})   # the limit: one sigma call
    assert one.sigma.dims == ("mu", "c", "a", "b")
    assert np.array_equal(one.sigma.values, _direct("tilted-dirac", "bcd", one.mu.values, symenh.PAPER).sigma)


def test_quadrature_map_equals_sigma_at_every_point():
    ds = symenh.sweep("tilted-dirac", ["enh-t", "bcd"], {"mu": "0.06:0.25:4eV", "q_s": "0.1,1/nm"},
                      method="quadrature", rtol=1e-8)
    for q in ds.q_s.values:
        for m in ("enh-t", "bcd"):
            ref = _direct("tilted-dirac", m, ds.mu.values, symenh.Parameters(q_s_per_nm=q), method="quadrature",
                          rtol=1e-8)
            assert np.array_equal(ds.sigma.sel(mechanism=m, q_s=q).values, ref.sigma)
            assert np.array_equal(ds.error_estimate.sel(mechanism=m, q_s=q).values, ref.error_estimate)
    # and the quadrature map agrees with the closed-form map within its own error estimate
    cf = symenh.sweep("tilted-dirac", ["enh-t", "bcd"], {"mu": "0.06:0.25:4eV", "q_s": "0.1,1/nm"})
    gap = np.abs(ds.sigma - cf.sigma).max(dim=("c", "a", "b"))
    assert np.all(gap.values <= ds.error_estimate.values)


# -- executors ------------------------------------------------------------------------------------
def test_serial_processes_dask_identical():
    pytest.importorskip("distributed")
    axes = {"mu": "0.06:0.3:3eV", "q_s": "0.1,1/nm", THIRD[0]: THIRD[1]}
    kw = {"method": "quadrature", "rtol": 1e-6}
    serial = symenh.sweep("tilted-dirac", "enh-t", axes, executor="serial", **kw)
    procs = symenh.sweep("tilted-dirac", "enh-t", axes, executor="processes", workers=2, **kw)
    dask = symenh.sweep("tilted-dirac", "enh-t", axes, executor="dask", workers=2, **kw)
    assert serial.sigma.dims == ("mu", "q_s", THIRD[0], "c", "a", "b")
    assert not np.isnan(serial.sigma.values).any()
    assert procs.identical(serial) and dask.identical(serial)
    assert np.array_equal(procs.sigma.values, serial.sigma.values)   # bit for bit, not only within tolerance


_REAL = executors.compute_chunk


def _dies_once(spec, points):
    """compute_chunk, except that the first call anywhere kills its worker process."""
    flag = Path(os.environ["SYMENH_TEST_FLAG"])
    try:
        fd = os.open(flag, os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return _REAL(spec, points)
    os.close(fd)
    os._exit(3)


def _dies_at_point_1(spec, points):
    """compute_chunk, except that point 1 kills its worker process every time."""
    if 1 in list(points):
        os._exit(3)
    return _REAL(spec, points)


def test_dying_worker_is_retried(monkeypatch, tmp_path):
    if executors._context().get_start_method() != "fork":
        pytest.skip("the injected fault reaches the workers by fork")
    monkeypatch.setenv("SYMENH_TEST_FLAG", str(tmp_path / "died"))
    monkeypatch.setattr(executors, "compute_chunk", _dies_once)
    spec = make_spec("tilted-dirac", "enh-t", {"mu": "0.06:0.3:3eV", "q_s": "0.1,0.5,1/nm"}, method="quadrature",
                     rtol=1e-6)
    res = compute(spec, executor="processes", workers=2)
    assert (tmp_path / "died").exists()          # a worker did die
    assert res.failures == {} and not np.isnan(res.sigma).any()
    ref = compute(spec, executor="serial")
    assert np.array_equal(res.sigma, ref.sigma)


def test_worker_dying_every_time_fails_only_its_points(monkeypatch):
    if executors._context().get_start_method() != "fork":
        pytest.skip("the injected fault reaches the workers by fork")
    monkeypatch.setattr(executors, "compute_chunk", _dies_at_point_1)
    monkeypatch.setattr(executors, "POOL_RETRIES", 1)
    spec = make_spec("tilted-dirac", "bcd", {"mu": "0.1eV", "q_s": "0.1,0.5,1/nm"}, method="quadrature",
                     rtol=1e-6)
    res = compute(spec, executor="processes", workers=2)
    assert list(res.failures) == [1] and "worker process died" in res.failures[1]
    assert np.isnan(res.sigma[1]).all() and not np.isnan(res.sigma[[0, 2]]).any()


# -- failures, files, resume -------------------------------------------------------------------------
def test_failed_point_recorded_rest_complete():
    axes = {"mu": "0.06:0.3:4eV", "Delta": "0.05,20,0.03eV"}     # 20 eV is outside the allowed gap
    for method in ("closed-form", "quadrature"):
        kw = {"method": "quadrature", "rtol": 1e-6} if method == "quadrature" else {}
        with pytest.warns(FailedPointsWarning, match=r"1 of 3 points .* Delta=20 eV: Delta_eV: must be"):
            ds = symenh.sweep("tilted-dirac", "bcd", axes, **kw)
        assert np.isnan(ds.sigma.sel(Delta=20).values).all() and np.isnan(ds.error_estimate.sel(Delta=20)).all()
        records = json.loads(ds.attrs["failed_points"])
        assert ds.attrs["n_failed_points"] == 1 and records[0]["point"] == {"Delta": 20.0}
        assert "Delta_eV: must be 0 or 1e-06 <= |Delta| <= 10 eV" in records[0]["error"]
        for d in (0.05, 0.03):
            ref = _direct("tilted-dirac", "bcd", ds.mu.values, symenh.Parameters(Delta_eV=d), **kw)
            assert np.array_equal(ds.sigma.sel(Delta=d).values, ref.sigma)


def test_bad_request_refused_before_any_work():
    with pytest.raises(SymenhError, match="^mechanism: unknown"):
        symenh.sweep("tilted-dirac", "nope", {"mu": "0.1eV"})
    with pytest.raises(SymenhError, match="exchange_valleys"):
        symenh.sweep("pt-dirac", "enh-pt", {"mu": "0.1eV"}, exchange_valleys="all")
    with pytest.raises(SymenhError, match="rtol"):
        symenh.sweep("tilted-dirac", "bcd", {"mu": "0.1eV"}, method="quadrature", rtol=5.0)
    with pytest.raises(SymenhError, match="^executor: unknown"):
        symenh.sweep("tilted-dirac", "bcd", {"mu": "0.1eV"}, executor="threads")


def test_netcdf_round_trip(tmp_path):
    pytest.importorskip("h5netcdf")
    out = tmp_path / "m.nc"
    ds = symenh.sweep("tilted-dirac", ["enh-t", "bcd"], {"mu": "0.06:0.3:3eV", "q_s": "0.05:2:3/nm", "tau": "1ps"},
                      out=out, params=symenh.Parameters(Delta_eV=0.04))
    assert out.exists() and not parts_dir(out).exists()
    back = read_netcdf(out)
    assert back.identical(ds)
    assert back.sigma.attrs["units"] == "A m / V^2" and back.error_estimate.attrs["units"] == "A m / V^2"
    assert back.mu.attrs["units"] == "eV" and back.q_s.attrs["units"] == "1/nm" and back.tau.attrs["units"] == "ps"
    assert back.attrs["param_Delta_eV"] == 0.04 and back.attrs["param_q_s_per_nm"] == "varied (an axis)"
    assert back.attrs["symenh_version"] == symenh.__version__ and back.attrs["convention"] == "consistent"
    assert back.attrs["method"] == "closed-form" and back.attrs["model"] == "tilted-dirac"
    assert json.loads(back.attrs["settings_json"])["axes"][1]["values"] == list(ds.q_s.values)
    write_netcdf(back, tmp_path / "again.nc")
    assert read_netcdf(tmp_path / "again.nc").identical(ds)


def test_resume_computes_only_missing_chunks(tmp_path):
    spec = make_spec("tilted-dirac", "bcd", {"mu": "0.06:0.3:3eV", "q_s": "0.1,0.2,0.5,1/nm"}, method="quadrature",
                     rtol=1e-6)
    store = tmp_path / "m.nc.parts"
    full = compute(spec, store=store)
    chunks = sorted(store.glob("chunk-*.npz"))
    assert len(chunks) == 4
    for c in chunks[1:3]:     # as if the run had been killed with two chunks unfinished
        c.unlink()
    with pytest.raises(MapError, match="^--resume: .* holds the finished chunks"):
        compute(spec, store=store)
    again = compute(spec, store=store, resume=True)
    assert again.resumed_points == 2
    assert np.array_equal(again.sigma, full.sigma) and np.array_equal(again.error, full.error)
    changed = make_spec("tilted-dirac", "bcd", {"mu": "0.06:0.3:3eV", "q_s": "0.1,0.2,0.5,1/nm"},
                        method="quadrature", rtol=1e-6, params=symenh.Parameters(tau_ps=1.0))
    with pytest.raises(MapError, match=r"^--resume: .* other settings \(changed: params.tau_ps\)") as exc:
        compute(changed, store=store, resume=True)
    assert "\n" not in str(exc.value)
