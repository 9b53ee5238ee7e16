"""Closed-form (projector, SymPy -> lambdify) geometry against direct diagonalisation.

Tolerance, per element: |closed - direct| <= 1e-10 * max(|direct|, floor), relative, with
the floor the natural scale of the quantity for that parameter set (its size near the
band edge, built from |Delta| and hbar v; conftest ``natural_scale``) times 1e-4, so
that values far out in k, orders of magnitude below the k = 0 scale, are still checked
relatively, while components that vanish identically (the traced Berry curvature of
H_PT) are compared on the floor.  240 k-points per model, over
8 random parameter sets with both signs of Delta and v_x != v_y.
"""

import numpy as np
import pytest
import sympy as sp

from symenh.geometry import QUANTITIES, derive_geometry, interband_elements
from symenh.kernels import band_geometry, kernel_for
from symenh.kernels.levels import geometry_levels
from symenh.models import pt_block, pt_dirac, tilted_dirac
from symenh.params import PAPER

MODELS = {"H_T xi=+1": lambda: tilted_dirac(1), "H_T xi=-1": lambda: tilted_dirac(-1),
          "H_PT": pt_dirac, "PT block +": lambda: pt_block(1), "PT block -": lambda: pt_block(-1)}
RTOL = 1e-10


FLOOR = 1e-4  # fraction of the natural scale below which an element counts as zero


def assert_close(a, b, what, floor=0.0):
    """Per-element relative comparison with an absolute floor (the quantity's natural scale)."""
    ref = np.maximum(np.abs(b), floor)
    bad = np.abs(a - b) > RTOL * ref
    rel = np.max(np.abs(a - b) / ref)
    assert not bad.any(), f"{what}: {bad.sum()} elements differ; max relative deviation {rel:.3e}"


def sample(rng, random_values, random_k, n_sets=8, n_k=30):
    """(values, kx, ky) for n_sets random parameter sets; the first has Delta < 0, the second Delta > 0."""
    out = []
    for i in range(n_sets):
        v = random_values(rng)
        if i < 2:
            v["Delta"] = (-1) ** (i + 1) * abs(v["Delta"])
        kx, ky = random_k(rng, v, n_k)
        out.append((v, kx, ky))
    return out


@pytest.mark.parametrize("name", list(MODELS))
def test_closed_form_equals_direct_diagonalisation(name, rng, random_values, random_k, natural_scale):
    model = MODELS[name]()
    kernel = kernel_for(model)
    runs = sample(rng, random_values, random_k)
    assert sum(len(kx) for _, kx, _ in runs) >= 200
    assert {np.sign(v["Delta"]) for v, _, _ in runs} == {-1.0, 1.0}
    for values, kx, ky in runs:
        bg = band_geometry(model, kx, ky, values)
        degs = kernel.geometry.degeneracy
        first = np.cumsum((0,) + degs[:-1])            # first band of each level
        assert np.all(bg.level[:, first] == np.arange(len(degs)))
        assert np.all(bg.degeneracy[:, first] == np.array(degs))
        for q in QUANTITIES:
            assert_close(kernel.evaluate(q, kx, ky, values), bg.quantity(q)[:, first], f"{name} {q} at {values}",
                         FLOOR * natural_scale(q, values))


def test_energies_are_the_dirac_dispersion(rng, random_values, random_k):
    """Independent of both paths: eps = alpha tau(k) -+ sqrt(Delta^2 + (hbar v_x k_x)^2 + (hbar v_y k_y)^2)."""
    for xi in (1, -1):
        v = random_values(rng)
        kx, ky = random_k(rng, v, 50)
        e = np.sqrt(v["Delta"] ** 2 + (v["hbar_v_x"] * kx) ** 2 + (v["hbar_v_y"] * ky) ** 2)
        t = xi * v["alpha"] * ky
        got = kernel_for(tilted_dirac(xi)).evaluate("energy", kx, ky, v)
        assert_close(got, np.stack([t - e, t + e], -1), f"H_T xi={xi} energy")


