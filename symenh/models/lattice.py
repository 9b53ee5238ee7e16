"""Lattice geometry of a Bloch Hamiltonian: lattice and reciprocal vectors, the Brillouin-zone cell,
its sampling, and the periodicity check H(k + b_i) = H(k).

Units: lattice vectors a_i in nm, reciprocal vectors b_i in 1/nm with a_i . b_j = 2 pi delta_ij.
The zone used for integrals is the reciprocal unit cell {u1 b1 + u2 b2 : 0 <= u_i < 1} (any unit
cell of the reciprocal lattice integrates a periodic function to the same value; fractional
coordinates u_i make a periodic function a function on the torus [0, 1)^2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import ModelError

#: |a1 x a2| below this fraction of |a1| |a2| is a degenerate (collinear) pair of lattice vectors
DEGENERATE_RTOL = 1e-9
#: H(k + b_i) - H(k) must stay below this times (1 + max|H|) at every test point (relative, entry-wise)
PERIODIC_RTOL = 1e-9
#: number of random (k, parameter) test points of the periodicity check
PERIODIC_POINTS = 12


@dataclass(frozen=True)
class Lattice:
    """A 2D Bravais lattice: primitive vectors ``a1``, ``a2`` (nm)."""

    a1: tuple
    a2: tuple

    @property
    def vectors(self) -> np.ndarray:
        """(2, 2) array, row i = a_i (nm)."""
        return np.array([self.a1, self.a2], dtype=float)

    @property
    def cell_area_nm2(self) -> float:
        """|a1 x a2| (nm^2)."""
        a = self.vectors
        return float(abs(a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]))

    @property
    def reciprocal(self) -> np.ndarray:
        """(2, 2) array, row i = b_i (1/nm) with a_i . b_j = 2 pi delta_ij."""
        return 2.0 * np.pi * np.linalg.inv(self.vectors).T

    @property
    def bz_area_per_nm2(self) -> float:
        """Area of the Brillouin zone |b1 x b2| = (2 pi)^2 / |a1 x a2| (1/nm^2)."""
        return 4.0 * np.pi**2 / self.cell_area_nm2

    def to_k(self, u1, u2):
        """Cartesian k (1/nm) of fractional coordinates: k = u1 b1 + u2 b2."""
        b = self.reciprocal
        u1, u2 = np.broadcast_arrays(np.asarray(u1, dtype=float), np.asarray(u2, dtype=float))
        return u1 * b[0, 0] + u2 * b[1, 0], u1 * b[0, 1] + u2 * b[1, 1]

    def to_fractional(self, kx, ky):
        """Fractional coordinates (u1, u2) of k: u_i = k . a_i / (2 pi)."""
        a = self.vectors
        kx, ky = np.asarray(kx, dtype=float), np.asarray(ky, dtype=float)
        return ((kx * a[0, 0] + ky * a[0, 1]) / (2 * np.pi), (kx * a[1, 0] + ky * a[1, 1]) / (2 * np.pi))

    def cell_grid(self, n1: int, n2: int, offset=(0.0, 0.0)):
        """The periodic n1 x n2 sample of the zone: k at u = (offset + (i, j)) / (n1, n2), flattened
        (kx, ky in 1/nm), and the weight of one point in int d^2k/(2 pi)^2 (1/nm^2).  The plain sum
        is the periodic trapezoid rule (exponentially convergent for an analytic periodic integrand)."""
        i, j = np.meshgrid(np.arange(n1), np.arange(n2), indexing="ij")
        kx, ky = self.to_k((i + offset[0]) / n1, (j + offset[1]) / n2)
        return kx.ravel(), ky.ravel(), self.bz_area_per_nm2 / (4 * np.pi**2 * n1 * n2)

    def describe(self) -> str:
        return f"a1 = ({self.a1[0]:g}, {self.a1[1]:g}) nm, a2 = ({self.a2[0]:g}, {self.a2[1]:g}) nm"


def check_lattice_vectors(vectors, name: str = "lattice_vectors") -> Lattice:
    """A :class:`Lattice` from ((a1x, a1y), (a2x, a2y)) in nm; one-line :class:`ModelError` for a wrong
    shape, a non-real or non-finite entry, a zero vector or two collinear vectors."""
    if isinstance(vectors, (str, bytes)):
        raise ModelError(f"{name}: expected ((a1x, a1y), (a2x, a2y)) in nm, got {vectors!r}")
    try:
        rows = [list(v) for v in vectors]
    except TypeError:
        raise ModelError(f"{name}: expected ((a1x, a1y), (a2x, a2y)) in nm, got {vectors!r}") from None
    if len(rows) != 2 or any(len(r) != 2 for r in rows):
        raise ModelError(f"{name}: expected two 2-component vectors ((a1x, a1y), (a2x, a2y)) in nm, got {vectors!r}")
    vals = []
    for r in rows:
        for x in r:
            if isinstance(x, (bool, np.bool_, str)):
                raise ModelError(f"{name}: entries must be real numbers (nm), got {x!r}")
            try:
                v = float(x)
            except (TypeError, ValueError):
                raise ModelError(f"{name}: entries must be real numbers (nm), got {x!r}") from None
            if not np.isfinite(v):
                raise ModelError(f"{name}: entries must be finite (nm), got {x!r}")
            vals.append(v)
    a = np.array(vals).reshape(2, 2)
    norms = np.linalg.norm(a, axis=1)
    if np.any(norms == 0):
        raise ModelError(f"{name}: a lattice vector is zero; give two non-collinear vectors (nm)")
    cross = abs(a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0])
    if cross <= DEGENERATE_RTOL * norms[0] * norms[1]:
        raise ModelError(f"{name}: the vectors ({a[0, 0]:g}, {a[0, 1]:g}) and ({a[1, 0]:g}, {a[1, 1]:g}) nm are collinear (degenerate "
                         "lattice, |a1 x a2| = 0); give two non-collinear vectors")
    return Lattice(tuple(float(x) for x in a[0]), tuple(float(x) for x in a[1]))


def check_periodic(matrix: sp.Matrix, k: tuple, params: tuple, lattice: Lattice, *, seed: int = 0) -> None:
    """Raise a one-line :class:`ModelError` unless H(k + b_i) = H(k) for i = 1, 2.

    Checked numerically at :data:`PERIODIC_POINTS` random k in the zone and random parameter values
    in [0.5, 2] (a fixed seed): every entry of H(k + b_i) - H(k) must be below
    :data:`PERIODIC_RTOL` (1 + max|H(k)|).  A matrix with a polynomial (k.p) term fails by O(|b_i| k)."""
    f = sp.lambdify((*k, *params), sp.Matrix(matrix), "numpy")
    rng = np.random.default_rng(seed)
    b = lattice.reciprocal
    for _ in range(PERIODIC_POINTS):
        u = rng.uniform(0.0, 1.0, 2)
        kx, ky = lattice.to_k(u[0], u[1])
        p = tuple(rng.uniform(0.5, 2.0, len(params)))
        with np.errstate(all="ignore"):
            h0 = np.asarray(f(float(kx), float(ky), *p), dtype=complex)
            if not np.all(np.isfinite(h0)):
                continue
            scale = 1.0 + float(np.max(np.abs(h0)))
            for i in range(2):
                h1 = np.asarray(f(float(kx + b[i, 0]), float(ky + b[i, 1]), *p), dtype=complex)
                dev = float(np.max(np.abs(h1 - h0)))
                if not dev <= PERIODIC_RTOL * scale:
                    raise ModelError(f"lattice_vectors: the matrix is not periodic under the reciprocal vector "
                                     f"b{i + 1} = ({b[i, 0]:.6g}, {b[i, 1]:.6g}) /nm of {lattice.describe()} "
                                     f"(|H(k + b{i + 1}) - H(k)| = {dev:.3g} eV at k = ({float(kx):.4g}, "
                                     f"{float(ky):.4g}) /nm); a Bloch Hamiltonian must use exp(i k.a) or "
                                     "sin/cos(k.a) of the lattice vectors")
