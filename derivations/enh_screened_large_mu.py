"""ENH with a screened Coulomb interaction: large mu and q_s -> 0, from the harmonic reduction (SymPy).

Run:  python derivations/enh_screened_large_mu.py

Starting point: the reduced form of enh_q_dependent_reference.py,
    alpha dsigma/dalpha = s alpha P sum_m [A_m a_m + B_m b_m + int_{k_F}^oo k' V_m(k_F,k') G_m dk'],
and V(q) = C/(q + q_s), C = e^2/(2 eps_0 eps_r).  Results (consistent convention, raw elements):

* ENH(T) of H_T, for ANY radial V: sigma = (contact formula with V_0 -> V_eff(k_F)),
      2 pi V_eff = a_0 - 4 a_1 + 3 a_2 = -4 int_0^{2pi} dphi V(2 k_F sin(phi/2)) sin^2(phi/2) (1 + 3 cos phi);
  V_eff = 0 for the unscreened Coulomb 1/q (exactly); screened Coulomb: elementary, V_eff ~ C q_s/k_F^2.
  Large mu: sigma_ENH(T)^xyy ~ + alpha (tau/hbar) C q_s Delta / (16 pi^2 mu^3): power -3 (BCD: -2).
  q_s -> 0 at fixed mu: sigma_ENH(T) -> 0 linearly in q_s.
* ENH(PT) of H_PT: large mu sigma^yxx ~ - alpha C (pi - 1)/(4 pi^3 hbar v mu^2): power -2, the same as INH;
  ENH(PT)/INH -> C (pi - 1)/(pi^2 hbar v), a constant.  q_s -> 0 at fixed mu: finite.
"""

from __future__ import annotations

import time

import sympy as sp

from _common import simplifies_to_zero, write_markdown
import _exchange_reduction as X
from _exchange_reduction import Delta, EF, hv, kF, kp

T0 = time.time()
checks = []


def ok(msg):
    checks.append(msg)
    print("  ✔", msg)


C, qs, eps, kap, ell = sp.symbols("C q_s epsilon kappa ell", positive=True)
phi, u, q, mu, al, tau_h = sp.symbols("phi u q mu alpha tau_over_hbar", positive=True)
at_kap = {kF: kap, EF: sp.sqrt(Delta**2 + hv**2 * kap**2)}

# ===========================================================================
# A. ENH(T): an effective contact constant
# ===========================================================================
AT, BT, _ = X.reduce("T", "enh-t", 1)[(0, 1, 1)]
a = sp.symbols("a_0:3")
b = sp.symbols("b_0:3")
Br_T = sum(AT[m] * a[m] + BT[m] * b[m] for m in range(3))
pref = -Delta * hv**2 * kF**4 / (32 * sp.pi**3 * EF**5)
ibp = 2 * a[1] - 2 * a[2] + kF * (b[0] - b[2])
assert X.canon(Br_T - pref * (a[0] - 2 * a[1] + a[2] + kF * (b[0] - b[2]) + Delta**2 / (hv * kF) ** 2 * ibp)) == 0
ok("Br_ENH(T) = -Delta (hbar v)^2 k_F^4/(32 pi^3 E_F^5) [a_0 - 2 a_1 + a_2 + k_F (b_0 - b_2) + (Delta/hbar v k_F)^2 I], "
   "I = 2 a_1 - 2 a_2 + k_F (b_0 - b_2) (from the reduced coefficients)")

# by parts (V bounded): k_F (b_0 - b_2) = int q V'(q) sin^2 phi dphi = 2 (a_2 - a_1); checked on a family of V
def harmonics_of(Vq, m, kk=kap):
    return 4 * sp.integrate(sp.expand(Vq.subs(q, 2 * kk * sp.sin(u)) * sp.chebyshevt(m, 1 - 2 * sp.sin(u) ** 2)),
                            (u, 0, sp.pi / 2))


for Vq in (sp.Integer(1), q, q**2, q**3, q**5):
    am = [harmonics_of(Vq, m) for m in range(3)]
    bm = [sp.diff(x, kap) / 2 for x in am]
    assert simplifies_to_zero(kap * (bm[0] - bm[2]) - 2 * (am[2] - am[1]))
