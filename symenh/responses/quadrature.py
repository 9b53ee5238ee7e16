"""Quadrature path: Fermi-contour and Fermi-sea integrals at finite tilt, with an error estimate.

Independent of the linear-order identities used by the closed-form and mpmath paths:

1. For each component (valley), the T = 0 Fermi contour ``eps0_N(k) + alpha tau(k) = mu``
   of the crossing level at finite tilt, as a radius along each ray from k = 0
   (:mod:`symenh.integrate.contour`: closed-form quadratic for the paper's Dirac models,
   bracketing + bisection for a user two-band model).
2. Fermi-surface factors D, X, A, C (:mod:`symenh.responses.spec`) as contour integrals
   over the ray angle, ``sum_N int (d_c f_N) Q_N = -int dth w (d_c eps_N) Q_N`` with
   ``w = p_c / (4 pi^2 s_x s_y |d_p eps_N|)``; D by parts (``D_b = -int (d_b f) Omega``).
   The angle is integrated by the periodic trapezoid rule, refined by doubling until the
   change is below the tolerance of every (factor, step, mu) block *and* has halved
   (:func:`symenh.integrate.contour.periodic_trapezoid`; spectral for these analytic
   periodic integrands: 16-64 angles reach 1e-12).  All angles of one level, every mu,
   tilt, component and tensor element are evaluated in one vectorised call.
3. The Fermi-sea factor B (paper Eq. 9) at finite tilt (:mod:`symenh.integrate.sea`):
   compact region between the tilted contour and a split radius (angle as above, radius by
   Gauss-Legendre checked against a lower order), plus the alpha-independent exterior with
   the angular integral first and the radius by a nested Fejer rule.
4. sigma(alpha) from :func:`symenh.responses.spec.sigma_from_factors`, and the linear
   coefficient by Richardson extrapolation (:mod:`symenh.integrate.richardson`) of the
   central differences ``[sigma(h) - sigma(-h)] / (2 h)`` in h^2, with
   ``h_j = h_0 / 2^j``, j = 0..n_steps-1.

Choice of h_0: a fraction (option ``h_fraction``) of the requested |alpha| -- for the Dirac
models at least ``h_fraction * 0.1 hbar v_y`` (a tiny tilt does not push the step into
roundoff) and at most 5 % of the radius of convergence in the tilt,
``hbar v_y min(1, sqrt(mu^2 - Delta^2) / |Delta|)`` (where the contour's quadratic
acquires a branch point).  The factors at +-h_j are integrated as the symmetric
part ``E_j = (F(h_j) + F(-h_j)) / 2`` and the difference quotient
``Dq_j = (F(h_j) - F(-h_j)) / (2 h_j)`` (the same integrals, recombined under the
integral sign), so ``F(+-h_j) = E_j +- h_j Dq_j`` feed ``sigma_from_factors`` exactly
and the quadrature errors are not amplified by 1/h.

Error estimate (raw units, per mu, max over tensor elements): ``|alpha|`` times the
Richardson truncation estimate plus the quadrature error propagated through the
(bi)linear assembly and the Richardson weights.  The quadrature error of each block is
the last change of its nested rule plus a roundoff floor: ROUNDOFF_ULPS (16) ulps of every
integrand value, the cancellation in the difference quotient (``u |F| / h`` per value,
growing as h shrinks), the summation (``lambda sqrt(n) u``), and near a Dirac band edge the
rounding of ``mu^2 - Delta^2`` in the contour radius (``u mu^2 / |mu^2 - Delta^2|`` of each
integral).  The Richardson tableau must shrink geometrically
(:func:`symenh.integrate.richardson.richardson_check`); where it does not, its spread is the
estimate.

Options (``symenh.sigma(..., method="quadrature", **options)``; range-checked, a wrong type
is an InputTypeError, a value outside its range a ResponseError, both one line):

* ``rtol`` (1e-14 <= rtol <= 1e-2, default 1e-10): the target relative accuracy (relative to
  the largest tensor element at each mu).  Every approximation follows it: the integrals are
  done to ``rtol / 100`` of each block (never below 1e-14), the radial rule of the sea is
  GL10/GL5 for rtol >= 1e-4 and GL20/GL10 below, and ``n_steps`` defaults to 2, 3, 4, 5 for
  rtol >= 5e-3, 2e-7, 1e-11 and below.  *What rtol promises:* it is a target, not a bound --
  the bound is ``error_estimate``, which always covers the true error (tested at rtol 1e-4,
  1e-8, 1e-12 against the closed form).  The estimate can exceed ``rtol * max|sigma|``, with
  no warning, where floating point cannot deliver rtol: roundoff limits the path to ~1e-11
  relative (1e-10 for ENH(T), whose two product terms cancel at large mu) and near a band
  edge the contour radius loses ``mu^2 / (mu^2 - Delta^2)`` (5e3 at mu = 1.0001 Delta, where
  the default rtol = 1e-10 gets estimates of 2e-9 (BCD) to 2e-8 (ENH(T)) relative, true
  errors ~5e-11); compare ``error_estimate`` with what you need.  A looser rtol costs less (fewer angles, steps and radial nodes).
* ``h_fraction`` (1e-4 <= h_fraction <= 0.5, default 0.1): the first step over |alpha| (above).
* ``n_steps`` (integer, 2 <= n_steps <= 8, default from rtol): Richardson steps.
* ``sea_split`` (1.05 <= sea_split <= 100, default 2): split radius of the Fermi sea over
  the largest contour radius.

Beyond the paper's setting :func:`compute` dispatches on the Job (:data:`SUPPORTS`): ENH with a
q-dependent V or the Fock channels to the exchange fields (:mod:`symenh.responses.exchange_quadrature`
at T = 0, :mod:`symenh.responses.exchange_thermal` at T > 0); ``T_K > 0``, ``order="exact"`` and
``inh-full`` of the paper's models to :mod:`symenh.responses.quadrature_thermal` (direct finite-T rays,
tilted contours).  A user's k.p model goes, whatever the settings (inh-full at T > 0 and at the exact
tilt included), to the any-topology path :mod:`symenh.responses.user_quadrature`.

mu in a gap (no Fermi contour in any component): exactly 0.  The rays here serve the paper
models; a user's k.p model goes to :mod:`symenh.responses.user_quadrature` (any pocket topology,
any number of levels) and a lattice model to :mod:`symenh.responses.lattice_quadrature` (zone
contours).
"""

