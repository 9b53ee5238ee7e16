"""Convert a qsymm model to a symenh model in one call (optional extra: ``pip install symenh[qsymm]``).

``symenh.models.qsymm_convert.from_qsymm(obj, ...)`` accepts

* a ``qsymm.Model`` (e.g. ``qsymm.Model("k_x * sigma_x + k_y * sigma_y + m * sigma_z",
  momenta=["k_x", "k_y"])``), or
* the output of ``qsymm.continuum_hamiltonian(...)``: a family (list) of ``qsymm.Model``, combined
  as ``sum_i c_i H_i`` with real coefficient symbols ``c0, c1, ...`` (qsymm's
  ``hamiltonian_from_family``; optional ``coeffs`` to name them),

and returns :func:`symenh.models.base.from_matrix` of its SymPy matrix: momenta in 1/nm, every
other symbol a parameter (energies in eV, the units the user's values carry).  qsymm's float
coefficients are rationalised (``nsimplify``) so that the Hermiticity check is exact.  qsymm is
needed only for a family; its absence gives one line naming the extra.
"""

from __future__ import annotations

import sympy as sp

from ..errors import ModelError
from .base import SymbolicModel, from_matrix

MISSING = "qsymm: not installed; install the optional extra with: pip install symenh[qsymm]"


def _qsymm():
    try:
        import qsymm
    except ImportError:
        raise ModelError(MISSING) from None
    return qsymm


def _is_model(obj) -> bool:
    return hasattr(obj, "tosympy") and hasattr(obj, "momenta")


def qsymm_matrix(obj, coeffs=None):
    """(SymPy matrix, momenta symbols) of a qsymm Model or a family of them."""
    if _is_model(obj):
        mat, momenta = obj.tosympy(nsimplify=True), tuple(obj.momenta)
    elif isinstance(obj, (list, tuple)) and obj and all(_is_model(m) for m in obj):
        q = _qsymm()
        from qsymm.hamiltonian_generator import hamiltonian_from_family
        mat = hamiltonian_from_family(list(obj), coeffs=coeffs, nsimplify=True, tosympy=True)
        momenta = tuple(obj[0].momenta)
        del q
    else:
        raise ModelError(f"model: expected a qsymm.Model or a list of them (qsymm.continuum_hamiltonian), "
                         f"got {type(obj).__name__}")
    if len(momenta) != 2:
        raise ModelError(f"model: symenh models are two-dimensional; the qsymm model has momenta {momenta}")
    return sp.Matrix(mat).applyfunc(sp.nsimplify), momenta


def from_qsymm(obj, *, spin=None, tilt_symbol=None, coeffs=None, name: str = "qsymm-model",
               reference: str = "converted from qsymm") -> SymbolicModel:
    """A :class:`~symenh.models.base.SymbolicModel` from a qsymm Model or family (module docstring).

    ``spin``: as :func:`~symenh.models.base.from_matrix` (default Pauli for two bands);
    ``tilt_symbol``: the parameter whose linear order the responses take (a name or symbol; it must
    multiply the identity only); ``coeffs``: symbols for a family's coefficients (default c0, c1, ...).
    Parameters: every free symbol other than the momenta, sorted by name.  Units are symenh's: the
    matrix in eV with the momenta in 1/nm, so each coefficient carries eV nm^n for a k^n term."""
    mat, (kx, ky) = qsymm_matrix(obj, coeffs)
    real = {s: sp.Symbol(s.name, real=True) for s in mat.free_symbols}
    mat = mat.subs(real)
    kx, ky = sp.Symbol(kx.name, real=True), sp.Symbol(ky.name, real=True)
    params = tuple(sorted(mat.free_symbols - {kx, ky}, key=lambda s: s.name))
    if tilt_symbol is not None:
        tname = tilt_symbol.name if isinstance(tilt_symbol, sp.Symbol) else str(tilt_symbol)
        match = [p for p in params if p.name == tname]
        if not match:
            raise ModelError(f"tilt_symbol: {tname!r} is not a parameter of the model; parameters: "
                             f"{', '.join(p.name for p in params)}")
        tilt_symbol = match[0]
    return from_matrix(mat, kx=kx, ky=ky, spin=spin, params=params, tilt_symbol=tilt_symbol, name=name,
                       reference=reference)


__all__ = ["MISSING", "from_qsymm", "qsymm_matrix"]
