"""``symenh reproduce --out DIR``: the main job — Fig. 2, Fig. 3, the asymptotics figure
and a markdown summary, with progress lines on stderr, and ``manifest.json`` last.

Completeness is visible: the run first removes any ``manifest.json`` in DIR and writes a
new one only after every output is complete (each output is written atomically, under a
temporary name and then renamed).  A folder without ``manifest.json`` holds an unfinished
(killed, failed) run.  The manifest (:func:`manifest`)::

    {"symenh_version", "command", "settings": {"params", "convention", "out"},
     "files": [{"path" (relative to DIR), "bytes", "sha256"}, ...],
     "started", "finished"}                       # UTC, ISO 8601

``sha256sum -c`` style checking: ``sha256`` is the hex digest of the file's bytes.

Warm runs.  Each figure's output files are kept in the symenh cache (:func:`symenh.cache.cached_arrays`,
the folder checks and checksums of the derivation cache) under a key of the figure's name and options,
the parameters, the source of the whole symenh package (:func:`symenh.cache.source_digest`), numpy's and
matplotlib's versions and matplotlib's rc settings.  When none of these changed, the figure is written
from the cache: the same bytes a drawing would write (figures are deterministic: the PDF carries no
date), reported by one progress line.  ``SYMENH_CACHE=off`` draws every figure.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import re
import shlex
import time
from pathlib import Path

from ..fileio import atomic_path, atomic_write_text
from ..responses.spec import CONVENTIONS
from .common import CliError, add_param_option, params_from, progress
from . import figure_cmd
from .figure_cmd import make_figure

MANIFEST = "manifest.json"
#: a relative output name as stored in the figure cache ("fig3.png", "fig3_a.csv", "sub/x.csv")
_OUTPUT_NAME = re.compile(r"(?!\.)[A-Za-z0-9_.-]{1,100}(/(?!\.)[A-Za-z0-9_.-]{1,100}){0,3}")


def _figure_key(name: str, params, options: dict) -> str:
    import matplotlib
    import numpy as np

    from ..cache import make_key, source_digest

    rc = hashlib.sha256(repr(sorted((k, repr(v)) for k, v in matplotlib.rcParams.items())).encode()).hexdigest()
    return make_key("reproduce figure outputs", name, source_digest(), f"numpy {np.__version__}",
                    f"matplotlib {matplotlib.__version__}", rc,
                    json.dumps({"params": params.as_dict(), "options": options}, sort_keys=True, default=repr))


def cached_figure(name: str, out: Path, params, report=progress, **options) -> list:
    """:func:`make_figure` through the figure-output cache (module docstring): the written paths."""
    import numpy as np

    from ..cache import cached_arrays

    if make_figure is not figure_cmd.make_figure:      # replaced (tests): never cache what it writes
        return make_figure(name, out, params, report, **options)
    drawn = {}
    out = Path(out)

    def build():
        paths = make_figure(name, out, params, report, **options)
        drawn["paths"] = paths
        rels = [Path(os.path.relpath(Path(p).resolve(), out.resolve())).as_posix() for p in paths]
        if not all(_OUTPUT_NAME.fullmatch(r) for r in rels):
            return {}                                   # not storable: an empty entry is never used
        return {f"{i:03d}:{r}": np.frombuffer(Path(p).read_bytes(), dtype=np.uint8) for i, (r, p) in
                enumerate(zip(rels, paths, strict=True))}

    files = cached_arrays(_figure_key(name, params, options), build)
    if "paths" in drawn:
        return drawn["paths"]
    entries = sorted((int(k.split(":", 1)[0]), k.split(":", 1)[1], v) for k, v in files.items()
                     if re.fullmatch(r"\d{3}:.+", k))
    if not entries or len(entries) != len(files) or not all(_OUTPUT_NAME.fullmatch(r) for _, r, _ in entries) \
            or any(v.dtype != np.uint8 or v.ndim != 1 for _, _, v in entries):
        return make_figure(name, out, params, report, **options)
    report(f"{name}: inputs and source unchanged, written from the cache ({len(entries)} files)")
    paths = []
    for _, rel, data in entries:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_bytes(data.tobytes())
        paths.append(path)
    return paths


def register(sub) -> None:
    p = sub.add_parser("reproduce", help="write the paper's figures, the asymptotics figure and summary.md",
                       description="Write Fig. 2, Fig. 3 (with its curves as CSV), the asymptotics figure and "
                                   "summary.md into --out, then manifest.json (every file with its size and "
                                   "SHA-256, the settings); a folder without manifest.json holds an unfinished run.",
                       epilog="Exit status: 0 success; 2 bad input (one line on stderr); 130 interrupted.")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    p.add_argument("--convention", default="consistent", choices=CONVENTIONS,
                   help="sign convention of the ENH results in the figures and series (the summary's "
                        "sign table shows both)")
    add_param_option(p)
    p.set_defaults(func=run)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def file_entry(path: Path, out: Path) -> dict:
    """{"path" (relative to ``out``, POSIX), "bytes", "sha256"} of one written file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    rel = Path(os.path.relpath(Path(path).resolve(), Path(out).resolve())).as_posix()
    return {"path": rel, "bytes": size, "sha256": digest.hexdigest()}


def manifest(out: Path, paths, settings: dict, command: str, started: str) -> dict:
    """The manifest object of a finished run (module docstring)."""
    from .. import __version__

    return {"symenh_version": __version__, "command": command, "settings": settings,
            "files": [file_entry(p, out) for p in paths], "started": started, "finished": _now()}


def run(args) -> int:
    from ..report import write_summary

    out = Path(args.out)
    params = params_from(args)
    started = _now()
    try:
        out.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            (out / MANIFEST).unlink()   # from now on the folder is visibly incomplete
    except OSError as exc:
        raise CliError(f"--out: cannot write into {out} ({exc.strerror or exc})") from None
    t0 = time.perf_counter()
    written = []
    steps = [("fig1", {"convention": args.convention}), ("fig2", {}), ("fig3", {"convention": args.convention}),
             ("asymptotics", {"convention": args.convention})]
    steps += [("interactions", {"convention": args.convention}), ("temperature", {"convention": args.convention})]
    for i, (name, kw) in enumerate(steps, 1):
        progress(f"[{i}/{len(steps) + 1}] figure {name}")
        try:
            written += cached_figure(name, out, params, progress, **kw)
        except OSError as exc:
            raise CliError(f"--out: cannot write into {out} ({exc.strerror or exc})") from None
    progress(f"[{len(steps) + 1}/{len(steps) + 1}] summary")
    summary = out / "summary.md"
    try:
        with atomic_path(summary) as tmp:
            write_summary(tmp, params, progress, args.convention)
        written.append(summary)
        settings = {"params": params.as_dict(), "convention": args.convention, "out": str(out)}
        command = shlex.join(["symenh", *getattr(args, "argv", ["reproduce"])])
        text = json.dumps(manifest(out, written, settings, command, started), indent=2, allow_nan=False)
        atomic_write_text(out / MANIFEST, text + "\n")
    except OSError as exc:
        raise CliError(f"--out: cannot write into {out} ({exc.strerror or exc})") from None
    for path in written + [out / MANIFEST]:
        print(path)
    progress(f"done in {time.perf_counter() - t0:.1f} s; open {summary} (every file listed in {out / MANIFEST})")
    return 0
