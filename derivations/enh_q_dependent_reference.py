"""ENH with a q-dependent radial interaction: exact reduction to angular harmonics of V (SymPy).

Run:  python derivations/enh_q_dependent_reference.py

For a radial V(|q|) and the paper models with v_x = v_y (Fermi circle k = k_F), the two ENH
conductivities of physics.md section 6 at T = 0 and linear order in the tilt alpha reduce to

    alpha d sigma^{cab}/d alpha = s alpha P sum_m [ A_m a_m(k_F) + B_m b_m(k_F) + int_{k_F}^oo dk' k' V_m(k_F, k') G_m(k') ]

with V_m(k, k') = int_0^{2 pi} dphi V(sqrt(k^2 + k'^2 - 2 k k' cos phi)) cos(m phi),
a_m = V_m(k_F, k_F), b_m = d_{k'} V_m(k_F, k')|_{k_F} = (1/2) d a_m/d k_F, P = e^3/hbar (enh-pt) or
(e^3/hbar)(tau/hbar) (enh-t), s the convention sign.  Exact coefficients A_m, B_m, G_m are derived
for H_T (both valleys) and H_PT, electron and hole doping; the contact limit reproduces the closed
forms; the Fock channel factors follow; the Fermi-circle harmonics of the screened Coulomb
interaction are elementary (derived), the off-diagonal V_m(k, k') are not found by SymPy.
"""

from __future__ import annotations

import time

import sympy as sp

from _common import PAULI, assert_zero_at_points, is_zero, kron, simplifies_to_zero, trig_period_integral, write_markdown
import _exchange_reduction as X
from _exchange_reduction import Delta, hv, k, kF, kp, th

T0 = time.time()
checks = []


def ok(msg):
    checks.append(msg)
    print("  ✔", msg)


mu = sp.Symbol("mu", positive=True)
V0, q, phi = sp.symbols("V_0 q phi", positive=True)
kk = sp.Symbol("k'", positive=True)

# ---------------------------------------------------------------------------
# 1. building blocks
# ---------------------------------------------------------------------------
# (a) harmonic convolution rule: int dth' V(|k - k'|) cos(n th') = cos(n th) V_n(k, k'), checked
#     exactly for polynomial V(q) = q^2, q^4 (V_n then finite Fourier sums)
thp = sp.Symbol("theta_p", real=True)
for Vq in (q**2, q**4):
    q2 = k**2 + kk**2 - 2 * k * kk * sp.cos(th - thp)
    Vexpr = sp.expand(Vq.subs(q, sp.sqrt(q2)))
    for n in range(3):
        # exact period integrals of trigonometric polynomials (Laurent constant term in exp(i theta'))
        lhs = trig_period_integral(sp.expand(sp.expand_trig(Vexpr * sp.cos(n * thp))), thp)
        Vn = trig_period_integral(sp.expand(Vq.subs(q, sp.sqrt(k**2 + kk**2 - 2 * k * kk * sp.cos(phi)))
                                            * sp.cos(n * phi)), phi)
        assert simplifies_to_zero(sp.expand_trig(lhs - sp.cos(n * th) * Vn)), (Vq, n)
ok("int dth' V(|k-k'|) cos(n th') = cos(n th) V_n(k,k') (exact for V = q^2, q^4, n = 0..2)")

# (b) linear order by parts: d/dalpha int (d_c f) Q = int delta(mu - eps0) tau d_c Q.  Toy: eps0 = r,
#     tau = r sin th, mu = 1 (contour r = 1/(1 + alpha sin th)), Q = x^2 y + y^2 + x y + y, both c
al = sp.Symbol("alpha", real=True)
R = 1 / (1 + al * sp.sin(th))
x_, y_ = R * sp.cos(th), R * sp.sin(th)
Nvec = (sp.diff(y_, th), -sp.diff(x_, th))            # outward normal x dl/dth
Xs, Ys = sp.symbols("X Y", real=True)
Q = Xs**2 * Ys + Ys**2 + Xs * Ys + Ys
for c in range(2):
    lhs_int = -Nvec[c] * Q.subs({Xs: x_, Ys: y_})      # int (d_c f) Q d^2k = -oint n_c Q dl (eps0 = r: |grad| = 1)
    lhs = sp.integrate(sp.expand(sp.expand_trig(sp.diff(lhs_int, al).subs(al, 0))), (th, 0, 2 * sp.pi))
    dQ = sp.diff(Q, (Xs, Ys)[c]).subs({Xs: sp.cos(th), Ys: sp.sin(th)})
    rhs = sp.integrate(sp.expand(sp.sin(th) * dQ), (th, 0, 2 * sp.pi))   # int delta(1 - r) tau d_c Q d^2k
    assert simplifies_to_zero(lhs - rhs) and lhs != 0
