"""Where the CPU time of ``symenh reproduce`` goes, cold (empty cache) and warm.

Run:  python benchmarks/reproduce_breakdown.py

Each run is a fresh interpreter (``--child``) that wraps a few functions with CPU-time
counters (os.times: user + sys of this process) and then runs ``symenh reproduce`` in
process; the parent prints the parts for a cold run (empty SYMENH_CACHE) and a warm one
(the same cache), as CPU seconds and as shares of the whole run.  Parts nest (savefig is
inside the figures); "other" is the whole minus the top-level parts.  Nothing is asserted.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import time

#: (label, module, attribute) wrapped in the child; the first group are top-level parts
TOP = (("import symenh + cli", None, None),
       ("figure fig1", "symenh.figures.fig1", "make"),
       ("figure fig2", "symenh.figures.fig2", "make"),
       ("figure fig3", "symenh.figures.fig3", "make"),
       ("figure asymptotics", "symenh.figures.asymptotics", "make"),
       ("figure interactions", "symenh.figures.interactions", "make"),
       ("figure temperature", "symenh.figures.temperature", "make"),
       ("summary.md", "symenh.report", "write_summary"))
INNER = (("  of which savefig (PNG+PDF)", "matplotlib.figure", "Figure.savefig"),
         ("  of which mpmath points", "symenh.responses.mpmath_path", "sigma_linear_mp"),
         ("  of which SymPy closed forms (incl. factors)", "symenh.responses.closed_form", "_derive_sigma"),
         ("    SymPy factors (incl. their geometry)", "symenh.responses.closed_form", "_derive_component"),
         ("  of which SymPy geometry (every caller)", "symenh.geometry.symbolic", "_derive"),
         ("  of which large-mu series", "symenh.asymptotics", "_series_of"),
         ("  of which sympy.lambdify", "sympy", "lambdify"),
         ("  of which summary geometry rows", "symenh.report", "geometry_rows"),
         ("  of which exchange quadrature (interactions)", "symenh.responses.exchange_quadrature",
          "compute_exchange_quadrature"),
         ("    exchange kernels (SymPy geometry + lambdify)", "symenh.integrate.exchange", "kernel_for"),
         ("  of which mpmath exchange reference (interactions)", "symenh.figures.interactions", "sigma_enh_reference_mp"),
         ("  of which finite-T closed form (temperature)", "symenh.responses.closed_form_thermal", "compute"),
         ("    finite-T SymPy orders", "symenh.responses.closed_form_thermal", "_derive"),
         ("    finite-T SymPy Laurent tables", "symenh.responses.closed_form_thermal", "_laurent_symbolic"),
         ("  of which summary cross-check (quadrature)", "symenh.report", "crosscheck_table"))


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def _child(out: str) -> None:
    import importlib

    totals = {}
    t0 = _cpu()
    import symenh.cli  # noqa: F401  (the import is a part of its own)
    import symenh.figures.asymptotics  # noqa: F401
    import symenh.figures.fig1  # noqa: F401
    import symenh.figures.fig2  # noqa: F401
    import symenh.figures.fig3  # noqa: F401
    import symenh.figures.interactions  # noqa: F401
    import symenh.figures.temperature  # noqa: F401
    import symenh.report  # noqa: F401
    totals["import symenh + cli"] = _cpu() - t0
    depth = {"n": 0}

    def wrap(label, modname, attr):
        mod = importlib.import_module(modname)
        owner, name = mod, attr
        if "." in attr:
            cls, name = attr.split(".")
            owner = getattr(mod, cls)
        fn = getattr(owner, name, None)
        if fn is None:
            return

        @functools.wraps(fn)
        def timed(*a, **k):
            outer = label not in depth
            depth[label] = True
            t = _cpu()
            try:
                return fn(*a, **k)
            finally:
                if outer:
                    totals[label] = totals.get(label, 0.0) + _cpu() - t
                    del depth[label]

        setattr(owner, name, timed)

    for label, modname, attr in TOP[1:] + INNER:
        wrap(label, modname, attr)
    from symenh.cli import main

    t1 = _cpu()
    main(["reproduce", "--out", out])
    totals["whole run"] = _cpu() - t1 + totals["import symenh + cli"]
    print(json.dumps(totals))


def _run(cache: str, out: str) -> dict:
    env = dict(os.environ, SYMENH_CACHE=cache, MPLBACKEND="Agg")
    before = os.times()
    proc = subprocess.run([sys.executable, __file__, "--child", out], env=env, capture_output=True, text=True,
                          check=True)
    after = os.times()
    parts = json.loads(proc.stdout.strip().splitlines()[-1])
    parts["process CPU (user+sys, children)"] = (after.children_user + after.children_system
                                                 - before.children_user - before.children_system)
    return parts


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "cache")
        t0 = time.perf_counter()
        runs = {"cold": _run(cache, os.path.join(tmp, "out1")), "warm": _run(cache, os.path.join(tmp, "out2"))}
        wall = time.perf_counter() - t0
    print(f"symenh reproduce, CPU seconds (user+sys) per part; {os.cpu_count()} cores; both runs in {wall:.0f} s wall")
    labels = [t[0] for t in TOP] + [t[0] for t in INNER]
    print(f"{'part':46s} {'cold':>8s} {'share':>6s} {'warm':>8s} {'share':>6s}")
    for label in labels + ["other", "whole run", "process CPU (user+sys, children)"]:
        row = []
        for r in runs.values():
            if label == "other":
                v = r["whole run"] - sum(r.get(t[0], 0.0) for t in TOP)
            else:
                v = r.get(label, 0.0)
            row.append(f"{v:8.2f} {100 * v / r['whole run']:5.0f}%")
        print(f"{label:46s} {' '.join(row)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
