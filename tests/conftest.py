"""Shared fixtures: a seeded random generator and samplers of random model parameters and k.

BLAS threads: one per process.  The suite runs as ``pytest -n 2`` on 2 cores; OpenBLAS's own
threads (one per core by default) then oversubscribe the machine and spin-wait in every small
``eigh`` of the grid paths (measured: the tilted-Dirac exact-tilt grid at T = 0 took 29 s CPU
with the default threads, 3.6 s with one).  Set before numpy is first imported, and inherited
by the subprocesses (CLI, notebooks, derivation scripts); a value the caller set is kept.

Order: the modules whose tests take longest (measured with ``--durations=0``) run first, so that
``pytest -n 2`` hands out the long tests while both workers are busy and ends on short ones (a
20-second test dispatched last idles the other core); the order within a module is kept, and it
changes no result.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import pytest

#: modules by falling total duration (2026-12-04, --durations=0); the rest keep their place after them
LONG_FIRST = ("test_lattice_thermal.py", "test_reproduce.py", "test_thermal_paths.py", "test_notebooks.py",
              "test_api_settings.py", "test_paths_settings.py", "test_user_extensions.py",
              "test_lattice_grid_exact.py", "test_cli_user_model.py", "test_cli_map.py", "test_exchange_grid.py",
              "test_cli_geometry.py", "test_grid.py", "test_user_inh_full.py", "test_user_topology.py",
              "test_lattice_grid_extensions.py", "test_grid_progress.py", "test_noneq.py", "test_cache_e2e.py",
              "test_figures_style.py", "test_honest_grid.py", "test_cutoff_blocks.py", "test_lattice.py")


def pytest_collection_modifyitems(session, config, items):
    """Long modules first (module docstring); a stable sort, the same on every xdist worker."""
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


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
