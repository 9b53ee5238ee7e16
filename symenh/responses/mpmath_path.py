"""The mpmath reference path: linear-in-alpha conductivities of the paper's models at 30+ digits.

The reference against which the double-precision quadrature path is tested, and the tool
for large-mu asymptotics (physics.md section 5) where double precision runs out.  The
factors come from :mod:`symenh.integrate.mp` (periodic trapezoidal sums on the Fermi
circle, the Fermi sea angle first); the assembly is :func:`symenh.responses.spec.linear_sigma`,
the same as every other path, on object arrays of mpf.  :func:`sigma_points_mp` is one
element over a list of mu, cached on disk (the 30-digit points of the asymptotics figure).
"""

from __future__ import annotations

import inspect
import sys
from functools import lru_cache

import mpmath as mp
import numpy as np
import sympy as sp

from .. import cache
from ..geometry import symbolic as _geom_mod
from ..integrate import mp as _mp_mod
from ..integrate.mp import linear_factors_mp, mp_constants
from ..models.base import SymbolicModel
from ..models.paper import MODEL_NAMES, paper_valleys
from . import spec as _spec_mod
from .spec import (
    CONVENTIONS,
    EXCHANGE_VALLEYS,
    FACTORS,
    MECHANISMS,
    Prefactors,
    ResponseError,
    check_choice,
    enh_sign,
    linear_sigma,
)

__all__ = ["sigma_linear_mp", "sigma_linear_mp_raw", "sigma_points_mp"]


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


@lru_cache(maxsize=1)
def _deriving_sources() -> tuple:
    """Source texts the cached points derive from (read once per process)."""
    return tuple(inspect.getsource(m) for m in (sys.modules[__name__], _mp_mod, _spec_mod, _geom_mod))


def sigma_points_mp(model_name: str, mechanism: str, element: str, mu_eV, params, convention="consistent",
                    exchange="same", dps=30) -> tuple:
    """One raw element sigma^{element} (A m / V^2) of :func:`sigma_linear_mp` at each mu, cached on disk.

    ``model_name``: "tilted-dirac" or "pt-dirac"; ``element``: three letters c a b ("yxx");
    ``mu_eV``: a sequence of chemical potentials (eV, floats).  Returns a tuple of mpf rounded
    to ``dps`` significant digits.  The cache key (:func:`symenh.cache.make_key`) covers the
    sources of this module, :mod:`symenh.integrate.mp`, :mod:`symenh.responses.spec` and the
    geometry, the components' sources, the parameters and every argument, so a changed
    integrator rebuilds the points; a cold run computes them (about 0.05 to 0.5 s per point
    with gmpy2 as mpmath's backend).
    """
    check_choice("model", model_name, MODEL_NAMES)
    check_choice("mechanism", mechanism, MECHANISMS)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("exchange", exchange, EXCHANGE_VALLEYS)
    if not (isinstance(element, str) and len(element) == 3 and set(element) <= {"x", "y"}):
        raise ResponseError(f"element: expected three letters from x, y (c a b, e.g. 'yxx'), got {element!r}")
    if isinstance(dps, bool) or not isinstance(dps, int) or not 5 <= dps <= 100:
        raise ResponseError(f"dps: must be an integer from 5 to 100, got {dps!r}")
    mus = tuple(float(m) for m in mu_eV)
    c, a, b = ("xy".index(ch) for ch in element)
    key = cache.make_key("mpmath-points", *_deriving_sources(), *(m.source() for m in paper_valleys(model_name)),
                         repr(params), mechanism, element, convention, exchange, repr(mus), str(dps))

    def build():
        return tuple(sp.Float(mp.nstr(sigma_linear_mp(model_name, mechanism, mu, params, convention, exchange,
                                                      dps=dps)[c][a][b], dps), dps) for mu in mus)

    values = cache.cached_exprs(key, build)
    with mp.workdps(dps):
        return tuple(mp.mpf(sp.Float(v, dps)._mpf_) for v in values)
