"""Atomic file output: a file appears complete under its final name, or not at all.

Every output symenh writes (figures, CSV, JSON, the summary, cache entries) goes through
:func:`atomic_path` or :func:`atomic_write_text`: the data is written to a temporary file
in the same folder and moved into place with :func:`os.replace` (atomic on POSIX), so a
killed run never leaves a truncated file under a final name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path, mode: int = 0o644):
    """Context manager yielding a temporary path beside ``path``; on a clean exit the file
    written there replaces ``path`` atomically (permissions ``mode``), on an exception it is
    removed and ``path`` is left as it was."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path, data: bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` atomically; returns ``Path(path)``."""
    with atomic_path(path, mode) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path, text: str, mode: int = 0o644) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``Path(path)``."""
    return atomic_write_bytes(path, text.encode("utf-8"), mode)


__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text"]
