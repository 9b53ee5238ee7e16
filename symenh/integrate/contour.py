"""Tilted Fermi contours along rays from k = 0, and the weights of Fermi-contour integrals.

At tilt alpha the levels are ``eps_N(k) = eps0_N(k) + alpha tau(k)`` (the geometry does
not depend on alpha).  In polar coordinates ``k_x = p cos(th) / s_x``, ``k_y = p sin(th) / s_y``
(``s_x = hbar v_x``, ``s_y = hbar v_y`` in eV nm for the paper's Dirac models, so that p
is an energy; ``s_x = s_y = 1`` for a user model, p in 1/nm) the contour
``eps_N = mu`` is a radius ``p_c(th)`` per ray, and

    int d^2k/(2 pi)^2 delta(mu - eps_N(k)) F(k)
        = 1/(4 pi^2 |s_x s_y|) int_0^{2 pi} dth  p_c F / |d_p eps_N|  at p = p_c(th)

(the Jacobian is |d^2k / (p dp dth)| = 1/|s_x s_y|: a negative hbar v only mirrors the
angle, it does not change the sign of an area).

Roots: for a Dirac model (levels ``+- sqrt(Delta^2 + (hbar v_x k_x)^2 + (hbar v_y k_y)^2)``
and a tilt ``alpha c k_y``) the root is the positive root of a quadratic, in a form free of
cancellation; for a user model it is found by a vectorised sign scan along each ray
followed by bisection, and a ray that crosses the level more than once is an error.

Scope: the paper's models (and a user model only through :class:`RayContours` called directly).
``symenh.sigma`` sends every user model to the any-topology path instead
(:mod:`symenh.responses.user_quadrature`: marching-squares contours of :mod:`symenh.integrate.cells`,
numeric geometry kernel), which has none of the ray method's limits (star-shaped pockets around
k = 0, one level at mu, two levels for the Fermi sea).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from ..geometry.symbolic import derive_geometry
from ..errors import ContourError, ModelError
from ..models.base import SymbolicModel
from ..models.symbols import DELTA, HVX, HVY, KX, KY
from ..kernels.hamiltonian import param_vector, values_by_name




@dataclass(frozen=True)
class _LevelExprs:
    eps0: tuple       # per level: callable(kx, ky, *params) -> eV
    grad0: tuple      # per level: callable -> [d_x eps0, d_y eps0] (eV nm)
    tau: object       # callable -> tau(k) (1/nm; the tilt term is alpha * tau)
    gtau: object      # callable -> [d_x tau, d_y tau]
    dirac_c: object   # None, or the constant c with tau = c k_y for a Dirac model
    sum_rule: bool    # sum over levels of the SBP vanishes identically
    n_levels: int


@lru_cache(maxsize=32)
def level_expressions(model: SymbolicModel) -> _LevelExprs:
    """Lambdified (NumPy) alpha = 0 levels, their k-gradients and the tilt function."""
    geo = derive_geometry(model)
    alpha = model.tilt_symbol
    if alpha is None:
        raise ModelError(f"{model.name}: needs a tilt_symbol (the responses are linear in the tilt)")
    args = (KX, KY, *model.params)
    tau = sp.expand(model.tilt() / alpha)
    eps0 = [sp.simplify(e.subs(alpha, 0)) for e in geo.energy]
    lam = lambda e: sp.lambdify(args, e, "numpy")  # noqa: E731
    grad = tuple(lam([sp.diff(e, KX), sp.diff(e, KY)]) for e in eps0)
    dirac_c = None
    if {DELTA, HVX, HVY} <= set(model.params) and len(eps0) == 2:
        E = sp.sqrt(DELTA**2 + HVX**2 * KX**2 + HVY**2 * KY**2)
        c = sp.simplify(tau / KY)
        if (c.free_symbols == set() and sp.simplify(eps0[0] + E) == 0 and sp.simplify(eps0[1] - E) == 0):
            dirac_c = float(c)
    total = [sum(geo.sbp[N][e][a] for N in range(geo.n_levels)) for e in range(4) for a in range(2)]
    sum_rule = all(sp.simplify(t) == 0 for t in total)
    return _LevelExprs(tuple(lam(e) for e in eps0), grad, lam(tau), lam([sp.diff(tau, KX), sp.diff(tau, KY)]),
                       dirac_c, sum_rule, geo.n_levels)


def _bc(f, kx, ky, params):
    """Evaluate a lambdified scalar or list and broadcast to kx's shape."""
    out = f(kx, ky, *params)
    if isinstance(out, list):
        return [np.broadcast_to(np.asarray(x, dtype=float), kx.shape) for x in out]
    return np.broadcast_to(np.asarray(out, dtype=float), kx.shape)