from __future__ import annotations

import numpy as np

from ..integrate.contour import RayContours, periodic_trapezoid
from ..integrate.richardson import richardson, richardson_check, richardson_weights
from ..integrate.sea import sea_compact, sea_exterior, split_radius
from ..kernels.lambdified import kernel_for
from ..models.paper import MODEL_NAMES
from .grid import option_integer, option_real
from .job import contact_job, merged_options, uses_exchange_path
from .spec import FACTORS, Prefactors, sigma_from_factors

#: geometry quantity each Fermi-surface factor integrates
_QUANTITY = {"D": "berry-curvature", "X": "bcp", "A": "sbp", "C": "spin"}
#: factor shapes (spec.py)
_SHAPE = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}
#: unit roundoff, and the ulps of error of one integrand value (contour radius, kernels, products)
_U = 2.0 ** -53
ROUNDOFF_ULPS = 16.0


def _surface_factor(name, w, dx, dy, Q):
    """Integrand of a Fermi-surface factor at contour points (per unit th).

    w, dx, dy: (...,); Q: (..., *quantity shape).  Returns (..., *factor shape).
    """
    d = np.stack([dx, dy], axis=-1)  # (..., c)
    if name == "D":  # D_b = -int (d_b f) Omega = + int delta (d_b eps) Omega
        return w[..., None] * d * Q[..., None]
    if name == "X":  # X^{cba} = -int delta (d_c eps) G^{ba}; Q = G[a][b] (kernel order a, b)
        return -np.einsum("...,...c,...ab->...cba", w, d, Q)
    if name == "A":  # A^{c eta a} = -int delta (d_c eps) S^{eta a}
        return -np.einsum("...,...c,...ea->...cea", w, d, Q)
    if name == "C":  # C^{eta b} = -int delta (d_b eps) <s^eta>
        return -np.einsum("...,...b,...e->...eb", w, d, Q)
    raise KeyError(name)


