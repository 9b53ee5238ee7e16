"""The quadrature path for lattice models (responses/lattice_quadrature.py): Fermi contours on the zone torus.

Independent references: the lattice grid path (Fermi-box sums over the zone, T -> 0 extrapolation: no
contours at all); for an open Fermi contour (one that wraps the zone), the same Bloch Hamiltonian declared
with an oblique unit cell (a1, a1 + a2): other fractional coordinates, other mesh, other windings and
another cut basis for the sea; the continuum k.p model (the k.p user quadrature path) as a -> 0 at the
O(a^2 ln a) rate tests/test_lattice_limit.py derives for ENH(PT); symmetry (PT forbids BCD and ENH(T)); and where mu
lies (above / below every band, in a gap: exact zeros for the reasons of lattice_grid.ZERO_REASONS).
"""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh import from_matrix
from symenh.models.examples import B, k2_tilted_dirac, lattice_pt_dirac, lattice_tilted_dirac
from symenh.models.symbols import ALPHA, DELTA, HVX, HVY, KX, KY, PAULI
from symenh.responses import lattice_grid

VALS = {"Delta": 0.05, "hbar_v_x": 0.3, "hbar_v_y": 0.3, "B": 0.3, "alpha": 0.03}
MECHS = ("bcd", "inh", "enh-t", "enh-pt")
#: a coarse zone grid (kT down to dist/9 only, wide spacing): cheap, its estimate ~2 % of the value; the
#: default grid agrees with the quadrature to 1e-8 (PROGRESS-lattq.md, benchmarks/lattice.py)
GRID = {"kT_fractions": (1 / 6, 1 / 7, 1 / 8, 1 / 9), "spacing_over_kT": 1.5}


def _quad(model, mech, mu, **opt):
    return symenh.sigma(model, mech, mu, method="quadrature", model_values=VALS, **opt)


@pytest.fixture(scope="module")
def h_t():
    return lattice_tilted_dirac(0.5, 1)


@pytest.mark.parametrize("mech", MECHS)
def test_quadrature_matches_the_grid_inside_a_band(h_t, mech):
    """A closed pocket around Gamma (which sits at the corner of the fractional cell: the loop crosses
    both seams of the periodic mesh)."""
    q = _quad(h_t, mech, [0.1])
    g = symenh.sigma(h_t, mech, [0.1], method="grid", model_values=VALS, **GRID)
    big = float(np.max(np.abs(g.sigma)))
    assert big > 0 and q.meta["zero_reason"] == [None] and q.meta["lattice_regime"] == ["band"]
    assert float(np.max(np.abs(q.sigma - g.sigma))) <= q.error_estimate[0] + g.error_estimate[0]
    assert q.error_estimate[0] < 1e-6 * big


def _rect_model(a2):
    """H_T on a rectangular lattice a_x = 0.5 nm, a_y = 0.8 nm (saddle points at X and Y at different
    energies: between them the Fermi contours are open lines that wrap the zone along k_y; the default
    grid agrees within its estimate at mu = 3 eV, Delta = 0.05 eV, for all four mechanisms, PROGRESS-lattq.md),
    declared with the lattice vectors (0.5, 0) and ``a2`` (nm)."""
    S0, S1, S2, S3 = PAULI
    ax, ay = sp.Rational(1, 2), sp.Rational(4, 5)
    mass = DELTA + 2 * B / ax**2 * (1 - sp.cos(KX * ax)) + 2 * B / ay**2 * (1 - sp.cos(KY * ay))
    H = (HVX / ax * sp.sin(KX * ax) * S2 - HVY / ay * sp.sin(KY * ay) * S1 + mass * S3
         + ALPHA / ay * sp.sin(KY * ay) * S0)
    return from_matrix(H, kx=KX, ky=KY, params=(DELTA, HVX, HVY, B, ALPHA), tilt_symbol=ALPHA,
                       name=f"rect-tilted-dirac{a2}", lattice_vectors=((0.5, 0.0), a2))


@pytest.fixture(scope="module")
def rect():
    return _rect_model((0.0, 0.8)), _rect_model((0.5, 0.8))


@pytest.mark.parametrize("mech", ("enh-pt",))
def test_open_contours_independent_of_the_unit_cell(rect, mech):
    """mu = 3 eV lies between the saddle energies Delta + 4B/a_y^2 = 2.175 eV and Delta + 4B/a_x^2 = 5.1 eV:
    the region eps < mu is a strip around k_x = 0 that wraps the zone, bounded by two open contours of
    opposite winding.  The oblique cell sees them with other windings, another mesh and another cut basis.
    ENH(PT) takes both kinds of integral on the open contours: Fermi-line (A0) and Fermi sea (B0)."""
    from symenh.integrate.cells import find_contours
    from symenh.integrate.user_fermi import UserComponent
    square, oblique = rect
    comp = UserComponent.build(square, dict(VALS, Delta=0.3))
    cont = find_contours(comp.level_fn(1, 3.0), lattice=square.lattice)
    assert sorted(map(tuple, cont.winding.tolist())) == [(0, -1), (0, 1)]
    vals = dict(VALS, Delta=0.3)        # a wider gap at Gamma: fewer cut panels (cost), same topology
    a = symenh.sigma(square, mech, [3.0], method="quadrature", model_values=vals)
    b = symenh.sigma(oblique, mech, [3.0], method="quadrature", model_values=vals)
    big = float(np.max(np.abs(a.sigma)))
    assert big > 0
    assert float(np.max(np.abs(a.sigma - b.sigma))) <= a.error_estimate[0] + b.error_estimate[0]
    assert a.error_estimate[0] < 1e-6 * big


