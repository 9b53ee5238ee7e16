"""Eq. 2: which perturbation the printed density-matrix response answers to,
and what that means for the signs of ENH relative to BCD and INH.

Run:  python derivations/eq2_density_matrix_convention.py

Bookkeeping: write the field perturbation as  H' = sgn * e E.r  with e > 0 and
sgn = +1 or -1.  A carrier of charge q has potential energy -q E.r, so
sgn = +1  <=>  q = -e (electron, the text's "H' = e r.E"),
sgn = -1  <=>  q = +e.

(a) Interband, static first-order perturbation theory of rho = sum_n f(eps_n)|n><n|:
        delta rho_nm = H'_nm f_nm / eps_nm       (n != m),   delta rho_nn = f'(eps_n) H'_nn
    -- derived here for a generic 3x3 Hermitian H' with H0 = diag(e1, e2, e3), with a
    generic function f, and cross-checked exactly for a polynomial f(H).
    With H' = sgn e E.r the interband elements are sgn e E^a r^a_nm.
(b) Intraband, Boltzmann with relaxation time tau: hbar dk/dt = F = -grad_r H' = -sgn e E,
        delta f = -tau (dk/dt).grad_k f = sgn (e tau/hbar) E.grad_k f.
Printed Eq. 2:  -(e tau/hbar) E.d f  and  + e E^a r^a_nm f_mn/eps_nm = -e E^a r^a_nm f_nm/eps_nm,
so BOTH terms are the sgn = -1 response, i.e. to H' = -e E.r (a charge +e carrier).

Consequences (all derived below, in one convention, as functions of sgn):
 * U^eta (Eq. 3) is linear in delta rho, hence proportional to sgn;
 * j_H = -(e^2/hbar) sum E x Omega f is even in the carrier charge (checked for q = +-e);
 * so j_ENH (Eq. 8) is proportional to sgn: Eqs. 9, 10 as printed are the sgn = -1 result
   (eq9_eq10_from_eq2_eq3_eq8.py), the consistent sgn = +1 result is  -Eq. 9, -Eq. 10;
 * BCD: j = q sum f v with v_anom = -(q/hbar) E x Omega and delta f = -(q tau/hbar) E.d f
   gives  sigma_BCD^{cab} = -(q^3 tau/hbar^2) eps^{ca} D_b = sgn (e^3 tau/hbar^2) eps^{ca} D_b;
 * INH: delta A = sgn e E G (eq5 script) in Eq. 6 and j_H gives
   sigma_INH^{cab} = sgn (e^3/hbar) sum [G^{ba} d_c f - G^{bc} d_a f].
The BCD and INH formulas quoted by the paper are the sgn = +1 ones.
"""

from __future__ import annotations

import time

import sympy as sp

from _common import simplifies_to_zero, write_markdown

T0 = time.time()
checks = []


def ok(msg):
    checks.append(msg)
    print("  ✔", msg)


sgn = sp.Symbol("sgn")            # +1 or -1, kept symbolic
e, tau, hbar = sp.symbols("e tau hbar", positive=True)
lam = sp.Symbol("lambda", real=True)
f = sp.Function("f")

# ===========================================================================
# (a) interband: first-order static perturbation theory of rho = f(H)
# ===========================================================================
print("(a) static perturbation theory of rho = sum_n f(eps_n)|n><n|, 3 levels")
N = 3
ev = sp.symbols("epsilon1:4", real=True)
H0 = sp.diag(*ev)
# generic Hermitian perturbation
Hp = sp.zeros(N)
for i in range(N):
    Hp[i, i] = sp.Symbol(f"h{i+1}{i+1}", real=True)
    for j in range(i + 1, N):
        re_, im_ = sp.symbols(f"x{i+1}{j+1} y{i+1}{j+1}", real=True)
        Hp[i, j] = re_ + sp.I * im_
        Hp[j, i] = re_ - sp.I * im_
basis = [sp.eye(N)[:, n] for n in range(N)]
# first-order eigenvectors and eigenvalues
vecs = [basis[n] + lam * sum((Hp[m, n] / (ev[n] - ev[m]) * basis[m] for m in range(N) if m != n),
                             sp.zeros(N, 1)) for n in range(N)]
