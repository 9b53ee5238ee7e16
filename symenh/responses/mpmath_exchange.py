r"""The independent reference for ENH with a q-dependent interaction: angular harmonics, 30 digits.

For a radial interaction V(|q|) and the paper's models with v_x = v_y, the two exchange
conductivities of physics.md section 6 (paper Eqs. 9 and 10 with V(k - k') inside the double
sum; T = 0, linear order in the tilt alpha, i.e. alpha d sigma/d alpha at alpha = 0) are

    alpha d sigma^{cab}/d alpha = s alpha P sum_m [ A^{cab}_m a_m(k_F) + B^{cab}_m b_m(k_F)
                                                   + int_{k_F}^oo dk' k' V_m(k_F, k') G^{cab}_m(k') ],

P = e^3/hbar (enh-pt) or (e^3/hbar)(tau/hbar) (enh-t), s = -1 (consistent) or +1 (printed),
with the exact SymPy coefficients of :func:`symenh.integrate.harmonic_exchange.reduce_exchange`
and the harmonics of V of :mod:`symenh.integrate.mp_exchange` (derivation:
``derivations/enh_q_dependent_reference.py``).  Nothing here shares code with the quadrature
or grid paths: no Fermi-contour quadrature, no finite alpha, no exchange field on a grid.

For V = V_0 (``contact``, or a constant user V) only m = 0 survives (V_m = 2 pi V_0 delta_m0,
b_m = 0) and the result equals :func:`symenh.responses.mpmath_path.sigma_linear_mp`.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import mpmath as mp
import sympy as sp

from ..errors import ModelError, ResponseError
from ..integrate.harmonic_exchange import EF, EP, HV, KF, KP, reduce_exchange
from ..integrate.mp import mp_constants
from ..integrate.mp_exchange import check_isotropic, circle_harmonics, default_nodes, sea_integrals
from ..interactions import make_interaction
from ..models.paper import MODEL_NAMES, paper_valleys
from ..models.symbols import DELTA, PAULI
from .spec import CONVENTIONS, check_choice, enh_sign

__all__ = ["CHANNELS", "channel_groups", "sigma_enh_reference_mp", "sigma_enh_reference_groups_mp"]

#: exchange channel sets: Eq. 3 as printed (s^eta, weight 1) or the complete Fock exchange
CHANNELS = ("printed", "fock")
_MECHS = ("enh-t", "enh-pt")


def _fock_operators(dim: int) -> tuple:
    """An orthonormal Hermitian basis (Tr G_i G_j = delta_ij) of dim x dim matrices."""
    if dim == 2:
        return tuple(sp.ImmutableMatrix(s) / sp.sqrt(2) for s in PAULI)
    if dim == 4:
        return tuple(sp.ImmutableMatrix(sp.kronecker_product(t, s)) / 2 for t in PAULI for s in PAULI)
    raise ModelError(f"model: no Fock channel basis for {dim} bands")  # pragma: no cover


def channel_groups(model_name: str, channels: str = "printed"):
    """(components, {group name: operator indices or None}) for a paper model and channel set.

    tilted-dirac: one group "s^eta" (the four s^eta, printed; s^eta/sqrt2, fock).  pt-dirac:
    "tau_0 (x) s^eta" (printed: tau_0 (x) s^eta with weight 1; fock: the same /2) and, for fock,
    "tau_i (x) s^nu, i != 0" (the other twelve tau_i (x) s^nu / 2).
    """
    check_choice("channels", channels, CHANNELS)
    comps = paper_valleys(model_name)
    if channels == "fock":
        comps = tuple(dataclasses.replace(m, name=f"{m.name}[fock]", spin=_fock_operators(m.dim)) for m in comps)
    if model_name == "tilted-dirac":
        return comps, {"s^eta": None}
    if channels == "printed":
        return comps, {"tau_0 (x) s^eta": None}
    return comps, {"tau_0 (x) s^eta": tuple(range(4)), "tau_i (x) s^nu, i != 0": tuple(range(4, 16))}


def _monomials(g) -> dict:
    """{(i, j): coefficient} with g = sum coefficient k'^i E'^j (coefficients free of k', E')."""
    out = {}
    for term in sp.Add.make_args(sp.expand(g)):
        c, rest = sp.Integer(1), sp.Integer(1)
        for f in sp.Mul.make_args(term):
            if f.has(KP, EP):
                rest = rest * f
            else:
                c = c * f
        pw = sp.powsimp(rest).as_powers_dict()
        i, j = int(pw.get(KP, 0)), int(pw.get(EP, 0))
        if sp.simplify(rest - KP**i * EP**j) != 0:   # pragma: no cover - G is a Laurent monomial sum
            raise ResponseError(f"internal: radial function not a sum of monomials in k', E': {term}")
        out[(i, j)] = out.get((i, j), 0) + c
    return out


@lru_cache(maxsize=64)
def _numeric_forms(red):
    """mpmath callables of the coefficients of one ReducedExchange (nonzero elements only).

    The radial functions G_m are split into monomials k'^i E'^j whose coefficients (functions
    of k_F, E_F, Delta, hbar v) are evaluated once per mu; the integrand then costs a few
    multiplications per node."""
    args = (KF, EF, DELTA, HV)
    elems = [(c, a, b) for c in range(2) for a in range(2) for b in range(2) if not red.is_zero(c, a, b)]
    coeff = {}
    sea_exprs, sea_m, use = [], [], {}
    for e in elems:
        A, B, G = red.element(*e)
        coeff[e] = (sp.lambdify(args, list(A), "mpmath"), sp.lambdify(args, list(B), "mpmath"))
        use[e] = []
        for m, g in enumerate(G):
            if g == 0:
                continue
            for j, (mj, gj) in enumerate(zip(sea_m, sea_exprs)):
                if mj == m and sp.expand(gj - g) == 0:
                    use[e].append((j, 1))
                    break
                if mj == m and sp.expand(gj + g) == 0:
                    use[e].append((j, -1))
                    break
            else:
                sea_m.append(m)
                sea_exprs.append(g)
                use[e].append((len(sea_exprs) - 1, 1))
    monos = sorted({mono for g in sea_exprs for mono in _monomials(g)})
    table = [[_monomials(g).get(mono, 0) for mono in monos] for g in sea_exprs]
    cfun = sp.lambdify(args, table, "mpmath") if sea_exprs else None
    return elems, coeff, tuple(sea_m), tuple(monos), cfun, use


def _bracket(red, interaction, kF, EFv, Delta, hv, n_circle, n_sea):
    """Br^{cab} (nm/eV per eV nm of alpha) of one reduced form at one k_F, nested lists of mpf."""
    out = [[[mp.mpf(0)] * 2 for _ in range(2)] for _ in range(2)]
    elems, coeff, sea_m, monos, cfun, use = _numeric_forms(red)
    if not elems:
        return out
    a, b = circle_harmonics(interaction, kF, red.m_max, n_circle)
    sea = []
    if cfun is not None:
        table = cfun(kF, EFv, Delta, hv)
        ipow = sorted({i for i, _ in monos})
        jpow = sorted({j for _, j in monos})

        def g(kp):
            Ep = mp.sqrt(Delta * Delta + hv * hv * kp * kp)
            ki = {i: kp ** i for i in ipow}
            ej = {j: Ep ** j for j in jpow}
            vals = [ki[i] * ej[j] for i, j in monos]
            return [mp.fsum(c * v for c, v in zip(row, vals)) for row in table]
        sea = sea_integrals(interaction, kF, list(sea_m), g, abs(Delta) / hv, n_sea)
    for e in elems:
        fa, fb = coeff[e]
        A, B = fa(kF, EFv, Delta, hv), fb(kF, EFv, Delta, hv)
        val = sum(x * y for x, y in zip(A, a)) + sum(x * y for x, y in zip(B, b))
        val += sum(sgn * sea[j] for j, sgn in use[e])
        c, aa, bb = e
        out[c][aa][bb] = val
    return out


def _check(model_name, mechanism, convention, channels):
    check_choice("model", model_name, MODEL_NAMES)
    check_choice("mechanism", mechanism, _MECHS)
    check_choice("convention", convention, CONVENTIONS)
    check_choice("channels", channels, CHANNELS)


def sigma_enh_reference_groups_mp(model_name, mechanism, mu_eV, params, interaction="contact",
                                  channels="printed", convention="consistent", dps=30) -> dict:
    """Per channel group and in total: raw sigma^{cab} (A m / V^2, nested lists [c][a][b] of mpf).

    Same arguments as :func:`sigma_enh_reference_mp`.  Returns {"total": ..., group: ...}
    with the groups of :func:`channel_groups` (their sum is the total).
    """
    _check(model_name, mechanism, convention, channels)
    check_isotropic(params)
    inter = make_interaction(interaction, params.q_s_per_nm)
    comps, groups = channel_groups(model_name, channels)
    zero = lambda: [[[mp.mpf(0)] * 2 for _ in range(2)] for _ in range(2)]   # noqa: E731
    with mp.workdps(dps):
        c0 = mp_constants(params)
        mu0 = mp.mpf(mu_eV)
        in_gap = abs(mu0) <= abs(c0["Delta"]) or c0["alpha"] == 0
        if not in_gap:
            kF0 = mp.sqrt(mu0 * mu0 - c0["Delta"] ** 2) / c0["hvx"]
            scales = [abs(mu0) / max(abs(c0["Delta"]), mp.mpf(10) ** -30), kF0 / mp.mpf(inter.q_s_per_nm or 1)]
            guard = 10 + 2 * int(max(0, mp.log10(max(scales + [mp.mpf(1)]))))
    if in_gap:
        return {"total": zero(), **{g: zero() for g in groups}}
    doping = 1 if mu0 > 0 else -1
    res = {}
    with mp.workdps(dps + guard):
        c = mp_constants(params)
        mu = mp.mpf(mu_eV)
        D, hv = c["Delta"], c["hvx"]
        kF = mp.sqrt(mu * mu - D * D) / hv
        pre = enh_sign(convention) * c["alpha"] * c["si"] * (c["tau_over_hbar"] if mechanism == "enh-t" else 1)
        total = zero()
        for name, idx in groups.items():
            red = reduce_exchange(comps, mechanism, doping, idx)
            # the Fermi-circle harmonics enter sums that cancel (to (q_s/k_F)^2 for enh-t at large mu):
            # they get the guard digits; the sea integrals (no such cancellation) dps + 2
            br = _bracket(red, inter, kF, abs(mu), D, hv, default_nodes(dps + guard), default_nodes(dps + 2))
            val = [[[pre * x for x in row] for row in mat] for mat in br]
            res[name] = val
            total = [[[t + x for t, x in zip(r1, r2)] for r1, r2 in zip(m1, m2)] for m1, m2 in zip(total, val)]
        res = {"total": total, **res}
    with mp.workdps(dps):
        return {k: [[[+x for x in row] for row in mat] for mat in v] for k, v in res.items()}


def sigma_enh_reference_mp(model_name, mechanism, mu_eV, params, interaction="contact", channels="printed",
                           convention="consistent", dps=30):
    r"""Raw sigma_ENH^{cab} in A m / V^2 for a radial interaction, T = 0, linear in alpha, mpmath.

    The independent reference of the q-dependent ENH (physics.md section 6): paper Eq. 9
    (``"enh-pt"``) or Eq. 10 (``"enh-t"``) with V(k - k') inside the double momentum sum,
    reduced exactly to angular harmonics of V on the Fermi circle and radial integrals of
    V_m (module docstring), evaluated at ``dps`` digits.

    Parameters
    ----------
    model_name : "tilted-dirac" (both valleys, exchange within each valley) or "pt-dirac".
    mechanism : "enh-t" or "enh-pt".
    mu_eV : chemical potential (eV; float, str or mpf); exactly 0 in the gap |mu| <= |Delta|;
        mu < -|Delta| is hole doping.
    params : :class:`symenh.params.Parameters` with v_x = v_y (else a one-line ParameterError
        naming the paths that handle anisotropy).
    interaction : an :class:`symenh.interactions.Interaction`, or "contact" / "screened-coulomb"
        (built with ``params.q_s_per_nm``, eps_r = 1), or a user V (callable or SymPy expression).
    channels : "printed" (Eq. 3: s^eta, weight 1) or "fock" (an orthonormal Hermitian basis,
        weight 1).  Per-group results: :func:`sigma_enh_reference_groups_mp`.
    convention : "consistent" (ENH = -printed) or "printed".
    dps : decimal digits of the result (guard digits are added internally).

    Returns nested lists [c][a][b] of mpf: raw sigma^{cab} (antisymmetric in c, a) in A m/V^2.
    """
    return sigma_enh_reference_groups_mp(model_name, mechanism, mu_eV, params, interaction, channels,
                                         convention, dps)["total"]
