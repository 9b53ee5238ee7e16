r"""Quadrature path of both ENH mechanisms with any interaction V(q) and any exchange channel set.

Conductivities (physics.md 6; raw sigma^{cab} in e^3/hbar nm/eV; s = spec.enh_sign(convention)):

    sigma_ENH(PT)^{cab} = s        sum_i w_i int_k sum_n (d_c f_n) S^{ia}_n(k) W^{ib}(k) - (c <-> a)
    sigma_ENH(T)^{cab}  = s tau/hbar sum_i w_i int_k sum_n (d_c f_n) S^{ia}_n(k) Y^{ib}(k) - (c <-> a)

with the exchange fields W, Y of :mod:`symenh.integrate.exchange`, at T = 0 and linear order in
the tilt alpha.  **Linear order by derived identities at alpha = 0** (no finite tilts).  The tilt
enters only through the occupations, f_n = theta(mu - eps0_n - alpha tau(k)), so with
``delta = delta(mu - eps0_N)`` of the crossing level N:

* d/dalpha of a surface integral, by parts in k (the sum over levels is compact):
  ``d/dalpha int_k (d_c f) g = int_k tau delta d_c g`` (g independent of alpha);
* d/dalpha of the fields at fixed k: ``W1(k) = -int_k' V tau delta S_N`` (a contour integral),
  ``Y1(k) = int_k' tau delta d'_b [V(|k - k'|) <Gamma>]``.

Hence, per channel i (oint over the alpha = 0 contour, ``int_k delta F = oint dth w F``):

    PT:  I1 + I2,   I1 = oint w tau [d_c S^{ia} W0^{ib} + S^{ia} d_c W0^{ib}],
                    I2 = -oint w (d_c eps) S^{ia} W1^{ib}
    T:   J1 + J2,   J1 = oint w tau [d_c S^{ia} Y0^{ib} + S^{ia} d_c Y0^{ib}],
                    J2 = oint' w' tau' [d'_b <Gamma_i> Phi^{c,ia}(k') + <Gamma_i> d'_b Phi^{c,ia}(k')],
                    Phi^{c,ia}(k') = int_k (d_c f) S^{ia}(k) V(|k - k'|) = -oint w (d_c eps) S^{ia} V

(J2 is the k' derivative moved onto the T-side field Phi by parts; it equals int_k (d_c f) S Y1),
and sigma = alpha s (tau/hbar for T) sum_i w_i (T_i^{cab} - T_i^{acb}).  The gradients of the
fields (W0, Y0, Phi) are the same integrals with the kernel d/dk_c V(|k - k'|) = V' (k - k')_c/|k - k'|
(continuous across the contour for a V bounded with a bounded slope, e.g. screened Coulomb with
q_s > 0); d_c S and d_c <Gamma> at the contour nodes by central differences (three steps,
Richardson).  For V = V_0 these are exactly A1 B0 + A0 B1 and A1 C0 + A0 C1 of
:func:`symenh.responses.spec.linear_sigma` (W0 = V0 B0, W1 = V0 B1, gradients 0).

**Outer integral**: the trapezoid rule on the alpha = 0 contour (periodic, analytic integrand:
geometric convergence), N = 16, 32, ... until the nested N/2 rule agrees to rtol/10; the
difference is its error estimate.  **Error estimate** (absolute, per mu, bounding every raw
element): the outer trapezoid difference + the inner quad_vec and rule-comparison estimates
and the difference-quotient estimates, propagated with absolute values.

Exchange scope: ``same`` (k' in the component of k); ``all`` (k' over every component) is
offered for a uniform (contact) interaction only, as physics.md 6 prescribes.  Supported models:
every two-level model of :class:`~symenh.integrate.contour.RayContours` whose levels obey the
SBP sum rule (both paper models, two-band user models with star-shaped pockets).
"""

from __future__ import annotations

import numpy as np

from ..errors import ResponseError
from ..integrate.exchange import ExchangeComponent, FermiContour, contour_field, sea_field, y_source

_MAX_NODES = 1024


