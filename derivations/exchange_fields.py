"""Exchange fields of a q-dependent interaction and the complete Fock exchange (physics.md 6).

Run:  python derivations/exchange_fields.py

Derives, each step asserted exactly with SymPy:

1. The exchange potential of Eq. 3 in terms of the fields W (Fermi sea) and Y (Fermi surface),
   for any channel operators Gamma_i of weight w_i, with the convention sign:
       U^i_k = s e E^b W^{ib}(k) + s (e tau/hbar) E^b Y^{ib}(k),  s = -sgn
   (sgn = +1: H' = +e E.r, the consistent convention; the printed Eq. 2 is sgn = -1), and
   Eq. 8 with this U gives sigma = s sum_i w_i int (d_c f) S^{ia} [W^{ib} + (tau/hbar) Y^{ib}] - (c<->a).
   Checked on a discrete toy (2 k points, 3 bands, 2 channels, every quantity a symbol).
2. Completeness: for an orthonormal Hermitian basis (N = 2: s/sqrt2; N = 4: tau_i (x) s^nu / 2)
   sum_i Gamma_i (x) Gamma_i is the swap; for N = 2 it is (1/2) sum_eta s^eta (x) s^eta
   (fock = printed / 2 exactly); for N = 4 the tau_0 (x) s^eta / 2 group is a quarter of the
   printed spin channels.
3. Linear order in the tilt: d/dalpha int d^2k (d_c f) g = int d^2k tau delta(mu - eps0) d_c g
   (f = theta(mu - eps0 - alpha tau)), checked exactly for a circular Fermi surface.
4. The q_s -> infinity limit of the screened Coulomb interaction V = V_c/(1 + q/q_s),
   V_c = e^2/(2 eps_0 eps_r q_s): a compact (Fermi-surface) double integral deviates from
   V_c times its contact value by -<q>/q_s; a Fermi-sea integral whose integrand falls as
   M/k^3 (angular mean) and P(theta)/k^2 (p-wave) picks up log(q_s)/q_s.
5. Temperature: the line integral of |q| across two parallel curves at distance d is
   analytic + d^2 log d, so a Fermi-smeared pair integral with a cusped V carries T^2 log T;
   <(x - x')^2> = 2 pi^2/3 for two independent -f' distributions.
"""

from __future__ import annotations

import time

import sympy as sp

from _common import (PAULI, assert_zero, integral_to_infinity, kron, simplifies_to_zero, trig_period_integral,
                     write_markdown)

T0 = time.time()
checks = []


def ok(msg):
    checks.append(msg)
    print("  ✔", msg)


def herm(name, N):
    M = sp.zeros(N)
    for i in range(N):
        M[i, i] = sp.Symbol(f"{name}_{i}{i}", real=True)
        for j in range(i + 1, N):
            a, b = sp.symbols(f"{name}R_{i}{j} {name}I_{i}{j}", real=True)
            M[i, j] = a + sp.I * b
            M[j, i] = a - sp.I * b
    return M


# ---------------------------------------------------------------------------
# 1. U in terms of W and Y, and sigma from Eq. 8 (discrete toy)
# ---------------------------------------------------------------------------
print("1. exchange potential and conductivity in terms of W and Y (discrete toy)")
sgn = sp.Symbol("sgn")
e, tau, hbar = sp.symbols("e tau hbar", positive=True)
E = sp.symbols("E_x E_y", real=True)
NK, NB, NCH = 2, 3, 2
eps = [[sp.Symbol(f"eps{p}_{n}", real=True) for n in range(NB)] for p in range(NK)]
f = [[sp.Symbol(f"f{p}_{n}", real=True) for n in range(NB)] for p in range(NK)]
df = [[[sp.Symbol(f"df{p}_{n}_{c}", real=True) for c in range(2)] for n in range(NB)] for p in range(NK)]
G = [[herm(f"G{p}{i}", NB) for i in range(NCH)] for p in range(NK)]     # channel operators in the band basis
r = [[herm(f"r{p}{b}", NB) for b in range(2)] for p in range(NK)]
V = [[sp.Symbol(f"V{p}{q}", real=True) for q in range(NK)] for p in range(NK)]
w = sp.symbols("w0:2", real=True)                                       # channel weights


