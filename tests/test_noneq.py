"""The nonequilibrium quantum geometry (paper Eqs. 2, 3, 5-7; symenh.noneq), each against an
independent path: direct diagonalisation with a finite difference in U, the closed-form BCP and SBP,
finite differences in k, static perturbation theory of f(H), the conductivities of symenh.sigma."""

import numpy as np
import pytest
import sympy as sp

import symenh
from symenh.errors import ContourError, ParameterError, ResponseError, SymenhError
from symenh.kernels import kernel_for
from symenh.kernels.direct import frame_from_matrices, geometry_of_frame
from symenh.kernels.hamiltonian import param_vector
from symenh.kernels.perturbed import position_operator
from symenh.noneq import UniformExchange, noneq_state
from symenh.noneq.current import anomalous_current
from symenh.noneq.levels import noneq_levels
from symenh.params import PAPER

FIELD = (3e4, 2e4)          # V/m, a generic in-plane direction (every spin channel appears)
MU = 0.1                    # eV, conduction band (Delta = 50 meV)


def _user_model():
    kx, ky, hv, D, b, t = sp.symbols("kx ky hv D b t", real=True)
    H = sp.Matrix([[D + b * (kx**2 + ky**2) + t * ky, hv * (kx - sp.I * ky)],
                   [hv * (kx + sp.I * ky), -D - b * (kx**2 + ky**2) + t * ky]])
    model = symenh.from_matrix(H, kx=kx, ky=ky, params=(hv, D, b, t), tilt_symbol=t, name="k2-mass")
    return model, {"hv": 0.3, "D": 0.04, "b": 0.5, "t": 0.02}


_STATES = {}


def state(name, **kw):
    """T = 0 states at the paper's parameters (tilt as given), built once per session."""
    key = (name, tuple(sorted(kw.items())))
    if key not in _STATES:
        if name == "user":
            model, vals = _user_model()
            _STATES[key] = noneq_state(model, model_values=vals, field_V_per_m=FIELD, mu_eV=0.08, **kw)
        else:
            valley = 1 if name == "tilted-dirac" else None
            _STATES[key] = noneq_state(name, valley=valley, field_V_per_m=FIELD, mu_eV=MU, **kw)
    return _STATES[key]


def _kpoints(rng, n=6, scale=0.3):
    r = scale * rng.uniform(0.05, 1.5, n)
    th = rng.uniform(0, 2 * np.pi, n)
    return r * np.cos(th), r * np.sin(th)


def _per_level_close(mine, ref, level, rtol, floor=0.0):
    """Compare per level: max over k of |mine - ref| <= rtol * max over k of |ref| (+ floor)."""
    for L in np.unique(level):
        sel = level == L
        a, b = mine[sel], ref[sel]
        scale = max(float(np.max(np.abs(b))), floor)
        assert float(np.max(np.abs(a - b))) <= rtol * scale, (L, float(np.max(np.abs(a - b))), scale)


# ---------------------------------------------------------------------------------------------------
# the exchange part: exact first-order change under H -> H + U s (direct diagonalisation, FD in U)
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["tilted-dirac", "pt-dirac", "user"])
def test_exchange_part_is_the_first_order_change_under_U_s(name, rng):
    st = state(name)
    kx, ky = _kpoints(rng, 6, 0.3 if name != "user" else 0.2)
    U = st.U0                                          # uniform (contact)
    assert np.max(np.abs(U[1:])) > 1e-7
    ham = st.ham
    p = param_vector(st.model, st.values)
    Hk = ham.H(kx, ky, p)
    v = [ham.velocity(a, kx, ky, p) for a in range(2)]
    s = ham.spin()
    Hp = np.einsum("e,eij->ij", U, s)
    h = 1e-5 / np.max(np.abs(U))

    # the degeneracy tolerance exceeds the O(lam U) Kramers splitting: the pair is traced
    fd, g0 = _first_order_change(Hk, v, s, Hp, [0.0, 0.0], h)
    level = g0.level
    dOm = st.delta_berry_curvature(kx, ky).exchange
    dg = st.delta_quantum_metric(kx, ky).exchange
    _per_level_close(dOm, fd["berry_curvature"], level, 1e-7)
    # the natural size of delta g, |g| |U| / gap (H_PT: delta g vanishes by PT, both sides are roundoff)
    gap = float(np.min(np.diff(g0.energy, axis=-1)[np.diff(g0.energy, axis=-1) > 1e-3]))
    floor = float(np.max(np.abs(g0.quantum_metric))) * float(np.max(np.abs(U))) / gap
    _per_level_close(dg, fd["quantum_metric"], level[..., None, None] + 0 * dg.astype(int), 1e-7, floor)
    if name == "pt-dirac":
        assert float(np.max(np.abs(dg))) < 1e-9 * float(np.max(np.abs(dOm)))
    else:
        assert float(np.max(np.abs(dg))) > 1e-3 * float(np.max(np.abs(dOm)))


