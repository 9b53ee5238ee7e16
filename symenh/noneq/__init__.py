"""The nonequilibrium quantum geometry of paper Eqs. 2, 3, 5-7 (Fig. 1): the density-matrix response,
the spin accumulation, the exchange field U^eta_k(E), and the shifts of the Berry connection, Berry
curvature and quantum metric, k-resolved, at the model's tilt as given.

    >>> from symenh.noneq import noneq_state
    >>> st = noneq_state("pt-dirac", field_V_per_m=(1e5, 0), mu_eV=0.1)     # doctest: +SKIP
    >>> st.U0, st.delta_berry_curvature(kx, ky).total                       # doctest: +SKIP

Modules: :mod:`.inputs` (field, temperature, convention sign), :mod:`.factors` (the k' integrals of
Eq. 3), :mod:`.exchange` (the exchange-field assembly, uniform or k-dependent), :mod:`.state` (the
k-resolved quantities), :mod:`.levels` (the JSON of ``symenh noneq``), :mod:`.current` (the anomalous
current integrated from the delta Omega map).
"""

from .exchange import (
    ExchangeFields,
    ExchangeFieldValues,
    QDependentExchange,
    UniformExchange,
    contact_exchange,
    exchange_field,
    interaction_exchange,
)
from .state import DeltaRho, GeometryShift, NoneqState, SpinDensity, noneq_state

__all__ = ["DeltaRho", "ExchangeFieldValues", "ExchangeFields", "GeometryShift", "NoneqState", "QDependentExchange",
           "SpinDensity", "UniformExchange", "contact_exchange", "exchange_field", "interaction_exchange", "noneq_state"]
