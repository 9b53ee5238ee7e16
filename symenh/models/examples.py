r"""Example models beyond the paper's two (physics.md section 9), built with :func:`from_matrix`.

* :func:`lattice_tilted_dirac` / :func:`lattice_pt_dirac`: square-lattice regularisations of H_T and
  H_PT.  ``hbar v k_i -> (hbar v / a) sin(k_i a)``, the tilt ``alpha k_y -> (alpha / a) sin(k_y a)``,
  and a Wilson mass ``(2 B / a^2)(2 - cos k_x a - cos k_y a)`` added to Delta (it gaps the doublers
  at the zone boundary).  As a -> 0 they tend to
* :func:`k2_tilted_dirac` / :func:`k2_pt_dirac`: the continuum models with the extra ``B k^2 s_z``
  (k.p models).  Expanding, sin(k a)/a = k - k^3 a^2/6 + O(a^4) and
  (2/a^2)(1 - cos k a) = k^2 - k^4 a^2/12 + O(a^4): the lattice Hamiltonian differs from the
  continuum one by ``a^2 P(k)`` + O(a^4) with P a polynomial of degree 3 (velocity, tilt) and 4
  (mass); every response therefore converges at O(a^2) (checked in tests/test_lattice_limit.py).
* :func:`warped_dirac`: a k.p Dirac cone with hexagonal warping
  ``lambda (k_x^3 - 3 k_x k_y^2) s_z`` (Fu, PRL 103, 266801 (2009)).

Units: k in 1/nm, a in nm, Delta in eV, hbar v and alpha in eV nm, B in eV nm^2, lambda in eV nm^3.
The parameter symbols are the paper's (``Delta``, ``hbar_v_x``, ``hbar_v_y``, ``alpha``) plus
:data:`B` and :data:`LAMBDA`; pass their values as ``model_values`` to :func:`symenh.sigma`.
"""

from __future__ import annotations

import numbers

import sympy as sp

from .base import ModelError, SymbolicModel, from_matrix
from .symbols import ALPHA, DELTA, HVX, HVY, KX, KY, PAULI

#: Wilson-mass (and continuum k^2-mass) coefficient, eV nm^2
B = sp.Symbol("B", real=True)
#: hexagonal-warping coefficient, eV nm^3
LAMBDA = sp.Symbol("lambda", real=True)

S0, S1, S2, S3 = PAULI
_TAU_Y = PAULI[2]


def _valley(valley) -> int:
    if isinstance(valley, bool) or not isinstance(valley, numbers.Integral) or valley not in (1, -1):
        raise ModelError(f"valley: must be +1 or -1, got {valley!r}")
    return int(valley)


def _lattice_constant(a_nm) -> sp.Rational:
    if isinstance(a_nm, bool) or not isinstance(a_nm, numbers.Real) or not 0 < float(a_nm) < 1e3:
        raise ModelError(f"a_nm: the lattice constant must be a real number in (0, 1000) nm, got {a_nm!r}")
    return sp.Rational(str(float(a_nm)))


def _pt_spin():
    kron = sp.kronecker_product
    return tuple(sp.ImmutableMatrix(kron(S0, s)) for s in PAULI[1:])


def lattice_tilted_dirac(a_nm: float, valley: int = 1) -> SymbolicModel:
    r"""One valley of the square-lattice H_T (lattice constant ``a_nm``, nm):

    .. math:: \frac{\hbar v_x}{a}\sin(k_x a) s_y - \xi\frac{\hbar v_y}{a}\sin(k_y a) s_x
              + \Big[\Delta + \frac{2B}{a^2}(2 - \cos k_x a - \cos k_y a)\Big] s_z
              + \xi\frac{\alpha}{a}\sin(k_y a)

    Time reversal maps valley xi at k to -xi at -k, as for H_T; use both valleys
    (:func:`lattice_tilted_dirac_valleys`) for the T-symmetric system."""
    xi, a = _valley(valley), _lattice_constant(a_nm)
    mass = DELTA + 2 * B / a**2 * (2 - sp.cos(KX * a) - sp.cos(KY * a))
    H = (HVX / a * sp.sin(KX * a) * S2 - xi * HVY / a * sp.sin(KY * a) * S1 + mass * S3
         + xi * ALPHA / a * sp.sin(KY * a) * S0)
    return from_matrix(H, kx=KX, ky=KY, params=(DELTA, HVX, HVY, B, ALPHA), tilt_symbol=ALPHA,
                       name=f"lattice-tilted-dirac[a={float(a_nm):g}nm,xi={xi:+d}]",
                       reference="physics.md section 9: lattice regularisation of H_T",
                       lattice_vectors=((float(a_nm), 0.0), (0.0, float(a_nm))))


def lattice_tilted_dirac_valleys(a_nm: float) -> tuple:
    """Both valleys (xi = +1, -1) of :func:`lattice_tilted_dirac`, to sum over."""
    return (lattice_tilted_dirac(a_nm, 1), lattice_tilted_dirac(a_nm, -1))


