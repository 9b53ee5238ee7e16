"""The full intrinsic second-order conductivity: BCP Berry curvature AND the second-order energy.

Run:  python derivations/inh_full_intrinsic.py

Convention (symenh's consistent one, eq2_density_matrix_convention.py): H' = sgn e E.r with
sgn = +1 (charge q = -e); sgn is kept symbolic where it matters.  hbar k_dot = q E.

(a) Wave-packet energy to second order in E (generic three-level algebra, exact):
    the first-order state |n~> = |n> + sum_m |m> W_mn/(e_n - e_m), W = sgn e E.r (interband r).
    * the positional shift (Berry-connection change) a'^a = <n~|r^a|n~> = sgn e G^{ab} E^b,
      G^{ab}_n = 2 Re sum_m r^a_nm r^b_mn / (e_n - e_m)   (the BCP, Gao-Yang-Niu);
    * the band energy  eps~_n = <n~|H0|n~>/<n~|n~> = e_n - (e^2/2) E^a G^{ab}_n E^b
      (even in sgn), and <n~|H0 + W|n~> = eps~_n + sgn e E.a' equals the static second-order
      eigenvalue e_n + sum |W_mn|^2/(e_n - e_m) (checked against Rayleigh-Schroedinger).
(b) Semiclassical current j = q sum int f r_dot, r_dot = d_k eps~/hbar - k_dot x Omega~,
    Omega~ = Omega + curl a', to O(E^2) and O(tau^0), generic k-dependent G, f0, eps0 (2D):
    * anomalous velocity with the field-corrected curvature: modulo a total derivative
      j^c = sgn (e^3/hbar) [G^{ab} d_c f0 - G^{bc} d_a f0] E^a E^b  -- the paper's INH;
    * band-velocity energy term with occupation f0(eps0) (relaxation towards the unperturbed
      equilibrium):  j^c = -sgn (e^3/(2 hbar)) G^{ab} d_c f0 E^a E^b (mod total derivative);
    * with occupation f0(eps0 + eps^(2)) the band velocity and the occupation terms add up to
      the total derivative (q/hbar) d_c[f0 eps^(2)]: no energy contribution (inh-full = inh).
(c) Tensor structure: sigma_full^{cab} = sgn (e^3/hbar) int [G^{ab} d_c f/2 - G^{bc} d_a f];
    not antisymmetric in (c, a); j.E = -sgn (e^3/(2 hbar)) int (E.G.E)(E.grad f) != 0 (a
    dissipative, non-Hall part; INH has j.E = 0).
(d) The Dirac block d.s, d = (v_x k_x, v_y k_y, Delta), tilt t k_y, T = 0, first order in t:
    X^{cba} = int (d_c f) G^{ba} in closed form; sigma_INH^{yxx} reproduces symenh's closed form
    (H_PT = 2 blocks); sigma_full^{yxx}, ^{xyx}, ^{yyy}, ^{xxy} in closed form.
"""

from __future__ import annotations

import random
import time

import sympy as sp

from _common import PAULI, dagger, simplifies_to_zero, write_markdown, zero_mod_root

T0 = time.time()
checks = []


def ok(msg):
    checks.append(msg)
    print("  ✔", msg)


sgn = sp.Symbol("sgn", real=True)
e, hbar = sp.symbols("e hbar", positive=True)
lam = sp.Symbol("lambda", positive=True)
Ex, Ey = sp.symbols("E_x E_y", real=True)
EV = (Ex, Ey)

# ===========================================================================
# (a) wave-packet energy and positional shift, three levels
# ===========================================================================
print("(a) second-order wave-packet energy, generic three-level model")
Nl = 3
ev = sp.symbols("e1:4", real=True)
H0 = sp.diag(*ev)


def interband(name):
    M = sp.zeros(Nl)
    for i in range(Nl):
        for j in range(i + 1, Nl):
            re_, im_ = sp.symbols(f"{name}re{i}{j} {name}im{i}{j}", real=True)
            M[i, j] = re_ + sp.I * im_
            M[j, i] = re_ - sp.I * im_
    return M


