"""``symenh reproduce --out DIR``: the main job — Fig. 2, Fig. 3, the asymptotics figure
and a markdown summary, with progress lines on stderr."""

from __future__ import annotations

import time
from pathlib import Path

from .common import add_param_option, params_from, progress
from .figure_cmd import make_figure


def register(sub) -> None:
    p = sub.add_parser("reproduce", help="write the paper's figures, the asymptotics figure and summary.md")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    p.add_argument("--convention", default="consistent", choices=("consistent", "printed"),
                   help="sign convention of the ENH curves in Fig. 3 (the summary reports both)")
    add_param_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..report import write_summary

    out = Path(args.out)
    params = params_from(args)
    t0 = time.perf_counter()
    written = []
    steps = [("fig2", {}), ("fig3", {"convention": args.convention}), ("asymptotics", {})]
    for i, (name, kw) in enumerate(steps, 1):
        progress(f"[{i}/{len(steps) + 1}] figure {name}")
        written += make_figure(name, out, params, progress, **kw)
    progress(f"[{len(steps) + 1}/{len(steps) + 1}] summary")
    written.append(write_summary(out / "summary.md", params, progress))
    for path in written:
        print(path)
    progress(f"done in {time.perf_counter() - t0:.1f} s; open {out / 'summary.md'}")
    return 0
