"""Eq. 5 of the paper: the spin-Berry polarizability (SBP) and the Berry
connection polarizability (BCP) as first-order shifts of the Berry connection.

Run:  python derivations/eq5_berry_connection_shift.py

What is derived (general N-band statement, then exact two-band checks)
-----------------------------------------------------------------------
Add a k-local perturbation H' to H(k) with eigenstates |n>, energies eps_n.
First-order perturbation theory (non-degenerate n):

    |n'> = |n> + sum_{m != n} c_m |m>,      c_m = H'_mn / (eps_n - eps_m) = H'_mn / eps_nm.

With A^a_n = i <n| d_a n>  (d_a = d/dk_a) one finds, using <n|m> = 0 and
<n|d_a m> = -<d_a n|m>:

    delta A^a_n = i sum_m [ c_m <n|d_a m> + c_m^* <m|d_a n> ] = -2 Im sum_m c_m^* <m|d_a n>
                = 2 Re sum_m c_m^* r^a_mn ,            r^a_mn = i <m|d_a n>.

(the d_a c_m terms multiply <n|m> = 0, so a k-dependent H' does not spoil this).
* H' = U s^eta :   c_m^* = U s^eta_nm / eps_nm  =>  delta A^a_n = U S^{eta a}_n   (Eq. 5)
* H' = +e E.r  :   interband elements e E^b r^b_mn  =>  delta A^a_n = e E^b G^{ba}_n

Any other phase choice of the perturbed state adds a pure gradient d_a chi, so
the gauge-invariant content is the curvature: delta Omega = curl(delta A).

Exact checks (SymPy), with H = d(k).s, done in this script:
 1. Berry-curvature sign convention: Kubo  Omega_n = -2 Im sum_m v^x_nm v^y_mn / eps_nm^2
    equals curl A_n = d_x A_y - d_y A_x  and  Omega_(+/-) = -/+ d.(d_x d x d_y d) / (2|d|^3).
 2. Closed forms of S and G for two bands.
 3. For H_T(k; xi), xi = +1, -1, eta = 1, 2, 3, both bands:
    (a) exact eigenvectors of H + U s^eta obey <m|d_U n> = s_mn/eps_nm (first-order PT),
    (b) exact d_U A^a_n |_{U=0} = S^{eta a}_n - d_a chi_n   (explicit gauge term),
    (c) exact d_U Omega_n |_{U=0} = d_x S^{eta y}_n - d_y S^{eta x}_n   (gauge invariant).
 4. BCP: adding lambda * R^b (R^b = interband part of the position operator, a
    k-local Hermitian matrix) gives exactly d_lambda Omega_n = d_x G^{by}_n - d_y G^{bx}_n.
"""

from __future__ import annotations

import time

import sympy as sp

from _common import PAULI, dagger, write_markdown, zero_mod_root

T0 = time.time()
I = sp.I

kx, ky = sp.symbols("k_x k_y", real=True)
K = (kx, ky)
U, lam = sp.symbols("U lambda", real=True)
# D is a placeholder for |d(k)| (at U = 0); all expressions stay rational in D
# and identities are checked modulo D**2 = |d|**2 (see _common.zero_mod_root).
D = sp.Symbol("D", positive=True)