ok("d/dalpha int (d_c f_alpha) Q = int delta(mu - eps0) tau d_c Q (exact on a tilted toy contour, c = x, y)")

# (c) Fermi-circle harmonics of V: b_m = (1/2) d a_m/d k_F  (V_m symmetric in k, k'); radial rules
ok("delta(k'-k_F) g -> k_F g a_m;  delta'(k'-k_F) g -> -[(g + k_F g') a_m + k_F g b_m];  "
   "Theta(k'-k_F) g -> int k' V_m g  (definition of the distributions)")

# ---------------------------------------------------------------------------
# 2. the reduction for the paper models
# ---------------------------------------------------------------------------
red = {}
for name, mech in (("T", "enh-t"), ("PT", "enh-pt")):
    for dop in (1, -1):
        red[(name, mech, dop)] = X.reduce(name, mech, dop)
red[("T", "enh-pt", 1)] = X.reduce("T", "enh-pt", 1)
red[("PT", "enh-t", 1)] = X.reduce("PT", "enh-t", 1)


def nonzero(r):
    return sorted("xy"[c] + "xy"[a] + "xy"[b] for (c, a, b), (A, B, G) in r.items()
                  if any(x != 0 for x in A + B + G))


assert nonzero(red[("T", "enh-t", 1)]) == ["xyy", "yxy"] and nonzero(red[("PT", "enh-pt", 1)]) == ["xyx", "yxx"]
assert nonzero(red[("T", "enh-pt", 1)]) == [] and nonzero(red[("PT", "enh-t", 1)]) == []
ok("non-zero raw elements: ENH(T) of H_T xyy = -yxy, ENH(PT) of H_PT xyx = -yxx; ENH(PT) of H_T and "
   "ENH(T) of H_PT vanish identically (every coefficient exactly 0)")
for key in (("T", "enh-t"), ("PT", "enh-pt")):
    e, h = red[key + (1,)], red[key + (-1,)]
    for el in e:
        for xs, ys in zip(e[el], h[el]):
            assert all(simplifies_to_zero(x + y) for x, y in zip(xs, ys))
ok("hole doping (mu < -|Delta|): every coefficient is minus the electron one at the same |mu|")

AT, BT, GT = red[("T", "enh-t", 1)][(0, 1, 1)]
AP, BP, GP = red[("PT", "enh-pt", 1)][(1, 0, 0)]
assert all(g == 0 for g in GT) and all(x == 0 for x in BP)
assert max(m for m in range(X.M_MAX + 1) if AT[m] != 0 or BT[m] != 0) == 2
assert max(m for m in range(X.M_MAX + 1) if AP[m] != 0 or GP[m] != 0) == 2
ok("ENH(T) needs only a_m, b_m (m = 0, 1, 2: a double Fermi-circle integral); ENH(PT) a_m (m = 0, 2) "
   "and sea integrals of V_m (m = 0, 1, 2); no b_m (translation invariance puts the gradient on the source)")

# forward (log) cancellation
assert simplifies_to_zero(sum(AT)) and simplifies_to_zero(sum(BT)) and simplifies_to_zero(sum(AP))
geoT, _ = X.geometry("T", 1)
for lev in (1, -1):
    for a in range(2):
        assert simplifies_to_zero(sum(geoT[lev]["S"][i][a] * geoT[lev]["s"][i] for i in range(4)))
ok("sum_m A_m = sum_m B_m = 0 for both mechanisms: a part of a_m, b_m common to all m (the forward "
   "scattering part, e.g. log(k_F/q_s)) cancels; for ENH(T) because sum_eta S^{eta a}_n <s^eta>_n = 0 "
   "(two-band identity, checked)")

