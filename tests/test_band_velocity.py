"""Band velocities of the direct path (Hellmann-Feynman, level-averaged) against the
k-gradient of the closed-form energies, for both paper models (Kramers pairs included)."""

import numpy as np
import pytest

from symenh.kernels import band_geometry, kernel_for
from symenh.models import pt_dirac, tilted_dirac
from symenh.params import PAPER


@pytest.mark.parametrize("model", [tilted_dirac(1), tilted_dirac(-1), pt_dirac()], ids=lambda m: m.name)
def test_velocity_is_the_gradient_of_the_closed_form_energy(model, rng):
    values = PAPER.replace(Delta_eV=-0.03, vx_m_per_s=3e5).symbol_values()
    kx, ky = rng.normal(scale=0.3, size=(2, 40))
    bg = band_geometry(model, kx, ky, values)
    kern = kernel_for(model)
    h = 1e-5
    for c, (dx, dy) in enumerate(((h, 0.0), (0.0, h))):
        grad = (kern.evaluate("energy", kx + dx, ky + dy, values)
                - kern.evaluate("energy", kx - dx, ky - dy, values)) / (2 * h)   # (k, L)
        deg = model.dim // 2
        np.testing.assert_allclose(bg.velocity[:, ::deg, c], grad, rtol=1e-7, atol=1e-9)