ok("I = 0: k_F (b_0 - b_2) = 2 (a_2 - a_1) (integration by parts in phi; exact for V = 1, q, q^2, q^3, q^5), so "
   "Br = pref (a_0 - 4 a_1 + 3 a_2)")
Veff_harm = (a[0] - 4 * a[1] + 3 * a[2]) / (2 * sp.pi)
# as one angular integral: (a_0 - 4 a_1 + 3 a_2)/(2 pi) = -(2/pi) int V sin^2(phi/2)(1 + 3 cos phi)
w = sp.expand(sp.expand_trig((1 - 4 * sp.cos(phi) + 3 * sp.cos(2 * phi)) / (2 * sp.pi)))
assert simplifies_to_zero(w + 2 / sp.pi * sp.sin(phi / 2) ** 2 * (1 + 3 * sp.cos(phi)))
ok("V_eff(k_F) = (a_0 - 4 a_1 + 3 a_2)/(2 pi) = -(2/pi) int_0^{2 pi} dphi V(2 k_F |sin(phi/2)|) sin^2(phi/2)(1 + 3 cos phi): "
   "sigma_ENH(T)[V] = sigma_ENH(T)[contact V_0 -> V_eff] exactly (any radial V, both dopings)")

# contact and Coulomb
V0 = sp.Symbol("V_0", positive=True)
Veff = lambda Vq: sp.simplify(sum(c * harmonics_of(Vq, m) for m, c in enumerate((1, -4, 3))) / (2 * sp.pi))  # noqa: E731
assert simplifies_to_zero(Veff(V0 + 0 * q) - V0)
coul = -(2 / sp.pi) * sp.integrate(C / (2 * kap * sp.sin(phi / 2)) * sp.sin(phi / 2) ** 2 * (1 + 3 * sp.cos(phi)),
                                    (phi, 0, 2 * sp.pi))
assert simplifies_to_zero(coul)
ok("V_eff = V_0 for a contact V_0;  V_eff = 0 exactly for the unscreened Coulomb V = C/q: ENH(T) of H_T vanishes "
   "identically for 1/q at every mu (the log(1/q_s) of each a_m cancels, 1 - 4 + 3 = 0, and so does the rest)")

# screened Coulomb: a_m = (2C/k_F) J_m(eps), eps = q_s/(2 k_F)
J = [X.screened_Jm(m, eps) for m in range(3)]
comb = sp.expand(J[0] - 4 * J[1] + 3 * J[2])
J0s = sp.Symbol("J_0")
comb_J0 = sp.expand(sum(c_ * X.screened_Jm(m, eps, J0s) for m, c_ in enumerate((1, -4, 3))))
assert sp.expand(comb_J0 - (2 * sp.pi * eps + 24 * eps**2 - 12 * sp.pi * eps**3 - 8 * eps**2 * (2 - 3 * eps**2) * J0s)) == 0
Veff_sc = C / (sp.pi * kap) * comb          # (2C/kappa) comb / (2 pi)
ok("screened Coulomb: V_eff = (C/(pi k_F)) [2 pi eps + 24 eps^2 - 12 pi eps^3 - 8 eps^2 (2 - 3 eps^2) J_0(eps)], "
   "eps = q_s/(2 k_F), J_0 = acosh(1/eps)/sqrt(1 - eps^2): ENH(T) in closed form")
# expansions
ser0 = sp.expand(sp.series(sp.expand_log(comb, force=True).subs(sp.log(eps), ell), eps, 0, 4).removeO())
small = sp.expand(2 * sp.pi * eps + eps**2 * (24 + 16 * (ell - sp.log(2))))
assert simplifies_to_zero(sp.expand(ser0 - small - ser0.coeff(eps, 3) * eps**3))
ok("eps -> 0: V_eff = (C q_s/k_F^2) [1 + (4 eps/pi)(2 log(eps/2) + 3) + O(eps^2 log eps)]  (no O(eps^0) term)")
# q_s >> q: V = (C/q_s)(1 - q/q_s + ...), V_eff is linear in V
assert simplifies_to_zero(Veff(sp.Integer(1) + 0 * q) - 1) and simplifies_to_zero(Veff(q) - 128 * kap / (15 * sp.pi))
ok("q_s -> oo: V_eff = (C/q_s) [1 - 128 k_F/(15 pi q_s) + O((k_F/q_s)^2)]: the contact form with V_0 = C/q_s "
   "(= 2 pi x the paper's V_0), approached at relative rate -128 k_F/(15 pi q_s)")

