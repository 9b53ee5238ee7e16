r"""Direct finite-temperature momentum integrals along rays from k = 0 (no energy convolution).

The factors of :mod:`symenh.responses.spec` at temperature T and tilt alpha, integrated in
the polar coordinates of :class:`symenh.integrate.contour.RayContours` with the Fermi
function itself (``eps_N = eps0_N + alpha tau``, the geometry alpha-independent):

* surface factor ``F^c[Q] = sum_N int d^2k/(2 pi)^2 f'(eps_N) (d_c eps_N) Q_N``
  (D_b = -F^b[Omega] by parts, X = F[G], A = F[S], C^{eb} = F^b[<s^e>]);
* linear order, d/d alpha on f only:  ``F^c`` at alpha = 0 with ``f'(eps0)``, and
  ``d F^c / d alpha = sum_N int [f''(eps0) tau d_c eps0 + f'(eps0) d_c tau] Q_N``;
  ``d B / d alpha = sum_N int f'(eps0) tau S_N``;
* Fermi sea ``B = sum_N int f(eps_N) S_N = int (f_lower - f_upper) S_lower`` (the level sum
  rule of a two-level model): the disc p < R by quadrature, the exterior p > R, where the
  lower level is filled and the upper empty to exp(-X_WINDOW), with the angle first
  (:func:`symenh.integrate.sea.sea_exterior`, alpha-independent).

Radial integral.  Along each ray the energy of each level is sampled on :attr:`n_samples`
radii; the *thermal window* of a level is the range of radii where its energy is within
``X_WINDOW kT`` of mu (cells whose energy interval meets the window; no monotonicity or
star shape is needed), and it is cut into uniform panels on which the energy changes by at
most ``panel_kT * kT`` (Lipschitz bound from the sampled |d eps / dp|), so f', f'' are
resolved.  The sea adds panels on [0, R] spaced uniformly in asinh(p / scale).  Each panel:
Gauss-Legendre with 10 nodes; the same panels with 6 nodes give the radial error estimate.

Angular integral.  Periodic trapezoidal rule, doubling from 16 angles until successive sums
agree to the tolerance relative to each factor's scale (nested, so the half rule costs
nothing); their difference is the angular error estimate.  All mu share the angles.

Units: p as in RayContours (eV for the paper's Dirac models, 1/nm for a user model),
energies eV, kT eV, factors in spec.py units.
"""

from __future__ import annotations

import numpy as np

from ..errors import ContourError
from ..kernels.lambdified import kernel_for
from .contour import RayContours
from .occupation import fermi_derivatives
from .sea import sea_exterior, valence_level

#: |eps - mu| / kT beyond which f' and f'' are dropped (weight exp(-40) = 4e-18)
X_WINDOW = 40.0
_GL10 = np.polynomial.legendre.leggauss(10)
_GL6 = np.polynomial.legendre.leggauss(6)
_QUANTITY = {"D": "berry-curvature", "X": "bcp", "A": "sbp", "C": "spin"}
_SHAPE = {"D": (2,), "X": (2, 2, 2), "A": (2, 4, 2), "B": (4, 2), "C": (4, 2)}


def _gl_nodes(edges, rule):
    """Nodes and weights of ``rule`` on consecutive panels ``edges`` (..., n_e): (..., n_e-1, n)."""
    x, w = rule
    a, b = edges[..., :-1, None], edges[..., 1:, None]
    half = 0.5 * (b - a)
    return a + half * (x + 1.0), half * w


def _surface_sum(name, fac, d, Q):
    """sum over the radial nodes (axis 2) of fac * d_c * Q, arranged as the factor ``name``.

    fac (t, m, n) Jacobian x quadrature weight x f'-type occupation factor; d (t, m, n, 2) the
    gradient d_c; Q (t, m, n, *q) the geometry.  Returns (t, m, *factor shape).
    """
    t, m, n = fac.shape
    fd = np.swapaxes(fac[..., None] * d, -1, -2)                          # (t, m, 2, n)
    qshape = Q.shape[3:]
    res = np.matmul(fd, Q.reshape(t, m, n, -1)).reshape((t, m, 2) + qshape)
    if name == "D":                          # D_b = -F^b[Omega]
        return -res
    if name == "X":                          # X^{cba} = F^c[G^{ba}]; kernel order G[a][b]
        return np.swapaxes(res, -1, -2)
    if name == "A":                          # A^{c eta a}
        return res
    if name == "C":                          # C^{eta b} = F^b[<s^eta>]
        return np.swapaxes(res, -1, -2)
    raise KeyError(name)