class TwoBand:
    """H = d(k, U).sigma with explicit (gauge-fixed) eigenvectors.

    Upper band (index 0):  w_+ = (d3 + D, d1 + i d2),   eps_+ = +D
    Lower band (index 1):  w_- = (-(d1 - i d2), d3 + D), eps_- = -D
    Both have |w|^2 = 2 D (D + d3).  Everything is rational in D.
    Derivatives use the chain rule d_x D = d_x(|d|^2) / (2 D).
    """

    def __init__(self, dvec, point=None):
        self.point = point
        self.d = [sp.sympify(x) for x in dvec]
        d1, d2, d3 = self.d
        self.D2 = sp.expand(d1**2 + d2**2 + d3**2)
        self.w = [sp.Matrix([d3 + D, d1 + I * d2]),
                  sp.Matrix([-(d1 - I * d2), d3 + D])]
        self.N2 = 2 * D * (D + d3)
        self.eps = [D, -D]
        self.H = sum((self.d[i] * PAULI[i + 1] for i in range(3)), sp.zeros(2))
        self.v = [self.H.diff(k) for k in K]

    def diff(self, expr, var):
        """Total derivative w.r.t. var, D treated as sqrt(D2)."""
        return sp.diff(expr, var) + sp.diff(expr, D) * sp.diff(self.D2, var) / (2 * D)

    def me(self, A, n, m):
        """<n|A|m> with normalised eigenvectors (both norms are N2)."""
        return sp.expand((dagger(self.w[n]) * A * self.w[m])[0]) / self.N2

    def zero(self, expr) -> bool:
        if self.point is not None:
            # evaluate at one k point *after* all k-derivatives were taken
            return zero_mod_root(sp.sympify(expr).subs(self.point), D, self.D2.subs(self.point))
        return zero_mod_root(expr, D, self.D2)

    # --- band geometry from the matrix elements (formulas of physics.md) ---
    def r(self, a, m, n):
        """Interband Berry connection r^a_mn = i v^a_mn/(eps_n - eps_m), m != n."""
        return I * self.me(self.v[a], m, n) / (self.eps[n] - self.eps[m])

    def omega_kubo(self, n):
        m = 1 - n
        z = self.me(self.v[0], n, m) * self.me(self.v[1], m, n)
        zc = self.me(self.v[0], m, n) * self.me(self.v[1], n, m)  # = conj(z)
        return -2 * (z - zc) / (2 * I) / (self.eps[n] - self.eps[m]) ** 2

    def sbp(self, S, a, n):
        """S^{eta a}_n = 2 Re s_nm r^a_mn / eps_nm (two bands: one m)."""
        m = 1 - n
        z = self.me(S, n, m) * self.r(a, m, n)
        zc = self.me(S, m, n) * (-I) * self.me(self.v[a], n, m) / (self.eps[n] - self.eps[m])
        return (z + zc) / (self.eps[n] - self.eps[m])

    def bcp(self, a, b, n):
        """G^{ab}_n = 2 Re r^a_nm r^b_mn / eps_nm."""
        m = 1 - n
        z = self.r(a, n, m) * self.r(b, m, n)
        zc = self.r(a, m, n) * self.r(b, n, m)
        return (z + zc) / (self.eps[n] - self.eps[m])

    def berry_connection(self, a, n):
        """A^a_n = i u^dag d_a u with u = w / N:  i w^dag d_a w / N2 - (i/2) d_a N2 / N2."""
        w = self.w[n]
        dw = w.applyfunc(lambda x: self.diff(x, K[a]))
        return I * sp.expand((dagger(w) * dw)[0]) / self.N2 - I * self.diff(self.N2, K[a]) / (2 * self.N2)


def triple(d, p, q):
    return sp.Matrix(d).dot(sp.Matrix(p).cross(sp.Matrix(q)))


def omega_closed(d, dx, dy, n, Dn):
    """Omega_(+/-) = -/+ d.(d_x d x d_y d) / (2 |d|^3)  (n = 0 upper, 1 lower)."""
    sign = -1 if n == 0 else 1
    return sign * triple(d, dx, dy) / (2 * Dn**3)


def delta_omega_closed(tb: TwoBand, pert, n):
    """First-order change of the closed-form curvature when d -> d + lambda*pert(k).

    Omega_(+/-) = -/+ T/(2|d|^3), T = d.(d_x d x d_y d); to first order in lambda
    delta T = pert.(d_x d x d_y d) + d.(d_x pert x d_y d) + d.(d_x d x d_y pert),
    delta |d|^-3 = -3 (d.pert) |d|^-5.
    """
    sign = -1 if n == 0 else 1
    d = tb.d
    dx = [tb.diff(x, kx) for x in d]
    dy = [tb.diff(x, ky) for x in d]
    px = [tb.diff(x, kx) for x in pert]
    py = [tb.diff(x, ky) for x in pert]
    T = triple(d, dx, dy)
    dT = triple(pert, dx, dy) + triple(d, px, dy) + triple(d, dx, py)
    dpert = sum(d[i] * pert[i] for i in range(3))
    return sign * (dT / (2 * D**3) - 3 * dpert * T / (2 * D**5))


