r"""Both ENH mechanisms with a q-dependent interaction V(q) (or the Fock channels) at temperature
T > 0 on the quadrature path: a direct finite-T integration with the Fermi function.

**What is computed** (physics.md 6 and 7; raw sigma^{cab} in e^3/hbar nm/eV, s = spec.enh_sign,
linear order in the tilt alpha, channels Gamma_i with weights w_i).  Every exchange field is
linear in the occupations, and the conductivity bilinear, so at T > 0 the *fields* carry the
Fermi function -- not sigma(T = 0) (for the contact interaction this is the statement that the
factors B, C, ... are convolved and then multiplied, physics.md 7).  With eps_N = eps0_N + alpha
tau(k), the alpha-derivative acting on the occupations only (physics.md 1),
``O0_N^c = f'(eps0_N) d_c eps0_N`` (= d_c f_N at alpha = 0) and
``O1_N^c = f''(eps0_N) tau d_c eps0_N + f'(eps0_N) d_c tau`` (= d/dalpha of d_c f_N):

    sigma_ENH(PT) = alpha s          sum_i w_i (T_i^{cab} - T_i^{acb}),
    sigma_ENH(T)  = alpha s tau/hbar sum_i w_i (T_i^{cab} - T_i^{acb}),
    T_i^{cab} = int_k sum_N [O1_N^c S_N^{ia} F0^{ib}(k) + O0_N^c S_N^{ia} F1^{ib}(k)],

    PT: F0 = W0(k) = int_k' V(|k - k'|) sum_N f_N S_N ,   F1 = W1(k) = int_k' V sum_N f'_N tau S_N,
    T:  F0 = Y0(k) = int_k' V sum_N <Gamma_i>_N O0_N^b ,  F1 = Y1(k) = int_k' V sum_N <Gamma_i>_N O1_N^b.

At T = 0 (f' = -delta) these are the fields and the terms of
:mod:`symenh.responses.exchange_quadrature` before its integrations by parts; for V = V_0 they
are ``V_0 (A1 B0 + A0 B1)`` and ``V_0 (A1 C0 + A0 C1)`` of :func:`spec.linear_sigma` with the
finite-T factors -- the same assembly, contact being the uniform case.

**The Fermi sea** of W0 is split as ``W0 = W_filled + int_k' V (sum_N f_N S_N - S_v)``: the
filled lower level (its field :func:`symenh.integrate.exchange.sea_field` with no contour, T-
and mu-independent, analytic in k) plus a compact remainder (thermal holes of the lower level,
electrons of the upper one).  W_filled is evaluated on Chebyshev-Lobatto radii along every ray
of the rule and interpolated (barycentric); its error is that of sea_field plus the change
with half the Chebyshev nodes.

**The momentum rule.**  Both k and k' run over one product rule in the scaled polar
coordinates of :class:`~symenh.integrate.contour.RayContours` (d^2k = p dp dth / |s_x s_y|):
the periodic trapezoid rule in th (``n_theta`` rays) and Gauss-Legendre (10 nodes) on radial
panels on which the energy of a level changes by at most ``panel_kT`` kT inside the thermal
window |eps - mu| <= X_WINDOW kT of each level (f', f'' and the occupation changes resolved),
plus panels over the Fermi disc for the sea remainder.  The inner integrals are the matrix
V(|k_i - k_j|) applied to the sources (a direct sum over every pair of nodes, chunked).  The
integrands are smooth at T > 0 except for the cusp of V(|q|) at k' = k, which the product rule
integrates with an algebraic error.  **Error estimate**: the change when the rule is halved in
both directions (every other ray, panels merged in pairs), plus the propagated W_filled error,
plus the Fermi tails beyond the window (exp(-X_WINDOW)) and a roundoff floor (1e-13) of the sums
of |terms|.  Measured in tests/test_paths_settings.py against the grid at the same T and, for a
constant user V, against the contact quadrature.

Scope: the paper's Dirac models (their levels are isotropic in the scaled momentum, so the
radial panels are the same on every ray), exchange within the valley of k (``all`` only for the
contact interaction), linear order.  Options: ``n_theta`` (48), ``panel_kT`` (3),
``n_cheb`` (16); anything else is refused in one line.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..errors import ResponseError
from ..geometry.channels import exchange_channels
from ..integrate.exchange import ExchangeComponent, FermiContour, checked_V, sea_field
from ..integrate.occupation import fermi_derivatives
from .exchange import job_interaction, weigh_channels

#: |eps - mu| / kT beyond which f', f'' and the occupation changes are dropped (e^-30 ~ 1e-13)
X_WINDOW = 30.0
DEFAULTS = {"n_theta": 48, "panel_kT": 3.0, "n_cheb": 16}
RANGES = {"n_theta": (16, 512), "panel_kT": (0.5, 4.0), "n_cheb": (8, 64)}
ROUNDOFF = 1e-13
#: False until the finite-T exchange quadrature's estimate is validated (then compute refuses in one line)
ENABLED = False
_GL = np.polynomial.legendre.leggauss(10)
_ROW_CHUNK = 256


def _options(job) -> dict:
    from .grid import option_integer, option_real
    unknown = set(job.options) - set(DEFAULTS)
    if unknown:
        raise ResponseError(f"quadrature: unknown option(s) {', '.join(sorted(unknown))} for ENH with a q-dependent "
                            f"interaction at T > 0; allowed: {', '.join(DEFAULTS)}")
    opt = dict(DEFAULTS)
    opt.update({k: v for k, v in job.options.items() if v is not None})
    opt["n_theta"] = 2 * (option_integer("n_theta", opt["n_theta"], *RANGES["n_theta"]) // 2)
    opt["n_cheb"] = 2 * (option_integer("n_cheb", opt["n_cheb"], *RANGES["n_cheb"]) // 2)
    opt["panel_kT"] = option_real("panel_kT", opt["panel_kT"], *RANGES["panel_kT"])
    return opt


def _filled_contour(comp: ExchangeComponent) -> FermiContour:
    """A contour object with no Fermi contour: the lower level filled everywhere."""
    c = FermiContour.__new__(FermiContour)
    c.comp, c.mu, c.alpha, c.level, c._table = comp, 0.0, 0.0, -1, None
    return c


def _energy_breaks(E_lo, E_hi, step):
    n = max(1, int(np.ceil((E_hi - E_lo) / step)))
    return np.linspace(E_lo, E_hi, n + 1)


def _radial_breaks(D: float, mu: float, kT: float, panel_kT: float, sea: bool) -> np.ndarray:
    """Panel edges in p (eV) for levels +-sqrt(p^2 + D^2): energy-uniform panels of at most
    panel_kT kT inside each level's thermal window, and (``sea``) panels over the Fermi disc."""
    lo, hi = mu - X_WINDOW * kT, mu + X_WINDOW * kT
    step = panel_kT * kT
    pts = [np.zeros(1)]
    if hi > D:                                         # upper level within the window
        E = _energy_breaks(max(D, lo), hi, step)
        pts.append(np.sqrt(np.maximum(E * E - D * D, 0.0)))
    if lo < -D:                                        # lower level within the window
        E = _energy_breaks(max(D, -hi), -lo, step)
        pts.append(np.sqrt(np.maximum(E * E - D * D, 0.0)))
    p = np.unique(np.concatenate(pts))
    if p.size < 2:
        return p
    # fill the gaps between windows (the disc, the gap region) with panels no wider than the
    # widest window panel, at least 4 over the disc
    width = float(np.max(np.diff(p))) if sea else np.inf
    out = [p[0]]
    for a, b in itertools.pairwise(p):
        n = int(np.ceil((b - a) / width)) if np.isfinite(width) else 1
        if a == 0.0 and sea:
            n = max(n, 4)
        out.extend(list(np.linspace(a, b, n + 1)[1:]))
    return np.asarray(out)


