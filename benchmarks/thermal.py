"""Benchmarks of the finite-temperature paths (issue 9): time and accuracy, printed beside targets.

Run:  python benchmarks/thermal.py           (about a minute on 2 cores)
      python benchmarks/thermal.py --quick   (fewer points)

1. Closed form at finite T: a 1000-point mu sweep (0.2 .. 10 |Delta|, the gap included) of the four
   paper mechanisms (each on the model where it is allowed) at k_B T = 77 K and 300 K, warm (SymPy
   forms cached), and its accuracy against the direct finite-T quadrature at a few mu.
   Target: < 2 s per mechanism for 1000 mu (adaptive convolution; Sommerfeld where it applies),
   accuracy 1e-10 relative.
2. Quadrature per mu at T > 0: time per mu point per mechanism of the direct finite-T ray
   integrals (linear and exact order), and its agreement with the closed form.
   Target: < 0.5 s per mu point per mechanism (linear), accuracy 1e-10 relative.
Nothing is asserted: the numbers are printed for a person to read.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import symenh
from symenh.params import PAPER
from symenh.responses import closed_form_thermal as ct
from symenh.responses import quadrature_thermal as qt
from symenh.responses.thermal import make_job
from symenh.temperature import kT_eV

CASES = (("tilted-dirac", "bcd"), ("tilted-dirac", "enh-t"), ("pt-dirac", "inh"), ("pt-dirac", "enh-pt"),
         ("pt-dirac", "inh-full"))


def _rel(a, ref):
    return float(np.max(np.abs(a - ref)) / np.max(np.abs(ref)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    d = abs(PAPER.Delta_eV)
    n_sweep = 200 if args.quick else 1000
    mu = d * np.linspace(0.2, 10.0, n_sweep)
    mu_check = d * np.array([0.6, 1.2, 2.0, 4.0])
    print(f"symenh {symenh.__version__}: finite-temperature benchmarks (paper parameters)\n")
    print(f"1. closed form at T > 0, {n_sweep} mu in [0.2, 10] |Delta|  (target < 2 s per mechanism, 1e-10)")
    print(f"   {'model':13s} {'mechanism':9s} {'T (K)':>6s} {'time (s)':>9s} {'Sommerfeld':>10s} "
          f"{'max est/|sigma|':>15s} {'vs quadrature':>13s}")
    for T_K in (77.0, 300.0):
        kT = kT_eV(T_K)
        for model, mech in CASES:
            job = make_job(model, mech, mu)
            ct.compute(job, kT)                               # warm: SymPy forms, lambdify
            t0 = time.perf_counter()
            s, e = ct.compute(job, kT)
            dt = time.perf_counter() - t0
            _, _, used = ct.thermal_factors(job.components, job.values, mu, kT, ct._entries(mech, 1))
            jc = make_job(model, mech, mu_check)
            c, _ = ct.compute(jc, kT)
            q, _ = qt.compute(jc, kT)
            print(f"   {model:13s} {mech:9s} {T_K:6.0f} {dt:9.3f} {np.mean(used):9.0%} "
                  f"{np.max(e) / np.max(np.abs(s)):15.1e} {_rel(c, q):13.1e}")
    print("\n2. quadrature per mu at T > 0 (direct finite-T rays)  (target < 0.5 s per mu per mechanism, 1e-10)")
    print(f"   {'model':13s} {'mechanism':9s} {'T (K)':>6s} {'order':>7s} {'s/mu':>8s} {'est/|sigma|':>12s} "
          f"{'vs closed form':>14s}")
    for T_K in (77.0, 300.0):
        kT = kT_eV(T_K)
        for model, mech in CASES:
            jc = make_job(model, mech, mu_check)
            c, _ = ct.compute(jc, kT)
            for order in ("linear", "exact"):
                t0 = time.perf_counter()
                q, eq = qt.compute(jc, kT, order)
                dt = (time.perf_counter() - t0) / len(mu_check)
                ref = c if order == "linear" else ct.compute(jc, kT, "cubic")[0]
                print(f"   {model:13s} {mech:9s} {T_K:6.0f} {order:>7s} {dt:8.3f} {np.max(eq) / np.max(np.abs(q)):12.1e} "
                      f"{_rel(q, ref):14.1e}{'  (vs linear+cubic)' if order == 'exact' else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
