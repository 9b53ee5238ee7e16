"""SymPy symbols shared by the models, with their units.

=========  ==========================  ========
symbol     meaning                     unit
=========  ==========================  ========
k_x, k_y   crystal momentum            1/nm
Delta      gap parameter (mass)        eV
hbar_v_x   hbar times velocity v_x     eV nm
hbar_v_y   hbar times velocity v_y     eV nm
alpha      tilt                        eV nm
=========  ==========================  ========

All are real; the Pauli matrices ``PAULI = (s^0, s^1, s^2, s^3)`` are constant.
"""

import sympy as sp

KX, KY = sp.symbols("k_x k_y", real=True)
DELTA = sp.Symbol("Delta", real=True)
HVX = sp.Symbol("hbar_v_x", real=True)
HVY = sp.Symbol("hbar_v_y", real=True)
ALPHA = sp.Symbol("alpha", real=True)

PAULI = (
    sp.ImmutableMatrix([[1, 0], [0, 1]]),
    sp.ImmutableMatrix([[0, 1], [1, 0]]),
    sp.ImmutableMatrix([[0, -sp.I], [sp.I, 0]]),
    sp.ImmutableMatrix([[1, 0], [0, -1]]),
)


def real_symbol(sym) -> sp.Symbol:
    """The real SymPy symbol with the same name as ``sym`` (a Symbol or a str)."""
    return sp.Symbol(sym if isinstance(sym, str) else sym.name, real=True)
