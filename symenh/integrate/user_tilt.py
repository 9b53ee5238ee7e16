"""A user k.p component at a finite tilt alpha, and its Fermi-line factors at that tilt (any pocket topology).

The tilt of a user model is ``alpha tau(k)`` on the identity (:class:`~symenh.integrate.user_fermi.UserComponent`),
so at a finite alpha the eigenvectors -- and with them every interband quantity (Berry curvature,
quantum metric, BCP, SBP, spin; paper Eqs. 4, 5) -- are those at alpha = 0; only the level energies
move, ``E_N = eps_N + alpha tau`` (eV), and the level velocities gain ``alpha grad tau`` (eV nm).
:class:`TiltedComponent` is a component with that spectrum: its probe and level functions are the
tilted ones, its kernel the alpha = 0 kernel, so the marching-squares contours
(:func:`symenh.integrate.user_fermi.level_contours`) are the exact tilted Fermi contours (a pocket
pushed off k = 0 by the tilt is found like any other).

:func:`tilted_surface_factors` gives the Fermi-line factors at the tilt itself (units of
:mod:`symenh.responses.spec`), ``w dl = d^2k delta(mu - E_N) / (2 pi)^2`` on the tilted contours:

* ``D_b = -int (d_b f) Omega = +oint w (d_b E_N) Omega`` (nm),
* ``X^{cba} = -oint w (d_c E_N) G^{ab}``,
* ``A^{c eta a} = -oint w (d_c E_N) S^{eta a}``, ``C^{eta b} = -oint w (d_b E_N) <s^eta>``
  (the alpha = 0 forms of :func:`symenh.integrate.user_fermi.surface_factors`, evaluated on this
  component's contours with its tilted velocities).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cells import line_integral
from .user_fermi import UserComponent, factor_shapes, surface_factors

_U = 2.0 ** -53
_NORM = 1.0 / (4 * np.pi ** 2)


@dataclass(frozen=True)
class TiltedComponent:
    """``base`` (a :class:`UserComponent`, alpha = 0) with the tilt ``alpha`` (eV nm, or the unit
    of the model's tilt symbol) added to its level energies."""

    base: UserComponent
    alpha: float

    @property
    def model(self):
        return self.base.model

    @property
    def values(self):
        return self.base.values

    @property
    def kernel(self):
        return self.base.kernel

    @property
    def pattern(self) -> tuple:
        return self.base.pattern

    @property
    def params(self):
        return self.base.params

    def tilt(self, kx, ky):
        return self.base.tilt(kx, ky)

    def level_fn(self, level: int, mu: float):
        """phi = eps_level + alpha tau - mu (eV) and its gradient (eV nm), vectorised."""
        def fn(kx, ky):
            E, V = self.base.kernel.energy_velocity(kx, ky, self.base.values)
            t, gx, gy = self.base.tilt(kx, ky)
            a = self.alpha
            return E[..., level] + a * t - mu, V[..., level, 0] + a * gx, V[..., level, 1] + a * gy
        return fn

    def probe(self):
        """Tilted level energies (n_r, n_th, L) on the polar probe of the base component."""
        from .user_fermi import PROBE_ANGLES, PROBE_RADII
        r, th = PROBE_RADII[:, None], PROBE_ANGLES[None, :]
        kx, ky = r * np.cos(th), r * np.sin(th)
        t, _, _ = self.base.tilt(kx, ky)
        return self.base.probe() + self.alpha * t[..., None]


def tilted_surface_factors(comp: TiltedComponent, level: int, contours, names, tol: float):
    """Fermi-line factors ``names`` (among D, X, A, C) of one level at the tilt of ``comp``:
    ({name: value}, {name: error}, {name: natural size}) (module docstring; spec.py units)."""
    out, err, nat = {}, {}, {}
    ac = [n for n in names if n in ("A", "C")]
    if ac:
        a0, _, e0, _, n0 = surface_factors(comp, level, contours, ac, [], tol)
        for n in ac:
            out[n], err[n], nat[n] = a0[n], e0[n], n0[("0", n)]
    dx = [n for n in names if n in ("D", "X")]
    if not dx:
        return out, err, nat
    ker, vals = comp.kernel, comp.values
    shapes = factor_shapes(len(comp.model.spin))

    def integrand(nd):
        kx, ky = nd["kx"], nd["ky"]
        grad = np.stack([nd["gx"], nd["gy"]], axis=-1)                   # (n, c) tilted velocity
        lv = ker.only(("berry-curvature", "bcp", "quantum-metric"), kx, ky, vals)
        gnorm = np.hypot(nd["gx"], nd["gy"])
        vs, es, mags = [], [], []
        for n in dx:
            if n == "D":
                v = grad * lv["berry-curvature"][:, level][:, None]
                mag = gnorm * np.trace(lv["quantum-metric"][:, level], axis1=-2, axis2=-1)
            else:                                                        # X[c, b, a] = -(d_c E) G[a][b]
                v = -np.einsum("nc,nab->ncba", grad, lv["bcp"][:, level])
                mag = gnorm * np.max(np.abs(lv["bcp"][:, level]), axis=(-2, -1))
            v = v.reshape(len(kx), -1) * _NORM
            vs.append(v)
            es.append(16 * _U * np.abs(v))
            mags.append((mag * _NORM)[:, None])
        vals_ = np.concatenate(vs + mags, axis=1)
        errs_ = np.concatenate(es + [np.zeros_like(m) for m in mags], axis=1)
        return vals_, errs_

    pos = 0
    for loop in contours.loops:
        single = type(contours)((loop,), contours.n, contours.box)
        val, e = line_integral(single, integrand, tol)
        pos = 0
        for n in dx:
            sz = int(np.prod(shapes[n]))
            out[n] = out.get(n, 0.0) + val[pos:pos + sz].reshape(shapes[n])
            err[n] = err.get(n, 0.0) + float(np.max(e[pos:pos + sz]))
            pos += sz
        for j, n in enumerate(dx):
            nat[n] = nat.get(n, 0.0) + float(abs(val[pos + j]))
    return out, err, nat


def level_extrema(comp, window=(-np.inf, np.inf), max_per_level: int = 8) -> tuple:
    """Energies (eV) of the local minima and maxima of every level of ``comp`` (a UserComponent or a
    TiltedComponent): where a T = 0 factor, as a function of the chemical potential, is not analytic
    (a pocket appears or vanishes; the top of a Mexican hat).  Candidates are the local extrema of the
    polar probe (not on its outermost circle), distinct in energy, each refined by BFGS on the level
    energy with its Hellmann-Feynman gradient.  Saddle points (a Lifshitz transition between pockets)
    are not found.  ``window`` (eV): only candidates whose probe energy lies within it, widened by a
    tenth of that energy (the probe's coarseness), are refined and returned."""
    from scipy.optimize import minimize
    E = comp.probe()                                         # (n_r, n_th, L)
    from .user_fermi import PROBE_ANGLES, PROBE_RADII
    out = []
    for N in range(E.shape[-1]):
        fn = comp.level_fn(N, 0.0)
        for sign in (1.0, -1.0):
            f = sign * E[..., N]
            inf = np.full((1, f.shape[1]), np.inf)
            cand = ((f <= np.roll(f, 1, axis=1)) & (f <= np.roll(f, -1, axis=1))
                    & (f <= np.vstack([f[1:], inf])) & (f <= np.vstack([inf, f[:-1]])))
            cand[-1] = False
            idx = np.argwhere(cand)
            seen = []
            for i, j in idx[np.argsort(f[cand])]:
                e0 = sign * f[i, j]
                if not (window[0] - 0.1 * abs(e0) <= e0 <= window[1] + 0.1 * abs(e0)):
                    continue
                if len(seen) >= max_per_level or any(abs(f[i, j] - v) <= 1e-6 * (1 + abs(v)) for v in seen):
                    continue
                seen.append(f[i, j])
                x0 = PROBE_RADII[i] * np.array([np.cos(PROBE_ANGLES[j]), np.sin(PROBE_ANGLES[j])])

                def obj(k, fn=fn, sign=sign):
                    e, gx, gy = fn(np.array([k[0]]), np.array([k[1]]))
                    return sign * float(e[0]), sign * np.array([float(gx[0]), float(gy[0])])

                res = minimize(obj, x0, jac=True, method="BFGS", options={"gtol": 1e-13, "maxiter": 200})
                out.append(sign * float(min(res.fun, f[i, j])))
    return tuple(sorted(out))


__all__ = ["TiltedComponent", "level_extrema", "tilted_surface_factors"]