def test_geometry_levels_closed_form_equals_direct(rng, natural_scale):
    """The public per-level function gives the same numbers by both of its paths."""
    for model, valley in (("tilted-dirac", 1), ("tilted-dirac", -1), ("pt-dirac", None)):
        for _ in range(3):
            k = tuple(rng.normal(0, 0.3, 2))
            for q in QUANTITIES:
                a = geometry_levels(model, q, k, valley=valley)
                b = geometry_levels(model, q, k, valley=valley, method="direct")
                assert [lv["degeneracy"] for lv in a["levels"]] == [lv["degeneracy"] for lv in b["levels"]]
                assert_close(np.array([lv["value"] for lv in a["levels"]]),
                             np.array([lv["value"] for lv in b["levels"]]), f"{model} {q} at {k}",
                             FLOOR * natural_scale(q, {"Delta": PAPER.Delta_eV, "hbar_v_x": PAPER.hbar_vx,
                                               "hbar_v_y": PAPER.hbar_vy}))


def test_band_touching_falls_back_to_merged_level():
    """At Delta = 0, k = 0 the two levels touch: one merged level, traced values finite."""
    params = PAPER.replace(Delta_eV=0.0)
    for model, valley, deg in (("tilted-dirac", 1, 2), ("pt-dirac", None, 4)):
        for q in QUANTITIES:
            out = geometry_levels(model, q, (0.0, 0.0), valley=valley, params=params)
            assert [lv["degeneracy"] for lv in out["levels"]] == [deg]
            assert np.all(np.isfinite(out["levels"][0]["value"]))


def test_sbp_projector_form_equals_sum_over_states_symbolically():
    """SymPy: the projector-traced S of derive_geometry equals the sum over states
    S^{eta a}_n = 2 Re sum_m s^eta_nm r^a_mn / eps_nm (paper Eq. 5) built from the
    eigenvector-based interband elements, for both valleys of H_T."""
    for xi in (1, -1):
        model = tilted_dirac(xi)
        geo = derive_geometry(model)
        el = interband_elements(model)
        eps = el["energies"]
        for n in range(2):
            m = 1 - n
            for eta in range(4):
                for a in range(2):
                    sos = 2 * sp.re(sp.expand(el["s"][eta][n][m] * el["r"][a][m][n])) / (eps[n] - eps[m])
                    diff = sp.simplify(sos - geo.sbp[n][eta][a])
                    assert diff == 0, f"xi={xi} S^{eta}{'xy'[a]}_{n}: projector minus sum over states = {diff}"


@pytest.mark.parametrize("model", [tilted_dirac(1), pt_dirac()], ids=lambda m: m.name)
def test_symbolic_eigenvectors_are_orthonormal_eigenvectors(model, rng, random_values):
    """The closed-form eigenvectors (symenh.geometry.eigenvectors) at random numeric points:
    H u = eps u and U^+ U = 1, against numpy's H."""
    from symenh.geometry import eigenvectors
    from symenh.kernels import NumericHamiltonian
    from symenh.kernels.hamiltonian import param_vector

    levels = eigenvectors(model)
    symbols = (*model.k, *model.params)
    f_vec = sp.lambdify(symbols, [list(u) for _, vecs in levels for u in vecs], "numpy")
    f_eps = sp.lambdify(symbols, [e for e, vecs in levels for _ in vecs], "numpy")
    ham = NumericHamiltonian.build(model)
    for _ in range(5):
        values = random_values(rng)
        p = param_vector(model, values)
        kx, ky = rng.normal(0, 0.3, 2)
        U = np.array(f_vec(kx, ky, *p), dtype=complex).T        # columns = eigenvectors
        eps = np.array(f_eps(kx, ky, *p), dtype=float)
        H = ham.H(kx, ky, p)
        assert np.allclose(H @ U, U * eps, atol=1e-12 * np.max(np.abs(H)))
        assert np.allclose(U.conj().T @ U, np.eye(model.dim), atol=1e-12)
