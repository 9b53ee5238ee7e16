"""Robust 2-D Fermi contours of a scalar level function, and spectrally accurate integrals over them.

For a level function ``phi(k) = eps_N(k) - mu`` (eV; k in 1/nm) on a box:

1. **Marching squares** on a uniform mesh, refined adaptively: the mesh is doubled (up to
   ``max_n`` per side) while some cell far from every contour found could still hide a small
   pocket (its corner values are within half a cell diagonal times the largest corner gradient
   of zero: ``min |phi| <= 0.75 h sqrt(2) max |grad phi|``).  Saddle cells are resolved by the
   cell-centre value.  Each edge crossing is refined by root finding along the edge (Illinois
   regula falsi, vectorised over all edges).
2. **Chaining**: segments sharing an edge crossing are joined into polylines; every contour
   inside the box is a closed loop, any number of them (several pockets, an annulus = two loops,
   electron and hole pockets at once); a loop that leaves the box is an error (the box must
   enclose the Fermi surface of a k.p model).  On a Brillouin zone (``find_contours(...,
   lattice=...)``) the mesh is periodic in fractional coordinates and marching squares wraps
   across the seams: every contour closes, up to a reciprocal lattice vector for an open contour
   that wraps the zone (:attr:`Loop.wind`).
3. **Orientation**: every loop is oriented with the region ``phi < 0`` on its left, so that
   Green's theorem reads ``int_{phi<0} dP/dx d^2k = sum_loops oint P dk_y``.
4. **Smooth parametrisation** (:class:`Loop`): a truncated Fourier series c(t), t in [0, 2 pi),
   is fitted to the polyline (chord-length parameter) and each integration node is the root of
   phi on the normal line through c(t): ``k(t) = c(t) + s(t) n(t)`` (safeguarded Newton with the
   level velocity, inside a bracket).  k(t) is then as smooth as phi, so the periodic trapezoid
   rule in t converges geometrically (:func:`symenh.integrate.contour.nested_quadrature`) for
   any shape -- no star-shapedness around k = 0 is assumed.

Integrals (all with the periodic trapezoid rule, refined by doubling with the error shown):

* Fermi-line: ``int d^2k delta(phi) W = oint W |dk/dt| / |grad phi| dt``;
* region (Green): ``int_{phi<0} F d^2k = oint P dk_y`` with ``P(x, y) = int_{x_cut}^{x} F(x', y) dx'``
  (Gauss-Legendre along each horizontal cut), or with vertical cuts ``-oint Q dk_x``; the
  result does not depend on the cut (``x_cut``, direction) -- a test of the machinery.

Units: k in 1/nm, phi in eV, gradients in eV nm; the integrals carry the units of the
integrand times nm^-2 (region) or nm^-1 eV^-1 (Fermi line).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ContourError
from .contour import nested_quadrature, periodic_trapezoid

#: modes kept in the Fourier reference curve of a loop (at most a sixth of its polyline points)
MAX_MODES = 32


# ---------------------------------------------------------------------------
# marching squares
# ---------------------------------------------------------------------------

def _edge_roots(f, x0, y0, x1, y1, f0, f1, n_iter: int = 60):
    """Roots of f on the segments (x0, y0)-(x1, y1) with f0 f1 < 0 (Illinois regula falsi, vectorised)."""
    a, b = np.zeros_like(x0), np.ones_like(x0)
    fa, fb = f0.copy(), f1.copy()
    side = np.zeros(x0.shape, int)
    for _ in range(n_iter):
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(fb != fa, (a * fb - b * fa) / (fb - fa), 0.5 * (a + b))
        c = np.where((c > a) & (c < b), c, 0.5 * (a + b))
        fc = f(x0 + c * (x1 - x0), y0 + c * (y1 - y0))
        left = np.signbit(fc) == np.signbit(fa)
        # Illinois: halve the retained end's value when the same end is kept twice
        fb = np.where(left & (side == 1), 0.5 * fb, fb)
        fa = np.where(~left & (side == -1), 0.5 * fa, fa)
        a, fa = np.where(left, c, a), np.where(left, fc, fa)
        b, fb = np.where(left, b, c), np.where(left, fb, fc)
        side = np.where(left, 1, -1)
        if np.all(np.abs(b - a) < 1e-15) or np.all(fc == 0):
            break
    c = np.where(np.abs(fa) < np.abs(fb), a, b)
    return x0 + c * (x1 - x0), y0 + c * (y1 - y0)


def marching_squares(F: np.ndarray, xs: np.ndarray, ys: np.ndarray, func=None, *, period=None):
    """Zero-level polylines of the grid values ``F[i, j] = phi(xs[i], ys[j])``.

    Returns a list of (m, 2) point arrays and a flag per polyline (closed or not).  Crossings are
    refined on their edges by root finding with ``func(x, y)`` when given (linear otherwise).

    ``period = (Px, Py)``: the mesh is periodic (a torus; ``xs``, ``ys`` the n and m points of one
    period, F (n, m) without the repeated end).  Every polyline is then a closed loop, returned
    unwrapped (continuous across the seams), and the second item is each loop's winding (2,) ints:
    its last point continues to its first point plus (Wx Px, Wy Py) (W = 0: a loop contractible on
    the torus, a pocket; W != 0: an open contour that wraps the zone)."""
    if period is not None:
        Px, Py = (float(p) for p in period)
        F = np.concatenate([F, F[:1]], axis=0)
        F = np.concatenate([F, F[:, :1]], axis=1)
        xs = np.concatenate([xs, [xs[0] + Px]])
        ys = np.concatenate([ys, [ys[0] + Py]])
    neg = F < 0
    nx, ny = F.shape
    # crossings on horizontal edges (i, j)-(i+1, j) and vertical edges (i, j)-(i, j+1)
    hx = neg[:-1, :] != neg[1:, :]
    vy = neg[:, :-1] != neg[:, 1:]
    if period is not None:       # the last row / column of edges repeats the first: count those once
        hx[:, -1] = False
        vy[-1, :] = False
    hi, hj = np.nonzero(hx)
    vi, vj = np.nonzero(vy)
    X0 = np.concatenate([xs[hi], xs[vi]])
    Y0 = np.concatenate([ys[hj], ys[vj]])
    X1 = np.concatenate([xs[hi + 1], xs[vi]])
    Y1 = np.concatenate([ys[hj], ys[vj + 1]])
    F0 = np.concatenate([F[hi, hj], F[vi, vj]])
    F1 = np.concatenate([F[hi + 1, hj], F[vi, vj + 1]])
    if X0.size == 0:
        return [], ([] if period is None else np.zeros((0, 2), int))
    if func is not None:
        px, py = _edge_roots(func, X0, Y0, X1, Y1, F0, F1)
    else:
        t = F0 / (F0 - F1)
        px, py = X0 + t * (X1 - X0), Y0 + t * (Y1 - Y0)
    n_h = hi.size
    hid = -np.ones((nx - 1, ny), int)
    hid[hi, hj] = np.arange(n_h)
    vid = -np.ones((nx, ny - 1), int)
    vid[vi, vj] = n_h + np.arange(vi.size)
    if period is not None:       # the repeated edges are the same crossings
        hid[:, -1] = hid[:, 0]
        vid[-1, :] = vid[0, :]
    # per cell (i, j): edges bottom (hid[i, j]), right (vid[i+1, j]), top (hid[i, j+1]), left (vid[i, j])
    bottom, right, top, left = hid[:, :-1], vid[1:, :], hid[:, 1:], vid[:-1, :]
    cnt = (bottom >= 0).astype(int) + (right >= 0) + (top >= 0) + (left >= 0)
    links: list = []
    ci, cj = np.nonzero(cnt == 2)
    e = np.stack([bottom[ci, cj], right[ci, cj], top[ci, cj], left[ci, cj]], axis=1)
    for row in e:
        a, b = row[row >= 0]
        links.append((a, b))
    si, sj = np.nonzero(cnt == 4)                      # saddle cells: decide by the centre value
    for i, j in zip(si, sj):
        centre = 0.25 * (F[i, j] + F[i + 1, j] + F[i, j + 1] + F[i + 1, j + 1])
        b_, r_, t_, l_ = bottom[i, j], right[i, j], top[i, j], left[i, j]
        if (centre < 0) == neg[i, j]:                  # centre like the (i, j) corner: it joins (i+1, j+1)'s side
            links += [(b_, r_), (t_, l_)]
        else:
            links += [(b_, l_), (t_, r_)]
    nbr = [[] for _ in range(px.size)]
    for a, b in links:
        nbr[a].append(b)
        nbr[b].append(a)
    seen = np.zeros(px.size, bool)
    lines, closed = [], []
    # open chains start at a degree-1 crossing (on the box boundary)
    starts = [i for i in range(px.size) if len(nbr[i]) == 1] + list(range(px.size))
    for s in starts:
        if seen[s] or not nbr[s]:
            continue
        chain = [s]
        seen[s] = True
        prev, cur = -1, s
        while True:
            nxt = [q for q in nbr[cur] if q != prev and not seen[q]]
            if not nxt:
                break
            prev, cur = cur, nxt[0]
            seen[cur] = True
            chain.append(cur)
        is_closed = len(nbr[s]) == 2 and s in nbr[cur] and len(chain) > 2
        lines.append(np.stack([px[chain], py[chain]], axis=1))
        closed.append(bool(is_closed))
    if period is None:
        return lines, closed
    P = np.array([Px, Py])
    loops, winding = [], []
    for pts, ok in zip(lines, closed):
        if not ok:
            raise ContourError("contour: a zero-level line on the periodic mesh does not close (a degenerate "
                               "crossing); move mu slightly or raise the mesh resolution")
        step = np.diff(pts, axis=0)
        step -= P * np.round(step / P)             # consecutive crossings are less than a cell apart
        pts = np.concatenate([pts[:1], pts[0] + np.cumsum(step, axis=0)])
        close = pts[0] - pts[-1]
        close -= P * np.round(close / P)
        winding.append(np.round((pts[-1] + close - pts[0]) / P).astype(int))
        loops.append(pts)
    return loops, np.array(winding, dtype=int).reshape(-1, 2)


# ---------------------------------------------------------------------------
# a smooth parametrisation of one closed loop
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Loop:
    """One closed Fermi contour, oriented with phi < 0 on its left, as k(t) = c(t) + s(t) n(t).

    ``coef``: complex Fourier coefficients of c(t) = x + i y (modes -M..M); ``h``: the mesh step
    (1/nm) that found it (the bracket of the normal search); ``level_fn(kx, ky)`` returns
    (phi, d_x phi, d_y phi).  ``wind`` (complex, 1/nm): a reciprocal lattice vector G for an open
    contour of a periodic zone, c(t) = sum coef e^{i m t} + G t / (2 pi), so k(t + 2 pi) = k(t) + G
    and every periodic integrand stays periodic in t (0 for a closed loop in the plane)."""

    coef: np.ndarray
    modes: np.ndarray
    h: float
    level_fn: object
    wind: complex = 0j

    def reference(self, t):
        """c, c', c'' at t as complex numbers x + i y (1/nm)."""
        t = np.asarray(t, float)
        m = 1j * self.modes
        C = np.stack([self.coef, m * self.coef, m * m * self.coef], axis=-1)      # (2M + 1, 3)
        M = (len(self.modes) - 1) // 2              # modes are -M..M (_fit_loop)
        # e^{i m t} for m = 1..M by running products of e^{i t} (one exp per t, not one per mode);
        # |e^{i t}| = 1, so m < 0 are the conjugates
        zp = np.cumprod(np.broadcast_to(np.exp(1j * t)[:, None], (t.size, M)), axis=1)
        e = np.concatenate([np.conj(zp[:, ::-1]), np.ones((t.size, 1)), zp], axis=1)
        c, c1, c2 = (e @ C).T
        if self.wind:
            c, c1 = c + self.wind * t / (2 * np.pi), c1 + self.wind / (2 * np.pi)
        return c, c1, c2

    def nodes(self, t):
        """Points and weights at parameters t: dict with kx, ky (1/nm), grad (eV nm, (n, 2)),
        line = |dk/dt| / |grad phi| (nm^-1 eV^-1 ... per unit t, with |dk/dt| in 1/nm),
        dkx, dky = dk/dt (1/nm)."""
        c, c1, c2 = self.reference(t)
        sp1 = np.abs(c1)
        T = c1 / sp1
        n = -1j * T                                  # right normal: towards phi > 0
        dT = (c2 / sp1 - c1 * np.real(np.conj(c1) * c2) / sp1 ** 3)
        dn = -1j * dT
        s = self._solve(c, n)
        k = c + s * n
        phi, gx, gy = self.level_fn(k.real, k.imag)
        g = gx + 1j * gy
        dot = lambda u, v: np.real(np.conj(u) * v)
        gn = dot(g, n)
        ds = -dot(g, c1 + s * dn) / gn
        dk = c1 + s * dn + ds * n
        return {"kx": k.real, "ky": k.imag, "gx": gx, "gy": gy, "phi": phi,
                "line": np.abs(dk) / np.abs(g), "dkx": dk.real, "dky": dk.imag}

    def _solve(self, c, n, n_iter: int = 60):
        """s with phi(c + s n) = 0: a bracket grown from +-h/2 around 0, then safeguarded Newton."""
        def phi_at(s):
            k = c + s * n
            f, gx, gy = self.level_fn(k.real, k.imag)
            return f, np.real(np.conj(gx + 1j * gy) * n)

        f0, d0 = phi_at(np.zeros(c.shape))
        lo = np.full(c.shape, -0.5 * self.h)
        hi = np.full(c.shape, 0.5 * self.h)
        flo, _ = phi_at(lo)
        fhi, _ = phi_at(hi)
        for _ in range(8):
            bad = ~((flo <= 0) & (fhi >= 0))
            if not np.any(bad):
                break
            lo = np.where(bad & (flo > 0), 2 * lo, lo)
            hi = np.where(bad & (fhi < 0), 2 * hi, hi)
            flo, _ = phi_at(lo)
            fhi, _ = phi_at(hi)
        if np.any(~((flo <= 0) & (fhi >= 0))):
            raise ContourError("contour: the normal through a point of a Fermi contour does not cross it "
                               "(the contour is too thin for the mesh); raise the mesh resolution")
        s = np.clip(-f0 / np.where(d0 != 0, d0, 1.0), lo, hi)
        for _ in range(n_iter):
            f, d = phi_at(s)
            lo = np.where(f < 0, s, lo)
            hi = np.where(f >= 0, s, hi)
            with np.errstate(divide="ignore", invalid="ignore"):
                step = -f / d
            new = s + step
            out = ~((new >= lo) & (new <= hi)) | ~np.isfinite(new)
            new = np.where(out, 0.5 * (lo + hi), new)
            done = np.all(np.abs(new - s) <= 1e-13 * (np.abs(c) + self.h))
            s = new
            if done:                                 # Newton converged: one more step reaches roundoff
                f, d = phi_at(s)
                with np.errstate(divide="ignore", invalid="ignore"):
                    new = s - f / d
                return np.where((new >= lo) & (new <= hi) & np.isfinite(new), new, s)
        return s


