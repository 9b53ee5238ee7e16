"""Small shared helpers for the derivation scripts (SymPy only).

Nothing physical is decided here: only Pauli matrices, exact zero checks and
the markdown writer that every script uses for its ``docs/derivations/NAME.md``.
"""

from __future__ import annotations

import random
from pathlib import Path

import sympy as sp

# ---------------------------------------------------------------------------
# Pauli matrices s^0 .. s^3 (s^0 = identity), exact
# ---------------------------------------------------------------------------
I = sp.I
PAULI = [
    sp.Matrix([[1, 0], [0, 1]]),
    sp.Matrix([[0, 1], [1, 0]]),
    sp.Matrix([[0, -I], [I, 0]]),
    sp.Matrix([[1, 0], [0, -1]]),
]


def kron(a: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    """Kronecker product a (x) b of two sympy matrices."""
    return sp.kronecker_product(a, b)


def dagger(m: sp.Matrix) -> sp.Matrix:
    return m.conjugate().T


# ---------------------------------------------------------------------------
# Exact zero checks
# ---------------------------------------------------------------------------
_SQUARE = {}


def _is_square(p) -> bool:
    """True if the polynomial p (rational coefficients) is a square in QQ(i)(symbols): every
    irreducible factor over QQ to an even power and +-(content) a rational square.  Memoised."""
    p = sp.expand(p)
    if p not in _SQUARE:
        _SQUARE[p] = _is_square_uncached(p)
    return _SQUARE[p]


def _is_square_uncached(p) -> bool:
    c, facs = sp.factor_list(p)
    if any(j % 2 for _, j in facs):
        return False
    c = sp.Rational(c)
    return any(sp.sqrt(x).is_Rational for x in (c, -c) if x >= 0)


class _RationalForm:
    """Exact normal form of a rational expression in its symbols and ``I``.

    ``expr`` is turned into ``N / prod_j f_j^{e_j}`` with polynomials over QQ in the
    generators ``(D, I, symbols...)``; the numerator is kept reduced modulo ``I**2 + 1``
    and, when a root ``D = sqrt(D2)`` is given, modulo ``D**2 - D2`` (these two relations
    have coprime leading monomials, so the reduction is a unique normal form).  The
    denominator factors are the bases of the negative powers (made monic), combined by
    their largest exponents, so no polynomial gcd is ever computed.  ``N == 0`` then
    means ``expr == 0`` exactly.  Anything that is not a rational function of symbols
    and ``I`` (a float, sqrt, a function) raises NotImplementedError; ``pi`` is allowed and
    treated as one more indeterminate (it is transcendental, so this is exact).
    """

    def __init__(self, expr, D=None, D2=None):
        from sympy.polys.rings import ring
        extra = set() if D2 is None else sp.sympify(D2).free_symbols
        syms = sorted((expr.free_symbols | extra) - {D}, key=sp.default_sort_key)
        if expr.has(sp.pi):
            syms.append(sp.pi)   # transcendental: an independent indeterminate over QQ(symbols)
        head = [sp.I] if D is None else [D, sp.I]
        self.R, *gens = ring(head + syms, sp.QQ)
        self.gens = dict(zip(head + syms, gens))
        self.iI = head.index(sp.I)
        self.iD = None
        self.memo = {}
        if D is not None:
            d2, den = self.convert(sp.expand(D2))
            if den or any(m[self.iI] for m in d2):
                raise NotImplementedError("D2 must be a polynomial free of I")
            if _is_square(D2):
                # then D is rational and QQ(i)(x)[D]/(D^2 - D2) has zero divisors: without the gcd
                # cancellation of together() a vanishing numerator would not be conclusive
                raise NotImplementedError("D2 is a perfect square")
            self.iD = head.index(D)
            self.relD = [self.gens[D]**2 - d2]
            self.memo = {}

    def _red(self, p):
        """Normal form modulo I^2 + 1 (a sign per monomial) and D^2 - D2 (division; D2 is free of I)."""
        iI = self.iI
        if any(m[iI] > 1 for m in p):
            q = {}
            for m, c in p.items():
                j = m[iI]
                if j > 1:
                    if (j // 2) % 2:
                        c = -c
                    m = m[:iI] + (j % 2,) + m[iI + 1:]
                q[m] = q[m] + c if m in q else c
            p = self.R({m: c for m, c in q.items() if c})
        if self.iD is not None and any(m[self.iD] > 1 for m in p):
            p = p.rem(self.relD)
        return p

    def convert(self, e):
        """(numerator, {denominator factor: exponent}) of ``e``."""
        got = self.memo.get(e)
        if got is not None:
            return got
        R = self.R
        if e in self.gens:
            out = (self.gens[e], {})
        elif e.is_Rational:
            out = (R(sp.QQ(int(e.p), int(e.q))), {})
        elif e.is_Add:
            terms = [self.convert(a) for a in e.args]
            lcm = {}
            for _, den in terms:
                for f, j in den.items():
                    if lcm.get(f, 0) < j:
                        lcm[f] = j
            num = R.zero
            for n, den in terms:
                for f, j in lcm.items():
                    if j > den.get(f, 0):
                        n = self._red(n * f ** (j - den.get(f, 0)))
                num += n
            out = (num, lcm)
        elif e.is_Mul:
            num, lcm = R.one, {}
            for a in e.args:
                n, den = self.convert(a)
                num = self._red(num * n)
                for f, j in den.items():
                    lcm[f] = lcm.get(f, 0) + j
            out = (num, lcm)
        elif e.is_Pow and e.exp.is_Integer:
            n, den = self.convert(e.base)
            j = int(e.exp)
            if j > 0:
                out = (self._red(n ** j), {f: i * j for f, i in den.items()})
            else:
                j = -j
                if n == 0:
                    raise ZeroDivisionError(f"a denominator of the expression vanishes: {e.base}")
                num = R.one
                for f, i in den.items():
                    num = self._red(num * f ** (i * j))
                num = num * (1 / n.LC) ** j
                out = (num, {}) if n.is_ground else (num, {n.monic(): j})
        else:
            raise NotImplementedError(f"not rational: {type(e).__name__}")
        self.memo[e] = out
        return out


def rational_zero(expr, D=None, D2=None):
    """Exact zero test of a rational expression in its symbols and ``I`` (optionally modulo
    ``D**2 = D2``, see zero_mod_root): True / False, or None if ``expr`` is not rational."""
    try:
        form = _RationalForm(expr, D, D2)
        num, _den = form.convert(expr)
    except NotImplementedError:
        return None
    return num == 0


def is_zero(expr) -> bool:
    """True if ``expr`` is exactly 0 (matrices: every entry).

    A rational function of its symbols and ``I`` is decided by its exact polynomial
    normal form (_RationalForm); anything else by simplify."""
    if isinstance(expr, sp.MatrixBase):
        return all(is_zero(e) for e in expr)
    e = sp.sympify(expr)
    if e == 0:
        return True
    fast = rational_zero(e)
    if fast is not None:
        return fast
    e = sp.simplify(sp.expand(e))
    if e == 0:
        return True
    e = sp.simplify(sp.radsimp(sp.together(e)))
    return e == 0


def simplifies_to_zero(expr) -> bool:
    """``sp.simplify(expr) == 0`` with an exact fast path: a rational function of its symbols and
    ``I`` is decided by its polynomial normal form (_RationalForm), anything else by simplify as before."""
    fast = rational_zero(sp.sympify(expr))
    if fast is not None:
        return fast
    return sp.simplify(expr) == 0


def assert_zero(expr, what: str) -> None:
    """Assert an exact symbolic identity ``expr == 0`` and say what it was."""
    assert is_zero(expr), f"FAILED: {what}: residual = {sp.simplify(expr)}"


def assert_zero_at_points(expr, symbols, what: str, npoints: int = 4,
                          seed: int = 1, positive=()) -> None:
    """Exact check of ``expr == 0`` at random *rational* values of ``symbols``.

    Used only where a full symbolic simplification is too slow; every value is
    an exact rational, so the check is exact at those points (not floating point).
    Symbols listed in ``positive`` get positive values.
    """
    rng = random.Random(seed)
    for _ in range(npoints):
        subs = {}
        for s in symbols:
            val = sp.Rational(rng.randint(1, 9), rng.randint(1, 5))
            if s not in positive and rng.random() < 0.5:
                val = -val
            subs[s] = val
        val = sp.simplify(sp.nsimplify(sp.sympify(expr).subs(subs)))
        if isinstance(val, sp.MatrixBase):
            ok = all(sp.simplify(v) == 0 for v in val)
        else:
            ok = sp.simplify(val) == 0
        assert ok, f"FAILED at {subs}: {what}: residual = {val}"


def zero_mod_root(expr, D, D2) -> bool:
    """Exact test of ``expr == 0`` when ``expr`` is rational in a symbol ``D``
    that stands for the square root ``D = sqrt(D2)`` (D2 free of D).

    The numerator is reduced modulo ``D**2 - D2``; what is left is
    ``p0 + p1*D`` with p0, p1 free of D, and both must vanish identically.
    (For generic parameters D is irrational, so this is also necessary.)
    A rational ``expr`` (symbols, ``I``, integer powers) is reduced by _RationalForm
    without any gcd; anything else by together/expand as before.
    """
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    fast = rational_zero(expr, D, D2)
    if fast is not None:
        return fast
    num, _den = sp.fraction(sp.together(expr))
    num = sp.expand(num)
    if num == 0:
        return True
    if D not in num.free_symbols:
        return False  # a non-zero polynomial free of D
    rem = sp.Poly(num, D).rem(sp.Poly(D**2 - D2, D))
    return all(sp.expand(cf) == 0 for cf in rem.all_coeffs())


def integral_to_infinity(f, x, a):
    """Exact int_a^oo f dx by the fundamental theorem of calculus: SymPy's antiderivative F of f
    (asserted exactly: dF/dx - f == 0), F(oo) as a limit, minus F(a).  For integrands continuous
    on [a, oo) whose antiderivative has no singularity there (the caller's: rational functions
    with poles off the ray, positive symbols); cheaper than the definite sp.integrate."""
    F = sp.integrate(f, x)
    assert not F.has(sp.Integral), f"no antiderivative found for {f}"
    assert is_zero(sp.diff(F, x) - f), f"antiderivative check failed for {f}"
    top = sp.limit(F, x, sp.oo)
    assert top.is_finite, f"divergent at infinity: {f}"
    return top - F.subs(x, a)


def trig_period_integral(expr, x):
    """Exact int_0^{2 pi} expr dx of a polynomial in cos(n x), sin(n x) (integer n; other symbols
    free): with z = exp(i x), cos(n x) = (z^n + z^-n)/2, sin(n x) = (z^n - z^-n)/(2i), the integral
    is 2 pi times the z^0 coefficient of the Laurent polynomial.  Anything else raises ValueError."""
    z = sp.Dummy("z")
    expr = sp.sympify(expr)
    rep = {}
    for t in expr.atoms(sp.cos, sp.sin):
        if not t.has(x):
            continue
        n = sp.cancel(t.args[0] / x)
        if not n.is_Integer:
            raise ValueError(f"not a harmonic of {x}: {t}")
        zn = z ** int(n)
        rep[t] = (zn + 1 / zn) / 2 if t.func is sp.cos else (zn - 1 / zn) / (2 * sp.I)
    e = sp.expand(expr.xreplace(rep))
    if e.has(x):
        raise ValueError(f"not a trigonometric polynomial in {x}: {expr}")
    const = []
    for term in sp.Add.make_args(e):
        c, zpart = term.as_independent(z, as_Add=False)
        if zpart == 1:
            const.append(c)
            continue
        base, k = zpart.as_base_exp()
        if base != z or not k.is_Integer:
            raise ValueError(f"not a trigonometric polynomial in {x}: {expr}")
    return 2 * sp.pi * sp.expand(sp.Add(*const))


# ---------------------------------------------------------------------------
# Markdown output
# ---------------------------------------------------------------------------
DOCS_DIR = Path(__file__).resolve().parent.parent / "docs" / "derivations"


def write_markdown(name: str, title: str, body: str) -> Path:
    """Write ``docs/derivations/NAME.md`` (folder created if needed)."""
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    path = DOCS_DIR / f"{name}.md"
    text = f"# {title}\n\n" \
           f"_Generated by `derivations/{name}.py` (SymPy); every statement " \
           f"marked ✔ is asserted exactly in that script._\n\n" + body.strip() + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def latex(expr) -> str:
    return sp.latex(expr)
