"""Independent reference path: direct diagonalisation (numpy ``eigh``).

Shares nothing with the symbolic path but the model definition: H(k) and
v^a = dH/dk_a are evaluated numerically, diagonalised, and the band geometry is
assembled from velocity and spin matrix elements in the eigenbasis:

* Omega_n = -2 Im sum_m v^x_nm v^y_mn / eps_nm^2           (nm^2)
* g^{ab}_n = Re sum_m v^a_nm v^b_mn / eps_nm^2              (nm^2)
* G^{ab}_n = 2 Re sum_m v^a_nm v^b_mn / eps_nm^3            (nm^2/eV)
* S^{eta a}_n = -2 Im sum_m s^eta_nm v^a_mn / eps_nm^2      (nm/eV; paper Eq. 5)
* <s^eta>_n = Re s^eta_nn                                    (dimensionless)

where the sums skip every m degenerate with n.  Degeneracy is decided by an
explicit tolerance ``degeneracy_tol`` (eV), never by exact float comparison, and
every quantity is summed over its degenerate subspace (the gauge-invariant
trace).  Vectorised over arbitrary arrays of k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..models.base import SymbolicModel
from .hamiltonian import NumericHamiltonian, param_vector

DEFAULT_DEGENERACY_TOL = 1e-8  # eV


@dataclass(frozen=True)
class BandGeometry:
    """Band geometry at an array of k, from direct diagonalisation.

    Arrays have shape ``(*k, N)`` (band axis last, then components): each band
    carries the trace over its degenerate level, so bands of one level hold equal
    values.  ``level`` numbers the distinct levels from 0 (ascending energy) and
    ``degeneracy`` is the size of each band's level.
    """

    energy: np.ndarray           # (*k, N) eV
    level: np.ndarray            # (*k, N) int
    degeneracy: np.ndarray       # (*k, N) int
    berry_curvature: np.ndarray  # (*k, N) nm^2
    quantum_metric: np.ndarray   # (*k, N, 2, 2) nm^2
    bcp: np.ndarray              # (*k, N, 2, 2) nm^2/eV
    sbp: np.ndarray              # (*k, N, n_ops, 2) nm/eV (n_ops = len(model.spin), 4 for s^0..s^3)
    spin: np.ndarray             # (*k, N, n_ops)
    velocity: np.ndarray         # (*k, N, 2) eV nm: d eps/d k_a, Re <n|v^a|n> averaged over the level

    def quantity(self, name: str) -> np.ndarray:
        return getattr(self, name.replace("-", "_"))

    def per_level(self, pattern: tuple | None = None):
        """The same geometry per level, as the kernels give it: a
        :class:`~symenh.kernels.numeric.LevelGeometry` whose arrays are (*k, L, *components), levels
        ascending, grouped by ``pattern`` (degeneracies; default: the pattern at the first k)."""
        from .numeric import _levels_from_bands

        if pattern is None:
            first = self.energy.reshape(-1, self.energy.shape[-1])[0]
            pattern = tuple(int(x) for x in np.bincount(self.level.reshape(-1, first.size)[0]))
        if sum(pattern) != self.energy.shape[-1]:
            raise ParameterError(f"pattern: degeneracies {pattern} do not add up to {self.energy.shape[-1]} bands")
        return _levels_from_bands(self, tuple(pattern))

    def levels(self, name: str, index=()) -> list:
        """[(energy in eV, degeneracy, traced value in the quantity's unit), ...] of the distinct
        levels at one k (``index``), ascending."""
        lv = self.level[index]
        out = []
        for L in range(int(lv.max()) + 1):
            n = int(np.flatnonzero(lv == L)[0])
            out.append((float(self.energy[index][n]), int(self.degeneracy[index][n]),
                        np.asarray(self.quantity(name)[index][n])))
        return out


def eigensystem(ham: NumericHamiltonian, kx, ky, params):
    """Energies (*k, N) in eV and eigenvectors (*k, N, N) (columns), ascending."""
    return np.linalg.eigh(ham.H(kx, ky, params))


@dataclass(frozen=True)
class EigenFrame:
    """The eigen-decomposition of H at an array of k, and the matrix elements in its eigenbasis.

    ``energy`` (*k, N) eV ascending; ``vectors`` (*k, N, N) eigenvectors as columns (after the
    ``gauge`` hook); ``v`` (2, *k, N, N) velocity matrices v^a_nm = <n|dH/dk_a|m> (eV nm);
    ``spin`` (*k, n_ops, N, N) s^eta_nm (dimensionless); ``hessian`` (2, 2, *k, N, N)
    <n|d_a d_b H|m> (eV nm^2) or None; ``level`` (*k, N) distinct-level index (ascending, levels
    closer than the degeneracy tolerance merged); ``same`` (*k, N, N) 1.0 where n and m belong to
    one level; ``inv`` (*k, N, N) 1/(E_n - E_m) (1/eV) for n, m in different levels, 0 within a level.
    """

    energy: np.ndarray
    vectors: np.ndarray
    v: np.ndarray
    spin: np.ndarray
    hessian: np.ndarray | None
    level: np.ndarray
    same: np.ndarray
    inv: np.ndarray

    @property
    def degeneracy(self) -> np.ndarray:
        """(*k, N) int: the size of each band's level."""
        return self.same.sum(-1).astype(int)

    def trace(self, x: np.ndarray) -> np.ndarray:
        """Sum each band's value over its level; ``x`` has shape (*k, N, *components)."""
        flat = x.reshape(self.energy.shape + (-1,))
        return np.einsum("...nm,...mc->...nc", self.same, flat).reshape(x.shape)

    def to_orbital(self, m: np.ndarray) -> np.ndarray:
        """An eigenbasis matrix (..., *k, N, N) as an operator in the model's basis: V m V^dagger."""
        V = self.vectors
        return V @ m @ np.conj(np.swapaxes(V, -1, -2))


def frame_from_matrices(Hk, v, spin, *, degeneracy_tol: float = DEFAULT_DEGENERACY_TOL, hessian=None,
                        gauge=None) -> EigenFrame:
    """:class:`EigenFrame` from H (*k, N, N) in eV, v = (dH/dk_x, dH/dk_y) (each (*k, N, N), eV nm),
    the spin operators (n_ops, N, N) and optionally the second derivatives ``hessian[a][b]`` (eV nm^2),
    all in the model's basis.  ``gauge(U, eps)`` may rotate the eigenvectors (degenerate subspaces)."""
    if not degeneracy_tol > 0:
        raise ParameterError(f"degeneracy_tol: must be positive (eV), got {degeneracy_tol}")
    eps, U = np.linalg.eigh(Hk)
    if gauge is not None:
        U = gauge(U, eps)
    Ud = np.conj(np.swapaxes(U, -1, -2))
    vv = np.stack([Ud @ v[a] @ U for a in range(2)])
    s = np.einsum("...ij,ejk,...kl->...eil", Ud, spin, U)  # (*k, n_ops, N, N)
    hh = None
    if hessian is not None:
        hh = np.stack([np.stack([Ud @ hessian[a][b] @ U for b in range(2)]) for a in range(2)])
    de = eps[..., :, None] - eps[..., None, :]           # eps_n - eps_m
    step = np.diff(eps, axis=-1) >= degeneracy_tol
    level = np.concatenate([np.zeros(eps.shape[:-1] + (1,), int), np.cumsum(step, axis=-1)], axis=-1)
    same = (level[..., :, None] == level[..., None, :]).astype(float)   # (*k, N, N)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(same > 0, 0.0, 1.0 / np.where(same > 0, 1.0, de))
    return EigenFrame(energy=eps, vectors=U, v=vv, spin=s, hessian=hh, level=level, same=same, inv=inv)


def eigen_frame(model: SymbolicModel, kx, ky, values, *, degeneracy_tol: float = DEFAULT_DEGENERACY_TOL,
                ham: NumericHamiltonian | None = None, gauge=None, hessian: bool = False) -> EigenFrame:
    """:class:`EigenFrame` of ``model`` at k = (kx, ky) (1/nm) with parameter ``values`` (eV, eV nm);
    ``hessian=True`` adds the eigenbasis second derivatives <n|d_a d_b H|m> (eV nm^2)."""
    ham = ham or NumericHamiltonian.build(model)
    params = param_vector(model, values)
    hs = None
    if hessian:
        hs = [[ham.hessian(a, b, kx, ky, params) for b in range(2)] for a in range(2)]
    return frame_from_matrices(ham.H(kx, ky, params), [ham.velocity(a, kx, ky, params) for a in range(2)],
                               ham.spin(), degeneracy_tol=degeneracy_tol, hessian=hs, gauge=gauge)


def geometry_of_frame(fr: EigenFrame) -> BandGeometry:
    """The level-traced :class:`BandGeometry` (formulas of the module docstring) of an eigen frame."""
    eps, v, s, inv = fr.energy, fr.v, fr.spin, fr.inv
    inv2, inv3 = inv**2, inv**3
    trace = fr.trace
    pxy = v[0] * np.swapaxes(v[1], -1, -2)                # v^x_nm v^y_mn
    omega = -2 * np.imag(np.sum(pxy * inv2, axis=-1))
    g = np.empty(eps.shape + (2, 2))
    G = np.empty(eps.shape + (2, 2))
    for a in range(2):
        for b in range(2):
            p = np.real(v[a] * np.swapaxes(v[b], -1, -2))
            g[..., a, b] = np.sum(p * inv2, axis=-1)
            G[..., a, b] = 2 * np.sum(p * inv3, axis=-1)
    S = np.empty(eps.shape + (s.shape[-3], 2))     # one row per spin (channel) operator
    for a in range(2):
        # s^eta_nm v^a_mn, summed over m
        S[..., a] = np.moveaxis(-2 * np.imag(np.sum(s * np.swapaxes(v[a], -1, -2)[..., None, :, :]
                                                    * inv2[..., None, :, :], axis=-1)), -2, -1)
    spin = np.real(np.diagonal(s, axis1=-2, axis2=-1))    # (*k, 4, N)
    spin = np.moveaxis(spin, -2, -1)                      # (*k, N, 4)
    degeneracy = fr.degeneracy
    # band velocities (Hellmann-Feynman), averaged over each degenerate level
    vel = np.stack([np.real(np.diagonal(v[a], axis1=-2, axis2=-1)) for a in range(2)], axis=-1)
    return BandGeometry(energy=eps, level=fr.level, degeneracy=degeneracy,
                        berry_curvature=trace(omega), quantum_metric=trace(g), bcp=trace(G),
                        sbp=trace(S), spin=trace(spin), velocity=trace(vel) / degeneracy[..., None])


def band_geometry(model: SymbolicModel, kx, ky, values, *, degeneracy_tol: float = DEFAULT_DEGENERACY_TOL,
                  ham: NumericHamiltonian | None = None, gauge=None) -> BandGeometry:
    """Band geometry of ``model`` at k = (kx, ky) (1/nm) by direct diagonalisation.

    ``values`` maps the model's parameter symbols (or names) to numbers in the
    model's units (eV, eV nm).  ``gauge``, if given, is a callable applied to the
    eigenvector array (*k, N, N) before use (tests rotate degenerate subspaces
    with it; every returned quantity is gauge invariant).
    """
    return geometry_of_frame(eigen_frame(model, kx, ky, values, degeneracy_tol=degeneracy_tol, ham=ham,
                                         gauge=gauge))