def _radius_condition(comps, mu):
    """Relative conditioning (n_mu,) of the contour radius: q = mu^2 - Delta^2 loses the digits
    mu^2 / |mu^2 - Delta^2| near a Dirac band edge (1 for user models: bisection)."""
    cond = np.ones(len(mu))
    for rc in comps:
        if rc.is_dirac:
            with np.errstate(divide="ignore"):
                c = mu**2 / np.abs(mu**2 - rc.Delta**2)
            cond = np.maximum(cond, np.where(np.isfinite(c), c, 1.0))
    return cond


def _block_groups(names, n_c, n_h, n_mu):
    """Block index (factor, kind, j, mu) of every component of the flattened integrand."""
    out, base = [], 0
    for n in names:
        size = int(np.prod(_SHAPE[n]))
        for _ in (0, 1):
            g = base + np.arange(n_h * n_mu).reshape(1, n_h, n_mu, 1)
            out.append(np.broadcast_to(g, (n_c, n_h, n_mu, size)).ravel())
            base += n_h * n_mu
    return np.concatenate(out)


def _surface_factors(comps, levels, mu, hs, names, tol, n0=8):
    """E_j, Dq_j and their absolute errors for the Fermi-surface factors ``names``.

    Returns dicts name -> array (n_comp, n_h, n_mu, *shape) and name -> (n_h, n_mu) errors
    (the angular quadrature's error, its roundoff, and the roundoff of the difference
    quotient under the integral sign: ~ u |E| / h per point, which grows as h shrinks).
    """
    n_h, n_mu = hs.shape
    alphas = np.concatenate([hs, -hs])  # (2 n_h, n_mu)
    kernels = [kernel_for(rc.model) for rc in comps]
    n_c = len(comps)
    cond = _radius_condition(comps, mu)

    def parts(th):
        th3 = np.asarray(th, float)[:, None, None]                 # (n_th, 1, 1)
        out = {n: [] for n in names}
        for rc, lev, ker in zip(comps, levels, kernels):
            shape = (len(th3),) + alphas.shape
            p = np.ones(shape)
            w = np.zeros(shape)
            dx = np.zeros(shape)
            dy = np.zeros(shape)
            for N in np.unique(lev[lev >= 0]):
                sel = lev == N
                p[:, :, sel] = rc.radius(int(N), mu[None, None, sel], alphas[None, :, sel], th3)
                wN, dxN, dyN = rc.surface_weight(int(N), p[:, :, sel], th3, alphas[None, :, sel])
                w[:, :, sel], dx[:, :, sel], dy[:, :, sel] = wN, dxN, dyN
            kx, ky = rc.k_of(p, th3)
            idx_lvl = np.maximum(lev, 0)
            for n in names:
                Q = ker.evaluate(_QUANTITY[n], kx, ky, rc.values)  # (n_th, 2n_h, n_mu, L, *q)
                idx = idx_lvl.reshape((1, 1, n_mu, 1) + (1,) * (Q.ndim - 4))
                Q = np.take_along_axis(Q, idx, axis=3)[:, :, :, 0]
                out[n].append(_surface_factor(n, w, dx, dy, Q))   # (n_th, 2n_h, n_mu, *shape)
        res, perr = [], []
        for n in names:
            F = np.stack(out[n], axis=1)  # (n_th, n_comp, 2n_h, n_mu, *shape)
            Fp, Fm = F[:, :, :n_h], F[:, :, n_h:]
            h = hs.reshape((1, 1, n_h, n_mu) + (1,) * len(_SHAPE[n]))
            E, Dq = 0.5 * (Fp + Fm), (Fp - Fm) / (2 * h)
            aE = 0.5 * (np.abs(Fp) + np.abs(Fm))
            res += [E.reshape(len(th3), -1), Dq.reshape(len(th3), -1)]
            # per-point roundoff: ulps of each value and the cancellation in the difference
            # quotient (~ u |F| / h)
            perr += [(ROUNDOFF_ULPS * _U * aE).reshape(len(th3), -1),
                     (ROUNDOFF_ULPS * _U * (aE / h + np.abs(Dq))).reshape(len(th3), -1)]
        return np.concatenate(res, axis=1), np.concatenate(perr, axis=1)

    groups = _block_groups(names, n_c, n_h, n_mu)
    per_theta = n_c * 2 * n_h * n_mu * 24                # floats per angle (largest quantity)
    val, err, _, _ = periodic_trapezoid(parts, groups, tol, n0=n0, batch=max(1, int(4e6 // per_theta)))
    E, Dq, eE, eD, pos = {}, {}, {}, {}, 0
    for n in names:
        size = n_c * n_h * n_mu * int(np.prod(_SHAPE[n]))
        shape = (n_c, n_h, n_mu) + _SHAPE[n]
        ax = (0,) + tuple(range(3, 3 + len(_SHAPE[n])))
        E[n], e_E = val[pos:pos + size].reshape(shape), err[pos:pos + size].reshape(shape)
        pos += size
        Dq[n], e_D = val[pos:pos + size].reshape(shape), err[pos:pos + size].reshape(shape)
        pos += size
        # the rounding of q = mu^2 - Delta^2 is common to every angle: the contour is exactly
        # that of a mu off by ~ u mu, which changes an integral by |d ln I / d ln q| 2 u cond |I|
        # (ROUNDOFF_ULPS allows |d ln I / d ln q| up to 8: powers (mu^2 - Delta^2)^k, |k| <= 8)
        c = cond.reshape((1, 1, n_mu) + (1,) * len(_SHAPE[n]))
        eE[n] = np.max(e_E + ROUNDOFF_ULPS * _U * c * np.abs(E[n]), axis=ax)  # (n_h, n_mu)
        eD[n] = np.max(e_D + ROUNDOFF_ULPS * _U * c * np.abs(Dq[n]), axis=ax)
    return E, Dq, eE, eD


#: allowed ranges of the options (inclusive) and the defaults; n_steps defaults to a number
#: that follows rtol (:func:`default_steps`)
RANGES = {"rtol": (1e-14, 1e-2), "h_fraction": (1e-4, 0.5), "n_steps": (2, 8), "sea_split": (1.05, 100.0)}
DEFAULTS = {"rtol": 1e-10, "h_fraction": 0.1, "n_steps": None, "sea_split": 2.0}
#: for the Dirac models the first step is never below h_fraction * ALPHA_REF * hbar v_y (so a
#: tiny tilt does not shrink the step into roundoff; the paper's alpha = 0.1 hbar v is above it)
ALPHA_REF = 0.1


def default_steps(rtol: float) -> int:
    """Richardson steps for a target rtol: 2 (rtol >= 5e-3), 3 (>= 2e-7), 4 (>= 1e-11), else 5.

    With the first step at most 5 % of the tilt's radius of convergence, n steps leave a
    remainder that the Richardson estimate measures (on the paper models, relative to the
    largest element at mu >= 1.05 |Delta|: 2e-3, 2e-7, 3e-12 for 2, 3, 4 steps)."""
    return 2 if rtol >= 5e-3 else 3 if rtol >= 2e-7 else 4 if rtol >= 1e-11 else 5


def integration_tol(rtol: float) -> float:
    """Tolerance of every integral (relative to its block): rtol / 100, never below 1e-14."""
    return max(rtol * 1e-2, 1e-14)


def _options(job):
    opt = merged_options(job.options, DEFAULTS, "quadrature")
    for name in ("rtol", "h_fraction", "sea_split"):
        opt[name] = option_real(name, opt[name], *RANGES[name])
    opt["n_steps"] = (default_steps(opt["rtol"]) if opt["n_steps"] is None
                      else option_integer("n_steps", opt["n_steps"], *RANGES["n_steps"]))
    return opt


def _steps(comps, mu, alpha, h_fraction, n_steps):
    """h_j per mu: (n_steps, n_mu), eV nm (see the module docstring)."""
    h0 = np.full(len(mu), h_fraction * abs(alpha))
    for rc in comps:
        if rc.is_dirac:
            D = abs(rc.Delta)
            q = np.sqrt(np.maximum(mu ** 2 - D ** 2, 0.0))
            rho = np.minimum(1.0, q / D) if D > 0 else np.ones_like(mu)
            h0 = np.maximum(h0, h_fraction * ALPHA_REF * abs(rc.sy))
            h0 = np.minimum(h0, 0.05 * abs(rc.sy) * np.where(rho > 0, rho, 1.0))
    return h0[None, :] * 0.5 ** np.arange(n_steps)[:, None]


def _error_bound(mechanism, E, Dq, eE, eD, pre: Prefactors, exchange, j):
    """Propagated quadrature error of the central-difference quotient of sigma at step j.

    The quotient is Dq (BCD, INH: linear) or Dq_A E_O + E_A Dq_O (ENH: bilinear), so
    errors propagate without a 1/h.  Each factor entry's error is bounded by the block
    error eE/eD (per mu).  Returns (n_mu,): a bound on the largest tensor element's error.
    """
    name = FACTORS[mechanism][0]
    n_c = E[name].shape[0]
    if mechanism == "bcd":
        return abs(pre.tau_over_hbar) * n_c * eD[name][j]
    if mechanism in ("inh", "inh-full"):   # |T/2 - T'| <= |T| + |T'|: the inh bound covers inh-full
        return 2.0 * n_c * eD[name][j]
    a, b = FACTORS[mechanism]
    A_E, A_D = np.abs(E[a][:, j]), np.abs(Dq[a][:, j])  # (n_c, n_mu, 2, 4, 2)
    O_E, O_D = np.abs(E[b][:, j]), np.abs(Dq[b][:, j])  # (n_c, n_mu, 4, 2)
    mult = 1.0
    if exchange == "all":
        A_E, A_D, O_E, O_D = (x.sum(axis=0, keepdims=True) for x in (A_E, A_D, O_E, O_D))
        mult = float(n_c)
    eAE, eAD, eOE, eOD = (mult * x for x in (eE[a][j], eD[a][j], eE[b][j], eD[b][j]))  # (n_mu,)
    sum_O = np.max(O_E.sum(axis=(0, 2)), axis=-1) * eAD + np.max(O_D.sum(axis=(0, 2)), axis=-1) * eAE
    sum_A = (np.max(A_D.sum(axis=(0, 3)), axis=(-2, -1)) * eOE
             + np.max(A_E.sum(axis=(0, 3)), axis=(-2, -1)) * eOD)
    scale = abs(pre.V0) * (abs(pre.tau_over_hbar) if mechanism == "enh-t" else 1.0)
    return 2.0 * scale * (sum_O + sum_A)


#: the Job settings beyond the paper's that :func:`compute` honours (keywords of
#: :func:`symenh.responses.job.require_default`)
SUPPORTS = {"interaction": True, "channels": ("printed", "fock"), "T_K": True, "order": ("linear", "exact"),
            "occupation": True}


def compute(job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV and the error per mu (and, for ENH with
    the exchange-field assembly, a third item {"channels": {group: raw tensor}}).

    The paper's setting (contact V_0, printed channels, T = 0, linear order, one of the four
    mechanisms) is :func:`compute_linear` (bit-identical to the path before the settings).
    Otherwise, by the Job's settings (:data:`SUPPORTS`):

    * ENH with a q-dependent interaction or ``channels="fock"``: the exchange fields W, Y
      (:mod:`symenh.responses.exchange_quadrature` at T = 0, :mod:`symenh.responses.exchange_thermal`
      at T > 0; the contact interaction is their uniform case, same assembly); linear order only;
    * ``T_K > 0``, ``order="exact"``, mechanism ``inh-full``: the direct finite-T rays and the
      tilted contours of :mod:`symenh.responses.quadrature_thermal`.
    """
    # --- lattice models (helper "lattq"): Fermi contours on the zone torus, responses/lattice_quadrature.py ---
    from .lattice_grid import is_lattice
    if is_lattice(job):
        from . import lattice_quadrature
        return lattice_quadrature.compute(contact_job(job))
    # --- end lattice block ---
    job = contact_job(job)
    # --- usermodels (issue 11): a user's model goes through the any-topology user path, whatever the
    # settings (T > 0, exact tilt, Fock channels, a q-dependent V for ENH(T) there; what it does not take it
    # refuses in one line), inh-full
    # included at T > 0 and at the exact tilt (its factor X on the tilted contours, Fermi-window convolved;
    # tests/test_user_inh_full.py: annulus and two pockets vs the grid, a star-shaped model vs the rays) ---
    if job.model_name not in MODEL_NAMES and job.mechanism in FACTORS:
        from . import user_quadrature
        return user_quadrature.compute(job)
    if job.is_paper_setting and job.mechanism in FACTORS:
        return compute_linear(job)
    from ..temperature import kT_eV
    kT = kT_eV(job.T_K)
    if uses_exchange_path(job, "quadrature"):
        if kT == 0:
            from .exchange import exchange_job
            return exchange_job(job, "quadrature")
        from . import exchange_thermal
        return exchange_thermal.compute(job, kT)
    from . import quadrature_thermal
    return quadrature_thermal.compute(job, kT, job.order, job.occupation)


def compute_linear(job):
    """Raw sigma (len(mu), 2, 2, 2) in e^3/hbar nm/eV at linear order in alpha, and the error per mu
    (T = 0, contact V_0 of ``job.pre``, printed channels: the paper's setting)."""
    opt = _options(job)
    rtol, n_steps = opt["rtol"], opt["n_steps"]
    mu_all = np.asarray(job.mu_eV, dtype=float)
    out = np.zeros((len(mu_all), 2, 2, 2))
    err_out = np.zeros(len(mu_all))
    alpha = job.alpha
    if alpha == 0 or len(mu_all) == 0:
        return out, err_out
    comps = [RayContours(m, job.values) for m in job.components]
    levels_all = [rc.crossing_level(mu_all) for rc in comps]
    active = np.any(np.stack(levels_all) >= 0, axis=0)
    if not np.any(active):
        return out, err_out
    mu = mu_all[active]
    levels = [lev[active] for lev in levels_all]
    tol = integration_tol(rtol)
    n0 = 4 if tol >= 1e-8 else 8
    hs = _steps(comps, mu, alpha, opt["h_fraction"], n_steps)
    names = [n for n in FACTORS[job.mechanism] if n != "B"]
    E, Dq, eE, eD = _surface_factors(comps, levels, mu, hs, names, tol, n0=n0)
    if "B" in FACTORS[job.mechanism]:
        Bs = []
        for rc, lev in zip(comps, levels):
            R = split_radius(rc, lev, mu, np.concatenate([hs, -hs]), opt["sea_split"])
            Ec, Dc, eEc, eDc = sea_compact(rc, lev, mu, hs, R, tol, n0=n0)
            Bx, eBx = sea_exterior(rc, R, tol)
            Bs.append((Ec + Bx[None], Dc, eEc + eBx[None], eDc))
        E["B"] = np.stack([b[0] for b in Bs])
        Dq["B"] = np.stack([b[1] for b in Bs])
        eE["B"] = np.max(np.stack([b[2] for b in Bs]), axis=0)
        eD["B"] = np.max(np.stack([b[3] for b in Bs]), axis=0)
    # sigma at +-h_j from the factors, central differences, Richardson in h^2
    diffs, qerrs = [], []
    for j in range(n_steps):
        h = hs[j][:, None, None, None]
        plus = {n: E[n][:, j] + hs[j].reshape((1, -1) + (1,) * len(_SHAPE[n])) * Dq[n][:, j] for n in E}
        minus = {n: E[n][:, j] - hs[j].reshape((1, -1) + (1,) * len(_SHAPE[n])) * Dq[n][:, j] for n in E}
        s_p = sigma_from_factors(job.mechanism, plus, job.pre, job.exchange)
        s_m = sigma_from_factors(job.mechanism, minus, job.pre, job.exchange)
        diffs.append((s_p - s_m) / (2 * h))
        qerrs.append(_error_bound(job.mechanism, E, Dq, eE, eD, job.pre, job.exchange, j))
    diffs = np.stack(diffs)
    value, err_r = richardson(diffs, hs)
    wts = np.abs(richardson_weights(hs))  # (n_steps, n_mu)
    qerr = np.stack(qerrs)                # (n_steps, n_mu)
    err_q = np.sum(wts * qerr, axis=0)
    # the tableau must shrink geometrically (h^2, h^4, ... removed); where it does not (the
    # steps are outside the expansion's reach, or noise dominates), its spread is the estimate
    noise = (np.sum(wts, axis=0) * np.max(qerr, axis=0))[:, None, None, None]
    ok, spread = richardson_check(diffs, hs, noise=noise)
    err_r = np.where(ok, err_r, np.maximum(err_r, spread))
    out[active] = alpha * value
    err_out[active] = abs(alpha) * (np.max(err_r, axis=(-3, -2, -1)) + err_q)
    return out, err_out


__all__ = ["DEFAULTS", "RANGES", "SUPPORTS", "compute", "compute_linear", "default_steps", "integration_tol"]
