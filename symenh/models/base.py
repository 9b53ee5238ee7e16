"""A k.p Hamiltonian stored as scalar SymPy coefficients times constant matrices.

``H(k) = sum_i c_i(k, params) M_i`` with constant matrices ``M_i``.  Each scalar
coefficient can be lambdified on its own and contracted with the constant
matrices, so numeric kernels broadcast over arrays of k (a lambdified
``sympy.Matrix`` with constant entries would not).

Units of the symbols used by the paper's models (see :mod:`symenh.models.symbols`):
k in 1/nm, energies (Delta) in eV, hbar v and the tilt alpha in eV nm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ..errors import ModelError
from .symbols import KX, KY


@dataclass(frozen=True)
class SymbolicModel:
    """A Bloch Hamiltonian ``H(k) = sum coefficient * matrix`` with spin operators.

    Attributes
    ----------
    name : short identifier, e.g. ``"pt-dirac"``.
    terms : ((coefficient, matrix), ...); coefficients are SymPy expressions in
        ``k`` and ``params``, matrices are constant ``ImmutableMatrix`` (N x N).
    spin : (s^0, s^1, s^2, s^3) as constant N x N matrices; s^0 is the identity.  Any other
        tuple of constant Hermitian matrices is allowed too (e.g. the orthonormal channels of
        the complete Fock exchange): the SBP and expectation values are taken of each.
    params : the symbols other than k the coefficients depend on, in a fixed order.
    tilt_symbol : the symbol whose linear order is taken in the responses (alpha),
        or ``None``.  It may only multiply the identity (it shifts energies but
        leaves eigenstates unchanged); :func:`from_matrix` checks this.
    latex : the Hamiltonian as printed LaTeX (for documentation).
    reference : where the model comes from.
    """

    name: str
    terms: tuple
    spin: tuple
    params: tuple
    tilt_symbol: sp.Symbol | None = None
    latex: str = ""
    reference: str = ""
    k: tuple = field(default=(KX, KY))
    lattice: object = None  # a symenh.models.lattice.Lattice for a Bloch Hamiltonian periodic in k, else None

    @property
    def dim(self) -> int:
        """Number of bands N."""
        return self.terms[0][1].shape[0]

    def matrix(self) -> sp.ImmutableMatrix:
        """H(k) as one SymPy matrix."""
        out = sp.zeros(self.dim, self.dim)
        for coeff, mat in self.terms:
            out += coeff * mat
        return sp.ImmutableMatrix(out)

    def velocity(self, a: int) -> sp.ImmutableMatrix:
        """v^a = dH/dk_a (a = 0 for x, 1 for y), in eV nm."""
        return sp.ImmutableMatrix(self.matrix().diff(self.k[a]))

    def identity_part(self) -> sp.Expr:
        """The scalar part Tr H / N (energy shift common to all bands), in eV."""
        return sp.expand(self.matrix().trace() / self.dim)

    def tilt(self) -> sp.Expr:
        """The tilt term t(k) = alpha d(Tr H/N)/d alpha (exactly linear in alpha), in eV."""
        if self.tilt_symbol is None:
            return sp.Integer(0)
        return sp.expand(self.tilt_symbol * sp.diff(self.identity_part(), self.tilt_symbol))

    def source(self) -> str:
        """A stable text fingerprint of the model (keys on-disk caches)."""
        parts = [self.name, str(self.params), str(self.tilt_symbol)]
        parts += [f"{sp.srepr(c)}*{sp.srepr(m)}" for c, m in self.terms]
        parts += [sp.srepr(s) for s in self.spin]
        if self.lattice is not None:
            parts.append(f"lattice {self.lattice.a1!r} {self.lattice.a2!r}")
        return "\n".join(parts)


def decompose(matrix: sp.Matrix, symbols) -> tuple:
    """Split a SymPy matrix into ((coefficient, constant matrix), ...).

    The basis is the elementary matrices: each entry's real and imaginary parts
    become separate scalar coefficients.  Entries are expanded so every term is
    a product of a scalar coefficient (depending on ``symbols``) and a constant.
    """
    n = matrix.shape[0]
    terms = []
    for i in range(n):
        for j in range(n):
            entry = sp.expand(matrix[i, j])
            if entry == 0:
                continue
            re, im = entry.as_real_imag()
            for part, phase in ((sp.simplify(re), 1), (sp.simplify(im), sp.I)):
                if part != 0:
                    unit = sp.zeros(n, n)
                    unit[i, j] = phase
                    terms.append((part, sp.ImmutableMatrix(unit)))
    return tuple(terms)


def check_hermitian(matrix: sp.Matrix, name: str = "H") -> None:
    """Raise :class:`ModelError` unless ``matrix`` equals its conjugate transpose
    for real values of all its symbols."""
    if matrix.shape[0] != matrix.shape[1]:
        raise ModelError(f"{name}: must be a square matrix, got shape {matrix.shape}")
    realsubs = {s: sp.Symbol(s.name, real=True) for s in matrix.free_symbols}
    m = matrix.subs(realsubs)
    diff = (m - m.H).applyfunc(sp.simplify)
    if diff != sp.zeros(*m.shape):
        bad = [(i, j) for i in range(m.shape[0]) for j in range(m.shape[1]) if diff[i, j] != 0]
        i, j = bad[0]
        raise ModelError(f"{name}: the matrix is not Hermitian (entry [{i},{j}] is not the "
                         f"complex conjugate of entry [{j},{i}]); a Bloch Hamiltonian must be Hermitian")


def from_matrix(matrix, *, kx: sp.Symbol, ky: sp.Symbol, spin=None, params=(),
                tilt_symbol=None, name: str = "user", reference: str = "user model",
                lattice_vectors=None) -> SymbolicModel:
    """Build a :class:`SymbolicModel` from a user's SymPy matrix in ``kx``, ``ky``.

    Parameters
    ----------
    matrix : N x N SymPy matrix, Hermitian for real k and real parameters (eV).
    kx, ky : the SymPy symbols used for the momentum components (1/nm).
    spin : (s^1, s^2, s^3) or (s^0, s^1, s^2, s^3) constant N x N Hermitian
        matrices; default: the Pauli matrices for N = 2 (required otherwise).
    params : symbols other than k (any order); numeric values are supplied later.
    tilt_symbol : the symbol of the tilt (optional); it may appear only in the
        identity part of H.
    lattice_vectors : ((a1x, a1y), (a2x, a2y)) in nm for a lattice (tight-binding) model: the
        matrix is then a Bloch Hamiltonian, periodic under the reciprocal lattice, and integrals
        run over the Brillouin zone (:mod:`symenh.models.lattice`).  Checked numerically at random
        k (:func:`symenh.models.lattice.check_periodic`, relative tolerance 1e-9).

    Raises :class:`ModelError` for a non-Hermitian matrix, spin operators of
    the wrong shape, degenerate or non-finite lattice vectors, or a matrix not periodic under them.
    """
    from .symbols import PAULI, real_symbol

    matrix = sp.Matrix(matrix)
    check_hermitian(matrix, "matrix")
    n = matrix.shape[0]
    ren = {kx: KX, ky: KY}
    ren.update({p: real_symbol(p) for p in params})
    matrix = matrix.subs(ren)
    params = tuple(real_symbol(p) for p in params)
    tilt = real_symbol(tilt_symbol) if tilt_symbol is not None else None
    unknown = matrix.free_symbols - {KX, KY} - set(params)
    if unknown:
        raise ModelError(f"matrix: symbols {sorted(map(str, unknown))} are neither k nor listed in params")
    if spin is None:
        if n != 2:
            raise ModelError(f"spin: required for an {n}-band model (give s^1, s^2, s^3 as {n}x{n} matrices)")
        spin = PAULI[1:]
    spin = [sp.ImmutableMatrix(s) for s in spin]
    if len(spin) == 3:
        spin = [sp.ImmutableMatrix(sp.eye(n))] + spin
    if len(spin) != 4 or any(s.shape != (n, n) for s in spin):
        raise ModelError(f"spin: need three (or four, with s^0) constant {n}x{n} matrices")
    for i, s in enumerate(spin):
        if s.free_symbols:
            raise ModelError(f"spin: s^{i} must be a constant matrix")
        check_hermitian(sp.Matrix(s), f"spin s^{i}")
    if tilt is not None:
        traceless = matrix - sp.eye(n) * matrix.trace() / n
        if any(sp.simplify(e.diff(tilt)) != 0 for e in traceless):
            raise ModelError(f"tilt_symbol: {tilt} must only multiply the identity (a pure energy shift)")
    lattice = None
    if lattice_vectors is not None:
        from .lattice import check_lattice_vectors, check_periodic
        lattice = check_lattice_vectors(lattice_vectors)
        check_periodic(matrix, (KX, KY), params, lattice)
    return SymbolicModel(name=name, terms=decompose(matrix, (KX, KY) + params), spin=tuple(spin),
                         params=params, tilt_symbol=tilt, latex=sp.latex(matrix), reference=reference,
                         lattice=lattice)
