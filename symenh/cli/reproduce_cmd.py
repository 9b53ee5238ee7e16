"""``symenh reproduce --out DIR``: the main job — Fig. 2, Fig. 3, the asymptotics figure
and a markdown summary, with progress lines on stderr."""

from __future__ import annotations

import time
from pathlib import Path

from ..responses.spec import CONVENTIONS
from .common import CliError, add_param_option, params_from, progress
from .figure_cmd import make_figure


def register(sub) -> None:
    p = sub.add_parser("reproduce", help="write the paper's figures, the asymptotics figure and summary.md")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    p.add_argument("--convention", default="consistent", choices=CONVENTIONS,
                   help="sign convention of the ENH results in the figures and series (the summary's "
                        "sign table shows both)")
    add_param_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..report import write_summary

    out = Path(args.out)
    params = params_from(args)
    t0 = time.perf_counter()
    written = []
    steps = [("fig2", {}), ("fig3", {"convention": args.convention}),
             ("asymptotics", {"convention": args.convention})]
    for i, (name, kw) in enumerate(steps, 1):
        progress(f"[{i}/{len(steps) + 1}] figure {name}")
        written += make_figure(name, out, params, progress, **kw)
    progress(f"[{len(steps) + 1}/{len(steps) + 1}] summary")
    try:
        written.append(write_summary(out / "summary.md", params, progress, args.convention))
    except OSError as exc:
        raise CliError(f"--out: cannot write {out / 'summary.md'} ({exc.strerror or exc})") from None
    for path in written:
        print(path)
    progress(f"done in {time.perf_counter() - t0:.1f} s; open {out / 'summary.md'}")
    return 0
