"""T > 0 on the quadrature path for lattice models (responses/lattice_quadrature.py): the T = 0 zone factors
convolved with the Fermi window.

Independent references: the existing T = 0 lattice quadrature with the Sommerfeld expansion
(sigma_T - sigma_0 = (pi^2/6) (kT)^2 d^2 sigma_0/d mu^2 + O(T^4) for the linear BCD, the second derivative
by central differences of T = 0 values); the lattice grid path at the same temperature (Fermi-Dirac
occupations summed over a zone grid: no contours, no energy convolution); for the band-edge pockets, the
zone mesh where it still resolves them.
"""

from dataclasses import replace

import numpy as np
import pytest

import symenh
from symenh.errors import ParameterError, SymenhError
from symenh.integrate.cells import find_contours
from symenh.integrate.edge_pockets import EdgeFinder
from symenh.integrate.user_fermi import UserComponent, surface_factors
from symenh.models.examples import lattice_tilted_dirac
from symenh.responses import lattice_grid, lattice_quadrature
from symenh.responses.job import contact_job
from symenh.responses.thermal import make_job
from symenh.units import KB_EV_PER_K, sigma_to_si

VALS = {"Delta": 0.05, "hbar_v_x": 0.3, "hbar_v_y": 0.3, "B": 0.3, "alpha": 0.03}
MECHS = ("bcd", "inh", "inh-full", "enh-t", "enh-pt")
#: the grid's step: its estimate stays ~1e-8 of the value at 20 K (the default 0.5 is 3x the cost)
GRID = {"spacing_over_kT": 1.0}


@pytest.fixture(scope="module")
def model():
    return lattice_tilted_dirac(0.5, 1)


def _quad(model, mech, mu, T, **opt):
    return symenh.sigma(model, mech, mu, method="quadrature", model_values=VALS, params=symenh.Parameters(T_K=T),
                        **opt)


def _all_mechanisms(model, mu, T, rtol):
    """{mechanism: (SI sigma, SI error)} of the lattice quadrature, one factor pass for all five."""
    job = contact_job(make_job(model, "bcd", mu, model_values=VALS, rtol=rtol))
    res = lattice_quadrature.compute_mechanisms(replace(job, T_K=T), MECHS)
    return {m: (sigma_to_si(r[0]), sigma_to_si(r[1])) for m, r in res.items()}


def test_small_temperature_follows_the_sommerfeld_expansion(model):
    """BCD at mu = 0.1 eV (50 meV above the band bottom): at 5 K and 10 K sigma_T - sigma_0 is the Sommerfeld
    term (pi^2/6) (kT)^2 sigma_0'' to 1 % (the T^4 term is ~1e-3 of it), and at 1 mK sigma_T is the T = 0 number
    within the two estimates."""
    h = 2e-3
    s0 = symenh.sigma(model, "bcd", [0.1 - h, 0.1, 0.1 + h], method="quadrature", model_values=VALS, rtol=1e-6)
    j = int(np.argmax(np.abs(s0.sigma[1])))
    f = s0.sigma.reshape(3, -1)[:, j]
    curv = (f[0] - 2 * f[1] + f[2]) / h**2
    for T in (5.0, 10.0):
        r = _quad(model, "bcd", [0.1], T, rtol=1e-6)
        kT = KB_EV_PER_K * T
        sommerfeld = np.pi**2 / 6 * kT**2 * curv
        assert abs(sommerfeld) > 1e3 * (r.error_estimate[0] + s0.error_estimate[1])     # the term is resolved
        assert r.sigma.ravel()[j] - f[1] == pytest.approx(sommerfeld, rel=0.01)
    cold = _quad(model, "bcd", [0.1], 1e-3, rtol=1e-6)
    assert float(np.max(np.abs(cold.sigma - s0.sigma[1]))) <= cold.error_estimate[0] + s0.error_estimate[1]