def sbp(p, i, b, n):
    """S^{ib}_n = 2 Re sum_{m != n} Gamma_nm r^b_mn / eps_nm."""
    return sum((G[p][i][n, m] * r[p][b][m, n] + G[p][i][m, n] * r[p][b][n, m]) / (eps[p][n] - eps[p][m])
               for m in range(NB) if m != n)


def drho(p):
    M = sp.zeros(NB)
    for n in range(NB):
        for m in range(NB):
            if n == m:
                M[n, n] = sgn * (e * tau / hbar) * sum(E[b] * df[p][n][b] for b in range(2))
            else:
                M[n, m] = sgn * e * sum(E[b] * r[p][b][n, m] for b in range(2)) * (f[p][n] - f[p][m]) \
                    / (eps[p][n] - eps[p][m])
    return M


rho = [drho(p) for p in range(NK)]
for p in range(NK):
    for i in range(NCH):
        U = -sum(V[p][q] * sum(G[q][i][n, m] * rho[q][m, n] for n in range(NB) for m in range(NB))
                 for q in range(NK))
        Wf = [sum(V[p][q] * sum(f[q][n] * sbp(q, i, b, n) for n in range(NB)) for q in range(NK)) for b in range(2)]
        Yf = [sum(V[p][q] * sum(G[q][i][n, n] * df[q][n][b] for n in range(NB)) for q in range(NK)) for b in range(2)]
        s = -sgn
        closed = s * e * sum(E[b] * Wf[b] for b in range(2)) + s * (e * tau / hbar) * sum(E[b] * Yf[b] for b in range(2))
        assert_zero(U - closed, f"U at k{p}, channel {i}")
ok("Eq. 3 with Eq. 2: U^i_k = s e E^b W^{ib}(k) + s (e tau/hbar) E^b Y^{ib}(k), s = -sgn (any channels)")

# Eq. 8 with this U (fields as symbols) -> sigma of physics.md 6
Ws = [[[sp.Symbol(f"W{p}_{i}_{b}", real=True) for b in range(2)] for i in range(NCH)] for p in range(NK)]
Ys = [[[sp.Symbol(f"Y{p}_{i}_{b}", real=True) for b in range(2)] for i in range(NCH)] for p in range(NK)]
Ss = [[[[sp.Symbol(f"S{p}_{i}_{n}_{a}", real=True) for a in range(2)] for n in range(NB)] for i in range(NCH)]
      for p in range(NK)]
s = -sgn
j = []
for c in range(2):
    tot = 0
    for p in range(NK):
        for i in range(NCH):
            Ui = s * e * sum(E[b] * Ws[p][i][b] for b in range(2)) + s * e * tau / hbar * sum(E[b] * Ys[p][i][b]
                                                                                      for b in range(2))
            for n in range(NB):
                for a in range(2):
                    tot += w[i] * (e ** 2 / hbar) * E[a] * (df[p][n][c] * Ui * Ss[p][i][n][a]
                                                            - df[p][n][a] * Ui * Ss[p][i][n][c])
    j.append(sp.expand(tot))


def sigma(c, a, b, field, pref):
    out = 0
    for p in range(NK):
        for i in range(NCH):
            for n in range(NB):
                out += w[i] * (df[p][n][c] * Ss[p][i][n][a] - df[p][n][a] * Ss[p][i][n][c]) * field[p][i][b]
    return s * pref * out


for c in range(2):
    jj = sum((sigma(c, a, b, Ws, e ** 3 / hbar) + sigma(c, a, b, Ys, e ** 3 * tau / hbar ** 2)) * E[a] * E[b]
             for a in range(2) for b in range(2))
    assert_zero(j[c] - jj, f"Eq. 8 current j^{c}")
ok("Eq. 8: sigma = s (e^3/hbar) sum_i w_i int (d_c f) S^{ia} W^{ib} + s (e^3 tau/hbar^2) sum_i w_i int (d_c f) "
   "S^{ia} Y^{ib} - (c <-> a)")