r = [interband("x"), interband("y")]
W = sgn * e * lam * (Ex * r[0] + Ey * r[1])
n = 0
basis = [sp.eye(Nl)[:, m] for m in range(Nl)]
# |n~> = |n> + lam phi with phi the first-order correction
phi = sum((W[m, n] / lam / (ev[n] - ev[m]) * basis[m] for m in range(Nl) if m != n), sp.zeros(Nl, 1))


def expect(op, order):
    """<n~|op|n~>/<n~|n~> to O(lam^order) for op = A0 + lam A1 (A1: the lam-linear part)."""
    op = sp.expand(op)
    A0 = op.applyfunc(lambda x: sp.expand(x).coeff(lam, 0))
    A1 = op.applyfunc(lambda x: sp.expand(x).coeff(lam, 1))
    bn, pd = basis[n], dagger(phi)
    c0 = A0[n, n]
    c1 = (dagger(bn) * A1 * bn)[0] + (dagger(bn) * A0 * phi)[0] + (pd * A0 * bn)[0]
    c2 = ((dagger(bn) * A1 * phi)[0] + (pd * A1 * bn)[0] + (pd * A0 * phi)[0] - c0 * (pd * phi)[0])
    out = c0 + lam * c1 + lam**2 * c2
    return sp.expand(sum(sp.expand(out).coeff(lam, k) * lam**k for k in range(order + 1)))


def G_ab(a, b):
    return 2 * sp.re(sp.expand(sum(r[a][n, m] * r[b][m, n] / (ev[n] - ev[m]) for m in range(Nl) if m != n)))


G = [[sp.expand(G_ab(a, b)) for b in range(2)] for a in range(2)]
assert sp.expand(G[0][1] - G[1][0]) == 0
ok("G^{ab}_n = 2 Re sum_m r^a_nm r^b_mn/(e_n - e_m) is symmetric")
# positional shift: interband part of r
for a in range(2):
    shift = expect(r[a], 1)
    target = lam * sgn * e * sum(G[a][b] * EV[b] for b in range(2))
    assert simplifies_to_zero(shift - target)
ok("positional shift a'^a = <n~|r^a|n~> = sgn e G^{ab} E^b (the Berry-connection change of eq5)")
band = expect(H0, 2) - ev[n]
EGE = sum(EV[a] * G[a][b] * EV[b] for a in range(2) for b in range(2))
assert simplifies_to_zero((band + lam**2 * e**2 / 2 * sgn**2 * EGE).subs(sgn**2, 1))
assert simplifies_to_zero(band.subs(sgn, 1) - band.subs(sgn, -1))
ok("band energy eps~_n - e_n = <n~|H0|n~>/<n~|n~> - e_n = -(e^2/2) E.G_n.E, even in the charge sign")
total = expect(H0 + W, 2) - ev[n]
pos = sp.expand(sgn * e * lam * sum(EV[a] * sp.expand(sum(G[a][b] * EV[b] for b in range(2))) for a in range(2))
                * sgn * e * lam)
assert simplifies_to_zero((total - band - pos).subs(sgn**2, 1))
ok("total <n~|H0 + W|n~> = eps~ + (potential energy of the shifted centre, sgn e E.a')")
# the static second-order eigenvalue: det(H0 + W - E) vanishes at E = e_n + sum |W_mn|^2/(e_n - e_m)
# to O(lam^2) (Rayleigh-Schroedinger), and it equals the wave-packet total above
static = sp.expand(sum(W[m, n] * W[n, m] / (ev[n] - ev[m]) for m in range(Nl) if m != n))
assert simplifies_to_zero(sp.expand(static - total))
rng = random.Random(7)
for _ in range(3):   # exact rational points (every other symbol), a polynomial identity in lam
    pt = {s_: sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) for s_ in (H0 + W).free_symbols - {lam}}
    pt.update({ev[0]: 1, ev[1]: sp.Rational(7, 2), ev[2]: -3})
    M = (H0 + W - (ev[n] + static) * sp.eye(Nl)).subs(pt)
    charpoly = sp.expand(M.det())
    for k in range(3):
        assert charpoly.coeff(lam, k) == 0
ok("it equals the static second-order eigenvalue e_n + sum_m |W_mn|^2/(e_n - e_m) (Rayleigh-Schroedinger)")

