r"""``symenh figure model --model-file FILE``: the figure of a user's model (a model file, symenh.load_model).

Panels (one component for the geometry, every component summed for the conductivities):

(a) the energy levels (eV) along k_x and along k_y through k = 0, with the chemical potentials drawn;
(b) the Berry curvature Omega(k) (nm^2, paper Eq. 6) over the k plane, of the highest level whose energy at
    k = 0 lies at or below the first mu (the level of the first Fermi contour for a band edge at k = 0);
(c) the spin-Berry polarizability S^{3x}(k) (nm/eV, paper Eq. 5) of the same level;
(d) sigma(mu) (A m / V^2, element of largest magnitude per mechanism) by the method chosen (default
    quadrature; grid for a lattice model), with the error estimate as a band.

The geometry is the numeric kernel (lambdified H and dH/dk, eigh; symenh.kernels.numeric): no SymPy
derivation.  The k window is the Brillouin zone of a lattice model (its reciprocal cell, centred on
k = 0), else the square on which the levels reach 2 max|mu| (at least 4 |E(0)|).  Also writes the plotted
sigma(mu) as CSV (:mod:`symenh.figures.table`) with the file's name and SHA-256 in its header.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import ResponseError
from ..kernels.numeric import numeric_kernel
from ..responses.api import sigma
from .style import DIVERGING, new_figure, save, styled
from .table import require_finite, write_csv

#: k points per axis of the maps, and along each cut
N_MAP = 121
N_CUT = 401
#: the 8 raw elements in the order of the flattened [c][a][b] tensor
ELEMENTS = tuple(c + a + b for c in "xy" for a in "xy" for b in "xy")


def _k_window(model, values, mu) -> float:
    """Half-width (1/nm) of the square k window of a k.p model: where the levels reach 2 max|mu|."""
    kern = numeric_kernel(model)
    target = max(2.0 * float(np.max(np.abs(mu))), 4.0 * float(np.max(np.abs(kern.energies(0.0, 0.0, values)))))
    ks = np.geomspace(1e-3, 1e3, 241)
    for sx, sy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        e = np.max(np.abs(kern.energies(sx * ks, sy * ks, values)), axis=-1)
        hit = np.flatnonzero(e >= target)
        if hit.size:
            target_k = ks[hit[0]]
            return float(target_k)
    return float(ks[-1])


def geometry_grid(model, values, mu, n: int = N_MAP):
    """The k plane of the geometry maps: ``(KX, KY, cut, window)`` with KX, KY (n, n) arrays (1/nm),
    ``cut`` the N_CUT momenta (1/nm) of the cuts through k = 0 and ``window`` its description.

    A lattice model: its Brillouin zone (the reciprocal cell centred on k = 0); a k.p model: the
    square |k_x|, |k_y| <= k_max on which the levels reach 2 max|mu| (:func:`_k_window`).  Both grids
    are symmetric under k -> -k (reversing both axes)."""
    if model.lattice is not None:
        b = model.lattice.reciprocal
        u = np.linspace(-0.5, 0.5, n)
        U1, U2 = np.meshgrid(u, u)
        KX, KY = U1 * b[0, 0] + U2 * b[1, 0], U1 * b[0, 1] + U2 * b[1, 1]
        cut = np.linspace(-0.5, 0.5, N_CUT) * np.linalg.norm(b, axis=1).min()
        return KX, KY, cut, "the Brillouin zone"
    kmax = _k_window(model, values, mu)
    k = np.linspace(-kmax, kmax, n)
    KX, KY = np.meshgrid(k, k)
    return KX, KY, np.linspace(-kmax, kmax, N_CUT), f"|k_x|, |k_y| <= {kmax:.3g} /nm"


def geometry_level(e0, mu0: float) -> int:
    """The level of the geometry maps: the highest level whose energy at k = 0 (``e0``, eV, the
    levels ascending) lies at or below ``mu0`` (eV), i.e. the level of the first Fermi contour for a
    band edge at k = 0; level 0 if none does."""
    below = np.flatnonzero(np.ravel(e0) <= mu0)
    return int(below[-1]) if below.size else 0


def require_file(loaded, figure: str) -> None:
    """A one-line ResponseError if ``loaded`` (the model file) is missing."""
    if loaded is None:
        raise ResponseError(f"--model-file: figure {figure} with a model file needs the file (give --model-file FILE)")


def component_values(loaded, component: int):
    """(model, {parameter name: value}) of component ``component`` of a model file."""
    model = loaded.components[component]
    return model, {p.name: loaded.model_values[p.name] for p in model.params}


def default_method(loaded) -> str:
    """The default method of a model file's conductivities: grid for a lattice model, else quadrature."""
    return "grid" if loaded.components[0].lattice is not None else "quadrature"