def _fd_gradient(f, kx, ky, eta):
    """d/dk_c of f at 1-D points k, by central differences at steps eta/2^j (j = 0..3, 1/nm) and
    two-step Richardson tableaux on (0, 1, 2) and (1, 2, 3); the second is returned, the
    difference of the two is its (conservative) error.  Returns (grad (n, 2, *shape), error (n,))."""
    grads, errs = [], []
    for c in range(2):
        D = []
        for j in range(4):
            h = eta / 2 ** j
            dxp = (kx + h, ky) if c == 0 else (kx, ky + h)
            dxm = (kx - h, ky) if c == 0 else (kx, ky - h)
            fp, fm = f(*dxp), f(*dxm)
            D.append((fp - fm) / (2 * h.reshape((-1,) + (1,) * (fp.ndim - 1))))
        R = [(4 * D[j + 1] - D[j]) / 3 for j in range(3)]
        R2 = [(16 * R[j + 1] - R[j]) / 15 for j in range(2)]
        grads.append(R2[1])
        errs.append(np.max(np.abs(R2[1] - R2[0]).reshape(len(kx), -1), axis=1))
    return np.stack(grads, axis=1), errs[0] + errs[1]


def _fd_step(comp: ExchangeComponent, kx, ky):
    rc = comp.rc
    scale = np.hypot(kx, ky)
    if rc.is_dirac:
        scale = np.maximum(scale, abs(rc.Delta) / max(abs(rc.sx), abs(rc.sy)))
    return 4e-3 * np.maximum(scale, 1e-3)


def _trapezoid(node_fn, N0, rtol, floor=0.0):
    """oint dth F(th) over (0, 2 pi) by the trapezoid rule, doubling N until the nested N/2 rule
    agrees to ``rtol`` (relative to the largest entry, or ``floor``).

    ``node_fn(th)`` returns (F (n, *shape), per-node absolute error bound (n,)).  Returns
    (integral, error) with error = |T_N - T_{N/2}| (max entry) + sum of node errors x 2 pi/N."""
    N = N0
    th = 2 * np.pi * np.arange(N) / N
    F, e = node_fn(th)
    while True:
        T = F.sum(axis=0) * (2 * np.pi / N)
        Th = F[::2].sum(axis=0) * (4 * np.pi / N)
        diff = float(np.max(np.abs(T - Th)))
        scale = max(float(np.max(np.abs(T))), floor)
        if diff <= rtol * scale or N >= _MAX_NODES:
            return T, diff + float(np.sum(e)) * (2 * np.pi / N)
        new = th + np.pi / N
        Fn, en = node_fn(new)
        F2 = np.empty((2 * N,) + F.shape[1:])
        F2[0::2], F2[1::2] = F, Fn
        e2 = np.empty(2 * N)
        e2[0::2], e2[1::2] = e, en
        F, e, N = F2, e2, 2 * N
        th = 2 * np.pi * np.arange(N) / N


def _node_geometry(comp, contour, th):
    pts = contour.points(th)
    kx, ky = pts["kx"], pts["ky"]
    lev = contour.level
    eta = _fd_step(comp, kx, ky)
    out = dict(pts)
    out["S"] = comp.sbp(lev, kx, ky)                                           # (n, ch, 2)
    out["gS"], out["egS"] = _fd_gradient(lambda x, y: comp.sbp(lev, x, y), kx, ky, eta)   # (n, 2, ch, 2)
    return out


