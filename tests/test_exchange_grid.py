"""ENH with a real interaction, grid path: the lattice pieces (cusp-corrected kernel, FFT
convolution), agreement with the independent quadrature path within the error estimates
(screened Coulomb, both models, mu = 1.2, 2, 6 |Delta|, an anisotropic set, hole doping), the
contact limit, fock = printed/2 for H_T."""

import mpmath as mp
import numpy as np
import pytest

import symenh
from symenh.integrate.exchange_grid import ZETA_SQUARE, Convolver
from symenh.interactions import contact, screened_coulomb, user_interaction
from symenh.models.paper import paper_valleys
from symenh.params import PAPER
from symenh.responses.exchange import enh_exchange
from symenh.units import sigma_to_si

D = PAPER.Delta_eV
#: cheap settings for the test suite (the estimates stay honest, only larger)
CHEAP = dict(spacing_over_kT=0.9, kT_fractions=(1 / 5, 1 / 7.5, 1 / 11, 1 / 16), margin_kT=13, sea_levels=3,
             sea_points=113)
ALLOWED = {"tilted-dirac": ("enh-t", (0, 1, 1)), "pt-dirac": ("enh-pt", (1, 0, 0))}
ANISO = PAPER.replace(vx_m_per_s=3e5, vy_m_per_s=5e5)


def test_epstein_zeta_constant_and_cusp_correction():
    with mp.workdps(30):
        Z = 4 * mp.zeta(-0.5) * mp.dirichlet(-0.5, [0, 1, 0, -1])
    assert abs(float(Z) - ZETA_SQUARE) < 1e-15
    # h^2 sum |x| exp(-x^2) - Z h^3 = pi^{3/2}/2 + O(h^5)
    errs = []
    for h in (0.2, 0.1):
        m = np.arange(-int(7 / h), int(7 / h) + 1) * h
        r = np.hypot(*np.meshgrid(m, m))
        errs.append(h * h * np.sum(r * np.exp(-r * r)) - ZETA_SQUARE * h ** 3 - np.pi ** 1.5 / 2)
    assert abs(errs[1]) < 1e-6 and 20 < errs[0] / errs[1] < 45                # fifth order


def test_fft_convolution_equals_the_direct_lattice_sum(rng):
    V = screened_coulomb(0.3)
    h, ny, nx = 0.07, 9, 12
    src = rng.normal(size=(ny, nx, 3))
    conv = Convolver(V, h, ny, nx)(src)
    J, I = np.indices((ny, nx))
    q = np.hypot((I.ravel()[:, None] - I.ravel()[None]) * h, (J.ravel()[:, None] - J.ravel()[None]) * h)
    K = V.V(q)
    np.fill_diagonal(K, V.V(0.0) - ZETA_SQUARE * V.dV(0.0) * h)
    direct = (K @ src.reshape(-1, 3)).reshape(ny, nx, 3) * h * h / (4 * np.pi ** 2)
    assert np.max(np.abs(conv - direct)) < 1e-13 * np.max(np.abs(direct))
    block = Convolver(V, h, ny, nx, out=(5, 6))(src)
    assert np.max(np.abs(block - direct[2:7, 3:9])) < 1e-13 * np.max(np.abs(direct))


CASES = [("tilted-dirac", 1.2, PAPER), ("tilted-dirac", 2.0, PAPER), ("tilted-dirac", 6.0, PAPER),
         ("pt-dirac", 1.2, PAPER), ("pt-dirac", 2.0, PAPER), ("pt-dirac", 6.0, PAPER),
         ("tilted-dirac", 2.0, ANISO), ("pt-dirac", 2.0, ANISO),
         ("tilted-dirac", -2.0, PAPER), ("pt-dirac", -1.2, PAPER)]


@pytest.mark.parametrize("model,mu_over_delta,params", CASES,
                         ids=[f"{m}-{x}-{'aniso' if p is ANISO else 'iso'}" for m, x, p in CASES])
def test_grid_agrees_with_quadrature_within_the_estimates(model, mu_over_delta, params):
    mech, el = ALLOWED[model]
    comps = paper_valleys(model)[:1]            # one valley: the exchange stays in it
    vals = params.symbol_values()
    mu = [mu_over_delta * params.Delta_eV]
    q = enh_exchange(comps, mech, mu, vals, params=params, interaction="screened-coulomb", rtol=1e-9)
    g = enh_exchange(comps, mech, mu, vals, params=params, interaction="screened-coulomb", method="grid", **CHEAP)
    diff = np.max(np.abs(q.sigma - g.sigma))
    scale = np.max(np.abs(q.sigma))
    assert diff <= g.error[0] + q.error[0]
    assert g.error[0] < 3e-2 * scale                  # an estimate that can fail
    assert abs(g.sigma[0][el]) > 0.5 * scale


def test_constant_v_on_the_grid_is_the_contact_interaction():
    comps = paper_valleys("tilted-dirac")
    vals = PAPER.symbol_values()
    V0 = contact(0.2).V0_eV_nm2
    opts = dict(CHEAP, kT_fractions=(1 / 8, 1 / 11, 1 / 16, 1 / 23))      # pure T^2 series: lower T pays off
    c = enh_exchange(comps, "enh-t", [2 * D], vals, interaction="contact", method="grid", **opts)
    u = enh_exchange(comps, "enh-t", [2 * D], vals, interaction=user_interaction(lambda q: V0 + 0 * q), method="grid",
                     **opts)
    assert np.max(np.abs(u.sigma - c.sigma)) <= 1e-12 * np.max(np.abs(c.sigma))
    cf = symenh.sigma("tilted-dirac", "enh-t", [2 * D]).sigma
    assert np.max(np.abs(sigma_to_si(c.sigma) - cf)) <= sigma_to_si(c.error[0])
    assert c.error[0] < 1e-3 * np.max(np.abs(c.sigma))


def test_grid_fock_is_half_of_printed_for_H_T():
    comps = paper_valleys("tilted-dirac")[:1]
    vals = PAPER.symbol_values()
    pr = enh_exchange(comps, "enh-t", [2 * D], vals, interaction="screened-coulomb", method="grid", **CHEAP)
    fk = enh_exchange(comps, "enh-t", [2 * D], vals, interaction="screened-coulomb", channels="fock", method="grid",
                      **CHEAP)
    assert np.max(np.abs(fk.sigma - pr.sigma / 2)) < 1e-12 * np.max(np.abs(pr.sigma))
