"""Benchmark of the lattice-model grid path (issue 11): time and accuracy per mu per mechanism.

Run:  python benchmarks/lattice.py           (several minutes on 2 shared cores)
      python benchmarks/lattice.py --quick   (the 2-band model, one mu)

Models: one valley of the square-lattice H_T (2 bands) and the square-lattice H_PT (4 bands), a = 0.5 nm,
Delta = 0.05 eV, hbar v = 0.3 eV nm, B = 0.3 eV nm^2, alpha = 0.03 eV nm (symenh.models.examples).
For each mu and mechanism: the time of the default grid (cold for the first mechanism at a mu: spectrum,
Fermi box and, for ENH(PT), the filled-band sea; the other mechanisms reuse the Fermi-box sums), the
relative error estimate, and the relative difference from a reference run with a finer grid
(spacing_over_kT 0.5) and five temperatures down to dist/60 (the true error of the default is at most about
that difference plus the reference's own error).  Target: error estimate <= 1e-5 relative and covering the
difference; < 30 s per mu for all four mechanisms.
Quadrature (method="quadrature", Fermi contours on the zone torus, responses/lattice_quadrature.py): for each
mu and mechanism its time (cold: caches cleared per mu), its relative error estimate and its relative
difference from the default grid run just before (to be read against the grid's own estimate: the
quadrature's estimate is far smaller).  ``--quadrature-only`` skips the grid reference runs.
Nothing is asserted: the numbers are printed for a person to read.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import symenh
from symenh.models.examples import lattice_pt_dirac, lattice_tilted_dirac
from symenh.responses import lattice_grid, lattice_quadrature

VALUES = {"Delta": 0.05, "hbar_v_x": 0.3, "hbar_v_y": 0.3, "B": 0.3, "alpha": 0.03}
MECHS = ("bcd", "inh", "enh-t", "enh-pt")
REFERENCE = {"kT_fractions": (1 / 24, 1 / 30, 1 / 36, 1 / 42, 1 / 60), "spacing_over_kT": 0.5}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the 2-band model at one mu only")
    ap.add_argument("--quadrature-only", action="store_true", help="time the zone quadrature only (no grid)")
    args = ap.parse_args(argv)
    models = [("lattice H_T (xi=+1), a=0.5 nm", lattice_tilted_dirac(0.5, 1))]
    mus = [0.1] if args.quick else [0.1, 0.3, 1.0]
    if not args.quick:
        models.append(("lattice H_PT, a=0.5 nm", lattice_pt_dirac(0.5)))
    if args.quadrature_only:
        return _quadrature(models, mus, None)
    print(f"{'model':32s} {'mu/eV':>6s} {'mech':7s} {'time/s':>7s} {'sigma (A m/V^2)':>16s} "
          f"{'est/|s|':>9s} {'|s-ref|/|s|':>11s}")
    grids = {}
    for label, model in models:
        for mu in mus:
            lattice_grid.clear_caches()
            for mech in MECHS:
                t0 = time.perf_counter()
                r = symenh.sigma(model, mech, [mu], method="grid", model_values=VALUES)
                dt = time.perf_counter() - t0
                grids[(label, mu, mech)] = r
                ref = symenh.sigma(model, mech, [mu], method="grid", model_values=VALUES, **REFERENCE)
                s = r.sigma.ravel()
                j = int(np.argmax(np.abs(s)))
                big = abs(s[j])
                est = r.error_estimate[0] / big if big else float("nan")
                dev = float(np.max(np.abs(r.sigma - ref.sigma))) / big if big else float("nan")
                if r.error_estimate[0] >= big:      # a symmetry zero: noise covered by its estimate
                    print(f"{label:32s} {mu:6.2f} {mech:7s} {dt:7.2f} {'0 (symmetry)':>16s} "
                          f"|s| <= est = {r.error_estimate[0]:.1e} A m/V^2")
                    continue
                print(f"{label:32s} {mu:6.2f} {mech:7s} {dt:7.2f} {s[j]:16.8e} {est:9.1e} {dev:11.1e}")
        top = lattice_grid.spectrum(model, VALUES).ranges.max()
        t0 = time.perf_counter()
        r = symenh.sigma(model, "bcd", [top + 1.0], method="grid", model_values=VALUES)
        print(f"{label:32s} mu = {top + 1:.2f} eV (above every band): sigma = {r.sigma.max()} in "
              f"{time.perf_counter() - t0:.2f} s ({lattice_grid.ZERO_REASONS['above'][:60]}...)")
    return _quadrature(models, mus, grids)


def _quadrature(models, mus, grids) -> int:
    """The zone quadrature per model, mu and mechanism: time, estimate and difference from the grid."""
    print(f"\n{'quadrature model':32s} {'mu/eV':>6s} {'mech':7s} {'time/s':>7s} {'sigma (A m/V^2)':>16s} "
          f"{'est/|s|':>9s} {'|s-grid|/|s|':>12s} {'grid est/|s|':>12s}")
    for label, model in models:
        for mu in mus:
            lattice_grid.clear_caches()
            lattice_quadrature.clear_caches()
            for mech in MECHS:
                t0 = time.perf_counter()
                q = symenh.sigma(model, mech, [mu], method="quadrature", model_values=VALUES)
                dt = time.perf_counter() - t0
                s = q.sigma.ravel()
                j = int(np.argmax(np.abs(s)))
                big = abs(s[j])
                if q.error_estimate[0] >= big:
                    print(f"{label:32s} {mu:6.2f} {mech:7s} {dt:7.2f} {'0 (symmetry)':>16s} "
                          f"|s| <= est = {q.error_estimate[0]:.1e} A m/V^2")
                    continue
                g = None if grids is None else grids.get((label, mu, mech))
                dev = "" if g is None else f"{float(np.max(np.abs(q.sigma - g.sigma))) / big:12.1e}"
                gest = "" if g is None else f"{g.error_estimate[0] / big:12.1e}"
                print(f"{label:32s} {mu:6.2f} {mech:7s} {dt:7.2f} {s[j]:16.8e} {q.error_estimate[0] / big:9.1e} "
                      f"{dev} {gest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
