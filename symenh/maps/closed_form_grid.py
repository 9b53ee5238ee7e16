"""The closed form over many parameter points at once: one vectorised call per mechanism and branch.

:func:`symenh.sigma` with ``method="closed-form"`` evaluates the lambdified final expressions
of :func:`symenh.responses.closed_form.sigma_kernel` over an array of mu at one set of
parameters.  Those expressions are rational functions (with abs and sign) of mu, Delta,
hbar v_x, hbar v_y, alpha, tau/hbar, V_0 and the ENH sign, so they broadcast over arrays
of the parameters as well: :func:`evaluate` passes (points x mu) arrays of every argument
and evaluates a whole map in one call per (mechanism, branch).  Each element is the same
IEEE operations on the same numbers as the one-point call, so the values are identical bit
for bit to :func:`symenh.sigma` at each point (tests/test_maps.py checks every point).

Used only where :func:`applies` (the paper's setting: T = 0, contact interaction, linear
order, no path options); anything else goes through :func:`symenh.sigma` point by point.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import SymenhError
from ..models.paper import paper_valleys
from ..params import Parameters, check_mu
from ..responses import closed_form
from ..responses.api import check_exchange_scope
from ..responses.spec import enh_sign
from ..units import sigma_to_si

#: Parameters fields whose values the closed-form kernel takes as arguments
KERNEL_FIELDS = ("Delta_eV", "vx_m_per_s", "vy_m_per_s", "alpha_over_hbar_v", "tau_ps", "q_s_per_nm")
#: sigma keywords this evaluation handles (their values are passed on)
KERNEL_OPTIONS = ("convention", "exchange_valleys")


def applies(spec) -> bool:
    """Whether the map ``spec`` (a :class:`~symenh.maps.spec.MapSpec`) can be evaluated here: the
    closed form of a paper model, no keywords beyond convention and exchange_valleys, only the
    kernel's parameters varied, and every other Parameters field (added later: temperature,
    eps_r, ...) at its default."""
    if spec.method != "closed-form" or spec.model not in closed_form.PAPER_MODELS:
        return False
    if any(k not in KERNEL_OPTIONS for k, _ in spec.options):
        return False
    if any(f not in KERNEL_FIELDS for a in spec.point_axes for f in a.fields):
        return False
    default = Parameters()
    return all(getattr(spec.params, f.name) == getattr(default, f.name)
               for f in dataclasses.fields(Parameters) if f.name not in KERNEL_FIELDS)


def _kernel_args(params_list, comps, convention):
    """(P, 1) arrays of the kernel's arguments after mu, exactly as closed_form.compute forms them."""
    rows = []
    tilt = comps[0].tilt_symbol
    for p in params_list:
        v = p.symbol_values()
        rows.append((float(v[closed_form.DELTA]), float(v[closed_form.HVX]), float(v[closed_form.HVY]),
                     float(v[tilt]), float(p.tau_over_hbar_per_eV), float(p.V0_eV_nm2),
                     float(enh_sign(convention))))
    return [np.array(col)[:, None] for col in zip(*rows)]


def evaluate(model: str, mechanisms, params_list, mu_rows, convention="consistent", exchange_valleys="same"):
    """sigma (A m/V^2) of shape (P, len(mechanisms), M, 2, 2, 2) and a {row: message} of the rows
    that failed, for P points (``params_list``, Parameters) with their mu (``mu_rows``, (P, M) eV).

    Every row is checked as symenh.sigma checks it (mu against the point's gap); a row that fails
    a check or gives a non-finite value is NaN and has its message."""
    comps = paper_valleys(model)
    check_exchange_scope(comps, exchange_valleys)
    mu_rows = np.asarray(mu_rows, dtype=float)
    failed = {}
    gapless = [i for i, p in enumerate(params_list) if p.Delta_eV == 0]
    try:   # one check of every mu at once; row by row only to name the rows that fail
        check_mu(mu_rows.reshape(-1), "mu_eV")
        rows = gapless
    except SymenhError:
        rows = range(len(params_list))
    for i in rows:
        try:
            check_mu(mu_rows[i], "mu_eV", params_list[i].Delta_eV)
        except SymenhError as exc:   # a row's own error: recorded, the others go on
            failed[i] = str(exc)
    ok = np.array([i not in failed for i in range(len(params_list))], dtype=bool)
    n_p, n_mu = mu_rows.shape
    out = np.full((n_p, len(mechanisms), n_mu, 2, 2, 2), np.nan)
    if not ok.any():
        return out, failed
    mu = mu_rows[ok]
    args = [np.broadcast_to(a, mu.shape) for a in _kernel_args([p for p, g in zip(params_list, ok) if g],
                                                              comps, convention)]
    delta = np.abs(args[0])
    for k, mech in enumerate(mechanisms):
        raw = np.zeros(mu.shape + (8,))
        for branch, mask in (("conduction", mu > delta), ("valence", mu < -delta)):
            if not mask.any():
                continue
            kern = closed_form.sigma_kernel(comps, mech, branch, exchange_valleys)
            if not kern.index:
                continue
            vals = kern.fn(mu[mask], *(a[mask] for a in args))
            for i, v in zip(kern.index, vals):
                raw[mask, i] = v
        with np.errstate(all="ignore"):
            out[ok, k] = sigma_to_si(raw.reshape(mu.shape + (2, 2, 2)))
    finite = np.isfinite(out.reshape(n_p, -1)).all(axis=1)
    for i in np.flatnonzero(ok & ~finite):
        bad = ~np.isfinite(out[i].reshape(len(mechanisms), n_mu, -1)).all(axis=(0, 2))
        failed[int(i)] = (f"closed-form: produced a non-finite conductivity or error estimate at mu = "
                          f"{mu_rows[i][bad]} eV")
        out[i] = np.nan
    return out, failed