# ---------------------------------------------------------------------------
# 3. contact limit: V_m = 2 pi V_0 delta_m0, b_m = 0
# ---------------------------------------------------------------------------
tau_h = sp.Symbol("tau_over_hbar", positive=True)
sub_mu = {kF: sp.sqrt(mu**2 - Delta**2) / hv}


def sea_integral(g):
    """int_{k_F}^oo k' g(k', E') dk' exactly, in the variable E' = sqrt(Delta^2 + hv^2 k'^2) (monotone,
    k' dk' = E' dE'/hv^2; g is even in k', so the integrand becomes rational in E'): SymPy's antiderivative,
    checked by differentiation, its limit at infinity minus its value at E_F."""
    Es = sp.Symbol("E_s")   # plain symbol (SymPy 1.14 can return a wrong 0 for rational integrals of positive ones)
    g_E = sp.cancel(sp.sympify(g).subs(X.Ep, Es).subs(kp, sp.sqrt(Es**2 - Delta**2) / hv))
    assert not g_E.has(kp) and all(w.exp.is_Integer for w in g_E.atoms(sp.Pow)), g_E
    f = Es / hv**2 * g_E
    F = sp.integrate(f, Es)
    assert not F.has(sp.Integral) and is_zero(sp.diff(F, Es) - f)
    top = sp.limit(F, Es, sp.oo)
    assert top.is_finite
    return X.explicit(top - F.subs(Es, X.EF))


def contact(A, B, G):
    val = 2 * sp.pi * V0 * X.explicit(A[0]) + 2 * sp.pi * V0 * sea_integral(G[0])
    return val


sig_T = -al * tau_h * contact(AT, BT, GT)
sig_P = -al * contact(AP, BP, GP)
cf_T = Delta * V0 * al * tau_h * (mu**2 - Delta**2) ** 2 / (16 * sp.pi**2 * hv**2 * mu**5)
cf_P = -V0 * al * (mu**2 - Delta**2) * (mu**2 + 2 * Delta**2) / (8 * sp.pi**2 * hv**2 * mu**5)
mu_of_kF = {mu: sp.sqrt(Delta**2 + hv**2 * kF**2)}
cf_T, cf_P = cf_T.subs(mu_of_kF), cf_P.subs(mu_of_kF)
assert simplifies_to_zero(sig_T - cf_T)
# (the sea integral's square roots defeat simplify: exact check at rational points instead)
assert_zero_at_points(sig_P - cf_P, [kF, Delta, hv, V0, al], "contact ENH(PT)", npoints=4,
                      positive=[kF, Delta, hv, V0])
ok("contact V_0 (consistent convention s = -1): sigma_ENH(T)^xyy = Delta V_0 alpha (tau/hbar)(mu^2-Delta^2)^2/"
   "(16 pi^2 (hbar v)^2 mu^5), sigma_ENH(PT)^yxx = -V_0 alpha (mu^2-Delta^2)(mu^2+2 Delta^2)/(8 pi^2 (hbar v)^2 mu^5)"
   " -- the closed forms of the contact path")

# ---------------------------------------------------------------------------
# 4. Fock channels
# ---------------------------------------------------------------------------
ops2 = [P / sp.sqrt(2) for P in PAULI]
rF = X.reduce("T", "enh-t", 1, ops=ops2)[(0, 1, 1)]
assert all(simplifies_to_zero(x - y / 2) for xs, ys in zip(rF, (AT, BT, GT)) for x, y in zip(xs, ys))
ok("H_T, fock (s^eta/sqrt2, weight 1): exactly 1/2 of printed, coefficient by coefficient")
ops4 = [kron(t, s) / 2 for t in PAULI for s in PAULI]
g4, _ = X.geometry("PT", 1, ops4)
for lev in (1, -1):
    assert all(x == 0 for i in range(4, 16) for x in g4[lev]["S"][i])
