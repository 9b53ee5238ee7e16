"""Paper Fig. 2: spin-Berry polarizability (SBP) maps S^{eta a}(k) of H_PT.

S^{eta a}_N(k) = -2 Im sum_M Tr(P_N s^eta P_M v^a) / (E_N - E_M)^2 (paper Eq. 5), in
nm/eV, for the conduction level N of H_PT (its Kramers pair traced; the valence
level carries exactly minus this, by the band sum rule).  Panels as in the paper:

(a) S^{2x} (monopolar)   (b) S^{3x} (dipolar)   (c) S^{1y} (monopolar)   (d) S^{3y} (dipolar)

S^{1x} and S^{2y} vanish identically and are not drawn.  The geometry does not
depend on the tilt alpha.  Axes: k_x, k_y in 1/nm over +-K_WINDOW |Delta|/(hbar v).
Delta = 0 is refused: the window is measured in |Delta|/(hbar v), and the gapless SBP
diverges at the band touching k = 0.

A user's model file (``symenh figure fig2 --model-file FILE [--mu VALUE] [--valley V | --component I]``,
:func:`make_file`): the same four panels S^{2x}, S^{3x}, S^{1y}, S^{3y} (nm/eV, Eq. 5) of one component
of the file by the numeric kernel (lambdified H and dH/dk, eigh; no SymPy derivation), for the level
and on the k window that ``symenh figure model`` uses (:mod:`symenh.figures.user_model`: the highest
level at or below the first mu at k = 0, default the lowest level above E = 0; the Brillouin zone of a
lattice model, else the square on which the levels reach 2 max|mu|), each panel titled with its parity
under k -> -k as found on the map; a panel that vanishes identically is drawn empty and says so (a file
always has s^1..s^3: the Pauli matrices for two bands, else its "spin" entry).  Writes
fig2-model-NAME.png and .pdf.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ResponseError
from ..kernels import kernel_for
from ..models import pt_dirac
from .style import DIVERGING, new_figure, save, styled, tex_number
from .table import require_finite

#: half-width of the k window in units of |Delta| / (hbar v) (per axis)
K_WINDOW = 3.0
#: (panel letter, eta, a (0 = x, 1 = y), character) in the paper's order
PANELS = (("a", 2, 0, "monopolar"), ("b", 3, 0, "dipolar"), ("c", 1, 1, "monopolar"), ("d", 3, 1, "dipolar"))
#: conduction level of H_PT (levels ascending: 0 valence, 1 conduction)
CONDUCTION = 1
#: k points per axis of the maps (odd: k = 0 is on the grid)
N_K = 301


def check_params(params) -> None:
    """Raise a one-line ResponseError for parameters at which Fig. 2 is undefined (Delta = 0)."""
    if params.Delta_eV == 0:
        raise ResponseError("Delta: Fig. 2 needs a gapped H_PT (Delta != 0): its k window is "
                            f"+-{K_WINDOW:g} |Delta|/(hbar v) and the gapless SBP diverges at k = 0")


def sbp_maps(params, n: int = N_K):
    """k_x, k_y grids (1/nm, 1-D) and the conduction-level SBP of H_PT on them.

    Returns ``(kx, ky, S)`` with ``S[iy, ix, eta, a]`` in nm/eV.  Raises
    :class:`~symenh.errors.ResponseError` for Delta = 0 (no scale for the window, and a
    divergence at k = 0) and if the maps are not finite.
    """
    check_params(params)
    d = abs(params.Delta_eV)
    kx = np.linspace(-1, 1, n) * K_WINDOW * d / params.hbar_vx
    ky = np.linspace(-1, 1, n) * K_WINDOW * d / params.hbar_vy
    KX, KY = np.meshgrid(kx, ky)
    with np.errstate(all="ignore"):  # reported below as one error
        S = kernel_for(pt_dirac()).evaluate("sbp", KX, KY, params.symbol_values())[..., CONDUCTION, :, :]
    require_finite("Delta", S, "the SBP map of Fig. 2 (nm/eV)")
    require_finite("Delta", [kx[-1], ky[-1]], "the k window of Fig. 2 (1/nm)")
    return kx, ky, S


def draw_panel(fig, ax, kx, ky, z, title: str, eta: int, comp: str, note: str | None = None) -> None:
    """One SBP map ``z`` (nm/eV) over (kx, ky) (1/nm; 1-D axes or 2-D grids) on ``ax``: a diverging
    colour scale centred on zero with contours, ``title`` and a colour bar naming S^{eta comp}; with
    ``note`` (a map that vanishes identically) the note instead of the contours."""
    vmax = float(np.max(np.abs(z))) or 1.0
    im = ax.pcolormesh(kx, ky, z, cmap=DIVERGING, vmin=-vmax, vmax=vmax, shading="auto",
                       rasterized=True)
    if note is None:
        levels = np.linspace(-vmax, vmax, 11)[1:-1]
        levels = levels[np.abs(levels) > 1e-9 * vmax]
        ax.contour(kx, ky, z, levels=levels, colors="k", linewidths=0.35, alpha=0.6)
    else:
        ax.text(0.5, 0.5, note, transform=ax.transAxes, ha="center", va="center", fontsize=7,
                bbox={"boxstyle": "round,pad=0.35", "fc": "#fff8e0", "ec": "0.55", "lw": 0.6})
    ax.set_aspect("equal")
    ax.set_xlabel(r"$k_x$ (nm$^{-1}$)")
    ax.set_ylabel(r"$k_y$ (nm$^{-1}$)")
    ax.set_title(title)
    cb = fig.colorbar(im, ax=ax, shrink=0.9)
    cb.set_label(r"$\mathcal{S}^{%d%s}$ (nm/eV); red > 0, blue < 0" % (eta, comp))


@styled
def make(out_dir: Path, params, report=print, *, loaded=None, component: int = 0, mu_eV=None) -> list[Path]:
    """Write fig2.png and fig2.pdf into ``out_dir``; return the paths.

    With ``loaded`` (a :class:`~symenh.models.model_file.LoadedModel`): the same four panels for
    component ``component`` of the model file (:func:`make_file`; ``mu_eV`` chooses its level and k
    window); ``params`` is then not used (the file holds its parameters)."""
    if loaded is not None:
        return make_file(out_dir, loaded, report, component=component, mu_eV=mu_eV)
    check_params(params)
    report("fig2: SBP maps of H_PT (closed-form kernel)")
    kx, ky, S = sbp_maps(params)
    fig, axes = new_figure(6.0, 2, 2)
    for ax, (letter, eta, a, kind) in zip(axes.ravel(), PANELS):
        comp = "xy"[a]
        draw_panel(fig, ax, kx, ky, S[..., eta, a],
                   r"(%s) $\mathcal{S}^{%d%s}(\mathbf{k})$, %s" % (letter, eta, comp, kind), eta, comp)
    fig.suptitle("SBP of $H_{\\rm PT}$, conduction level (Kramers pair traced; the valence level is minus this)\n"
                 r"$\Delta$ = $%s$ meV, $v_x$ = $%s$ m/s, $v_y$ = $%s$ m/s; independent of the tilt $\alpha$"
                 % (tex_number(params.Delta_eV * 1e3, 4), tex_number(params.vx_m_per_s, 4),
                    tex_number(params.vy_m_per_s, 4)))
    return save(fig, Path(out_dir) / "fig2")


# --------------------------------------------------------------------------- a user's model file

#: a panel whose largest |S| is below this fraction of the largest of the four vanishes identically
ZERO_FRACTION = 1e-10
#: relative tolerance of the parity of a map under k -> -k
PARITY_TOL = 1e-8


def parity(z) -> str:
    """"even in k (monopolar)", "odd in k (dipolar)" or "neither even nor odd in k" of a map ``z`` on a
    grid symmetric under k -> -k (both axes reversed), to :data:`PARITY_TOL` of its largest value."""
    z = np.asarray(z)
    scale = PARITY_TOL * float(np.max(np.abs(z)))
    flipped = z[::-1, ::-1]
    if np.max(np.abs(z - flipped)) <= scale:
        return "even in $k$ (monopolar)"
    if np.max(np.abs(z + flipped)) <= scale:
        return "odd in $k$ (dipolar)"
    return "neither even nor odd in $k$"


def file_sbp_maps(loaded, component: int = 0, mu_eV=None, n: int = N_K, k=None) -> dict:
    """The SBP maps of Fig. 2 for component ``component`` of a model file, by the numeric kernel
    (:func:`symenh.kernels.numeric.numeric_kernel`: lambdified H and dH/dk, eigh; no SymPy derivation).

    The level and the k window are those of ``symenh figure model``
    (:func:`symenh.figures.user_model.geometry_level`, :func:`~symenh.figures.user_model.geometry_grid`):
    with ``mu_eV`` (eV; the first value chooses the level, the largest |mu| sets the window) the highest
    level whose energy at k = 0 lies at or below mu[0]; without, the lowest level above E = 0 at k = 0
    (the conduction level of a model with its gap around E = 0; the same choice as mu = its energy
    there).  ``k``: (KX, KY) arrays (1/nm) to use instead of the window (e.g. the paper's grid of
    :func:`sbp_maps`).  Returns dict(KX, KY (n, n) in 1/nm, S (n, n, 4, 2) in nm/eV indexed [eta][a] (eta 0..3,
    a x, y), level, levels (their number), degeneracy (bands traced in the level), e0 (level
    energies at k = 0, eV), mu0 (eV), chosen (how the level was chosen), window).  A one-line
    :class:`~symenh.errors.ResponseError` if no level lies above E = 0 at k = 0 and no mu is given, or
    if a map is not finite (a band touching inside the window)."""
    from ..kernels.numeric import numeric_kernel
    from .user_model import component_values, geometry_grid, geometry_level

    model, values = component_values(loaded, component)
    kern = numeric_kernel(model)
    e0 = np.ravel(kern.energies(0.0, 0.0, values))
    if mu_eV is None or len(mu_eV) == 0:
        above = np.flatnonzero(e0 > 0)
        if not above.size:
            raise ResponseError(f"--mu: no level of {loaded.name} lies above E = 0 at k = 0 (levels "
                                f"{', '.join(f'{e * 1e3:.4g}' for e in e0)} meV); give --mu to choose the level "
                                "(the highest level at or below the first mu)")
        level = int(above[0])
        mu = np.array([e0[level]])
        chosen = "lowest level above $E = 0$ at $k = 0$"
    else:
        mu = np.asarray(mu_eV, dtype=float)
        level = geometry_level(e0, mu[0])
        chosen = r"highest level at or below $\mu$ = $%s$ meV at $k = 0$" % tex_number(mu[0] * 1e3, 4)
    if k is None:
        KX, KY, _, window = geometry_grid(model, values, mu, n)
    else:
        KX, KY = (np.asarray(x, dtype=float) for x in k)
        window = "the k given"
    with np.errstate(all="ignore"):  # reported below as one error
        S = kern.only(("sbp",), KX, KY, values)["sbp"][..., level, :, :]
    require_finite("--model-file", S, f"the SBP map of Fig. 2 for {loaded.name} (nm/eV)")
    pattern = kern.pattern(values)
    return {"KX": KX, "KY": KY, "S": S, "level": level, "levels": len(pattern), "degeneracy": pattern[level],
            "e0": e0, "mu0": float(mu[0]), "chosen": chosen, "window": window}


def _spin_text(model) -> str:
    """How the figure names the spin operators of a model file."""
    from ..models.symbols import PAULI

    if model.dim == 2 and tuple(model.spin[1:]) == tuple(PAULI[1:]):
        return "$s^\\eta$: the Pauli matrices"
    return "$s^\\eta$: the file's spin matrices"


@styled
def make_file(out_dir: Path, loaded, report=print, *, component: int = 0, mu_eV=None) -> list[Path]:
    """Fig. 2 of a model file: fig2-model-NAME.png and .pdf in ``out_dir``; returns the paths.

    The four panels of the paper's Fig. 2, S^{2x}, S^{3x}, S^{1y}, S^{3y} (nm/eV, paper Eq. 5), of the
    level :func:`file_sbp_maps` chooses, each titled with its parity under k -> -k as found on the map
    (monopolar: even; dipolar: odd).  A model file always defines s^1, s^2, s^3 (three or four
    matrices, or the Pauli matrices for two bands: :func:`symenh.load_model` refuses anything else),
    so every panel exists; a map that vanishes identically (below :data:`ZERO_FRACTION` of the
    largest panel) is drawn empty with a note saying so."""
    from .user_model import component_values, file_stem

    label = loaded.labels[component]
    m = file_sbp_maps(loaded, component, mu_eV)
    report(f"fig2: SBP maps of {label}, level {m['level']}, on {m['window']} (numeric kernel)")
    S, KX, KY = m["S"], m["KX"], m["KY"]
    largest = max(float(np.max(np.abs(S[..., eta, a]))) for _, eta, a, _ in PANELS)
    fig, axes = new_figure(6.3, 2, 2)
    for ax, (letter, eta, a, _) in zip(axes.ravel(), PANELS):
        comp = "xy"[a]
        z = S[..., eta, a]
        zero = float(np.max(np.abs(z))) <= ZERO_FRACTION * largest
        if zero:
            report(f"fig2: S^{eta}{comp} of {loaded.name} vanishes identically on the window (drawn empty)")
        kind = "vanishes identically" if zero else parity(z)
        draw_panel(fig, ax, KX, KY, np.zeros_like(z) if zero else z,
                   r"(%s) $\mathcal{S}^{%d%s}(\mathbf{k})$, %s" % (letter, eta, comp, kind), eta, comp,
                   note=(r"$\mathcal{S}^{%d%s} = 0$ here" "\n" r"($\leq %s$ of the largest panel)"
                         % (eta, comp, tex_number(ZERO_FRACTION))) if zero else None)
    model, _ = component_values(loaded, component)
    name = label if len(loaded.components) > 1 else loaded.name
    window = ("the Brillouin zone" if model.lattice is not None
              else r"$|k_x|, |k_y| \leq %s$ nm$^{-1}$" % tex_number(float(np.max(KX))))
    bands = "1 band" if m["degeneracy"] == 1 else f"{m['degeneracy']} bands traced"
    fig.suptitle(r"SBP of model file %s: %s (sha256 %s), numeric kernel" "\n"
                 r"level %d of %d (ascending from 0; %s): the %s" "\n" r"%s; $k$ window %s"
                 % (Path(loaded.path).name, name, loaded.sha256[:12], m["level"], m["levels"], bands,
                    m["chosen"], _spin_text(model), window))
    return save(fig, Path(out_dir) / f"fig2-{file_stem(loaded)}")