# ===========================================================================
# (b) semiclassical current at O(E^2), generic functions of k
# ===========================================================================
print("(b) semiclassical current, charge q = -sgn e, generic G(k), eps0(k), f0")
kx, ky = sp.symbols("k_x k_y", real=True)
K = (kx, ky)
eps0 = sp.Function("epsilon0")(kx, ky)
f0 = sp.Function("f0")
Gk = [[sp.Function("G_xx")(kx, ky), sp.Function("G_xy")(kx, ky)],
      [sp.Function("G_xy")(kx, ky), sp.Function("G_yy")(kx, ky)]]
Om = sp.Function("Omega")(kx, ky)
q = -sgn * e
kdot = [q * Ev / hbar for Ev in EV]
a_prime = [sgn * e * sum(Gk[a][b] * EV[b] for b in range(2)) for a in range(2)]
eps2 = -(e**2 / 2) * sum(EV[a] * Gk[a][b] * EV[b] for a in range(2) for b in range(2))
dOm = sp.diff(a_prime[1], kx) - sp.diff(a_prime[0], ky)


def zero_both_signs(expr) -> bool:
    """expr == 0 for sgn = +1 and for sgn = -1 (sgn^2 = 1)."""
    return all(simplifies_to_zero(sp.expand(expr.subs(sgn, s_))) for s_ in (1, -1))


def cross_z(v, w):
    """(v x w z_hat) in 2D: (v_y w, -v_x w)."""
    return [v[1] * w, -v[0] * w]


def quad_part(expr):
    """The part of expr of second order in E (expr polynomial in E_x, E_y)."""
    s = sp.Symbol("s")
    return sp.expand(sp.expand(expr.subs({Ex: s * Ex, Ey: s * Ey})).coeff(s, 2))


f_bare = f0(eps0)
f_corr = f0(eps0) + sp.Subs(sp.Derivative(f0(sp.Symbol("x")), sp.Symbol("x")), sp.Symbol("x"), eps0).doit() * eps2


def dfc(c):
    return sp.diff(f_bare, K[c])


inh_formula = [sgn * e**3 / hbar * sum((Gk[a][b] * dfc(c) - Gk[b][c] * dfc(a)) * EV[a] * EV[b]
                                         for a in range(2) for b in range(2)) for c in range(2)]
energy_formula = [-sgn * e**3 / (2 * hbar) * sum(Gk[a][b] * dfc(c) * EV[a] * EV[b] for a in range(2)
                                                  for b in range(2)) for c in range(2)]
for c in range(2):
    anom = quad_part(q * f_bare * (-cross_z(kdot, Om + dOm)[c]))
    # total derivative: f0 dOm = d_x(f0 a'_y) - d_y(f0 a'_x) - (a'_y d_x f0 - a'_x d_y f0)
    td = q * (-cross_z(kdot, 1)[c]) * (sp.diff(f_bare * a_prime[1], kx) - sp.diff(f_bare * a_prime[0], ky))
    assert zero_both_signs(anom - quad_part(td) - inh_formula[c])
ok("anomalous velocity with Omega + curl a' gives, up to a total derivative, "
   "j^c = sgn (e^3/hbar) [G^{ab} d_c f0 - G^{bc} d_a f0] E^a E^b  (the paper's INH)")
for c in range(2):
    band_bare = quad_part(q * f_bare * sp.diff(eps0 + eps2, K[c]) / hbar)
    td = q / hbar * sp.diff(f_bare * eps2, K[c])
    assert zero_both_signs(band_bare - td - energy_formula[c])
ok("band velocity d_c eps~/hbar with occupation f0(eps0): up to a total derivative "
   "j^c = -sgn (e^3/(2 hbar)) G^{ab} d_c f0 E^a E^b")
for c in range(2):
    band_corr = quad_part(q * f_corr * sp.diff(eps0 + eps2, K[c]) / hbar)
    assert zero_both_signs(band_corr - q / hbar * sp.diff(f_bare * eps2, K[c]))
    anom_corr = quad_part(q * f_corr * (-cross_z(kdot, Om + dOm)[c]))
    assert zero_both_signs(anom_corr - quad_part(q * f_bare * (-cross_z(kdot, Om + dOm)[c])))
ok("occupation f0(eps0 + eps^(2)): band velocity + occupation = (q/hbar) d_c[f0 eps^(2)], a total "
   "derivative; the anomalous term is unchanged at O(E^2): inh-full = inh exactly")
