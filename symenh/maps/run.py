"""Running a map: check the request, split it into chunks, run them, collect the results.

:func:`compute` is the engine behind :func:`symenh.sweep` and ``symenh map`` (and Fig. 3's
maps); it needs numpy only (tqdm for a progress bar, dask.distributed for the dask executor).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from ..errors import InputTypeError
from ..responses.api import sigma
from ..responses.spec import METHODS, check_choice
from . import closed_form_grid
from .errors import MapError, require
from .executors import EXECUTORS, default_workers, runner
from .store import ChunkStore

#: rough cost of one conductivity value (one mu, one mechanism) per method, seconds, measured on
#: the paper models (closed form 3 us, quadrature 2-8 ms, grid ~1 s); picks the "auto" executor
COST_PER_VALUE_S = {"closed-form": 3e-6, "quadrature": 5e-3, "grid": 1.0}
#: an estimated serial time above which "auto" runs on local processes
AUTO_PROCESSES_ABOVE_S = 20.0
#: values (points x mu) per chunk of a vectorised closed-form map
CLOSED_FORM_CHUNK_VALUES = 100_000


@dataclass(frozen=True)
class MapResult:
    """A computed map.  ``sigma``: (n_points, n_mechanisms, n_mu, 2, 2, 2) raw sigma^{cab},
    A m/V^2, points in C order over ``spec.point_axes``; ``error``: (n_points, n_mechanisms, n_mu)
    the path's error estimate, A m/V^2 (0 for the closed form); ``failures``: {point: message}
    (NaN there); ``executor``: what ran it; ``elapsed_s``: wall time of the run (s);
    ``resumed_points``: points loaded from finished chunks of an earlier run."""

    spec: object
    sigma: np.ndarray
    error: np.ndarray
    failures: dict
    executor: str
    elapsed_s: float
    resumed_points: int = 0


def estimated_cost_s(spec) -> float:
    """A rough serial run time of ``spec`` (seconds): values x mechanisms x cost per value."""
    per = 3e-6 if closed_form_grid.applies(spec) else max(COST_PER_VALUE_S.get(spec.method, 1.0), 2e-4)
    return spec.n_values * len(spec.mechanisms) * per


def choose_executor(spec, executor: str) -> str:
    """``executor`` itself, or for "auto": "processes" when the estimated serial time exceeds
    :data:`AUTO_PROCESSES_ABOVE_S` and there are several points and CPUs, else "serial"."""
    if not isinstance(executor, str):
        raise InputTypeError(f"executor: must be a name, got {type(executor).__name__}")
    check_choice("executor", executor, ("auto",) + EXECUTORS)
    if executor != "auto":
        return executor
    big = estimated_cost_s(spec) > AUTO_PROCESSES_ABOVE_S and spec.n_points > 1 and default_workers() > 1
    return "processes" if big else "serial"


def chunks_of(spec, points, chunk_points=None) -> list:
    """``points`` split into chunks of ``chunk_points`` (default: one point, or for a vectorised
    closed-form map as many as make :data:`CLOSED_FORM_CHUNK_VALUES` values)."""
    if chunk_points is None:
        chunk_points = (max(1, CLOSED_FORM_CHUNK_VALUES // len(spec.mu_axis)) if closed_form_grid.applies(spec)
                        else 1)
    if isinstance(chunk_points, bool) or not isinstance(chunk_points, (int, np.integer)) or chunk_points < 1:
        raise InputTypeError(f"chunk_points: must be a positive integer, got {chunk_points!r}")
    return [points[i:i + int(chunk_points)] for i in range(0, len(points), int(chunk_points))]


def check_request(spec) -> None:
    """Refuse a request every point would refuse (a name, an option, a scope), before any work:
    one :func:`symenh.sigma` call per mechanism at the fixed parameters and one mu."""
    check_choice("method", spec.method, METHODS)
    # a model file: its first mu (its gap is not Delta_eV)
    probe_mu = max(2 * abs(spec.params.Delta_eV), 0.1) if isinstance(spec.model, str) else spec.point(0)[1][0]
    for mech in spec.mechanisms:
        sigma(mechanism=mech, mu_eV=[probe_mu], params=spec.params, **spec.sigma_kwargs())


def compute(spec, *, executor: str = "auto", workers=None, scheduler=None, scheduler_timeout: float = 10.0,
            store=None, resume: bool = False, chunk_points=None, progress: bool = False) -> MapResult:
    """Compute the map ``spec`` (:class:`~symenh.maps.spec.MapSpec`).

    ``executor``: "auto", "serial", "processes" or "dask" (:mod:`symenh.maps.executors`);
    ``workers``: processes (default: the CPUs available); ``scheduler``: a dask scheduler
    address (dask only; none: a LocalCluster); ``scheduler_timeout``: seconds to wait for it;
    ``store``: a folder for the finished chunks (:mod:`symenh.maps.store`), resumed from when
    ``resume``; ``chunk_points``: points per chunk; ``progress``: a tqdm bar on stderr."""
    start = time.perf_counter()
    if scheduler is not None:
        if executor == "auto":
            executor = "dask"
        if executor != "dask":
            raise MapError(f"--scheduler: a scheduler address is for --executor dask, not {executor!r}")
    executor = choose_executor(spec, executor)
    check_request(spec)
    n_mech, n_mu = len(spec.mechanisms), len(spec.mu_axis)
    sig = np.full((spec.n_points, n_mech, n_mu, 2, 2, 2), np.nan)
    err = np.full((spec.n_points, n_mech, n_mu), np.nan)
    failures = {}
    done = np.zeros(spec.n_points, dtype=bool)
    chunk_store = ChunkStore(store, spec, resume) if store is not None else None

    def place(chunk):
        sig[chunk.points], err[chunk.points] = chunk.sigma, chunk.error
        failures.update(chunk.failures)
        done[chunk.points] = True

    for chunk in chunk_store.load() if chunk_store else ():
        place(chunk)
    resumed = int(done.sum())
    todo = np.flatnonzero(~done)
    with runner(executor, spec, workers, scheduler, scheduler_timeout) as run_chunks:
        bar = None
        if progress:   # after connecting: an unreachable scheduler is one line on stderr
            tqdm = require("tqdm", "the progress bar")

            class Bar(tqdm.tqdm):
                monitor_interval = 0   # no monitor thread: the processes executor forks after this

            bar = Bar(total=spec.n_values, initial=resumed * n_mu, unit="pt", desc="symenh map",
                            file=sys.stderr, dynamic_ncols=True, smoothing=0.1)

        def on_done(chunk):
            if chunk_store:
                chunk_store.save(chunk)
            place(chunk)
            if bar is not None:
                bar.update(len(chunk.points) * n_mu)

        try:
            if len(todo):
                run_chunks(chunks_of(spec, todo, chunk_points), on_done)
        finally:
            if bar is not None:
                bar.close()
    return MapResult(spec, sig, err, dict(sorted(failures.items())), executor, time.perf_counter() - start, resumed)
