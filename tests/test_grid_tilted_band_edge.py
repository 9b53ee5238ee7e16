"""The k.p grid at the exact tilt decides where mu lies from the *tilted* spectrum.

The tilt lowers a Dirac band bottom from |Delta| to |Delta| sqrt(1 - (alpha/hbar v)^2); a mu between the two
lies in the tilted band.  The contact grid path of a user model used to ask the untilted probe, called that
mu "in the gap" and returned an exact, silent zero.  Reference: the user quadrature at the exact tilt (its own
tilted contours, an independent path)."""

import numpy as np
import pytest
import sympy as sp

import symenh

KX, KY, HV, D, T = sp.symbols("kx ky hv D t", real=True)
S0, S1, S2, S3 = (sp.eye(2), sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
VALS = {"hv": 0.3, "D": 0.05, "t": 0.15}                  # alpha / hbar v = 1/2: the band bottom at 0.0433 eV


@pytest.mark.parametrize("mech", ["bcd", "enh-t"])
def test_mu_between_the_tilted_and_the_untilted_band_edge_is_in_the_band(mech):
    model = symenh.from_matrix(HV * (KX * S1 + KY * S2) + D * S3 + T * KY * S0, kx=KX, ky=KY, params=(HV, D, T),
                               tilt_symbol=T, name="tilted-edge")
    edge = VALS["D"] * np.sqrt(1 - (VALS["t"] / VALS["hv"]) ** 2)
    mu = 0.5 * (edge + VALS["D"])
    q = symenh.sigma(model, mech, [mu], method="quadrature", order="exact", model_values=VALS)
    g = symenh.sigma(model, mech, [mu], method="grid", order="exact", model_values=VALS)
    big = float(np.max(np.abs(q.sigma)))
    assert big > 0 and g.error_estimate[0] < 1e-3 * big
    assert float(np.max(np.abs(g.sigma - q.sigma))) <= g.error_estimate[0] + q.error_estimate[0]
    lin = symenh.sigma(model, mech, [mu], method="grid", model_values=VALS)
    assert np.all(lin.sigma == 0)                      # linear order: the untilted gap, no Fermi surface
