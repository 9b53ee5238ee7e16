r"""Exchange fields of a q-dependent interaction: W(k) (Fermi sea) and Y(k) (Fermi surface).

Definitions (physics.md 6; ``int_k' = int d^2k'/(2 pi)^2``, channels Gamma_i of a
:class:`~symenh.geometry.channels.ChannelSet`, T = 0, one component (valley) of the model):

    W^{ib}(k) = int_k' V(|k - k'|) sum_n f_n(k') S^{ib}_n(k')          nm
    Y^{ib}(k) = int_k' V(|k - k'|) sum_n <Gamma_i>_n(k') d_b f_n(k')     eV nm

with V in eV nm^2 (:mod:`symenh.interactions`), S^{ib} the SBP of channel i (nm/eV, paper
Eq. 5, level-traced) and <Gamma_i> its level-traced expectation.  For V = V_0 they are the
uniform V_0 B and V_0 C of :mod:`symenh.responses.spec`.  :func:`exchange_fields` evaluates
both at any array of k, any mu and any tilt alpha, with an error estimate.

**The Fermi sea (W).**  For a two-level model the band sum rule ``sum_n S_n = 0`` makes
``sum_n f_n S_n = S_v 1_out``: the lower (valence) level's S on the region *outside* the
crossing level's Fermi contour (electron doping: the filled valence level minus the filled
part of the conduction level, where S_v + S_c = 0; hole doping: the valence level outside the
hole pocket).  In the scaled polar coordinates of :class:`~symenh.integrate.contour.RayContours`
(``k_x = p cos th / s_x``, ``k_y = p sin th / s_y``; d^2k = p dp dth / |s_x s_y|) the region is
split at a radius R (``split`` times the largest of the contour radius and |p| of the targets):

* near part ``p_c(th') < p' < R``: with ``th' = th_k + psi`` and
  ``p' = p_c(th') + t (R - p_c(th'))`` the target k sits at (psi, t) = (0, t_k) (t_k = 0 for k
  on the contour).  |k - k'| has a cusp there (V(|q|) is not smooth at q = 0).  The
  (psi, t) rectangle is cut into four rectangles with a corner at the target and each into
  two Duffy triangles, ``(x, y) = (a s, b s v)`` and ``(a s v, b s)``: the Jacobian a b s
  cancels the cone, |k - k'| = s g(s, v) with g > 0 smooth, so the integrand is smooth in
  (s, v).  s: adaptive ``scipy.integrate.quad_vec`` (V's own scale q_s makes it
  near-singular at s ~ q_s/k_F when k_F >> q_s: the adaptive bisection resolves it);
  v: Gauss-Legendre with 24 nodes, its error from a 20-node rule.
* far part ``p' > R``: V(|k - k'|) is smooth there; the angular integral first (trapezoid
  on 128 angles, error from 64), then ``quad_vec`` in u = R/p'.  Angle first is required
  for a V that does not decay (contact: the dipolar 1/k^2 parts of S make the integral
  only conditionally convergent); for V ~ 1/q it converges absolutely anyway.

**The Fermi surface (Y).**  ``Y^{ib}(k) = -oint dth' w(th') (d_b eps) <Gamma_i>`` at the
crossing level's contour (``int_k' delta(mu - eps) F = int dth' w F``, w of
:meth:`RayContours.surface_weight`).  For k on the contour the integrand has a cusp at
th' = th_k: the integral runs over ``psi = th' - th_k`` in (0, 2 pi), where it is smooth up to
both ends (one-sided), with ``quad_vec``.

The same two integrators, with the kernel ``d/dk_c V(|k - k'|) = V'(|k - k'|) (k - k')_c/|k - k'|``
(:meth:`Interaction.dV`) in place of V, give the gradients of the fields that the linear order
in alpha needs (:mod:`symenh.responses.exchange_quadrature`), and, with other sources on the
contour, every contour field of the form ``oint dth' w F(th') K(k, k')``.

Errors: every non-finite V(q) met inside an integral is refused in one line (a user V that
passed the probe of :mod:`symenh.interactions` but fails elsewhere).  Error estimates are
absolute, per target point: quad_vec's estimate (relative tolerances per target block) plus
the inner rule-comparison estimates.

Units: k in 1/nm, mu in eV, alpha in eV nm, W in nm, Y in eV nm, gradients per 1/nm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad_vec

from ..errors import ContourError, ParameterError
from ..geometry.channels import ChannelSet, exchange_channels
from ..interactions import Interaction
from ..kernels.lambdified import kernel_for
from ..models.base import SymbolicModel
from .contour import RayContours
from .sea import valence_level

TWO_PI = 2 * np.pi
#: the near/far split radius in units of the largest contour radius (and target |p|)
SPLIT = 2.0


def _gl01(n):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w


_V_HI, _V_LO = _gl01(24), _gl01(20)


# ---------------------------------------------------------------------------
# interaction with the finiteness check inside the integrals
# ---------------------------------------------------------------------------

def checked_V(interaction: Interaction, q, derivative: bool = False) -> np.ndarray:
    """V(|q|) (eV nm^2) or dV/d|q| (eV nm^3) at the momentum transfers q met inside an integral;
    a non-finite value is refused with one line naming the interaction and the q."""
    with np.errstate(all="ignore"):
        v = interaction.dV(q) if derivative else interaction.V(q)
    bad = ~np.isfinite(v)
    if np.any(bad):
        q0 = float(np.abs(np.asarray(q, dtype=float))[np.broadcast_to(bad, np.shape(q))].ravel()[0])
        what = "dV/dq" if derivative else "V(q)"
        raise ParameterError(f"interaction: {what} is not finite at q = {q0:g}/nm inside the exchange integrals; "
                             "a radial V(|q|) must be finite (and differentiable) for every q >= 0")
    return v


# ---------------------------------------------------------------------------
# one component's geometry and its Fermi contour
# ---------------------------------------------------------------------------

class ExchangeComponent:
    """One component (valley) of a two-level model, its channel geometry and sum-rule sea.

    ``model``: a :class:`SymbolicModel` with a tilt symbol; ``channels``: a ChannelSet of it (or
    "printed"/"fock"); ``values``: parameter values (symbol or name; eV, eV nm).
    """

    def __init__(self, model: SymbolicModel, channels, values):
        if isinstance(channels, str):
            channels = exchange_channels(model, channels)
        if not isinstance(channels, ChannelSet):
            raise ParameterError("channels: give 'printed', 'fock' or a ChannelSet")
        self.rc = RayContours(model, values)
        self.channels = channels
        self.kernel = kernel_for(channels.model)
        self.values = self.rc.values
        self.val = valence_level(self.rc)
        self.n_ch = channels.n_channels
        self.jac = 1.0 / abs(self.rc.sx * self.rc.sy)

    def sbp(self, level: int, kx, ky) -> np.ndarray:
        """Channel SBP S^{ia} of ``level`` at k: (*k, n_ch, 2), nm/eV."""
        return self.kernel.evaluate("sbp", kx, ky, self.values)[..., level, :, :]

    def spin(self, level: int, kx, ky) -> np.ndarray:
        """Channel expectation <Gamma_i> of ``level`` at k: (*k, n_ch)."""
        return self.kernel.evaluate("spin", kx, ky, self.values)[..., level, :]

    def tau(self, kx, ky) -> np.ndarray:
        """Tilt profile tau(k) (1/nm; the tilt term is alpha tau(k))."""
        out = self.rc.ex.tau(kx, ky, *self.rc.params)
        return np.broadcast_to(np.asarray(out, dtype=float), np.shape(kx))

    def polar(self, kx, ky):
        """(p, th) of k in the scaled polar coordinates of the contours."""
        px, py = self.rc.sx * np.asarray(kx, float), self.rc.sy * np.asarray(ky, float)
        return np.hypot(px, py), np.arctan2(py, px)


class FermiContour:
    """The crossing level's Fermi contour of one component at (mu, alpha), as p_c(th).

    ``level`` is -1 when mu lies in a gap (no contour: p_c = 0, the sea is the whole plane).
    Dirac models: the closed-form root of :meth:`RayContours.radius`; a user model: a table of
    the bracketing root on 256 rays, refined at any th by Newton steps (quadratic convergence).
    """

    def __init__(self, comp: ExchangeComponent, mu: float, alpha: float):
        self.comp, self.mu, self.alpha = comp, float(mu), float(alpha)
        self.level = int(comp.rc.crossing_level(np.array([self.mu]))[0])
        self._table = None
        if self.level >= 0 and not comp.rc.is_dirac:
            th = np.linspace(0, TWO_PI, 256, endpoint=False)
            self._table = comp.rc.radius(self.level, np.full(th.shape, self.mu), np.full(th.shape, self.alpha), th)

    @property
    def exists(self) -> bool:
        return self.level >= 0

    def radius(self, th) -> np.ndarray:
        """p_c(th) (eV for a Dirac model, 1/nm for a user model); 0 without a contour."""
        th = np.asarray(th, dtype=float)
        if not self.exists:
            return np.zeros(th.shape)
        rc = self.comp.rc
        if rc.is_dirac:
            return rc.radius(self.level, self.mu, self.alpha, th)
        n = len(self._table)
        x = np.mod(th, TWO_PI) / TWO_PI * n
        i0 = np.floor(x).astype(int) % n
        fr = x - np.floor(x)
        p = (1 - fr) * self._table[i0] + fr * self._table[(i0 + 1) % n]
        for _ in range(8):
            eps, _, _, dp = rc.energy(self.level, p, th, self.alpha)
            p = p - (eps - self.mu) / dp
        eps = rc.energy(self.level, p, th, self.alpha)[0]
        if np.max(np.abs(eps - self.mu), initial=0.0) > 1e-9 * max(1.0, abs(self.mu)):
            raise ContourError(f"{rc.model.name}: Newton refinement of the Fermi contour at mu = {self.mu} eV "
                               "did not converge (use method='grid')")
        return p

    def points(self, th) -> dict:
        """Contour data at angles th: k (1/nm), p_c, surface weight w (nm^-2 eV^-1 per radian),
        the gradient d eps (eV nm) and tau(k) (1/nm)."""
        th = np.asarray(th, dtype=float)
        p = self.radius(th)
        rc = self.comp.rc
        kx, ky = rc.k_of(p, th)
        w, dx, dy = rc.surface_weight(self.level, p, th, self.alpha)
        return {"kx": kx, "ky": ky, "p": p, "th": th, "w": w, "d": np.stack([dx, dy], axis=-1),
                "tau": self.comp.tau(kx, ky)}


# ---------------------------------------------------------------------------
# quad_vec with per-block relative tolerances
# ---------------------------------------------------------------------------

def _quad_blocks(f, a, b, n_blocks, tol, samples):
    """Integrate a vector function whose output is (n_blocks, m) (flattened), with quad_vec's
    max-norm tolerance made relative per block (a block = one target point).

    Returns (result (n_blocks, m), abs error per block (n_blocks,), quad_vec status)."""
    scale = np.zeros(n_blocks)
    for x in samples:
        scale = np.maximum(scale, np.max(np.abs(f(a + (b - a) * x)), axis=1))
    scale = np.where(scale > 0, scale, 1.0)

    def g(x):
        return (f(x) / scale[:, None]).ravel()

    res = quad_vec(g, a, b, epsabs=tol, epsrel=tol, norm="max", limit=4000, full_output=True)
    val, err, info = res
    return val.reshape(n_blocks, -1) * scale[:, None], err * scale, info.status


# ---------------------------------------------------------------------------
# the Fermi sea
# ---------------------------------------------------------------------------

def _split_radius(contour: FermiContour, p_targets) -> float:
    th = np.linspace(0, TWO_PI, 256, endpoint=False)
    pmax = float(np.max(contour.radius(th)))
    rc = contour.comp.rc
    scale = max(pmax, float(np.max(p_targets, initial=0.0)))
    if rc.is_dirac:
        scale = max(scale, abs(rc.Delta))
    if scale <= 0:
        scale = 1.0
    return SPLIT * scale


def sea_field(comp: ExchangeComponent, contour: FermiContour, kx, ky, interaction: Interaction, *,
              gradient: bool = False, tol: float = 1e-12):
    """W^{ib}(k) at targets k (1-D arrays, 1/nm) for one component: (n_t, n_ch, 2) in nm, and,
    with ``gradient``, d_c W^{ib} (n_t, 2, n_ch, 2) in nm^2; absolute errors (n_t,) of each.

    The near part by Duffy triangles around each target, the far part angle first (module text)."""
    kx, ky = np.atleast_1d(np.asarray(kx, float)), np.atleast_1d(np.asarray(ky, float))
    pk, thk = comp.polar(kx, ky)
    R = _split_radius(contour, pk)
    near = _sea_near(comp, contour, kx, ky, pk, thk, R, interaction, gradient, tol)
    far = _sea_far(comp, kx, ky, R, interaction, gradient, tol)
    W = near[0] + far[0]
    eW = near[1] + far[1]
    if not gradient:
        return W, eW
    return W, eW, near[2] + far[2], near[3] + far[3]


def _sea_near(comp, contour, kx, ky, pk, thk, R, interaction, gradient, tol):
    rc = comp.rc
    n_t, n_ch = len(kx), comp.n_ch
    pck = contour.radius(thk)
    tk = np.clip((pk - pck) / (R - pck), 0.0, 1.0)
    tk = np.where(tk < 1e-13, 0.0, tk)           # a target on the contour: the corner is on the edge
    # rectangles (sign of psi, direction in t, height in t) with their corner at (0, t_k)
    dirs = (1.0, -1.0) if np.any(tk > 0) else (1.0,)
    rects = [(sg, dr, (1.0 - tk) if dr > 0 else tk) for sg in (1.0, -1.0) for dr in dirs]
    xv = np.concatenate([_V_HI[0], _V_LO[0]])
    wv = np.concatenate([_V_HI[1], np.zeros_like(_V_LO[1])])
    wl = np.concatenate([np.zeros_like(_V_HI[1]), _V_LO[1]])
    n_v = len(xv)

    def parts(s):
        psi, t, jac = [], [], []
        for sg, dr, b in rects:
            for tri in (0, 1):
                if tri == 0:   # x = pi s, y = b s v
                    x = np.full((n_t, n_v), np.pi * s)
                    y = b[:, None] * s * xv[None]
                else:          # y = b s, x = pi s v
                    x = np.pi * s * np.broadcast_to(xv, (n_t, n_v))
                    y = np.broadcast_to((b * s)[:, None], (n_t, n_v))
                psi.append(sg * x)
                t.append(tk[:, None] + dr * y)
                jac.append(np.broadcast_to((np.pi * b * s)[:, None], (n_t, n_v)))
        psi, t, jac = (np.stack(z, axis=1) for z in (psi, t, jac))     # (n_t, n_tri, n_v)
        th = thk[:, None, None] + psi
        pc = contour.radius(th)
        p = pc + np.clip(t, 0.0, 1.0) * (R - pc)
        kxp, kyp = rc.k_of(p, th)
        dA = p * (R - pc) * jac * comp.jac / (4 * np.pi ** 2)
        dx, dy = kx[:, None, None] - kxp, ky[:, None, None] - kyp
        q = np.hypot(dx, dy)
        S = comp.sbp(comp.val, kxp, kyp)                                # (n_t, 8, n_v, n_ch, 2)
        Vq = checked_V(interaction, q) * dA
        hi = np.einsum("tjn,n,tjnea->tea", Vq, wv, S)
        lo = np.einsum("tjn,n,tjnea->tea", Vq, wl, S)
        out = [hi.reshape(n_t, -1), np.max(np.abs(hi - lo).reshape(n_t, -1), axis=1, keepdims=True)]
        if gradient:
            with np.errstate(invalid="ignore", divide="ignore"):
                inv = np.where(q > 0, 1.0 / q, 0.0)
            G = checked_V(interaction, q, derivative=True) * dA * inv
            ghi = np.stack([np.einsum("tjn,n,tjnea->tea", G * d, wv, S) for d in (dx, dy)], axis=1)
            glo = np.stack([np.einsum("tjn,n,tjnea->tea", G * d, wl, S) for d in (dx, dy)], axis=1)
            out += [ghi.reshape(n_t, -1), np.max(np.abs(ghi - glo).reshape(n_t, -1), axis=1, keepdims=True)]
        return np.concatenate(out, axis=1)

    val, err, _ = _quad_blocks(parts, 0.0, 1.0, n_t, tol, (0.05, 0.3, 0.7))
    m = n_ch * 2
    W = val[:, :m].reshape(n_t, n_ch, 2)
    eW = err + np.abs(val[:, m])
    if not gradient:
        return W, eW
    g = val[:, m + 1:m + 1 + 2 * m].reshape(n_t, 2, n_ch, 2)
    eg = err + np.abs(val[:, -1])
    return W, eW, g, eg


def _sea_far(comp, kx, ky, R, interaction, gradient, tol, n_theta=128):
    rc = comp.rc
    n_t, n_ch = len(kx), comp.n_ch
    th = np.linspace(0, TWO_PI, n_theta, endpoint=False)
    m = n_ch * 2

    def parts(u):
        p = R / u
        kxp, kyp = rc.k_of(p, th)
        S = comp.sbp(comp.val, kxp, kyp)                                # (n_th, n_ch, 2)
        jac = p * R / u ** 2 * comp.jac / (4 * np.pi ** 2) * TWO_PI
        dx, dy = kx[:, None] - kxp[None], ky[:, None] - kyp[None]
        q = np.hypot(dx, dy)
        Vq = checked_V(interaction, q) * jac
        full = np.einsum("tn,nea->tea", Vq, S) / n_theta
        half = np.einsum("tn,nea->tea", Vq[:, ::2], S[::2]) / (n_theta // 2)
        out = [full.reshape(n_t, -1), np.max(np.abs(full - half).reshape(n_t, -1), axis=1, keepdims=True)]
        if gradient:
            G = checked_V(interaction, q, derivative=True) * jac / q
            gf = np.stack([np.einsum("tn,nea->tea", G * d, S) / n_theta for d in (dx, dy)], axis=1)
            gh = np.stack([np.einsum("tn,nea->tea", (G * d)[:, ::2], S[::2]) / (n_theta // 2) for d in (dx, dy)],
                          axis=1)
            out += [gf.reshape(n_t, -1), np.max(np.abs(gf - gh).reshape(n_t, -1), axis=1, keepdims=True)]
        return np.concatenate(out, axis=1)

    val, err, _ = _quad_blocks(parts, 0.0, 1.0, n_t, tol, (0.05, 0.5, 0.95))
    W = val[:, :m].reshape(n_t, n_ch, 2)
    eW = err + np.abs(val[:, m])
    if not gradient:
        return W, eW
    g = val[:, m + 1:m + 1 + 2 * m].reshape(n_t, 2, n_ch, 2)
    return W, eW, g, err + np.abs(val[:, -1])


# ---------------------------------------------------------------------------
# fields on the Fermi contour
# ---------------------------------------------------------------------------

def contour_field(contour: FermiContour, source, kx, ky, th_split, interaction: Interaction, *,
                  gradient: bool = False, value: bool = True, tol: float = 1e-12):
    """``oint dth' F(th') V(|k - k'(th')|)`` and/or ``oint dth' F d/dk_c V(|k - k'|)`` over the contour.

    ``source(points)`` returns F at contour points (the dict of :meth:`FermiContour.points`, each
    array of shape (n_t,)) as an array (n_t, *shape) that already includes the weight w.
    Targets k (n_t,) in 1/nm; ``th_split`` (n_t,): the angle where the integral is cut (the
    target's own angle: the cusp of a target on the contour sits at the ends of (0, 2 pi)).
    Returns ``(value (n_t, *shape) or None, gradient (n_t, 2, *shape) or None, abs error (n_t,))``.
    """
    kx, ky = np.atleast_1d(np.asarray(kx, float)), np.atleast_1d(np.asarray(ky, float))
    n_t = len(kx)
    th_split = np.broadcast_to(np.asarray(th_split, float), (n_t,))
    shape = [None]

    def parts(psi):
        pts = contour.points(th_split + psi)
        F = np.asarray(source(pts), dtype=float)
        shape[0] = F.shape[1:]
        F = F.reshape(n_t, -1)
        dx, dy = kx - pts["kx"], ky - pts["ky"]
        q = np.hypot(dx, dy)
        out = []
        if value:
            out.append(checked_V(interaction, q)[:, None] * F)
        if gradient:
            with np.errstate(invalid="ignore", divide="ignore"):
                inv = np.where(q > 0, 1.0 / q, 0.0)
            G = checked_V(interaction, q, derivative=True) * inv
            out += [(G * dx)[:, None] * F, (G * dy)[:, None] * F]
        return np.concatenate(out, axis=1)

    if not contour.exists:
        raise ContourError("contour_field: no Fermi contour at this mu (a gap)")
    val, err, _ = _quad_blocks(parts, 0.0, TWO_PI, n_t, tol, (0.13, 0.5, 0.87))
    m = int(np.prod(shape[0])) if shape[0] else 1
    pos = 0
    v = g = None
    if value:
        v = val[:, :m].reshape((n_t,) + shape[0])
        pos = m
    if gradient:
        g = np.stack([val[:, pos:pos + m], val[:, pos + m:pos + 2 * m]], axis=1).reshape((n_t, 2) + shape[0])
    return v, g, err


def y_source(comp: ExchangeComponent, contour: FermiContour):
    """Source of Y: ``F^{ib} = -w (d_b eps) <Gamma_i>`` at contour points, shape (n, n_ch, 2)."""
    def src(pts):
        s = comp.spin(contour.level, pts["kx"], pts["ky"])                 # (n, n_ch)
        return -pts["w"][:, None, None] * s[:, :, None] * pts["d"][:, None, :]
    return src


# ---------------------------------------------------------------------------
# the public field evaluator
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ExchangeFields:
    """W^{ib}(k) (nm) and Y^{ib}(k) (eV nm) at the points ``k_per_nm`` (n, 2).

    ``W_nm``, ``Y_eV_nm``: (n, n_channels, 2) [point][channel i][b]; ``W_error_nm``,
    ``Y_error_eV_nm``: absolute error estimates per point (bounding every component);
    ``channels``: channel names; ``mu_eV``, ``alpha_eV_nm``: where they were evaluated.
    """

    k_per_nm: np.ndarray
    mu_eV: float
    alpha_eV_nm: float
    channels: tuple
    W_nm: np.ndarray
    Y_eV_nm: np.ndarray
    W_error_nm: np.ndarray
    Y_error_eV_nm: np.ndarray


def exchange_fields(model: SymbolicModel, k_per_nm, mu_eV: float, *, values, interaction: Interaction,
                    channels="printed", alpha_eV_nm: float | None = None, rtol: float = 1e-10) -> ExchangeFields:
    """The exchange fields W^{ib}(k) (nm) and Y^{ib}(k) (eV nm) of physics.md 6 at any k.

    Parameters
    ----------
    model : one component of a two-level model (e.g. one valley of H_T, or H_PT), with a tilt.
    k_per_nm : points (n, 2) or (2,), 1/nm.
    mu_eV : chemical potential (eV); T = 0.
    values : parameter values of the model (symbol or name -> eV, eV nm).
    interaction : an :class:`~symenh.interactions.Interaction` (V in eV nm^2).
    channels : "printed", "fock" or a :class:`~symenh.geometry.channels.ChannelSet`.
    alpha_eV_nm : the tilt (eV nm) of the occupations; default: the tilt symbol's value in ``values``.
    rtol : relative tolerance of the adaptive integrals (per point).

    The exchange k' runs over this component only (physics.md 3: within the valley of k).
    For ``contact`` both fields are uniform (V_0 B, V_0 C).  See the module text for the method.
    """
    comp = ExchangeComponent(model, channels, values)
    if alpha_eV_nm is None:
        from ..kernels.hamiltonian import values_by_name
        alpha_eV_nm = float(values_by_name(values).get(model.tilt_symbol.name, 0.0))
    k = np.atleast_2d(np.asarray(k_per_nm, dtype=float))
    if k.shape[-1] != 2 or not np.all(np.isfinite(k)):
        raise ParameterError("k_per_nm: give finite points of shape (n, 2) in 1/nm")
    if not (0 < rtol < 1):
        raise ParameterError(f"rtol: must lie in (0, 1), got {rtol!r}")
    tol = max(rtol * 0.1, 1e-14)
    contour = FermiContour(comp, mu_eV, alpha_eV_nm)
    W, eW = sea_field(comp, contour, k[:, 0], k[:, 1], interaction, tol=tol)
    if contour.exists:
        _, thk = comp.polar(k[:, 0], k[:, 1])
        Y, _, eY = contour_field(contour, y_source(comp, contour), k[:, 0], k[:, 1], thk, interaction, tol=tol)
    else:
        Y, eY = np.zeros_like(W), np.zeros(len(k))
    return ExchangeFields(k, float(mu_eV), float(alpha_eV_nm), comp.channels.names, W, Y, eW, eY)


__all__ = ["ExchangeComponent", "ExchangeFields", "FermiContour", "SPLIT", "checked_V", "contour_field",
           "exchange_fields", "sea_field", "y_source"]