# ---------------------------------------------------------------------------------------------------
# the field part: e E G (closed-form BCP) and curl(e E G) (finite differences of the closed form)
# ---------------------------------------------------------------------------------------------------
def _closed(st, q, kx, ky):
    """Closed-form level values at k, mapped onto the bands (each band carries its level's trace)."""
    val = kernel_for(st.model).evaluate(q, kx, ky, st.values)             # (*k, L, ...)
    level = st.frame(kx, ky).level
    return np.take_along_axis(val, level.reshape(level.shape + (1,) * (val.ndim - level.ndim)), axis=level.ndim - 1)


def _curl(fn, kx, ky, d=1e-4):
    """d_x F_y - d_y F_x by the fourth-order central stencil; fn(kx, ky) -> (..., 2)."""
    def der(a):
        e = np.array([d if a == 0 else 0.0, d if a == 1 else 0.0])
        f = [fn(kx + m * e[0], ky + m * e[1]) for m in (-2, -1, 1, 2)]
        return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * d)
    return der(0)[..., 1] - der(1)[..., 0]


@pytest.mark.parametrize("name", ["tilted-dirac", "pt-dirac"])
def test_field_part_is_eEG_and_its_curl(name, rng):
    st = state(name)
    kx, ky = _kpoints(rng, 6)
    eE = st.eE
    level = st.frame(kx, ky).level
    G = _closed(st, "bcp", kx, ky)                                         # [a][b], nm^2/eV
    dA = st.delta_berry_connection(kx, ky)
    _per_level_close(dA.field, np.einsum("b,...nba->...na", eE, G), level[..., None] + 0 * dA.field.astype(int), 1e-10)
    # and its U part is U^eta S^{eta a} with the closed-form SBP (Eq. 5)
    US = np.einsum("e,...nea->...na", st.U0, _closed(st, "sbp", kx, ky))
    _per_level_close(dA.exchange, US, level[..., None] + 0 * dA.exchange.astype(int), 1e-10)
    assert np.max(np.abs(US)) > 0
    dOm = st.delta_berry_curvature(kx, ky)
    ref = _curl(lambda x, y: np.einsum("b,...nba->...na", eE, _closed(st, "bcp", x, y)), kx, ky)
    _per_level_close(dOm.field, ref, level, 1e-7)
    # and the exchange part is curl(U S) (Eq. 6 with a uniform U), from the closed-form SBP
    refU = _curl(lambda x, y: np.einsum("e,...nea->...na", st.U0, _closed(st, "sbp", x, y)), kx, ky)
    _per_level_close(dOm.exchange, refU, level, 1e-7)


class _LinearExchange:
    """A k-dependent exchange field W(k) = W0 + W1 k_x (nm), Y = 0: the interface a q-dependent V uses."""

    uniform = False

    def __init__(self, W0, W1):
        self.W0, self.W1 = np.asarray(W0), np.asarray(W1)

    def at(self, kx, ky):
        kx = np.asarray(kx, dtype=float)
        W = self.W0 + self.W1 * kx[..., None, None]
        dW = np.zeros(W.shape + (2,))
        dW[..., 0] = self.W1
        return W, np.zeros_like(W), dW, np.zeros_like(dW)


def test_k_dependent_exchange_field_plugs_into_the_same_assembly(rng):
    base = state("pt-dirac")
    W0 = base.exchange.W
    ex = _LinearExchange(W0, 3.0 * W0)
    st = noneq_state("pt-dirac", field_V_per_m=FIELD, mu_eV=MU, exchange=ex)
    kx, ky = _kpoints(rng, 5)
    U = st.exchange_field(kx, ky).total
    assert np.allclose(U, -np.einsum("...eb,b->...e", ex.at(kx, ky)[0], st.eE), rtol=1e-14, atol=0)
    assert np.ptp(U[..., 2]) > 1e-3 * np.max(np.abs(U[..., 2]))               # really k-dependent
    level = st.frame(kx, ky).level

    def US(x, y):
        Ux = st.exchange_field(x, y).total
        return np.einsum("...e,...nea->...na", Ux, _closed(st, "sbp", x, y))
    _per_level_close(st.delta_berry_curvature(kx, ky).exchange, _curl(US, kx, ky), level, 1e-7)


# ---------------------------------------------------------------------------------------------------
# gauge invariance, PT, uniform exchange, conventions
# ---------------------------------------------------------------------------------------------------
def _random_block_gauge(rng):
    def gauge(U, eps):
        out = U.copy()
        flat = out.reshape(-1, *U.shape[-2:])
        for i in range(flat.shape[0]):
            for blk in ((0, 1), (2, 3)) if U.shape[-1] == 4 else ((0,), (1,)):
                n = len(blk)
                z = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
                q, r = np.linalg.qr(z)
                q = q * (np.diag(r) / np.abs(np.diag(r)))
                flat[i][:, list(blk)] = flat[i][:, list(blk)] @ q
        return out
    return gauge


