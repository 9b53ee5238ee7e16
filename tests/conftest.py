"""Shared fixtures: a seeded random generator and samplers of random model parameters and k.

BLAS threads: one per process.  The suite runs as ``pytest -n 2`` on 2 cores; OpenBLAS's own
threads (one per core by default) then oversubscribe the machine and spin-wait in every small
``eigh`` of the grid paths (measured: the tilted-Dirac exact-tilt grid at T = 0 took 29 s CPU
with the default threads, 3.6 s with one).  Set before numpy is first imported, and inherited
by the subprocesses (CLI, notebooks, derivation scripts); a value the caller set is kept.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A seeded generator (tests are reproducible)."""
    return np.random.default_rng(20240611)


def _random_values(rng) -> dict:
    """Random model parameters {Delta (eV, either sign), hbar_v_x, hbar_v_y, alpha (eV nm)}
    with v_x != v_y and |Delta| bounded away from 0 (so no band touching)."""
    return {"Delta": float(rng.choice([-1, 1]) * rng.uniform(0.005, 0.1)),
            "hbar_v_x": float(rng.uniform(0.1, 0.6)), "hbar_v_y": float(rng.uniform(0.1, 0.6)),
            "alpha": float(rng.uniform(-0.05, 0.05))}


def _random_k(rng, values: dict, n: int):
    """n random k-points (1/nm) on the scale |Delta| / hbar v, a few of them far out."""
    scale = abs(values["Delta"]) / min(values["hbar_v_x"], values["hbar_v_y"])
    r = scale * rng.uniform(0, 6, n) ** 1.5
    th = rng.uniform(0, 2 * np.pi, n)
    return r * np.cos(th), r * np.sin(th)


@pytest.fixture
def random_values():
    """random_values(rng) -> a random parameter set of the paper models (see _random_values)."""
    return _random_values


@pytest.fixture
def random_k():
    """random_k(rng, values, n) -> (kx, ky) arrays in 1/nm."""
    return _random_k


def _natural_scale(quantity: str, values: dict) -> float:
    """The size a geometric quantity takes near the band edge (units of symenh.units.GEOMETRY_UNITS):
    |Delta|, (hbar v/Delta)^2, hbar v^2/|Delta|^3, hbar v/Delta^2, 1.  Used as an absolute floor
    when comparing quantities that vanish identically (e.g. the traced Berry curvature of H_PT)."""
    d, hv = abs(values["Delta"]), max(values["hbar_v_x"], values["hbar_v_y"])
    return {"energy": d, "berry-curvature": (hv / d) ** 2, "quantum-metric": (hv / d) ** 2,
            "bcp": hv**2 / d**3, "sbp": hv / d**2, "spin": 1.0}[quantity]


@pytest.fixture
def natural_scale():
    """natural_scale(quantity, values) -> float (see _natural_scale)."""
    return _natural_scale
