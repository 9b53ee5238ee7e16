"""Benchmark: ENH with a real interaction (screened Coulomb), per path, time and accuracy.

Run:  python benchmarks/interactions.py            (a few minutes on 2 cores)
      python benchmarks/interactions.py --quick    (fewer mu, no grid)

For each paper model's allowed ENH mechanism (H_T: enh-t, H_PT: enh-pt), screened Coulomb
(q_s = 0.2/nm), channels printed and fock, at mu = 1.2, 2, 6, 20 |Delta| (paper parameters):

* quadrature at rtol 1e-8: time per mu per mechanism (target <= 1 s on 2 cores), its error
  estimate and its true error against the same path at rtol 1e-12 (self-convergence; the
  30-digit angular-harmonic reference of issue 8 replaces it once it exists);
* grid at its defaults (symenh.responses.exchange_grid.DEFAULTS): time and error (estimate and
  true, against the rtol-1e-12 quadrature) at mu = 2 |Delta| (printed channels).

Nothing is asserted: the numbers are printed for a person to read, with the machine load.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from symenh.models.paper import paper_valleys
from symenh.params import PAPER
from symenh.responses.exchange import enh_exchange

CASES = (("tilted-dirac", "enh-t"), ("pt-dirac", "enh-pt"))
TARGET_S = 1.0


def _rel(x, ref):
    scale = np.max(np.abs(ref.reshape(len(ref), -1)), axis=1)
    return np.max(np.abs(x).reshape(len(x), -1), axis=1) / scale


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    D = PAPER.Delta_eV
    mus = np.array([1.2, 2.0, 6.0] if args.quick else [1.2, 2.0, 6.0, 20.0]) * D
    vals = PAPER.symbol_values()
    print(f"# load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; screened Coulomb q_s = 0.2/nm")
    print(f"{'model':13s} {'mech':7s} {'channels':8s} {'mu/D':>5s} {'time/mu [s]':>11s} {'target':>7s} "
          f"{'est. rel':>9s} {'true rel':>9s}")
    for model, mech in CASES:
        comps = paper_valleys(model)
        for ch in ("printed", "fock"):
            enh_exchange(comps, mech, [mus[0]], vals, interaction="screened-coulomb", channels=ch, rtol=1e-8)  # warm
            ref = enh_exchange(comps, mech, mus, vals, interaction="screened-coulomb", channels=ch, rtol=1e-12)
            for i, mu in enumerate(mus):
                t0 = time.perf_counter()
                r = enh_exchange(comps, mech, [mu], vals, interaction="screened-coulomb", channels=ch, rtol=1e-8)
                dt = time.perf_counter() - t0
                est = r.error[0] / np.max(np.abs(ref.sigma[i]))
                true = np.max(np.abs(r.sigma[0] - ref.sigma[i])) / np.max(np.abs(ref.sigma[i]))
                print(f"{model:13s} {mech:7s} {ch:8s} {mu / D:5.1f} {dt:11.2f} {'ok' if dt <= TARGET_S else 'MISS':>7s} "
                      f"{est:9.1e} {true:9.1e}")
    if args.quick:
        return
    print("\n# grid path (defaults), printed channels, mu = 2 |Delta|")
    for model, mech in CASES:
        comps = paper_valleys(model)
        ref = enh_exchange(comps, mech, [2 * D], vals, interaction="screened-coulomb", rtol=1e-12)
        t0 = time.perf_counter()
        g = enh_exchange(comps, mech, [2 * D], vals, interaction="screened-coulomb", method="grid")
        dt = time.perf_counter() - t0
        scale = np.max(np.abs(ref.sigma))
        print(f"{model:13s} {mech:7s} grid time {dt:6.1f} s  est. rel {g.error[0] / scale:.1e}  "
              f"true rel {np.max(np.abs(g.sigma - ref.sigma)) / scale:.1e}")


if __name__ == "__main__":
    main()
