"""Paper Fig. 2: spin-Berry polarizability (SBP) maps S^{eta a}(k) of H_PT.

S^{eta a}_N(k) = -2 Im sum_M Tr(P_N s^eta P_M v^a) / (E_N - E_M)^2 (paper Eq. 5), in
nm/eV, for the conduction level N of H_PT (its Kramers pair traced; the valence
level carries exactly minus this, by the band sum rule).  Panels as in the paper:

(a) S^{2x} (monopolar)   (b) S^{3x} (dipolar)   (c) S^{1y} (monopolar)   (d) S^{3y} (dipolar)

S^{1x} and S^{2y} vanish identically and are not drawn.  The geometry does not
depend on the tilt alpha.  Axes: k_x, k_y in 1/nm over +-K_WINDOW |Delta|/(hbar v).
Delta = 0 is refused: the window is measured in |Delta|/(hbar v), and the gapless SBP
diverges at the band touching k = 0.
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


@styled
def make(out_dir: Path, params, report=print) -> list[Path]:
    """Write fig2.png and fig2.pdf into ``out_dir``; return the paths."""
    check_params(params)
    report("fig2: SBP maps of H_PT (closed-form kernel)")
    kx, ky, S = sbp_maps(params)
    fig, axes = new_figure(6.0, 2, 2)
    for ax, (letter, eta, a, kind) in zip(axes.ravel(), PANELS):
        z = S[..., eta, a]
        vmax = float(np.max(np.abs(z))) or 1.0
        im = ax.pcolormesh(kx, ky, z, cmap=DIVERGING, vmin=-vmax, vmax=vmax, shading="auto",
                           rasterized=True)
        levels = np.linspace(-vmax, vmax, 11)[1:-1]
        levels = levels[np.abs(levels) > 1e-9 * vmax]
        ax.contour(kx, ky, z, levels=levels, colors="k", linewidths=0.35, alpha=0.6)
        ax.set_aspect("equal")
        ax.set_xlabel(r"$k_x$ (nm$^{-1}$)")
        ax.set_ylabel(r"$k_y$ (nm$^{-1}$)")
        comp = "xy"[a]
        ax.set_title(r"(%s) $\mathcal{S}^{%d%s}(\mathbf{k})$, %s" % (letter, eta, comp, kind))
        cb = fig.colorbar(im, ax=ax, shrink=0.9)
        cb.set_label(r"$\mathcal{S}^{%d%s}$ (nm/eV); red > 0, blue < 0" % (eta, comp))
    fig.suptitle("SBP of $H_{\\rm PT}$, conduction level (Kramers pair traced; the valence level is minus this)\n"
                 r"$\Delta$ = $%s$ meV, $v_x$ = $%s$ m/s, $v_y$ = $%s$ m/s; independent of the tilt $\alpha$"
                 % (tex_number(params.Delta_eV * 1e3, 4), tex_number(params.vx_m_per_s, 4),
                    tex_number(params.vy_m_per_s, 4)))
    return save(fig, Path(out_dir) / "fig2")
