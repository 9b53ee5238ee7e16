"""Lattice models (issue 11 item 6): lattice vectors and periodicity checked at construction, the
Brillouin-zone grid path, and where mu lies (in a band: non-zero numbers with an estimate below them;
above / below every band or in a gap: exact zeros for a stated reason).

The zone quadrature over Fermi contours (method="quadrature") is tested in tests/test_lattice_quadrature.py
(here: it refuses T > 0 in one line); the grid is checked instead against an independent choice of the unit cell (an
oblique cell of the same lattice: different fractional coordinates, Fermi box and grid points) and,
in tests/test_lattice_limit.py, against the continuum k.p model run through the k.p grid path.
"""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh.errors import ModelError, ResponseError, SymenhError
from symenh.models import ALPHA, DELTA, KX, KY, PAULI, from_matrix
from symenh.models.examples import lattice_tilted_dirac
from symenh.models.lattice import check_lattice_vectors
from symenh.responses import lattice_grid

S0, S1, S2, S3 = PAULI
VALS = {"Delta": 0.05, "hbar_v_x": 0.3, "hbar_v_y": 0.3, "B": 0.3, "alpha": 0.03}
MECHS = ("bcd", "inh", "enh-t", "enh-pt")
#: larger temperatures than the default keep the tests fast; the estimate must still cover
FAST = {"kT_fractions": (1 / 12, 1 / 15, 1 / 18, 1 / 21)}

T, TY, BX, BY = sp.symbols("t t_y B_x B_y", real=True)


def _aniso(a2=(0.0, 1.0)):
    """A rectangular-band lattice model (a = 1 nm) whose Fermi contour at 0.25 < |mu| < 1.25 eV is open:
    it runs across the zone along k_y (weak y hopping t_y, B_y)."""
    H = (T * sp.sin(KX) * S2 - TY * sp.sin(KY) * S1
         + (DELTA + 2 * BX * (1 - sp.cos(KX)) + 2 * BY * (1 - sp.cos(KY))) * S3 + ALPHA * sp.sin(KY) * S0)
    return from_matrix(H, kx=KX, ky=KY, params=(T, TY, BX, BY, DELTA, ALPHA), tilt_symbol=ALPHA,
                       lattice_vectors=((1.0, 0.0), a2), name="aniso")


ANISO = {"t": 0.3, "t_y": 0.1, "B_x": 0.3, "B_y": 0.05, "Delta": 0.05, "alpha": 0.02}


# ---------------------------------------------------------------------------------------------
# bad input: one line, ModelError (a SymenhError: the command line turns it into exit status 2)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("vectors, needle", [
    (((1.0, 0.0), (2.0, 0.0)), "collinear"),
    (((1.0, 1.0), (-2.0, -2.0)), "collinear"),
    (((0.0, 0.0), (0.0, 1.0)), "zero"),
    (((1.0, np.nan), (0.0, 1.0)), "finite"),
    (((1.0, np.inf), (0.0, 1.0)), "finite"),
    (((1.0, 0.0, 0.0), (0.0, 1.0)), "two 2-component"),
    ("1,0,0,1", "expected"),
    (((1.0, "a"), (0.0, 1.0)), "real numbers"),
])
def test_bad_lattice_vectors_one_line(vectors, needle):
    with pytest.raises(ModelError) as exc:
        from_matrix(sp.sin(KX) * S3 + sp.sin(KY) * S1, kx=KX, ky=KY, lattice_vectors=vectors)
    msg = str(exc.value)
    assert msg.startswith("lattice_vectors:") and needle in msg and "\n" not in msg
    assert isinstance(exc.value, SymenhError)


@pytest.mark.parametrize("matrix", [
    sp.sin(KX) * S3 + KY * S1,                               # a k.p term
    sp.sin(KX / 2) * S3 + sp.sin(KY) * S1,                   # period 4 pi, not 2 pi
    sp.sin(KX) * S3 + sp.sin(KY) * S1 + 0.1 * KX**2 * S0,    # a quadratic identity term
])
def test_non_periodic_matrix_refused(matrix):
    with pytest.raises(ModelError) as exc:
        from_matrix(matrix, kx=KX, ky=KY, lattice_vectors=((1.0, 0.0), (0.0, 1.0)))
    assert "not periodic" in str(exc.value) and "\n" not in str(exc.value)


