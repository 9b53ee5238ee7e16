"""Gauge invariance, band sum rules, and H_PT as the sum of its two tau_y blocks."""

import numpy as np
import pytest
import sympy as sp

from symenh.geometry import QUANTITIES
from symenh.kernels import band_geometry, kernel_for
from symenh.kernels.hamiltonian import NumericHamiltonian, param_vector
from symenh.models import PAULI, pt_block, pt_dirac, tilted_dirac

TRACED = [q for q in QUANTITIES if q != "energy"]
SUMMED = ("sbp", "bcp", "berry-curvature")   # sum over all bands vanishes at every k


def random_unitary(rng, n, shape=()):
    """Haar-ish random U(n) matrices of the given batch shape (QR of a complex Gaussian)."""
    z = rng.normal(size=shape + (n, n)) + 1j * rng.normal(size=shape + (n, n))
    q, r = np.linalg.qr(z)
    d = np.diagonal(r, axis1=-2, axis2=-1)
    return q * (d / np.abs(d))[..., None, :]


def close(a, b, floor=0.0, rtol=1e-11):
    """|a - b| <= rtol (|b| + max(max |b|, floor)) elementwise."""
    scale = max(np.max(np.abs(b)), floor)
    return np.all(np.abs(a - b) <= rtol * (np.abs(b) + scale))


# ---------------------------------------------------------------- gauge invariance
@pytest.mark.parametrize("model", [tilted_dirac(1), tilted_dirac(-1), pt_dirac()], ids=lambda m: m.name)
def test_random_phases_leave_traced_quantities_unchanged(model, rng, random_values, random_k, natural_scale):
    values = random_values(rng)
    kx, ky = random_k(rng, values, 40)
    ref = band_geometry(model, kx, ky, values)

    def phases(U, eps):
        return U * np.exp(1j * rng.uniform(0, 2 * np.pi, size=eps.shape))[..., None, :]

    got = band_geometry(model, kx, ky, values, gauge=phases)
    for q in TRACED:
        assert close(got.quantity(q), ref.quantity(q), natural_scale(q, values)), q


def test_random_u2_inside_each_kramers_pair_of_h_pt(rng, random_values, random_k, natural_scale):
    model = pt_dirac()
    values = random_values(rng)
    kx, ky = random_k(rng, values, 40)
    ref = band_geometry(model, kx, ky, values)
    rot = np.zeros(kx.shape + (4, 4), complex)
    rot[..., :2, :2] = random_unitary(rng, 2, kx.shape)     # valence Kramers pair
    rot[..., 2:, 2:] = random_unitary(rng, 2, kx.shape)     # conduction Kramers pair
    got = band_geometry(model, kx, ky, values, gauge=lambda U, eps: U @ rot)
    for q in TRACED:
        assert close(got.quantity(q), ref.quantity(q), natural_scale(q, values)), q
    # the rotation is not trivial: a single band's spin <n|s^3|n> (not gauge invariant) changes
    ham = NumericHamiltonian.build(model)
    p = param_vector(model, values)
    _, U = np.linalg.eigh(ham.H(kx, ky, p))
    s3 = ham.spin()[3]
    one_band = lambda V: np.real(np.einsum("...i,ij,...j->...", V[..., :, 0].conj(), s3, V[..., :, 0]))
    assert np.max(np.abs(one_band(U) - one_band(U @ rot))) > 1e-2


# ---------------------------------------------------------------- sum rules
@pytest.mark.parametrize("model", [tilted_dirac(1), tilted_dirac(-1), pt_dirac()], ids=lambda m: m.name)
def test_band_sum_rules_and_trivial_s0(model, rng, random_values, random_k, natural_scale):
    values = random_values(rng)
    kx, ky = random_k(rng, values, 60)
    bg = band_geometry(model, kx, ky, values)
    kern = kernel_for(model)
    for q in SUMMED:
        per_band = bg.quantity(q)                     # each band holds its level's trace
        deg = bg.degeneracy.reshape(bg.degeneracy.shape + (1,) * (per_band.ndim - 2))
        total = np.sum(per_band / deg, axis=1)        # sum over levels = sum over all bands
        scale = max(np.max(np.abs(per_band)), natural_scale(q, values))
        assert np.max(np.abs(per_band)) > 1e-6 * scale or (q == "berry-curvature" and model.dim == 4)
        assert np.max(np.abs(total)) <= 1e-11 * scale, f"direct: sum over bands of {q}"
        closed = kern.evaluate(q, kx, ky, values).sum(axis=1)
        assert np.max(np.abs(closed)) <= 1e-11 * scale, f"closed form: sum over bands of {q}"
    # s^0 = 1 has no interband elements: S^{0a} = 0 (to rounding in the direct path, exactly in closed form)
    s_scale = max(np.max(np.abs(bg.sbp)), natural_scale("sbp", values))
    assert np.max(np.abs(bg.sbp[..., 0, :])) <= 1e-12 * s_scale
    assert np.all(kern.evaluate("sbp", kx, ky, values)[..., 0, :] == 0)


