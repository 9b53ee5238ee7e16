r"""Both ENH mechanisms with a real interaction V(q) and a chosen exchange channel set: one entry
point, :func:`enh_exchange`, for the quadrature and the grid path; and the exchange potential
U^eta_k(E) of paper Eq. 3, :func:`exchange_potential`.

**Signs of U (derived).**  Eq. 3: ``U^i_k = -int_k' V(k - k') sum_nm Gamma^i_nm(k') delta rho_mn(k')``
with channel operators Gamma_i (s^eta as printed).  Eq. 2 with a convention sign sgn
(sgn = +1: H' = +e E.r, electron charge -e, the consistent convention; the printed Eq. 2 is
sgn = -1, derivations/eq2_density_matrix_convention.py):

    delta rho_nn = sgn (e tau/hbar) E^b d_b f_n ,    delta rho_mn = sgn e E^b r^b_mn f_mn / eps_mn.

The interband part gives ``sum_{n != m} Gamma_nm r^b_mn f_mn/eps_mn = -sum_n f_n S^{ib}_n`` (the
identity of derivations/eq9_eq10_from_eq2_eq3_eq8.py), i.e. ``-sgn e E^b W^{ib}``; the intraband
part ``sum_n Gamma_nn sgn (e tau/hbar) E^b d_b f_n`` gives ``-sgn (e tau/hbar) E^b Y^{ib}``.  So

    U^i_k(E) = s e E^b W^{ib}(k) + s (e tau/hbar) E^b Y^{ib}(k),     s = -sgn = spec.enh_sign(convention)

(s = -1 consistent, +1 printed: the printed convention flips both, as it flips sigma_ENH).  Eq. 8,
``j^c = (e^2/hbar) E^a sum int [(d_c f) U^i S^{ia} - (c <-> a)]``, then gives the conductivities of
physics.md 6 with the same s (checked symbolically in derivations/exchange_fields.py).  Units: E
in V/m, e E in eV/nm = 1e-9 E, W in nm, Y in eV nm, tau/hbar in 1/eV: U in eV.

**Paths.**  ``quadrature`` (:mod:`symenh.responses.exchange_quadrature`): T = 0, linear order in
alpha by derived identities, adaptive scipy integrals, rtol 1e-10 by default; at T > 0
:mod:`symenh.responses.exchange_thermal` (the fields with the Fermi function, angular harmonics).
``grid`` (:mod:`symenh.responses.exchange_grid`): FFT convolutions on Cartesian grids at small T,
extrapolated, or at the requested T > 0 directly; linear order or (``order="exact"``) the exact
tilt.  :func:`exchange_job` is the entry of the paths' ``compute(job)``.  Both take every interaction
of :mod:`symenh.interactions` (contact is the case of uniform fields: the same assembly) and every
channel set of :mod:`symenh.geometry.channels`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import ResponseError
from ..geometry.channels import CHANNEL_SETS, ChannelSet, exchange_channels
from ..integrate.exchange import ExchangeFields
from ..interactions import Interaction, make_interaction
from ..kernels.hamiltonian import values_by_name
from ..models.symbols import DELTA
from ..params import PAPER, Parameters
from .spec import CONVENTIONS, EXCHANGE_VALLEYS, check_choice, enh_sign

EXCHANGE_METHODS = ("quadrature", "grid")


class ExchangeSigma(NamedTuple):
    """Raw ENH tensor and its parts (unpacks as ``sigma, error, groups``).

    ``sigma``: (n_mu, 2, 2, 2) raw sigma^{cab} in e^3/hbar nm/eV (:func:`symenh.units.sigma_to_si`
    converts to A m/V^2); ``error``: (n_mu,) absolute error estimate in the same unit (0 where
    exact); ``groups``: {channel-group label: (n_mu, 2, 2, 2)}, summing to ``sigma``;
    ``channels``: {"names", "groups", "weights"} of the channel set used.
    """

    sigma: np.ndarray
    error: np.ndarray
    groups: dict
    channels: dict


def enh_exchange(components, mechanism: str, mu_eV, values, *, params: Parameters = PAPER,
                 interaction="contact", channels="printed", convention: str = "consistent",
                 exchange_valleys: str = "same", method: str = "quadrature", gap_eV: float | None = None,
                 **options) -> ExchangeSigma:
    """sigma_ENH^(PT) (paper Eq. 9) or sigma_ENH^(T) (Eq. 10) with interaction V(q) and exchange
    channels Gamma_i (physics.md 6), T = 0, linear order in the tilt alpha.

    Parameters
    ----------
    components : the model's components (e.g. ``symenh.models.paper_valleys(name)``: both valleys
        of H_T, or H_PT alone); two-level models with a tilt symbol.
    mechanism : "enh-t" or "enh-pt".
    mu_eV : chemical potentials (eV), scalar or 1-D.
    values : parameter values {symbol or name: eV, eV nm}; the tilt symbol's value is alpha.
    params : supplies tau (tau_ps) and, for an interaction given by name, q_s (q_s_per_nm).
    interaction : an :class:`~symenh.interactions.Interaction`, or "contact" / "screened-coulomb"
        (built with params.q_s_per_nm and ``eps_r`` from ``options``, default 1).
    channels : "printed" (Eq. 3 as printed: s^0..s^3, weight 1) or "fock" (complete exchange).
    convention : "consistent" (s = -1) or "printed" (s = +1), :func:`spec.enh_sign`.
    exchange_valleys : "same" (k' in the valley of k) or "all" (contact, quadrature only).
    method : "quadrature" (options: rtol) or "grid" (options: see exchange_grid.DEFAULTS, and
        ``order="exact"`` for sigma at the finite tilt, ``kT_eV`` > 0 for a temperature).
    gap_eV : |Delta| of a paper model (exact band edges for the grid path; None: probe the model).

    Returns :class:`ExchangeSigma` ``(sigma, error, groups, channels)``, raw tensors in e^3/hbar nm/eV.
    """
    check_choice("mechanism", mechanism, ("enh-t", "enh-pt"))
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange_valleys", exchange_valleys, EXCHANGE_VALLEYS)
    check_choice("method", method, EXCHANGE_METHODS)
    if not isinstance(params, Parameters):
        raise ResponseError("params: must be a symenh.Parameters")
    opts = dict(options)
    eps_r = opts.pop("eps_r", 1.0)
    if not isinstance(interaction, Interaction):
        interaction = make_interaction(interaction, params.q_s_per_nm, eps_r)
    components = tuple(components)
    if isinstance(channels, str):
        check_choice("exchange", channels, CHANNEL_SETS)
        sets = [exchange_channels(c, channels) for c in components]
    elif isinstance(channels, ChannelSet):
        sets = [channels] if len(components) == 1 else [exchange_channels(c, channels.kind) for c in components]
    else:
        raise ResponseError("exchange: give 'printed', 'fock' or a ChannelSet")
    mu = np.atleast_1d(np.asarray(mu_eV, dtype=float))
    if mu.ndim != 1 or not np.all(np.isfinite(mu)):
        raise ResponseError("mu_eV: chemical potentials must be finite numbers (eV), scalar or 1-D")
    vals = values_by_name(values)
    alpha = float(vals[components[0].tilt_symbol.name])
    common = {"alpha": alpha, "tau_over_hbar": params.tau_over_hbar_per_eV, "enh_sign": enh_sign(convention),
              "exchange_valleys": exchange_valleys}
    with np.errstate(all="ignore"):
        if method == "quadrature":
            from .exchange_quadrature import compute_exchange_quadrature
            unknown = set(opts) - {"rtol"}
            if unknown:
                raise ResponseError(f"quadrature: unknown option(s) {', '.join(sorted(unknown))}; allowed: rtol, eps_r")
            T, err = compute_exchange_quadrature(components, sets, mechanism, mu, values, interaction,
                                                 rtol=float(opts.get("rtol", 1e-10)), **common)
        else:
            from .exchange_grid import compute_exchange_grid
            if gap_eV is None and DELTA.name in vals and all(DELTA in c.params for c in components) \
                    and all(c.name.startswith(("tilted-dirac", "pt-dirac")) for c in components):
                gap_eV = abs(float(vals[DELTA.name]))
            T, err = compute_exchange_grid(components, sets, mechanism, mu, values, interaction,
                                           gap_eV=gap_eV, **common, **opts)
    if not np.all(np.isfinite(T)):
        raise ResponseError(f"{method}: produced a non-finite exchange conductivity")
    return weigh_channels(T, err, sets[0])


def weigh_channels(T, err, channel_set: ChannelSet) -> ExchangeSigma:
    """:class:`ExchangeSigma` from per-channel tensors T (n_mu, n_ch, 2, 2, 2) (before the weights)
    and the error per mu: the weighted sum and the sum over each channel group."""
    w = np.asarray(channel_set.weights, dtype=float)
    sigma = np.einsum("i,micab->mcab", w, T)
    groups = {g: np.einsum("i,micab->mcab", w * np.asarray(channel_set.group_mask(g)), T)
              for g in channel_set.group_labels}
    info = {"kind": channel_set.kind, "names": list(channel_set.names), "groups": list(channel_set.groups),
            "weights": list(channel_set.weights)}
    return ExchangeSigma(sigma, np.asarray(err, dtype=float), groups, info)


def job_interaction(job) -> Interaction:
    """The :class:`Interaction` of a :class:`~symenh.responses.job.Job`: ``job.interaction``, or the
    paper's contact V_0 (q_s of ``job.params``, eps_r = 1) when it is None."""
    if job.interaction is None:
        return make_interaction("contact", job.params.q_s_per_nm, 1.0)
    if not isinstance(job.interaction, Interaction):
        raise ResponseError("interaction: the Job must carry a symenh.interactions.Interaction or None")
    return job.interaction


def job_channel_sets(job) -> list:
    """One :class:`ChannelSet` per component of ``job`` for ``job.channels``."""
    check_choice("exchange", job.channels, CHANNEL_SETS)
    return [exchange_channels(c, job.channels) for c in job.components]


def exchange_job(job, method: str, kT_eV: float = 0.0):
    """(raw, err, extra) of an ENH :class:`~symenh.responses.job.Job` with its interaction and
    channels, linear order (``method`` "quadrature" at T = 0, or "grid" at T = 0 or directly at
    ``kT_eV`` > 0) or, on the grid, the exact tilt (``job.order == "exact"``,
    :func:`symenh.responses.exchange_grid.compute_exchange_grid`); ``extra`` = {"channels": {group
    label: raw (n_mu, 2, 2, 2)}}.  Options: ``job.options`` of that path."""
    opts = dict(job.options)
    if job.order != "linear":
        if method != "grid":
            raise ResponseError(f"order: exchange_job gives order={job.order!r} on the grid only")
        opts["order"] = job.order
    if kT_eV > 0:
        if method != "grid":
            raise ResponseError("T_K: exchange_job computes T > 0 on the grid only (quadrature: exchange_thermal)")
        opts["kT_eV"] = float(kT_eV)
    res = enh_exchange(job.components, job.mechanism, job.mu_eV, job.values, params=job.params,
                       interaction=job_interaction(job), channels=job.channels, convention=job.convention,
                       exchange_valleys=job.exchange, method=method, **opts)
    return res.sigma, res.error, {"channels": res.groups}


def exchange_potential(fields: ExchangeFields, E_V_per_m, *, tau_ps: float = PAPER.tau_ps,
                       convention: str = "consistent") -> np.ndarray:
    """U^i_k(E) of paper Eq. 3 in eV at the points of ``fields`` for a uniform field E (V/m, (2,)):
    ``s e E^b W^{ib} + s (e tau/hbar) E^b Y^{ib}`` (signs derived in the module text), shape
    (n_points, n_channels).  The first term is the interband (Eq. 9) part, the second the
    intraband (Eq. 10) part."""
    from ..units import tau_over_hbar_per_eV
    E = np.asarray(E_V_per_m, dtype=float)
    if E.shape != (2,) or not np.all(np.isfinite(E)):
        raise ResponseError("E_V_per_m: give a finite in-plane field (E_x, E_y) in V/m")
    s = enh_sign(convention)
    eE = 1e-9 * E                                              # e E in eV/nm
    return s * (np.einsum("b,nib->ni", eE, fields.W_nm)
                + tau_over_hbar_per_eV(tau_ps) * np.einsum("b,nib->ni", eE, fields.Y_eV_nm))


__all__ = ["EXCHANGE_METHODS", "ExchangeSigma", "enh_exchange", "exchange_job", "exchange_potential", "job_channel_sets",
           "job_interaction", "weigh_channels"]