@pytest.mark.parametrize("name", ["pt-dirac", "tilted-dirac"])
def test_traced_quantities_are_gauge_invariant(name, rng):
    st = state(name)
    kx, ky = _kpoints(rng, 4)
    g = _random_block_gauge(rng)
    om_scale = float(np.max(np.abs(st.delta_berry_curvature(kx, ky).total)))   # nm^2, also for delta g (0 for H_PT)
    for method, attrs in ((st.delta_berry_connection, ("total", "exchange", "field")),
                          (st.delta_berry_curvature, ("total", "exchange", "field", "exchange_interband")),
                          (st.delta_quantum_metric, ("total", "exchange", "field"))):
        a, b = method(kx, ky), method(kx, ky, gauge=g)
        for at in attrs:
            x, y = getattr(a, at), getattr(b, at)
            scale = np.max(np.abs(x)) if method != st.delta_quantum_metric else max(np.max(np.abs(x)), om_scale)
            assert np.max(np.abs(x - y)) <= 1e-9 * scale, (method.__name__, at)
    s1, s2 = st.spin_density(kx, ky), st.spin_density(kx, ky, gauge=g)
    for at in ("equilibrium", "interband"):
        assert np.allclose(getattr(s1, at), getattr(s2, at), rtol=0, atol=1e-12)
    d1, d2 = st.delta_rho(kx, ky), st.delta_rho(kx, ky, gauge=g)
    for at in ("intraband_operator", "interband_operator"):
        x, y = getattr(d1, at), getattr(d2, at)
        assert np.max(np.abs(x - y)) <= 1e-10 * np.max(np.abs(x))
    assert np.allclose(d1.block(0, 1), d2.block(0, 1), rtol=0, atol=1e-10 * np.max(np.abs(d1.interband_operator)))
    if name == "pt-dirac":   # the band-basis off-diagonals are gauge dependent (said in the output)
        assert np.max(np.abs(d1.interband - d2.interband)) > 1e-3 * np.max(np.abs(d1.interband))


def test_pt_equilibrium_spin_density_vanishes_and_the_nonequilibrium_one_does_not(rng):
    kx, ky = _kpoints(rng, 40, 0.4)
    for T in (0.0, 30.0):   # the spin density does not need the exchange field: pass a zero one
        zero = UniformExchange(W=np.zeros((4, 2)), Y=np.zeros((4, 2)), W_error=0.0, Y_error=0.0)
        st = noneq_state("pt-dirac", field_V_per_m=FIELD, mu_eV=MU, temperature_K=T, exchange=zero)
        sd = st.spin_density(kx, ky)
        assert np.max(np.abs(sd.equilibrium[..., 1:])) < 1e-12
        assert np.max(np.abs(sd.nonequilibrium[..., 1:])) > 1e-4
        if sd.intraband is not None:      # Kramers-traced spin: the Fermi-surface part vanishes too
            assert np.max(np.abs(sd.intraband[..., 1:])) < 1e-12
    # negative control: H_T (one valley) has an equilibrium spin density
    zero = UniformExchange(W=np.zeros((4, 2)), Y=np.zeros((4, 2)), W_error=0.0, Y_error=0.0)
    ht = noneq_state("tilted-dirac", valley=1, field_V_per_m=FIELD, mu_eV=MU, exchange=zero)
    assert np.max(np.abs(ht.spin_density(kx, ky).equilibrium[..., 1:])) > 0.1


def test_contact_exchange_field_is_uniform_in_k(rng):
    st = state("tilted-dirac")
    kx, ky = _kpoints(rng, 20, 1.0)
    U = st.exchange_field(kx, ky)
    assert st.exchange.uniform
    assert np.max(np.abs(U.total[..., 1:])) > 1e-6
    assert np.all(U.total == U.total[0]) and np.all(U.gradient == 0)
    assert np.allclose(U.total, U.interband + U.intraband, rtol=0, atol=1e-18)
    # the JSON at two different k reports the same field
    a = noneq_levels(None, "exchange-field", (0.0, 0.0), None, None, state=st)
    b = noneq_levels(None, "exchange-field", (0.3, -0.2), None, None, state=st)
    assert a["per_k"]["U_eV"] == b["per_k"]["U_eV"] and a["per_k"]["uniform"] is True


def test_printed_convention_flips_delta_rho_and_U_not_eEG(rng):
    c, p = state("pt-dirac"), state("pt-dirac", convention="printed")
    kx, ky = _kpoints(rng, 4)
    assert np.allclose(p.U0, -c.U0, rtol=1e-12, atol=1e-20)
    assert np.allclose(p.delta_rho(kx, ky).interband_operator, -c.delta_rho(kx, ky).interband_operator, atol=1e-15)
    sc, sp_ = c.spin_density(kx, ky), p.spin_density(kx, ky)
    assert np.allclose(sp_.nonequilibrium, -sc.nonequilibrium, atol=1e-15)
    assert np.allclose(sp_.equilibrium, sc.equilibrium)
    a, b = c.delta_berry_curvature(kx, ky), p.delta_berry_curvature(kx, ky)
    assert np.allclose(a.field, b.field, rtol=1e-13, atol=0) and np.allclose(a.exchange, -b.exchange, rtol=1e-12)


