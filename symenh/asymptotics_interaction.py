r"""Large-mu and small-q_s behaviour of ENH with the screened Coulomb interaction (closed forms).

Derived in ``derivations/enh_screened_large_mu.py`` (written up in
``docs/derivations/enh_screened_large_mu.md``) from the exact harmonic reduction of
``derivations/enh_q_dependent_reference.py``; confirmed against the 30-digit reference
:func:`symenh.responses.mpmath_exchange.sigma_enh_reference_mp` out to 10^4 |Delta| in
``tests/test_asymptotics_interaction.py``.

V(q) = C/(q + q_s), C = e^2/(2 eps_0 eps_r) (eV nm), paper models with v_x = v_y, T = 0, linear
order in alpha, raw elements (consistent convention unless stated; ``printed`` flips the sign),
mu > |Delta| (hole doping: sigma(-mu) = -sigma(mu)), k_F = sqrt(mu^2 - Delta^2)/(hbar v):

* ENH(T) of H_T (element xyy), exactly for any radial V: the contact closed form with
  V_0 -> V_eff(k_F) = -(2/pi) int_0^{2pi} dphi V(2 k_F sin(phi/2)) sin^2(phi/2)(1 + 3 cos phi)
  (:func:`effective_contact_V`); for the screened Coulomb interaction (eps = q_s/(2 k_F))
  V_eff = (C/(pi k_F)) [2 pi eps + 24 eps^2 - 12 pi eps^3 - 8 eps^2 (2 - 3 eps^2) J_0(eps)],
  J_0 = acosh(1/eps)/sqrt(1 - eps^2).  Large mu:
  sigma ~ (e^3/hbar) alpha (tau/hbar) C q_s Delta/(16 pi^2 mu^3) [1 - (4/pi)(q_s/k_F)(log(4 k_F/q_s) - 3/2)]:
  power -3 (BCD: -2).  q_s -> 0 at fixed mu: sigma ~ q_s -> 0 (V = C/q gives V_eff = 0).
* ENH(PT) of H_PT (element yxx):
  sigma ~ -(e^3/hbar) alpha C (pi - 1)/(4 pi^3 hbar v mu^2) [1 - (3 pi/(4 (pi - 1))) (q_s/k_F) log(k_F/q_s) + O(q_s/k_F)]:
  power -2, the same as INH; ENH(PT)/INH -> C (pi - 1)/(pi^2 hbar v).  q_s -> 0 at fixed mu: finite.

Channels: ``fock`` multiplies ENH(T) of H_T by 1/2 and ENH(PT) of H_PT by 1/4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath as mp

from .errors import ParameterError, ResponseError
from .interactions import Interaction, screened_coulomb
from .params import PAPER, Parameters
from .responses.spec import check_choice, enh_sign
from .units import COULOMB_EV_NM, SIGMA_UNITS, sigma_to_si

__all__ = ["LargeMuTerm", "large_mu", "large_mu_ratio", "small_qs", "effective_contact_V",
           "screened_effective_contact_V", "PAPER_CLAIMS"]

#: model -> (ENH mechanism, reference mechanism, element)
_PAIRS = {"tilted-dirac": ("enh-t", "bcd", "xyy"), "pt-dirac": ("enh-pt", "inh", "yxx")}
_FOCK = {"tilted-dirac": 0.5, "pt-dirac": 0.25}


@dataclass(frozen=True)
class LargeMuTerm:
    """sigma ~ coefficient (mu / 1 eV)^power log(mu)^log_power [1 + next_relative(mu)] (raw element).

    ``coefficient`` in ``units`` (A m / V^2 for a conductivity, dimensionless for a ratio);
    ``next_relative(mu_eV)`` the derived first correction, relative; ``latex`` the leading term.
    """

    model: str
    mechanism: str
    element: str
    power: int
    log_power: int
    coefficient: float
    units: str
    latex: str
    convention: str
    channels: str
    _next: object = None

    def leading(self, mu_eV):
        """The leading term at mu (eV)."""
        return self.coefficient * mu_eV ** self.power

    def next_relative(self, mu_eV):
        """The derived relative first correction at mu (eV) (0 if none is derived)."""
        return 0.0 if self._next is None else self._next(mu_eV)

    def value(self, mu_eV):
        """Leading term times (1 + first correction), at mu (eV)."""
        return self.leading(mu_eV) * (1 + self.next_relative(mu_eV))

    def as_dict(self) -> dict:
        return {"model": self.model, "mechanism": self.mechanism, "element": self.element, "power": self.power,
                "log_power": self.log_power, "coefficient": self.coefficient, "units": self.units,
                "latex": self.latex, "convention": self.convention, "channels": self.channels}


def _interaction(params: Parameters, interaction) -> Interaction:
    if interaction is None:
        return screened_coulomb(params.q_s_per_nm)
    if not isinstance(interaction, Interaction) or interaction.kind != "screened-coulomb":
        raise ParameterError("interaction: the derived large-mu forms are for screened-coulomb "
                             "(contact: symenh.asymptotics; other V: the reference sigma_enh_reference_mp)")
    return interaction


def _check(model, params, convention, channels):
    check_choice("model", model, tuple(_PAIRS))
    check_choice("convention", convention, ("consistent", "printed"))
    check_choice("channels", channels, ("printed", "fock"))
    if params.vx_m_per_s != params.vy_m_per_s:
        raise ParameterError("vx_m_per_s: the derived forms need v_x = v_y (anisotropic: method='quadrature')")


def _C(inter: Interaction) -> float:
    """C = e^2/(2 eps_0 eps_r) in eV nm."""
    return 2 * math.pi * COULOMB_EV_NM / inter.eps_r


def large_mu(model: str, params: Parameters = PAPER, interaction: Interaction | None = None,
             convention: str = "consistent", channels: str = "printed") -> LargeMuTerm:
    """Leading large-mu term of the screened-Coulomb ENH of ``model`` (raw element, A m / V^2).

    "tilted-dirac": ENH(T) xyy, power -3; "pt-dirac": ENH(PT) yxx, power -2 (module docstring).
    ``interaction`` a screened-Coulomb :class:`~symenh.interactions.Interaction` (default: q_s of
    ``params``, eps_r = 1).
    """
    _check(model, params, convention, channels)
    inter = _interaction(params, interaction)
    C, qs = _C(inter), inter.q_s_per_nm
    hv, D, al = params.hbar_vx, params.Delta_eV, params.alpha_eV_nm
    s = -enh_sign(convention)              # the derived forms are consistent-convention (s = -1)
    w = _FOCK[model] if channels == "fock" else 1.0

    def kF(mu):
        return math.sqrt(mu * mu - D * D) / hv

    if model == "tilted-dirac":
        raw = s * w * al * params.tau_over_hbar_per_eV * C * qs * D / (16 * math.pi**2)
        nxt = lambda mu: -(4 / math.pi) * (qs / kF(mu)) * (math.log(4 * kF(mu) / qs) - 1.5)  # noqa: E731
        latex = r"\sigma^{xyy}_{\rm ENH(T)}\simeq\frac{e^3}{\hbar}\frac{\alpha(\tau/\hbar)\,C q_s\Delta}{16\pi^2\mu^3}"
        power = -3
    else:
        raw = -s * w * al * C * (math.pi - 1) / (4 * math.pi**3 * hv)
        nxt = lambda mu: -(3 * math.pi / (4 * (math.pi - 1))) * (qs / kF(mu)) * math.log(kF(mu) / qs)  # noqa: E731
        latex = r"\sigma^{yxx}_{\rm ENH(PT)}\simeq-\frac{e^3}{\hbar}\frac{\alpha\,C(\pi-1)}{4\pi^3\hbar v\,\mu^2}"
        power = -2
    mech, _, el = _PAIRS[model]
    return LargeMuTerm(model, mech, el, power, 0, float(sigma_to_si(raw)), SIGMA_UNITS, latex, convention, channels,
                       nxt)


def large_mu_ratio(model: str, params: Parameters = PAPER, interaction: Interaction | None = None,
                   convention: str = "consistent", channels: str = "printed") -> LargeMuTerm:
    """Leading large-mu ENH(T)/BCD (tilted-dirac, power -1) or ENH(PT)/INH (pt-dirac, power 0), dimensionless.

    ENH(T)/BCD -> -C q_s/(12 pi mu); ENH(PT)/INH -> C (pi - 1)/(pi^2 hbar v) (consistent convention).
    """
    _check(model, params, convention, channels)
    inter = _interaction(params, interaction)
    C, qs = _C(inter), inter.q_s_per_nm
    s = -enh_sign(convention)
    w = _FOCK[model] if channels == "fock" else 1.0
    if model == "tilted-dirac":
        coef, power = -s * w * C * qs / (12 * math.pi), -1
        latex = r"\frac{\sigma_{\rm ENH(T)}}{\sigma_{\rm BCD}}\simeq-\frac{C q_s}{12\pi\mu}"
    else:
        coef, power = s * w * C * (math.pi - 1) / (math.pi**2 * params.hbar_vx), 0
        latex = r"\frac{\sigma_{\rm ENH(PT)}}{\sigma_{\rm INH}}\to\frac{C(\pi-1)}{\pi^2\hbar v}"
    mech, ref, el = _PAIRS[model]
    return LargeMuTerm(model, f"{mech}/{ref}", el, power, 0, coef, "dimensionless", latex, convention, channels)


def small_qs(model: str, mu_eV: float, params: Parameters = PAPER, eps_r: float = 1.0,
             convention: str = "consistent", channels: str = "printed") -> dict:
    """q_s -> 0 at fixed mu (eV, |mu| > |Delta|) for the screened Coulomb ENH of ``model``.

    Returns {"power": p, "log_power": 0, "coefficient": c, "units": ...} with sigma ~ c q_s^p:
    ENH(T): p = 1, c = alpha (tau/hbar) C Delta (mu^2 - Delta^2)/(16 pi^2 mu^5) (A m / V^2 per 1/nm);
    ENH(PT): p = 0 (finite limit, approached as q_s log q_s), c = None (no closed form: the
    1/q sea integrals; evaluate the reference at small q_s).
    """
    _check(model, params, convention, channels)
    D = params.Delta_eV
    if abs(mu_eV) <= abs(D):
        raise ResponseError(f"mu_eV: must lie outside the gap |mu| > |Delta| = {abs(D)} eV, got {mu_eV}")
    if model == "pt-dirac":
        return {"power": 0, "log_power": 0, "coefficient": None, "units": SIGMA_UNITS,
                "approach": "sigma(q_s) = sigma(0) + O(q_s log q_s)"}
    C = 2 * math.pi * COULOMB_EV_NM / eps_r
    s = -enh_sign(convention)
    w = 0.5 if channels == "fock" else 1.0
    mu = abs(mu_eV)
    raw = s * w * params.alpha_eV_nm * params.tau_over_hbar_per_eV * C * D * (mu**2 - D**2) / (16 * math.pi**2 * mu**5)
    raw *= 1 if mu_eV > 0 else -1
    return {"power": 1, "log_power": 0, "coefficient": float(sigma_to_si(raw)), "units": f"{SIGMA_UNITS} per 1/nm",
            "approach": "sigma(q_s) = c q_s [1 + O(q_s log q_s)]"}


def screened_effective_contact_V(kF, interaction: Interaction):
    """V_eff(k_F) (eV nm^2) of the screened Coulomb interaction, closed form (mpmath, working precision).

    sigma_ENH(T)(H_T) = its contact closed form with V_0 -> V_eff(k_F); kF in 1/nm.
    """
    if interaction.kind != "screened-coulomb":
        raise ParameterError("interaction: screened_effective_contact_V needs screened-coulomb")
    kF = mp.mpf(kF)
    C = interaction.V_mp(0) * mp.mpf(interaction.q_s_per_nm)
    e = mp.mpf(interaction.q_s_per_nm) / (2 * kF)
    if e < 1:
        J0 = mp.acosh(1 / e) / mp.sqrt(1 - e * e)
    elif e == 1:
        J0 = mp.mpf(1)
    else:
        J0 = mp.acos(1 / e) / mp.sqrt(e * e - 1)
    return C / (mp.pi * kF) * (2 * mp.pi * e + 24 * e**2 - 12 * mp.pi * e**3 - 8 * e**2 * (2 - 3 * e**2) * J0)


def effective_contact_V(kF, interaction: Interaction):
    """V_eff(k_F) = -(2/pi) int_0^{2pi} dphi V(2 k_F sin(phi/2)) sin^2(phi/2)(1 + 3 cos phi) (eV nm^2), mpmath quadrature.

    Any radial V; sigma_ENH(T) of H_T (v_x = v_y) equals the contact closed form with V_0 -> V_eff.
    """
    kF = mp.mpf(kF)

    def f(phi):
        s = mp.sin(phi / 2)
        return interaction.V_mp(2 * kF * s) * s * s * (1 + 3 * mp.cos(phi))
    return -2 / mp.pi * 2 * mp.quad(f, [0, mp.mpf(1) / 64, mp.mpf(1) / 8, 1, mp.pi])


#: the paper's claims (text after Fig. 3) and what the screened interaction gives
PAPER_CLAIMS = {
    "enh-pt ~ 1/mu": {"contact": -1, "screened-coulomb": -2},
    "inh ~ 1/mu^2": {"contact": -2, "screened-coulomb": -2},
    "enh-t ~ 1/mu": {"contact": -1, "screened-coulomb": -3},
    "bcd ~ 1/mu^2": {"contact": -2, "screened-coulomb": -2},
}