# odd in the charge, like INH: both terms are proportional to sgn
for c in range(2):
    assert simplifies_to_zero(energy_formula[c].subs(sgn, -1) + energy_formula[c].subs(sgn, 1))
ok("the energy term is odd in the charge (proportional to sgn) like INH: the same in both conventions")

# ===========================================================================
# (c) tensor structure
# ===========================================================================
print("(c) tensor structure")
Gs = [[sp.Symbol("G_xx"), sp.Symbol("G_xy")], [sp.Symbol("G_xy"), sp.Symbol("G_yy")]]
df = sp.symbols("df_x df_y")


def sig_inh(c, a, b):
    return Gs[a][b] * df[c] - Gs[b][c] * df[a]


def sig_full(c, a, b):
    return Gs[a][b] * df[c] / 2 - Gs[b][c] * df[a]


ran = range(2)
assert all(sp.expand(sig_inh(c, a, b) + sig_inh(a, c, b)) == 0 for c in ran for a in ran for b in ran)
ok("INH integrand antisymmetric in (c, a): Hall")
anti = [sp.expand(sig_full(c, a, b) + sig_full(a, c, b)) for c in ran for a in ran for b in ran]
assert any(x != 0 for x in anti)
for c in ran:
    for a in ran:
        for b in ran:
            assert sp.expand(sig_full(c, a, b) + sig_full(a, c, b)
                             + (Gs[a][b] * df[c] + Gs[b][c] * df[a]) / 2) == 0
ok("inh-full: sigma^{cab} + sigma^{acb} = -(e^3/(2 hbar)) int [G^{ab} d_c f + G^{bc} d_a f] != 0")
jE_inh = sp.expand(sum(sig_inh(c, a, b) * EV[c] * EV[a] * EV[b] for c in ran for a in ran for b in ran))
jE_full = sp.expand(sum(sig_full(c, a, b) * EV[c] * EV[a] * EV[b] for c in ran for a in ran for b in ran))
EGEs = sum(EV[a] * Gs[a][b] * EV[b] for a in ran for b in ran)
assert jE_inh == 0
assert sp.expand(jE_full + EGEs * (Ex * df[0] + Ey * df[1]) / 2) == 0
ok("j.E: INH 0 (dissipationless); inh-full -(e^3/(2 hbar)) int (E.G.E)(E.grad f) (a non-Hall part)")

# ===========================================================================
# (d) the Dirac block, first order in the tilt, T = 0
# ===========================================================================
print("(d) Dirac block d.s + t k_y, conduction band, first order in t")
vx, vy, Delta, mu = sp.symbols("v_x v_y Delta mu", positive=True)
t = sp.Symbol("t", real=True)
Dsym = sp.Symbol("D", positive=True)
I = sp.I


def bcp_upper(dvec):
    """G^{ab} of the upper level of d.s from explicit eigenvectors (rational in D = |d|)."""
    d1, d2, d3 = dvec
    D2 = sp.expand(d1**2 + d2**2 + d3**2)
    w = [sp.Matrix([d3 + Dsym, d1 + I * d2]), sp.Matrix([-(d1 - I * d2), d3 + Dsym])]
    N2 = 2 * Dsym * (Dsym + d3)
    H = sum((dvec[i] * PAULI[i + 1] for i in range(3)), sp.zeros(2))
    v = [H.diff(kx), H.diff(ky)]

    def me(A, n_, m_):
        return sp.expand((dagger(w[n_]) * A * w[m_])[0]) / N2

    out = [[None, None], [None, None]]
    for a in range(2):
        for b in range(2):
            ra = I * me(v[a], 0, 1) / (-2 * Dsym)        # r^a_cv = i v^a_cv/(e_v - e_c)
            rb = I * me(v[b], 1, 0) / (2 * Dsym)         # r^b_vc = i v^b_vc/(e_c - e_v)
            z = sp.expand(ra * rb)
            out[a][b] = (z + sp.conjugate(z).subs({sp.conjugate(Dsym): Dsym})) / (2 * Dsym)   # checked by zero_mod_root
    return out, D2


