"""order="exact" at alpha = 0 on a user's model: sigma of the untilted H, which need not vanish.

The linear order is alpha d sigma/d alpha (zero at alpha = 0), but the exact tilt gives sigma(H) itself; a user's
model may break the symmetry without its declared tilt (here a base tilt in another parameter beta).  The
reference is the same Hamiltonian with beta declared as the tilt instead, at beta = 0.02 (the tilted-component
code at a non-zero tilt, an independent route).  Paths that cannot do it refuse in one line (they used to return
an exact, silent zero)."""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh.errors import ResponseError

KX, KY, HV, D, BETA, T = sp.symbols("kx ky hv D beta t", real=True)
S0, S1, S2, S3 = (sp.eye(2), sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
H0 = HV * (KX * S1 + KY * S2) + (D + sp.Rational(3, 10) * KX**2) * S3 + BETA * KY * S0


def _models():
    base = symenh.from_matrix(H0 + T * KY * S0, kx=KX, ky=KY, params=(HV, D, BETA, T), tilt_symbol=T, name="base-tilt")
    moved = symenh.from_matrix(H0, kx=KX, ky=KY, params=(HV, D, BETA), tilt_symbol=BETA, name="tilt-moved")
    return base, moved


@pytest.mark.parametrize("mech", ["bcd", "enh-t"])
@pytest.mark.parametrize("method", ["quadrature", "grid"])
def test_exact_tilt_at_zero_is_sigma_of_the_untilted_h(mech, method):
    base, moved = _models()
    a = symenh.sigma(base, mech, [0.1], method=method, order="exact",
                     model_values={"hv": 0.3, "D": 0.04, "beta": 0.02, "t": 0.0})
    b = symenh.sigma(moved, mech, [0.1], method=method, order="exact",
                     model_values={"hv": 0.3, "D": 0.04, "beta": 0.02})
    big = float(np.max(np.abs(b.sigma)))
    assert big > 0 and a.error_estimate[0] < 1e-5 * big
    assert float(np.max(np.abs(a.sigma - b.sigma))) <= a.error_estimate[0] + b.error_estimate[0]
    lin = symenh.sigma(base, mech, [0.1], method=method, model_values={"hv": 0.3, "D": 0.04, "beta": 0.02, "t": 0.0})
    assert np.all(lin.sigma == 0)                                   # linear order: alpha d sigma/d alpha = 0


def test_lattice_quadrature_exact_at_zero_and_the_grids_refuse():
    """The lattice H_T with a base tilt beta (tests/test_lattice_thermal.py's model): quadrature at alpha = 0 equals
    the original model at alpha = beta; the lattice grid and the exchange grids refuse in one line."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from test_lattice_thermal import VALS, _base_tilted

    from symenh.models.examples import lattice_tilted_dirac
    base, orig = _base_tilted(), lattice_tilted_dirac(0.5, 1)
    a = symenh.sigma(base, "bcd", [0.1], method="quadrature", order="exact",
                     model_values=dict(VALS, beta=0.02, alpha=0.0))
    b = symenh.sigma(orig, "bcd", [0.1], method="quadrature", order="exact", model_values=dict(VALS, alpha=0.02))
    assert float(np.max(np.abs(b.sigma))) > 0
    assert float(np.max(np.abs(a.sigma - b.sigma))) <= a.error_estimate[0] + b.error_estimate[0]
    refused = [dict(model=base, mechanism="bcd", method="grid", model_values=dict(VALS, beta=0.02, alpha=0.0)),
               dict(model=base, mechanism="enh-t", method="grid", interaction="screened-coulomb",
                    model_values=dict(VALS, beta=0.02, alpha=0.0)),
               dict(model=_models()[0], mechanism="enh-t", method="grid", interaction="screened-coulomb",
                    model_values={"hv": 0.3, "D": 0.04, "beta": 0.02, "t": 0.0})]
    for kw in refused:
        with pytest.raises(ResponseError, match="^order: .*alpha = 0") as exc:
            symenh.sigma(mu_eV=[0.1], order="exact", **kw)
        assert "\n" not in str(exc.value)


@pytest.mark.parametrize("mech", ["bcd", "enh-t"])
def test_exact_tilt_at_zero_grid_and_quadrature_agree(mech):
    """The two independent paths on sigma(H) of the untilted user model (beta = 0.02, t = 0)."""
    base, _ = _models()
    vals = {"hv": 0.3, "D": 0.04, "beta": 0.02, "t": 0.0}
    q = symenh.sigma(base, mech, [0.1], method="quadrature", order="exact", model_values=vals)
    g = symenh.sigma(base, mech, [0.1], method="grid", order="exact", model_values=vals)
    assert float(np.max(np.abs(q.sigma))) > 0
    assert float(np.max(np.abs(q.sigma - g.sigma))) <= q.error_estimate[0] + g.error_estimate[0]
