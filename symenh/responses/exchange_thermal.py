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

**The Fermi sea** of W0 is integrated as it stands, ``sum_N f_N S_N`` over the whole plane (the
filled lower level beyond the thermal window is S_v: far panels out to 8 times the window and a
tail p' = P/u), the angle first (harmonic m = 0 in the contact case: the dipolar parts that make
the plane integral only conditionally convergent cancel exactly).

**Angular harmonics.**  For v_x = v_y the scaled polar coordinates of
:class:`~symenh.integrate.contour.RayContours` (k = p (cos th, sin th) / s, d^2k = p dp dth / s^2)
make |k - k'| a function of p, p' and th - th' only, so every inner field is a convolution in the
angle: with the sources' Fourier coefficients s_m(p') on ``n_theta`` angles (they carry a few
harmonics only) and the kernel's ``g_m(p, p') = (1/2 pi) oint V(|k - k'|) e^{-i m D} dD``,

    F_m(p) = (1 / (2 pi s^2)) int p' dp' g_m(p, p') s_m(p').

g_m is computed by an FFT over ``n_fine`` angles after subtracting the cusp V'(0+) |k - k'|,
whose coefficients are exact, ``(-x)^m binom(1/2, m) 2F1(-1/2, m - 1/2; m + 1; x^2) max(p, p') / s``
(x = min/max of p, p'), so the FFT sees only the O(|q|^3) remainder.  The outer integral is the
trapezoid rule in the angle (exact for the trigonometric polynomials involved) and the radial
rule below; contact (uniform V) keeps m = 0 only: the factor products of spec.py.

**Radial rule.**  Gauss-Legendre (10 nodes) on panels in p on which each level's energy changes by
at most ``panel_kT`` kT inside its thermal window |eps - mu| <= X_WINDOW kT, every panel split until
its half-width is at most 0.4 of the distance to the nearest singularity of the integrands (the
poles of f(+-sqrt(p^2 + Delta^2)) at p^2 = (mu + i (2n+1) pi kT)^2 - Delta^2 and the branch points
p = +-i Delta), so near a band edge and for mu in the gap the panels follow the poles.

**Error estimate** (per mu, bounding every element): the change with a coarser rule in every
direction at once (Gauss-Legendre 6 on the same panels, n_theta / 2 angles, n_fine / 2 kernel
samples), the kernel-harmonic error propagated with absolute values, and a floor of
(1e-13 + exp(-X_WINDOW)) of the sums of |terms|.  Measured (tests/test_paths_settings.py,
k_B T = 10 meV, mu = 2 |Delta|, screened Coulomb): against the grid at the same T 1e-6 (H_PT) to
7e-7 (H_T) relative, estimates 4e-6 and 2e-4 relative (the coarse rule's radial error dominates);
a constant user V against the contact factor products 1e-11 relative.  5-8 s per mu and mechanism
(2 shared cores); the contact interaction (uniform) 0.05 s.

Scope: the paper's Dirac models with v_x = v_y (anisotropic: one-line refusal pointing to
method='grid'), exchange within the valley of k, linear order.  Options: ``n_theta`` (32),
``panel_kT`` (2), ``n_fine`` (1024); anything else is refused in one line.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..errors import ResponseError
from ..geometry.channels import exchange_channels
from ..integrate.exchange import ExchangeComponent, checked_V
from ..integrate.occupation import fermi_derivatives
from .exchange import job_interaction, weigh_channels
from .exchange_quadrature import refuse_user_models
from .job import merged_options

#: |eps - mu| / kT beyond which f', f'' and the occupation changes are dropped (e^-30 ~ 1e-13)
X_WINDOW = 30.0
DEFAULTS = {"n_theta": 32, "panel_kT": 2.0, "n_fine": 1024}
RANGES = {"n_theta": (8, 256), "panel_kT": (0.5, 4.0), "n_fine": (128, 16384)}
ROUNDOFF = 1e-13
_GL = np.polynomial.legendre.leggauss(10)


def _options(job) -> dict:
    from .grid import option_integer, option_real
    opt = merged_options(job.options, DEFAULTS, "quadrature", " for ENH with a q-dependent interaction at T > 0")
    opt["n_theta"] = 2 * (option_integer("n_theta", opt["n_theta"], *RANGES["n_theta"]) // 2)
    opt["n_fine"] = 2 * (option_integer("n_fine", opt["n_fine"], *RANGES["n_fine"]) // 2)
    opt["panel_kT"] = option_real("panel_kT", opt["panel_kT"], *RANGES["panel_kT"])
    return opt


def _energy_breaks(E_lo, E_hi, step):
    n = max(1, int(np.ceil((E_hi - E_lo) / step)))
    return np.linspace(E_lo, E_hi, n + 1)


def _singularities(D: float, mu: float, kT: float) -> np.ndarray:
    """Complex p of the nearest singularities of the integrands: the poles of f(+-sqrt(p^2 + D^2))
    (p^2 = (mu + i (2n+1) pi kT)^2 - D^2, n = -2..1) and the branch points p = +-i D."""
    z = [np.sqrt(complex(mu, (2 * n + 1) * np.pi * kT) ** 2 - D * D) for n in range(-2, 2)]
    return np.array(z + [-w for w in z] + [1j * D, -1j * D])


def _radial_breaks(D: float, mu: float, kT: float, panel_kT: float, sea: bool = True) -> np.ndarray:
    """Panel edges in p (eV) for levels +-sqrt(p^2 + D^2): energy-uniform panels of at most
    panel_kT kT inside each level's thermal window, from p = 0, each panel split until its
    half-width is at most 0.4 of the distance of its centre from the nearest singularity
    (:func:`_singularities`; Gauss-Legendre 10 then converges like 4.8^-20)."""
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
    sing = _singularities(D, mu, kT)
    out = [p[0]]
    stack = list(itertools.pairwise(p))[::-1]
    while stack:
        a, b = stack.pop()
        c, h = 0.5 * (a + b), 0.5 * (b - a)
        if h > 0.4 * float(np.min(np.abs(c - sing))) and h > 1e-12 * b:
            stack.extend([(c, b), (a, c)])
            continue
        out.append(b)
    return np.asarray(out)


_GL6 = np.polynomial.legendre.leggauss(6)


def _far_breaks(p_hi: float) -> np.ndarray:
    """Panels beyond the window for the Fermi sea of W0 (PT): geometric up to 8 p_hi."""
    return p_hi * np.array([1.0, 1.5, 2.25, 3.4, 5.0, 8.0])


def _nodes(breaks, rule):
    x, w = rule
    a, b = breaks[:-1, None], breaks[1:, None]
    return (a + 0.5 * (b - a) * (x + 1)).ravel(), (0.5 * (b - a) * w).ravel()


def _tail_nodes(P: float, rule, n_panels: int = 3):
    """p' = P / u, u in (0, 1]: nodes p and weights dp (the tail of the Fermi sea)."""
    u, wu = _nodes(np.linspace(0.0, 1.0, n_panels + 1), rule)
    return P / u, P * wu / u ** 2


class _Rings:
    """Radial nodes x the angles 2 pi j / n_theta of one component with the geometry of both
    levels and the Fermi factors: arrays (n_p, n_theta, ...)."""

    def __init__(self, comp: ExchangeComponent, p, wp, n_theta, mu, kT):
        rc = comp.rc
        self.p, self.wp, self.n_theta = p, wp, n_theta
        th = 2 * np.pi * np.arange(n_theta) / n_theta
        P, TH = np.meshgrid(p, th, indexing="ij")
        kx, ky = rc.k_of(P, TH)
        sbp = comp.kernel.evaluate("sbp", kx, ky, comp.values)        # (n_p, n_th, L, ch, 2)
        spin = comp.kernel.evaluate("spin", kx, ky, comp.values)      # (n_p, n_th, L, ch)
        self.levels = []
        for N in (0, 1):
            eps, vx, vy, _ = rc.energy(N, P, TH, 0.0)
            e1, vx1, vy1, _ = rc.energy(N, P, TH, 1.0)
            tau, tx, ty = e1 - eps, vx1 - vx, vy1 - vy
            v = np.stack([vx, vy], -1)
            f, f1, f2 = fermi_derivatives(eps, mu, kT)
            O0 = f1[..., None] * v
            O1 = (f2 * tau)[..., None] * v + f1[..., None] * np.stack([tx, ty], -1)
            self.levels.append({"f": f, "f1": f1, "tau": tau, "O0": O0, "O1": O1, "S": sbp[:, :, N],
                                "s": spin[:, :, N]})
        self.val = comp.val


def _outer(r: _Rings):
    """P0^{c,ia}, P1^{c,ia} = sum_N O_N^c S_N^{ia}: (n_p, n_th, 2, ch, 2) each."""
    P0 = sum(np.einsum("ptc,ptia->ptcia", L["O0"], L["S"]) for L in r.levels)
    P1 = sum(np.einsum("ptc,ptia->ptcia", L["O1"], L["S"]) for L in r.levels)
    return P0, P1


def _sources(r: _Rings, mechanism: str):
    """(src0, src1) (n_p, n_th, ch, 2): the integrands of F0, F1 without V (module text)."""
    L = r.levels
    if mechanism == "enh-pt":
        src0 = sum(Lv["f"][..., None, None] * Lv["S"] for Lv in L)
        src1 = sum((Lv["f1"] * Lv["tau"])[..., None, None] * Lv["S"] for Lv in L)
    else:
        src0 = sum(np.einsum("pti,ptb->ptib", Lv["s"], Lv["O0"]) for Lv in L)
        src1 = sum(np.einsum("pti,ptb->ptib", Lv["s"], Lv["O1"]) for Lv in L)
    return src0, src1


def _distance_harmonics(p_t, p_s, s, n_m):
    """Fourier cosine coefficients c_m of |k - k'| = sqrt(p^2 + p'^2 - 2 p p' cos D) / s over D
    (exact: (-x)^m binom(1/2, m) 2F1(-1/2, m - 1/2; m + 1; x^2) times max(p, p')/s, x = min/max)."""
    from scipy.special import binom, hyp2f1
    hi = np.maximum(p_t[:, None], p_s[None, :])
    x = np.where(hi > 0, np.minimum(p_t[:, None], p_s[None, :]) / np.where(hi > 0, hi, 1.0), 0.0)
    m = np.arange(n_m)
    c = (-x[..., None]) ** m * binom(0.5, m) * hyp2f1(-0.5, m - 0.5, m + 1, (x * x)[..., None])
    return c * (hi / s)[..., None]


def _kernel_harmonics(interaction, p_t, p_s, s, n_m, n_fine):
    """g_m(p_t, p') = (1/2 pi) oint V(|k - k'|) e^{-i m D} dD for m < n_m: (n_t, n_s, n_m), and
    the change with half the samples (error).  The cusp V'(0+) |k - k'| is subtracted before the
    FFT and added back from its exact coefficients (_distance_harmonics), so the FFT sees only the
    O(|q|^3) remainder."""
    V1 = float(interaction.dV(np.array([0.0]))[0])
    D = 2 * np.pi * np.arange(n_fine) / n_fine
    cosD = np.cos(D)
    out = np.empty((len(p_t), len(p_s), n_m))
    err = np.empty((len(p_t), len(p_s), n_m))
    cm = _distance_harmonics(p_t, p_s, s, n_m) if V1 != 0 else None
    step = max(1, int(2e6 // (len(p_s) * n_fine)))
    for t0 in range(0, len(p_t), step):
        t1 = min(t0 + step, len(p_t))
        a = p_t[t0:t1, None, None]
        b = p_s[None, :, None]
        d = np.sqrt(np.maximum(a * a + b * b - 2 * a * b * cosD, 0.0)) / s
        g = checked_V(interaction, d)
        if V1 != 0:
            g = g - V1 * d
        full = np.fft.rfft(g, axis=-1).real[..., :n_m] / n_fine
        half = np.fft.rfft(g[..., ::2], axis=-1).real[..., :n_m] / (n_fine // 2)
        out[t0:t1], err[t0:t1] = full, np.abs(full - half)
    if V1 != 0:
        out += V1 * cm
    return out, err


def _channel_tensor(comp, mechanism, mu, kT, interaction, breaks, rule, n_theta, n_fine, memo=None):
    """T_i^{cab} (ch, 2, 2, 2) of one component with one rule (radial ``rule`` on ``breaks``,
    ``n_theta`` angles, ``n_fine`` samples for the kernel harmonics), the kernel-harmonic error
    propagated, and the sum of |terms| (for the floors)."""
    s = abs(comp.rc.sx)
    p, wp = _nodes(breaks, rule)
    if mechanism == "enh-pt":                           # the Fermi sea: far panels and the tail
        pf, wf = _nodes(_far_breaks(breaks[-1]), rule)
        pt_, wt_ = _tail_nodes(8.0 * breaks[-1], rule)
        p_src, w_src = np.concatenate([p, pf, pt_]), np.concatenate([wp, wf, wt_])
    else:
        p_src, w_src = p, wp
    ring_s = _Rings(comp, p_src, w_src, n_theta, mu, kT)
    n_p = len(p)
    P0, P1 = (x[:n_p] for x in _outer(ring_s))
    src0, src1 = _sources(ring_s, mechanism)
    mag = np.max(np.abs(np.concatenate([P0, P1], axis=-1)).reshape(n_p, -1), axis=1)
    rows = np.nonzero(mag > 0)[0]
    n_ch = src0.shape[2]
    if rows.size == 0:
        return np.zeros((n_ch, 2, 2, 2)), 0.0, 0.0
    jac = 1.0 / (4 * np.pi ** 2 * s * s)
    both = np.concatenate([src0, src1], axis=-1)                       # (n_s, n_th, ch, 4)
    n_m = n_theta // 2 + 1
    sh = np.fft.rfft(both, axis=1) / n_theta                           # (n_s, n_m, ch, 4) harmonics
    wts = (w_src * p_src * 2 * np.pi * jac)                             # radial measure of the inner integral
    if interaction.is_uniform:
        Fh = np.zeros((len(rows), n_m) + sh.shape[2:], dtype=complex)
        Fh[:, 0] = interaction.V0_eV_nm2 * np.einsum("s,sia->ia", wts, sh[:, 0].real)
        eK = np.zeros(len(rows))
    else:
        key = (p[rows].tobytes(), p_src.tobytes(), s, n_m, n_fine)
        if memo is None or key not in memo:          # the valleys of H_T share their nodes and kernel
            val = _kernel_harmonics(interaction, p[rows], p_src, s, n_m, n_fine)
            if memo is not None:
                memo[key] = val
        gm, eg = memo[key] if memo is not None else val                    # (n_t, n_s, n_m)
        Fh = np.einsum("tsm,s,smia->tmia", gm, wts, sh)
        eK = np.einsum("tsm,s,smia->t", eg, np.abs(wts), np.abs(sh))
    F = np.fft.irfft(Fh * n_theta, n=n_theta, axis=1)                  # (n_t, n_th, ch, 4)
    F0, F1 = F[..., :2], F[..., 2:]
    w_out = (wp[rows] * p[rows] * (2 * np.pi / n_theta) * jac)[:, None]     # (n_t, 1)
    A1, A0 = P1[rows], P0[rows]
    T = (np.einsum("tu,tucia,tuib->icab", w_out, A1, F0) + np.einsum("tu,tucia,tuib->icab", w_out, A0, F1))
    e_field = float(np.sum(np.abs(w_out) * (np.max(np.abs(A1).reshape(len(rows), n_theta, -1), axis=2)
                                            + np.max(np.abs(A0).reshape(len(rows), n_theta, -1), axis=2))
                           * eK[:, None]))
    absum = float(np.max(np.einsum("tu,tucia,tuib->icab", np.abs(w_out), np.abs(A1), np.abs(F0))
                         + np.einsum("tu,tucia,tuib->icab", np.abs(w_out), np.abs(A0), np.abs(F1))))
    return T, e_field, absum


def compute(job, kT: float):
    """(raw, err, extra) of an ENH Job with its interaction and channels at k_B T = ``kT`` > 0 (eV),
    linear order: raw (n_mu, 2, 2, 2) in e^3/hbar nm/eV, err (n_mu,) bounding every element,
    extra {"channels": {group label: raw}}."""
    if job.mechanism not in ("enh-t", "enh-pt"):
        raise ResponseError(f"mechanism: the finite-T exchange path computes enh-t and enh-pt, not {job.mechanism!r}")
    if not (kT > 0 and np.isfinite(kT)):
        raise ResponseError(f"T_K: the finite-T exchange path needs k_B T > 0, got {kT!r} eV")
    opt = _options(job)
    interaction = job_interaction(job)
    if job.exchange == "all" and not interaction.is_uniform:
        raise ResponseError("exchange_valleys: 'all' (k' over every valley) is offered for the contact interaction "
                            "only; a q-dependent V keeps the exchange within the valley of k")
    refuse_user_models(job.components, "finite-T exchange quadrature")
    sets = [exchange_channels(c, job.channels) for c in job.components]
    comps = [ExchangeComponent(m, ch, job.values) for m, ch in zip(job.components, sets)]
    for c in comps:
        if not c.rc.is_dirac:
            raise ResponseError(f"model: the finite-T exchange quadrature covers the paper's Dirac models, not "
                                f"{job.model_name!r}; use method='grid'")
        if abs(abs(c.rc.sx) - abs(c.rc.sy)) > 1e-12 * abs(c.rc.sy):
            raise ResponseError("vx_m_per_s: the finite-T exchange quadrature needs v_x = v_y (its angular "
                                "harmonics); use method='grid' for an anisotropic model")
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
    for i, mu in enumerate(mu_all):
        memo = {}
        tot = {"full": np.zeros((n_ch, 2, 2, 2)), "half": np.zeros((n_ch, 2, 2, 2))}
        e_f, absum = 0.0, 0.0
        for comp in comps:
            D = abs(comp.rc.Delta)
            breaks = _radial_breaks(D, float(mu), kT, opt["panel_kT"])
            if breaks.size < 2:
                continue
            T, ef, ab = _channel_tensor(comp, job.mechanism, float(mu), kT, interaction, breaks, _GL,
                                        opt["n_theta"], opt["n_fine"], memo)
            Th, _, _ = _channel_tensor(comp, job.mechanism, float(mu), kT, interaction, breaks, _GL6,
                                       opt["n_theta"] // 2, opt["n_fine"] // 2, memo)
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
