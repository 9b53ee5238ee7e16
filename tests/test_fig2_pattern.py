"""Fig. 2 of the paper on the numbers: the SBP pattern of H_PT, and the figure files.

S^{1x} = S^{2y} = 0; S^{2x}, S^{1y} even under k -> -k (monopolar); S^{3x}, S^{3y} odd
(dipolar).  Checked on both the closed-form kernel and direct diagonalisation, for both
levels, at the paper's parameters and at a random anisotropic set with negative Delta.
"""

import numpy as np
import pytest

from symenh.kernels import band_geometry, kernel_for
from symenh.models import pt_dirac
from symenh.params import PAPER

EVEN = ((2, 0), (1, 1))    # (eta, a): S^{2x}, S^{1y}
ODD = ((3, 0), (3, 1))     # S^{3x}, S^{3y}
ZERO = ((1, 0), (2, 1))    # S^{1x}, S^{2y}


def sbp_both_paths(values, kx, ky):
    model = pt_dirac()
    closed = kernel_for(model).evaluate("sbp", kx, ky, values)              # (*k, level, eta, a)
    direct = band_geometry(model, kx, ky, values).sbp[:, [0, 2]]           # first band of each level
    return {"closed-form": closed, "direct": direct}


@pytest.mark.parametrize("which", ["paper", "random"])
def test_sbp_pattern_of_h_pt(which, rng, random_values, random_k):
    values = PAPER.symbol_values() if which == "paper" else {**random_values(rng), "Delta": -0.037}
    vals = {getattr(k, "name", k): v for k, v in values.items()}
    kx, ky = random_k(rng, vals, 80)
    plus = sbp_both_paths(values, kx, ky)
    minus = sbp_both_paths(values, -kx, -ky)
    for path in plus:
        s, m = plus[path], minus[path]
        scale = np.max(np.abs(s))
        tol = 1e-12 * scale
        for eta, a in ZERO:
            assert np.max(np.abs(s[..., eta, a])) <= tol, f"{path}: S^{eta}{'xy'[a]} should vanish"
        for eta, a in EVEN:
            assert np.max(np.abs(s[..., eta, a] - m[..., eta, a])) <= tol, f"{path}: S^{eta}{'xy'[a]} even"
            assert np.max(np.abs(s[..., eta, a])) > 1e-3 * scale
        for eta, a in ODD:
            assert np.max(np.abs(s[..., eta, a] + m[..., eta, a])) <= tol, f"{path}: S^{eta}{'xy'[a]} odd"
            assert np.max(np.abs(s[..., eta, a])) > 1e-3 * scale


def test_monopolar_components_keep_one_sign_and_peak_at_k0():
    """Monopolar: S^{2x} and S^{1y} of one level have a single sign over the k plane and
    their largest magnitude at k = 0; the dipolar ones vanish at k = 0."""
    values = PAPER.symbol_values()
    k = np.linspace(-0.6, 0.6, 61)
    KX, KY = np.meshgrid(k, k)
    s = kernel_for(pt_dirac()).evaluate("sbp", KX, KY, values)[..., 1, :, :]   # conduction level
    centre = (30, 30)
    for eta, a in EVEN:
        z = s[..., eta, a]
        assert np.all(np.sign(z) == np.sign(z[centre]))
        assert np.abs(z[centre]) == np.max(np.abs(z))
    for eta, a in ODD:
        assert abs(s[centre][eta, a]) == 0.0


def test_fig2_writes_png_and_pdf(tmp_path):
    from symenh.figures import fig2

    messages = []
    paths = fig2.make(tmp_path, PAPER, messages.append)
    assert sorted(p.name for p in paths) == ["fig2.pdf", "fig2.png"]
    for p in paths:
        assert p.exists() and p.stat().st_size > 10_000
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    assert messages


def test_fig2_maps_are_the_conduction_level_and_window_scales_with_delta():
    from symenh.figures.fig2 import K_WINDOW, sbp_maps

    kx, ky, S = sbp_maps(PAPER, n=21)
    assert np.isclose(kx[-1], K_WINDOW * PAPER.Delta_eV / PAPER.hbar_vx)
    # independent: the conduction level of the two 2x2 tau_y blocks at k = 0, by direct diagonalisation
    from symenh.kernels import band_geometry
    from symenh.models import pt_block
    blocks = sum(band_geometry(pt_block(g), 0.0, 0.0, PAPER.symbol_values()).sbp[1] for g in (1, -1))
    assert np.allclose(S[10, 10], blocks, rtol=1e-12, atol=0)
