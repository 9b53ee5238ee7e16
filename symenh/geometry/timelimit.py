"""Run a slow symbolic derivation under a time limit, safely: in a separate (spawned) process.

No signal handler is installed and no thread is left running: the derivation runs in a child
process started with the ``spawn`` method (a fresh interpreter; nothing of the parent's state,
threads or locks is inherited), its result comes back pickled through a pipe, and the child
is terminated (by its own handle) when the limit passes.  The parent then raises
:class:`GeometryTimeout`, a :class:`~symenh.errors.ModelError` with a one-line message.

``progress`` (everywhere in symenh's user-model machinery): ``None``/``False`` (silent), ``True``
(one line per step on stderr) or a callable taking one string.
"""

from __future__ import annotations

import multiprocessing
import sys
import time

from ..errors import ModelError


class GeometryTimeout(ModelError):
    """The closed-form derivation did not finish within its time limit."""


def reporter(progress):
    """A function msg -> None from a ``progress`` option (None/False, True or a callable)."""
    if progress is None or progress is False:
        return lambda msg: None
    if progress is True:
        def _stderr(msg):
            print(f"symenh: {msg}", file=sys.stderr, flush=True)
        return _stderr
    if callable(progress):
        return progress
    raise ModelError(f"progress: expected True, False, None or a callable taking one string, got {progress!r}")


def _child(conn, func, args):
    try:
        conn.send(("ok", func(*args)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        conn.close()


def call_with_timeout(func, args: tuple, timeout: float, *, what: str = "the derivation"):
    """``func(*args)`` computed in a spawned child process, or :class:`GeometryTimeout` after
    ``timeout`` seconds (the child is terminated).  ``func`` and ``args`` must be picklable
    (a module-level function; SymPy objects are).  A failure inside the child is re-raised as
    a one-line :class:`~symenh.errors.ModelError`."""
    if not (isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0):
        raise ModelError(f"timeout: must be a positive number of seconds, got {timeout!r}")
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, func, args), daemon=True)
    t0 = time.monotonic()
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise GeometryTimeout(f"{what} did not finish within {timeout:g} s")
        status, value = parent.recv()
    except EOFError:
        raise ModelError(f"{what} failed: the worker process ended without a result") from None
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(5)
        parent.close()
    if status != "ok":
        raise ModelError(f"{what} failed ({value})")
    del t0
    return value


__all__ = ["GeometryTimeout", "call_with_timeout", "reporter"]