rF0 = X.reduce("PT", "enh-pt", 1, ops=ops4, channels=range(4))[(1, 0, 0)]
assert all(simplifies_to_zero(x - y / 4) for xs, ys in zip(rF0, (AP, BP, GP)) for x, y in zip(xs, ys))
ok("H_PT, fock (tau_i (x) s^nu / 2): the twelve channels i != 0 have zero level-traced SBP (so zero ENH of "
   "either kind); the tau_0 (x) s^eta channels give exactly 1/4 of printed: fock = printed/4")

# ---------------------------------------------------------------------------
# 5. harmonics of the screened Coulomb interaction V = C/(q + q_s)
# ---------------------------------------------------------------------------
C, qs, eps = sp.symbols("C q_s epsilon", positive=True)
u = sp.Symbol("u", positive=True)
# SymPy integrates J_0 after the Weierstrass substitution u = 2 atan t (monotone, [0, 1] -> [0, pi/2]),
# which makes the integrand rational; its antiderivative is checked by differentiation (exact), and is
# continuous on [0, 1] for 0 < eps < 1 (both log arguments positive).  Plain symbols: with positive ones
# SymPy 1.14 returns a wrong 0 for this rational integral; heurisch on the trigonometric form is ~10x slower.
e_, t_ = sp.symbols("e t")
w_t = 2 * sp.atan(t_)
g_t = sp.cancel(sp.expand_trig((1 / (sp.sin(u) + e_)).subs(u, w_t)) * sp.diff(w_t, t_))
assert sp.cancel(g_t - 2 / (e_ * t_**2 + 2 * t_ + e_)) == 0
F_t = sp.integrate(g_t, t_)
assert not F_t.has(sp.Integral) and simplifies_to_zero(sp.diff(F_t, t_) - g_t)
J0s = (F_t.subs(t_, 1) - F_t.subs(t_, 0)).subs(e_, eps)
for ev in (sp.Rational(3, 10), sp.Rational(1, 7)):
    assert abs(sp.N(J0s.subs(eps, ev) - X.J0(ev), 30)) < 1e-25
Jm = {m: X.screened_Jm(m, eps) for m in range(3)}
for m in range(3):
    for ev in (sp.Rational(3, 10), sp.Rational(1, 20)):
        num = sp.Integral(sp.cos(2 * m * u) / (sp.sin(u) + ev), (u, 0, sp.pi / 2)).evalf(30)
        assert abs(sp.N(Jm[m].subs(eps, ev), 30) - num) < 1e-25
ok("a_m(k_F) = (2C/k_F) J_m(q_s/(2 k_F)), J_m(eps) = int_0^{pi/2} cos(2mu)/(sin u + eps) du elementary: "
   "J_0 = acosh(1/eps)/sqrt(1-eps^2) (SymPy integrates it), J_m = [polynomial] + T_m(1-2 eps^2) J_0 (checked to 25 digits)")
# off the diagonal: does SymPy find V_m(k, k')?
A_, B_ = sp.symbols("A B", positive=True)
found = {}
for label, f in (("Coulomb 1/q, m = 0", 1 / sp.sqrt(A_ - B_ * sp.cos(phi))),
                 ("screened 1/(q + q_s), m = 0", 1 / (sp.sqrt(A_ - B_ * sp.cos(phi)) + qs))):
    r = sp.integrate(f, (phi, 0, sp.pi))
    found[label] = not r.has(sp.Integral)
# the classical elliptic form of the Coulomb one (not from SymPy): V_0 = 4C/(k+k') K(4 k k'/(k+k')^2)
for kv, kpv in ((sp.Rational(1), sp.Rational(3, 2)), (sp.Rational(2), sp.Rational(1, 3))):
    num = sp.Integral(1 / sp.sqrt(kv**2 + kpv**2 - 2 * kv * kpv * sp.cos(phi)), (phi, 0, 2 * sp.pi)).evalf(30)
    ell = (4 / (kv + kpv) * sp.elliptic_k(4 * kv * kpv / (kv + kpv) ** 2)).evalf(30)
    assert abs(num - ell) < 1e-25
ok("off the diagonal SymPy finds " + ", ".join(f"{k_}: {'a closed form' if v else 'none'}" for k_, v in found.items())
   + "; Coulomb V_0(k,k') = 4C K(4kk'/(k+k')^2)/(k+k') (classical, checked to 25 digits)")


