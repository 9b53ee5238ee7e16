r"""The factors of one chemical potential as one flat vector, and their Fermi-window convolution.

Every factor of :mod:`symenh.responses.spec` (D, X, A, B, C; the Fermi sea B included) is linear in
the occupations, so at temperature T it is its T = 0 value as a function of the chemical potential
convolved with the Fermi window (physics.md 7):

    F_T(mu) = int dE (-f'(E - mu)) F_0(E).

:class:`FactorSet` holds the factors of one energy (values, point errors and natural sizes, at
alpha = 0 and d/d alpha, or at the tilt itself); :func:`smeared` convolves the set an ``at(E)``
callable returns with the Gauss rules for the window of :func:`symenh.integrate.fermi_smear.smear`.
The ENH products are formed afterwards from the convolved factors (convolving sigma itself would be
wrong for the bilinear ENH).  Used by the quadrature paths of user k.p models
(:mod:`symenh.responses.user_quadrature`) and of lattice models
(:mod:`symenh.responses.lattice_quadrature`).  Energies in eV; factors in spec.py units.
"""

from __future__ import annotations

import numpy as np

from ..integrate.fermi_smear import smear

#: the Fermi-window rule converges to this multiple of the T = 0 integrals' tolerance (those run at
#: rtol / 100, the window at rtol / 10 of each block's scale on the line): the window's change is a
#: convergence check on top of point values already 10 x more accurate, so demanding rtol / 100 of it only
#: adds energies (each one every contour found anew).  One value for the k.p and the lattice paths.
WINDOW_TOL_FACTOR = 10.0


class FactorSet:
    """Factor accumulators of one energy: values, errors and natural sizes, per kind ("0": at alpha = 0
    or at the tilt itself, "1": d/d alpha), each {name: (n_comp, *shape)}; ``any_level``: some level
    crosses the energy (a Fermi surface).  The natural sizes are only the scale a zero is resolved
    against (RESOLVED_ZERO of them): ``size_accuracy`` is the relative accuracy they are carried to
    (their point error in :meth:`flat`, so a Fermi-window rule never refines for them beyond it)."""

    def __init__(self, need, n_comp, shapes, size_accuracy: float = 1e-3):
        def z():
            return {n: np.zeros((n_comp,) + shapes[n]) for n in need}

        self.f, self.u, self.n = ({"0": z(), "1": z()} for _ in range(3))
        self.any_level = False
        self.keys = [(k, n) for k in ("0", "1") for n in need]
        self.size_accuracy = float(size_accuracy)

    def flat(self):
        """(values, point errors, groups) as flat vectors: factors, then natural sizes."""
        v = [self.f[k][n].ravel() for k, n in self.keys] + [self.n[k][n].ravel() for k, n in self.keys]
        e = ([self.u[k][n].ravel() for k, n in self.keys]
             + [self.size_accuracy * np.abs(self.n[k][n].ravel()) for k, n in self.keys])
        g = [np.full(x.size, i) for i, x in enumerate(v)]
        return np.concatenate(v), np.concatenate(e), np.concatenate(g)

    def unflat(self, vals, errs):
        pos = 0
        for store in (self.f, self.n):
            for k, n in self.keys:
                a = store[k][n]
                store[k][n] = vals[pos:pos + a.size].reshape(a.shape)
                if store is self.f:
                    self.u[k][n] = errs[pos:pos + a.size].reshape(a.shape)
                pos += a.size


def smeared(at, template: FactorSet, mu: float, kT: float, tol: float, edges=(), line_scale: bool = False,
            reach: float | None = None):
    """(FactorSet at temperature kT, number of energies used): the T = 0 factors ``at(E)`` (a
    :class:`FactorSet` laid out like ``template``) convolved with the Fermi window around ``mu``
    (eV, kT > 0 in eV) by :func:`symenh.integrate.fermi_smear.smear`, split at the energies ``edges``
    (eV) where the T = 0 factors are not analytic (``line_scale``, ``reach``: of :func:`~symenh.integrate.fermi_smear.smear`).
    The errors are the rule's (the change between the
    last two Gauss rules) plus the window-weighted point errors; ``any_level`` is set when some energy
    of the rule met a Fermi surface."""
    _, _, groups = template.flat()
    hit = []

    def fn(E):
        acc = at(E)
        hit.append(acc.any_level)
        v, e, _ = acc.flat()
        return v, e

    val, err, n_E = smear(fn, float(mu), kT, groups, tol, breakpoints=edges, line_scale=line_scale,
                          reach=reach)
    template.unflat(val, err)
    template.any_level = any(hit)
    return template, n_E


__all__ = ["WINDOW_TOL_FACTOR", "FactorSet", "smeared"]