class _Nodes:
    """The product rule of one component: rays x radial Gauss panels, with the geometry of both
    levels and the Fermi factors at every node."""

    def __init__(self, comp: ExchangeComponent, breaks, n_theta, mu, kT):
        rc = comp.rc
        x, w = _GL
        a, b = breaks[:-1, None], breaks[1:, None]
        pr = (a + 0.5 * (b - a) * (x + 1)).ravel()
        wr = (0.5 * (b - a) * w).ravel()
        th = 2 * np.pi * np.arange(n_theta) / n_theta
        P, TH = np.meshgrid(pr, th, indexing="ij")              # (n_p, n_theta)
        self.p, self.th = P.ravel(), TH.ravel()
        self.wq = (np.outer(pr * wr, np.full(n_theta, 2 * np.pi / n_theta)).ravel() * comp.jac / (4 * np.pi ** 2))
        self.kx, self.ky = rc.k_of(self.p, self.th)
        e0, dx0, dy0, _ = rc.energy(1, self.p, self.th, 0.0)
        self.levels = []
        sbp = comp.kernel.evaluate("sbp", self.kx, self.ky, comp.values)        # (M, L, ch, 2)
        spin = comp.kernel.evaluate("spin", self.kx, self.ky, comp.values)      # (M, L, ch)
        for N in (0, 1):
            eps, vx, vy, _ = rc.energy(N, self.p, self.th, 0.0)
            e1, vx1, vy1, _ = rc.energy(N, self.p, self.th, 1.0)
            tau, tx, ty = e1 - eps, vx1 - vx, vy1 - vy
            v = np.stack([vx, vy], -1)
            f, f1, f2 = fermi_derivatives(eps, mu, kT)
            O0 = f1[:, None] * v
            O1 = (f2 * tau)[:, None] * v + f1[:, None] * np.stack([tx, ty], -1)
            self.levels.append({"f": f, "f1": f1, "tau": tau, "O0": O0, "O1": O1, "S": sbp[:, N], "s": spin[:, N]})
        self.val = comp.val
        del e0, dx0, dy0

    @property
    def size(self) -> int:
        return len(self.p)


