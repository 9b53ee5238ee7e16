"""A conductivity result that carries its axes, units, parameters and conventions."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputTypeError, ResponseError
from ..params import Parameters
from ..units import SIGMA_UNITS
from .job import ORDERS
from .spec import nonzero_elements, symmetrize

#: what each convention means (derivations/eq2_density_matrix_convention.py)
CONVENTION_NOTES = {
    "consistent": "electron charge -e and H' = +e E.r in every mechanism; ENH = -(printed Eqs. 9, 10)",
    "printed": "Eqs. 9 and 10 as printed (their Eq. 2 answers to H' = -e E.r); BCD and INH as quoted",
}


#: what each exchange channel set means for the weight of Eq. 3 (meta "fierz_factor")
FIERZ_NOTES = {
    "printed": "as printed (Eq. 3 without 1/2)",
    "fock": "complete Fock exchange (every channel of an orthonormal Hermitian basis, weight 1: "
            "1/2 of printed per channel for two bands, 1/4 for H_PT's tau_0 (x) s^eta)",
}

#: relative signs of the ENH mechanisms against their competitors, per convention: derived in
#: derivations/eq2_density_matrix_convention.py and eq9_eq10_from_eq2_eq3_eq8.py, and true of
#: the closed forms at every mu outside the gap (tests/test_cli_sigma.py checks them on the numbers)
RELATIVE_SIGNS = {
    "consistent": {"enh-pt vs inh (pt-dirac)": "same sign", "enh-t vs bcd (tilted-dirac)": "opposite signs"},
    "printed": {"enh-pt vs inh (pt-dirac)": "opposite signs", "enh-t vs bcd (tilted-dirac)": "same sign"},
}


@dataclass(frozen=True)
class SigmaResult:
    """Second-order conductivity tensors over a list of chemical potentials.

    ``sigma`` has shape (len(mu_eV), 2, 2, 2) indexed [c][a][b] (0 = x, 1 = y),
    raw (antisymmetric in c, a except for inh-full), in SI units A m / V^2, for
    j^c = sigma^{cab} E^a E^b, at the temperature ``params.T_K`` (kelvin) and to the
    ``order`` in the tilt ("linear": alpha * d sigma / d alpha at alpha = 0, evaluated at
    ``params.alpha_over_hbar_v``; "exact": at that alpha; "cubic": linear + alpha^3 term).
    ``exchange_valleys`` is the exchange scope ("same" or "all") where it matters (an ENH
    mechanism of a model with several valleys), else None.  ``interaction``: {"kind",
    "eps_r", "q_s_per_nm" (1/nm, None for a user V), "V0_eV_nm2" (contact only)};
    ``exchange``: "printed" or "fock"; ``channels``: for ENH, {channel group: tensor of the
    shape of ``sigma``, A m / V^2} summing to ``sigma`` (None when the path gives no
    breakdown, or for BCD and INH).
    """

    model: str
    mechanism: str
    method: str
    convention: str
    exchange_valleys: str | None
    params: Parameters
    mu_eV: np.ndarray
    sigma: np.ndarray
    error_estimate: np.ndarray | None = None
    meta: dict = field(default_factory=dict)
    interaction: dict | None = None
    exchange: str = "printed"
    channels: dict | None = None
    order: str = "linear"

    @property
    def temperature_K(self) -> float:
        """The temperature (kelvin) the conductivities are computed at (``params.T_K``)."""
        return float(self.params.T_K)

    @property
    def sigma_symmetrized(self) -> np.ndarray:
        """(sigma^{cab} + sigma^{cba}) / 2, the physical response, A m / V^2."""
        return symmetrize(self.sigma)

    @property
    def nonzero(self) -> list:
        """Names ("xyy", ...) of the raw elements that are not zero: above 1e-8 of the largest
        and above ten times the path's error estimate (see spec.nonzero_elements)."""
        return nonzero_elements(self.sigma, error=self.error_estimate)

    def element(self, name: str) -> np.ndarray:
        """One raw element over mu, e.g. ``element("xyy")`` = sigma^{xyy}, A m / V^2."""
        if not isinstance(name, str):
            raise InputTypeError(f"element: must be a string of three letters from x, y (c a b, e.g. 'xyy'), "
                                 f"got {type(name).__name__}")
        if not (len(name) == 3 and set(name) <= {"x", "y"}):
            raise ResponseError(f"element: expected three letters from x, y (c a b, e.g. 'xyy'), got {name!r}")
        idx = tuple("xy".index(ch) for ch in name)
        return self.sigma[(slice(None),) + idx]

    def to_json(self) -> dict:
        """The JSON object of ``symenh sigma --json``."""
        err = None if self.error_estimate is None else [float(e) for e in self.error_estimate]
        inter = self.interaction if self.interaction is not None else {
            "kind": "contact", "eps_r": self.params.eps_r, "q_s_per_nm": self.params.q_s_per_nm,
            "V0_eV_nm2": self.params.V0_eV_nm2}
        channels = None if self.channels is None else {
            g: (np.asarray(v, dtype=float) + 0.0).tolist() for g, v in self.channels.items()}
        return {
            "model": self.model,
            "mechanism": self.mechanism,
            "method": self.method,
            "convention": self.convention,
            "units": SIGMA_UNITS,
            "order": ORDERS[self.order],
            "alpha_over_hbar_v": self.params.alpha_over_hbar_v if "model_values" not in self.meta else None,
            "mu_eV": [float(m) for m in self.mu_eV],
            "sigma": (np.asarray(self.sigma, dtype=float) + 0.0).tolist(),  # + 0.0 turns -0.0 into 0.0
            "sigma_symmetrized": (np.asarray(self.sigma_symmetrized, dtype=float) + 0.0).tolist(),
            "nonzero": self.nonzero,
            "error_estimate": err,
            "exchange_valleys": self.exchange_valleys,
            "params": self.params.as_dict(),
            "meta": self.meta,
            "interaction": inter,
            "exchange": self.exchange,
            "channels": channels,
            "temperature_K": self.temperature_K,
        }