def test_continuum_limit_of_enh_pt_at_rate_a_squared_log_a():
    """ENH(PT) (Fermi-line A and the zone's Fermi sea B0) against the continuum k.p model with the B k^2 mass
    (k.p user quadrature, whose sea runs to infinity): the difference is a^2 (c ln(1/a) + d)
    (tests/test_lattice_limit.py derives it); c, d fitted at a = 1, 0.5 nm predict a = 0.25 nm within 3 %."""
    cont = symenh.sigma(k2_tilted_dirac(1), "enh-pt", [0.1], method="quadrature", model_values=VALS)
    s0 = cont.sigma.ravel()
    j = int(np.argmax(np.abs(s0)))
    d = {}
    for a in (1.0, 0.5, 0.25):
        r = _quad(lattice_tilted_dirac(a, 1), "enh-pt", [0.1])
        d[a] = r.sigma.ravel()[j] - s0[j]
        assert float(r.error_estimate[0] + cont.error_estimate[0]) < 0.01 * abs(d[a])
    y = {a: abs(d[a]) / a**2 for a in d}
    c = (y[0.5] - y[1.0]) / np.log(2.0)
    predicted = 0.25**2 * (c * np.log(4.0) + y[1.0])
    assert c > 0                                     # the logarithm is there
    assert abs(abs(d[0.25]) - predicted) <= 0.03 * predicted
    assert abs(d[0.25]) < 0.03 * abs(s0[j])          # and the limit is the continuum model's number


@pytest.mark.parametrize("where", ("above", "below", "gap"))
def test_zero_without_a_band_at_mu_for_the_stated_reason(h_t, where):
    spec = lattice_grid.spectrum(h_t, VALS)
    mu = {"above": spec.ranges.max() + 0.5, "below": spec.ranges.min() - 0.5, "gap": 0.0}[where]
    for mech in MECHS:
        r = _quad(h_t, mech, [mu])
        assert np.all(r.sigma == 0) and np.all(r.error_estimate == 0)
        assert r.meta["lattice_regime"] == [where]
        assert r.meta["zero_reason"] == [lattice_grid.ZERO_REASONS[where]]


def test_pt_symmetric_lattice_model_bcd_is_a_resolved_zero():
    """PT forbids BCD in the lattice H_PT (every band doubly degenerate: the level's Berry curvature
    vanishes); INH at the same mu is not zero, and the zero is resolved far below it."""
    m = lattice_pt_dirac(0.5)
    bcd, inh = _quad(m, "bcd", [0.1]), _quad(m, "inh", [0.1])
    big = float(np.max(np.abs(inh.sigma)))
    assert big > 0
    assert float(np.max(np.abs(bcd.sigma))) <= bcd.error_estimate[0] < 1e-8 * big


@pytest.mark.parametrize("opts, word", [({"n_steps": 3}, "unknown option"), ({"rtol": 1.0}, "rtol"),
                                        ({"mesh": 4}, "mesh"), ({"progress": "yes"}, "progress")])
def test_bad_options_one_line(h_t, opts, word):
    with pytest.raises(symenh.errors.SymenhError) as exc:
        _quad(h_t, "bcd", [0.1], **opts)
    assert word in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("kw, word", [({"interaction": "screened-coulomb", "mech": "enh-pt"}, "interaction"),
                                      ({"interaction": "screened-coulomb", "params": symenh.Parameters(T_K=30.0)},
                                       "T_K"),
                                      ({"interaction": lambda q: 1.0 / q}, "interaction"),
                                      ({"interaction": "screened-coulomb", "exchange_valleys": "all"},
                                       "exchange_valleys")])
def test_what_the_zone_contours_do_not_take_is_refused_in_one_line(h_t, kw, word):
    """T > 0 and the exact tilt are tests/test_lattice_thermal.py's, the Fock channels and a q-dependent V for
    ENH(T) at T = 0 (linear or exact) tests/test_lattice_quad_exchange.py's; a q-dependent V for ENH(PT) or at
    T > 0, and a V infinite at q = 0 are refused in one line naming the setting."""
    kw = dict(kw)
    mech = kw.pop("mech", "enh-t")
    with pytest.raises(symenh.errors.SymenhError) as exc:
        _quad(h_t, mech, [0.1], **kw)
    msg = str(exc.value)
    assert msg.startswith(word) and "\n" not in msg


def test_estimate_covers_the_error_of_a_much_tighter_run(h_t):
    """The default run's estimate (rtol 1e-8) against rtol 1e-10 on a finer first mesh (an independent
    mesh, other loop nodes, other cut panels): the difference stays inside the estimate."""
    a = _quad(h_t, "enh-pt", [0.3])
    b = _quad(h_t, "enh-pt", [0.3], rtol=1e-10, mesh=96)
    assert float(np.max(np.abs(a.sigma - b.sigma))) <= a.error_estimate[0]
    assert b.error_estimate[0] <= a.error_estimate[0]
