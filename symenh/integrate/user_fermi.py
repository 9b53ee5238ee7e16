"""Fermi-surface and Fermi-sea factors of a user's k.p model at linear order in the tilt, any pocket topology.

One component (a :class:`~symenh.models.base.SymbolicModel` with a tilt ``alpha tau(k)`` on the
identity) at T = 0.  The geometry comes from the numeric kernel
(:func:`symenh.kernels.numeric.numeric_kernel`: eigh, no SymPy diagonalisation), the Fermi
contours of each level from :func:`symenh.integrate.cells.find_contours` (marching squares,
refined, every loop: several pockets, annuli, electron and hole pockets).

With ``f_N = theta(mu - eps0_N - alpha tau)`` and ``w dl = d^2k delta(mu - eps0_N) / (2 pi)^2`` on
the alpha = 0 contours (units of the factors as :mod:`symenh.responses.spec`):

* at alpha = 0:  ``A0^{c eta a} = -sum_N oint w (d_c eps) S^{eta a}``, ``C0^{eta b} = -oint w (d_b eps) <s^eta>``;
* d/d alpha (``F = int (d_c f) Q = -int f d_c Q`` so ``dF/dalpha = oint w tau d_c Q``):
  ``D1_b = -oint w tau d_b Omega``, ``X1^{cba} = oint w tau d_c G^{ab}``, ``A1^{c eta a} = oint w tau d_c S^{eta a}``,
  ``C1^{eta b} = oint w tau d_b <s^eta>``, ``B1^{eta b} = -oint w tau S^{eta b}``;
* the sea ``B0 = sum_N int f_N S_N = B_ref + sum_N oint P_N dk_y`` (Green's theorem on the loops of
  level N, oriented with eps_N < mu on the left, ``P_N = int_{cut}^{x} S_N dx'``): every loop of
  every level crossing mu, whatever the topology, with B_ref the sea of the filled subspace at an
  energy E_ref in a spectral gap (:mod:`symenh.integrate.user_sea`).  This one formula covers
  electron pockets (compact eps_N < mu), hole pockets (compact eps_N > mu, the sign comes from the
  orientation) and annuli.

``d_c Q`` is a fourth-order central difference of the kernel (steps h and 2 h, h = 1e-3 of the
loop's size); the difference of the two is its error.  The line integrals use the periodic
trapezoid rule in the loop parameter, refined by doubling (:func:`symenh.integrate.cells.line_integral`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import ContourError, ModelError
from ..kernels.hamiltonian import param_vector, values_by_name
from ..kernels.numeric import numeric_kernel
from .cells import find_contours, line_integral, region_integral

_U = 2.0 ** -53
_NORM = 1.0 / (4 * np.pi ** 2)
#: radii (1/nm) of the spectrum probe: 1e-4 .. 1e4 / nm, 12 per decade
PROBE_RADII = np.logspace(-4, 4, 97)
PROBE_ANGLES = np.linspace(0, 2 * np.pi, 48, endpoint=False) + 0.0123


@dataclass(frozen=True)
class UserComponent:
    """One user-model component at alpha = 0: numeric kernel, parameter values (by name, tilt 0),
    the tilt function tau(k) (the tilt term is alpha tau) and its gradient, lambdified."""

    model: object
    values: dict
    kernel: object
    tau: object
    gtau: object

    @classmethod
    def build(cls, model, values) -> UserComponent:
        vals = values_by_name(values)
        if model.tilt_symbol is None:
            raise ModelError(f"{model.name}: needs a tilt_symbol (the responses are linear in the tilt)")
        vals = {p.name: float(vals[p.name]) for p in model.params}
        vals[model.tilt_symbol.name] = 0.0
        args = (*model.k, *model.params)
        tau = sp.expand(model.tilt() / model.tilt_symbol)
        f = sp.lambdify(args, tau, "numpy")
        g = sp.lambdify(args, [sp.diff(tau, model.k[0]), sp.diff(tau, model.k[1])], "numpy")
        return cls(model, vals, numeric_kernel(model), f, g)

    @property
    def params(self):
        return param_vector(self.model, self.values)

    def tilt(self, kx, ky):
        """(tau, d_x tau, d_y tau) at k (tau in 1/nm ... the tilt term alpha tau is in eV)."""
        p = self.params
        t = np.broadcast_to(np.asarray(self.tau(kx, ky, *p), float), np.shape(kx))
        gx, gy = (np.broadcast_to(np.asarray(x, float), np.shape(kx)) for x in self.gtau(kx, ky, *p))
        return t, gx, gy

    @property
    def pattern(self) -> tuple:
        return self.kernel.pattern(self.values)

    def level_fn(self, level: int, mu: float):
        """phi(kx, ky) = eps_level - mu with its gradient (eV, eV nm), vectorised."""
        def fn(kx, ky):
            E, V = self.kernel.energy_velocity(kx, ky, self.values)
            return E[..., level] - mu, V[..., level, 0], V[..., level, 1]
        return fn

    def probe(self):
        """Level energies (n_r, n_th, L) on the polar probe (PROBE_RADII x PROBE_ANGLES)."""
        r, th = PROBE_RADII[:, None], PROBE_ANGLES[None, :]
        return self.kernel.energies(r * np.cos(th), r * np.sin(th), self.values)


def crossing_box(comp: UserComponent, mu: float) -> tuple:
    """((levels crossing mu), box half-width K in 1/nm) from the polar probe.

    The box encloses every radius where some level is on the other side of mu than it is on the
    outermost probe circles.  Raises :class:`ContourError` when a level stays near mu at the largest
    probed k (the Fermi surface is not compact: a bounded band, or one that crosses beyond 1e4 /nm)."""
    E = comp.probe()                       # (n_r, n_th, L)
    s = np.signbit(E - mu)
    outer = s[-6:]                         # the last half decade
    levels, rmax = [], 0.0
    for N in range(E.shape[-1]):
        o = outer[..., N]
        if not (np.all(o) or not np.any(o)):
            raise ContourError(f"{comp.model.name}: level {N} lies on both sides of mu = {mu:g} eV at the "
                               f"largest probed |k| (~1e4 /nm): its Fermi surface is not compact (a bounded "
                               "band: declare lattice_vectors for a lattice model)")
        ref = o[0, 0]
        diff = np.any(s[..., N] != ref, axis=1)
        if np.any(diff):
            levels.append(N)
            rmax = max(rmax, float(PROBE_RADII[np.flatnonzero(diff).max()]))
    step = PROBE_RADII[1] / PROBE_RADII[0]
    return tuple(levels), 1.5 * step * rmax


def level_contours(comp: UserComponent, level: int, mu: float, K: float, n0: int = 64):
    """The loops of ``level`` at ``mu`` in the box [-K, K]^2 (1/nm)."""
    return find_contours(comp.level_fn(level, mu), ((-K, K), (-K, K)), n0=n0)


_STEPS = np.array([1.0, -1.0, 2.0, -2.0, 4.0, -4.0])


def _stencil(fn, kx, ky, h):
    """Fourth-order central derivatives (d_x, d_y) of fn at (kx, ky) (n,), steps h and 2 h (h (n,)),
    from one call of fn on the 12 n shifted points: (d (n, 2, ...), err (n, 2, ...))."""
    n = kx.size
    sx = np.concatenate([np.outer(_STEPS, h), np.zeros((6, n))])        # (12, n): 6 along x, 6 along y
    sy = np.concatenate([np.zeros((6, n)), np.outer(_STEPS, h)])
    q = fn((kx[None] + sx).ravel(), (ky[None] + sy).ravel())
    q = q.reshape((2, 6, n) + q.shape[1:])
    q1, qm1, q2, qm2, q4, qm4 = (q[:, j] for j in range(6))              # each (2, n, ...)
    hh = h.reshape((1, n) + (1,) * (q.ndim - 3))
    d1 = (8 * (q1 - qm1) - (q2 - qm2)) / (12 * hh)
    d2 = (8 * (q2 - qm2) - (q4 - qm4)) / (24 * hh)
    scale = np.max(np.abs(q), axis=1)
    err = np.abs(d1 - d2) + 64 * _U * scale / hh
    return np.moveaxis(d1, 0, 1), np.moveaxis(err, 0, 1)


_QUANT = {"D": "berry-curvature", "X": "bcp", "A": "sbp", "C": "spin"}


#: factor shapes (spec.py) for n_ops spin operators
def factor_shapes(n_ops: int) -> dict:
    return {"D": (2,), "X": (2, 2, 2), "A": (2, n_ops, 2), "B": (n_ops, 2), "C": (n_ops, 2)}


def fd_step(loop) -> tuple:
    """(h, size) of one loop: its size (1/nm, the largest distance of 16 reference points from their mean)
    and the step h = 1e-3 size of the central differences d_c Q on it."""
    c0 = loop.reference(np.linspace(0, 2 * np.pi, 16, endpoint=False))[0]
    size = float(np.max(np.abs(c0 - np.mean(c0))))
    return 1e-3 * max(size, 1e-12), size


def node_integrands(comp: UserComponent, level: int, nd, keys, h_fd: float, extra=()):
    """The Fermi-line integrands of the factors ``keys`` [(kind, name)] of :func:`surface_factors` at the
    nodes ``nd`` (:meth:`symenh.integrate.cells.Loop.nodes`) of one loop of ``level``, with the 1/(2 pi)^2
    and without the line weight (module docstring): kind "0" A, C: ``-(d_c eps) S^{eta a}``,
    ``-(d_b eps) <s^eta>``; kind "1": ``-tau d_b Omega``, ``tau d_c G^{ab}``, ``tau d_c S^{eta a}``,
    ``tau d_b <s^eta>``, ``-tau S^{eta b}`` (d_c Q by :func:`_stencil` at step ``h_fd``).

    Returns ({key: values (n, n_k)}, {key: point errors (n, n_k)}, the kernel's level quantities (sbp,
    spin and ``extra``) at the nodes, tau at the nodes); n_k the flattened factor shape."""
    ker, vals = comp.kernel, comp.values
    n_ops = len(comp.model.spin)
    qnames = sorted({_QUANT[name] for kind, name in keys if kind == "1" and name != "B"})
    qshape = {"berry-curvature": (), "bcp": (2, 2), "sbp": (n_ops, 2), "spin": (n_ops,)}

    def stacked(kx, ky):
        lv = ker.only(qnames, kx, ky, vals)
        return np.concatenate([lv[q][:, level].reshape(kx.size, -1) for q in qnames], axis=1)

    kx, ky = nd["kx"], nd["ky"]
    n = kx.size
    grad = np.stack([nd["gx"], nd["gy"]], axis=-1)                       # (n, c)
    lv = ker.only(("sbp", "spin") + tuple(q for q in extra if q not in ("sbp", "spin")), kx, ky, vals)
    S, spin = lv["sbp"][:, level], lv["spin"][:, level]
    tau, _, _ = comp.tilt(kx, ky)
    h = np.full(n, h_fd)
    out_v, out_e = {}, {}
    cache = {}
    if qnames:
        dall, eall = _stencil(stacked, kx, ky, h)                     # (n, 2, m)
        pos = 0
        for q in qnames:
            m = int(np.prod(qshape[q]))
            cache[q] = (dall[..., pos:pos + m].reshape((n, 2) + qshape[q]),
                        eall[..., pos:pos + m].reshape((n, 2) + qshape[q]))
            pos += m
    for kind, name in keys:
        if kind == "0" and name == "A":
            v, e = -np.einsum("nc,nea->ncea", grad, S), 0.0
        elif kind == "0" and name == "C":
            v, e = -np.einsum("nb,ne->neb", grad, spin), 0.0
        elif name == "B":
            v, e = -tau[:, None, None] * S, 0.0
        else:
            dQ, eQ = cache[_QUANT[name]]
            t = tau.reshape((n,) + (1,) * (dQ.ndim - 1))
            if name == "D":
                v, e = -t * dQ, np.abs(t) * eQ                       # (n, b)
            elif name == "X":                                        # X[c, b, a] = tau d_c G[a][b]
                v, e = t * np.swapaxes(dQ, -1, -2), np.abs(t) * np.swapaxes(eQ, -1, -2)
            elif name == "A":
                v, e = t * dQ, np.abs(t) * eQ                        # (n, c, eta, a)
            else:                                                    # C[eta, b] = tau d_b <s^eta>
                v, e = t * np.swapaxes(dQ, 1, 2), np.abs(t) * np.swapaxes(eQ, 1, 2)
        v = np.asarray(v).reshape(n, -1) * _NORM
        e = np.broadcast_to(np.asarray(e), v.shape if np.ndim(e) == 0 else np.shape(e)).reshape(n, -1) * _NORM
        out_v[(kind, name)] = v
        out_e[(kind, name)] = e + 16 * _U * np.abs(v)
    return out_v, out_e, lv, tau


def surface_factors(comp: UserComponent, level: int, contours, need0, need1, tol: float):
    """Fermi-line parts of the factors of one level: ({name: f0}, {name: f1}, {name: err0}, {name: err1},
    {(kind, name): natural size}) -- the last the integral of a non-cancelling bound of the integrand.

    ``need0``: factors wanted at alpha = 0 among ("A", "C"); ``need1``: d/dalpha wanted among
    ("D", "X", "A", "C", "B").  Units per :mod:`symenh.responses.spec` (f1 per eV nm of alpha)."""
    n_ops = len(comp.model.spin)
    shapes = factor_shapes(n_ops)
    keys = [("0", n) for n in need0] + [("1", n) for n in need1]
    sizes = [int(np.prod(shapes[n])) for _, n in keys]
    if not keys:
        return {}, {}, {}, {}, {}

    out0, out1, e0, e1, nat = {}, {}, {}, {}, {}
    for loop in contours.loops:
        h_fd, size = fd_step(loop)

        def integrand(nd, h_fd=h_fd, size=size):
            v, e, lv, tau = node_integrands(comp, level, nd, keys, h_fd, extra=("quantum-metric", "bcp"))
            n = nd["kx"].size
            vals_ = [v[key].reshape(n, -1) for key in keys]
            errs = [e[key] for key in keys]
            S = lv["sbp"][:, level]
            # natural size of each factor's integrand (no cancellation, and bounds that do not vanish
            # with a traced quantity: |Omega| <= tr g, |<s>| <= d): the scale a zero is resolved against
            gnorm = np.hypot(nd["gx"], nd["gy"])
            mag = {"D": np.trace(lv["quantum-metric"][:, level], axis1=-2, axis2=-1),
                   "X": np.max(np.abs(lv["bcp"][:, level]), axis=(-2, -1)),
                   "A": np.max(np.abs(S), axis=(-2, -1)), "B": np.max(np.abs(S), axis=(-2, -1)),
                   "C": np.full(n, float(comp.pattern[level]))}
            for kind, name in keys:
                scale = gnorm if kind == "0" else np.abs(tau) / (size if name != "B" else 1.0)
                vals_.append((scale * mag[name] * _NORM)[:, None])
                errs.append(np.zeros((n, 1)))
            return np.concatenate(vals_, axis=1), np.concatenate(errs, axis=1)

        single = type(contours)((loop,), contours.n, contours.box)
        val, err = line_integral(single, integrand, tol)
        pos = 0
        for (kind, name), sz in zip(keys, sizes):
            v = val[pos:pos + sz].reshape(shapes[name])
            e = float(np.max(err[pos:pos + sz]))
            pos += sz
            dv, de = (out0, e0) if kind == "0" else (out1, e1)
            dv[name] = dv.get(name, 0.0) + v
            de[name] = de.get(name, 0.0) + e
        for j, key in enumerate(keys):
            nat[key] = nat.get(key, 0.0) + float(abs(val[pos + j]))
    return out0, out1, e0, e1, nat


def sea_compact(comp: UserComponent, level: int, contours, tol: float, cut: str = "x", base=None):
    """``oint P_N dk_y`` over the loops of ``level`` (module docstring): the change of the Fermi sea
    ``int (theta(mu - eps_N) - theta_ref) S_N d^2k / (2 pi)^2`` (n_ops, 2) in 1/(eV nm), and its error."""
    ker, vals = comp.kernel, comp.values
    n_ops = len(comp.model.spin)

    def F(kx, ky):
        shape = np.shape(kx)
        S = ker.only(("sbp",), np.ravel(kx), np.ravel(ky), vals)["sbp"][:, level]
        return S.reshape(shape + (n_ops * 2,)) * _NORM

    v, e = region_integral(contours, F, cut=cut, base=base, tol=tol)
    return np.asarray(v).reshape(n_ops, 2), float(np.max(e))


__all__ = ["UserComponent", "crossing_box", "factor_shapes", "fd_step", "level_contours", "node_integrands",
           "sea_compact", "surface_factors"]
