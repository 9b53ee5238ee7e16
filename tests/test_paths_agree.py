"""The three independent paths side by side: closed form, adaptive quadrature, brute-force grid.

Closed form (SymPy, exact linear-order Fermi-surface identities) and quadrature (finite tilt,
Richardson) must agree to 1e-9; the grid (eigh at finite T, extrapolated T -> 0 and cutoff
-> infinity) must agree with quadrature within the grid's own error estimate, and the three
must find the same non-zero tensor elements (symmetry zeros included).
"""

import numpy as np
import pytest

import symenh

MU = abs(symenh.PAPER.Delta_eV) * np.array([1.5, 4.0])
MECHS = ("bcd", "inh", "enh-t", "enh-pt")
ALLOWED = [(m, k) for m in ("tilted-dirac", "pt-dirac") for k in MECHS
           if k not in symenh.responses.spec.FORBIDDEN[m]]


@pytest.fixture(scope="module")
def results():
    out = {}
    for model in ("tilted-dirac", "pt-dirac"):
        for mech in MECHS:
            for method in ("closed-form", "quadrature", "grid"):
                out[model, mech, method] = symenh.sigma(model, mech, MU, method=method)
    return out


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
@pytest.mark.parametrize("mech", MECHS)
def test_same_nonzero_elements_on_every_path(results, model, mech):
    sets = {m: results[model, mech, m].nonzero for m in ("closed-form", "quadrature", "grid")}
    assert sets["closed-form"] == sets["quadrature"] == sets["grid"], sets
    forbidden = mech in symenh.responses.spec.FORBIDDEN[model]
    assert (sets["closed-form"] == []) == forbidden


@pytest.mark.parametrize("model, mech", ALLOWED)
def test_quadrature_within_grid_error_estimate(results, model, mech):
    q = results[model, mech, "quadrature"]
    g = results[model, mech, "grid"]
    for i in range(len(MU)):
        scale = np.max(np.abs(q.sigma[i]))
        est = g.error_estimate[i]
        assert est < 1e-4 * scale, "the grid's estimate should be a useful bound"
        assert np.max(np.abs(g.sigma[i] - q.sigma[i])) <= est


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
@pytest.mark.parametrize("mech", MECHS)
def test_closed_form_matches_quadrature(results, model, mech):
    a = results[model, mech, "closed-form"].sigma
    b = results[model, mech, "quadrature"].sigma
    scale = np.max(np.abs(a))
    if scale == 0:
        assert np.max(np.abs(b)) < 1e-12 * np.max(np.abs(results[model, "enh-pt" if model == "pt-dirac"
                                                                  else "bcd", "closed-form"].sigma))
    else:
        assert np.max(np.abs(a - b)) <= 1e-9 * scale
