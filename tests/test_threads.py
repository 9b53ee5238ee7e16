"""BLAS threads on the numerical paths (symenh/threads.py): limited inside, restored outside, configurable,
a bad setting one line."""

import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import symenh
from symenh.errors import ParameterError
from symenh.threads import blas_threads, configured


def _blas_threads():
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def test_limited_inside_and_restored_outside(monkeypatch):
    monkeypatch.delenv("SYMENH_BLAS_THREADS", raising=False)
    with threadpool_limits(limits=2, user_api="blas"):
        assert set(_blas_threads()) == {2}
        with blas_threads():
            assert set(_blas_threads()) == {1}
        assert set(_blas_threads()) == {2}
        monkeypatch.setenv("SYMENH_BLAS_THREADS", "default")
        with blas_threads():
            assert set(_blas_threads()) == {2}


def test_sigma_runs_its_numerical_path_with_one_thread(monkeypatch):
    """The grid's eigh/matmul run inside the limit: observed from inside the path's own geometry call."""
    from symenh.kernels import direct
    seen = []
    orig = direct.eigen_frame

    def spy(*a, **k):
        seen.append(tuple(_blas_threads()))
        return orig(*a, **k)

    monkeypatch.setattr(direct, "eigen_frame", spy)
    monkeypatch.delenv("SYMENH_BLAS_THREADS", raising=False)
    with threadpool_limits(limits=2, user_api="blas"):
        r = symenh.sigma("tilted-dirac", "bcd", [0.1], method="grid", n_k=201)
    assert seen and all(set(s) == {1} for s in seen)
    assert np.all(np.isfinite(r.sigma))


@pytest.mark.parametrize("bad", ["0", "-3", "abc", "1.5", "1000"])
def test_bad_setting_is_one_line(monkeypatch, bad):
    monkeypatch.setenv("SYMENH_BLAS_THREADS", bad)
    with pytest.raises(ParameterError, match="SYMENH_BLAS_THREADS"):
        configured()


def test_bad_setting_on_the_command_line_is_exit_2(tmp_path):
    import os
    env = dict(os.environ, SYMENH_BLAS_THREADS="many")
    p = subprocess.run([sys.executable, "-m", "symenh", "sigma", "--model", "tilted-dirac", "--mechanism", "bcd",
                        "--mu", "0.1eV", "--json"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "SYMENH_BLAS_THREADS" in p.stderr