Ek = sp.sqrt(vx**2 * kx**2 + vy**2 * ky**2 + Delta**2)
Gd = {}
for sign_ in (1, -1):
    dvec = [sign_ * vx * kx, sign_ * vy * ky, sign_ * Delta]
    Gu, D2 = bcp_upper(dvec)
    Gd[sign_] = Gu
    ref = {(0, 0): vx**2 * (vy**2 * ky**2 + Delta**2) / (4 * Dsym**5),
           (1, 1): vy**2 * (vx**2 * kx**2 + Delta**2) / (4 * Dsym**5),
           (0, 1): -vx**2 * vy**2 * kx * ky / (4 * Dsym**5)}
    for (a, b), val in ref.items():
        assert zero_mod_root(Gu[a][b] - val, Dsym, D2), (a, b, sp.simplify(Gu[a][b]))
ok("G^{ab} of the upper level of +-d.s: G^xx = v_x^2 (v_y^2 k_y^2 + Delta^2)/(4E^5), "
   "G^yy = v_y^2 (v_x^2 k_x^2 + Delta^2)/(4E^5), G^xy = -v_x^2 v_y^2 k_x k_y/(4E^5), the same for both blocks")
Gexpr = {(0, 0): vx**2 * (vy**2 * ky**2 + Delta**2) / (4 * Ek**5),
         (1, 1): vy**2 * (vx**2 * kx**2 + Delta**2) / (4 * Ek**5),
         (0, 1): -vx**2 * vy**2 * kx * ky / (4 * Ek**5)}
Gexpr[(1, 0)] = Gexpr[(0, 1)]
p, th, En = sp.symbols("p theta E", positive=True)
polar = {kx: p * sp.cos(th) / vx, ky: p * sp.sin(th) / vy}


def contour(F):
    """int d^2k/(2 pi)^2 delta(mu - E) F at T = 0 (mu > Delta), scaled polar coordinates."""
    # on the contour E(k) = E: replace |d|^2 = v_x^2 k_x^2 + v_y^2 k_y^2 + Delta^2 (the base of every
    # power of E(k) in F) by E^2 before the polar substitution, then p = sqrt(E^2 - Delta^2)
    Fe = F.xreplace({Ek**2: En**2})
    assert all(w.exp.is_Integer for w in Fe.atoms(sp.Pow)), "a power of E(k) was not replaced"
    g = Fe.subs(polar)
    ang = sp.integrate(sp.expand(g), (th, 0, 2 * sp.pi))
    ang = sp.simplify(ang.subs(p, sp.sqrt(En**2 - Delta**2)))
    return sp.factor(sp.simplify(En * ang / (4 * sp.pi**2 * vx * vy)).subs(En, mu))


# X^{cba} = int (d_c f) G^{ba};  d/dt at 0: +int delta t-profile k_y d_c G^{ba}  (f(eps0 + t k_y))
X1 = {}
for (c, b, a) in [(1, 0, 0), (0, 0, 1), (1, 1, 1), (0, 1, 0)]:
    X1[(c, b, a)] = contour(ky * sp.diff(Gexpr[(b, a)], K[c]))
ok("X^{cba} to first order in t: " + ", ".join(f"X^{{{'xy'[c]}{'xy'[b]}{'xy'[a]}}} = t ({sp.latex(v)})"
                                              for (c, b, a), v in X1.items()))
assert simplifies_to_zero(X1[(0, 0, 1)] - X1[(0, 1, 0)])
# sigma in units e^3/hbar (sgn = +1), H_PT = two blocks
two = 2
s_inh_yxx = sp.factor(two * t * (X1[(1, 0, 0)] - X1[(0, 0, 1)]))
readme = -t * vx * (mu**2 - Delta**2) / (4 * sp.pi * vy * mu**4)
assert simplifies_to_zero(s_inh_yxx - readme)
ok(f"H_PT (2 blocks): sigma_INH^yxx = {s_inh_yxx}: symenh's closed form "
   "-alpha hbar v_x (mu^2 - Delta^2)/(4 pi hbar v_y mu^4) reproduced")