def _outer(nodes: _Nodes):
    """P0^{c,ia}, P1^{c,ia} = sum_N O_N^c S_N^{ia} at the nodes: (M, 2, ch, 2) each."""
    P0 = sum(np.einsum("mc,mia->mcia", L["O0"], L["S"]) for L in nodes.levels)
    P1 = sum(np.einsum("mc,mia->mcia", L["O1"], L["S"]) for L in nodes.levels)
    return P0, P1


def _sources(nodes: _Nodes, mechanism: str):
    """(src0, src1) at the nodes, (M, ch, 2): the integrands of F0, F1 without V (module text;
    for PT src0 is the compact sea remainder sum_N f_N S_N - S_v)."""
    L = nodes.levels
    if mechanism == "enh-pt":
        src0 = sum(Lv["f"][:, None, None] * Lv["S"] for Lv in L) - L[nodes.val]["S"]
        src1 = sum((Lv["f1"] * Lv["tau"])[:, None, None] * Lv["S"] for Lv in L)
    else:
        src0 = sum(np.einsum("mi,mb->mib", Lv["s"], Lv["O0"]) for Lv in L)
        src1 = sum(np.einsum("mi,mb->mib", Lv["s"], Lv["O1"]) for Lv in L)
    return src0, src1


def _apply_V(interaction, tx, ty, sx, sy, src):
    """sum_j V(|k_t - k_j|) src_j for targets t (chunked rows): (n_t, ...)."""
    flat = src.reshape(len(sx), -1)
    out = np.empty((len(tx), flat.shape[1]))
    for r0 in range(0, len(tx), _ROW_CHUNK):
        r1 = min(r0 + _ROW_CHUNK, len(tx))
        q = np.hypot(tx[r0:r1, None] - sx[None, :], ty[r0:r1, None] - sy[None, :])
        out[r0:r1] = checked_V(interaction, q) @ flat
    return out.reshape((len(tx),) + src.shape[1:])


def _cheb_lobatto(n):
    return np.cos(np.pi * np.arange(n + 1) / n)


def _bary(xn, fn, x):
    """Barycentric interpolation on Chebyshev-Lobatto nodes xn (descending cos) of values fn
    (n+1, ...) at points x (m,): (m, ...)."""
    n = len(xn) - 1
    wb = (-1.0) ** np.arange(n + 1)
    wb[0] *= 0.5
    wb[-1] *= 0.5
    d = x[:, None] - xn[None, :]
    exact = d == 0
    d = np.where(exact, 1.0, d)
    c = wb[None, :] / d
    c = np.where(exact.any(axis=1, keepdims=True), exact.astype(float), c)
    c = c / c.sum(axis=1, keepdims=True)
    return np.tensordot(c, fn, axes=(1, 0))


