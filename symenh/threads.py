"""BLAS threads for symenh's numerical paths: one per process unless ``SYMENH_BLAS_THREADS`` says otherwise.

The grid and quadrature paths make many small matrix products and ``eigh`` calls.  With OpenBLAS's
default of one thread per core those threads spin-wait for each other whenever the machine is busy
(a parameter map on a process pool, ``pytest -n 2``, any other job): measured on this project's
2-core machine at load 5, one Fermi-box sum of the grid took 27 s with the default threads and
0.35 s with one; idle, one thread is as fast.  :func:`blas_threads` limits the BLAS pool for the
duration of a ``with`` block (restored afterwards: the caller's own numpy keeps its setting), using
threadpoolctl (a small, well-kept library made for exactly this; without it the block does nothing).

``SYMENH_BLAS_THREADS``: an integer 1..256 (default 1), or ``default`` to leave BLAS alone.
"""

from __future__ import annotations

import contextlib
import os

from .errors import ParameterError

ENV = "SYMENH_BLAS_THREADS"


def configured() -> int | None:
    """The thread count asked for by ``SYMENH_BLAS_THREADS`` (None: leave BLAS alone)."""
    raw = os.environ.get(ENV, "1").strip()
    if raw.lower() == "default":
        return None
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if not 1 <= n <= 256:
        raise ParameterError(f"{ENV}: expected an integer 1..256 or 'default', got {raw!r}")
    return n


def blas_threads():
    """A context manager limiting the BLAS thread pool to :func:`configured` threads (module docstring)."""
    n = configured()
    if n is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")


__all__ = ["ENV", "blas_threads", "configured"]
