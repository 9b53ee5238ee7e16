"""Paper Fig. 1(c, d), computed: the equilibrium and the nonequilibrium spin density of H_PT over k, and
the field-induced Berry-curvature and quantum-metric shifts of its conduction level (Eqs. 2, 3, 6, 7).

For H_PT at the paper's parameters (tilt as given, not linearised), a field E (default 1e5 V/m along
x), chemical potential mu (default 0.1 eV) and temperature T (default 20 K, stated on the figure;
the exchange field and every occupation are at this T):

(a) |<s>|(k) = |sum_n f_n <s>_n| in equilibrium: zero at every k (PT symmetry, Kramers pairs);
(b)-(d) delta<s^x>, delta<s^y>, delta<s^z>(k) = sum_nm s_nm delta rho_mn, the spin accumulation;
(e) delta Omega of the conduction level (Kramers pair traced), nm^2: exchange (U S) plus field (e E G);
(f) delta g^{xx} of the conduction level, nm^2: zero at first order for H_PT (g is PT-even, both
    U s^eta and e E.r are PT-odd); the largest |delta g^{ab}| over the map is printed on the panel.

Axes k_x, k_y in 1/nm over +-K_WINDOW |Delta|/(hbar v); colour bars with units; the field direction
is drawn as an arrow on every panel; the dashed line is the tilted Fermi contour of the conduction level.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..cache import cached_arrays, make_key, source_digest
from ..noneq import noneq_state
from ..noneq.inputs import check_field, check_temperature
from .style import DIVERGING, plt, save, styled

#: half-width of the k window in units of |Delta| / (hbar v) (per axis)
K_WINDOW = 3.0
#: colour map of a magnitude (white at 0 like the diverging panels, so the arrow and contour stay visible)
MAGNITUDE_CMAP = "Reds"
#: conduction level of H_PT (levels ascending: 0 valence, 1 conduction)
CONDUCTION = 1


def noneq_maps(params, mu_eV: float = 0.1, field_V_per_m=(1e5, 0.0), temperature_K: float = 20.0,
               convention: str = "consistent", n: int = 161):
    """k grids (1/nm, 1-D) and the maps of the figure for H_PT: a dict with ``kx``, ``ky``, ``eq_spin``
    (ny, nx, 4), ``dspin`` (ny, nx, 4) (dimensionless), ``dOmega`` (ny, nx) nm^2, ``dg`` (ny, nx, 2, 2) nm^2
    (conduction level), ``energy`` (ny, nx, N) eV and the ``state``."""
    st = noneq_state("pt-dirac", field_V_per_m=field_V_per_m, mu_eV=mu_eV, temperature_K=temperature_K,
                     convention=convention, params=params)
    d = abs(params.Delta_eV) if params.Delta_eV != 0 else 0.05
    kx = np.linspace(-1, 1, n) * K_WINDOW * d / params.hbar_vx
    ky = np.linspace(-1, 1, n) * K_WINDOW * d / params.hbar_vy
    KX, KY = np.meshgrid(kx, ky)
    sd = st.spin_density(KX, KY)
    energy, level, dOm_all, dg_all = _geometry_shifts(st, KX, KY)
    band = np.argmax(level == CONDUCTION, axis=-1)[..., None]          # first band of the conduction level
    dOm = np.take_along_axis(dOm_all, band, axis=-1)[..., 0]
    dg = np.take_along_axis(dg_all, band[..., None, None], axis=-3)[..., 0, :, :]
    return {"kx": kx, "ky": ky, "eq_spin": sd.equilibrium, "dspin": sd.nonequilibrium, "dOmega": dOm, "dg": dg,
            "energy": energy, "state": st}


def _geometry_shifts(st, KX, KY):
    """(energy, level, delta Omega total, delta g total) per band at k: the ``total`` of
    ``st.delta_berry_curvature`` and of ``st.delta_quantum_metric`` (exchange part + field part, in that
    order), from one evaluation of the level-traced geometry responses instead of one each."""
    gr = st.geometry(KX, KY)
    U = st.exchange_field(KX, KY)
    grad = None if st.exchange.uniform else U.gradient
    ex, fe = gr.delta_berry_curvature(U.total, st.eE, grad)
    exg, feg = gr.delta_quantum_metric(U.total, st.eE, grad)
    return gr.energy, gr.level, ex + fe, exg + feg


def figure_arrays(params, mu_eV, field_V_per_m, temperature_K, convention, n) -> dict:
    """The arrays the figure draws (:func:`noneq_maps` without the state; plus ``contour`` = conduction
    energy - mu (eV), ``U0`` (eV) and ``V0`` (eV nm^2)), cached on disk (:func:`symenh.cache.cached_arrays`)
    under the source of the whole symenh package, numpy's version and every input: a warm run reads
    exactly the arrays a cold run computes."""
    E = np.asarray(field_V_per_m, dtype=float)
    key = make_key("figures.fig1 arrays", source_digest(), json.dumps(
        {"params": params.as_dict(), "mu_eV": float(mu_eV), "E": E.tolist(), "T": float(temperature_K),
         "convention": convention, "n": int(n)}, sort_keys=True))

    def build():
        m = noneq_maps(params, mu_eV, E, temperature_K, convention, n)
        st = m.pop("state")
        energy = m.pop("energy")
        return {**m, "contour": energy[..., 2] - mu_eV, "U0": st.U0,
                "V0": np.array(float(st.interaction.get("V0_eV_nm2", 0.0)))}

    return cached_arrays(key, build)


def _arrow(ax, E):
    u = np.asarray(E, dtype=float) / np.hypot(*E)
    ax.annotate("", xy=(0.16 + 0.1 * u[0], 0.84 + 0.1 * u[1]), xytext=(0.16 - 0.1 * u[0], 0.84 - 0.1 * u[1]),
                xycoords="axes fraction", arrowprops={"arrowstyle": "-|>", "color": "k", "lw": 1.2})
    ax.text(0.16, 0.96, r"$\mathbf{E}$", transform=ax.transAxes, ha="center", va="center", fontsize=8)


def _panel(fig, ax, kx, ky, z, title, label, E, contour, floor, magnitude=False):
    vmax = float(np.max(np.abs(z)))
    vmax = max(floor, vmax)
    # a magnitude (>= 0) on a sequential scale from 0, a signed quantity on a symmetric diverging one
    cmap, vmin = (MAGNITUDE_CMAP, 0.0) if magnitude else (DIVERGING, -vmax)
    im = ax.pcolormesh(kx, ky, z, cmap=cmap, vmin=vmin, vmax=vmax, shading="auto", rasterized=True)
    ax.contour(kx, ky, contour, levels=[0.0], colors="k", linewidths=0.6, linestyles="--")
    ax.set_aspect("equal")
    ax.set_xlabel(r"$k_x$ (nm$^{-1}$)")
    ax.set_ylabel(r"$k_y$ (nm$^{-1}$)")
    ax.set_title(title, fontsize=9)
    cb = fig.colorbar(im, ax=ax, shrink=0.85)
    cb.set_label(label)
    cb.formatter.set_powerlimits((-2, 2))
    cb.update_ticks()
    _arrow(ax, E)
    return vmax


@styled
def make(out_dir: Path, params, report=print, *, mu_eV: float = 0.1, field_V_per_m=(1e5, 0.0),
         temperature_K: float = 20.0, convention: str = "consistent", n: int = 161) -> list[Path]:
    """Write fig1.png and fig1.pdf into ``out_dir``; return the paths (module docstring)."""
    E = check_field(field_V_per_m, "field_V_per_m")
    T = check_temperature(temperature_K)
    report(f"fig1: nonequilibrium spin density and geometry of H_PT (E = {E.tolist()} V/m, mu = {mu_eV} eV, T = {T} K)")
    m = figure_arrays(params, mu_eV, E, T, convention, n)
    kx, ky = m["kx"], m["ky"]
    contour = m["contour"]          # conduction level (Kramers pair: bands 2, 3)
    fig, axes = plt.subplots(2, 3, figsize=(11.0, 6.6), constrained_layout=True)
    ax = axes.ravel()
    eq_mag = np.sqrt(np.sum(m["eq_spin"][..., 1:] ** 2, axis=-1))
    ds_scale = float(np.max(np.abs(m["dspin"][..., 1:])))
    _panel(fig, ax[0], kx, ky, eq_mag, r"(a) equilibrium $|\langle\mathbf{s}\rangle|(\mathbf{k})$",
           r"$|\langle \mathbf{s}\rangle|$ (dimensionless)", E, contour, max(ds_scale, 1e-300), magnitude=True)
    ax[0].text(0.5, 0.06, rf"max = {float(np.max(eq_mag)):.1e}: zero by $\mathcal{{PT}}$",
               transform=ax[0].transAxes, ha="center", fontsize=7, bbox={"fc": "w", "ec": "none", "alpha": 0.8})
    for i, comp in enumerate("xyz"):       # one colour scale for the three components
        z = m["dspin"][..., 1 + i]
        _panel(fig, ax[1 + i], kx, ky, z,
               rf"({'bcd'[i]}) nonequilibrium $\delta\langle s^{comp}\rangle(\mathbf{{k}})$",
               rf"$\delta\langle s^{comp}\rangle$ (dimensionless)", E, contour, max(ds_scale, 1e-300))
        zmax = float(np.max(np.abs(z)))
        note = f"max = {zmax:.1e}" + (" (zero for this field direction)" if zmax < 1e-9 * ds_scale else "")
        ax[1 + i].text(0.5, 0.06, note, transform=ax[1 + i].transAxes,
                       ha="center", fontsize=7, bbox={"fc": "w", "ec": "none", "alpha": 0.8})
    _panel(fig, ax[4], kx, ky, m["dOmega"], r"(e) $\delta\Omega$, conduction level", r"$\delta\Omega$ (nm$^2$)",
           E, contour, 1e-300)
    dOm_scale = float(np.max(np.abs(m["dOmega"])))
    _panel(fig, ax[5], kx, ky, m["dg"][..., 0, 0], r"(f) $\delta g^{xx}$, conduction level",
           r"$\delta g^{xx}$ (nm$^2$)", E, contour, max(dOm_scale, 1e-300))
    dg_max = float(np.max(np.abs(m["dg"])))
    ax[5].text(0.5, 0.06, rf"max$_{{ab}}|\delta g^{{ab}}|$ = {dg_max:.1e} nm$^2$: zero by $\mathcal{{PT}}$",
               transform=ax[5].transAxes, ha="center", fontsize=7, bbox={"fc": "w", "ec": "none", "alpha": 0.8})
    U = m["U0"]
    U = np.where(np.abs(U) > 1e-12 * np.max(np.abs(U)), U, 0.0)       # roundoff zeros shown as 0
    V0, a = float(m["V0"]), params.alpha_over_hbar_v
    fig.suptitle(rf"$H_{{\rm PT}}$ out of equilibrium: $\mathbf{{E}}$ = ({E[0]:.3g}, {E[1]:.3g}) V/m, "
                 rf"$\mu$ = {mu_eV:.3g} eV, T = {T:.3g} K, $\alpha/\hbar v$ = {a:.3g} (as given), "
                 rf"$\tau$ = {params.tau_ps:.3g} ps, contact $V_0$ = {V0:.2f} eV nm$^2$, {convention} convention"
                 "\n" rf"exchange field $U^\eta$ = ({U[1]:.2e}, {U[2]:.2e}, {U[3]:.2e}) eV ($\eta$ = 1, 2, 3; "
                 r"uniform in k); dashed: Fermi contour of the conduction level", fontsize=9)
    return save(fig, Path(out_dir) / "fig1")


__all__ = ["K_WINDOW", "figure_arrays", "make", "noneq_maps"]