def test_periodic_matrices_accepted_square_and_triangular():
    m = from_matrix(sp.sin(KX) * S3 + sp.sin(KY) * S1, kx=KX, ky=KY, lattice_vectors=((1.0, 0.0), (0.0, 1.0)))
    assert m.lattice is not None
    # triangular lattice, nearest-neighbour vectors d_j: cos(k.d_j) is periodic under the lattice of the d_j
    d = [(1.0, 0.0), (0.5, np.sqrt(3) / 2), (-0.5, np.sqrt(3) / 2)]
    c = sum(sp.cos(KX * dx + KY * dy) for dx, dy in d)
    s = sum(sp.sin(KX * dx + KY * dy) for dx, dy in d)
    tri = from_matrix(c * S3 + s * S1, kx=KX, ky=KY, lattice_vectors=(d[0], d[1]))
    b = tri.lattice.reciprocal
    assert np.allclose(np.array([d[0], d[1]]) @ b.T, 2 * np.pi * np.eye(2))
    # the same matrix with lattice vectors of the wrong length is refused
    with pytest.raises(ModelError, match="not periodic"):
        from_matrix(c * S3 + s * S1, kx=KX, ky=KY, lattice_vectors=((1.5, 0.0), (0.75, 1.5 * np.sqrt(3) / 2)))


def test_reciprocal_vectors_and_zone_area():
    lat = check_lattice_vectors(((0.5, 0.0), (0.25, 0.4)))
    b = lat.reciprocal
    assert np.allclose(lat.vectors @ b.T, 2 * np.pi * np.eye(2))
    assert lat.bz_area_per_nm2 == pytest.approx(abs(np.linalg.det(b)))
    kx, _ky, w = lat.cell_grid(8, 8)
    assert w * kx.size == pytest.approx(lat.bz_area_per_nm2 / (4 * np.pi**2))


def test_kp_model_unchanged_by_the_lattice_field():
    """A k.p model (no lattice_vectors) keeps lattice None and its cache fingerprint."""
    m = from_matrix(KX * S1 + KY * S2 + DELTA * S3, kx=KX, ky=KY, params=(DELTA,))
    assert m.lattice is None and "lattice" not in m.source()


def test_quadrature_refuses_a_lattice_model_with_a_q_dependent_enh_pt_in_one_line():
    """The zone quadrature (responses/lattice_quadrature.py) takes the Fock channels at linear order and at the
    exact tilt (tests/test_lattice_quad_exchange.py); a q-dependent V for ENH(PT) it refuses in one line naming
    the grid."""
    with pytest.raises(ResponseError) as exc:
        symenh.sigma(lattice_tilted_dirac(0.5), "enh-pt", [0.1], method="quadrature", model_values=VALS,
                     interaction="screened-coulomb")
    msg = str(exc.value)
    assert "lattice model" in msg and "grid" in msg and "\n" not in msg


# ---------------------------------------------------------------------------------------------
# where mu lies
# ---------------------------------------------------------------------------------------------

def test_regimes_of_a_bounded_lattice_band():
    m = lattice_tilted_dirac(0.5)
    spec = lattice_grid.spectrum(m, VALS)
    top = spec.ranges.max()
    # the bands of the a = 0.5 nm model: [-(Delta + 8B/a^2), -Delta] and [Delta, Delta + 8B/a^2] at alpha = 0
    assert top == pytest.approx(0.05 + 8 * 0.3 / 0.25, rel=1e-9)
    assert spec.ranges.min() == pytest.approx(-top, rel=1e-9)
    assert lattice_grid.regime(m, VALS, top + 0.5) == "above"      # filled, not a gap
    assert lattice_grid.regime(m, VALS, -top - 0.5) == "below"
    assert lattice_grid.regime(m, VALS, 0.0) == "gap"
    assert lattice_grid.regime(m, VALS, 0.1) == "band"
    assert lattice_grid.regime(m, VALS, top - 0.5) == "band"
    assert "filled" in lattice_grid.ZERO_REASONS["above"] and "periodic" in lattice_grid.ZERO_REASONS["above"]
    assert "no Fermi surface" in lattice_grid.ZERO_REASONS["below"].replace("there is no", "no")