s_full = {
    "yxx": sp.factor(two * t * (X1[(1, 0, 0)] / 2 - X1[(0, 0, 1)])),
    "xyx": sp.factor(two * t * (X1[(0, 0, 1)] / 2 - X1[(1, 0, 0)])),
    "yyy": sp.factor(two * t * (-X1[(1, 1, 1)] / 2)),
    "xxy": sp.factor(two * t * (-X1[(0, 1, 0)] / 2)),
}
s_inh = {"yxx": s_inh_yxx, "xyx": -s_inh_yxx, "yyy": sp.Integer(0), "xxy": sp.Integer(0)}
assert not simplifies_to_zero(s_full["yxx"] + s_full["xyx"])
assert s_full["yyy"] != 0
ok("inh-full on H_PT: " + "; ".join(f"sigma^{k} = {v}" for k, v in s_full.items()))
sym_xxy = sp.factor((s_full["xxy"] + s_full["xyx"]) / 2)
ok(f"physical (a, b)-symmetrised inh-full element xxy = (sigma^xxy + sigma^xyx)/2 = {sym_xxy} "
   f"(INH: {sp.factor(-s_inh_yxx / 2)})")
ratio = sp.simplify(s_full["yxx"] / s_inh_yxx)
ok(f"sigma_full^yxx / sigma_INH^yxx = {sp.factor(ratio)}")
large = sp.limit(ratio, mu, sp.oo)
ok(f"ratio at large mu -> {large}; at the band edge mu -> Delta: {sp.limit(ratio, mu, Delta)}")