class RayContours:
    """Fermi contours of one component (a SymbolicModel with a tilt) along rays from k = 0.

    ``values``: the model's parameter values (symbol or name -> float; eV, eV nm); the
    tilt symbol's value is ignored here (alpha is passed explicitly to every method).
    """

    def __init__(self, model: SymbolicModel, values: dict):
        self.model = model
        self.ex = level_expressions(model)
        vals = values_by_name(values)
        vals[model.tilt_symbol.name] = 0.0
        self.params = param_vector(model, vals)
        self.values = vals
        if self.ex.dirac_c is not None:
            self.sx, self.sy = vals[HVX.name], vals[HVY.name]
            self.Delta = vals[DELTA.name]
        else:
            self.sx = self.sy = 1.0
            self.Delta = None
        self._kmax = {}

    @property
    def is_dirac(self) -> bool:
        return self.ex.dirac_c is not None

    # -- coordinates -----------------------------------------------------------
    def k_of(self, p, th):
        """(k_x, k_y) in 1/nm for polar (p, th)."""
        return p * np.cos(th) / self.sx, p * np.sin(th) / self.sy

    def energy(self, level: int, p, th, alpha):
        """(eps, d_x eps, d_y eps, d_p eps) of ``level`` at (p, th) and tilt alpha (broadcast)."""
        kx, ky = self.k_of(p, th)
        kx, ky = np.broadcast_arrays(np.asarray(kx, float), np.asarray(ky, float))
        e0 = _bc(self.ex.eps0[level], kx, ky, self.params)
        g0 = _bc(self.ex.grad0[level], kx, ky, self.params)
        t = _bc(self.ex.tau, kx, ky, self.params)
        gt = _bc(self.ex.gtau, kx, ky, self.params)
        eps = e0 + alpha * t
        dx, dy = g0[0] + alpha * gt[0], g0[1] + alpha * gt[1]
        dp = dx * np.cos(th) / self.sx + dy * np.sin(th) / self.sy
        return eps, dx, dy, dp

    # -- which level crosses mu ------------------------------------------------
    def crossing_level(self, mu) -> np.ndarray:
        """Index of the level whose Fermi contour encloses k = 0 at chemical potential mu
        (per mu, alpha = 0), or -1 when none does (mu in a gap).  Raises ContourError
        when a level crosses mu on some rays only."""
        mu = np.atleast_1d(np.asarray(mu, float))
        if self.is_dirac:
            out = np.full(mu.shape, -1)
            D = abs(self.Delta)
            out[mu > D] = 1
            out[mu < -D] = 0
            return out
        out = np.full(mu.shape, -1)
        th = np.linspace(0, 2 * np.pi, 16, endpoint=False)
        for N in range(self.ex.n_levels):
            kmax = self._kmax_for(N, np.max(np.abs(mu)))
            grid = kmax * np.linspace(0.0, 1.0, 193) ** 2
            e = self.energy(N, grid[:, None], th[None, :], 0.0)[0]  # (n_grid, n_th)
            f = e[:, None, :] - mu[None, :, None]
            sg = np.signbit(f)
            changes = np.sum(sg[1:] != sg[:-1], axis=0)  # (n_mu, n_th)
            for i, m in enumerate(mu):
                if np.all(changes[i] == 0):
                    continue
                if np.all(changes[i] == 1):
                    if out[i] >= 0:
                        raise ContourError(f"{self.model.name}: two levels cross mu = {m} eV; the ray "
                                           "method handles one Fermi contour per component")
                    out[i] = N
                else:
                    raise ContourError(f"{self.model.name}: at mu = {m} eV a ray from k = 0 crosses the "
                                       "Fermi level more than once or the pocket does not enclose k = 0 "
                                       "(not star-shaped around k = 0); use method='grid'")
        return out

    # -- the contour radius ----------------------------------------------------
    def radius(self, level: int, mu, alpha, th):
        """Contour radius p_c(th) of ``level`` at chemical potential mu and tilt alpha.

        Arrays broadcast; p in eV for a Dirac model (p = hbar v k), in 1/nm otherwise.
        """
        mu, alpha, th = np.broadcast_arrays(np.asarray(mu, float), np.asarray(alpha, float),
                                            np.asarray(th, float))
        if self.is_dirac:
            sgn = 1.0 if level == 1 else -1.0
            m = sgn * mu
            t = sgn * alpha * self.ex.dirac_c / self.sy
            s = np.sin(th)
            q = m * m - self.Delta ** 2
            a = 1.0 - (t * s) ** 2
            return q / (m * t * s + np.sqrt((m * t * s) ** 2 + a * q))
        return self._radius_scan(level, mu, alpha, th)

    def _kmax_for(self, level, mu_max_abs):
        key = (level, round(float(mu_max_abs), 12))
        if key not in self._kmax:
            th = np.linspace(0, 2 * np.pi, 64, endpoint=False)
            K = 1.0
            while K < 1e8:
                e = self.energy(level, K + 0 * th, th, 0.0)[0]
                if np.all(np.abs(e) > 4 * mu_max_abs + 1.0):
                    break
                K *= 2
            self._kmax[key] = 2 * K
        return self._kmax[key]

    def _radius_scan(self, level, mu, alpha, th, n_grid=96, n_bisect=64):
        kmax = self._kmax_for(level, np.max(np.abs(mu)))
        grid = kmax * np.linspace(0.0, 1.0, n_grid) ** 2
        shape = mu.shape
        g = grid.reshape((n_grid,) + (1,) * len(shape))
        f = self.energy(level, g, th[None], alpha[None])[0] - mu[None]
        sg = np.signbit(f)
        changes = np.sum(sg[1:] != sg[:-1], axis=0)
        if np.any(changes != 1):
            raise ContourError(f"{self.model.name}: a ray from k = 0 crosses the Fermi level "
                               f"{'more than once' if np.any(changes > 1) else 'not at all'}; the pocket "
                               "must be star-shaped around k = 0 (use method='grid')")
        idx = np.argmax(sg[1:] != sg[:-1], axis=0)
        lo = grid[idx]
        hi = grid[idx + 1]
        f_lo = np.take_along_axis(f, idx[None], 0)[0]
        for _ in range(n_bisect):
            mid = 0.5 * (lo + hi)
            fm = self.energy(level, mid, th, alpha)[0] - mu
            same = np.signbit(fm) == np.signbit(f_lo)
            lo = np.where(same, mid, lo)
            f_lo = np.where(same, fm, f_lo)
            hi = np.where(same, hi, mid)
        return 0.5 * (lo + hi)

    def surface_weight(self, level: int, p, th, alpha):
        """(w, d_x eps, d_y eps) with w = p / (4 pi^2 |s_x s_y| |d_p eps|) (units nm^-2 eV^-1 per radian).

        ``int d^2k/(2pi)^2 delta(mu - eps) F = int_0^{2pi} dth w F`` at p = p_c(th).
        """
        _, dx, dy, dp = self.energy(level, p, th, alpha)
        return p / (4 * np.pi ** 2 * abs(self.sx * self.sy) * np.abs(dp)), dx, dy


