"""Run a slow symbolic derivation under a time limit, safely: in a separate (spawned) process.

No signal handler is installed and no thread is left running: the derivation runs in a child
process (a fresh ``python -c`` interpreter; nothing of the parent's state, threads or locks is
inherited, and the caller's ``__main__`` is not re-imported), its result comes back pickled through
a pipe, and the child is killed (by its own handle) when the limit passes.  The parent then raises
:class:`GeometryTimeout`, a :class:`~symenh.errors.ModelError` with a one-line message.

``progress`` (everywhere in symenh's user-model machinery): ``None``/``False`` (silent), ``True``
(one line per step on stderr) or a callable taking one string.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

from ..errors import InputTypeError, ModelError


class GeometryTimeout(ModelError):
    """The closed-form derivation did not finish within its time limit."""


def reporter(progress):
    """A function msg -> None from a ``progress`` option: None/False (silent), True (one line per step on
    stderr, ``symenh: ...``) or a callable taking one string.  Anything else (a number, a string) is one
    line, :class:`~symenh.errors.InputTypeError` -- the same on every path that takes ``progress``."""
    if progress is None or progress is False:
        return lambda msg: None
    if progress is True:
        def _stderr(msg):
            print(f"symenh: {msg}", file=sys.stderr, flush=True)
        return _stderr
    if callable(progress):
        return progress
    raise InputTypeError(f"progress: expected None, True, False or a callable taking one string, got "
                         f"{type(progress).__name__} {progress!r}")


_CHILD = """
import pickle, sys
func, args = pickle.load(sys.stdin.buffer)
try:
    out = ("ok", func(*args))
except BaseException as exc:
    out = ("error", (type(exc).__name__ + ": " + str(exc))[:300])
sys.stdout.buffer.write(pickle.dumps(out))
"""


def call_with_timeout(func, args: tuple, timeout: float, *, what: str = "the derivation"):
    """``func(*args)`` computed in a child Python process, or :class:`GeometryTimeout` after
    ``timeout`` seconds (the child is killed by its own handle).  The child is a fresh interpreter
    (``python -c``, same ``sys.path``), fed ``(func, args)`` pickled on stdin: the caller's
    ``__main__`` is not re-imported (a script without a main guard is safe), no signal handler is
    installed.  ``func`` must be a module-level function.  A failure inside the child is re-raised
    as a one-line :class:`~symenh.errors.ModelError`."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ModelError(f"timeout: must be a positive number of seconds, got {timeout!r}")
    payload = pickle.dumps((func, args))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    proc = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)
    try:
        raw, _ = proc.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise GeometryTimeout(f"{what} did not finish within {timeout:g} s") from None
    try:
        status, value = pickle.loads(raw)
    except Exception:  # noqa: BLE001 - an empty or broken answer: the child died
        raise ModelError(f"{what} failed: the worker process ended without a result") from None
    if status != "ok":
        raise ModelError(f"{what} failed ({value})")
    return value


__all__ = ["GeometryTimeout", "call_with_timeout", "reporter"]