# ---------------------------------------------------------------------------------------------------
# Eq. 2 against static perturbation theory of f(H) and the Boltzmann shift
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("convention", ["consistent", "printed"])
def test_delta_rho_is_the_static_and_boltzmann_response(convention, rng):
    from symenh.integrate.occupation import fermi_derivatives

    zero = UniformExchange(W=np.zeros((4, 2)), Y=np.zeros((4, 2)), W_error=0.0, Y_error=0.0)
    T = 40.0
    st = noneq_state("tilted-dirac", valley=-1, field_V_per_m=FIELD, mu_eV=MU, temperature_K=T, exchange=zero,
                     convention=convention)
    sgn = 1 if convention == "consistent" else -1
    kx, ky = _kpoints(rng, 6, 0.35)
    dr = st.delta_rho(kx, ky)
    fr = st.frame(kx, ky)
    R = fr.to_orbital(position_operator(fr))
    Hp = sgn * np.einsum("a...,a->...", R, st.eE)                  # H' = sgn e E.R (k-local part of e E.r)
    ham = st.ham
    Hk = ham.H(kx, ky, param_vector(st.model, st.values))

    def rho(lam):
        e, V = np.linalg.eigh(Hk + lam * Hp)
        f = fermi_derivatives(e, MU, st.kT)[0]
        return np.einsum("...in,...n,...jn->...ij", V, f, np.conj(V))
    def cd(h):
        return (rho(h) - rho(-h)) / (2 * h)
    fd = (4 * cd(5e-3) - cd(1e-2)) / 3                          # Richardson; |h H'| ~ 1e-6 eV << kT
    assert np.max(np.abs(fd - dr.interband_operator)) <= 1e-7 * np.max(np.abs(fd))
    # intraband: sgn (e tau/hbar) E.grad_k f(eps_n(k)), gradient by central differences of the energies
    d = 1e-5
    grad = []
    for a in range(2):
        ep = np.linalg.eigvalsh(ham.H(kx + d * (a == 0), ky + d * (a == 1), param_vector(st.model, st.values)))
        em = np.linalg.eigvalsh(ham.H(kx - d * (a == 0), ky - d * (a == 1), param_vector(st.model, st.values)))
        grad.append((fermi_derivatives(ep, MU, st.kT)[0] - fermi_derivatives(em, MU, st.kT)[0]) / (2 * d))
    ref = sgn * st.tau_over_hbar * (st.eE[0] * grad[0] + st.eE[1] * grad[1])
    assert np.max(np.abs(ref - dr.intraband)) <= 1e-6 * np.max(np.abs(ref))


def test_zero_temperature_intraband_is_a_delta_coefficient(rng):
    st = state("tilted-dirac")
    kx, ky = _kpoints(rng, 4)
    dr = st.delta_rho(kx, ky)
    assert dr.at_zero_temperature
    vel = st.geometry(kx, ky).velocity
    ref = -st.sgn * st.tau_over_hbar * np.einsum("...nb,b->...n", vel, st.eE)     # coefficient of delta(mu - eps)
    assert np.allclose(dr.intraband, ref, rtol=1e-12, atol=0)
    assert st.spin_density(kx, ky).intraband is None


# ---------------------------------------------------------------------------------------------------
# the maps integrate to the conductivities
# ---------------------------------------------------------------------------------------------------
def _currents(name, convention, a):
    params = PAPER.replace(alpha_over_hbar_v=a)
    valleys = (1, -1) if name == "tilted-dirac" else (None,)
    tot, err = {}, {}
    for v in valleys:
        st = noneq_state(name, valley=v, field_V_per_m=FIELD, mu_eV=MU, params=params, convention=convention)
        cur = anomalous_current(st, n_theta=64, n_gl=12)
        for k in cur.j:
            tot[k] = tot.get(k, 0) + cur.j[k]
            err[k] = err.get(k, 0) + cur.error[k]
    ref = {m: np.einsum("cab,a,b->c", symenh.sigma(name, m, MU, params=params, convention=convention).sigma[0],
                        FIELD, FIELD) for m in ("enh-pt", "enh-t", "inh")}
    return tot, err, ref


def test_map_integral_is_the_enh_and_inh_current_pt():
    """H_PT: j from -(e^2/hbar) E x sum int f delta Omega vs j = sigma E E of symenh.sigma (linear in alpha).
    The map is at finite alpha: j/alpha = sigma_1 + O(alpha^2), so two tilts (ratio 2) extrapolate the
    linear coefficient (their difference shows the alpha^2 law); the quadrature error is ~1e-11."""
    a1, a2 = 2e-3, 1e-3
    j1, _e1, ref1 = _currents("pt-dirac", "consistent", a1)
    j2, e2, ref2 = _currents("pt-dirac", "consistent", a2)
    for part, mech in (("exchange_interband", "enh-pt"), ("field", "inh")):
        r1, r2 = j1[part] / ref1[mech], j2[part] / ref2[mech]        # ref is exactly linear in alpha
        extrap = (4 * r2 - r1) / 3
        assert np.allclose(extrap, 1.0, rtol=0, atol=1e-8), (part, r1, r2)
        assert abs((r1[0] - 1) / (r2[0] - 1) - 4) < 0.05          # the alpha^2 law of the difference
        assert e2[part] < 1e-9 * np.max(np.abs(ref2[mech]))
    assert np.max(np.abs(j2["exchange_intraband"])) < 1e-12 * np.max(np.abs(ref2["enh-pt"]))
    assert np.allclose(j2["exchange"], j2["exchange_interband"] + j2["exchange_intraband"], rtol=1e-12)