def _pt_nodes(compA, contA, sources, interaction, tol):
    """Node function of I1 + I2 on A's contour, fields from the source components."""
    def fn(th):
        g = _node_geometry(compA, contA, th)
        kx, ky = g["kx"], g["ky"]
        n = len(th)
        W0 = np.zeros((n, compA.n_ch, 2))
        gW0 = np.zeros((n, 2, compA.n_ch, 2))
        W1 = np.zeros((n, compA.n_ch, 2))
        eW0 = np.zeros(n)
        egW0 = np.zeros(n)
        eW1 = np.zeros(n)
        for compB, contB in sources:
            w, ew, gw, egw = sea_field(compB, contB, kx, ky, interaction, gradient=True, tol=tol)
            W0 += w
            gW0 += gw
            eW0 += ew
            egW0 += egw
            if contB.exists:
                def src(p, compB=compB, contB=contB):
                    S = compB.sbp(contB.level, p["kx"], p["ky"])
                    return -(p["w"] * p["tau"])[:, None, None] * S
                _, thB = compB.polar(kx, ky)
                w1, _, e1 = contour_field(contB, src, kx, ky, thB, interaction, tol=tol)
                W1 += w1
                eW1 += e1
        wt = g["w"] * g["tau"]
        S, gS, d = g["S"], g["gS"], g["d"]
        # per channel i: T[i, c, a, b]
        T = (np.einsum("n,ncia,nib->nicab", wt, gS, W0) + np.einsum("n,nia,ncib->nicab", wt, S, gW0)
             - np.einsum("n,nc,nia,nib->nicab", g["w"], d, S, W1))
        aS, agS = np.max(np.abs(S), axis=(1, 2)), np.max(np.abs(gS), axis=(1, 2, 3))
        aW0 = np.max(np.abs(W0), axis=(1, 2))
        err = (np.abs(wt) * (agS * eW0 + aS * egW0 + g["egS"] * aW0)
                    + np.abs(g["w"]) * np.max(np.abs(d), axis=1) * aS * eW1)
        return T, err
    return fn


def _t_nodes_J1(compA, contA, sources, interaction, tol):
    def fn(th):
        g = _node_geometry(compA, contA, th)
        kx, ky = g["kx"], g["ky"]
        n = len(th)
        Y0 = np.zeros((n, compA.n_ch, 2))
        gY0 = np.zeros((n, 2, compA.n_ch, 2))
        eY = np.zeros(n)
        for compB, contB in sources:
            if not contB.exists:
                continue
            _, thB = compB.polar(kx, ky)
            y, gy, e = contour_field(contB, y_source(compB, contB), kx, ky, thB, interaction, gradient=True, tol=tol)
            Y0 += y
            gY0 += gy
            eY += e
        wt = g["w"] * g["tau"]
        S, gS = g["S"], g["gS"]
        T = np.einsum("n,ncia,nib->nicab", wt, gS, Y0) + np.einsum("n,nia,ncib->nicab", wt, S, gY0)
        aS, agS = np.max(np.abs(S), axis=(1, 2)), np.max(np.abs(gS), axis=(1, 2, 3))
        err = np.abs(wt) * ((agS + aS) * eY + g["egS"] * np.max(np.abs(Y0), axis=(1, 2)))
        return T, err
    return fn


def _t_nodes_J2(compA, contA, compB, contB, interaction, tol):
    """Node function of J2 on B's contour (the k' side), Phi from A's Fermi surface."""
    def fn(th):
        p = contB.points(th)
        kx, ky = p["kx"], p["ky"]
        lev = contB.level
        s = compB.spin(lev, kx, ky)                                            # (n, ch)
        gs, egs = _fd_gradient(lambda x, y: compB.spin(lev, x, y), kx, ky, _fd_step(compB, kx, ky))  # (n, 2, ch)

        def src(q):
            S = compA.sbp(contA.level, q["kx"], q["ky"])                       # (n, ch, 2)
            return -q["w"][:, None, None, None] * q["d"][:, :, None, None] * S[:, None]   # (n, c, ch, a)
        _, thA = compA.polar(kx, ky)
        Phi, gPhi, ePhi = contour_field(contA, src, kx, ky, thA, interaction, gradient=True, tol=tol)
        # Phi (n, c, ch, a); gPhi (n, b, c, ch, a)
        wt = p["w"] * p["tau"]
        T = (np.einsum("n,nbi,ncia->nicab", wt, gs, Phi) + np.einsum("n,ni,nbcia->nicab", wt, s, gPhi))
        err = np.abs(wt) * ((np.max(np.abs(gs), axis=(1, 2)) + np.max(np.abs(s), axis=1)) * ePhi
                                 + egs * np.max(np.abs(Phi), axis=(1, 2, 3)))
        return T, err
    return fn