vals = [ev[n] + lam * Hp[n, n] for n in range(N)]
for n in range(N):
    resid = (H0 + lam * Hp) * vecs[n] - vals[n] * vecs[n]
    assert all(simplifies_to_zero(sp.diff(x, lam).subs(lam, 0)) for x in resid)
ok("|n'> = |n> + sum_m H'_mn/(eps_n - eps_m)|m>, eps_n' = eps_n + H'_nn solve (H0+H')|n'> = eps_n'|n'> to O(H')")
rho = sum((f(vals[n]) * vecs[n] * vecs[n].conjugate().T for n in range(N)), sp.zeros(N))
drho = rho.diff(lam).subs(lam, 0)
for n in range(N):
    for m in range(N):
        if n == m:
            target = sp.diff(f(ev[n]), ev[n]) * Hp[n, n]
        else:
            target = Hp[n, m] * (f(ev[n]) - f(ev[m])) / (ev[n] - ev[m])
        assert simplifies_to_zero(drho[n, m] - target), (n, m)
ok("delta rho_nm = H'_nm f_nm/eps_nm (n != m),  delta rho_nn = f'(eps_n) H'_nn   (generic f)")

# independent exact check: f a generic cubic polynomial, rho = f(H0 + lam H') exactly
c = sp.symbols("c0:4")
# d/dlambda (H0 + lambda H')^j at lambda = 0 = sum_{i < j} H0^i H' H0^(j-1-i) (Leibniz; the matrices do not commute)
dfH = (c[1] * Hp + c[2] * (H0 * Hp + Hp * H0) + c[3] * (H0 * H0 * Hp + H0 * Hp * H0 + Hp * H0 * H0)).applyfunc(sp.expand)
fpoly = lambda x: c[0] + c[1] * x + c[2] * x**2 + c[3] * x**3  # noqa: E731
for n in range(N):
    for m in range(N):
        if n == m:
            target = sp.diff(fpoly(ev[n]), ev[n]) * Hp[n, n]
        else:
            target = Hp[n, m] * sp.cancel((fpoly(ev[n]) - fpoly(ev[m])) / (ev[n] - ev[m]))
        assert sp.expand(dfH[n, m] - target) == 0
ok("exact cross-check with rho = f(H0 + lambda H') for a cubic f (hence any analytic f)")

# with H' = sgn e E.r the interband elements are sgn e E^a r^a_nm
Ex, Ey = sp.symbols("E_x E_y", real=True)
rx, ry = sp.symbols("r^x_nm r^y_nm")
fn, fm, en, em = sp.symbols("f_n f_m epsilon_n epsilon_m", real=True)
inter_consistent = sgn * e * (Ex * rx + Ey * ry) * (fn - fm) / (en - em)
inter_printed = e * (Ex * rx + Ey * ry) * (fm - fn) / (en - em)      # e E r_nm f_mn / eps_nm
sol_inter = sp.solve(sp.Eq(inter_consistent, inter_printed), sgn)
assert sol_inter == [-1]
ok("printed interband term  e E.r_nm f_mn/eps_nm  =  response to H' = sgn e E.r with sgn = -1")

# ===========================================================================
# (b) intraband: Boltzmann equation with relaxation time
# ===========================================================================
print("(b) Boltzmann steady state")
x, y, kx, ky = sp.symbols("x y k_x k_y", real=True)
f0 = sp.Function("f0")(kx, ky)
df = sp.Symbol("delta_f")
Hprime = sgn * e * (Ex * x + Ey * y)
F = [-sp.diff(Hprime, x), -sp.diff(Hprime, y)]        # force = -grad_r H'
kdot = [F[0] / hbar, F[1] / hbar]                     # hbar dk/dt = F
# stationary, homogeneous, linearised: kdot . grad_k f0 = -delta_f / tau
sol = sp.solve(sp.Eq(kdot[0] * sp.diff(f0, kx) + kdot[1] * sp.diff(f0, ky), -df / tau), df)[0]
assert simplifies_to_zero(sol - sgn * (e * tau / hbar) * (Ex * sp.diff(f0, kx) + Ey * sp.diff(f0, ky)))
ok("delta f = sgn (e tau/hbar) E.grad_k f  for H' = sgn e E.r  (electron, sgn=+1: +e tau/hbar)")
intra_printed = -(e * tau / hbar) * (Ex * sp.diff(f0, kx) + Ey * sp.diff(f0, ky))
sol_intra = sp.solve(sp.Eq(sol, intra_printed), sgn)
assert sol_intra == [-1]
ok("printed intraband term -(e tau/hbar) E.d f  =  response to H' = sgn e E.r with sgn = -1")
ok("=> printed Eq. 2 answers to H' = -e E.r (charge +e carrier), NOT to the text's H' = +e E.r")

