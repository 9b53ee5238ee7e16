"""Closed-form band geometry of a :class:`~symenh.models.base.SymbolicModel` (SymPy).

Every quantity is traced over a degenerate energy level N (the only gauge-invariant
choice for the Kramers-degenerate bands of H_PT), using the level projectors P_N:

* Berry curvature (paper Eq. 6 / physics.md 2), nm^2:
  ``Omega_N = -2 Im sum_{M != N} Tr(P_N v^x P_M v^y) / (E_N - E_M)^2``
* quantum metric, nm^2: ``g^{ab}_N = Re sum_M Tr(P_N v^a P_M v^b) / (E_N - E_M)^2``
* BCP (Gao-Yang-Niu), nm^2/eV: ``G^{ab}_N = 2 Re sum_M Tr(P_N v^a P_M v^b) / (E_N - E_M)^3``
* SBP (paper Eq. 5), nm/eV: ``S^{eta a}_N = -2 Im sum_M Tr(P_N s^eta P_M v^a) / (E_N - E_M)^2``
  (= 2 Re sum s^eta_nm r^a_mn / eps_nm with r^a_mn = i v^a_mn / eps_nm)
* spin expectation (dimensionless): ``<s^eta>_N = Tr(P_N s^eta)``

with v^a = dH/dk_a in eV nm.  For a "Clifford" model, whose traceless part H_0
squares to E^2 times the identity (both paper models, every two-band model), the
levels are t(k) -+ E and P_-+ = (1 -+ H_0/E)/2 exactly.  Otherwise the distinct
eigenvalues come from SymPy and P_N = prod_{M != N} (H - E_M)/(E_N - E_M).

Eigenvectors (:func:`eigenvectors`) and the gauge-dependent interband matrix
elements r^a_nm, s^eta_nm (:func:`interband_elements`) are derived as well, for
display and for the symbolic check that both routes agree.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .. import cache
from ..models.base import ModelError, SymbolicModel

#: quantity names -> component shape per level (for the four spin operators s^0..s^3; a model
#: whose ``spin`` holds n operators, e.g. the channels of the complete Fock exchange, has
#: sbp (n, 2) and spin (n,): see :meth:`SymbolicGeometry.shape`)
QUANTITIES = {
    "energy": (),
    "berry-curvature": (),
    "quantum-metric": (2, 2),
    "bcp": (2, 2),
    "sbp": (4, 2),
    "spin": (4,),
}


@dataclass(frozen=True)
class SymbolicGeometry:
    """Closed-form, level-traced band geometry of one model.

    Each field is a tuple over energy levels (ascending where SymPy can order
    them), each entry a SymPy expression (or a nested tuple of them, components
    in the order of :data:`QUANTITIES`) in k_x, k_y (1/nm) and the model params.
    """

    model: SymbolicModel
    energy: tuple
    degeneracy: tuple
    berry_curvature: tuple
    quantum_metric: tuple
    bcp: tuple
    sbp: tuple
    spin: tuple

    @property
    def n_levels(self) -> int:
        return len(self.energy)

    @property
    def n_operators(self) -> int:
        """Number of spin (channel) operators the SBP and the expectation values are taken of."""
        return len(self.model.spin)

    def shape(self, name: str) -> tuple:
        """Component shape per level of quantity ``name`` (sbp: (n_operators, 2), spin: (n_operators,))."""
        if name not in QUANTITIES:
            raise ModelError(f"quantity: unknown quantity {name!r}; allowed: {', '.join(QUANTITIES)}")
        if name == "sbp":
            return (self.n_operators, 2)
        if name == "spin":
            return (self.n_operators,)
        return QUANTITIES[name]

    def quantity(self, name: str) -> tuple:
        """The per-level expressions of a quantity named as in :data:`QUANTITIES`."""
        if name not in QUANTITIES:
            raise ModelError(f"quantity: unknown quantity {name!r}; allowed: {', '.join(QUANTITIES)}")
        return getattr(self, name.replace("-", "_"))

    def latex(self, name: str) -> str:
        """LaTeX of a quantity, one line per level (and component)."""
        lines = []
        for lvl, value in enumerate(self.quantity(name)):
            mat = sp.Matrix(value) if isinstance(value, tuple) else value
            lines.append(rf"\text{{level {lvl} (degeneracy {self.degeneracy[lvl]})}}: {sp.latex(mat)}")
        return " \\\\\n".join(lines)


def _clifford_levels(model: SymbolicModel):
    """(identity part t, traceless H_0, E^2) if H_0^2 = E^2 * 1, else None."""
    h = model.matrix()
    n = model.dim
    t = model.identity_part()
    h0 = (h - t * sp.eye(n)).applyfunc(sp.expand)
    sq = (h0 * h0).applyfunc(sp.expand)
    e2 = sp.factor(sq[0, 0])
    if all(sp.expand(sq[i, j] - (e2 if i == j else 0)) == 0 for i in range(n) for j in range(n)):
        return t, h0, e2
    return None


_E = sp.Symbol("E", positive=True)


def level_projectors(model: SymbolicModel):
    """(energies, degeneracies, projectors, subs) of the distinct levels of H(k).

    Energies in eV; projectors are N x N SymPy matrices.  For a Clifford model the
    expressions contain the positive symbol ``E`` (half the band splitting, eV);
    ``subs`` maps it to its value sqrt(...).  Raises ModelError when SymPy cannot
    find the eigenvalues in closed form.
    """
    n = model.dim
    cl = _clifford_levels(model)
    if cl is not None:
        t, h0, e2 = cl
        if e2 == 0:
            raise ModelError(f"{model.name}: H is proportional to the identity; no band geometry")
        # E is kept as a positive symbol so that Re/Im act on polynomials; callers
        # substitute E = sqrt(e2) at the end (see _E_SUBS).
        E = _E
        one = sp.eye(n)
        projs = ((one - h0 / E) / 2, (one + h0 / E) / 2)
        degs = tuple(int(sp.simplify(p.trace())) for p in projs)
        return (t - E, t + E), degs, projs, {E: sp.sqrt(e2)}
    h = model.matrix()
    try:
        evs = h.eigenvals()
    except Exception as exc:  # noqa: BLE001 - SymPy internals
        raise ModelError(f"{model.name}: SymPy cannot diagonalise H in closed form ({exc})") from None
    energies = list(evs)
    projs = []
    for e_n in energies:
        p = sp.eye(n)
        for e_m in energies:
            if e_m != e_n:
                p = p * (h - e_m * sp.eye(n)) / (e_n - e_m)
        projs.append(p)
    return tuple(energies), tuple(int(evs[e]) for e in energies), tuple(projs), {}


def _tr(a, b, c, d) -> sp.Expr:
    """Tr(a b c d), expanded."""
    return sp.expand((a * b * c * d).trace())


def _is_rational_function(expr) -> bool:
    """True if ``expr`` is a rational function of its symbols (no function, only integer powers)."""
    return not expr.atoms(sp.Function) and all(p.exp.is_Integer for p in expr.atoms(sp.Pow))


def _simplify_clifford(expr, subs: dict):
    """``expr`` (rational in the positive symbol E and the model's symbols) with E = sqrt(E^2),
    in the factored form ``factor(simplify(simplify(expr).subs(subs)))`` gives, at a quarter of the
    cost: cancel in E, reduce numerator and denominator modulo E^2 - (its value) (so every
    identity E^2 = E(k)^2 is used: a zero comes out as 0), substitute E, factor.

    Only for expressions :func:`_is_rational_function` accepts; identical trees to the simplify
    route on the paper models (tests/test_geometry_closed_form.py)."""
    (e_sym, root), = subs.items()
    num, den = sp.fraction(sp.cancel(expr))
    modulus = sp.Poly(e_sym**2 - root**2, e_sym)
    num = sp.Poly(num, e_sym).rem(modulus).as_expr()
    den = sp.Poly(den, e_sym).rem(modulus).as_expr()
    return sp.factor((num / den).subs(subs))


def simplify_level_expr(expr, subs: dict):
    """The simplified, factored form of one level-traced quantity: :func:`_simplify_clifford`
    for a rational function on a Clifford model (``subs`` = {E: sqrt(...)}), else
    ``factor(simplify(simplify(expr).subs(subs)))`` (functions of k, radicals of the eigenvalues)."""
    expr = sp.sympify(expr)
    if len(subs) == 1 and _is_rational_function(expr):
        return _simplify_clifford(expr, subs)
    return sp.factor(sp.simplify(sp.simplify(expr).subs(subs)))


def _derive(model: SymbolicModel) -> tuple:
    energies, degs, projs, subs = level_projectors(model)

    def _simp(expr):
        return simplify_level_expr(expr, subs)

    v = (model.velocity(0), model.velocity(1))
    s = model.spin
    L = len(energies)
    out = {"omega": [], "g": [], "G": [], "S": [], "spin": []}
    for N in range(L):
        omega = 0
        g = [[0, 0], [0, 0]]
        G = [[0, 0], [0, 0]]
        S = [[0, 0] for _ in range(len(s))]
        for M in range(L):
            if M == N:
                continue
            de = energies[N] - energies[M]
            omega += -2 * sp.im(_tr(projs[N], v[0], projs[M], v[1])) / de**2
            for a in range(2):
                for b in range(2):
                    t = _tr(projs[N], v[a], projs[M], v[b])
                    g[a][b] += sp.re(t) / de**2
                    G[a][b] += 2 * sp.re(t) / de**3
                for eta in range(len(s)):
                    S[eta][a] += -2 * sp.im(_tr(projs[N], s[eta], projs[M], v[a])) / de**2
        out["omega"].append(_simp(omega))
        out["g"].append(tuple(tuple(_simp(x) for x in row) for row in g))
        out["G"].append(tuple(tuple(_simp(x) for x in row) for row in G))
        out["S"].append(tuple(tuple(_simp(x) for x in row) for row in S))
        out["spin"].append(tuple(_simp(sp.re(sp.expand((projs[N] * s[eta]).trace()))) for eta in range(len(s))))
    return (tuple(_simp(e) for e in energies), tuple(sp.Integer(d) for d in degs),
            tuple(out["omega"]), tuple(out["g"]), tuple(out["G"]), tuple(out["S"]), tuple(out["spin"]))


def derive_geometry(model: SymbolicModel, timeout: float | None = None, progress=None) -> SymbolicGeometry:
    """:func:`derive_geometry_cached` (below), optionally under a time limit ``timeout`` (seconds):
    a derivation not on disk then runs in a spawned child process
    (:func:`symenh.geometry.timelimit.call_with_timeout`) and a derivation that does not finish in
    time raises :class:`~symenh.geometry.timelimit.GeometryTimeout` (one line; the numeric kernel
    :func:`symenh.kernels.numeric.numeric_kernel` needs no derivation).  ``progress``: None, True
    (stderr) or a callable taking one string (checked even when unused: one line otherwise)."""
    from .timelimit import reporter
    say = reporter(progress)
    if timeout is None:
        return derive_geometry_cached(model)
    say(f"deriving the closed-form geometry of {model.name} (time limit {timeout:g} s)")
    geo = _derive_limited(model, float(timeout))
    say(f"closed-form geometry of {model.name} ready")
    return geo


_LIMITED: dict = {}


def _derive_limited(model: SymbolicModel, timeout: float) -> SymbolicGeometry:
    if model in _LIMITED:
        return _LIMITED[model]
    from .timelimit import call_with_timeout

    key = cache.make_key("geometry", inspect.getsource(sys.modules[__name__]), model.source())
    e, d, om, g, G, S, spin = cache.cached_exprs(
        key, lambda: call_with_timeout(_derive, (model,), timeout,
                                       what=f"the closed-form geometry of {model.name}"))
    geo = SymbolicGeometry(model=model, energy=e, degeneracy=tuple(int(x) for x in d),
                           berry_curvature=om, quantum_metric=g, bcp=G, sbp=S, spin=spin)
    if len(_LIMITED) > 32:
        _LIMITED.clear()
    _LIMITED[model] = geo
    return geo


@lru_cache(maxsize=32)
def derive_geometry_cached(model: SymbolicModel) -> SymbolicGeometry:
    """Derive (or load from the on-disk cache) the closed-form geometry of ``model``.

    Returns a :class:`SymbolicGeometry`: per level (ascending), energy (eV), Berry
    curvature Omega (nm^2, paper Eq. 6), quantum metric g (nm^2), BCP G (nm^2/eV, the
    Gao-Yang-Niu polarizability of the INH, Eq. 2), SBP S (nm/eV, paper Eq. 5) and
    spin <s^eta> (dimensionless), as SymPy expressions in k_x, k_y (1/nm) and the
    model's parameters (eV, eV nm).  The disk-cache key hashes this whole module's
    source, the model's source and the symenh version (:mod:`symenh.cache`).
    """
    key = cache.make_key("geometry", inspect.getsource(sys.modules[__name__]), model.source())
    e, d, om, g, G, S, spin = cache.cached_exprs(key, lambda: _derive(model))
    return SymbolicGeometry(model=model, energy=e, degeneracy=tuple(int(x) for x in d),
                            berry_curvature=om, quantum_metric=g, bcp=G, sbp=S, spin=spin)


def _eigen_columns(model: SymbolicModel) -> tuple:
    """Unnormalised eigenvectors as (energy, column c, |c|^2) per band, in the positive
    symbol ``E`` for Clifford models (so conjugation acts on polynomials), plus ``subs``.

    Columns of the level projector P, Gram-Schmidt-orthogonalised; for a Hermitian
    projector |P e_j - sum_u u u^+ P e_j|^2 = P_jj - sum_u |u_j|^2, which gives the
    norms without simplifying square roots.  The norms are real and non-negative by
    construction, so 1/sqrt(|c|^2) is never conjugated.
    """
    energies, degs, projs, subs = level_projectors(model)
    out = []
    for e, d, p in zip(energies, degs, projs):
        cols = []
        for j in range(model.dim):
            col = p[:, j]
            norm2 = p[j, j]
            for c, n2 in cols:
                col = col - c * (c.H * col)[0] / n2
                norm2 = norm2 - c[j] * sp.conjugate(c[j]) / n2
            norm2 = sp.factor(sp.simplify(norm2))
            if norm2 == 0:
                continue
            cols.append((col.applyfunc(sp.simplify), norm2))
            if len(cols) == d:
                break
        out.extend((e, c, n2) for c, n2 in cols)
    return tuple(out), subs


def eigenvectors(model: SymbolicModel) -> tuple:
    """Closed-form orthonormal eigenvectors, one list per level (a gauge choice).

    Built as the normalised, Gram-Schmidt-orthogonalised non-zero columns of the
    level projectors.  Returns ((energy in eV, [normalised, dimensionless column vectors]), ...).
    """
    bands, subs = _eigen_columns(model)
    out = {}
    for e, c, n2 in bands:
        vec = (c / sp.sqrt(n2)).applyfunc(lambda x: sp.simplify(sp.simplify(x).subs(subs)))
        out.setdefault(e, []).append(vec)
    return tuple((sp.simplify(e.subs(subs)), vecs) for e, vecs in out.items())


def interband_elements(model: SymbolicModel) -> dict:
    """Interband Berry connection r^a_nm = i v^a_nm/(eps_m - eps_n) and spin s^eta_nm.

    Band index runs over the eigenvectors of :func:`eigenvectors` (levels
    flattened).  Returns {"r": [a][n][m], "s": [eta][n][m]} with r in nm
    (None where eps_n = eps_m) and s dimensionless.  Gauge dependent: use for
    display; gauge-invariant combinations are in :func:`derive_geometry`.
    """
    bands, subs = _eigen_columns(model)
    v = (model.velocity(0), model.velocity(1))
    n = len(bands)

    def element(i, j, op):
        (_, ci, ni), (_, cj, nj) = bands[i], bands[j]
        x = sp.simplify((ci.H * op * cj)[0] / (sp.sqrt(ni) * sp.sqrt(nj)))
        return sp.simplify(x.subs(subs))

    r = [[[None] * n for _ in range(n)] for _ in range(2)]
    s = [[[None] * n for _ in range(n)] for _ in range(4)]
    for i in range(n):
        for j in range(n):
            for eta in range(4):
                s[eta][i][j] = element(i, j, model.spin[eta])
            de = sp.simplify(bands[j][0] - bands[i][0])
            if de != 0:
                for a in range(2):
                    r[a][i][j] = sp.simplify(sp.I * element(i, j, v[a]) / de.subs(subs))
    return {"r": r, "s": s, "energies": [sp.simplify(b[0].subs(subs)) for b in bands]}


derive_geometry.cache_clear = derive_geometry_cached.cache_clear   # the process memo of the plain call