def refuse_user_models(components, path: str) -> None:
    """One line, before any symbolic geometry is derived, for a component that is not one of the paper's
    models: the exchange fields here are integrated on rays from k = 0 (star-shaped pockets only) with
    the closed-form kernel (a SymPy derivation without a time limit for a user model)."""
    from ..models.paper import pt_dirac, tilted_dirac
    paper = (tilted_dirac(1), tilted_dirac(-1), pt_dirac())
    for m in components:
        if m not in paper:
            raise ResponseError(f"model: the {path} takes the paper's models only, not {m.name!r} (rays from k = 0, "
                                "closed-form geometry); for a user model use the contact interaction on the quadrature "
                                "path or method='grid'")


def compute_exchange_quadrature(components, channel_sets, mechanism: str, mu_eV, values, interaction, *,
                                alpha: float, tau_over_hbar: float, enh_sign: int,
                                exchange_valleys: str = "same", rtol: float = 1e-10):
    """Per-channel raw ENH tensors by quadrature.

    Returns ``(T, err)``: T (n_mu, n_ch, 2, 2, 2) = alpha * s * (tau/hbar for enh-t) *
    (T_i^{cab} - T_i^{acb}) per channel i *before* the channel weights (e^3/hbar nm/eV), and the
    absolute error estimate per mu (n_mu,) of the weighted channel sum (weights assumed |w_i| <= 1).
    """
    if mechanism not in ("enh-t", "enh-pt"):
        raise ResponseError(f"mechanism: the exchange path computes enh-t and enh-pt, not {mechanism!r}")
    if not (0 < rtol < 1):
        raise ResponseError(f"rtol: must lie in (0, 1), got {rtol!r}")
    if exchange_valleys == "all" and not interaction.is_uniform:
        raise ResponseError("exchange_valleys: 'all' (k' over every valley) is offered for the contact "
                            "interaction only; a q-dependent V keeps the exchange within the valley of k")
    refuse_user_models(components, "exchange-field quadrature")
    comps = [ExchangeComponent(m, ch, values) for m, ch in zip(components, channel_sets)]
    n_ch = comps[0].n_ch
    mu_all = np.atleast_1d(np.asarray(mu_eV, dtype=float))
    out = np.zeros((len(mu_all), n_ch, 2, 2, 2))
    err = np.zeros(len(mu_all))
    if alpha == 0:
        return out, err
    tol_in = max(rtol * 1e-3, 1e-14)   # the channel and c<->a sums cancel: tighter per-field tolerance
    tol_out = max(rtol * 0.1, 1e-13)
    pref = alpha * enh_sign * (tau_over_hbar if mechanism == "enh-t" else 1.0)
    for i, mu in enumerate(mu_all):
        conts = [FermiContour(c, mu, 0.0) for c in comps]
        if not any(ct.exists for ct in conts):
            continue
        T = np.zeros((n_ch, 2, 2, 2))
        e = 0.0
        for a, (cA, ctA) in enumerate(zip(comps, conts)):
            if not ctA.exists:
                continue
            pairs = list(zip(comps, conts)) if exchange_valleys == "all" else [(cA, ctA)]
            if mechanism == "enh-pt":
                t, et = _trapezoid(_pt_nodes(cA, ctA, pairs, interaction, tol_in), 16, tol_out)
                T += t
                e += et
            else:
                t, et = _trapezoid(_t_nodes_J1(cA, ctA, pairs, interaction, tol_in), 16, tol_out)
                T += t
                e += et
                for cB, ctB in pairs:
                    if ctB.exists:
                        t, et = _trapezoid(_t_nodes_J2(cA, ctA, cB, ctB, interaction, tol_in), 16, tol_out)
                        T += t
                        e += et
        out[i] = pref * (T - np.swapaxes(T, 1, 2))
        err[i] = 2 * abs(pref) * e * n_ch
    return out, err


__all__ = ["compute_exchange_quadrature", "refuse_user_models"]