def sigma_curve(loaded, mech, mu, *, method, convention, params, options=None, element=None):
    """sigma(mu) of a model file (every component summed) for one mechanism, as plotted.

    Returns ``(element, values, error, result)``: the element (e.g. ``"xyy"``; by default the one of
    largest magnitude over mu), its values (A m / V^2, one per mu), the error estimate per mu (the
    largest over the elements; zeros where the method gives none) and the
    :class:`~symenh.responses.result.SigmaResult`."""
    res = sigma(loaded.model, mech, mu, method=method, convention=convention, params=params,
                model_values=loaded.model_values, **dict(options or {}))
    flat = np.asarray(res.sigma, dtype=float).reshape(mu.size, -1)
    j = int(np.argmax(np.max(np.abs(flat), axis=0))) if element is None else ELEMENTS.index(element)
    err = np.zeros(mu.size) if res.error_estimate is None else np.asarray(res.error_estimate, dtype=float)
    return ELEMENTS[j], flat[:, j], err.reshape(mu.size, -1).max(axis=1), res


def file_stem(loaded) -> str:
    """``model-NAME`` (NAME the file's model name, made safe for a file name)."""
    return "model-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in loaded.name)


def file_metadata(loaded, params, method, convention) -> dict:
    """The CSV header lines of a model file's figure: version, file name, model name, SHA-256 of the
    file, method, convention, the file's parameters with their units, tau, q_s, eps_r, T."""
    return {"symenh_version": __version__, "model_file": Path(loaded.path).name, "model_name": loaded.name,
            "sha256": loaded.sha256, "method": method, "convention": convention,
            "parameters": ", ".join(f"{k} = {v!r} {loaded.units[k]}" for k, v in loaded.model_values.items()),
            "tau": f"{params.tau_ps!r} ps", "q_s": f"{params.q_s_per_nm!r} 1/nm", "eps_r": f"{params.eps_r!r}",
            "temperature": f"{params.T_K!r} K"}


