"""What each nonlinear Hall mechanism is: its factors, its prefactor, its sign.

Every conductivity below is ``j^c = sigma^{cab} E^a E^b`` at T = 0, to linear order in
the tilt alpha, antisymmetric in (c, a).  Index 0 = x, 1 = y; ``eps^{ca}`` is the 2D
Levi-Civita symbol with eps^{xy} = 1.  Momentum integrals are
``int = int d^2k / (2 pi)^2`` (1/nm^2); sums over levels N include degeneracy
(level-traced geometry, :mod:`symenh.geometry`).  ``f_N`` is the T = 0 occupation
of level N, ``d_c = d/dk_c``.

Factors (computed by each path in symenh's internal units):

========  ================================================  ==============  ========
factor    definition                                         shape           unit
========  ================================================  ==============  ========
D         D_b = sum_N int f_N d_b Omega_N   (BCD)            [b]             nm
X         X^{cba} = sum_N int (d_c f_N) G^{ba}_N   (INH)     [c][b][a]       nm/eV
A         A^{c eta a} = sum_N int (d_c f_N) S^{eta a}_N      [c][eta][a]     1/eV
B         B^{eta b} = sum_N int f_N S^{eta b}_N  (Fermi sea) [eta][b]        1/(eV nm)
C         C^{eta b} = sum_N int (d_b f_N) <s^eta>_N          [eta][b]        1/nm
========  ================================================  ==============  ========

Conductivities, in units of e^3/hbar times nm/eV (converted to SI by
:func:`symenh.units.sigma_to_si`):

* BCD (Sodemann-Fu, DC form):   sigma^{cab} = (tau/hbar) eps^{ca} D_b
* INH (Gao-Yang-Niu BCP):       sigma^{cab} = T^{cab} - T^{acb} with T^{cab} = X^{cba}
* INH-full (the full intrinsic second-order conductivity, derivations/inh_full_intrinsic.py:
  the paper's INH plus the second-order band-energy correction -(e^2/2) E.G.E in the band
  velocity, occupations relaxing towards f0(eps0), ``occupation="bare"``):
  sigma^{cab} = (1/2) T^{cab} - T^{acb} with the same T = X^{cba}: not antisymmetric in (c, a).
  With ``occupation="field-corrected"`` (f0(eps0 + eps^(2))) the energy term is a total
  derivative and INH-full equals INH.
* ENH PT-even (paper Eq. 9):    sigma^{cab} = s V_0 (T^{cab} - T^{acb}), T^{cab} = sum_eta A^{c eta a} B^{eta b}
* ENH T-even (paper Eq. 10):    sigma^{cab} = s (tau/hbar) V_0 (T^{cab} - T^{acb}), T^{cab} = sum_eta A^{c eta a} C^{eta b}

with ``s = -1`` in the consistent convention (electron charge -e, H' = +e E.r
throughout) and ``s = +1`` for the paper as printed (Eq. 2 as printed is the
response to H' = -e E.r; see ``derivations/eq2_density_matrix_convention.py``).
BCD and INH are the same in both conventions.

Exchange scope: for a model with several components (the two valleys of H_T)
the ENH products are taken component by component and summed ("same": the
exchange sum over k' stays in the valley of k, the default) or with the factors
summed over components first ("all").  BCD and INH are plain sums over components.

Linear order in alpha: a path supplies each factor as (value at alpha = 0,
d/d alpha at alpha = 0) and :func:`linear_sigma` forms alpha * d sigma / d alpha;
or it supplies factors at finite alpha and :func:`sigma_from_factors` forms the
full sigma(alpha).  Both work on float arrays and on object arrays of SymPy
expressions or mpmath numbers (the closed-form and mpmath paths use the same
assembly): the Levi-Civita symbol and the convention sign are integers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ResponseError

#: the four mechanisms of the paper (loops over "every mechanism" of the paper's figures and tables)
PAPER_MECHANISMS = ("bcd", "inh", "enh-t", "enh-pt")
#: every mechanism symenh computes: the paper's four and the full intrinsic one (physics.md 10)
MECHANISMS = PAPER_MECHANISMS + ("inh-full",)
#: occupation choices of inh-full (derivations/inh_full_intrinsic.py)
OCCUPATIONS = ("bare", "field-corrected")
CONVENTIONS = ("consistent", "printed")
EXCHANGE_VALLEYS = ("same", "all")
METHODS = ("closed-form", "quadrature", "grid")

#: factors each mechanism needs
FACTORS = {"bcd": ("D",), "inh": ("X",), "enh-t": ("A", "C"), "enh-pt": ("A", "B"), "inh-full": ("X",)}

#: the mechanisms that symmetry forbids for each paper model (exactly zero); inh-full shares the
#: factor X of inh, which vanishes for H_T by time reversal (derivations/inh_full_intrinsic.py)
FORBIDDEN = {"tilted-dirac": ("inh", "enh-pt", "inh-full"), "pt-dirac": ("bcd", "enh-t")}

#: per paper model: the ENH mechanism, the mechanism it competes with (same tensor elements),
#: and the element reported and plotted (a = b, so j^c = sigma^{cbb} E_b^2 with E along b)
ENH_PAIRS = {"tilted-dirac": ("enh-t", "bcd", "xyy"), "pt-dirac": ("enh-pt", "inh", "yxx")}

LEVI_CIVITA = np.array([[0, 1], [-1, 0]])




def check_choice(name: str, value: str, allowed) -> str:
    """Return ``value`` if it is one of ``allowed``; else raise a one-line ResponseError."""
    if value not in allowed:
        raise ResponseError(f"{name}: unknown {name} {value!r}; allowed: {', '.join(allowed)}")
    return value


def enh_sign(convention: str) -> int:
    """Sign of sigma_ENH relative to the printed Eqs. 9 and 10: -1 consistent, +1 printed."""
    check_choice("convention", convention, CONVENTIONS)
    return -1 if convention == "consistent" else 1


@dataclass(frozen=True)
class Prefactors:
    """Scalars entering the assembly, in internal units.

    ``tau_over_hbar`` in 1/eV, ``V0`` in eV nm^2, ``enh_sign`` = +-1 (see enh_sign).
    """

    tau_over_hbar: float
    V0: float
    enh_sign: int


def _antisym(T):
    """T^{cab} - T^{acb} on the last three axes."""
    return T - np.swapaxes(T, -3, -2)


def sigma_from_factors(mechanism: str, factors: dict, pre: Prefactors, exchange: str = "same",
                       occupation: str = "bare") -> np.ndarray:
    """Raw sigma^{cab} (units e^3/hbar * nm/eV) from factors at one alpha.

    ``factors[name]`` is an array with a leading component axis (valleys), then
    any batch axes (e.g. mu), then the factor's own indices (table above).
    ``occupation`` matters for inh-full only (module docstring).
    Returns shape (*batch, 2, 2, 2) indexed [c][a][b].
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("exchange", exchange, EXCHANGE_VALLEYS)
    check_choice("occupation", occupation, OCCUPATIONS)
    if mechanism == "bcd":
        D = np.sum(factors["D"], axis=0)
        return pre.tau_over_hbar * np.einsum("ca,...b->...cab", LEVI_CIVITA, D)
    if mechanism in ("inh", "inh-full"):
        T = np.swapaxes(np.sum(factors["X"], axis=0), -1, -2)  # T^{cab} = X^{cba}
        if mechanism == "inh" or occupation == "field-corrected":
            return _antisym(T)
        return T / 2 - np.swapaxes(T, -3, -2)
    A = factors["A"]
    other = factors["B"] if mechanism == "enh-pt" else factors["C"]
    if exchange == "all":
        A, other = A.sum(axis=0, keepdims=True), other.sum(axis=0, keepdims=True)
    T = np.einsum("v...cea,v...eb->...cab", A, other)
    scale = pre.V0 * pre.enh_sign * (pre.tau_over_hbar if mechanism == "enh-t" else 1)
    return scale * _antisym(T)


