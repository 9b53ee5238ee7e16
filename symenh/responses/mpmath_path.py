"""The mpmath reference path: linear-in-alpha conductivities of the paper's models at 30+ digits.

The reference against which the double-precision quadrature path is tested, and the tool
for large-mu asymptotics (physics.md section 5) where double precision runs out.  The
factors come from :mod:`symenh.integrate.mp` (periodic trapezoidal sums on the Fermi
circle, the Fermi sea angle first); the assembly is :func:`symenh.responses.spec.linear_sigma`,
the same as every other path, on object arrays of mpf.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ..integrate.mp import linear_factors_mp, mp_constants
from ..models.base import SymbolicModel
from ..models.paper import paper_valleys
from .spec import (CONVENTIONS, EXCHANGE_VALLEYS, FACTORS, MECHANISMS, Prefactors, check_choice, enh_sign,
                   linear_sigma)

__all__ = ["sigma_linear_mp", "sigma_linear_mp_raw"]


def _stack(per_component: list, names) -> dict:
    """{name: object array [component][...]} from per-component {name: nested lists of mpf}."""
    return {n: np.array([f[n] for f in per_component], dtype=object) for n in names}



def _components(model_name):
    if isinstance(model_name, str):
        return paper_valleys(model_name)
    return (model_name,) if isinstance(model_name, SymbolicModel) else tuple(model_name)


def sigma_linear_mp_raw(model_name, mechanism, mu_eV, params, convention="consistent", exchange="same",
                        dps=30):
    """Raw sigma^{cab} (units e^3/hbar * nm/eV, nested lists [c][a][b] of mpf).

    Same arguments as :func:`sigma_linear_mp`; ``model_name`` may also be a
    SymbolicModel or a tuple of them built on the paper's symbols (e.g. the
    two tau_y blocks :func:`symenh.models.pt_block`).
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange", exchange, EXCHANGE_VALLEYS)
    comps = _components(model_name)
    with mp.workdps(dps):
        c0 = mp_constants(params)
        ratio = abs(mp.mpf(mu_eV)) / abs(c0["Delta"]) if c0["Delta"] != 0 else mp.mpf(10) ** 6
    guard = 12 + 2 * int(max(0, mp.log10(max(ratio, 1))))
    zero = [[[mp.mpf(0)] * 2 for _ in range(2)] for _ in range(2)]
    with mp.workdps(dps + guard):
        c = mp_constants(params)
        mu = mp.mpf(mu_eV)
        if abs(mu) <= abs(c["Delta"]) or c["alpha"] == 0:
            return zero
        needed = FACTORS[mechanism]
        f0s, f1s = [], []
        for m in comps:
            f0, f1 = linear_factors_mp(m, mu, c, needed)
            f0s.append(f0)
            f1s.append(f1)
        pre = Prefactors(c["tau_over_hbar"], c["V0"], enh_sign(convention))
        out = linear_sigma(mechanism, _stack(f0s, needed), _stack(f1s, needed), c["alpha"], pre, exchange).tolist()
    with mp.workdps(dps):
        return [[[+x for x in row] for row in mat] for mat in out]


def sigma_linear_mp(model_name, mechanism, mu_eV, params, convention="consistent", exchange="same", dps=30):
    """sigma^{cab} in A m / V^2 at T = 0, linear order in alpha (alpha d sigma/d alpha at 0), mpmath.

    Parameters
    ----------
    model_name : "tilted-dirac" (both valleys) or "pt-dirac" (or SymbolicModel(s), see
        :func:`sigma_linear_mp_raw`).
    mechanism : "bcd", "inh", "enh-t" (Eq. 10), "enh-pt" (Eq. 9), as in :mod:`symenh.responses.spec`.
    mu_eV : chemical potential (eV; float, str or mpf); exactly 0 in the gap |mu| <= |Delta|.
    params : :class:`symenh.params.Parameters` (Delta, v_x, v_y, alpha, tau, q_s).
    convention : "consistent" (ENH = -printed) or "printed".
    exchange : "same" (exchange within each valley) or "all" (factors summed over valleys first).
    dps : decimal digits of the result (guard digits are added internally).

    Returns nested lists [c][a][b] of mpf (raw, antisymmetric in c, a).  SI conversion
    ``raw * e^2/hbar * 1e-9`` at full precision (scipy.constants as mpf).
    """
    raw = sigma_linear_mp_raw(model_name, mechanism, mu_eV, params, convention, exchange, dps)
    with mp.workdps(dps + 10):
        si = mp_constants(params)["si"]
        out = [[[x * si for x in row] for row in mat] for mat in raw]
    with mp.workdps(dps):
        return [[[+x for x in row] for row in mat] for mat in out]