@pytest.mark.parametrize("name,convention", [("pt-dirac", "printed"), ("tilted-dirac", "consistent")])
def test_map_integral_is_the_enh_current_small_alpha(name, convention):
    """At alpha/(hbar v) = 1e-4 the O(alpha^2) relative correction is ~2e-9 (measured by the test above):
    the map integral must agree with the linear-order sigma to 1e-7 in both mechanisms and both
    conventions, and reproduce the mechanisms that symmetry forbids as zeros."""
    j, _err, ref = _currents(name, convention, 1e-4)
    main = "enh-pt" if name == "pt-dirac" else "enh-t"
    part = "exchange_interband" if main == "enh-pt" else "exchange_intraband"
    other = "exchange_intraband" if main == "enh-pt" else "exchange_interband"
    scale = np.max(np.abs(ref[main]))
    assert np.allclose(j[part], ref[main], rtol=1e-7, atol=0)
    assert np.allclose(j["exchange"], ref["enh-pt"] + ref["enh-t"], rtol=1e-7, atol=1e-12 * scale)
    assert np.max(np.abs(j[other])) < 1e-10 * scale
    if name == "pt-dirac":
        assert np.allclose(j["field"], ref["inh"], rtol=1e-7, atol=0)
    else:   # INH vanishes for the T-symmetric H_T (both valleys)
        assert np.max(np.abs(j["field"])) < 1e-10 * scale and np.all(ref["inh"] == 0)


# ---------------------------------------------------------------------------------------------------
# temperature: the grid path tends to the T = 0 quadrature with the Sommerfeld T^2 law
# ---------------------------------------------------------------------------------------------------
def test_finite_temperature_exchange_tends_to_zero_temperature():
    U0 = state("tilted-dirac").U0
    dev = []
    for T in (20.0, 40.0):
        st = noneq_state("tilted-dirac", valley=1, field_V_per_m=FIELD, mu_eV=MU, temperature_K=T)
        assert st.exchange.W_error < 1e-6 * np.max(np.abs(st.exchange.W))
        dev.append(float(np.max(np.abs(st.U0 - U0))))
    assert dev[0] < 1e-2 * np.max(np.abs(U0))
    assert abs(dev[1] / dev[0] - 4.0) < 0.4


# ---------------------------------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------------------------------
def test_bad_input_is_one_line_symenh_error():
    cases = [
        ({"field_V_per_m": (0.0, 0.0)}, ParameterError, "field_V_per_m"),
        ({"field_V_per_m": (1e5,)}, ParameterError, "field_V_per_m"),
        ({"field_V_per_m": (np.nan, 1.0)}, ParameterError, "field_V_per_m"),
        ({"convention": "paper"}, ResponseError, "convention"),
        ({"temperature_K": -1.0}, ParameterError, "temperature_K"),
        ({"mu_eV": "0.1"}, ParameterError, "mu_eV"),
        ({"exchange_valleys": "both"}, ResponseError, "exchange_valleys"),
    ]
    for kw, cls, start in cases:
        args = {"field_V_per_m": FIELD, "mu_eV": MU}
        args.update(kw)
        with pytest.raises(cls) as exc:
            noneq_state("pt-dirac", **args)
        msg = str(exc.value)
        assert msg.startswith(start) and "\n" not in msg, msg
    with pytest.raises(ResponseError, match="^quantity"):
        noneq_levels("pt-dirac", "berry", (0.1, 0.1), FIELD, MU)
    with pytest.raises(SymenhError, match="^valley"):
        noneq_state("tilted-dirac", field_V_per_m=FIELD, mu_eV=MU)
    # a q-dependent V: the k-dependent exchange field is computed at T = 0, within the valley of k
    with pytest.raises(ParameterError, match="^temperature_K"):
        noneq_state("pt-dirac", field_V_per_m=FIELD, mu_eV=MU, interaction="screened-coulomb", temperature_K=10.0)
    with pytest.raises(ResponseError, match="^exchange_valleys"):
        noneq_state("tilted-dirac", valley=1, field_V_per_m=FIELD, mu_eV=MU, interaction="screened-coulomb",
                    exchange_valleys="all")
    with pytest.raises(ParameterError, match="^interaction"):
        noneq_state("pt-dirac", field_V_per_m=FIELD, mu_eV=MU, interaction="coulomb")
    # T = 0 inside the tilted band-edge window: the pocket does not enclose k = 0
    t = PAPER.alpha_over_hbar_v
    mu = 0.05 * (1 - 0.25 * t * t)
    with pytest.raises(ContourError, match="^mu"):
        noneq_state("pt-dirac", field_V_per_m=FIELD, mu_eV=mu)


def test_mu_in_the_gap_gives_exact_zeros_of_the_fermi_surface_parts():
    st = noneq_state("tilted-dirac", valley=1, field_V_per_m=FIELD, mu_eV=0.01)
    assert np.all(st.exchange.Y == 0)                    # no Fermi surface
    assert np.max(np.abs(st.exchange.W)) > 0              # the filled valence sea remains


# ---------------------------------------------------------------------------------------------------
# q-dependent interactions (physics.md 6): the same assembly with k-dependent W(k), Y(k)
# ---------------------------------------------------------------------------------------------------
def _const_V(V0):
    """V(q) = V0 for every q, as a *user* interaction: it takes the q-dependent integrator path
    (Duffy triangles about k, the contour integral cut at k), not the contact factors."""
    return symenh.interactions.user_interaction(lambda q: np.full(np.shape(q), V0), label="constant V0")