def _filled_field(comp, nodes: _Nodes, rows, n_theta, interaction, n_cheb, tol):
    """W_filled at the target rows (n_t, ch, 2) and its error per row (n_t,): sea_field on
    Chebyshev-Lobatto radii along each ray, interpolated in p (error: sea_field's + the change
    with half the nodes)."""
    p_t, th_t = nodes.p[rows], nodes.th[rows]
    a, b = float(p_t.min()), float(p_t.max())
    if b - a < 1e-12 * max(b, 1.0):
        b = a + 1e-6 * max(a, 1.0)
    xn = _cheb_lobatto(n_cheb)
    pn = 0.5 * (a + b) + 0.5 * (b - a) * xn
    th = 2 * np.pi * np.arange(n_theta) / n_theta
    Pn, Tn = np.meshgrid(pn, th, indexing="ij")
    kx, ky = comp.rc.k_of(Pn.ravel(), Tn.ravel())
    W, eW = sea_field(comp, _filled_contour(comp), kx, ky, interaction, tol=tol)
    W = W.reshape((len(pn), n_theta) + W.shape[1:])
    eW = eW.reshape(len(pn), n_theta)
    j = np.rint(th_t / (2 * np.pi) * n_theta).astype(int) % n_theta
    xt = (2 * p_t - (a + b)) / (b - a)
    out = np.empty((len(rows),) + W.shape[2:])
    err = np.empty(len(rows))
    for jj in np.unique(j):
        sel = j == jj
        full = _bary(xn, W[:, jj], xt[sel])
        half = _bary(xn[::2], W[::2, jj], xt[sel])
        out[sel] = full
        err[sel] = np.max(np.abs(full - half).reshape(sel.sum(), -1), axis=1) + np.max(eW[:, jj])
    return out, err


def _channel_tensor(comp, mechanism, mu, kT, interaction, breaks, n_theta, n_cheb, tol):
    """T_i^{cab} (ch, 2, 2, 2) of one component with one rule, the propagated field error and
    the sum of |terms| (for the floors)."""
    nodes = _Nodes(comp, breaks, n_theta, mu, kT)
    P0, P1 = _outer(nodes)
    src0, src1 = _sources(nodes, mechanism)
    mag = np.max(np.abs(P0).reshape(nodes.size, -1), axis=1) + np.max(np.abs(P1).reshape(nodes.size, -1), axis=1)
    rows = np.nonzero(mag > 1e-300)[0]
    n_ch = src0.shape[1]
    if rows.size == 0:
        return np.zeros((n_ch, 2, 2, 2)), 0.0, 0.0
    smag = np.max(np.abs(src0).reshape(nodes.size, -1), axis=1) + np.max(np.abs(src1).reshape(nodes.size, -1), axis=1)
    cols = np.nonzero(smag > 1e-300)[0]
    wq = nodes.wq
    tx, ty = nodes.kx[rows], nodes.ky[rows]
    both = np.concatenate([src0, src1], axis=-1)[cols] * wq[cols, None, None]      # (n_s, ch, 4)
    if interaction.is_uniform:
        F = np.broadcast_to(interaction.V0_eV_nm2 * both.sum(axis=0), (len(rows),) + both.shape[1:])
    elif cols.size:
        F = _apply_V(interaction, tx, ty, nodes.kx[cols], nodes.ky[cols], both)
    else:
        F = np.zeros((len(rows), n_ch, 4))
    F0, F1 = np.array(F[..., :2]), np.array(F[..., 2:])
    eW = np.zeros(len(rows))
    if mechanism == "enh-pt":
        if interaction.is_uniform:
            Wf, eWf = sea_field(comp, _filled_contour(comp), np.zeros(1), np.zeros(1), interaction, tol=tol)
            F0 += Wf[0]
            eW = np.full(len(rows), float(eWf[0]))
        else:
            Wf, eW = _filled_field(comp, nodes, rows, n_theta, interaction, n_cheb, tol)
            F0 += Wf
    w = wq[rows]
    T = (np.einsum("m,mcia,mib->icab", w, P1[rows], F0) + np.einsum("m,mcia,mib->icab", w, P0[rows], F1))
    e_field = float(np.sum(np.abs(w) * np.max(np.abs(P1[rows]).reshape(len(rows), -1), axis=1) * eW))
    absum = float(np.max(np.einsum("m,mcia,mib->icab", np.abs(w), np.abs(P1[rows]), np.abs(F0))
                         + np.einsum("m,mcia,mib->icab", np.abs(w), np.abs(P0[rows]), np.abs(F1))))
    return T, e_field, absum


