"""Finished chunks of a map persisted beside its output, for ``--resume``.

A map written to ``FILE.nc`` keeps its finished chunks in the folder ``FILE.nc.parts/``
while it runs: ``settings.json`` (the settings and their hash, :class:`~symenh.maps.spec.MapSpec`)
and one ``chunk-*.npz`` (numpy's own format) per finished chunk, each written atomically
(:mod:`symenh.fileio`), so a run killed at any moment leaves only complete chunks.  A resumed
run loads them and computes only the points they lack; the folder is removed once ``FILE.nc``
is written.  A folder made with other settings (another hash) is never mixed in: the resume
is refused in one line naming the settings that differ.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from ..fileio import atomic_path, atomic_write_text
from .errors import MapError
from .evaluate import Chunk

SETTINGS_FILE = "settings.json"


def parts_dir(out) -> Path:
    """The folder of the finished chunks of the map written to ``out``."""
    out = Path(out)
    return out.with_name(out.name + ".parts")


def _differences(old: dict, new: dict) -> list:
    """Names of the settings that differ ("params.q_s_per_nm", "axes", "method", ...)."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            out += [f"{key}.{k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        else:
            out.append(key)
    return out


class ChunkStore:
    """The finished chunks of one map in ``directory`` (created if absent).

    ``resume=False`` refuses a folder that already holds chunks (an interrupted run: resume it or
    delete it); ``resume=True`` refuses one whose settings hash differs from ``spec``'s."""

    def __init__(self, directory, spec, resume: bool = False):
        self.dir = Path(directory)
        self.spec = spec
        settings = self.dir / SETTINGS_FILE
        if settings.exists():
            if not resume:
                raise MapError(f"--resume: {self.dir} holds the finished chunks of an interrupted map; continue it "
                               "with --resume, or delete that folder to start over")
            try:
                stored = json.loads(settings.read_text())
            except (OSError, ValueError) as exc:
                raise MapError(f"--resume: cannot read {settings} ({exc}); delete {self.dir} to start over") from None
            if stored.get("hash") != spec.hash:
                changed = _differences(stored.get("settings", {}), spec.settings()) or ["the settings"]
                raise MapError(f"--resume: the map in {self.dir} was computed with other settings (changed: "
                               f"{', '.join(changed)}); rerun with the same settings, or delete that folder to "
                               "start a new map")
        else:
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise MapError(f"--out: cannot create {self.dir} ({exc.strerror or exc})") from None
            atomic_write_text(settings, json.dumps({"hash": spec.hash, "settings": spec.settings()}, indent=1))

    def load(self) -> list:
        """The finished :class:`~symenh.maps.evaluate.Chunk` s found in the folder."""
        out = []
        for path in sorted(self.dir.glob("chunk-*.npz")):
            with np.load(path, allow_pickle=False) as f:
                failures = {int(k): v for k, v in json.loads(str(f["failures"])).items()}
                out.append(Chunk(f["points"], f["sigma"], f["error"], failures))
        return out

    def save(self, chunk: Chunk) -> Path:
        """Write ``chunk`` atomically; returns its path."""
        path = self.dir / f"chunk-{int(chunk.points[0]):09d}-{len(chunk.points)}.npz"
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, points=chunk.points, sigma=chunk.sigma, error=chunk.error,
                     failures=np.array(json.dumps({str(k): v for k, v in chunk.failures.items()})))
        return path

    def remove(self) -> None:
        """Delete the folder (once the map is written)."""
        shutil.rmtree(self.dir, ignore_errors=True)