# ===========================================================================
# (c) consequences for the four responses
# ===========================================================================
print("(c) consequences")
q = sp.Symbol("q", real=True)               # signed carrier charge; q = -sgn e
Om = sp.Function("Omega")(kx, ky)
fk = sp.Function("f")(kx, ky)
E = (Ex, Ey)
K = (kx, ky)


def eps2(a, b):
    return sp.LeviCivita(a, b)


# j_H even in the carrier charge: v_anom = -(q/hbar) E x Omega (from hbar dk/dt = qE,
# dr/dt = d eps/hbar dk - dk/dt x Omega), j = q f v
for qq in (e, -e):
    for cc in range(2):
        vanom = -(qq / hbar) * sum(eps2(cc, a) * E[a] for a in range(2)) * Om
        jH = qq * fk * vanom
        paper = -(e**2 / hbar) * sum(eps2(cc, a) * E[a] for a in range(2)) * Om * fk
        assert sp.expand(jH - paper) == 0
ok("j_H = q sum f v_anom = -(e^2/hbar) sum (E x Omega) f for q = -e AND q = +e (even in charge)")

# BCD: j^c = q sum delta f v_anom^c, delta f = -(q tau/hbar) E.d f; integrate by parts.
for cc in range(2):
    dfq = -(q * tau / hbar) * sum(E[b] * sp.diff(fk, K[b]) for b in range(2))
    vanom = -(q / hbar) * sum(eps2(cc, a) * E[a] for a in range(2)) * Om
    integrand = q * dfq * vanom
    # claimed:  -(q^3 tau/hbar^2) eps^{ca} E^a E^b f d_b Omega  (+ divergence)
    claimed = -(q**3 * tau / hbar**2) * sum(eps2(cc, a) * E[a] for a in range(2)) \
        * sum(E[b] * fk * sp.diff(Om, K[b]) for b in range(2))
    W = [(q**3 * tau / hbar**2) * sum(eps2(cc, a) * E[a] for a in range(2)) * E[b] * fk * Om
         for b in range(2)]
    div = sum(sp.diff(W[b], K[b]) for b in range(2))
    assert sp.expand(integrand - claimed - div) == 0
bcd_pref = sp.expand(-(q**3) * tau / hbar**2)
assert simplifies_to_zero(bcd_pref.subs(q, -sgn * e) - sgn**3 * e**3 * tau / hbar**2)
assert bcd_pref.subs(q, -e) == e**3 * tau / hbar**2
ok("BCD: sigma^{cab} = -(q^3 tau/hbar^2) eps^{ca} D_b = sgn^3 (e^3 tau/hbar^2) eps^{ca} D_b = sgn (...)")
ok("     electron (q = -e, sgn = +1): sigma_BCD^{cab} = +(e^3 tau/hbar^2) eps^{ca} D_b, D_b = sum int f d_b Omega")