@pytest.mark.parametrize("name,mu", [("pt-dirac", MU), ("tilted-dirac", MU), ("pt-dirac", 0.02), ("user", 0.08),
                                     ("user", 0.0)])
def test_constant_V_through_the_q_dependent_path_is_the_contact_field(name, mu, rng):
    """V(q) = V0 must give the uniform contact field of the factors path (a different integrator:
    rays from k = 0 and the contact B, C) at every k, both parts, within both error estimates; mu = 0.02 eV
    (H_PT) and 0 (the user model) lie in the gap (Fermi sea only, the whole valence band)."""
    V0 = symenh.interactions.contact(PAPER.q_s_per_nm).V0_eV_nm2
    if name == "user":
        model, vals = _user_model()
        kw = {"model_values": vals}
        args = (model,)
    else:
        kw = {"valley": -1 if name == "tilted-dirac" else None}
        args = (name,)
    c = noneq_state(*args, field_V_per_m=FIELD, mu_eV=mu, **kw)
    q = noneq_state(*args, field_V_per_m=FIELD, mu_eV=mu, interaction=_const_V(V0), **kw)
    assert c.exchange.uniform and not q.exchange.uniform
    kx, ky = _kpoints(rng, 5, 0.3)
    Uc, Uq = c.exchange_field(kx, ky), q.exchange_field(kx, ky)
    eW, eY = q.exchange.errors(kx, ky)
    E = float(np.hypot(*c.eE))
    tol_w = E * (c.exchange.W_error + eW)
    tol_y = E * q.tau_over_hbar * (c.exchange.Y_error + eY)
    scale = float(np.max(np.abs(Uc.total)))
    assert scale > 1e-7
    assert np.all(np.abs(Uq.interband - Uc.interband).max(-1) <= tol_w + 1e-12 * scale)
    assert np.all(np.abs(Uq.intraband - Uc.intraband).max(-1) <= tol_y + 1e-12 * scale)
    assert np.all(tol_w + tol_y <= 1e-7 * scale)                          # and both are accurate
    assert np.all(Uq.gradient == 0)                                       # dV/dq = 0
    if mu in (0.02, 0.0):
        assert np.all(Uq.intraband == 0)                                 # no Fermi surface in the gap


def test_screened_coulomb_tends_to_two_pi_contact_at_large_q_s():
    """V(q) = e^2/(2 eps_0 (q + q_s)) -> e^2/(2 eps_0 q_s) = 2 pi V_0(q_s) when q_s >> k: the k-dependent
    field tends to 2 pi times the uniform contact field with a 1/q_s correction (the paper's V_0 is not
    the long-wavelength limit of the interaction it estimates: physics.md 6)."""
    kx, ky = np.array([0.1, -0.5]), np.array([0.05, 0.3])
    dev = []
    for qs in (100.0, 200.0):
        params = PAPER.replace(q_s_per_nm=qs)
        c = noneq_state("tilted-dirac", valley=1, field_V_per_m=FIELD, mu_eV=MU, params=params)
        s = noneq_state("tilted-dirac", valley=1, field_V_per_m=FIELD, mu_eV=MU, params=params,
                        interaction="screened-coulomb")
        Us, Uc = s.exchange_field(kx, ky).total[..., 1:], 2 * np.pi * c.U0[1:]
        dev.append(float(np.max(np.abs(Us - Uc)) / np.max(np.abs(Uc))))
    assert dev[0] < 2e-2
    assert 1.6 < dev[0] / dev[1] < 2.4                                   # the 1/q_s law


def test_screened_coulomb_field_is_k_dependent_and_its_gradient_is_the_derivative(rng):
    st = noneq_state("pt-dirac", field_V_per_m=FIELD, mu_eV=MU, interaction="screened-coulomb")
    assert st.interaction["kind"] == "screened-coulomb" and not st.exchange.uniform
    # points off the Fermi contour (k_F ~ 0.33/nm), where W(k) and Y(k) are smooth
    r = np.array([0.12, 0.18, 0.55, 0.7])
    th = rng.uniform(0, 2 * np.pi, 4)
    kx, ky = r * np.cos(th), r * np.sin(th)
    U = st.exchange_field(kx, ky)
    for eta in (1, 2, 3):       # really a function of k, in every spin channel
        assert np.ptp(U.total[:, eta]) > 1e-2 * np.max(np.abs(U.total[:, eta]))
    # the gradient of the integrator (kernel dV/dq) against central differences of U(k) itself
    d = 2e-3
    fd = []
    for a in range(2):
        e = np.array([d * (a == 0), d * (a == 1)])
        f = [st.exchange_field(kx + m * e[0], ky + m * e[1]).total for m in (-2, -1, 1, 2)]
        fd.append((f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * d))
    fd = np.stack(fd, -1)
    assert np.max(np.abs(fd - U.gradient)) <= 1e-7 * np.max(np.abs(U.gradient))
    # and delta Omega's exchange part is curl(U(k) S(k)) (Eq. 6 with a k-dependent U), level by level
    level = st.frame(kx, ky).level

    def US(x, y):
        return np.einsum("...e,...nea->...na", st.exchange_field(x, y).total, _closed(st, "sbp", x, y))
    _per_level_close(st.delta_berry_curvature(kx, ky).exchange, _curl(US, kx, ky, d=2e-3), level, 1e-6)
    # the JSON reports the field per k, with its gradient
    a = noneq_levels(None, "exchange-field", (0.12, 0.0), None, None, state=st)
    b = noneq_levels(None, "exchange-field", (0.6, 0.0), None, None, state=st)
    assert a["per_k"]["uniform"] is False and a["per_k"]["U_eV"] != b["per_k"]["U_eV"]
    assert a["interaction"]["kind"] == "screened-coulomb" and 0 < a["per_k"]["error_eV"] < 1e-9


