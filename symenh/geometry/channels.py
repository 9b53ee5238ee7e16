r"""Exchange channel sets: which operators Gamma_i (and weights w_i) enter the exchange of paper Eq. 3.

Eq. 3 writes the exchange field as ``U^eta_k s^eta`` over the model's spin operators
s^0..s^3 with weight 1.  For an interaction between total densities the exchange
self-energy is ``Sigma_F(k) = -int_k' V(k - k') rho(k')``: a matrix in the model's basis.
Expanding it (and delta rho) in an orthonormal Hermitian basis Gamma_i of the N x N
matrices, ``Tr Gamma_i Gamma_j = delta_ij`` (N^2 matrices), gives Eq. 3 with s^eta
replaced by Gamma_i, summed over every i with weight 1, because

    sum_i (Gamma_i)_{ab} (Gamma_i)_{cd} = delta_{ad} delta_{bc}     (the swap; completeness)

(physics.md 6).  Two channel sets (:data:`CHANNEL_SETS`):

``printed``
    the model's spin operators s^0..s^3, weight 1 each: Eq. 3 as printed.
``fock``
    the complete Fock exchange: an orthonormal Hermitian basis built by Gram-Schmidt
    (Hilbert-Schmidt product ``Tr A B``), starting from the span of the model's spin
    operators, completed by Pauli strings (N a power of 2) or by the elementary Hermitian
    matrices.  Weight 1 each.

For a two-band model ``fock`` is ``s^eta / sqrt 2``: every channel product, and so every
exchange response (bilinear in the channel operator), is exactly half of ``printed``.  For
the four-band H_PT the first group is ``tau_0 (x) s^eta / 2`` (a quarter of ``printed``
per channel product) and the second group the twelve ``tau_i (x) s^nu / 2`` (i = x, y, z).

A :class:`ChannelSet` holds a :class:`~symenh.models.base.SymbolicModel` whose ``spin``
tuple is the channel operators, so the whole geometry machinery (:func:`derive_geometry`,
``kernel_for``, ``band_geometry``) gives each channel's SBP (n, 2) and expectation (n,).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from ..errors import ModelError, ParameterError
from ..models.base import SymbolicModel
from ..models.symbols import PAULI

#: the channel sets offered (``exchange=`` in Python, ``--exchange`` on the command line)
CHANNEL_SETS = ("printed", "fock")

_PAULI_NAMES = ("0", "x", "y", "z")


@dataclass(frozen=True)
class ChannelSet:
    """Exchange channels Gamma_i of one model (dimensionless N x N Hermitian matrices).

    ``model``: the model with ``spin`` = the channel operators (same Hamiltonian, params and
    tilt); ``names``, ``weights``, ``groups``: one entry per channel (``groups`` holds the
    group label of each channel, labels in :attr:`group_labels` order).
    """

    kind: str
    model: SymbolicModel
    names: tuple
    weights: tuple
    groups: tuple

    @property
    def operators(self) -> tuple:
        """The channel matrices Gamma_i (SymPy, exact)."""
        return self.model.spin

    @property
    def n_channels(self) -> int:
        return len(self.names)

    @property
    def group_labels(self) -> tuple:
        """Distinct group labels, in channel order."""
        out = []
        for g in self.groups:
            if g not in out:
                out.append(g)
        return tuple(out)

    def group_mask(self, label: str) -> tuple:
        """Per channel: 1.0 if it belongs to group ``label``, else 0.0."""
        if label not in self.groups:
            raise ParameterError(f"group: unknown channel group {label!r}; allowed: {', '.join(self.group_labels)}")
        return tuple(1.0 if g == label else 0.0 for g in self.groups)

    def swap_sum(self) -> sp.Array:
        """sum_i w_i (Gamma_i)_{ab} (Gamma_i)_{cd} as an exact 4-index SymPy array [a][b][c][d]."""
        n = self.model.dim
        out = sp.MutableDenseNDimArray.zeros(n, n, n, n)
        for w, G in zip(self.weights, self.operators):
            w = sp.nsimplify(w)          # the weights are plain numbers (1): keep the sum exact
            for a in range(n):
                for b in range(n):
                    if G[a, b] == 0:
                        continue
                    for c in range(n):
                        for d in range(n):
                            out[a, b, c, d] += w * G[a, b] * G[c, d]
        return out.applyfunc(sp.simplify).as_immutable()


def _hs(A, B):
    """Hilbert-Schmidt product Tr(A B) of Hermitian matrices (real)."""
    return sp.simplify(sp.expand((A * B).trace()))


def _pauli_strings(n: int):
    """Pauli strings of an n = 2^m dimensional space with their names, e.g. ('x', 'z')."""
    m = n.bit_length() - 1
    out = [((), sp.ImmutableMatrix([[1]]))]
    for _ in range(m):
        out = [(names + (_PAULI_NAMES[i],), sp.ImmutableMatrix(sp.kronecker_product(M, P)))
               for names, M in out for i, P in enumerate(PAULI)]
    return out


def _elementary(n: int):
    """The elementary Hermitian basis of n x n matrices, with names."""
    out = []
    for j in range(n):
        E = sp.zeros(n, n)
        E[j, j] = 1
        out.append((f"E_{j}{j}", sp.ImmutableMatrix(E)))
    for j in range(n):
        for k in range(j + 1, n):
            S = sp.zeros(n, n)
            S[j, k] = S[k, j] = 1
            A = sp.zeros(n, n)
            A[j, k], A[k, j] = -sp.I, sp.I
            out += [(f"X_{j}{k}", sp.ImmutableMatrix(S)), (f"Y_{j}{k}", sp.ImmutableMatrix(A))]
    return out


def _pauli_name(names: tuple) -> str:
    digit = {"0": "0", "x": "1", "y": "2", "z": "3"}
    if len(names) == 1:
        return f"s^{digit[names[0]]}"
    if len(names) == 2:
        return f"tau_{names[0]} (x) s^{digit[names[1]]}"
    return " (x) ".join(f"sigma_{c}" for c in names)


def _identify(G, strings):
    """Name of a normalised channel that is a (scaled) Pauli string, else None."""
    for names, P in strings:
        norm2 = _hs(P, P)
        c = _hs(G, P) / norm2
        if c != 0 and sp.simplify(sp.Matrix(G) - c * sp.Matrix(P)) == sp.zeros(*G.shape):
            scale = sp.simplify(1 / c)
            return f"{_pauli_name(names)} / {sp.sstr(scale)}"
    return None


def _gram_schmidt(candidates, basis):
    """Append to ``basis`` the normalised parts of ``candidates`` orthogonal to it (exact)."""
    for C in candidates:
        R = sp.Matrix(C)
        for B in basis:
            R = R - _hs(B, R) * sp.Matrix(B)
        R = R.applyfunc(lambda x: sp.simplify(sp.expand(x)))
        n2 = _hs(R, R)
        if n2 != 0:
            basis.append(sp.ImmutableMatrix((R / sp.sqrt(n2)).applyfunc(sp.simplify)))
    return basis


def _spin_label(model: SymbolicModel) -> str:
    """Label of the spin-span group: 'tau_0 (x) s^eta' for a four-band model whose spin
    operators are tau_0 (x) Pauli, else 's^eta'."""
    if model.dim == 4:
        tau0 = [sp.ImmutableMatrix(sp.kronecker_product(PAULI[0], P)) for P in PAULI]
        if all(sp.Matrix(s) == sp.Matrix(t) for s, t in zip(model.spin, tau0)):
            return "tau_0 (x) s^eta"
    return "s^eta"


@lru_cache(maxsize=32)
def exchange_channels(model: SymbolicModel, kind: str = "printed") -> ChannelSet:
    """The exchange channel set ``kind`` ("printed" or "fock") of ``model`` (see the module text).

    Returns a :class:`ChannelSet` whose ``model`` is ``model`` with ``spin`` replaced by the
    channel operators (dimensionless), so its SBP is in nm/eV and its expectations
    dimensionless, per channel.  ``printed`` keeps the model itself (spin = s^0..s^3).
    """
    if not isinstance(model, SymbolicModel):
        raise ModelError("model: exchange channels need a SymbolicModel")
    if kind not in CHANNEL_SETS:
        raise ParameterError(f"exchange: unknown exchange {kind!r}; allowed: {', '.join(CHANNEL_SETS)}")
    label = _spin_label(model)
    if kind == "printed":
        names = tuple(f"s^{i}" for i in range(len(model.spin)))
        n = len(model.spin)
        return ChannelSet("printed", model, names, (1.0,) * n, (label,) * n)
    n = model.dim
    for s in model.spin:
        if s.free_symbols or sp.simplify(sp.Matrix(s) - sp.Matrix(s).H) != sp.zeros(n, n):
            raise ModelError("spin: the spin operators must be constant Hermitian matrices")
    basis = _gram_schmidt(model.spin, [])
    n_spin = len(basis)
    power_of_two = n & (n - 1) == 0
    completion = _pauli_strings(n) if power_of_two else _elementary(n)
    basis = _gram_schmidt([M for _, M in completion], basis)
    if len(basis) != n * n:   # cannot happen for a spanning completion; guard the algebra
        raise ModelError(f"spin: built {len(basis)} channels, expected {n * n}")
    strings = _pauli_strings(n) if power_of_two else []
    names = []
    for i, G in enumerate(basis):
        nm = _identify(G, strings) if strings else None
        names.append(nm or f"Gamma_{i}")
    groups = tuple(label if i < n_spin else "other channels" for i in range(n * n))
    chan_model = dataclasses.replace(model, name=f"{model.name}[fock channels]", spin=tuple(basis))
    return ChannelSet("fock", chan_model, tuple(names), (1.0,) * (n * n), groups)


__all__ = ["CHANNEL_SETS", "ChannelSet", "exchange_channels"]