@styled
def make(out_dir: Path, params, report=print, *, loaded=None, component=0, mechanisms=("bcd",), mu_eV=None,
         method=None, convention="consistent", options=None) -> list[Path]:
    """Write model-NAME.png, .pdf and .csv into ``out_dir`` for ``loaded`` (a
    :class:`~symenh.models.model_file.LoadedModel`); ``mu_eV``: the chemical potentials (eV) of panel (d);
    ``params``: tau, q_s, eps_r, T of the responses; returns the paths."""
    if loaded is None:
        raise ResponseError("--model-file: figure model draws a model file (give --model-file FILE)")
    mu = np.asarray(mu_eV, dtype=float)
    if mu.ndim != 1 or mu.size < 2:
        raise ResponseError("--mu: figure model needs at least two chemical potentials (e.g. --mu 60:200:8meV)")
    model, values = component_values(loaded, component)
    method = method or default_method(loaded)
    kern = numeric_kernel(model)
    KX, KY, cut, window = geometry_grid(model, values, mu)
    report(f"figure model: {loaded.name} ({loaded.labels[component]}), geometry on {window}")
    with np.errstate(all="ignore"):
        ex = kern.energies(cut, np.zeros_like(cut), values)
        ey = kern.energies(np.zeros_like(cut), cut, values)
        geo = kern.levels(KX, KY, values)
        e_map = geo.energy
    level = geometry_level(kern.energies(0.0, 0.0, values), mu[0])
    omega = require_finite("--model-file", geo.berry_curvature[..., level], "the Berry curvature map")
    sbp = require_finite("--model-file", geo.sbp[..., level, 3, 0], "the SBP map")
    require_finite("--model-file", e_map, "the energy map")
    curves = {}
    for mech in mechanisms:
        report(f"figure model: sigma {mech} by {method} at {mu.size} mu values")
        curves[mech] = sigma_curve(loaded, mech, mu, method=method, convention=convention, params=params,
                                   options=options)[:3]

    fig, axes = new_figure(6.2, 2, 2)
    ax = axes[0, 0]
    for n in range(ex.shape[-1]):
        ax.plot(cut, ex[:, n], color="C0", lw=0.9, label=r"along $k_x$" if n == 0 else None)
        ax.plot(cut, ey[:, n], color="C1", lw=0.9, ls="--", label=r"along $k_y$" if n == 0 else None)
    for m in mu:
        ax.axhline(m, color="0.6", lw=0.4)
    ax.set_xlabel(r"$k$ (nm$^{-1}$)")
    ax.set_ylabel("energy (eV)")
    ax.set_title("(a) levels through k = 0; grey: the mu values")
    ax.legend(loc="best")
    for ax, z, title, unit in ((axes[0, 1], omega, r"(b) $\Omega(\mathbf{k})$, level " + str(level), "nm$^2$"),
                               (axes[1, 0], sbp, r"(c) $\mathcal{S}^{3x}(\mathbf{k})$, level " + str(level),
                                "nm/eV")):
        vmax = float(np.max(np.abs(z))) or 1.0
        im = ax.pcolormesh(KX, KY, z, cmap=DIVERGING, vmin=-vmax, vmax=vmax, shading="auto", rasterized=True)
        ax.set_aspect("equal")
        ax.set_xlabel(r"$k_x$ (nm$^{-1}$)")
        ax.set_ylabel(r"$k_y$ (nm$^{-1}$)")
        ax.set_title(title)
        fig.colorbar(im, ax=ax, shrink=0.9).set_label(unit)
    ax = axes[1, 1]
    for i, (mech, (el, s, err)) in enumerate(curves.items()):
        ax.plot(mu, s, marker="o", ms=2.5, lw=0.9, color=f"C{i}", label=f"{mech} ({el}); band: its error")
        ax.fill_between(mu, s - err, s + err, color=f"C{i}", alpha=0.25, lw=0)
    ax.axhline(0.0, color="0.6", lw=0.4)
    ax.set_xlabel(r"$\mu$ (eV)")
    ax.set_ylabel(r"$\sigma$ (A m / V$^2$)")
    summed = f", sum of {len(loaded.components)} components" if len(loaded.components) > 1 else ""
    ax.set_title(f"(d) sigma by {method}{summed}")
    ax.legend(loc="best")
    fig.suptitle(f"model file {Path(loaded.path).name}: {loaded.name} (sha256 {loaded.sha256[:12]})")
    base = Path(out_dir) / file_stem(loaded)
    meta = file_metadata(loaded, params, method, convention)
    meta["elements"] = ", ".join(f"{m}: {c[0]}" for m, c in curves.items())
    header = ["mu_eV"]
    columns = [mu]
    for mech, (el, s, err) in curves.items():
        header += [f"sigma_{mech}_{el}_A_m_per_V2", f"error_{mech}_A_m_per_V2"]
        columns += [s, err]
    paths = save(fig, base)
    paths.append(write_csv(base.with_suffix(".csv"), meta, header, columns))
    return paths
