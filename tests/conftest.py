"""Shared fixtures: a seeded random generator and samplers of random model parameters and k."""

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
