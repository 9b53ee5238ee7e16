"""On-disk cache for slow SymPy derivations, keyed by the source they come from.

The key (:func:`make_key`) is a SHA-256 of the symenh version (always prepended)
and the parts the caller passes: every caller passes the full source text of each
module its values derive from (``inspect.getsource(module)``), the model's
:meth:`~symenh.models.base.SymbolicModel.source` and its other inputs, so the cache
is rebuilt whenever the deriving code, the model or the version changes.  Values are
SymPy objects stored with :func:`sympy.srepr` (plain text) and read back with
:func:`sympy.sympify`; a missing or unreadable entry is simply rebuilt, so a
cold run always works.  Location: ``$SYMENH_CACHE`` or ``~/.cache/symenh``;
``SYMENH_CACHE=off`` disables it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import sympy as sp


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    env = os.environ.get("SYMENH_CACHE")
    if env == "off":
        return None
    return Path(env) if env else Path.home() / ".cache" / "symenh"


def make_key(*parts: str) -> str:
    """SHA-256 hex digest of the symenh version followed by the given source texts."""
    from . import __version__

    h = hashlib.sha256()
    h.update(f"symenh {__version__}".encode())
    h.update(b"\0")
    for p in parts:
        h.update(p.encode())
        h.update(b"\0")
    return h.hexdigest()


def cached_exprs(key: str, build):
    """Return ``build()`` (a nested list/tuple of SymPy expressions), cached under ``key``."""
    folder = cache_dir()
    path = folder / f"{key}.json" if folder else None
    if path is not None and path.exists():
        try:
            return _load(json.loads(path.read_text()))
        except Exception:  # corrupt entry: rebuild
            pass
    value = build()
    if path is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                json.dump(_dump(value), fh)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home is not an error: we just recompute next time
    return value


def _dump(value):
    if isinstance(value, (list, tuple)):
        return {"seq": [_dump(v) for v in value]}
    return {"expr": sp.srepr(value)}


def _load(obj):
    if "seq" in obj:
        return tuple(_load(v) for v in obj["seq"])
    return sp.sympify(obj["expr"])