def _fit_loop(points: np.ndarray, h: float, level_fn, wind: complex = 0j) -> Loop:
    """Fourier reference curve of a closed polyline (chord-length parameter), oriented phi < 0 left;
    ``wind``: the polyline closes on its first point plus ``wind`` (see :class:`Loop`)."""
    z = points[:, 0] + 1j * points[:, 1]
    seg = np.abs(np.diff(np.concatenate([z, z[:1] + wind])))
    u = np.concatenate([[0.0], np.cumsum(seg)])
    L = u[-1]
    n_s = 512
    uu = np.linspace(0, L, n_s, endpoint=False)
    zz = np.concatenate([z, z[:1] + wind])
    samp = np.interp(uu, u, zz.real) + 1j * np.interp(uu, u, zz.imag) - wind * uu / L
    M = int(min(MAX_MODES, max(4, len(points) // 6)))
    fft = np.fft.fft(samp) / n_s
    modes = np.arange(-M, M + 1)
    coef = fft[modes % n_s]
    loop = Loop(coef, modes, h, level_fn, wind)
    # orientation: phi < 0 on the left <=> grad phi along the right normal
    t = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    c, c1, _ = loop.reference(t)
    _, gx, gy = level_fn(c.real, c.imag)
    right = -1j * c1
    if np.sum(np.real(np.conj(gx + 1j * gy) * right) > 0) < len(t) / 2:
        loop = Loop(coef[::-1], modes, h, level_fn, -wind)    # t -> -t reverses the orientation
    return loop


@dataclass(frozen=True)
class Contours:
    """All zero-level loops of phi in a box: ``loops`` (oriented :class:`Loop`), mesh size ``n``.

    On a periodic zone (``find_contours(..., lattice=...)``): ``lattice`` the
    :class:`~symenh.models.lattice.Lattice`, ``winding`` (n_loops, 2) ints (the reciprocal vector
    W1 b1 + W2 b2 each loop closes up to) and ``inside`` the fraction of mesh points with phi < 0."""

    loops: tuple
    n: int
    box: tuple
    lattice: object = None
    winding: object = None
    inside: float | None = None

    def __len__(self):
        return len(self.loops)


def _unexplained(F, gx, gy, h) -> bool:
    """True when some mesh cell (corner values F, gradients gx, gy; step ``h``) far from every
    crossing could still hide a small pocket: ``min |phi| <= 0.75 h sqrt(2) max |grad phi|``."""
    neg = F < 0
    cross = ((neg[:-1, :-1] != neg[1:, :-1]) | (neg[:-1, :-1] != neg[:-1, 1:])
             | (neg[1:, 1:] != neg[1:, :-1]) | (neg[1:, 1:] != neg[:-1, 1:]))
    G = np.hypot(gx, gy)
    cmin = np.minimum(np.minimum(np.abs(F[:-1, :-1]), np.abs(F[1:, :-1])),
                      np.minimum(np.abs(F[:-1, 1:]), np.abs(F[1:, 1:])))
    gmax = np.maximum(np.maximum(G[:-1, :-1], G[1:, :-1]), np.maximum(G[:-1, 1:], G[1:, 1:]))
    suspect = (~cross) & (cmin <= 0.75 * np.sqrt(2) * h * gmax)
    near = cross.copy()                  # cells within two of a found contour are explained by it
    for _ in range(2):
        grown = near.copy()
        grown[1:] |= near[:-1]
        grown[:-1] |= near[1:]
        grown[:, 1:] |= grown[:, :-1].copy()
        grown[:, :-1] |= grown[:, 1:].copy()
        near = grown
    return bool(np.any(suspect & ~near))


def find_contours(level_fn, box=None, *, n0: int = 64, max_n: int = 1024, lattice=None) -> Contours:
    """Every closed zero-level contour of ``level_fn`` in ``box = ((x0, x1), (y0, y1))`` (1/nm).

    ``level_fn(kx, ky)`` -> (phi, d_x phi, d_y phi), vectorised (eV, eV nm).  Raises
    :class:`~symenh.errors.ContourError` for a contour that leaves the box.

    ``lattice`` (a :class:`~symenh.models.lattice.Lattice`; ``box`` is then ignored): phi is periodic
    under the reciprocal lattice and the domain is the Brillouin zone as a torus.  The mesh is the
    periodic n x n mesh of fractional coordinates u in [0, 1)^2 (k = u1 b1 + u2 b2), marching
    squares wraps across the seams, and every contour closes: a pocket (winding 0, wherever it sits
    in the cell) or an open contour that wraps the zone and closes up to a reciprocal lattice vector
    (:attr:`Loop.wind`)."""
    if lattice is not None:
        return _zone_contours(level_fn, lattice, int(n0), max_n)
    (x0, x1), (y0, y1) = box
    n = int(n0)
    while True:
        xs, ys = np.linspace(x0, x1, n + 1), np.linspace(y0, y1, n + 1)
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        F, gx, gy = level_fn(X, Y)
        h = max((x1 - x0), (y1 - y0)) / n
        if not _unexplained(F, gx, gy, h) or 2 * n > max_n:
            break
        n *= 2
    lines, closed = marching_squares(F, xs, ys, lambda x, y: level_fn(x, y)[0])
    if not all(closed):
        raise ContourError("contour: a Fermi contour leaves the integration box "
                           f"[{x0:g}, {x1:g}] x [{y0:g}, {y1:g}] 1/nm (open contour)")
    loops = tuple(_fit_loop(p, h, level_fn) for p in lines if len(p) >= 4)
    return Contours(loops, n, ((x0, x1), (y0, y1)))


def _zone_contours(level_fn, lattice, n: int, max_n: int) -> Contours:
    """:func:`find_contours` on the zone torus (``lattice`` given)."""
    b = lattice.reciprocal
    diag = max(np.linalg.norm(b[0] + b[1]), np.linalg.norm(b[0] - b[1]))

    def wrap(x):
        x = np.concatenate([x, x[:1]], axis=0)
        return np.concatenate([x, x[:, :1]], axis=1)

    while True:
        us = np.arange(n) / n
        U1, U2 = np.meshgrid(us, us, indexing="ij")
        F, gx, gy = level_fn(*lattice.to_k(U1, U2))
        h = diag / n / np.sqrt(2)
        if not _unexplained(wrap(F), wrap(gx), wrap(gy), h) or 2 * n > max_n:
            break
        n *= 2
    lines, winding = marching_squares(F, us, us, lambda u1, u2: level_fn(*lattice.to_k(u1, u2))[0],
                                      period=(1.0, 1.0))
    loops, wind = [], []
    for p, w in zip(lines, winding):
        if len(p) < 4:
            continue
        kx, ky = lattice.to_k(p[:, 0], p[:, 1])
        gx_, gy_ = lattice.to_k(float(w[0]), float(w[1]))
        loop = _fit_loop(np.stack([kx, ky], axis=1), diag / n, level_fn, complex(gx_, gy_))
        loops.append(loop)
        wind.append(np.round(lattice.to_fractional(loop.wind.real, loop.wind.imag)).astype(int))
    return Contours(tuple(loops), n, None, lattice, np.array(wind, dtype=int).reshape(-1, 2), float(np.mean(F < 0)))


# ---------------------------------------------------------------------------
# integrals over the loops
# ---------------------------------------------------------------------------

def line_integral(contours: Contours, integrand, tol: float = 1e-12, n0: int = 32):
    """``int d^2k delta(phi) W(k)`` over every loop (nm^-2 eV^-1 times W's unit... W d^2k / |grad|).

    ``integrand(nodes)`` -> (values (n, m), point errors (n, m)) from :meth:`Loop.nodes` output,
    *without* the line weight (it is applied here).  Returns (value (m,), error (m,))."""
    total, err = 0.0, 0.0
    for loop in contours.loops:
        def f(t, loop=loop):
            nd = loop.nodes(t)
            v, e = integrand(nd)
            w = nd["line"].reshape((-1,) + (1,) * (np.ndim(v) - 1))
            return v * w, e * w
        val, e, _, _ = periodic_trapezoid(f, _groups(f, loop), tol, n0=n0, batch=1024)
        total, err = total + val, err + e
    return total, err


def _groups(f, loop):
    v, _ = f(np.array([0.1]))
    return np.zeros(np.asarray(v).reshape(1, -1).shape[1], int)


def _gl(n):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w


_GL = (_gl(24), _gl(16))


def region_integral(contours: Contours, F, *, cut="x", base: float | None = None, tol: float = 1e-12,
                    n0: int = 32, panels: int = 4):
    """``int_{phi<0} F d^2k`` (compact phi < 0 region(s)) by Green's theorem over the loops.

    ``F(kx, ky)`` -> (..., m) values.  ``cut="x"``: P(x, y) = int_{base}^{x} F dx' along horizontal
    cuts and the result ``oint P dk_y``; ``cut="y"``: vertical cuts, ``-oint Q dk_x``.  ``base``
    defaults to the box centre line.  The cut integral is composite Gauss-Legendre (``panels``
    panels of 24 nodes, checked against 16: the difference is each value's point error).
    For the region phi > 0 (compact), negate the result.  Returns (value (m,), error (m,)).

    ``cut = (e_r, e_s)``, two independent k-space vectors (1/nm): coordinates k = r e_r + s e_s, cuts
    along e_s from the line s = ``base`` (default 0), ``P = |e_r x e_s| int_{base}^{s} F ds'`` and the
    result ``-sign(e_r x e_s) oint P dr`` ("x" is e_r = y-hat, e_s = x-hat; "y" is x-hat, y-hat).
    On a periodic zone with e_r, e_s reciprocal lattice vectors and no loop winding along e_s, each
    loop's term is periodic in its parameter; the sum over the loops then equals the integral up to
    a whole number of zone integrals of F (:mod:`symenh.integrate.zone_contours` fixes that number)."""
    if isinstance(cut, str):
        if cut not in ("x", "y"):
            raise ValueError(f"cut: expected 'x', 'y' or two k-space vectors, got {cut!r}")
        (x0, x1), (y0, y1) = contours.box
        if base is None:
            base = 0.5 * (x0 + x1) if cut == "x" else 0.5 * (y0 + y1)
        er, es = ((0.0, 1.0), (1.0, 0.0)) if cut == "x" else ((1.0, 0.0), (0.0, 1.0))
    else:
        er, es = (tuple(float(x) for x in v) for v in cut)
        base = 0.0 if base is None else float(base)
    cross = er[0] * es[1] - er[1] * es[0]
    if cross == 0:
        raise ValueError("cut: the two vectors are collinear")
    jac, sign = abs(cross), (1.0 if cross < 0 else -1.0)
    # (r, s) of k: the inverse of [e_r e_s]
    inv = np.linalg.inv(np.array([[er[0], es[0]], [er[1], es[1]]])) if not isinstance(cut, str) else None
    total, err = 0.0, 0.0
    for loop in contours.loops:
        def f(t, loop=loop):
            nd = loop.nodes(t)
            if inv is None:
                a, b = (nd["kx"], nd["ky"]) if cut == "x" else (nd["ky"], nd["kx"])
                d = nd["dky"] if cut == "x" else nd["dkx"]
            else:
                b = inv[0, 0] * nd["kx"] + inv[0, 1] * nd["ky"]
                a = inv[1, 0] * nd["kx"] + inv[1, 1] * nd["ky"]
                d = inv[0, 0] * nd["dkx"] + inv[0, 1] * nd["dky"]
            outs = []
            for x, w in _GL:
                edges = base + (a - base)[:, None] * (np.arange(panels + 1) / panels)[None, :]   # (n, p+1)
                lo, wid = edges[:, :-1], np.diff(edges, axis=1)
                pts = lo[..., None] + wid[..., None] * x                                          # (n, p, q)
                other = np.broadcast_to(b[:, None, None], pts.shape)
                if inv is None:
                    vals = F(pts, other) if cut == "x" else F(other, pts)                        # (n, p, q, m)
                else:
                    vals = F(other * er[0] + pts * es[0], other * er[1] + pts * es[1])
                outs.append(np.einsum("npq...,np,q->n...", vals, wid, w))
            P, P_lo = outs
            d = d.reshape((-1,) + (1,) * (P.ndim - 1)) * (sign * jac)
            v = (P * d).reshape(len(t), -1)
            return v, np.abs((P - P_lo) * d).reshape(len(t), -1)
        val, e, _, _ = periodic_trapezoid(f, _groups(f, loop), tol, n0=n0, batch=1024)
        total, err = total + val, err + e
    return total, err


__all__ = ["Contours", "Loop", "find_contours", "line_integral", "marching_squares", "nested_quadrature",
           "region_integral"]