def compute(job, kT: float):
    """(raw, err, extra) of an ENH Job with its interaction and channels at k_B T = ``kT`` > 0 (eV),
    linear order: raw (n_mu, 2, 2, 2) in e^3/hbar nm/eV, err (n_mu,) bounding every element,
    extra {"channels": {group label: raw}}."""
    if not ENABLED:
        raise ResponseError("T_K: the quadrature path does not yet compute ENH with a q-dependent interaction or "
                            "fock channels at T > 0; use T_K = 0 or method='grid'")
    if job.mechanism not in ("enh-t", "enh-pt"):
        raise ResponseError(f"mechanism: the finite-T exchange path computes enh-t and enh-pt, not {job.mechanism!r}")
    if not (kT > 0 and np.isfinite(kT)):
        raise ResponseError(f"T_K: the finite-T exchange path needs k_B T > 0, got {kT!r} eV")
    opt = _options(job)
    interaction = job_interaction(job)
    if job.exchange == "all" and not interaction.is_uniform:
        raise ResponseError("exchange_valleys: 'all' (k' over every valley) is offered for the contact interaction "
                            "only; a q-dependent V keeps the exchange within the valley of k")
    sets = [exchange_channels(c, job.channels) for c in job.components]
    comps = [ExchangeComponent(m, ch, job.values) for m, ch in zip(job.components, sets)]
    for c in comps:
        if not c.rc.is_dirac:
            raise ResponseError(f"model: the finite-T exchange quadrature covers the paper's Dirac models, not "
                                f"{job.model_name!r}; use method='grid'")
    if job.exchange == "all" and len(comps) > 1:
        raise ResponseError("exchange_valleys: 'all' at T > 0 with the exchange-field assembly is not offered; "
                            "use exchange_valleys='same' or channels='printed' with the contact interaction")
    mu_all = np.asarray(job.mu_eV, dtype=float)
    n_ch = comps[0].n_ch
    out = np.zeros((len(mu_all), n_ch, 2, 2, 2))
    err = np.zeros(len(mu_all))
    alpha = job.alpha
    if alpha == 0:
        res = weigh_channels(out, err, sets[0])
        return res.sigma, res.error, {"channels": res.groups}
    pref = alpha * job.pre.enh_sign * (job.pre.tau_over_hbar if job.mechanism == "enh-t" else 1.0)
    wsum = float(np.sum(np.abs(sets[0].weights)))
    tol = 1e-11
    for i, mu in enumerate(mu_all):
        tot = {"full": np.zeros((n_ch, 2, 2, 2)), "half": np.zeros((n_ch, 2, 2, 2))}
        e_f, absum = 0.0, 0.0
        for comp in comps:
            D = abs(comp.rc.Delta)
            breaks = _radial_breaks(D, float(mu), kT, opt["panel_kT"], job.mechanism == "enh-pt")
            if breaks.size < 2:
                continue
            T, ef, ab = _channel_tensor(comp, job.mechanism, float(mu), kT, interaction, breaks, opt["n_theta"],
                                        opt["n_cheb"], tol)
            coarse = breaks[::2] if breaks[::2][-1] == breaks[-1] else np.append(breaks[::2], breaks[-1])
            Th, _, _ = _channel_tensor(comp, job.mechanism, float(mu), kT, interaction, coarse,
                                       opt["n_theta"] // 2, opt["n_cheb"], tol)
            tot["full"] += T
            tot["half"] += Th
            e_f += ef
            absum += ab
        A = {k: v - np.swapaxes(v, 1, 2) for k, v in tot.items()}
        w = np.asarray(sets[0].weights, dtype=float)
        diff = np.einsum("i,icab->cab", np.abs(w), np.abs(A["full"] - A["half"]))
        out[i] = pref * A["full"]
        err[i] = abs(pref) * (float(np.max(diff)) + 2 * wsum * (e_f + (ROUNDOFF + np.exp(-X_WINDOW)) * absum))
    res = weigh_channels(out, err, sets[0])
    return res.sigma, res.error, {"channels": res.groups}


__all__ = ["DEFAULTS", "RANGES", "X_WINDOW", "compute"]
