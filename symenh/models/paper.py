"""The paper's two models (Tan, Matsyshyn, Vignale, Song, "Nonequilibrium Exchange
Nonlinear Hall Effect"), as :class:`~symenh.models.base.SymbolicModel`.

Energies in eV, k in 1/nm, hbar v and alpha in eV nm.

Every constructor builds its model once per process (:func:`functools.lru_cache` on a
validated integer argument): a :class:`SymbolicModel` is a frozen dataclass of immutable
SymPy objects, so one instance can be shared by every caller, and rebuilding the
Kronecker products of H_PT on each response call was most of the cost of a closed-form
sweep.
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import sympy as sp

from .base import ModelError, SymbolicModel
from .symbols import ALPHA, DELTA, HVX, HVY, KX, KY, PAULI

_PARAMS = (DELTA, HVX, HVY, ALPHA)
S0, S1, S2, S3 = PAULI
TAU_Y = PAULI[2]


def _plus_minus_one(name: str, value) -> int:
    """``value`` as the int +1 or -1, else a one-line ModelError naming ``name``.

    A bool is refused (``True`` is not a valley); numpy integers are accepted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value not in (1, -1):
        raise ModelError(f"{name}: must be +1 or -1, got {value!r}")
    return int(value)


def tilted_dirac(valley: int) -> SymbolicModel:
    r"""Two-band T-symmetric tilted massive Dirac model H_T for one valley.

    .. math:: H_T(\mathbf k;\xi) = \hbar v_x k_x s_y - \xi\hbar v_y k_y s_x
              + \Delta s_z + \xi\alpha k_y ,\qquad \xi=\pm 1

    (paper, text before Fig. 3; Sodemann & Fu, PRL 115, 216806 (2015)).  Spin
    operators are the Pauli matrices s^eta.  Time reversal is K with xi -> -xi.
    Built once per process per valley (the returned object is immutable and shared).
    """
    return _tilted_dirac(_plus_minus_one("valley", valley))


@lru_cache(maxsize=2)
def _tilted_dirac(valley: int) -> SymbolicModel:
    xi = sp.Integer(valley)
    terms = (
        (HVX * KX, S2),
        (-xi * HVY * KY, S1),
        (DELTA, S3),
        (xi * ALPHA * KY, S0),
    )
    latex = (r"\hbar v_x k_x s_y %s \hbar v_y k_y s_x + \Delta s_z %s \alpha k_y"
             % (("-", "+") if valley == 1 else ("+", "-")))
    return SymbolicModel(name=f"tilted-dirac[xi={valley:+d}]", terms=terms, spin=PAULI,
                         params=_PARAMS, tilt_symbol=ALPHA, latex=latex,
                         reference="paper, H_T^(0); Sodemann & Fu PRL 115, 216806 (2015)")


def pt_dirac() -> SymbolicModel:
    r"""Four-band PT-symmetric model H_PT (every band Kramers-degenerate).

    .. math:: H_{PT}(\mathbf k) = \tau_y\otimes(\hbar v_x k_x s_x + \hbar v_y k_y s_y
              + \Delta s_z) + \alpha k_y

    (paper, text before Fig. 3; Tang et al., Nat. Phys. 12, 1100 (2016)).  Spin
    operators s^eta = tau_0 (x) s^eta.  Energies in eV, k in 1/nm, hbar v and alpha in eV nm.
    Built once per process (the returned object is immutable and shared).
    """
    return _pt_dirac()


@lru_cache(maxsize=1)
def _pt_dirac() -> SymbolicModel:
    kron = sp.kronecker_product
    terms = (
        (HVX * KX, sp.ImmutableMatrix(kron(TAU_Y, S1))),
        (HVY * KY, sp.ImmutableMatrix(kron(TAU_Y, S2))),
        (DELTA, sp.ImmutableMatrix(kron(TAU_Y, S3))),
        (ALPHA * KY, sp.ImmutableMatrix(sp.eye(4))),
    )
    spin = tuple(sp.ImmutableMatrix(kron(S0, s)) for s in PAULI)
    latex = r"\tau_y\otimes(\hbar v_x k_x s_x + \hbar v_y k_y s_y + \Delta s_z) + \alpha k_y"
    return SymbolicModel(name="pt-dirac", terms=terms, spin=spin, params=_PARAMS,
                         tilt_symbol=ALPHA, latex=latex,
                         reference="paper, H_PT^(0); Tang et al. Nat. Phys. 12, 1100 (2016)")


def pt_block(sign: int) -> SymbolicModel:
    r"""One tau_y block of H_PT: ``sign * d.s + alpha k_y`` with
    d = (hbar v_x k_x, hbar v_y k_y, Delta) (an analytic cross-check of H_PT; eV, k in 1/nm).
    Built once per process per sign."""
    return _pt_block(_plus_minus_one("sign", sign))


@lru_cache(maxsize=2)
def _pt_block(sign: int) -> SymbolicModel:
    g = sp.Integer(sign)
    terms = ((g * HVX * KX, S1), (g * HVY * KY, S2), (g * DELTA, S3), (ALPHA * KY, S0))
    return SymbolicModel(name=f"pt-block[{sign:+d}]", terms=terms, spin=PAULI, params=_PARAMS,
                         tilt_symbol=ALPHA, latex=r"%s\mathbf d\cdot\mathbf s + \alpha k_y"
                         % ("+" if sign == 1 else "-"), reference="tau_y block of H_PT")


#: model names accepted everywhere (command line and Python)
MODEL_NAMES = ("tilted-dirac", "pt-dirac")


def paper_valleys(name: str) -> tuple[SymbolicModel, ...]:
    """The components a response sums over: both valleys of tilted-dirac, or pt-dirac.

    ``"tilted-dirac"`` -> (H_T at xi = +1, H_T at xi = -1) (paper, text before Fig. 3; the
    conductivities of Eqs. 9/10 are sums over these valleys); ``"pt-dirac"`` -> (H_PT,)
    (four bands, single component).  Each is a :class:`SymbolicModel` in k (1/nm) with
    parameters Delta (eV), hbar v_x, hbar v_y, alpha (eV nm).  The same objects on every
    call (built once per process).
    """
    if name == "tilted-dirac":
        return (tilted_dirac(1), tilted_dirac(-1))
    if name == "pt-dirac":
        return (pt_dirac(),)
    raise ModelError(f"model: unknown model {name!r}; allowed: {', '.join(MODEL_NAMES)}")


def paper_model(name: str, valley: int | None = None) -> SymbolicModel:
    """One model by name: ``tilted-dirac`` needs ``valley`` (+1 or -1); ``pt-dirac`` refuses it.
    Units as in :mod:`symenh.models.symbols` (eV, 1/nm, eV nm)."""
    if name == "tilted-dirac":
        if valley is None:
            raise ModelError("valley: required for tilted-dirac (+1 or -1)")
        return tilted_dirac(valley)
    if name == "pt-dirac":
        if valley is not None:
            raise ModelError("valley: not allowed for pt-dirac (it has a single valley)")
        return pt_dirac()
    raise ModelError(f"model: unknown model {name!r}; allowed: {', '.join(MODEL_NAMES)}")