# INH: delta A^d = sgn e E^b G^{bd}; j^c = -(e^2/hbar) eps^{ca} E^a f eps^{bd} d_b dA^d; by parts.
G = [[sp.Function(f"G{i}{j}")(kx, ky) for j in "xy"] for i in "xy"]
for cc in range(2):
    dA = [sgn * e * sum(E[b] * G[b][d] for b in range(2)) for d in range(2)]
    dOm = sum(eps2(b, d) * sp.diff(dA[d], K[b]) for b in range(2) for d in range(2))
    lhs = -(e**2 / hbar) * sum(eps2(cc, a) * E[a] for a in range(2)) * dOm * fk
    inh = sgn * (e**3 / hbar) * sum(E[a] * E[b] * (G[b][a] * sp.diff(fk, K[cc]) - G[b][cc] * sp.diff(fk, K[a]))
                                    for a in range(2) for b in range(2))
    W = [-(e**2 / hbar) * sum(eps2(cc, a) * E[a] for a in range(2)) * sum(eps2(b, d) * fk * dA[d] for d in range(2))
         for b in range(2)]
    div = sum(sp.diff(W[b], K[b]) for b in range(2))
    assert sp.expand(lhs - inh - div) == 0
ok("INH: sigma^{cab} = sgn (e^3/hbar) sum [G^{ba} d_c f - G^{bc} d_a f]; the printed INH is sgn = +1")

# ENH: U^eta = -sum V s_nm delta rho_mn is linear in delta rho, delta rho ~ sgn
s_nm, Vk = sp.symbols("s_nm V")
drho_generic = sp.Symbol("X")          # delta rho for sgn = +1
U_of = lambda sg: -Vk * s_nm * (sg * drho_generic)  # noqa: E731
assert simplifies_to_zero(U_of(-1) + U_of(1))
ok("U^eta(sgn = +1) = -U^eta(sgn = -1): the exchange field flips with the convention")
ok("ENH (Eq. 8, prefactor even in charge) ~ U ~ sgn: consistent = -(Eq. 9), -(Eq. 10) as printed")

table = [
    ("consistent (electron q=-e, H'=+eE.r)", "+1", "+1 x printed", "+1 x printed", "-Eq. 10", "-Eq. 9"),
    ("as printed (Eq. 2 as printed, BCD/INH as quoted)", "mixed", "+1 x printed", "+1 x printed",
     "+Eq. 10", "+Eq. 9"),
    ("all sgn = -1 (q=+e, H'=-eE.r)", "-1", "-1 x printed", "-1 x printed", "+Eq. 10", "+Eq. 9"),
]
print("\n  convention | sgn | BCD | INH | ENH(T) | ENH(PT)")
for row in table:
    print("  " + " | ".join(row))
print("  relative sign ENH(PT)/INH and ENH(T)/BCD: consistent = -(printed)")