def linear_sigma(mechanism: str, f0: dict, f1: dict, alpha: float, pre: Prefactors,
                 exchange: str = "same", occupation: str = "bare") -> np.ndarray:
    """alpha * d sigma/d alpha at alpha = 0 from factors f0 (alpha = 0) and f1 (d/d alpha).

    BCD and INH are linear in their factor, so only f1 enters; the ENH
    mechanisms (paper Eqs. 9, 10) are bilinear and use the product rule A0 B1 + A1 B0.
    With factors in the units of the table above, f1 per eV nm of alpha and ``alpha``
    in eV nm, the result is in e^3/hbar * nm/eV (:func:`symenh.units.sigma_to_si`).
    """
    if mechanism in ("bcd", "inh", "inh-full"):
        return alpha * sigma_from_factors(mechanism, f1, pre, exchange, occupation)
    a, b = FACTORS[mechanism]
    mixed1 = {a: f0[a], b: f1[b]}
    mixed2 = {a: f1[a], b: f0[b]}
    return alpha * (sigma_from_factors(mechanism, mixed1, pre, exchange)
                    + sigma_from_factors(mechanism, mixed2, pre, exchange))


def element_name(c: int, a: int, b: int) -> str:
    """'xyy' for (0, 1, 1)."""
    return "".join("xy"[i] for i in (c, a, b))


def symmetrize(sigma: np.ndarray) -> np.ndarray:
    """Physical (a, b)-symmetrised tensor (sigma^{cab} + sigma^{cba}) / 2."""
    return 0.5 * (sigma + np.swapaxes(sigma, -1, -2))


def nonzero_elements(sigma: np.ndarray, rtol: float = 1e-8, error=None, n_sigma: float = 10.0) -> list:
    """Names of raw elements that are not zero, over all batch entries (e.g. mu values).

    An element counts as non-zero where its magnitude exceeds ``rtol`` times the
    largest element and ``n_sigma`` times the path's own error estimate ``error``
    (one number per batch entry, or None for exact paths): the noise of a
    numerical path is never reported as a non-zero element.
    """
    s = np.asarray(sigma).reshape(-1, 2, 2, 2)
    scale = np.max(np.abs(s)) if s.size else 0.0
    if scale == 0:
        return []
    floor = rtol * scale
    if error is not None:
        floor = np.maximum(floor, n_sigma * np.asarray(error, dtype=float).reshape(-1, 1, 1, 1))
    mask = np.any(np.abs(s) > floor, axis=0)
    return [element_name(c, a, b) for c in range(2) for a in range(2) for b in range(2) if mask[c, a, b]]
