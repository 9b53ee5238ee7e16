"""Benchmarks: time and accuracy of each path, and cold/warm ``symenh reproduce``.

Run:  python benchmarks/run.py            (about 2-4 minutes on 2 cores)
      python benchmarks/run.py --quick    (fewer points)

Prints, for a 200-point mu sweep of all four mechanisms (each on the model where
it is allowed): the warm time of the closed form, the time per mu point per
mechanism of adaptive quadrature at rtol 1e-10, the grid's time per point at its
defaults, and each path's accuracy against the mpmath reference (30 digits) at a
few mu; then the cold (empty SymPy cache, fresh process) and warm times of
``symenh reproduce``.  Targets (issue 3): closed-form sweep < 10 ms warm;
quadrature < 50 ms per mu point per mechanism at 1e-10.  Nothing here is asserted:
the numbers are printed for a person to read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import symenh
from symenh.responses.mpmath_path import sigma_linear_mp
from symenh.responses.grid import clear_caches

CASES = (("tilted-dirac", "bcd"), ("tilted-dirac", "enh-t"), ("pt-dirac", "inh"), ("pt-dirac", "enh-pt"))


def _timeit(fn, repeat=5):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _rel_err(a, ref):
    ref = np.asarray(ref, dtype=float)
    return float(np.max(np.abs(a - ref)) / np.max(np.abs(ref)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-reproduce", action="store_true")
    args = ap.parse_args(argv)
    p = symenh.PAPER
    d = abs(p.Delta_eV)
    mu = d * np.linspace(1.05, 20, 200)
    mu_check = d * np.array([1.5, 4.0, 12.0])
    n_quad = 20 if args.quick else 50
    n_grid = 1 if args.quick else 3

    print(f"symenh {symenh.__version__} benchmarks (paper parameters)\n")
    print(f"{'model':14s} {'mechanism':9s} {'path':12s} {'time':>22s} {'max rel err vs mpmath':>24s}")
    total_cf = 0.0
    for model, mech in CASES:
        ref = np.array([np.array(sigma_linear_mp(model, mech, m, p), dtype=float) for m in mu_check])
        symenh.sigma(model, mech, mu)  # warm up (derivation, lambdify)
        t = _timeit(lambda: symenh.sigma(model, mech, mu))
        total_cf += t
        err = _rel_err(symenh.sigma(model, mech, mu_check).sigma, ref)
        print(f"{model:14s} {mech:9s} {'closed-form':12s} {t * 1e3:12.2f} ms/200 mu {err:24.1e}")
        sub = mu[:: len(mu) // n_quad][:n_quad]
        t0 = time.perf_counter()
        symenh.sigma(model, mech, sub, method="quadrature", rtol=1e-10)
        tq = (time.perf_counter() - t0) / len(sub)
        err = _rel_err(symenh.sigma(model, mech, mu_check, method="quadrature", rtol=1e-10).sigma, ref)
        print(f"{model:14s} {mech:9s} {'quadrature':12s} {tq * 1e3:12.2f} ms/mu     {err:24.1e}")
        clear_caches()  # the grid memoises passes shared by mechanisms: time it cold
        t0 = time.perf_counter()
        g = symenh.sigma(model, mech, mu_check[:n_grid], method="grid")
        tg = (time.perf_counter() - t0) / n_grid
        err = _rel_err(g.sigma, ref[:n_grid])
        est = float(np.max(g.error_estimate / np.max(np.abs(ref[:n_grid])))) if g.error_estimate is not None \
            else float("nan")
        print(f"{model:14s} {mech:9s} {'grid':12s} {tg:12.2f} s/mu      {err:24.1e}  (own estimate {est:.1e})")
    print(f"\nclosed form, all four mechanisms, 200-point sweep, warm: {total_cf * 1e3:.2f} ms (target < 10 ms)")

    if not args.no_reproduce:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, SYMENH_CACHE=os.path.join(tmp, "cache"), MPLBACKEND="Agg")
            cmd = [sys.executable, "-m", "symenh.cli", "reproduce", "--out", os.path.join(tmp, "out")]
            for label in ("cold (empty cache)", "warm (cache filled)"):
                t0 = time.perf_counter()
                subprocess.run(cmd, env=env, check=True, capture_output=True)
                print(f"symenh reproduce, {label}: {time.perf_counter() - t0:.1f} s" +
                      (" (target < 60 s)" if label.startswith("cold") else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