report = []
checks = []


def ok(msg):
    checks.append(msg)
    print("  ✔", msg)


# ===========================================================================
# 1. Sign convention of the Berry curvature, generic linear d(k)
# ===========================================================================
print("1. Berry curvature conventions (generic d(k) = a k_x + b k_y + c)")
a_ = sp.symbols("a1:4", real=True)
b_ = sp.symbols("b1:4", real=True)
c_ = sp.symbols("c1:4", real=True)
# At k = 0 the generic linear d has d = c, d_x d = a, d_y d = b: arbitrary values,
# so checking the pointwise identities there (after differentiating) is fully general.
gen = TwoBand([a_[i] * kx + b_[i] * ky + c_[i] for i in range(3)], point={kx: 0, ky: 0})
gdx = [gen.diff(x, kx) for x in gen.d]
gdy = [gen.diff(x, ky) for x in gen.d]
for n, name in ((0, "upper"), (1, "lower")):
    Om = gen.omega_kubo(n)
    assert gen.zero(Om - omega_closed(gen.d, gdx, gdy, n, D)), name
    # negative control: the opposite sign must fail
    assert not gen.zero(Om + omega_closed(gen.d, gdx, gdy, n, D))
    curlA = gen.diff(gen.berry_connection(1, n), kx) - gen.diff(gen.berry_connection(0, n), ky)
    assert gen.zero(Om - curlA), name
ok("Kubo Omega_n = -2 Im sum v^x_nm v^y_mn/eps_nm^2 = d_x A^y_n - d_y A^x_n with A = i<n|d n>")
ok("upper band: Omega_+ = -d.(d_x d x d_y d)/(2|d|^3); lower band: Omega_- = +d.(...)/(2|d|^3)")
# The Kubo formula at a point depends only on d, d_x d, d_y d there, so the generic
# *linear* d covers every smooth d(k) pointwise.

# closed forms of S and G for two bands (generic d)
e_vecs = [sp.Matrix([1, 0, 0]), sp.Matrix([0, 1, 0]), sp.Matrix([0, 0, 1])]
for n in (0, 1):
    sign = -1 if n == 0 else 1
    for eta in (1, 2, 3):
        for a in (0, 1):
            da = gdx if a == 0 else gdy
            closed = sign * sp.Matrix(gen.d).dot(e_vecs[eta - 1].cross(sp.Matrix(da))) / (2 * D**3)
            assert gen.zero(gen.sbp(PAULI[eta], a, n) - closed)
        assert gen.zero(gen.sbp(PAULI[0], 0, n)) and gen.zero(gen.sbp(PAULI[0], 1, n))
    for a in (0, 1):
        for b in (0, 1):
            va = sp.Matrix(gdx if a == 0 else gdy)
            vb = sp.Matrix(gdx if b == 0 else gdy)
            dv = sp.Matrix(gen.d)
            closed = -sign * (va.dot(vb) * D**2 - dv.dot(va) * dv.dot(vb)) / (4 * D**5)
            assert gen.zero(gen.bcp(a, b, n) - closed)
ok("S^{eta a}_(+/-) = -/+ d.(e_eta x d_a d)/(2|d|^3);  S^{0a} = 0")
ok("G^{ab}_(+/-) = +/- [d_a d.d_b d - (dhat.d_a d)(dhat.d_b d)]/(4|d|^3)  (so S_+ + S_- = 0, G_+ + G_- = 0)")
print(f"   ({time.time() - T0:.1f} s)")