# ---------------------------------------------------------------------------
# 2. completeness of the Fock channels
# ---------------------------------------------------------------------------
print("2. complete Fock exchange: orthonormal Hermitian channels")


def swap_residual(channels, N):
    res = sp.zeros(N * N)
    for Gm in channels:
        res += kron(Gm, Gm)
    # swap as a 4-index object (ab)(cd) -> delta_ad delta_bc, written as an N^2 x N^2 matrix
    SW = sp.zeros(N * N)
    for a in range(N):
        for b in range(N):
            SW[a * N + b, b * N + a] = 1
    return res, SW


two = [P / sp.sqrt(2) for P in PAULI]
res, SW = swap_residual(two, 2)
# kron(G, G)[aN + c, bN + d] = G_ab G_cd; the swap delta_ad delta_bc in that layout
target = sp.zeros(4)
for a in range(2):
    for b in range(2):
        for c in range(2):
            for d in range(2):
                target[a * 2 + c, b * 2 + d] = 1 if (a == d and b == c) else 0
assert_zero(res - target, "two-band completeness")
assert_zero(res - sum((kron(P, P) for P in PAULI), sp.zeros(4)) / 2, "two-band: fock = printed / 2")
ok("N = 2: sum_i Gamma_i (x) Gamma_i = swap with Gamma = s^eta/sqrt2; it equals (1/2) sum_eta s^eta (x) s^eta")
four = [kron(A, B) / 2 for A in PAULI for B in PAULI]
for i, A in enumerate(four):
    for k, B in enumerate(four):
        assert simplifies_to_zero((A * B).trace() - (1 if i == k else 0))
res4 = sum((kron(Gm, Gm) for Gm in four), sp.zeros(16))
target4 = sp.zeros(16)
for a in range(4):
    for b in range(4):
        for c in range(4):
            for d in range(4):
                target4[a * 4 + c, b * 4 + d] = 1 if (a == d and b == c) else 0
assert_zero(res4 - target4, "four-band completeness")
tau0 = sum((kron(Gm, Gm) for Gm in four[:4]), sp.zeros(16))
printed4 = sum((kron(kron(PAULI[0], P), kron(PAULI[0], P)) for P in PAULI), sp.zeros(16))
assert_zero(tau0 - printed4 / 4, "four-band: tau_0 group = printed / 4")
ok("N = 4: tau_i (x) s^nu / 2 are orthonormal and complete; the tau_0 (x) s^eta/2 group = printed s^eta / 4")

# ---------------------------------------------------------------------------
# 3. the linear-order identity d/dalpha int (d_c f) g = int tau delta d_c g
# ---------------------------------------------------------------------------
print("3. linear order in the tilt (circular Fermi surface, eps0 = k^2/2, tau = k_y)")
kx, ky, al, mu = sp.symbols("k_x k_y alpha mu", real=True)
rr, th = sp.symbols("r theta", positive=True)
g = kx ** 3 * ky + 2 * kx * ky ** 2 + ky ** 3          # a test function
for c, kc in ((0, kx), (1, ky)):
    # LHS: int (d_c f) g = -int_{eps < mu} d_c g over the tilted disc k_x^2 + (k_y + alpha)^2 < 2 mu + alpha^2
    R2 = 2 * mu + al ** 2
    integrand = (-sp.diff(g, kc)).subs({kx: rr * sp.cos(th), ky: rr * sp.sin(th) - al}) * rr
    lhs = sp.integrate(trig_period_integral(sp.expand(integrand), th), (rr, 0, sp.sqrt(R2)))
    dlhs = sp.simplify(sp.diff(lhs, al).subs(al, 0))
    # RHS: oint over |k| = sqrt(2 mu): delta(mu - eps0) d^2k = dtheta (|grad eps0| = k, k dk dtheta)
    k0 = sp.sqrt(2 * mu)
    rhs = trig_period_integral(sp.expand((ky * sp.diff(g, kc)).subs({kx: k0 * sp.cos(th), ky: k0 * sp.sin(th)})), th)
    assert_zero(sp.simplify(dlhs - rhs), f"linear-order identity, c = {c}")
ok("d/dalpha int d^2k (d_c f) g = int d^2k tau delta(mu - eps0) d_c g  (exact, both c)")