@pytest.mark.parametrize("where", ("band", "gap"))
def test_agrees_with_the_grid_at_20_K(model, where):
    """Every mechanism at 20 K (kT = 1.7 meV): mu = 0.1 eV inside the conduction band, and mu = 0.045 eV in the gap,
    2.9 kT below the band bottom (Delta = 0.05 eV; thermally activated electrons in pockets far smaller than the zone
    mesh: the band-edge pockets), within the two paths' estimates."""
    mu = {"band": 0.1, "gap": 0.045}[where]
    assert lattice_grid.regime(model, VALS, mu) == where
    q = _all_mechanisms(model, [mu], 20.0, 1e-4)
    for mech in MECHS:
        g = symenh.sigma(model, mech, [mu], method="grid", model_values=VALS, params=symenh.Parameters(T_K=20.0),
                         **GRID)
        big = float(np.max(np.abs(g.sigma)))
        assert big > 0
        assert float(np.max(np.abs(q[mech][0] - g.sigma))) <= q[mech][1][0] + g.error_estimate[0], mech
        assert q[mech][1][0] < 1e-4 * big, mech


def test_below_every_band_the_thermal_electrons_agree_with_the_grid(model):
    """mu 50 meV below the bottom of the lowest lattice band (-9.65 eV, at the zone corner) at 300 K: no Fermi
    surface at T = 0 (nothing filled), thermal electrons in a pocket at the zone corner; ENH(PT) takes the Fermi sea
    there too (B0 = 0 below every band).  (Above every band the same holds by particle-hole symmetry, but the grid's
    Fermi box there is the whole zone: 3x the cost.)"""
    mu = -9.65 - 0.05
    assert lattice_grid.regime(model, VALS, mu) == "below"
    q = _quad(model, "enh-pt", [mu], 300.0, rtol=1e-4)
    g = symenh.sigma(model, "enh-pt", [mu], method="grid", model_values=VALS, params=symenh.Parameters(T_K=300.0),
                     **GRID)
    big = float(np.max(np.abs(g.sigma)))
    assert big > 0 and q.meta["zero_reason"] == [None] and q.meta["lattice_regime"] == ["below"]
    assert float(np.max(np.abs(q.sigma - g.sigma))) <= q.error_estimate[0] + g.error_estimate[0]


def test_far_from_every_band_the_zero_says_why(model):
    """mu = 0 at 1 K lies 580 kT from both bands: beyond the window's cut (80 kT), exactly zero, with the reason."""
    r = _quad(model, "enh-pt", [0.0], 1.0)
    assert np.all(r.sigma == 0) and r.meta["zero_reason"] == [lattice_quadrature.FAR_REASON]


@pytest.mark.parametrize("E, level", [(0.06, 1), (-0.06, 0), (9.64, 1)])
def test_band_edge_pockets_match_the_zone_mesh(model, E, level):
    """Where the zone mesh still resolves the small pocket at a band bottom (0.06 eV), top of the valence band
    (-0.06 eV) or top of the lattice band (9.64 eV, a hole pocket at the zone corner), the box-found pocket gives the
    same Fermi-line factors."""
    comp = UserComponent.build(model, VALS)
    pockets = EdgeFinder(comp).pockets(level, E, 64)
    assert pockets is not None and len(pockets) == 1
    zone = find_contours(comp.level_fn(level, E), lattice=model.lattice, n0=64)
    a = surface_factors(comp, level, pockets, ["A"], ["D", "A"], 1e-10)
    b = surface_factors(comp, level, zone, ["A"], ["D", "A"], 1e-10)
    for kind in (0, 1):
        for name, v in a[kind].items():
            scale = max(float(np.max(np.abs(v))), float(np.max(np.abs(b[kind][name]))))
            assert np.max(np.abs(v - b[kind][name])) <= 1e-9 * scale + a[kind + 2][name] + b[kind + 2][name]


@pytest.mark.parametrize("T", (-1.0, float("nan"), float("inf")))
def test_bad_temperature_one_line(model, T):
    with pytest.raises(ParameterError) as exc:
        _quad(model, "bcd", [0.1], T)
    assert "T_K" in str(exc.value) and "\n" not in str(exc.value)
    job = replace(contact_job(make_job(model, "bcd", [0.1], model_values=VALS)), T_K=T)
    with pytest.raises(SymenhError) as exc:
        lattice_quadrature.compute(job)
    assert "T_K" in str(exc.value) and "\n" not in str(exc.value)