@pytest.mark.parametrize("mech", MECHS)
def test_mu_outside_every_band_gives_exact_zeros(mech):
    m = lattice_tilted_dirac(0.5)
    mus = [10.5, -10.5, 0.0, 0.049]          # above all, below all, mid-gap, just inside the gap
    r = symenh.sigma(m, mech, mus, method="grid", model_values=VALS)
    assert np.all(r.sigma == 0.0) and np.all(r.error_estimate == 0.0)


# ---------------------------------------------------------------------------------------------
# mu in a band: non-zero, estimate below the value, independent of the unit cell
# ---------------------------------------------------------------------------------------------

def _oblique(model):
    """The same lattice model declared with the unit cell (a1, a1 + a2)."""
    a1, a2 = model.lattice.a1, model.lattice.a2
    return from_matrix(model.matrix(), kx=KX, ky=KY, params=model.params, tilt_symbol=model.tilt_symbol,
                       lattice_vectors=(a1, (a1[0] + a2[0], a1[1] + a2[1])), name=model.name + "-oblique")


def _check_pair(ra, rb):
    big = np.max(np.abs(ra.sigma))
    assert big > 0 and np.all(ra.error_estimate < 1e-2 * big)       # non-zero, never a silent zero
    diff = np.abs(ra.sigma - rb.sigma).reshape(len(ra.mu_eV), -1).max(axis=1)
    assert np.all(diff <= ra.error_estimate + rb.error_estimate)


def test_closed_pocket_nonzero_and_cell_independent():
    m = lattice_tilted_dirac(0.5)
    ob = _oblique(m)
    for mech in MECHS:
        ra = symenh.sigma(m, mech, [-0.1], method="grid", model_values=VALS, **FAST)
        rb = symenh.sigma(ob, mech, [-0.1], method="grid", model_values=VALS, **FAST)
        _check_pair(ra, rb)


def test_lattice_refuses_settings_it_does_not_handle():
    from dataclasses import replace

    from symenh.responses.grid import compute
    from symenh.responses.job import Job
    from symenh.responses.spec import Prefactors
    m = lattice_tilted_dirac(0.5)
    vals = {p: VALS[p.name] for p in m.params}
    job = Job(m.name, (m,), "bcd", np.array([0.1]), symenh.PAPER, vals, Prefactors(1.0, 1.0, -1))
    # T_K and V(q) are handled (test_lattice_grid_extensions), the exact tilt too (test_lattice_grid_exact)
    with pytest.raises(ResponseError, match="^occupation"):
        compute(replace(job, mechanism="inh-full", occupation="field-corrected"))
    with pytest.raises(ResponseError, match="unknown option"):
        compute(replace(job, options={"sea_cutoffs": (4.0, 8.0)}))


def test_time_reversal_pair_forbids_inh_and_enh_pt_only():
    """Both valleys of the lattice H_T (time reversal maps one onto the other): INH and ENH(PT) vanish
    (physics.md 3), returned as values covered by their estimates at ~1e-8 of the allowed mechanisms,
    not as an error; BCD and ENH(T) are non-zero."""
    from symenh.models.examples import lattice_tilted_dirac_valleys
    m = lattice_tilted_dirac_valleys(0.5)
    r = {mech: symenh.sigma(m, mech, [0.1], method="grid", model_values=VALS) for mech in MECHS}
    for mech in ("bcd", "enh-t"):
        assert np.max(np.abs(r[mech].sigma)) > 1e3 * r[mech].error_estimate[0]
    allowed = min(np.max(np.abs(r[m_].sigma)) for m_ in ("bcd", "enh-t"))
    for mech in ("inh", "enh-pt"):
        assert np.max(np.abs(r[mech].sigma)) <= r[mech].error_estimate[0] < 1e-6 * allowed