# ---------------------------------------------------------------------------
# 4. q_s -> infinity
# ---------------------------------------------------------------------------
print("4. screened Coulomb at large q_s")
q, qs, k0s, Vc = sp.symbols("q q_s k_0 V_c", positive=True)
Vsc = Vc / (1 + q / qs)
ser = sp.series(Vsc, qs, sp.oo, 3).removeO()
assert_zero(sp.expand(ser - (Vc - Vc * q / qs + Vc * q ** 2 / qs ** 2)), "expansion in 1/q_s")
ok("V = V_c (1 - q/q_s + q^2/q_s^2 - ...): a compact double integral deviates by -V_c <q>/q_s")
kk = sp.Symbol("k", positive=True)
tail = integral_to_infinity(kk * kk ** -3 * (Vsc.subs(q, kk) - Vc), kk, k0s)   # the sea tail with S ~ M/k^3
tail_exact = -Vc * sp.log(1 + qs / k0s) / qs
assert_zero(sp.simplify(tail - tail_exact), "monopolar sea tail")
ok("sea tail: int_{k0}^inf k dk (M/k^3) [V(k) - V_c] = -V_c M log(1 + q_s/k_0)/q_s  (log(q_s)/q_s)")
# p-wave part P(theta)/k^2 with the first-order term -(k.k_hat') dV/dq: int k' dk' k'^-2 V'(k')
tail_p = integral_to_infinity(kk * kk ** -2 * sp.diff(Vsc, q).subs(q, kk), kk, k0s)
assert_zero(sp.simplify(tail_p - (-Vc / qs * sp.log(1 + qs / k0s) + Vc / (k0s + qs))), "p-wave sea tail")
ok("p-wave part: int k dk k^-2 V'(k) = -(V_c/q_s) log(1 + q_s/k_0) + V_c/(k_0 + q_s): also log(q_s)/q_s")

# ---------------------------------------------------------------------------
# 5. the T^2 log T term of a cusped V
# ---------------------------------------------------------------------------
print("5. temperature: cusp of V -> T^2 log T")
d, L = sp.symbols("d L", positive=True)
analytic = L * sp.sqrt(L ** 2 + d ** 2) + d ** 2 * sp.log(L + sp.sqrt(L ** 2 + d ** 2))   # analytic in d at d = 0
line = analytic - d ** 2 * sp.log(d)                                      # int_{-L}^{L} sqrt(d^2 + u^2) du
assert_zero(sp.simplify(sp.diff(line, L) - 2 * sp.sqrt(d ** 2 + L ** 2)), "derivative in L")
assert_zero(sp.simplify(line.subs(L, 0)), "vanishes at L = 0")
assert sp.series(analytic, d, 0, 6).removeO().has(sp.log(d)) is False
ok("int_{-L}^{L} sqrt(d^2 + u^2) du = [L sqrt(L^2 + d^2) + d^2 log(L + sqrt(L^2 + d^2))] - d^2 log d")
x = sp.Symbol("x", positive=True)
nn = sp.Symbol("n", integer=True, positive=True)
# -f'(x) = e^{-|x|}/(1 + e^{-|x|})^2 = sum_n (-1)^(n+1) n e^{-n|x|}; even in x
term = sp.integrate(x ** 2 * nn * sp.exp(-nn * x), (x, 0, sp.oo))          # = 2/n^2
m2 = 2 * sp.summation((-1) ** (nn + 1) * term, (nn, 1, sp.oo))
assert_zero(m2 - sp.pi ** 2 / 3, "second moment of -f'")
ok("<x^2> = pi^2/3 for -f'; <(x - x')^2> = 2 pi^2/3 for two independent shells: a T^2 log T term")