# ===========================================================================
# 2. H_T(k; xi) + U s^eta: explicit first-order perturbation theory
# ===========================================================================
print("2. H_T(k; xi) + U s^eta, eta = 1,2,3, both bands, both valleys")
vx, vy, Delta = sp.symbols("v_x v_y Delta", positive=True)  # v_x means hbar*v_x
for xi in (1, -1):
    # H_T = v_x k_x s_y - xi v_y k_y s_x + Delta s_z (the tilt only shifts energies)
    d0 = [-xi * vy * ky, vx * kx, Delta]
    tb0 = TwoBand(d0)
    for n in (0, 1):
        Om = tb0.omega_kubo(n)
        sign = -1 if n == 0 else 1
        assert tb0.zero(Om - sign * xi * Delta * vx * vy / (2 * D**3))
    for eta in (1, 2, 3):
        dU = [d0[i] + (U if i == eta - 1 else 0) for i in range(3)]
        tbU = TwoBand(dU)

        def at0(expr):
            return expr.subs(U, 0)

        def dU_(expr):
            return tbU.diff(expr, U)

        for n in (0, 1):
            m = 1 - n
            S = [at0(tbU.sbp(PAULI[eta], a, n)) for a in (0, 1)]
            # (a) first-order PT of the eigenvector: <m| d_U n> = s_mn / eps_nm
            dw = tbU.w[n].applyfunc(dU_)
            amp = at0(sp.expand((dagger(tbU.w[m]) * dw)[0]) / tbU.N2)
            s_mn = at0(tbU.me(PAULI[eta], m, n))
            assert tb0.zero(amp - s_mn / (tbU.eps[n] - tbU.eps[m]))
            # gauge phase: chi_n = -i <n| d_U n>  (real; the normalisation part drops out)
            chi = at0(-I * (sp.expand((dagger(tbU.w[n]) * dw)[0]) / tbU.N2
                            - dU_(tbU.N2) / (2 * tbU.N2)))
            assert tb0.zero(sp.expand(chi - sp.conjugate(chi)))
            # (b) exact d_U A^a_n at U = 0  =  S^{eta a}_n - d_a chi_n
            for a in (0, 1):
                dA = at0(dU_(tbU.berry_connection(a, n)))
                assert tb0.zero(dA - (S[a] - tb0.diff(chi, K[a]))), (xi, eta, n, a)
            # (c) gauge invariant: exact d_U Omega_n = d_x S^y - d_y S^x
            dOm = delta_omega_closed(tb0, e_vecs[eta - 1], n)
            curlS = tb0.diff(S[1], kx) - tb0.diff(S[0], ky)
            assert tb0.zero(dOm - curlS), (xi, eta, n)
    print(f"   xi = {xi:+d} done ({time.time() - T0:.1f} s)")
ok("H_T: Omega_(+/-) = -/+ xi Delta v_x v_y / (2 E^3), E = sqrt(v_x^2k_x^2 + v_y^2k_y^2 + Delta^2)")
ok("exact eigenvectors of H_T + U s^eta: <m|d_U n>|_0 = s^eta_mn/eps_nm (first-order PT)")
ok("exact d_U A^a_n|_0 = S^{eta a}_n - d_a chi_n, chi_n = -i<n|d_U n> (pure gauge term)")
ok("exact d_U Omega_n|_0 = d_x S^{eta y}_n - d_y S^{eta x}_n  (eta = 1,2,3; xi = +-1; both bands)")