# conductivity: contact closed form with V_0 -> V_eff (consistent), leading terms
mu_of = sp.sqrt(Delta**2 + hv**2 * kap**2)
sig_contact = lambda V: Delta * V * al * tau_h * (mu_of**2 - Delta**2) ** 2 / (16 * sp.pi**2 * hv**2 * mu_of**5)  # noqa: E731
lead_T = sp.simplify(sig_contact(C * qs / kap**2))
assert simplifies_to_zero(lead_T - al * tau_h * C * qs * Delta * hv**2 * kap**2 / (16 * sp.pi**2 * mu_of**5))
lead_T_mu = al * tau_h * C * qs * Delta / (16 * sp.pi**2 * mu**3)
assert sp.limit((lead_T * mu_of**3).subs(kap, sp.sqrt(mu**2 - Delta**2) / hv), mu, sp.oo) \
    == sp.limit(lead_T_mu * mu**3, mu, sp.oo)
ok("sigma_ENH(T)^xyy = alpha (tau/hbar) C q_s Delta (mu^2 - Delta^2)/(16 pi^2 mu^5) [1 + O((q_s/k_F) log)] ~ "
   "alpha (tau/hbar) C q_s Delta/(16 pi^2 mu^3): power -3, no logarithm at leading order")
bcd_lead = -3 * Delta * al * tau_h / (4 * sp.pi * mu**2)       # sigma_BCD^xyy at large mu (contact closed form)
ratio_T = sp.simplify(lead_T_mu / bcd_lead)
assert simplifies_to_zero(ratio_T + C * qs / (12 * sp.pi * mu))
ok("ENH(T)/BCD -> -C q_s/(12 pi mu): decreases as 1/mu (the contact value -V_0 mu/(12 pi (hbar v)^2) grows as mu)")

# ===========================================================================
# B. ENH(PT)
# ===========================================================================
AP, BP, GP = X.reduce("PT", "enh-pt", 1)[(1, 0, 0)]
assert simplifies_to_zero(AP[0] + AP[2]) and AP[1] == 0 and all(x == 0 for x in BP)
a_diff = 2 * C / kap * sp.expand(J[0] - J[2])      # a_0 - a_2
ser_d = sp.expand(sp.series(sp.expand_log(J[0] - J[2], force=True).subs(sp.log(eps), ell), eps, 0, 2).removeO())
assert simplifies_to_zero(ser_d - (sp.Rational(8, 3) - 2 * sp.pi * eps))
ok("a-part: A_0 (a_0 - a_2), a_0 - a_2 = (2C/k_F)(J_0 - J_2) = (2C/k_F)(8/3 - 2 pi eps + O(eps^2 log eps)): no log(1/q_s)")