# ---------------------------------------------------------------- H_PT = block(+) + block(-)
def test_tau_y_eigenbasis_splits_h_pt_into_blocks_with_pauli_spin(rng, random_values):
    """In the tau_y eigenbasis H_PT = diag(+d.s, -d.s) + alpha k_y, and the spin operators
    tau_0 (x) s^eta become diag(s^eta, s^eta): both blocks carry the plain Pauli spin,
    which is what pt_block(+1/-1) use."""
    ty = np.array(PAULI[2].evalf(), dtype=complex)
    w, V = np.linalg.eigh(ty)                         # eigenvalues -1, +1
    W = np.kron(V[:, ::-1], np.eye(2))                # +1 block first
    values = random_values(rng)
    kx, ky = 0.11, -0.23
    H = NumericHamiltonian.build(pt_dirac())
    Hp = NumericHamiltonian.build(pt_block(1))
    Hm = NumericHamiltonian.build(pt_block(-1))
    p = param_vector(pt_dirac(), values)
    h = W.conj().T @ H.H(kx, ky, p) @ W
    assert np.allclose(h[:2, :2], Hp.H(kx, ky, p), atol=1e-14)
    assert np.allclose(h[2:, 2:], Hm.H(kx, ky, p), atol=1e-14)
    assert np.allclose(h[:2, 2:], 0, atol=1e-14)
    for eta in range(4):
        s = W.conj().T @ H.spin()[eta] @ W
        assert np.allclose(s[:2, :2], Hp.spin()[eta]) and np.allclose(s[2:, 2:], Hm.spin()[eta])
        assert np.allclose(s[:2, 2:], 0)


@pytest.mark.parametrize("path", ["closed-form", "direct"])
def test_h_pt_traced_quantities_are_sums_of_the_two_blocks(path, rng, random_values, random_k, natural_scale):
    values = random_values(rng)
    kx, ky = random_k(rng, values, 50)
    models = (pt_dirac(), pt_block(1), pt_block(-1))
    if path == "closed-form":
        get = {m.name: (lambda q, m=m: kernel_for(m).evaluate(q, kx, ky, values)) for m in models}
    else:
        geos = {m.name: band_geometry(m, kx, ky, values) for m in models}
        first = {"pt-dirac": [0, 2], "pt-block[+1]": [0, 1], "pt-block[-1]": [0, 1]}
        get = {m.name: (lambda q, m=m: geos[m.name].quantity(q)[:, first[m.name]]) for m in models}
    assert close(get["pt-block[+1]"]("energy"), get["pt-block[-1]"]("energy"))
    assert close(get["pt-dirac"]("energy"), get["pt-block[+1]"]("energy"))
    for q in TRACED:
        whole, plus, minus = get["pt-dirac"](q), get["pt-block[+1]"](q), get["pt-block[-1]"](q)
        floor = np.max(np.abs(plus)) + np.max(np.abs(minus)) + natural_scale(q, values)
        assert np.all(np.abs(whole - (plus + minus)) <= 1e-11 * (np.abs(whole) + floor)), q
    # the blocks are not copies of each other: their Berry curvatures are opposite and non-zero
    om_p, om_m = get["pt-block[+1]"]("berry-curvature"), get["pt-block[-1]"]("berry-curvature")
    assert np.max(np.abs(om_p)) > 0 and close(om_m, -om_p)


def test_block_model_matrices():
    """pt_block(sign) is sign * d.s + alpha k_y with d = (hbar v_x k_x, hbar v_y k_y, Delta)."""
    from symenh.models import ALPHA, DELTA, HVX, HVY, KX, KY

    for g in (1, -1):
        expect = g * (HVX * KX * PAULI[1] + HVY * KY * PAULI[2] + DELTA * PAULI[3]) + ALPHA * KY * PAULI[0]
        assert sp.simplify(pt_block(g).matrix() - expect) == sp.zeros(2, 2)
