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
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import shlex
import time
from pathlib import Path

from ..fileio import atomic_path, atomic_write_text
from ..responses.spec import CONVENTIONS
from .common import CliError, add_param_option, params_from, progress
from .figure_cmd import make_figure

MANIFEST = "manifest.json"


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
        written += make_figure(name, out, params, progress, **kw)
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
