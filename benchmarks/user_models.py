"""Benchmark: the quadrature path on user k.p models (issue 11), per mu per mechanism, time and
accuracy against the grid path.  Prints one line per (model, mu, mechanism) with both times, the
difference |quad - grid| (max element, SI), and both error estimates; no target is asserted.

Run:  PYTHONPATH=. python benchmarks/user_models.py [--quick]
"""

from __future__ import annotations

import sys
import time

import numpy as np

import symenh
from symenh.models.examples import warped_dirac
from symenh.params import PAPER


def _values(lam: float) -> dict:
    v = {p.name: float(x) for p, x in PAPER.symbol_values().items()}
    v["lambda"] = lam
    return v


def _run(model, values, mu, mech, method, **opt):
    t0 = time.perf_counter()
    try:
        r = symenh.sigma(model, mech, [mu], method=method, model_values=values, **opt)
    except symenh.SymenhError as exc:
        return time.perf_counter() - t0, None, str(exc)[:90]
    return time.perf_counter() - t0, r, ""


def main(quick: bool = False) -> None:
    cases = [(warped_dirac(), 0.5, (0.08, 0.15))]
    if not quick:
        cases.append((warped_dirac(), 0.05, (0.08, 0.15)))
    print("model lambda_eVnm3 mu_eV mechanism t_quad_s t_grid_s |quad-grid|_SI est_quad est_grid note")
    for model, lam, mus in cases:
        vals = _values(lam)
        for mu in mus:
            for mech in ("bcd", "enh-t", "inh", "enh-pt"):
                opt = {"k_cutoff": 3.0} if mech == "enh-pt" else {}
                tq, rq, nq = _run(model, vals, mu, mech, "quadrature", **opt)
                tg, rg, ng = _run(model, vals, mu, mech, "grid") if mech != "enh-pt" else (0.0, None, "no cutoff")
                diff = (np.max(np.abs(rq.sigma - rg.sigma)) if rq is not None and rg is not None else np.nan)
                eq = rq.error_estimate[0] if rq is not None else np.nan
                eg = rg.error_estimate[0] if rg is not None else np.nan
                print(f"{model.name} {lam:g} {mu:g} {mech} {tq:.2f} {tg:.2f} {diff:.3g} {eq:.3g} {eg:.3g} "
                      f"{(nq or ng)}", flush=True)


if __name__ == "__main__":
    main("--quick" in sys.argv)