# ---------------------------------------------------------------------------------------------
# the exact finite tilt (order="exact") on the zone contours
# ---------------------------------------------------------------------------------------------

def _base_tilted(a_nm=0.5):
    """lattice_tilted_dirac(a) with a fixed base tilt beta (a plain parameter) and the tilt symbol alpha on the same
    sin(k_y a)/a: the linear-order response of this model at base beta is d sigma/d alpha of the original at alpha =
    beta."""
    import sympy as sp

    from symenh import from_matrix
    from symenh.models.examples import B as BM
    from symenh.models.symbols import ALPHA, DELTA, HVX, HVY, KX, KY, PAULI
    S0, S1, S2, S3 = PAULI
    beta = sp.Symbol("beta", real=True)
    a = sp.Rational(a_nm).limit_denominator(1000)
    mass = DELTA + 2 * BM / a**2 * (2 - sp.cos(KX * a) - sp.cos(KY * a))
    H = (HVX / a * sp.sin(KX * a) * S2 - HVY / a * sp.sin(KY * a) * S1 + mass * S3
         + (beta + ALPHA) / a * sp.sin(KY * a) * S0)
    return from_matrix(H, kx=KX, ky=KY, params=(DELTA, HVX, HVY, BM, beta, ALPHA), tilt_symbol=ALPHA,
                       name="lattice-tilted-dirac-base-beta", lattice_vectors=((a_nm, 0.0), (0.0, a_nm)))


def _mechanisms(model, mu, values, T=0.0, order="linear", rtol=1e-8):
    job = contact_job(make_job(model, "bcd", mu, model_values=values, rtol=rtol))
    res = lattice_quadrature.compute_mechanisms(replace(job, T_K=T, order=order), MECHS)
    return {m: (r[0], r[1]) for m, r in res.items()}


@pytest.mark.parametrize("T, rtol", [(0.0, 1e-8), (20.0, 1e-4)])
def test_exact_tilt_is_the_integral_of_the_linear_response_over_the_tilt(model, T, rtol):
    """sigma(alpha) = int_0^alpha d sigma/d alpha' d alpha' (sigma(0) = 0): the exact tilt (Fermi-line factors on the
    tilted contours, the tilted occupation in the sea) against a 3-point Gauss-Legendre rule in alpha' of the LINEAR
    path on the model with base tilt alpha' (other formulas: d/d alpha on the Fermi functions), at alpha = 0.03
    (exact - linear is 0.3 % of sigma there: 1e6 (T = 0) and 1e3 (20 K, the window's estimate) times the estimates),
    mu = 0.1 eV, every mechanism.  (In the gap at 20 K the rule in alpha' needs 5 points: the activated tail
    moves with the tilted band bottom; checked by hand, 110 s.)"""
    alpha = 0.03
    ex = _mechanisms(model, [0.1], VALS, T=T, order="exact", rtol=rtol)
    lin = _mechanisms(model, [0.1], VALS, T=T, rtol=rtol)
    x, w = np.polynomial.legendre.leggauss(3)
    base = _base_tilted()
    ref = {m: 0.0 for m in MECHS}
    ref_err = {m: 0.0 for m in MECHS}
    for xi, wi in zip(x, w):
        b = 0.5 * alpha * (xi + 1)
        d = _mechanisms(base, [0.1], dict(VALS, beta=b, alpha=1.0), T=T, rtol=rtol)
        for m in MECHS:
            ref[m] = ref[m] + 0.5 * alpha * wi * d[m][0]
            ref_err[m] = ref_err[m] + 0.5 * alpha * wi * d[m][1][0]
    for m in MECHS:
        big = float(np.max(np.abs(ref[m])))
        nonlinear = float(np.max(np.abs(ex[m][0] - lin[m][0])))
        assert nonlinear > 1e-3 * big, m                  # the test sees beyond linear order
        # Gauss-Legendre in alpha' with 3 points: exact to degree 5 (sigma' - sigma'(0) ~ 1e-3 (alpha'/0.03)^2)
        assert float(np.max(np.abs(ex[m][0] - ref[m]))) <= ex[m][1][0] + ref_err[m], m