# ---------------------------------------------------------------------------
# Integrals over the ray angle: periodic trapezoid rule with nested doubling
# ---------------------------------------------------------------------------

_U = 2.0 ** -53          # unit roundoff
_SUM_LAMBDA = 8.0        # probabilistic summation bound lambda sqrt(n) u sum|t| (Higham-Mary)


def _trapezoid_rule(n: int):
    """Periodic trapezoid rule on [0, 2 pi): n angles 2 pi k / n, weights 2 pi / n; the angles
    of the n/2 rule are the even-indexed ones."""
    return 2 * np.pi * np.arange(n) / n, np.full(n, 2 * np.pi / n), np.arange(0, n, 2)


def nested_quadrature(f, groups, tol: float, rule, *, n0: int = 8, n_max: int = 4096, batch: int = 64):
    """Integral of a vector integrand by a nested rule refined by doubling, with its error.

    ``rule(n)`` gives (nodes, weights, old) of level n, ``old`` the indices (in level n) of the
    nodes of level n/2: the rule is nested (periodic trapezoid, Clenshaw-Curtis, Fejer), so
    no value is computed twice.
    ``f(x)`` takes a 1-D array of nodes and returns ``(values, point_err)``, both (len(x), m):
    the integrand and a bound on the absolute error of each computed value (its roundoff,
    e.g. a difference quotient's cancellation, or an inner quadrature's error).  n doubles
    from ``n0`` until, for every block of components (``groups``: (m,) block index), the
    change ``|I_n - I_{n/2}|`` is at most ``tol`` times the block's scale ``sum w max|f|``
    *and* has shrunk to at most half the previous change (the convergence is shown, not
    assumed), or the change is below the noise (``sum w`` times the largest point error plus
    the summation roundoff).

    Returns ``(value, err, n, absmax)``: (m,), (m,) absolute errors -- the last change (which
    bounds the error of I_{n/2}, a fortiori of I_n once the rule converges geometrically) plus
    the noise --, the level used and (m,) the largest |f| met.  At ``n_max`` without shown
    convergence the error is the larger of the last two changes plus the noise (an honest,
    wide estimate).
    """
    groups = np.asarray(groups)
    n_groups = int(groups.max()) + 1 if groups.size else 0

    def evaluate(x):
        parts = [f(x[i:i + batch]) for i in range(0, len(x), batch)]
        vals = np.concatenate([np.asarray(v) for v, _ in parts], axis=0)
        perr = np.concatenate([np.asarray(e) for _, e in parts], axis=0)
        return vals, np.max(perr, axis=0)

    n = int(n0)
    x, w, _ = rule(n)
    vals, perr = evaluate(x)
    absmax = np.max(np.abs(vals), axis=0)
    I_prev = w @ vals
    d_prev = None
    while True:
        x2, w2, old = rule(2 * n)
        is_new = np.ones(len(x2), bool)
        is_new[old] = False
        new, pe = evaluate(x2[is_new])
        merged = np.empty((len(x2),) + vals.shape[1:])
        merged[old], merged[is_new] = vals, new
        vals = merged
        absmax = np.maximum(absmax, np.max(np.abs(new), axis=0))
        perr = np.maximum(perr, pe)
        n *= 2
        I = w2 @ vals
        d = np.abs(I - I_prev)
        wsum = float(np.sum(np.abs(w2)))
        scale = np.zeros(n_groups)
        np.maximum.at(scale, groups, wsum * absmax)
        noise = wsum * (perr + _SUM_LAMBDA * np.sqrt(len(x2)) * _U * absmax)
        small = d <= tol * scale[groups]
        shrinking = d <= 0.5 * d_prev + 2 * noise if d_prev is not None else np.zeros(d.shape, bool)
        if np.all((small & shrinking) | (d <= 2 * noise)):
            return I, d + noise, n, absmax
        if n >= n_max:
            return I, np.maximum(d, d_prev) + noise, n, absmax
        I_prev, d_prev = I, d


def periodic_trapezoid(f, groups, tol: float, *, n0: int = 8, n_max: int = 4096, batch: int = 64):
    """``int_0^{2 pi} f(th) dth`` of a smooth 2 pi-periodic vector integrand, with its error:
    :func:`nested_quadrature` with the periodic trapezoid rule (n equally spaced angles),
    which converges geometrically for an analytic periodic integrand (the Fermi contours of
    the paper models and of smooth user models).  Same arguments and returns."""
    return nested_quadrature(f, groups, tol, _trapezoid_rule, n0=n0, n_max=n_max, batch=batch)