def lattice_pt_dirac(a_nm: float) -> SymbolicModel:
    r"""The square-lattice H_PT (lattice constant ``a_nm``, nm), spin operators tau_0 (x) s^eta:

    .. math:: \tau_y\otimes\Big[\frac{\hbar v_x}{a}\sin(k_x a) s_x + \frac{\hbar v_y}{a}\sin(k_y a) s_y
              + \Big(\Delta + \frac{2B}{a^2}(2 - \cos k_x a - \cos k_y a)\Big) s_z\Big] + \frac{\alpha}{a}\sin(k_y a)

    PT symmetric (every band doubly degenerate), like H_PT."""
    a = _lattice_constant(a_nm)
    kron = sp.kronecker_product
    mass = DELTA + 2 * B / a**2 * (2 - sp.cos(KX * a) - sp.cos(KY * a))
    d = HVX / a * sp.sin(KX * a) * S1 + HVY / a * sp.sin(KY * a) * S2 + mass * S3
    H = sp.Matrix(kron(_TAU_Y, d)) + ALPHA / a * sp.sin(KY * a) * sp.eye(4)
    return from_matrix(H, kx=KX, ky=KY, spin=_pt_spin(), params=(DELTA, HVX, HVY, B, ALPHA), tilt_symbol=ALPHA,
                       name=f"lattice-pt-dirac[a={float(a_nm):g}nm]",
                       reference="physics.md section 9: lattice regularisation of H_PT",
                       lattice_vectors=((float(a_nm), 0.0), (0.0, float(a_nm))))


def k2_tilted_dirac(valley: int = 1) -> SymbolicModel:
    r"""One valley of H_T with the k^2 mass (the a -> 0 limit of :func:`lattice_tilted_dirac`, a k.p model):
    ``hbar v_x k_x s_y - xi hbar v_y k_y s_x + (Delta + B k^2) s_z + xi alpha k_y`` (paper's H_T plus the
    physics.md 9 mass term; k in 1/nm, energies eV, hbar v and alpha in eV nm, B in eV nm^2)."""
    xi = _valley(valley)
    H = (HVX * KX * S2 - xi * HVY * KY * S1 + (DELTA + B * (KX**2 + KY**2)) * S3 + xi * ALPHA * KY * S0)
    return from_matrix(H, kx=KX, ky=KY, params=(DELTA, HVX, HVY, B, ALPHA), tilt_symbol=ALPHA,
                       name=f"k2-tilted-dirac[xi={xi:+d}]", reference="physics.md section 9: H_T + B k^2 s_z")


def k2_tilted_dirac_valleys() -> tuple:
    """Both valleys of :func:`k2_tilted_dirac`."""
    return (k2_tilted_dirac(1), k2_tilted_dirac(-1))


def k2_pt_dirac() -> SymbolicModel:
    r"""H_PT with the k^2 mass (the a -> 0 limit of :func:`lattice_pt_dirac`, a k.p model):
    ``tau_y (x) (hbar v_x k_x s_x + hbar v_y k_y s_y + (Delta + B k^2) s_z) + alpha k_y`` (paper's H_PT plus the
    physics.md 9 mass term; k in 1/nm, energies eV, hbar v and alpha in eV nm, B in eV nm^2)."""
    kron = sp.kronecker_product
    d = HVX * KX * S1 + HVY * KY * S2 + (DELTA + B * (KX**2 + KY**2)) * S3
    H = sp.Matrix(kron(_TAU_Y, d)) + ALPHA * KY * sp.eye(4)
    return from_matrix(H, kx=KX, ky=KY, spin=_pt_spin(), params=(DELTA, HVX, HVY, B, ALPHA), tilt_symbol=ALPHA,
                       name="k2-pt-dirac", reference="physics.md section 9: H_PT + B k^2 s_z")


def warped_dirac() -> SymbolicModel:
    r"""A massive Dirac cone with hexagonal warping and a tilt (k.p; Fu, PRL 103, 266801 (2009)):
    ``hbar v_x k_x s_y - hbar v_y k_y s_x + (Delta + lambda (k_x^3 - 3 k_x k_y^2)) s_z + alpha k_y``
    (lambda in eV nm^3).  The warping term is C3 symmetric; it makes the Fermi contour hexagonal."""
    H = (HVX * KX * S2 - HVY * KY * S1 + (DELTA + LAMBDA * (KX**3 - 3 * KX * KY**2)) * S3 + ALPHA * KY * S0)
    return from_matrix(H, kx=KX, ky=KY, params=(DELTA, HVX, HVY, LAMBDA, ALPHA), tilt_symbol=ALPHA,
                       name="warped-dirac", reference="Fu, PRL 103, 266801 (2009): hexagonal warping")