# sea at large mu: Delta -> 0 and Coulomb; V_m(k_F, k') = (C/k') L_m(k_F/k') for k' > k_F with the Laplace
# coefficients L_m(t) = int_0^{2pi} cos(m phi)/sqrt(1 - 2 t cos phi + t^2) = 2 pi ((1/2)_m/m!) t^m 2F1(1/2, m+1/2; m+1; t^2)
t = sp.Symbol("t", positive=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
for m in range(3):
    tv = sp.Rational(2, 5)
    num = sp.Integral(sp.cos(m * phi) / sp.sqrt(1 - 2 * tv * sp.cos(phi) + tv**2), (phi, 0, 2 * sp.pi)).evalf(30)
    ser = 2 * sp.pi * sp.rf(sp.Rational(1, 2), m) / sp.factorial(m) * tv**m * sp.hyper(
        [sp.Rational(1, 2), m + sp.Rational(1, 2)], [m + 1], tv**2)
    assert abs(num - ser.evalf(30)) < 1e-25
ok("Coulomb harmonics V_m(k, k') = (C/k') L_m(k/k') (k < k'), L_m = 2 pi ((1/2)_m/m!) t^m 2F1(1/2, m+1/2; m+1; t^2) (checked)")
G0 = [sp.factor(sp.simplify(X.explicit(g).subs(Delta, 0))) for g in GP]
sea = 0
terms = []
for m, g in enumerate(G0):
    if g == 0:
        continue
    # g = c kF^p kp^r
    c_, rest = g.as_independent(kF, kp)
    pw = rest.as_powers_dict()
    p_, r_ = int(pw.get(kF, 0)), int(pw.get(kp, 0))
    assert simplifies_to_zero(g - c_ * kF**p_ * kp**r_)
    # int_{kF}^oo kp (C/kp) L_m(kF/kp) c kF^p kp^r dkp = C c kF^(p+r+1) int_0^1 t^(-r-2) L_m(t) dt
    s_ = -r_ - 2
    term = sp.rf(sp.Rational(1, 2), j) * sp.rf(m + sp.Rational(1, 2), j) / (sp.rf(m + 1, j) * sp.factorial(j)) \
        / (s_ + m + 2 * j + 1)
    Im = sp.simplify(sp.hyperexpand(2 * sp.pi * sp.rf(sp.Rational(1, 2), m) / sp.factorial(m)
                                    * sp.summation(term, (j, 0, sp.oo)))).subs(sp.exp_polar(0), 1)
    terms.append((m, Im))
    sea += C * c_ * kF ** (p_ + r_ + 1) * Im
Nsum = sp.nsimplify(sp.simplify(sum(w_ * I_ for (m, I_), w_ in zip(terms, (1, 2, 3)))))
assert simplifies_to_zero(sea - C * (8 * sp.pi - sp.Rational(40, 3)) / (32 * sp.pi**3 * hv**3 * kF**2))
ok("massless Coulomb sea: int_0^1 t L_0 = 4, int_0^1 L_1 = 2(pi - 2), int_0^1 t L_2 = 4(3 pi - 7)/9 (SymPy sums the "
   "hypergeometric series); sea -> C (8 pi - 40/3)/(32 pi^3 (hbar v)^3 k_F^2)")
a_part = sp.simplify(X.explicit(AP[0]).subs(Delta, 0) * 2 * C / kF * sp.Rational(8, 3))
Br_P_lead = sp.simplify(a_part + sea)
assert simplifies_to_zero(Br_P_lead - C * (sp.pi - 1) / (4 * sp.pi**3 * hv**3 * kF**2))
ok("Br_ENH(PT)^yxx -> C (pi - 1)/(4 pi^3 (hbar v)^3 k_F^2): sigma_ENH(PT)^yxx ~ -alpha C (pi - 1)/(4 pi^3 hbar v mu^2) "
   "(consistent): power -2, no logarithm at leading order")
inh_lead = -al / (4 * sp.pi * mu**2)                # sigma_INH^yxx at large mu (v_x = v_y)
ratio_P = sp.simplify((-al * C * (sp.pi - 1) / (4 * sp.pi**3 * hv * mu**2)) / inh_lead)
assert simplifies_to_zero(ratio_P - C * (sp.pi - 1) / (sp.pi**2 * hv))
ok("ENH(PT)/INH -> C (pi - 1)/(pi^2 hbar v) = 2 (pi - 1) alpha_fs c/(pi eps_r v): a constant (contact: grows as mu)")
# next term: -pi C q_s log(k_F/q_s) sum_m G_m(k_F) (the q ~ q_s region: delta V = -C q_s/(q (q + q_s)) against a
# half plane, int_0^L pi q dq/(q (q + q_s)) = pi log((L + q_s)/q_s)), plus the a-part's -2 pi eps
Lm = sp.Symbol("L", positive=True)
assert simplifies_to_zero(sp.integrate(sp.pi * q / (q * (q + qs)), (q, 0, Lm)) - sp.pi * sp.log((Lm + qs) / qs))
sumG = sp.simplify(sum(g.subs(kp, kF) for g in G0))
assert simplifies_to_zero(sumG - 6 / (32 * sp.pi**3 * hv**3 * kF**3))
c1 = sp.simplify(sp.pi * sumG * kF**3 * hv**3 * 32 * sp.pi**3 / (8 * sp.pi - 8) * 1)
assert simplifies_to_zero(c1 - 3 * sp.pi / (4 * (sp.pi - 1)))
ok("next term (k_F >> q_s): sigma_ENH(PT) = leading x [1 - (3 pi/(4 (pi - 1))) (q_s/k_F) log(k_F/q_s) + O(q_s/k_F)] "
   "(sum_m G_m(k_F) = 6/(32 pi^3 (hbar v)^3 k_F^3) at Delta -> 0; the log coefficient is confirmed by the reference in the tests)")

# q_s -> 0 at fixed mu
print("  => q_s -> 0 at fixed mu: ENH(PT) stays finite (A_0 + A_2 = 0 removes log(1/q_s) from the a-part; the sea "
   "integrals of the 1/q harmonics converge, their log|k' - k_F| being integrable) and is approached as "
   "q_s log q_s; ENH(T) vanishes linearly, sigma ~ q_s (V_eff = C q_s/k_F^2), although Y ~ log(1/q_s) itself (consequences of the checks above)")

body = r"""
Interaction $V(q)=\frac{C}{q+q_s}$, $C=\frac{e^2}{2\epsilon_0\epsilon_r}$ ($=2\pi\times1.44$ eV nm$/\epsilon_r$); raw
elements, consistent convention ($s=-1$; the printed convention flips every ENH sign), electron doping (hole
doping: minus the same at $|\mu|$), $\varepsilon=q_s/(2k_F)$, $\hbar v k_F=\sqrt{\mu^2-\Delta^2}$. Starting point: the
reduced form and coefficients of `enh_q_dependent_reference.md`.

## ENH(T) of $H_T$: an effective contact constant (any radial $V$)

✔ From the coefficients, $\mathrm{Br}^{xyy}=-\frac{\Delta(\hbar v)^2k_F^4}{32\pi^3E_F^5}\,[a_0-2a_1+a_2+k_F(b_0-b_2)+\frac{\Delta^2}{(\hbar vk_F)^2}I]$,
$I=2a_1-2a_2+k_F(b_0-b_2)$, and ✔ by parts in $\phi$ $k_F(b_0-b_2)=2(a_2-a_1)$, i.e. $I=0$. Hence, exactly,

$$\sigma^{xyy}_{\rm ENH(T)}[V]=\sigma^{xyy}_{\rm ENH(T)}\big[\text{contact},\ V_0\to V_{\rm eff}(k_F)\big],\qquad
V_{\rm eff}=\frac{a_0-4a_1+3a_2}{2\pi}=-\frac{2}{\pi}\int_0^{2\pi}\!d\phi\;V\big(2k_F|\sin\tfrac\phi2|\big)\sin^2\tfrac\phi2\,(1+3\cos\phi).$$

✔ Contact: $V_{\rm eff}=V_0$. ✔ **Unscreened Coulomb $C/q$: $V_{\rm eff}=0$ exactly** -- ENH(T) vanishes at every $\mu$.
✔ Screened Coulomb (elementary):
$V_{\rm eff}=\frac{C}{\pi k_F}\big[2\pi\varepsilon+24\varepsilon^2-12\pi\varepsilon^3-8\varepsilon^2(2-3\varepsilon^2)J_0(\varepsilon)\big]$,
$J_0=\frac{\operatorname{arccosh}(1/\varepsilon)}{\sqrt{1-\varepsilon^2}}$;
✔ $\varepsilon\to0$: $V_{\rm eff}=\frac{Cq_s}{k_F^2}\big[1+\frac{4\varepsilon}{\pi}(2\log\frac\varepsilon2+3)+O(\varepsilon^2\log\varepsilon)\big]$;
✔ $q_s\to\infty$: $V_{\rm eff}=\frac{C}{q_s}\big[1-\frac{128\,k_F}{15\pi q_s}+\dots\big]$ (contact with $V_0=C/q_s=2\pi\times$ the paper's $V_0$).

**Large $\mu$** ($k_F\gg q_s$, $k_F\gg\Delta/\hbar v$): ✔
$$\sigma^{xyy}_{\rm ENH(T)}=\frac{\alpha(\tau/\hbar)\,C q_s\Delta(\mu^2-\Delta^2)}{16\pi^2\mu^5}\Big[1-\frac{4}{\pi}\frac{q_s}{k_F}\Big(\log\frac{4k_F}{q_s}-\frac32\Big)+O\big(\tfrac{q_s^2}{k_F^2}\log\big)\Big]
\simeq\frac{e^3}{\hbar}\,\frac{\alpha(\tau/\hbar)Cq_s\Delta}{16\pi^2\mu^3}:$$
power $-3$, no logarithm at leading order; ✔ $\sigma_{\rm ENH(T)}/\sigma_{\rm BCD}\to-\frac{Cq_s}{12\pi\mu}$ (BCD $\sim\mu^{-2}$).

## ENH(PT) of $H_{PT}$

✔ $A_0=-A_2$, $A_1=B_m=0$: the $a$-part $A_0(a_0-a_2)$ with ✔ $a_0-a_2=\frac{2C}{k_F}\big(\frac83-2\pi\varepsilon+\dots\big)$;
the sea part with ✔ the Coulomb harmonics $V_m(k,k')=\frac{C}{k'}L_m(k/k')$, $L_m(t)=2\pi\frac{(1/2)_m}{m!}t^m\,{}_2F_1(\frac12,m+\frac12;m+1;t^2)$,
and the massless $G_m$: ✔ $\int_0^1tL_0=4$, $\int_0^1L_1=2(\pi-2)$, $\int_0^1tL_2=\frac49(3\pi-7)$ (SymPy sums the series). ✔

$$\sigma^{yxx}_{\rm ENH(PT)}\simeq-\frac{e^3}{\hbar}\,\frac{\alpha\,C(\pi-1)}{4\pi^3\hbar v\,\mu^2}
\Big[1-\frac{3\pi}{4(\pi-1)}\frac{q_s}{k_F}\log\frac{k_F}{q_s}+O\big(\tfrac{q_s}{k_F}\big)\Big]:$$

power $-2$, no logarithm at leading order; ✔ $\sigma_{\rm ENH(PT)}/\sigma_{\rm INH}\to\frac{C(\pi-1)}{\pi^2\hbar v}
=\frac{2(\pi-1)}{\pi}\frac{\alpha_{\rm fs}c}{\epsilon_rv}$ (7.46 at $v=4\times10^5$ m/s, $\epsilon_r=1$), a constant.
The log correction: the region $q\lesssim q_s$ where screening acts, $\delta V=-\frac{Cq_s}{q(q+q_s)}$ against the
half plane outside the Fermi circle at $k$ (✔ $\int_0^L\frac{\pi q\,dq}{q(q+q_s)}=\pi\log\frac{L+q_s}{q_s}$), times
✔ $\sum_mG_m(k_F)=\frac{6}{32\pi^3(\hbar v k_F)^3}$ at $\Delta\to0$ (checked numerically by the reference, tests).

## Verdict

* **The paper's distinction does not survive a screened interaction at fixed $q_s$.** With the contact $V_0$,
  $\sigma_{\rm ENH(PT)}\sim1/\mu$ against $\sigma_{\rm INH}\sim1/\mu^2$; with $V=C/(q+q_s)$ the exchange at $k_F\gg q_s$ is
  Coulomb-like, $V\sim C/k_F$, and $\sigma_{\rm ENH(PT)}\sim1/\mu^2$: the same power as INH, ratio $\to$ a constant.
* ENH(T) falls even faster, $\sim q_s/\mu^3$, against BCD $\sim1/\mu^2$: ENH(T)/BCD $\sim-Cq_s/(12\pi\mu)$ decreases
  (the paper's Fig. 3b growth is a property of the contact interaction). Both statements hold for hole doping.
* $q_s\to0$ at fixed $\mu$: ✔ ENH(PT) finite (no $\log q_s$), ENH(T) $\to0$ linearly in $q_s$, although the field $Y$
  itself diverges as $\log(1/q_s)$: that divergent part is the same in every harmonic and cancels
  ($\sum_mA_m=\sum_mB_m=0$, i.e. $\sum_\eta S^{\eta a}_n\langle s^\eta\rangle_n=0$), and for $1/q$ the finite rest cancels too.
* Remark (scaling, not asserted here): a Thomas-Fermi $q_s\propto k_F$ (not the paper's fixed $q_s$) makes $\varepsilon$ constant; then both ENH
  terms scale as $V\sim1/k_F$ times the contact powers, ENH(PT) $\sim1/\mu^2$ and ENH(T) $\sim1/\mu^2$.
"""
write_markdown("enh_screened_large_mu", "ENH with a screened Coulomb interaction: large mu and q_s -> 0", body)
print(f"\n{len(checks)} exact checks passed in {time.time() - T0:.1f} s.")
