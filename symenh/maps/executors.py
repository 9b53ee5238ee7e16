"""Where the chunks of a map run: in this process, in local worker processes, or on dask.

Every executor runs the same pure function, :func:`symenh.maps.evaluate.compute_chunk`, on the
same chunks, so the numbers are identical bit for bit whichever runs them; only the order in
which chunks finish differs (each is handed to ``on_done`` as it finishes).

* ``serial``: one chunk after another in this process.
* ``processes``: :class:`concurrent.futures.ProcessPoolExecutor` (forked workers where the
  platform allows, so each starts with this process's imports and caches).  A worker that
  dies breaks the pool (:class:`~concurrent.futures.process.BrokenProcessPool`); the unfinished
  chunks are then resubmitted to a new pool, up to :data:`POOL_RETRIES` times, and a chunk
  still unfinished after that runs alone once more; if its worker dies again its points are
  recorded as failed.  Workers ignore SIGINT (the parent stops them) and exit when the parent
  dies.
* ``dask``: a :class:`distributed.Client` on a running scheduler (``scheduler`` address,
  e.g. ``tcp://head:8786``; dask-jobqueue's SLURM/PBS clusters give one), or on a
  :class:`distributed.LocalCluster` of ``workers`` single-threaded worker processes
  (:func:`local_cluster`).  The
  scheduler reschedules the tasks of a worker that dies (dask's ``allowed-failures``); a chunk
  that still fails is recorded as failed.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from .errors import MapError, require
from .evaluate import Chunk, compute_chunk

EXECUTORS = ("serial", "processes", "dask")
#: times the unfinished chunks are resubmitted after a worker process died
POOL_RETRIES = 3


def failed_chunk(spec, points, message: str) -> Chunk:
    """A chunk whose every point failed with ``message`` (NaN values)."""
    points = np.asarray(points, dtype=np.int64)
    n_mech, n_mu = len(spec.mechanisms), len(spec.mu_axis)
    return Chunk(points, np.full((len(points), n_mech, n_mu, 2, 2, 2), np.nan),
                 np.full((len(points), n_mech, n_mu), np.nan), {int(i): message for i in points})


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


def run_serial(spec, chunks, on_done):
    for pts in chunks:
        on_done(compute_chunk(spec, pts))


# -- local processes ------------------------------------------------------------------------
def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(0.5)


def _worker_init(parent: int) -> None:
    """In each worker: leave SIGINT to the parent, and exit if the parent dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and sys.platform.startswith("linux") else "spawn")


def _stop(pool) -> None:
    """Cancel what has not started and terminate the workers (an interrupt, an error)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()


def _pool_round(spec, pending: dict, workers: int, on_done) -> None:
    """Run the chunks ``pending`` ({key: points}) in one pool; finished ones are removed from it."""
    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(pending))), mp_context=_context(),
                               initializer=_worker_init, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(compute_chunk, spec, pts): key for key, pts in pending.items()}
        todo = set(futures)
        while todo:
            done, todo = wait(todo, return_when=FIRST_COMPLETED)
            for fut in done:
                key = futures[fut]
                try:
                    chunk = fut.result()
                except BrokenProcessPool:
                    continue   # stays pending: retried in a new pool
                except Exception as exc:  # noqa: BLE001 - the chunk itself raised (compute_chunk keeps point errors)
                    chunk = failed_chunk(spec, pending[key], f"{type(exc).__name__}: {exc}")
                del pending[key]
                on_done(chunk)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def run_processes(spec, chunks, on_done, workers=None):
    pending = dict(enumerate(chunks))
    workers = workers or default_workers()
    for _round in range(1 + POOL_RETRIES):
        if not pending:
            return
        _pool_round(spec, pending, workers, on_done)
    for key in list(pending):   # what is left broke the pool every time: alone, once more
        single = {key: pending.pop(key)}
        _pool_round(spec, single, 1, on_done)
        for pts in single.values():
            on_done(failed_chunk(spec, pts, f"the worker process died computing this point "
                                            f"({POOL_RETRIES + 2} attempts)"))


# -- dask ----------------------------------------------------------------------------------------
def _client(distributed, scheduler, timeout: float, workers):
    """(client, cluster or None)."""
    if scheduler:
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)   # its retry log lines: the one-line error below says it
        try:
            return distributed.Client(scheduler, timeout=timeout, set_as_default=False), None
        except Exception as exc:  # noqa: BLE001 - whatever the client raises, the one line below says it
            reason = " ".join(str(exc).split())[:160]
            raise MapError(f"--scheduler: no dask scheduler answered at {scheduler!r} within {timeout:g} s "
                           f"({type(exc).__name__}: {reason}); start one (dask scheduler) or leave out "
                           "--scheduler for a local cluster") from None
        finally:
            quiet.setLevel(level)
    cluster = local_cluster(workers)
    return distributed.Client(cluster, set_as_default=False), cluster


def local_cluster(workers=None):
    """A :class:`distributed.LocalCluster` of ``workers`` single-threaded worker processes (default: the
    CPUs available), without dask's default ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers'
    environment: that setting makes the quadrature's many short-lived numpy temporaries ~3x slower
    (measured: 0.03 s -> 0.10 s per 20-mu ENH(PT) point)."""
    dask = require("dask", "--executor dask")
    distributed = require("distributed", "--executor dask")
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        # no dashboard; the scheduler's HTTP server on a free port (its default 8787 may be taken)
        return distributed.LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                                        processes=True, dashboard_address=None, silence_logs=logging.CRITICAL,
                                        scheduler_kwargs={"dashboard_address": ":0"})


@contextlib.contextmanager
def _dask_runner(spec, workers=None, scheduler=None, scheduler_timeout=10.0):
    distributed = require("distributed", "--executor dask")
    client, cluster = _client(distributed, scheduler, scheduler_timeout, workers)

    def runner(chunks, on_done):
        prefix = f"symenh-map-{spec.hash[:12]}-{os.getpid()}"
        futures = {client.submit(compute_chunk, spec, pts, key=f"{prefix}-{k}", pure=False): pts
                   for k, pts in enumerate(chunks)}
        for fut in distributed.as_completed(list(futures), loop=client.loop):
            try:
                chunk = fut.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after dask's own retries
                chunk = failed_chunk(spec, futures[fut], f"{type(exc).__name__}: {' '.join(str(exc).split())}")
            on_done(chunk)
            fut.release()

    try:
        yield runner
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextlib.contextmanager
def runner(executor: str, spec, workers=None, scheduler=None, scheduler_timeout=10.0):
    """A context yielding ``run(chunks, on_done)`` for ``executor`` on the map ``spec``: ``chunks`` are
    arrays of point indices, ``on_done(chunk)`` is called as each finishes.  Entering connects
    (dask: to ``scheduler``, waiting ``scheduler_timeout`` seconds, or starts a LocalCluster of
    ``workers`` processes); leaving closes."""
    if executor == "dask":
        with _dask_runner(spec, workers, scheduler, scheduler_timeout) as run:
            yield run
    elif executor == "processes":
        yield lambda chunks, on_done: run_processes(spec, chunks, on_done, workers)
    else:
        yield lambda chunks, on_done: run_serial(spec, chunks, on_done)