def _node_sum(fac, S):
    """sum over the radial nodes of fac (t, m, n) * S (t, m, n, 4, 2): (t, m, 4, 2)."""
    t, m, n = fac.shape
    return np.matmul(fac[:, :, None, :], S.reshape(t, m, n, -1))[:, :, 0].reshape((t, m) + S.shape[3:])


class ThermalRays:
    """Finite-T factors of one component (two levels) on rays, at chemical potentials ``mu``.

    ``rc``: the component's :class:`RayContours`; ``mu`` (n_mu,) eV; ``kT`` > 0 eV;
    ``alpha``: the tilt (eV nm; 0 with ``linear=True`` for the alpha-derivatives at 0).
    """

    def __init__(self, rc: RayContours, mu, kT: float, alpha: float = 0.0, n_samples: int = 257,
                 panel_kT: float = 1.5, fill_du: float = 0.3):
        if rc.ex.n_levels != 2:
            raise ContourError(f"{rc.model.name}: the finite-T ray quadrature handles two-level models; "
                               "use method='grid'")
        if not kT > 0:
            raise ValueError("kT must be > 0")
        self.rc = rc
        self.mu = np.atleast_1d(np.asarray(mu, dtype=float))
        self.kT = float(kT)
        self.alpha = float(alpha)
        self.panel_kT = float(panel_kT)
        self.fill_du = float(fill_du)
        self.kernel = kernel_for(rc.model)
        self.scale = abs(rc.Delta) if rc.is_dirac and rc.Delta else 1.0
        self.upper = 1 - valence_level(rc)
        self.pmax = self._outer_radius()
        s = np.linspace(0.0, 1.0, n_samples)
        self.samples = self.pmax * s ** 2
        th = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        win = {N: self._window(N, th) for N in (0, 1)}
        self.n_panels = {N: max(2, int(np.ceil(np.max(win[N][2]) * 1.25))) for N in (0, 1)}
        ends = np.max(np.stack([win[N][1] for N in (0, 1)]), axis=(0, 1))     # (n_mu,)
        self.R = np.maximum(1.05 * ends, 2.0 * self.scale)
        self.n_fill = int(np.ceil(np.arcsinh(np.max(self.R) / self.scale) / self.fill_du)) + 1

    # -- geometry of the rays --------------------------------------------------
    def _outer_radius(self):
        """A radius beyond which both levels are outside every mu's thermal window, on all rays."""
        rc, W = self.rc, X_WINDOW * self.kT
        th = np.linspace(0, 2 * np.pi, 64, endpoint=False)
        K = self.scale
        # the window reaches X_WINDOW kT beyond the level's own edge when mu lies outside the level
        # (mu in a gap: the activated tail starts at the band edge, not at mu)
        eu_min = np.min(rc.energy(self.upper, 0 * th, th, self.alpha)[0])
        el_max = np.max(rc.energy(1 - self.upper, 0 * th, th, self.alpha)[0])
        while K < 1e9:
            eu = rc.energy(self.upper, K + 0 * th, th, self.alpha)[0]
            el = rc.energy(1 - self.upper, K + 0 * th, th, self.alpha)[0]
            eu_min, el_max = min(eu_min, np.min(eu)), max(el_max, np.max(el))
            top = max(np.max(self.mu), eu_min) + 1.5 * W
            bot = min(np.min(self.mu), el_max) - 1.5 * W
            if np.all(eu > top) and np.all(el < bot):
                return 2.0 * K
            K *= 2.0
        raise ContourError(f"{rc.model.name}: the levels do not leave the thermal window along the rays")

    def _window(self, N, th):
        """(p_lo, p_hi, panels needed) of level N's thermal window: each (n_th, n_mu)."""
        rc, W = self.rc, X_WINDOW * self.kT
        p = self.samples
        eps, _, _, dp = rc.energy(N, p[None, :], th[:, None], self.alpha)          # (n_th, n_s)
        lo = np.minimum(eps[:, :-1], eps[:, 1:])
        hi = np.maximum(eps[:, :-1], eps[:, 1:])
        m = self.mu[None, :, None]
        # window [mu - W, mu + W], stretched to W beyond the level's edge on the ray when mu lies
        # outside the level (in a gap), so that the activated tail is kept to exp(-X_WINDOW) of itself
        if N == self.upper:
            w_lo, w_hi = m - W, np.maximum(m, np.min(eps, axis=1)[:, None, None]) + W
        else:
            w_lo, w_hi = np.minimum(m, np.max(eps, axis=1)[:, None, None]) - W, m + W
        cell = (hi[:, None, :] >= w_lo) & (lo[:, None, :] <= w_hi)               # (n_th, n_mu, n_s-1)
        anyc = np.any(cell, axis=-1)
        first = np.argmax(cell, axis=-1)
        last = cell.shape[-1] - 1 - np.argmax(cell[..., ::-1], axis=-1)
        p_lo = np.where(anyc, p[first], 0.0)
        p_hi = np.where(anyc, p[np.minimum(last + 1, p.size - 1)], 0.0)
        slope = np.abs(dp)                                                          # (n_th, n_s)
        j = np.arange(p.size)[None, None, :]
        inside = (j >= first[..., None]) & (j <= last[..., None] + 1) & anyc[..., None]
        L = np.max(np.where(inside, slope[:, None, :], 0.0), axis=-1)
        need = (p_hi - p_lo) * 1.2 * L / (self.panel_kT * self.kT)
        return p_lo, p_hi, need

    def _window_edges(self, N, th):
        p_lo, p_hi, _ = self._window(N, th)
        t = np.linspace(0.0, 1.0, self.n_panels[N] + 1)
        return p_lo[..., None] + (p_hi - p_lo)[..., None] * t                      # (n_th, n_mu, n_pan+1)

    def _sea_edges(self, th):
        u = np.linspace(0.0, 1.0, self.n_fill + 1)
        R = self.R[None, :, None]
        fill = self.scale * np.sinh(u * np.arcsinh(R / self.scale))                 # (1, n_mu, n_fill+1)
        fill = np.broadcast_to(fill, (len(th), len(self.mu), self.n_fill + 1))
        parts = [fill] + [np.minimum(self._window_edges(N, th), R) for N in (0, 1)]
        return np.sort(np.concatenate(parts, axis=-1), axis=-1)

    def _at(self, N, p, th):
        """Energies, gradients, tilt profile and k at radii p (n_th, n_mu, n) on angles th."""
        rc = self.rc
        T = th[:, None, None]
        eps, dx, dy, _ = rc.energy(N, p, T, self.alpha)
        kx, ky = rc.k_of(p, T)
        kx, ky = np.broadcast_arrays(np.asarray(kx, float), np.asarray(ky, float))
        tau = np.broadcast_to(np.asarray(rc.ex.tau(kx, ky, *rc.params), dtype=float), kx.shape)
        gt = [np.broadcast_to(np.asarray(g, dtype=float), kx.shape) for g in rc.ex.gtau(kx, ky, *rc.params)]
        return eps, np.stack([dx, dy], -1), tau, np.stack(gt, -1), kx, ky

    def _jac(self, p):
        return p / (4 * np.pi ** 2 * abs(self.rc.sx * self.rc.sy))

    # -- one batch of angles ---------------------------------------------------
    def _batch(self, th, names, linear: bool):
        """Angular integrands at angles th: {key: (hi, lo)} arrays (n_th, n_mu, *shape).

        Keys (name, k): k = 0 value at alpha (exact) or at 0 (linear), k = 1 d/d alpha (linear).
        """
        out = {}
        surf = [n for n in names if n != "B"]
        for N in (0, 1):
            edges = self._window_edges(N, th)
            for r, rule in enumerate((_GL10, _GL6)):
                p, w = _gl_nodes(edges, rule)
                shp = p.shape
                p, w = p.reshape(shp[0], shp[1], -1), w.reshape(shp[0], shp[1], -1)
                eps, d, tau, gt, kx, ky = self._at(N, p, th)
                _, f1, f2 = fermi_derivatives(eps, self.mu[None, :, None], self.kT)
                wj = w * self._jac(p)
                qs = {}
                for n in surf + (["B"] if "B" in names and linear else []):
                    q = _QUANTITY.get(n, "sbp")
                    if q not in qs:
                        qs[q] = np.take(self.kernel.evaluate(q, kx, ky, self.rc.values), N, axis=3)
                for n in surf:
                    Q = qs[_QUANTITY[n]]
                    if linear:
                        v1 = _surface_sum(n, wj * f2 * tau, d, Q) + _surface_sum(n, wj * f1, gt, Q)
                        self._add(out, (n, 1), r, v1)
                    self._add(out, (n, 0), r, _surface_sum(n, wj * f1, d, Q))
                if "B" in names and linear:        # d B / d alpha = sum_N int f'(eps0) tau S_N
                    S = qs["sbp"]
                    self._add(out, ("B", 1), r, _node_sum(wj * f1 * tau, S))
        if "B" in names:
            edges = self._sea_edges(th)
            lower = 1 - self.upper
            for r, rule in enumerate((_GL10, _GL6)):
                p, w = _gl_nodes(edges, rule)
                shp = p.shape
                p, w = p.reshape(shp[0], shp[1], -1), w.reshape(shp[0], shp[1], -1)
                el = self._at(lower, p, th)
                eu = self._at(self.upper, p, th)
                occ = (fermi_derivatives(el[0], self.mu[None, :, None], self.kT)[0]
                       - fermi_derivatives(eu[0], self.mu[None, :, None], self.kT)[0])
                S = np.take(self.kernel.evaluate("sbp", el[4], el[5], self.rc.values), lower, axis=3)
                self._add(out, ("B", 0), r, _node_sum(w * self._jac(p) * occ, S))
        return out

    @staticmethod
    def _add(out, key, r, val):
        if key not in out:
            out[key] = [0.0, 0.0]
        out[key][r] = out[key][r] + val

    # -- the angular integral --------------------------------------------------
    def factors(self, names, linear: bool, rtol: float = 1e-10, n_min: int = 16, n_max: int = 4096):
        """Factors ``names`` of this component: ({(name, k): value (n_mu, *shape)}, {same: error}).

        ``linear``: k = 0 is the value at alpha = 0, k = 1 its alpha-derivative; otherwise k = 0
        is the value at ``alpha``.  Errors: absolute, elementwise (radial + angular + dropped
        window tails), plus the exterior sea's estimate for B.
        """
        n = n_min
        th = 2 * np.pi * np.arange(n) / n
        parts = self._batch(th, names, linear)
        acc = {k: [v[0].sum(axis=0), np.abs(v[0] - v[1]).sum(axis=0), np.abs(v[0]).sum(axis=0)]
               for k, v in parts.items()}
        prev = None
        while True:
            vals = {k: a[0] * (2 * np.pi / n) for k, a in acc.items()}
            if prev is not None:
                diff = {k: np.abs(vals[k] - prev[k]) for k in vals}
                done = all(np.all(diff[k] <= _tolerance(vals[k], acc[k][2] * (2 * np.pi / n), rtol))
                           for k in vals)
                if done or n >= n_max:
                    break
            prev = vals
            th_new = 2 * np.pi * (np.arange(n) + 0.5) / n
            new = self._batch(th_new, names, linear)
            for k, v in new.items():
                acc[k][0] = acc[k][0] + v[0].sum(axis=0)
                acc[k][1] = acc[k][1] + np.abs(v[0] - v[1]).sum(axis=0)
                acc[k][2] = acc[k][2] + np.abs(v[0]).sum(axis=0)
            n *= 2
        errs = {k: diff[k] + (acc[k][1] + 1e-14 * acc[k][2]) * (2 * np.pi / n) for k in vals}
        if ("B", 0) in vals:
            ext, eext = sea_exterior(self.rc, self.R, rtol=max(min(rtol * 1e-2, 1e-10), 1e-14))
            vals[("B", 0)] = vals[("B", 0)] + ext
            errs[("B", 0)] = errs[("B", 0)] + eext[:, None, None]
        return vals, errs


def _tolerance(v, absint, rtol):
    """Per mu: ``rtol`` times the largest |entry| of a factor block (n_mu, 1, ...) plus a roundoff
    floor, 1e-13 of the largest angular integral of |integrand| (a factor that vanishes by
    symmetry converges to roundoff, not to a relative tolerance)."""
    axes = tuple(range(1, v.ndim))
    s = np.max(np.abs(v), axis=axes, keepdims=True)
    a = np.max(np.abs(absint), axis=axes, keepdims=True)
    return rtol * s + 1e-13 * a + 1e-300


__all__ = ["X_WINDOW", "ThermalRays"]
