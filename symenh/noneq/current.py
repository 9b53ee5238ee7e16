r"""The anomalous Hall current integrated from the delta Omega map (paper Eq. 8 before the integration
by parts; physics.md 8):

    j^c = -(e^2/hbar) eps^{ca} E^a sum_N int d^2k/(2 pi)^2 f_N(k) delta Omega_N(k)        (A/m)

at T = 0 and the model's tilt as given, for one model component (sum the valleys of H_T yourself).
Its exchange part is the ENH current (the U_W part: Eq. 9's mechanism, the U_Y part: Eq. 10's), its
field part (+e E G) the INH current.  Compared with ``symenh.sigma`` (linear in the tilt) it agrees up
to O(alpha^3) relative corrections.

Quadrature: polar coordinates about k = 0 of :class:`symenh.integrate.contour.RayContours`
(p = hbar v k in eV for the Dirac models, |k| in 1/nm otherwise); the radial integral split at the
tilted Fermi-contour radius (where f jumps) into Gauss-Legendre panels, and beyond a few times the
larger of the contour radius and the model's scale, the tail in u = P/p (delta Omega falls as 1/k^3,
so the plane integral converges absolutely); the angle by the trapezoidal rule (spectral for the
periodic integrand).  Error estimate: the change with half the angles and the lower-order radial rule.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import constants as _c

from ..errors import ContourError, ParameterError
from ..integrate.contour import RayContours
from .factors import _check_pocket
from .state import NoneqState, occupations

PARTS = ("total", "exchange", "field", "exchange_interband", "exchange_intraband")


@dataclass(frozen=True)
class AnomalousCurrent:
    """j^c (A/m), shape (2,) [c = x, y] per part of delta Omega (:data:`PARTS`), with absolute error
    estimates (A/m, one number per part) and the integral I = sum_N int f_N delta Omega_N
    (dimensionless) it came from."""

    j: dict
    error: dict
    integral: dict


def _gl(n):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w


def _integrals(st: NoneqState, rc: RayContours, level: int, th, n_gl: int):
    """sum_N int f delta Omega (per part) with ``len(th)`` trapezoid angles and GL order n_gl."""
    alpha = st.alpha
    scale = abs(rc.Delta) if rc.is_dirac and rc.Delta else 1.0
    if level >= 0:
        pc = rc.radius(level, st.mu_eV, alpha, th)                     # (n_th,)
    else:
        pc = np.full(th.shape, scale)
    x, w = _gl(n_gl)
    P = 4.0 * np.maximum(pc, scale)
    # panels in p: [0, pc] (graded towards 0 when pc >> scale), [pc, P] (doubling), tail u = P/p in (0, 1]
    edges_in = [np.zeros_like(pc)]
    q = np.minimum(pc, scale) / 2
    while True:
        edges_in.append(np.minimum(q, pc))
        if np.all(q >= pc):
            break
        q = q * 2
    edges_out = [pc]
    q = pc * 2
    while True:
        edges_out.append(np.minimum(q, P))
        if np.all(q >= P):
            break
        q = q * 2
    edges = edges_in + edges_out[1:]
    nodes, weights = [], []
    for a, b in itertools.pairwise(edges):
        nodes.append(a[None, :] + (b - a)[None, :] * x[:, None])
        weights.append((b - a)[None, :] * w[:, None] * nodes[-1])          # p dp
    # tail p = P/u, p dp = P^2/u^3 du
    u = x[:, None] * np.ones_like(P)[None, :]
    nodes.append(P[None, :] / u)
    weights.append(P[None, :] ** 2 / u ** 3 * w[:, None])
    p = np.concatenate(nodes)                                             # (n_p, n_th)
    wt = np.concatenate(weights)
    kx, ky = rc.k_of(p, th[None, :])
    sh = st.delta_berry_curvature(kx, ky)
    fr = st.frame(kx, ky)
    f, _ = occupations(fr.energy, st.mu_eV, 0.0)
    fw = f / fr.degeneracy                                                # each band carries its level's trace
    norm = (2 * np.pi / len(th)) / (4 * np.pi ** 2 * abs(rc.sx * rc.sy))
    return {part: norm * float(np.sum(wt * np.sum(fw * getattr(sh, part), axis=-1))) for part in PARTS}


def anomalous_current(st: NoneqState, n_theta: int = 192, n_gl: int = 20) -> AnomalousCurrent:
    """j^c = -(e^2/hbar) eps^{ca} E^a sum_N int f_N delta Omega_N (A/m) at T = 0 (module docstring)."""
    if st.temperature_K != 0:
        raise ParameterError("temperature_K: the map integral is implemented at T = 0")
    if n_theta < 16 or n_theta % 2 or n_gl < 4:
        raise ParameterError("n_theta: an even number >= 16 (and n_gl >= 4)")
    rc = RayContours(st.model, st.values)
    if rc.ex.n_levels != 2:
        raise ContourError(f"model: the delta Omega map integral handles two-level models; {st.model.name} has "
                           f"{rc.ex.n_levels} levels")
    level = int(rc.crossing_level(np.array([st.mu_eV]))[0])
    _check_pocket(rc, st.model, st.mu_eV, st.alpha, level)
    th = 2 * np.pi * np.arange(n_theta) / n_theta
    fine = _integrals(st, rc, level, th, n_gl)
    coarse_t = _integrals(st, rc, level, th[::2], n_gl)
    coarse_p = _integrals(st, rc, level, th, max(4, (2 * n_gl) // 3))
    E = np.asarray(st.field_V_per_m, dtype=float)
    exE = np.array([E[1], -E[0]])                         # (E x z)^c = eps^{ca} E^a
    pref = -(_c.e ** 2 / _c.hbar)
    j = {k: pref * exE * v for k, v in fine.items()}
    err = {k: abs(pref) * float(np.max(np.abs(exE))) * (abs(fine[k] - coarse_t[k]) + abs(fine[k] - coarse_p[k]))
           for k in fine}
    return AnomalousCurrent(j=j, error=err, integral=fine)


__all__ = ["PARTS", "AnomalousCurrent", "anomalous_current"]
