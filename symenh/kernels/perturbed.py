r"""First-order response of the level-traced band geometry to a k-local perturbation (paper Eqs. 5-7).

For ``H -> H + H'(k)`` with H' Hermitian (eV), the quantum geometric tensor of an energy level N
(degenerate subspaces traced, physics.md 2)

    Q^{ab}_N = sum_{n in N, m not in N} v^a_nm v^b_mn / (E_n - E_m)^2          (nm^2),
    g^{ab}_N = Re Q^{ab}_N,    Omega_N = -2 Im Q^{xy}_N,

changes at first order by ``delta Q`` (:func:`qgt_response`).  It is computed with level projectors
P_N (first-order perturbation theory of the *group* projector, so a perturbation that splits a
Kramers pair is handled exactly) from three pieces: the shifts of the level energies, the change
``delta P_N = R_N H' P_N + P_N H' R_N`` of the projectors (R_N the reduced resolvent), and the
change ``d_a H'`` of the velocity operators.  This is the complete first-order result derived in
``derivations/eq7_quantum_metric_shift.py`` (item 5 there), not Eq. 7 as printed (which misses a
term and is not gauge invariant).

The perturbations of the paper's Eq. 4 are

* ``U^eta s^eta`` (exchange; dimensionless spin operators, U in eV; a k-dependent U(k) adds
  ``d_a H' = (d_a U^eta) s^eta``),
* ``+e E^gamma R^gamma`` with ``R^gamma = sum_{n, m in different levels} |m> r^gamma_mn <n|`` the
  interband (k-local) part of the position operator (nm), ``r^gamma_mn = i v^gamma_mn/(E_n - E_m)``;
  its k-derivative (:func:`position_derivative`) needs d^2H/dk^2.

:func:`geometry_response` returns the responses per unit perturbation (for U^eta, for d_a U^eta and
for e E^gamma), level-traced, together with the SBP S^{eta a} and the BCP G^{ab} that give the Berry
connection shift ``delta A^a = U^eta S^{eta a} + e E^b G^{ba}`` (paper Eq. 5).  Everything is
vectorised over arrays of k (no loop over k points); the band axis carries each level's trace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .direct import DEFAULT_DEGENERACY_TOL, EigenFrame, eigen_frame, geometry_of_frame


def _ein(spec, *ops):
    return np.einsum(spec, *ops, optimize=True)


def position_operator(fr: EigenFrame) -> np.ndarray:
    """Interband position operator R^gamma in the eigenbasis, (2, *k, N, N) in nm:
    R^gamma_mn = i v^gamma_mn / (E_n - E_m) between different levels, 0 within a level."""
    T = np.swapaxes(fr.inv, -1, -2)          # T[m, n] = 1 / (E_n - E_m)
    return 1j * fr.v * T


def position_derivative(fr: EigenFrame) -> np.ndarray:
    """d_a R^gamma in the eigenbasis, array [a][gamma] of shape (2, 2, *k, N, N) (nm^2).

    From R^gamma = i sum_{M != N} P_M v^gamma P_N / (E_N - E_M) with
    d_a P_M = sum_{K != M} (P_K v^a P_M + P_M v^a P_K) / (E_M - E_K) and d_a E_N P_N = P_N v^a P_N
    (a degeneracy that persists in k); needs the frame's ``hessian`` (d_a d_gamma H).
    """
    if fr.hessian is None:
        raise ValueError("position_derivative: the eigen frame needs hessian=True")
    T = np.swapaxes(fr.inv, -1, -2)
    T2 = T * T
    out = np.empty((2, 2) + fr.v.shape[1:], dtype=complex)
    for a in range(2):
        va = fr.v[a]
        vaT = va * T
        Vd = va * fr.same
        for g in range(2):
            vg = fr.v[g]
            vgT = vg * T
            vgT2 = vg * T2
            x = (fr.hessian[a][g] * T + vaT @ vgT - (vaT @ vg) * T + (vg @ vaT) * T - vgT @ vaT
                 - vgT2 @ Vd + Vd @ vgT2)
            out[a, g] = 1j * x
    return out


def qgt_response(fr: EigenFrame, X, D) -> np.ndarray:
    """First-order change of the level-traced quantum geometric tensor Q^{ab} (nm^2 per unit H').

    ``X``: H' in the eigenbasis, shape (*c, *k, N, N) (any leading channel axes *c); ``D``: its
    k-derivatives d_a H' in the eigenbasis, shape (2, *c, *k, N, N) (or None for a k-independent
    operator with a uniform coefficient).  Returns (*c, *k, N, 2, 2) complex: each band carries the
    change of its level's Q (traced), ``delta g = Re``, ``delta Omega = -2 Im [..., 0, 1]``.
    """
    X = np.asarray(X)
    inv = fr.inv
    inv2, inv3 = inv * inv, inv * inv * inv
    Xs = X * fr.same
    out = np.zeros(X.shape[:-1] + (2, 2), dtype=complex)
    for a in range(2):
        va = fr.v[a]
        for b in range(2):
            vb = fr.v[b]
            # (1) shifts of the level energies in the denominators
            t1 = (-2 * _ein("...pn,...nm,...nm,...mp->...n", Xs, va, inv3, vb)
                  + 2 * _ein("...nm,...nm,...mq,...qn->...n", va, inv3, Xs, vb))
            # (2) change of the projectors of level N and of the other levels M
            t2 = (_ein("...nk,...kn,...nm,...nm,...mk->...n", inv, X, va, inv2, vb)
                  + _ein("...nk,...nk,...km,...nm,...mn->...n", inv, X, va, inv2, vb)
                  + _ein("...nm,...mk,...nk,...km,...mn->...n", inv2, inv, va, X, vb)
                  + _ein("...nm,...mk,...nm,...mk,...kn->...n", inv2, inv, va, X, vb))
            t = t1 + t2
            # (3) change of the velocity operators, d_a H'
            if D is not None:
                t = t + _ein("...nm,...nm,...mn->...n", inv2, D[a], vb) + _ein("...nm,...nm,...mn->...n",
                                                                              inv2, va, D[b])
            out[..., a, b] = t
    # trace over each level (sum over the bands of the level, broadcast back to every band)
    return np.einsum("...nm,...mab->...nab", fr.same, out)


@dataclass(frozen=True)
class GeometryResponse:
    """Level-traced geometry and its first-order responses at an array of k (band axis N; each band
    carries its level's trace; ``n_ops`` spin operators s^0..s^3).

    ``energy`` (*k, N) eV; ``degeneracy``, ``level`` (*k, N); ``velocity`` (*k, N, 2) eV nm
    (level-averaged d eps/dk); ``sbp`` (*k, N, n_ops, 2) nm/eV (Eq. 5); ``bcp`` (*k, N, 2, 2) nm^2/eV;
    ``spin`` (*k, N, n_ops); ``berry_curvature`` (*k, N) nm^2; ``quantum_metric`` (*k, N, 2, 2) nm^2.

    Responses (per unit perturbation):
    ``dOmega_dU`` (*k, N, n_ops) nm^2/eV and ``dg_dU`` (*k, N, n_ops, 2, 2): H' = U^eta s^eta, uniform;
    ``dOmega_dgradU`` (*k, N, n_ops, 2) nm^3/eV and ``dg_dgradU`` (*k, N, n_ops, 2, 2, 2) [..., c, a, b]:
    the coefficient of d_c U^eta (k-dependent U);
    ``dOmega_deE`` (*k, N, 2) nm^3/eV and ``dg_deE`` (*k, N, 2, 2, 2) [..., gamma, a, b]: H' = e E^gamma
    R^gamma per unit e E^gamma (eV/nm).
    """

    energy: np.ndarray
    level: np.ndarray
    degeneracy: np.ndarray
    velocity: np.ndarray
    sbp: np.ndarray
    bcp: np.ndarray
    spin: np.ndarray
    berry_curvature: np.ndarray
    quantum_metric: np.ndarray
    dOmega_dU: np.ndarray
    dg_dU: np.ndarray
    dOmega_dgradU: np.ndarray | None
    dg_dgradU: np.ndarray | None
    dOmega_deE: np.ndarray
    dg_deE: np.ndarray

    def delta_berry_connection(self, U, eE) -> np.ndarray:
        """delta A^a = U^eta S^{eta a} + e E^b G^{ba} (nm), shape (*k, N, 2) (paper Eq. 5, level-traced).
        ``U`` (*k, n_ops) or (n_ops,) in eV; ``eE`` (2,) in eV/nm."""
        U = np.asarray(U, dtype=float)
        return (np.einsum("...e,...nea->...na", U, self.sbp)
                + np.einsum("b,...nba->...na", np.asarray(eE, dtype=float), self.bcp))

    def delta_berry_curvature(self, U, eE, gradU=None) -> tuple:
        """(U part, E part) of delta Omega (nm^2), each (*k, N) (paper Eq. 6, level-traced).
        ``gradU`` (*k, n_ops, 2) eV nm: d_c U^eta (None for a uniform U)."""
        U = np.asarray(U, dtype=float)
        u = np.einsum("...e,...ne->...n", U, self.dOmega_dU)
        if gradU is not None:
            u = u + np.einsum("...ec,...nec->...n", np.asarray(gradU, dtype=float), self.dOmega_dgradU)
        return u, np.einsum("g,...ng->...n", np.asarray(eE, dtype=float), self.dOmega_deE)

    def delta_quantum_metric(self, U, eE, gradU=None) -> tuple:
        """(U part, E part) of delta g^{ab} (nm^2), each (*k, N, 2, 2) (the complete first-order change;
        see ``derivations/eq7_quantum_metric_shift.py`` for Eq. 7 as printed)."""
        U = np.asarray(U, dtype=float)
        u = np.einsum("...e,...neab->...nab", U, self.dg_dU)
        if gradU is not None:
            u = u + np.einsum("...ec,...necab->...nab", np.asarray(gradU, dtype=float), self.dg_dgradU)
        return u, np.einsum("g,...ngab->...nab", np.asarray(eE, dtype=float), self.dg_deE)


def response_of_frame(fr: EigenFrame, gradient: bool = True) -> GeometryResponse:
    """:class:`GeometryResponse` of an eigen frame (the frame needs ``hessian`` for the field part)."""
    bg = geometry_of_frame(fr)
    s = np.moveaxis(fr.spin, -3, 0)                      # (n_ops, *k, N, N)
    qU = qgt_response(fr, s, None)                       # (n_ops, *k, N, 2, 2)
    R = position_operator(fr)                            # (2, *k, N, N)
    dR = position_derivative(fr)                         # [a][gamma]
    qE = qgt_response(fr, R, dR)                         # D[a] carries the gamma channel axis
    dOm_U = np.moveaxis(-2 * np.imag(qU[..., 0, 1]), 0, -1)
    dg_U = np.moveaxis(np.real(qU), 0, -3)
    dOm_E = np.moveaxis(-2 * np.imag(qE[..., 0, 1]), 0, -1)
    dg_E = np.moveaxis(np.real(qE), 0, -3)
    dOm_G = dg_G = None
    if gradient:
        n_ops = s.shape[0]
        zero = np.zeros_like(s)
        # channel (c): d_a H' = delta_{ac} s^eta
        qG = np.stack([qgt_response(fr, zero, np.stack([s if a == c else zero for a in range(2)]))
                       for c in range(2)])              # (c, n_ops, *k, N, 2, 2)
        dOm_G = np.moveaxis(-2 * np.imag(qG[..., 0, 1]), (0, 1), (-1, -2))   # (*k, N, n_ops, c)
        dg_G = np.moveaxis(np.real(qG), (0, 1), (-3, -4))                    # (*k, N, n_ops, c, a, b)
        assert dg_G.shape[-4] == n_ops
    return GeometryResponse(energy=bg.energy, level=bg.level, degeneracy=bg.degeneracy, velocity=bg.velocity,
                            sbp=bg.sbp, bcp=bg.bcp, spin=bg.spin, berry_curvature=bg.berry_curvature,
                            quantum_metric=bg.quantum_metric, dOmega_dU=dOm_U, dg_dU=dg_U,
                            dOmega_dgradU=dOm_G, dg_dgradU=dg_G, dOmega_deE=dOm_E, dg_deE=dg_E)


def geometry_response(model, kx, ky, values, *, degeneracy_tol: float = DEFAULT_DEGENERACY_TOL, ham=None,
                      gauge=None, gradient: bool = True) -> GeometryResponse:
    """Level-traced geometry of ``model`` at k = (kx, ky) (1/nm; arrays broadcast) with parameter
    ``values`` (eV, eV nm), and its first-order responses to U^eta s^eta (uniform and gradient
    channels) and to e E.r (:class:`GeometryResponse`; paper Eqs. 5-7).  ``gauge`` rotates the
    eigenvectors (degenerate subspaces) before use; every result is gauge invariant."""
    fr = eigen_frame(model, kx, ky, values, degeneracy_tol=degeneracy_tol, ham=ham, gauge=gauge, hessian=True)
    return response_of_frame(fr, gradient=gradient)


__all__ = ["GeometryResponse", "geometry_response", "position_derivative", "position_operator", "qgt_response",
           "response_of_frame"]
