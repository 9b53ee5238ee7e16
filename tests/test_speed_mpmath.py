"""The 30-digit mpmath path after the speed work: its accuracy, and its cached points.

Expected values: the README closed form of sigma_ENH(PT)^yxx (derived by SymPy, not by
mpmath quadrature) evaluated in mpmath at 60 digits; and, for the cache, the same
computation done fresh with the cache off.
"""

import mpmath as mp
import pytest

from symenh.integrate.mp import mp_constants
from symenh.params import PAPER
from symenh.responses import mpmath_path as mpr
from symenh.responses.spec import ResponseError

ANISO = PAPER.replace(vx_m_per_s=5e5, vy_m_per_s=3e5, Delta_eV=-0.04)


def _enh_pt_yxx_exact(mu_eV, p):
    """-V0 alpha (mu^2 - Delta^2)(mu^2 + 2 Delta^2) / (8 pi^2 (hbar v_y)^2 mu^5), A m/V^2, both branches."""
    with mp.workdps(60):
        c = mp_constants(p)
        m, d = mp.mpf(mu_eV), c["Delta"]
        return -c["V0"] * c["alpha"] * (m**2 - d**2) * (m**2 + 2 * d**2) / (8 * mp.pi**2 * c["hvy"]**2 * m**5) \
            * c["si"]


@pytest.mark.parametrize("mu_over_delta", [1.0001, 3.0, 1e4, -1e3])
def test_enh_pt_fermi_sea_keeps_30_digits_up_to_1e4_delta(mu_over_delta):
    """The Fermi-sea factor (the radial tail mapped to u = b/p): 30 digits at every mu.

    The previous mapping (mpmath's own, scale 1 eV) kept only ~20 digits at 1e4 |Delta|
    (relative error 2.5e-20 there), which this test refuses."""
    for p in (PAPER, ANISO):
        mu = mu_over_delta * abs(p.Delta_eV)
        got = mpr.sigma_linear_mp("pt-dirac", "enh-pt", mu, p, dps=30)[1][0][0]
        exact = _enh_pt_yxx_exact(mu, p)
        with mp.workdps(60):
            assert abs((got - exact) / exact) < 1e-28


def test_cached_points_equal_fresh_ones(tmp_path, monkeypatch):
    mus = [10 * PAPER.Delta_eV, 1e3 * PAPER.Delta_eV]
    monkeypatch.setenv("SYMENH_CACHE", "off")
    fresh = [mpr.sigma_linear_mp("pt-dirac", "enh-pt", m, PAPER, dps=30)[1][0][0] for m in mus]
    monkeypatch.setenv("SYMENH_CACHE", str(tmp_path))
    first = mpr.sigma_points_mp("pt-dirac", "enh-pt", "yxx", mus, PAPER, dps=30)   # computes and writes
    assert any(tmp_path.iterdir())
    calls = []
    monkeypatch.setattr(mpr, "sigma_linear_mp", lambda *a, **k: calls.append(a) or pytest.fail("recomputed"))
    second = mpr.sigma_points_mp("pt-dirac", "enh-pt", "yxx", mus, PAPER, dps=30)  # reads back
    assert not calls
    with mp.workdps(30):
        for f, a, b in zip(fresh, first, second):
            assert a == b
            assert abs(a - f) <= abs(f) * mp.mpf(10) ** -29  # rounded to 30 digits
    # other inputs are other entries: a different convention flips the sign
    monkeypatch.undo()
    monkeypatch.setenv("SYMENH_CACHE", str(tmp_path))
    printed = mpr.sigma_points_mp("pt-dirac", "enh-pt", "yxx", mus, PAPER, convention="printed", dps=30)
    assert all(x + y == 0 for x, y in zip(printed, first))


@pytest.mark.parametrize("kw,match", [({"element": "yx"}, "^element:"), ({"dps": 3}, "^dps:"),
                                      ({"dps": True}, "^dps:"), ({"model_name": "graphene"}, "^model:")])
def test_points_refuse_bad_arguments(kw, match):
    args = {"model_name": "pt-dirac", "mechanism": "inh", "element": "yxx", "mu_eV": [0.5], "params": PAPER}
    args.update(kw)
    with pytest.raises(ResponseError, match=match):
        mpr.sigma_points_mp(**args)