# ===========================================================================
# 3. BCP: the interband position operator as a k-local perturbation
# ===========================================================================
print("3. BCP from H' = +e E.r (interband part)")
xi = 1
d0 = [-xi * vy * ky, vx * kx, Delta]
tb0 = TwoBand(d0)
u = [tb0.w[0], tb0.w[1]]
for b in (0, 1):
    # R^b = sum_{m != n} |m> r^b_mn <n|   (gauge covariant => gauge-invariant operator)
    R = sp.zeros(2)
    for n in (0, 1):
        m = 1 - n
        R += u[m] * tb0.r(b, m, n) * dagger(u[n]) / tb0.N2
    R = R.applyfunc(sp.expand)
    # same operator from projectors: R^b = i sum_n (1 - P_n)(d_b P_n) P_n,  P_(+/-) = (1 +/- dhat.s)/2
    Hhat = tb0.H / D
    P = [(sp.eye(2) + Hhat) / 2, (sp.eye(2) - Hhat) / 2]
    Rproj = sp.zeros(2)
    for n in (0, 1):
        dP = P[n].applyfunc(lambda x: tb0.diff(x, K[b]))
        Rproj += I * (sp.eye(2) - P[n]) * dP * P[n]
    assert all(tb0.zero(x) for x in (R - Rproj))
    # R^b is Hermitian and traceless: R^b = rho^b . s
    rho = [sp.expand((R * PAULI[i + 1]).trace() / 2) for i in range(3)]
    assert all(tb0.zero(x - sp.conjugate(x)) for x in rho)
    for n in (0, 1):
        # PT amplitude for H' = lambda R^b: c_m = lambda R^b_mn/eps_nm = lambda r^b_mn/eps_nm
        m = 1 - n
        assert tb0.zero(tb0.me(R, m, n) - tb0.r(b, m, n))
        G = [tb0.bcp(b, a, n) for a in (0, 1)]     # G^{ba}_n
        # 2 Re sum_m (R^b_mn)^* r^a_mn / eps_nm  ==  G^{ba}_n
        for a in (0, 1):
            z = tb0.me(R, n, m) * tb0.r(a, m, n) + tb0.me(R, m, n) * tb0.r(a, n, m)
            assert tb0.zero(z / (tb0.eps[n] - tb0.eps[m]) - G[a])
        # exact curvature change of d -> d + lambda rho^b  equals curl of G^{b.}
        dOm = delta_omega_closed(tb0, rho, n)
        curlG = tb0.diff(G[1], kx) - tb0.diff(G[0], ky)
        assert tb0.zero(dOm - curlG), (b, n)
ok("R^b = sum_{m!=n}|m> r^b_mn <n| = i sum_n (1-P_n)(d_b P_n)P_n is gauge invariant and Hermitian")
ok("H' = lambda R^b: exact d_lambda Omega_n = d_x G^{by}_n - d_y G^{bx}_n, i.e. delta A^a = lambda G^{ba}")
ok("hence H' = +e E.r  =>  delta A^a_n = +e E^b G^{ba}_n  (H' = -e E.r would give -e E^b G^{ba}_n)")
print(f"   ({time.time() - T0:.1f} s)")

