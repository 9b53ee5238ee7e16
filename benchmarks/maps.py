"""Benchmarks of parameter maps (issue 12): executors on a quadrature map, and a closed-form map.

Run:  python benchmarks/maps.py            (about a minute on 2 cores)
      python benchmarks/maps.py --quick    (a 10 x 10 quadrature map)

1. A 20 x 20 quadrature map (pt-dirac, ENH(PT), mu x Delta: 20 points of 20 mu, one
   symenh.sigma call each) run serially, on 2 local processes and on a dask LocalCluster of
   2 single-threaded workers (timed with the cluster already running; its start-up printed
   apart).  Target: speed-up >= 1.7 on 2 cores.  The three datasets must be identical.
2. A 10^4-point closed-form map (tilted-dirac, ENH(T) and BCD, 100 mu x 100 q_s; and 100 Delta x
   100 q_s at one mu, vectorised over the parameters), warm.  Target < 1 s.  Beside it, the same
   map as 10^4 / 100 separate symenh.sigma calls, and a check that both agree bit for bit.

The machine's load average is printed beside each timing: on a shared machine other processes
take CPU time, and a speed-up cannot exceed the CPUs actually free.  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import symenh
from symenh.maps import make_spec
from symenh.maps.executors import default_workers, local_cluster
from symenh.maps.run import compute


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f}"


def _spin(n: int) -> float:
    """CPU work of a fixed size (pure Python), for measuring the CPUs actually free."""
    t = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i % 7
    return time.perf_counter() - t


def parallel_capacity(n: int = 3_000_000) -> float:
    """How many times more work 2 processes finish than 1 in the same time, right now (2.0 on two
    idle cores; less when other processes share them)."""
    from concurrent.futures import ProcessPoolExecutor

    one = _spin(n)
    with ProcessPoolExecutor(2) as pool:
        t = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        two = time.perf_counter() - t
    return 2 * one / two


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def quadrature(n: int) -> None:
    spec = make_spec("pt-dirac", "enh-pt", {"mu": f"60:300:{n}meV", "Delta": f"20:50:{n}meV"}, method="quadrature")
    print(f"1. quadrature map {n} x {n} (pt-dirac enh-pt, mu x Delta), {default_workers()} CPUs available  "
          "(target: speed-up >= 1.7 on 2 workers)")
    compute(make_spec("pt-dirac", "enh-pt", {"mu": "0.1eV"}, method="quadrature"))   # warm this process
    serial, t_serial = _timed(lambda: compute(spec, executor="serial"))
    print(f"   serial                         {t_serial:7.2f} s               ({_load()})")
    procs, t_procs = _timed(lambda: compute(spec, executor="processes", workers=2))
    print(f"   processes, 2 workers           {t_procs:7.2f} s  speed-up {t_serial / t_procs:4.2f}  ({_load()})")
    cluster, t_start = _timed(lambda: local_cluster(2))
    try:   # a first map warms the workers (imports, the quadrature's caches), as a running cluster is
        warm = make_spec("pt-dirac", "enh-pt", {"mu": "0.1eV", "Delta": "20,30,40,50meV"}, method="quadrature")
        _, t_warm = _timed(lambda: compute(warm, executor="dask", scheduler=cluster.scheduler_address))
        dask, t_dask = _timed(lambda: compute(spec, executor="dask", scheduler=cluster.scheduler_address))
    finally:
        cluster.close()
    print(f"   dask LocalCluster, 2 workers   {t_dask:7.2f} s  speed-up {t_serial / t_dask:4.2f}  ({_load()}; "
          f"cluster start-up {t_start:.1f} s and a first 4-point map {t_warm:.1f} s apart)")
    print(f"   CPUs free right now: 2 processes do {parallel_capacity():.2f} x the work of one (2.00 on idle cores)")
    same = all(np.array_equal(r.sigma, serial.sigma) and np.array_equal(r.error, serial.error)
               for r in (procs, dask))
    print(f"   identical numbers from the three executors: {same}")


def closed_form() -> None:
    print("2. closed-form maps of 10^4 points, warm  (target < 1 s)")
    cases = (("100 mu x 100 q_s, enh-t + bcd", ("enh-t", "bcd"),
              {"mu": "0.052:0.4:100eV", "q_s": symenh.maps.axis("q_s", "0.05:2:100/nm", log=True)}),
             ("100 Delta x 100 q_s, 1 mu, enh-t", ("enh-t",),
              {"Delta": "10:100:100meV", "q_s": symenh.maps.axis("q_s", "0.05:2:100/nm", log=True), "mu": "0.2eV"}))
    for label, mechs, axes in cases:
        spec = make_spec("tilted-dirac", mechs, axes)
        compute(spec)                               # warm (the closed forms are built once per process)
        res, t = _timed(lambda spec=spec: compute(spec))
        per_point = []

        def loop(spec=spec, per_point=per_point, mechs=mechs):
            for i in range(spec.n_points):
                p, mu = spec.point(i)
                per_point.append([symenh.sigma("tilted-dirac", m, mu, params=p).sigma for m in mechs])
        _, t_loop = _timed(loop)
        same = np.array_equal(res.sigma, np.array(per_point))
        n = spec.n_values * len(mechs)
        print(f"   {label:34s} {n:6d} values  {t:6.3f} s   (one symenh.sigma per point: {t_loop:6.2f} s, "
              f"{spec.n_points} calls; identical: {same})  ({_load()})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    print(f"symenh {symenh.__version__}: parameter-map benchmarks\n")
    quadrature(10 if args.quick else 20)
    print()
    closed_form()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