body = r"""
## 1. Exchange potential and conductivities in terms of the fields (✔)

Eq. 3 with channel operators $\Gamma_i$ (weights $w_i$) and Eq. 2 with the convention sign
$\mathrm{sgn}$ ($+1$: $H'=+e\mathbf E\cdot\hat{\mathbf r}$, the consistent convention; $-1$: Eq. 2 as printed):
$$U^i_{\mathbf k}(\mathbf E)=s\,eE^b\,W^{ib}(\mathbf k)+s\,\frac{e\tau}{\hbar}E^b\,Y^{ib}(\mathbf k),\qquad s=-\mathrm{sgn},$$
$$W^{ib}(\mathbf k)=\int_{\mathbf k'}V(|\mathbf k-\mathbf k'|)\sum_n f_n\mathcal S^{ib}_n(\mathbf k'),\qquad
Y^{ib}(\mathbf k)=\int_{\mathbf k'}V(|\mathbf k-\mathbf k'|)\sum_n\langle\Gamma_i\rangle_n\partial_bf_n(\mathbf k').$$
Eq. 8 then gives
$\sigma^{cab}=s\frac{e^3}{\hbar}\sum_iw_i\int_{\mathbf k}\sum_n(\partial_cf_n)\mathcal S^{ia}_nW^{ib}
+s\frac{e^3\tau}{\hbar^2}\sum_iw_i\int_{\mathbf k}\sum_n(\partial_cf_n)\mathcal S^{ia}_nY^{ib}-(c\leftrightarrow a)$
(discrete toy: 2 k points, 3 bands, 2 channels, every quantity symbolic).  In the consistent
convention $s=-1$ ($U=-eE\cdot(W+\tau Y/\hbar)$), in the printed one $s=+1$.

## 2. Complete Fock exchange (✔)

$\sum_i\Gamma_i\otimes\Gamma_i=$ swap for $\Gamma=s^\eta/\sqrt2$ ($N=2$) and $\Gamma=\tau_i\otimes s^\nu/2$
($N=4$).  $N=2$: it equals $\frac12\sum_\eta s^\eta\otimes s^\eta$, so `fock` = `printed`/2 exactly.
$N=4$: the $\tau_0\otimes s^\eta/2$ group is $\frac14\sum_\eta(\tau_0 s^\eta)\otimes(\tau_0 s^\eta)$.

## 3. Linear order in the tilt (✔)

With $f=\theta(\mu-\epsilon_0-\alpha\tau)$:
$\frac{d}{d\alpha}\int d^2k\,(\partial_cf)\,g=\int d^2k\,\tau\,\delta(\mu-\epsilon_0)\,\partial_cg$ (exact for a
circular Fermi surface and a polynomial $g$).  Applied to $g=\mathcal S W$ and to the fields
themselves this gives the quadrature path's identities (symenh/responses/exchange_quadrature.py).

## 4. Screened Coulomb as $q_s\to\infty$ (✔)

$V=V_c/(1+q/q_s)=V_c(1-q/q_s+\dots)$ with $V_c=e^2/(2\epsilon_0\epsilon_rq_s)$ ($=2\pi V_0$ of the
paper's contact estimate at the same $q_s$).  ENH(T) is a compact Fermi-surface double integral:
$\sigma/(V_c\,\sigma[V{=}1])-1=-\sigma[V{=}q]/(q_s\,\sigma[V{=}1])+O(q_s^{-2})$.  ENH(PT) contains the
filled sea, whose angular mean falls as $M/k^3$ and whose p-wave part as $P(\theta)/k^2$: both
give $\log(q_s)/q_s$ (✔ tails), so $\sigma/(V_c\sigma[1])-1=(a\log q_s+b)/q_s+\dots$

## 5. Temperature and the cusp of V (✔)

$\int_{-L}^{L}\sqrt{d^2+u^2}\,du=$ analytic $-\,d^2\log d+O(d^4\log d)$: two Fermi-smeared shells at
energies $E,E'$ (distance $d\propto|E-E'|$) interacting through $V'(0^+)|q|$ give
$(E-E')^2\log|E-E'|$, and $\langle(x-x')^2\rangle=2\pi^2/3$, so
$\sigma(T)=\sigma(0)+\sum_m T^{2m}(c_m+d_m\log T)$ for a cusped V (the grid path's extrapolation basis).
"""
write_markdown("exchange_fields", "Exchange fields, complete Fock exchange, large q_s and the T-series", body)
print(f"\n{len(checks)} exact checks passed in {time.time() - T0:.1f} s.")