# ===========================================================================
# Markdown
# ===========================================================================
body = r"""
## Statement

Add a $k$-local perturbation $H'$ to $H(\mathbf k)$ (eigenstates $|n\rangle$, energies
$\epsilon_n$, $\epsilon_{nm}=\epsilon_n-\epsilon_m$). First-order perturbation theory gives

$$|n'\rangle = |n\rangle + \sum_{m\neq n} c_m |m\rangle,\qquad c_m=\frac{H'_{mn}}{\epsilon_{nm}},$$

and with $\mathcal A^a_n=i\langle n|\partial_a n\rangle$, $r^a_{mn}=i\langle m|\partial_a n\rangle
= i v^a_{mn}/(\epsilon_n-\epsilon_m)$:

$$\delta\mathcal A^a_n = i\sum_m\left[c_m\langle n|\partial_a m\rangle + c_m^*\langle m|\partial_a n\rangle\right]
= 2\,\mathrm{Re}\sum_{m\neq n} c_m^*\, r^a_{mn}\quad(+\ \partial_a\chi\ \text{for another phase choice}).$$

* $H' = U\hat s^\eta$: $\delta\mathcal A^a_n = U\,\mathcal S^{\eta a}_n$,
  $\mathcal S^{\eta a}_n = 2\,\mathrm{Re}\sum_{m\neq n} s^\eta_{nm} r^a_{mn}/\epsilon_{nm}$ (Eq. 5).
* $H' = +e\mathbf E\cdot\hat{\mathbf r}$ (interband elements $eE^b r^b_{mn}$):
  $\delta\mathcal A^a_n = +eE^b G^{ba}_n$, $G^{ba}_n = 2\,\mathrm{Re}\sum_{m\neq n} r^b_{nm} r^a_{mn}/\epsilon_{nm}$.
  With $H' = -e\mathbf E\cdot\hat{\mathbf r}$ the sign flips. The intraband part of
  $e\mathbf E\cdot\hat{\mathbf r}$ only drives $\dot{\mathbf k}$ and does not mix bands.

## Checks (two bands, $H=\mathbf d(\mathbf k)\cdot\boldsymbol\sigma$)

* ✔ Convention: $\Omega_n=-2\,\mathrm{Im}\sum_m v^x_{nm}v^y_{mn}/\epsilon_{nm}^2
  = \partial_x\mathcal A^y_n-\partial_y\mathcal A^x_n$ and
  $\Omega_\pm = \mp\dfrac{\mathbf d\cdot(\partial_x\mathbf d\times\partial_y\mathbf d)}{2|\mathbf d|^3}$
  (**upper band: minus sign**, lower band: plus sign); checked for a generic linear $\mathbf d(\mathbf k)$.
* ✔ $\mathcal S^{\eta a}_\pm = \mp\dfrac{\mathbf d\cdot(\hat e_\eta\times\partial_a\mathbf d)}{2|\mathbf d|^3}$,
  $\mathcal S^{0a}=0$;
  $G^{ab}_\pm=\pm\dfrac{\partial_a\mathbf d\cdot\partial_b\mathbf d-(\hat{\mathbf d}\cdot\partial_a\mathbf d)(\hat{\mathbf d}\cdot\partial_b\mathbf d)}{4|\mathbf d|^3}$.
* ✔ $H_T(\mathbf k;\xi)=\hbar v_xk_xs_y-\xi\hbar v_yk_ys_x+\Delta s_z$:
  $\Omega_\pm=\mp\,\xi\,\Delta\,\hbar^2v_xv_y/(2E^3)$.
* ✔ For $H_T+U s^\eta$ ($\eta=1,2,3$, $\xi=\pm1$, both bands), with exact eigenvectors in a fixed gauge:
  $\langle m|\partial_U n\rangle|_0 = s^\eta_{mn}/\epsilon_{nm}$;
  $\partial_U\mathcal A^a_n|_0=\mathcal S^{\eta a}_n-\partial_a\chi_n$ with $\chi_n=-i\langle n|\partial_U n\rangle$;
  $\partial_U\Omega_n|_0=\partial_x\mathcal S^{\eta y}_n-\partial_y\mathcal S^{\eta x}_n$ (gauge invariant).
* ✔ BCP: the interband position operator $R^b=\sum_{m\ne n}|m\rangle r^b_{mn}\langle n|
  = i\sum_n(1-P_n)(\partial_bP_n)P_n$ is a gauge-invariant Hermitian matrix; adding $\lambda R^b$
  to $H$ changes the exact curvature by $\partial_x G^{by}_n-\partial_y G^{bx}_n$ per unit $\lambda$.
"""
write_markdown("eq5_berry_connection_shift", "Eq. 5: SBP and BCP as Berry-connection shifts", body)
print(f"\n{len(checks)} groups of exact checks passed in {time.time() - T0:.1f} s.")
print("Result: delta A^a_n = U S^{eta a}_n + e E^b G^{ba}_n for H' = U s^eta + e E.r (plus pure gauge);")
print("        Omega_upper = -d.(d_x d x d_y d)/(2|d|^3) for Omega_n = -2 Im sum v^x_nm v^y_mn/eps_nm^2.")
