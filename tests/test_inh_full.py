"""inh-full: the full intrinsic second-order conductivity (derivations/inh_full_intrinsic.py).

Three paths at T = 0 on the Dirac models, the closed forms derived in the derivation script, the
occupation choice, and the tensor relations that differ from the paper's inh."""

import numpy as np
import pytest

from symenh.params import PAPER
from symenh.responses import closed_form_thermal as ct
from symenh.responses import grid_thermal as gt
from symenh.responses import quadrature_thermal as qt
from symenh.responses.thermal import make_job, sigma_thermal

D = abs(PAPER.Delta_eV)
MU = D * np.array([1.2, 2.0, 4.0, -2.0])
X, Y = 0, 1


def _derived(mu):
    """H_PT closed forms of docs/derivations/inh_full_intrinsic.md (units e^3/hbar nm/eV, t = alpha)."""
    p = PAPER
    t, vx, vy, d = p.alpha_eV_nm, p.hbar_vx, p.hbar_vy, p.Delta_eV
    m = np.abs(mu)
    q = (d - m) * (d + m)
    return {(Y, X, X): -t * vx * q * (5 * d**2 - 9 * m**2) / (64 * np.pi * m**6 * vy),
            (X, Y, X): -5 * t * vx * q * (d**2 + 3 * m**2) / (64 * np.pi * m**6 * vy),
            (Y, Y, Y): -5 * t * vy * q * (3 * d**2 + m**2) / (64 * np.pi * m**6 * vx),
            (X, X, Y): -t * vx * q * (5 * d**2 - m**2) / (64 * np.pi * m**6 * vy)}


def test_closed_form_is_the_derived_formula():
    """Electron doping: the four non-zero raw elements as derived; every other element exactly 0.
    Hole doping (mu < -|Delta|): the valence branch, odd in mu."""
    job = make_job("pt-dirac", "inh-full", MU)
    s, _ = ct.compute(job, 0.0)
    ref = _derived(MU[:3])
    for idx in np.ndindex(2, 2, 2):
        if idx in ref:
            assert np.allclose(s[:3][(slice(None),) + idx], ref[idx], rtol=1e-12, atol=0)
        else:
            assert np.all(s[(slice(None),) + idx] == 0.0)
    assert np.allclose(s[3], -s[1], rtol=1e-12)


def test_three_paths_at_zero_temperature():
    job = make_job("pt-dirac", "inh-full", MU[:3])
    c, _ = ct.compute(job, 0.0)
    q, eq = qt.compute(job, 0.0)
    assert np.all(np.max(np.abs(q - c).reshape(3, -1), axis=1) <= eq)
    gjob = make_job("pt-dirac", "inh-full", [4.0 * D])
    g, eg = gt.compute(gjob, 0.0)
    assert np.max(np.abs(g - c[2])) <= eg[0]
    assert eg[0] < 1e-4 * np.max(np.abs(c[2]))


def test_tilted_dirac_vanishes():
    """T symmetry: X sums to zero over the valleys, so inh-full vanishes like inh."""
    job = make_job("tilted-dirac", "inh-full", MU)
    c, _ = ct.compute(job, 0.0)
    assert np.all(c == 0.0)
    q, eq = qt.compute(job, 0.01)
    assert np.all(np.max(np.abs(q).reshape(len(MU), -1), axis=1) <= eq)


@pytest.mark.parametrize("method", ["closed-form", "quadrature"])
def test_field_corrected_occupation_is_inh(method):
    """Relaxation towards f0(eps0 + eps^(2)): the energy term is a total derivative, inh-full = inh."""
    for T_K in (0.0, 77.0):
        full = sigma_thermal("pt-dirac", "inh-full", MU, T_K=T_K, method=method, occupation="field-corrected")
        inh = sigma_thermal("pt-dirac", "inh", MU, T_K=T_K, method=method)
        assert np.all(np.max(np.abs(full.raw - inh.raw).reshape(len(MU), -1), axis=1)
                      <= full.error_raw + inh.error_raw + 1e-15 * np.max(np.abs(inh.raw)))


def test_relations_that_differ_from_inh():
    """inh: antisymmetric in (c, a), j.E = 0.  inh-full: neither; sigma_full = sigma_inh - T/2 with
    T^{cab} = X^{cba} (so sigma^{yyy} = -X^{yyy}/2, longitudinal), at T = 0 and at T > 0."""
    for kT in (0.0, 0.01):
        inh, _ = ct.compute(make_job("pt-dirac", "inh", MU), kT)
        full, _ = ct.compute(make_job("pt-dirac", "inh-full", MU), kT)
        assert np.allclose(inh + np.swapaxes(inh, 1, 2), 0.0, atol=1e-15 * np.max(np.abs(inh)))
        anti = full + np.swapaxes(full, 1, 2)
        assert np.max(np.abs(anti)) > 0.1 * np.max(np.abs(full))
        T = 2 * (inh - full)      # = T^{cab} if both come from the same X as derived
        assert np.allclose(full, 0.5 * T - np.swapaxes(T, 1, 2), rtol=1e-12, atol=1e-14 * np.max(np.abs(full)))
        assert np.all(inh[:, Y, Y, Y] == 0) and np.all(np.abs(full[:, Y, Y, Y]) > 0)
        E = np.array([0.0, 1.0])                       # field along y
        jE = np.einsum("mcab,c,a,b->m", full, E, E, E)
        assert np.all(np.abs(jE) > 0) and np.allclose(np.einsum("mcab,c,a,b->m", inh, E, E, E), 0.0,
                                                      atol=1e-15 * np.max(np.abs(inh)))
