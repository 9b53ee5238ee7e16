"""Berry curvature against a gauge-invariant finite-difference computation.

Fukui-Hatsugai-Suzuki link variables on a small square plaquette of side h centred
at k: U_{ij} = det(V_i^+ V_j) with V_i the (N x d) eigenvectors of the level at corner
i (numpy eigh, any gauge; the determinant makes the degenerate case non-Abelian),
and Omega(k) ~ -arg(U_01 U_12 U_23 U_30) / h^2 for the counter-clockwise loop (the
phase of <u(k)|u(k+dk)> is -A.dk with A = i<u|grad u>, so the loop phase is
-int Omega d^2k).  The plaquette is centred, so the error is O(h^2).
"""

import numpy as np
import pytest

from symenh.kernels import band_geometry
from symenh.kernels.hamiltonian import NumericHamiltonian, param_vector
from symenh.models import pt_block, pt_dirac, tilted_dirac

RTOL = 1e-5


def fhs_curvature(hamiltonian, kx, ky, h, level_bands):
    """Berry flux / area through plaquettes of side h (1/nm) centred at (kx, ky), in nm^2.

    ``hamiltonian(kx, ky)`` -> (*k, N, N); ``level_bands`` a slice of the ascending bands."""
    corners = ((-1, -1), (1, -1), (1, 1), (-1, 1))
    vecs = [np.linalg.eigh(hamiltonian(kx + sx * h / 2, ky + sy * h / 2))[1][..., :, level_bands]
            for sx, sy in corners]
    prod = np.ones(np.shape(kx), complex)
    for i in range(4):
        a, b = vecs[i], vecs[(i + 1) % 4]
        prod = prod * np.linalg.det(np.conj(np.swapaxes(a, -1, -2)) @ b)
    return -np.angle(prod) / h**2


def sample(rng, random_values, random_k, n=12):
    values = random_values(rng)
    kx, ky = random_k(rng, values, n)
    h = 1e-3 * abs(values["Delta"]) / max(values["hbar_v_x"], values["hbar_v_y"])
    return values, kx, ky, h


@pytest.mark.parametrize("model", [tilted_dirac(1), tilted_dirac(-1), pt_block(1), pt_block(-1)],
                         ids=lambda m: m.name)
def test_two_band_berry_curvature_matches_plaquettes(model, rng, random_values, random_k, natural_scale):
    values, kx, ky, h = sample(rng, random_values, random_k)
    ham = NumericHamiltonian.build(model)
    p = param_vector(model, values)
    bg = band_geometry(model, kx, ky, values)
    floor = natural_scale("berry-curvature", values)
    for band in (0, 1):
        fd = fhs_curvature(lambda x, y: ham.H(x, y, p), kx, ky, h, slice(band, band + 1))
        exact = bg.berry_curvature[:, band]
        assert np.max(np.abs(exact)) > 1e-3 * floor
        assert np.all(np.abs(fd - exact) <= RTOL * (np.abs(exact) + floor)), (band, fd, exact)


def test_degenerate_levels_non_abelian_plaquettes(rng, random_values, random_k, natural_scale):
    """A doubly degenerate model with non-zero traced curvature: tau_0 (x) (d.s), scrambled by a
    constant random 4x4 unitary (so numpy's eigenvectors mix the copies arbitrarily).  Its
    level-traced Omega is twice that of the +d.s block; H_PT's traced Omega vanishes (the blocks
    +d.s and -d.s carry opposite curvature)."""
    values, kx, ky, h = sample(rng, random_values, random_k)
    floor = natural_scale("berry-curvature", values)
    block = NumericHamiltonian.build(pt_block(1))
    p = param_vector(pt_block(1), values)
    z = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    W, _ = np.linalg.qr(z)

    def doubled(x, y):
        return W @ np.kron(np.eye(2), block.H(x, y, p)) @ W.conj().T

    om_block = band_geometry(pt_block(1), kx, ky, values).berry_curvature    # (*k, 2)
    for level, bands in ((0, slice(0, 2)), (1, slice(2, 4))):
        fd = fhs_curvature(doubled, kx, ky, h, bands)
        expect = 2 * om_block[:, level]
        assert np.all(np.abs(fd - expect) <= RTOL * (np.abs(expect) + floor))

    pt = NumericHamiltonian.build(pt_dirac())
    ppt = param_vector(pt_dirac(), values)
    traced = band_geometry(pt_dirac(), kx, ky, values).berry_curvature
    for level, bands in ((0, slice(0, 2)), (1, slice(2, 4))):
        fd = fhs_curvature(lambda x, y: pt.H(x, y, ppt), kx, ky, h, bands)
        assert np.all(np.abs(fd) <= RTOL * floor)
        assert np.all(np.abs(traced[:, 2 * level]) <= 1e-12 * floor)