@pytest.mark.parametrize("name", ["pt-dirac", "tilted-dirac"])
def test_map_integral_error_estimate_covers_the_true_error(name):
    """The error estimate of coarse rules must bound their actual deviation from a much finer rule
    (whose own error is ~1e-16 relative), at the paper's tilt as given."""
    st = state(name)
    ref = anomalous_current(st, n_theta=96, n_gl=16)
    for n_theta, n_gl in ((16, 6), (32, 8)):
        cur = anomalous_current(st, n_theta=n_theta, n_gl=n_gl)
        for part in ("total", "exchange", "field"):
            true = float(np.max(np.abs(cur.j[part] - ref.j[part])))
            assert true <= cur.error[part], (n_theta, n_gl, part, true, cur.error[part])
            assert cur.error[part] < 1e-4 * float(np.max(np.abs(ref.j["total"])))     # and it is informative


def test_map_integral_is_the_current_of_symenh_sigma_for_a_user_model():
    """A from_matrix two-band model (k^2 mass, tilt t k_y): the map integral of each part of delta Omega
    against symenh.sigma (quadrature path, linear in t) for ENH(PT), ENH(T) and INH; two tilts (ratio 2)
    show the t^2 law of the difference and extrapolate the linear coefficient."""
    model, vals = _user_model()
    ratios = {}
    for tt in (2e-4, 1e-4):
        v = dict(vals, t=tt)
        st = noneq_state(model, model_values=v, field_V_per_m=FIELD, mu_eV=0.08)
        cur = anomalous_current(st, n_theta=64, n_gl=12)
        for part, mech in (("exchange_interband", "enh-pt"), ("exchange_intraband", "enh-t"), ("field", "inh")):
            ref = np.einsum("cab,a,b->c", symenh.sigma(model, mech, 0.08, model_values=v, method="quadrature")
                            .sigma[0], FIELD, FIELD)
            assert cur.error[part] < 1e-9 * np.max(np.abs(ref))
            ratios.setdefault(part, []).append(cur.j[part] / ref)
    for part, (r1, r2) in ratios.items():
        assert np.allclose((4 * r2 - r1) / 3, 1.0, rtol=0, atol=1e-9), (part, r1, r2)
        assert abs((r1[0] - 1) / (r2[0] - 1) - 4) < 0.05, part


@pytest.mark.parametrize("name", ["tilted-dirac", "pt-dirac", "user"])
def test_field_part_of_delta_g_is_the_first_order_change_under_eE_R(name, rng):
    """The e E part of delta g (and of delta Omega) is the first-order change of g (Omega) when the k-local
    H' = e E.R(k) (R the interband position operator in the model's basis) is added to H: direct
    diagonalisation of H + lam H' with velocities v + lam d_k H' (d_k R by central differences in k),
    central difference in lam, per level (Kramers pairs traced)."""
    st = state(name)
    kx, ky = _kpoints(rng, 5, 0.3 if name != "user" else 0.2)
    ham, p = st.ham, param_vector(st.model, st.values)

    def R_op(x, y):      # e E.R in the model's basis (eV); gauge invariant (zero within a level)
        fr = st.frame(x, y)
        return np.einsum("a,a...->...", st.eE, fr.to_orbital(position_operator(fr)))

    d = 1e-3
    dHp = []
    for a in range(2):
        e = np.array([d * (a == 0), d * (a == 1)])
        f = [R_op(kx + m * e[0], ky + m * e[1]) for m in (-2, -1, 1, 2)]
        dHp.append((f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * d))
    Hp = R_op(kx, ky)
    Hk = ham.H(kx, ky, p)
    v = [ham.velocity(a, kx, ky, p) for a in range(2)]
    s = ham.spin()
    h = 1e-5 / float(np.max(np.abs(Hp)))

    fd, g0 = _first_order_change(Hk, v, s, Hp, dHp, h)
    level = g0.level
    dOm, dg = st.delta_berry_curvature(kx, ky).field, st.delta_quantum_metric(kx, ky).field
    _per_level_close(dOm, fd["berry_curvature"], level, 1e-7)
    gaps = np.diff(g0.energy, axis=-1)
    floor = float(np.max(np.abs(g0.quantum_metric))) * float(np.max(np.abs(Hp))) / float(np.min(gaps[gaps > 1e-3]))
    _per_level_close(dg, fd["quantum_metric"], level[..., None, None] + 0 * dg.astype(int), 1e-7, floor)
    if name == "pt-dirac":      # g is PT-even, e E.R PT-odd: zero at first order (both sides roundoff)
        assert float(np.max(np.abs(dg))) < 1e-9 * float(np.max(np.abs(dOm)))
    else:                       # not a comparison of zeros
        assert float(np.max(np.abs(dg))) > 1e-3 * floor