table = "\n".join(f"| ${k}$ | ${sp.latex(s_inh[k])}$ | ${sp.latex(s_full[k])}$ |" for k in s_full)
body = rf"""
Convention: $H'=\mathrm{{sgn}}\,e\,\mathbf E\cdot\mathbf r$, carrier charge $q=-\mathrm{{sgn}}\,e$ (symenh's
consistent convention is $\mathrm{{sgn}}=+1$, electrons), $\hbar\dot{{\mathbf k}}=q\mathbf E$.

**(a) Second-order energy.** With the first-order state
$|\tilde n\rangle=|n\rangle+\sum_m|m\rangle W_{{mn}}/(\epsilon_n-\epsilon_m)$, $W=\mathrm{{sgn}}\,e\,\mathbf E\cdot\mathbf r$
(interband $\mathbf r$), exactly for a generic three-level model:

* ✔ positional shift $a'^a=\langle\tilde n|r^a|\tilde n\rangle=\mathrm{{sgn}}\,e\,G^{{ab}}_nE^b$,
  $G^{{ab}}_n=2\,\mathrm{{Re}}\sum_m r^a_{{nm}}r^b_{{mn}}/(\epsilon_n-\epsilon_m)$ (the BCP);
* ✔ band energy $\tilde\epsilon_n=\langle\tilde n|H_0|\tilde n\rangle/\langle\tilde n|\tilde n\rangle
  =\epsilon_n-\tfrac{{e^2}}{{2}}E^aG^{{ab}}_nE^b$, even in the charge;
* ✔ $\tilde\epsilon_n+\mathrm{{sgn}}\,e\,\mathbf E\cdot\mathbf a'$ is the static second-order eigenvalue
  $\epsilon_n+\sum_m|W_{{mn}}|^2/(\epsilon_n-\epsilon_m)$: the wave packet's energy is its band energy
  $\tilde\epsilon$ plus the potential energy of its shifted centre.

**(b) Current** $\mathbf j=q\sum_n\int f_n\dot{{\mathbf r}}$, $\dot{{\mathbf r}}=\partial_{{\mathbf k}}\tilde\epsilon/\hbar
-\dot{{\mathbf k}}\times\tilde\Omega$, $\tilde\Omega=\Omega+\nabla\times\mathbf a'$, at $O(E^2)$, $O(\tau^0)$
(generic $G(\mathbf k)$, $\epsilon_0(\mathbf k)$, $f_0$; equalities up to total derivatives, which
integrate to zero):

* ✔ field-corrected curvature: $j^c=\mathrm{{sgn}}\frac{{e^3}}{{\hbar}}\sum_n\int[G^{{ab}}_n\partial_cf_0-G^{{bc}}_n\partial_af_0]E^aE^b$,
  the paper's $\sigma_\mathrm{{INH}}^{{cab}}=\frac{{e^3}}{{\hbar}}\sum\int G^{{ba}}\partial_cf-(c\leftrightarrow a)$;
* ✔ energy correction in the band velocity, occupation $f_0(\epsilon_0)$:
  $j^c=-\mathrm{{sgn}}\frac{{e^3}}{{2\hbar}}\sum_n\int G^{{ab}}_n\partial_cf_0\,E^aE^b$;
* ✔ occupation $f_0(\epsilon_0+\epsilon^{{(2)}})$: band velocity and occupation combine into
  $(q/\hbar)\partial_c[f_0\epsilon^{{(2)}}]$, a total derivative: no energy term, the result is INH;
* ✔ both terms are odd in the charge: the same in both of symenh's sign conventions.

Hence, with $X^{{cba}}=\sum_n\int(\partial_cf_n)G^{{ba}}_n$ (the factor of `inh`) and $T^{{cab}}=X^{{cba}}$:
$$\sigma_\mathrm{{INH}}^{{cab}}=\frac{{e^3}}{{\hbar}}\big(T^{{cab}}-T^{{acb}}\big),\qquad
\sigma_\mathrm{{INH\text{{-}}full}}^{{cab}}=\frac{{e^3}}{{\hbar}}\sum_n\int\Big[\tfrac12G^{{ab}}_n\partial_cf_n-G^{{bc}}_n\partial_af_n\Big]
=\frac{{e^3}}{{\hbar}}\big(\tfrac12T^{{cab}}-T^{{acb}}\big)$$
(occupation relaxing towards $f_0(\epsilon_0)$, symenh's default `occupation="bare"`; with
`occupation="field-corrected"` $\sigma_\mathrm{{INH\text{{-}}full}}=\sigma_\mathrm{{INH}}$).

**(c) Relations.** ✔ INH is antisymmetric in $(c,a)$ and $\mathbf j\cdot\mathbf E=0$. ✔ inh-full is not:
$\sigma^{{cab}}+\sigma^{{acb}}=-\frac{{e^3}}{{2\hbar}}\int[G^{{ab}}\partial_cf+G^{{bc}}\partial_af]$ and
$\mathbf j\cdot\mathbf E=-\frac{{e^3}}{{2\hbar}}\int(\mathbf E\cdot G\cdot\mathbf E)(\mathbf E\cdot\nabla f)\neq0$:
a dissipative, longitudinal (non-Hall) part.

**(d) $H_{{PT}}$** (two blocks $\pm\mathbf d\cdot\mathbf s$ with equal $G$ ✔), tilt $t k_y$, $T=0$, first order in
$t$, units $e^3/\hbar$ (✔ INH reproduces symenh's closed form):

| element | INH | inh-full |
|---|---|---|
{table}

✔ The physical (a, b)-symmetrised xxy element: INH ${sp.latex(sp.factor(-s_inh_yxx / 2))}$, inh-full
${sp.latex(sym_xxy)}$. ✔ $\sigma_\mathrm{{full}}^{{yxx}}/\sigma_\mathrm{{INH}}^{{yxx}}={sp.latex(sp.factor(ratio))}$
(${sp.latex(large)}$ at large $\mu$). New elements: $yyy$ (longitudinal, $j^y\propto E_y^2$) and $xxy$;
$xyx\neq-yxx$. $H_T$: INH and inh-full both vanish (T symmetry, the same factor X).

**Literature.** The BCP term is Gao, Yang, Niu, PRL 112, 166601 (2014); the energy correction
$-\frac{{e^2}}{{2}}\mathbf E\cdot G\cdot\mathbf E$ is theirs too. Whether it survives depends only on the
occupation: Hall-only intrinsic results (the BCP Berry-curvature term alone, as in the paper's INH and in
the intrinsic second-order anomalous Hall formulas of Liu et al., PRL 127, 277202 and Wang, Gao, Xiao,
PRL 127, 277201 (2021), as their titles and abstracts describe them) correspond to $f_0(\tilde\epsilon)$ here;
an intrinsic longitudinal (nonreciprocal) part as reported by Kaplan, Holder, Yan, PRL 132, 026301 (2024)
requires occupations that do not follow $\tilde\epsilon$, i.e. $f_0(\epsilon_0)$. The numerical coefficients
of those papers were not available to this derivation and are not asserted here.
"""
write_markdown("inh_full_intrinsic", "The full intrinsic second-order conductivity (inh-full)", body)
print(f"\n{len(checks)} exact checks passed in {time.time() - T0:.1f} s.")