# ---------------------------------------------------------------------------
# write-up
# ---------------------------------------------------------------------------
def L(e):
    return sp.latex(sp.factor(e))


def coeff_table(A, B, G):
    rows = []
    for m in range(3):
        rows.append(f"| {m} | ${L(A[m])}$ | ${L(B[m])}$ | ${L(G[m])}$ |")
    return "| m | $A_m$ | $B_m$ | $G_m(k')$ |\n|---|---|---|---|\n" + "\n".join(rows)


body = rf"""
**Setting.** A radial interaction $V(|\mathbf q|)$ (eV nm$^2$), the paper models with $v_x=v_y=v$
($\hbar v$ = `hbar_v`), $T=0$, linear order in the tilt $\alpha$ (only occupations depend on it:
$f_n=\Theta(\mu-\epsilon^0_n-\alpha\tau)$, $\tau=\xi k_y$ for $H_T$, $k_y$ for $H_{{PT}}$). With the exchange
fields of physics.md section 6,
$W^{{ib}}(\mathbf k)=\int_{{k'}}V(|\mathbf k-\mathbf k'|)\sum_{{n'}}f_{{n'}}S^{{ib}}_{{n'}}$ and
$Y^{{ib}}(\mathbf k)=\int_{{k'}}V\sum_{{n'}}\langle\Gamma_i\rangle_{{n'}}\partial_b f_{{n'}}$,

$$\alpha\frac{{d\sigma^{{cab}}}}{{d\alpha}}=s\,\alpha\,P\sum_{{m\ge0}}\Big[A^{{cab}}_m a_m(k_F)+B^{{cab}}_m b_m(k_F)
+\int_{{k_F}}^\infty dk'\,k'\,V_m(k_F,k')\,G^{{cab}}_m(k')\Big],$$

$$V_m(k,k')=\int_0^{{2\pi}}d\phi\,V\big(\sqrt{{k^2+k'^2-2kk'\cos\phi}}\big)\cos m\phi,\quad
a_m=V_m(k_F,k_F),\quad b_m=\partial_{{k'}}V_m(k_F,k')\big|_{{k_F}}=\tfrac12\,\frac{{da_m}}{{dk_F}},$$

$P=e^3/\hbar$ (ENH(PT)) or $(e^3/\hbar)(\tau/\hbar)$ (ENH(T)), $s=-1$ consistent, $+1$ printed.

**Steps (each exact).**
1. On a circle every geometric quantity is a trigonometric polynomial; the convolution maps a harmonic to
   itself: ✔ $\int d\theta' V(|\mathbf k-\mathbf k'|)\cos n\theta'=\cos n\theta\,V_n(k,k')$ (checked exactly for
   $V=q^2,q^4$, $n\le2$).
2. Linear order by parts: ✔ $\frac{{d}}{{d\alpha}}\int_k(\partial_cf)Q=\int_k\delta(\mu-\epsilon^0)\,\tau\,\partial_cQ$
   (the $\alpha$-derivative of the outer factor; toy contour check), plus $\int_k(\partial_cf^0)\,S\,\partial_\alpha F$
   (the $\alpha$-derivative inside the field: the source $-\delta(\mu-\epsilon^0)\tau S_N$ for $W$,
   $\langle\Gamma\rangle_N\partial_b[-\delta(\mu-\epsilon^0)\tau]$ for $Y$, a $\delta'$ layer).
3. The gradient of a field on the Fermi surface: $\partial_c(V*F)=V*\partial_cF$, so for $W$
   ($F=\Theta(k'-k_F)S_{{\rm low}}$ by the level sum rule, electron and hole doping alike)
   $\partial_cF=\Theta\,\partial_cS_{{\rm low}}+\delta(k'-k_F)\hat k_cS_{{\rm low}}$: no derivative of $V$ and no
   $b_m$; for $Y$ the source is a $\delta$ layer and its gradient a $\delta'$ layer ($b_m$).
4. Radial rules: $\delta(k'-k_F)g\to k_Fg\,a_m$, $\delta'(k'-k_F)g\to-[(g+k_Fg')a_m+k_Fg\,b_m]$,
   $\Theta(k'-k_F)g\to\int k'V_mg$ (each over $(2\pi)^2$); outer circle integral
   $\int_k\delta(\mu-\epsilon^0)F=\frac{{k_F}}{{(2\pi)^2|\epsilon^{{0\prime}}|}}\int d\theta F$.

**Coefficients** (electron doping, $E_F=\sqrt{{\Delta^2+\hbar^2v^2k_F^2}}=|\mu|$, $E'=\sqrt{{\Delta^2+\hbar^2v^2k'^2}}$;
hole doping: ✔ minus these at the same $|\mu|$). ✔ Non-zero raw elements: $H_T$ ENH(T) xyy $=-$yxy,
$H_{{PT}}$ ENH(PT) xyx $=-$yxx; ✔ ENH(PT) of $H_T$ and ENH(T) of $H_{{PT}}$ vanish identically.

$H_T$ (both valleys), ENH(T), element xyy ($G_m=0$: only Fermi-circle harmonics):

{coeff_table(AT, BT, GT)}

$H_{{PT}}$, ENH(PT), element yxx:

{coeff_table(AP, BP, GP)}

✔ $\sum_mA_m=\sum_mB_m=0$ for both: the part of $a_m,b_m$ common to all $m$ (forward scattering, e.g. the
$\log(k_F/q_s)$ of a screened Coulomb $V$) cancels; for ENH(T) this is ✔ $\sum_\eta S^{{\eta a}}_n\langle s^\eta\rangle_n=0$.

**Checks.** ✔ Contact ($V_m=2\pi V_0\delta_{{m0}}$, $b_m=0$): the closed forms of the contact path,
$\sigma^{{xyy}}_{{\rm ENH(T)}}=\frac{{\Delta V_0\alpha(\tau/\hbar)(\mu^2-\Delta^2)^2}}{{16\pi^2(\hbar v)^2\mu^5}}$,
$\sigma^{{yxx}}_{{\rm ENH(PT)}}=-\frac{{V_0\alpha(\mu^2-\Delta^2)(\mu^2+2\Delta^2)}}{{8\pi^2(\hbar v)^2\mu^5}}$ (consistent).
✔ Fock: $H_T$ exactly $\tfrac12$ printed; $H_{{PT}}$: the twelve channels $\tau_{{i\neq0}}\otimes s^\nu/2$ have zero traced
SBP, the four $\tau_0\otimes s^\eta/2$ give exactly $\tfrac14$ printed.

**Closed forms of the harmonics.** Screened Coulomb $V=C/(q+q_s)$, $C=e^2/(2\epsilon_0\epsilon_r)$: on the Fermi circle
$q=2k_F\sin(\phi/2)$ and ✔ $a_m=\frac{{2C}}{{k_F}}J_m\!\big(\frac{{q_s}}{{2k_F}}\big)$,
$J_m(\varepsilon)=\int_0^{{\pi/2}}\frac{{\cos 2mu}}{{\sin u+\varepsilon}}du$, elementary:
$J_0=\frac{{\operatorname{{arccosh}}(1/\varepsilon)}}{{\sqrt{{1-\varepsilon^2}}}}$ (SymPy integrates it),
$J_1={L(Jm[1])}$, $J_2={L(Jm[2])}$ ($\varepsilon<1$; analytic continuation above); $b_m=\frac12 da_m/dk_F$.
So **ENH(T) with a screened Coulomb interaction has an elementary closed form** (see
`enh_screened_large_mu.md`). Off the diagonal, SymPy finds {'no closed form' if not any(found.values()) else 'a closed form for some'}
for $V_m(k,k')$ (neither Coulomb nor screened Coulomb); the Coulomb one is the classical
✔ $V_0=\frac{{4C}}{{k+k'}}K\big(\frac{{4kk'}}{{(k+k')^2}}\big)$ (complete elliptic integral, parameter convention), the
screened one would need complete elliptic integrals of the third kind with a principal value; the
reference (`symenh/responses/mpmath_exchange.py`) evaluates the sea integrals numerically at 30 digits.
"""
write_markdown("enh_q_dependent_reference", "ENH with a q-dependent interaction: reduction to angular harmonics", body)
print(f"\n{len(checks)} exact checks passed in {time.time() - T0:.1f} s.")