@pytest.mark.parametrize("name", ["tilted-dirac", "user"])
def test_k_dependent_U_part_of_delta_g_is_the_first_order_change(name, rng):
    """With a k-dependent exchange field U(k) (the interface of a q-dependent V) the U part of delta g and
    delta Omega must be the first-order change under H + lam U(k).s, whose velocity gains lam d_k U.s
    (direct diagonalisation, central difference in lam): the gradient terms of the assembly."""
    base = state(name)
    W0 = base.exchange.W
    ex = _LinearExchange(W0, 4.0 * W0)
    if name == "user":
        model, vals = _user_model()
        st = noneq_state(model, model_values=vals, field_V_per_m=FIELD, mu_eV=0.08, exchange=ex)
    else:
        st = noneq_state(name, valley=1, field_V_per_m=FIELD, mu_eV=MU, exchange=ex)
    kx, ky = _kpoints(rng, 5, 0.2)
    U = st.exchange_field(kx, ky)
    assert np.max(np.abs(U.gradient)) > 1e-3 * np.max(np.abs(U.total))
    ham, p = st.ham, param_vector(st.model, st.values)
    s = ham.spin()
    Hk, v = ham.H(kx, ky, p), [ham.velocity(a, kx, ky, p) for a in range(2)]
    Hp = np.einsum("...e,eij->...ij", U.total, s)
    dHp = [np.einsum("...e,eij->...ij", U.gradient[..., a], s) for a in range(2)]
    h = 1e-5 / float(np.max(np.abs(U.total)))

    fd, g0 = _first_order_change(Hk, v, s, Hp, dHp, h)
    level = g0.level
    dOm, dg = st.delta_berry_curvature(kx, ky).exchange, st.delta_quantum_metric(kx, ky).exchange
    _per_level_close(dOm, fd["berry_curvature"], level, 1e-7)
    _per_level_close(dg, fd["quantum_metric"], level[..., None, None] + 0 * dg.astype(int), 1e-7)
    # the gradient terms matter: dropping them changes delta g
    gr = st.geometry(kx, ky)
    no_grad, _ = gr.delta_quantum_metric(U.total, st.eE, None)
    assert np.max(np.abs(no_grad - dg)) > 1e-3 * np.max(np.abs(dg))


@pytest.mark.parametrize("convention", ["consistent", "printed"])
def test_screened_exchange_field_agrees_with_the_conductivity_paths_exchange_potential(convention):
    """U^eta_k(E) of symenh.noneq (sign from derivations/eq2 and eq9_eq10: -sgn eE (W + tau/hbar Y)) against
    symenh.responses.exchange.exchange_potential (issue 8's assembly, its own sign derivation) for the same
    W(k), Y(k): the two conventions' signs must agree."""
    from symenh.integrate.exchange import exchange_fields
    from symenh.responses.exchange import exchange_potential

    st = noneq_state("tilted-dirac", valley=-1, field_V_per_m=FIELD, mu_eV=MU, interaction="screened-coulomb",
                     convention=convention)
    k = np.array([[0.1, 0.05], [-0.5, 0.3]])
    f = exchange_fields(st.model, k, MU, values=st.values, interaction=symenh.interactions.screened_coulomb(
        PAPER.q_s_per_nm))
    ref = exchange_potential(f, np.asarray(FIELD), tau_ps=PAPER.tau_ps, convention=convention)
    U = st.exchange_field(k[:, 0], k[:, 1]).total
    assert np.allclose(U, ref, rtol=1e-9, atol=1e-9 * np.max(np.abs(ref)))


def _first_order_change(Hk, v, s, Hp, dHp, h):
    """d/d lam of the Berry curvature and quantum metric of H + lam H' (velocities v + lam dH'/dk) at
    lam = 0, by direct diagonalisation: Richardson of central differences at steps h, h/2; and the
    geometry at lam = 0."""
    def geo(lam):
        return geometry_of_frame(frame_from_matrices(Hk + lam * Hp, [v[a] + lam * dHp[a] for a in range(2)], s,
                                                     degeneracy_tol=1e-3))

    def cd(step, q):
        return (getattr(geo(step), q) - getattr(geo(-step), q)) / (2 * step)

    return {q: (4 * cd(h / 2, q) - cd(h, q)) / 3 for q in ("berry_curvature", "quantum_metric")}, geo(0)


def test_eps_r_divides_the_contact_exchange_field():
    """U^eta = V_0 <delta s^eta> with V_0 = e^2/(4 pi eps_0 eps_r q_s): eps_r = 4 gives a quarter."""
    from symenh.noneq import noneq_state
    from symenh.params import PAPER

    a = noneq_state("pt-dirac", field_V_per_m=(1e5, 0.0), mu_eV=0.1).U0
    b = noneq_state("pt-dirac", field_V_per_m=(1e5, 0.0), mu_eV=0.1, params=PAPER.replace(eps_r=4.0)).U0
    assert np.max(np.abs(a)) > 1e-6
    np.testing.assert_allclose(b, a / 4, rtol=1e-12, atol=0)