body = r"""
Write the field perturbation as $H'=\mathrm{sgn}\,e\,\mathbf E\cdot\hat{\mathbf r}$ ($e>0$).
A carrier of charge $q$ has potential energy $-q\mathbf E\cdot\mathbf r$, so
$\mathrm{sgn}=+1\Leftrightarrow q=-e$ (electron, the paper's text "$H'=e\hat{\mathbf r}\cdot\mathbf E$"),
$\mathrm{sgn}=-1\Leftrightarrow q=+e$.

## (a) Interband: static perturbation theory

For $\rho=\sum_n f(\epsilon_n)|n\rangle\langle n|$ and $H_0\to H_0+H'$ (✔ generic $3\times3$,
generic $f$, and ✔ exactly for $\rho=f(H_0+\lambda H')$ with a cubic $f$):

$$\delta\rho_{nm}=H'_{nm}\frac{f_{nm}}{\epsilon_{nm}}\ (n\ne m),\qquad \delta\rho_{nn}=f'(\epsilon_n)H'_{nn}.$$

With $H'=\mathrm{sgn}\,e\mathbf E\cdot\hat{\mathbf r}$: $\delta\rho_{nm}=\mathrm{sgn}\,eE^ar^a_{nm}f_{nm}/\epsilon_{nm}$.

## (b) Intraband: Boltzmann

$\hbar\dot{\mathbf k}=-\nabla_{\mathbf r}H'=-\mathrm{sgn}\,e\mathbf E$,
$\delta f=-\tau\dot{\mathbf k}\cdot\nabla_{\mathbf k}f=\mathrm{sgn}\,\frac{e\tau}{\hbar}\mathbf E\cdot\nabla_{\mathbf k}f$ (✔).

## Verdict on the printed Eq. 2

Printed: $-\frac{e\tau}{\hbar}E^\alpha\delta_{nm}\partial_\alpha f_n + eE^\alpha r^\alpha_{nm}\frac{f_{mn}}{\epsilon_{nm}}$.
✔ Both terms are the $\mathrm{sgn}=-1$ response: **the printed Eq. 2 answers to
$H'=-e\mathbf E\cdot\hat{\mathbf r}$ (a charge $+e$ carrier), not to the $H'=+e\mathbf E\cdot\hat{\mathbf r}$ written in the text.**

## Consequences (one convention, as functions of sgn)

* ✔ $\mathbf j_H=q\sum f\,\mathbf v_{\rm anom}=-\frac{e^2}{\hbar}\sum(\mathbf E\times\Omega)f$ for $q=\pm e$: even in the charge.
* ✔ $U^\eta$ (Eq. 3) is linear in $\delta\rho\propto\mathrm{sgn}$, so $U^\eta$ and, through Eq. 8, $\sigma_{\rm ENH}$ are $\propto\mathrm{sgn}$.
  Eqs. 9, 10 as printed are the $\mathrm{sgn}=-1$ results (see `eq9_eq10_from_eq2_eq3_eq8`).
* ✔ BCD ($\mathbf v_{\rm anom}=-\frac q\hbar\mathbf E\times\Omega$, $\delta f=-\frac{q\tau}{\hbar}\mathbf E\cdot\nabla f$, by parts):
  $\sigma^{cab}_{\rm BCD}=-\frac{q^3\tau}{\hbar^2}\varepsilon^{ca}D_b=\mathrm{sgn}\,\frac{e^3\tau}{\hbar^2}\varepsilon^{ca}D_b$,
  $D_b=\sum_n\int f_n\partial_b\Omega_n$ (DC form).
* ✔ INH ($\delta\mathcal A^a=\mathrm{sgn}\,eE^bG^{ba}$ in Eq. 6 and $\mathbf j_H$, by parts):
  $\sigma^{cab}_{\rm INH}=\mathrm{sgn}\,\frac{e^3}{\hbar}\sum_n\int\left[G^{ba}_n\partial_cf_n-G^{bc}_n\partial_af_n\right]$.
  (This is the Berry-curvature (positional-shift) term the paper quotes; the field-induced energy
  correction of the full intrinsic second-order response is not part of this check.)
* The BCD and INH formulas the paper quotes are the $\mathrm{sgn}=+1$ ones.

| convention | sgn | $\sigma_{\rm BCD}$ | $\sigma_{\rm INH}$ | $\sigma^{(T)}_{\rm ENH}$ | $\sigma^{(PT)}_{\rm ENH}$ |
|---|---|---|---|---|---|
| **consistent** (electron $q=-e$, $H'=+e\mathbf E\cdot\mathbf r$) | $+1$ | quoted formula | quoted formula | $-$Eq. 10 | $-$Eq. 9 |
| **printed** (paper as printed) | mixed | quoted formula | quoted formula | $+$Eq. 10 | $+$Eq. 9 |
| all $\mathrm{sgn}=-1$ ($q=+e$) | $-1$ | $-$quoted | $-$quoted | $+$Eq. 10 | $+$Eq. 9 |

Relative sign of $\sigma^{(PT)}_{\rm ENH}$ vs $\sigma_{\rm INH}$ and of $\sigma^{(T)}_{\rm ENH}$ vs
$\sigma_{\rm BCD}$: consistent $=(-1)\times$ printed. (Eqs. 9, 10 here mean the printed formulas with
the corrected spin factors: SBP $\mathcal S^{\eta b}_{n'}$ in Eq. 9, $s^\eta_{n'n'}$ in Eq. 10.)
"""
write_markdown("eq2_density_matrix_convention", "Eq. 2: which perturbation the printed response answers to", body)
print(f"\n{len(checks)} exact checks passed in {time.time() - T0:.1f} s.")
print("Result: printed Eq. 2 = response to H' = -e E.r; consistent (H' = +e E.r) ENH = -(printed Eqs. 9, 10);")
print("        BCD = (e^3 tau/hbar^2) eps^{ca} D_b and INH as quoted are the consistent (H' = +e E.r) formulas.")
