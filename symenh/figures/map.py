"""``symenh figure map --in FILE.nc --out DIR``: a 1-D or 2-D cut of a parameter map (:mod:`symenh.maps`).

The cut runs along one or two axes of the map (``axes``: names; default the first two axes with
more than one value); every other axis is held at a value (``at``: {name: "VALUE<unit>"}, the
nearest value on the axis; default its first value).  Drawn, for the element sigma^{cab} of the
model (xyy for tilted-dirac, yxx for pt-dirac, as Fig. 3; else the largest):

* each mechanism's element (A m/V^2; 2-D: a diverging linear colour scale centred on 0);
* where the map holds an ENH mechanism and its competitor (enh-t and bcd, enh-pt and inh), the
  ratio ENH / competitor on a log scale (log10 |ratio|, or signed symmetric-log where the sign
  changes), with the contour |ratio| = 1 (2-D) or the line |ratio| = 1 (1-D).

Axes carry their units from the coordinates' attributes and are log-scaled where the axis was
log-spaced.  Failed points (NaN) are left blank.  Writes ``map_<axes>.png`` and ``.pdf``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import Normalize, SymLogNorm

from ..errors import ParameterError
from ..maps.axes import parse_axis
from ..maps.dataset import read_netcdf
from ..responses.spec import ENH_PAIRS
from .style import DIVERGING, SEQUENTIAL, new_figure, save, styled, tex_number

TENSOR_DIMS = ("mechanism", "c", "a", "b")
TEX = {"enh-t": r"$\sigma_{\rm ENH}^{(T)}$", "bcd": r"$\sigma_{\rm BCD}$", "enh-pt": r"$\sigma_{\rm ENH}^{(PT)}$",
       "inh": r"$\sigma_{\rm INH}$"}


def map_axes(ds) -> list:
    """The map's axes (the dims of sigma that are not mechanism, c, a, b), in order."""
    return [d for d in ds["sigma"].dims if d not in TENSOR_DIMS]


def _label(ds, name) -> str:
    unit = ds[name].attrs.get("units", "")
    return f"{name} ({'dimensionless' if unit in ('', '1') else unit})"


def choose_cut(ds, axes=None, at=None) -> tuple:
    """(plotted axes, {held axis: value}) of a cut; raises a one-line ParameterError for a name that
    is not an axis, more than two axes, or a value that cannot be read."""
    names = map_axes(ds)
    if axes is None:
        axes = [n for n in names if ds.sizes[n] > 1][:2] or names[:1]
    axes = list(axes)
    for n in axes:
        if n not in names:
            raise ParameterError(f"--axes: {n!r} is not an axis of this map; its axes: {', '.join(names)}")
    if not 1 <= len(axes) <= 2 or len(set(axes)) != len(axes):
        raise ParameterError(f"--axes: a cut runs along one or two distinct axes, got {', '.join(axes) or 'none'}")
    held = {}
    for name, text in dict(at or {}).items():
        if name not in names or name in axes:
            raise ParameterError(f"--at: {name!r} is not a held axis of this cut; held: "
                                 f"{', '.join(n for n in names if n not in axes) or 'none'}")
        held[name] = float(parse_axis(f"{name}={text}").values[0])
    for n in names:
        if n not in axes and n not in held:
            held[n] = float(ds[n].values[0])
    return axes, held


def default_element(ds) -> str:
    """The element drawn: the model's ENH element (Fig. 3), else the largest raw element."""
    model = ds.attrs.get("model")
    if model in ENH_PAIRS:
        return ENH_PAIRS[model][2]
    mag = np.nanmax(np.abs(ds["sigma"].values).reshape(-1, 2, 2, 2), axis=0)
    c, a, b = np.unravel_index(int(np.nanargmax(mag)), (2, 2, 2))
    return "".join("xy"[i] for i in (c, a, b))


def cut_values(ds, axes, held, element):
    """{mechanism: array over ``axes`` (A m/V^2)} and {"enh/ref" label: ratio array} of the cut."""
    sel = {n: ds[n].sel({n: v}, method="nearest").item() for n, v in held.items()}
    sig = ds["sigma"].sel(sel).sel(c=element[0], a=element[1], b=element[2])
    mechs = list(ds["mechanism"].values) if "mechanism" in sig.dims else [ds.attrs["mechanism"]]
    curves = {}
    for m in mechs:
        da = sig.sel(mechanism=m) if "mechanism" in sig.dims else sig
        curves[str(m)] = da.transpose(*axes[::-1]).values   # rows over the second axis (2-D)
    ratios = {}
    for enh, ref, _ in ENH_PAIRS.values():
        if enh in curves and ref in curves:
            with np.errstate(all="ignore"):
                ratios[f"{enh}/{ref}"] = curves[enh] / curves[ref]
    return curves, ratios, sel


def _ratio_scale(r):
    """(z, cmap, norm, label) colouring a ratio: log10 of its magnitude where it has one sign."""
    fin = r[np.isfinite(r)]
    if fin.size and np.all(fin > 0):
        return np.log10(r), SEQUENTIAL, None, "$\\log_{10}$(ratio) (ratio > 0: same sign)"
    if fin.size and np.all(fin < 0):
        return np.log10(-r), SEQUENTIAL, None, "$\\log_{10}$($-$ratio) (ratio < 0: opposite signs)"
    vmax = float(np.max(np.abs(fin))) if fin.size else 1.0
    return r, DIVERGING, SymLogNorm(linthresh=min(1.0, vmax), vmin=-vmax, vmax=vmax), "ratio (signed, log beyond $\\pm$1)"


def _set_scale(ax, ds, name, which):
    if ds[name].attrs.get("spacing") == "log":
        vals = ds[name].values
        if np.all(vals > 0):
            getattr(ax, f"set_{which}scale")("log")


def _panel_2d(fig, ax, ds, axes, z, title, ratio):
    x, y = ds[axes[0]].values, ds[axes[1]].values
    if ratio:
        zz, cmap, norm, label = _ratio_scale(z)
    else:
        fin = np.abs(z[np.isfinite(z)])
        vmax = float(fin.max()) if fin.size and fin.max() > 0 else 1.0
        scale = 10.0 ** np.floor(np.log10(vmax))
        zz, cmap, label = z / scale, DIVERGING, f"$\\sigma$ (${tex_number(scale)}$ A m V$^{{-2}}$; linear, signed)"
        norm = Normalize(vmin=-vmax / scale, vmax=vmax / scale)
    im = ax.pcolormesh(x, y, zz, shading="auto", cmap=cmap, norm=norm, rasterized=True)
    if ratio:
        with np.errstate(divide="ignore", invalid="ignore"):
            mag = np.log10(np.abs(z))
        fin = mag[np.isfinite(mag)]
        if fin.size and fin.min() < 0 < fin.max() and min(z.shape) > 1:
            cs = ax.contour(x, y, np.where(np.isfinite(mag), mag, np.nan), levels=[0.0], colors="w", linewidths=1.2)
            cs.set_path_effects([patheffects.withStroke(linewidth=2.2, foreground="k")])
            ax.plot([], [], color="w", lw=1.2, label="|ratio| = 1",
                    path_effects=[patheffects.withStroke(linewidth=2.2, foreground="k")])
            ax.legend(loc="best", fontsize=6.5, framealpha=0.85)
    _set_scale(ax, ds, axes[0], "x")
    _set_scale(ax, ds, axes[1], "y")
    ax.set_xlabel(_label(ds, axes[0]))
    ax.set_ylabel(_label(ds, axes[1]))
    ax.set_title(title)
    fig.colorbar(im, ax=ax, pad=0.02).set_label(label, fontsize=7)


def _panel_1d(axs, ds, axis, curves, ratios, element):
    """Left: each mechanism's element; right (if any): |ratio| on a log scale with |ratio| = 1."""
    x = ds[axis].values
    ax = axs[0]
    for m, y in curves.items():
        ax.plot(x, y, label=TEX.get(m, m))
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set_xlabel(_label(ds, axis))
    ax.set_ylabel(f"$\\sigma^{{{element}}}$ (A m V$^{{-2}}$)")
    ax.legend(frameon=False)
    _set_scale(ax, ds, axis, "x")
    if len(axs) > 1:
        ax = axs[1]
        for label, r in ratios.items():
            enh, ref = label.split("/")
            sign = _ratio_scale(r)[3].split("(")[-1].rstrip(")")
            ax.plot(x, np.abs(r), color="k", label=f"|{TEX.get(enh, enh)} / {TEX.get(ref, ref)}| ({sign})")
        ax.axhline(1.0, color="tab:red", lw=0.8, ls=":", label="|ratio| = 1")
        ax.set_yscale("log")
        ax.set_xlabel(_label(ds, axis))
        ax.set_ylabel("|ratio| (dimensionless)")
        ax.legend(frameon=False, fontsize=6.5)
        _set_scale(ax, ds, axis, "x")


def _heading(ds, held) -> str:
    fixed = ", ".join(f"{n} = {v:.6g} {ds[n].attrs.get('units', '')}".rstrip() for n, v in held.items())
    return (f"{ds.attrs.get('model')}, {ds.attrs.get('method')}, {ds.attrs.get('convention')} convention; "
            f"map {ds.attrs.get('settings_hash', '')[:10]}" + (f"\nheld: {fixed}" if fixed else ""))


def draw(ds, axes, held, element):
    """The figure of one cut (call inside :func:`~symenh.figures.style.styled`)."""
    curves, ratios, sel = cut_values(ds, axes, held, element)
    if len(axes) == 1:
        fig, ax = new_figure(2.6, 1, 2 if ratios else 1, squeeze=False)
        _panel_1d(ax.ravel(), ds, axes[0], curves, ratios, element)
    else:
        panels = [(TEX.get(m, m) + f" ($\\sigma^{{{element}}}$)", z, False) for m, z in curves.items()]
        panels += [(TEX.get(k.split("/")[0], k) + " / " + TEX.get(k.split("/")[1], k), r, True)
                   for k, r in ratios.items()]
        ncols = min(len(panels), 3)
        nrows = -(-len(panels) // ncols)
        fig, ax = new_figure(2.4 * nrows, nrows, ncols, squeeze=False)
        for a, (title, z, is_ratio) in zip(ax.ravel(), panels):
            _panel_2d(fig, a, ds, axes, z, title, is_ratio)
        for a in ax.ravel()[len(panels):]:
            a.set_visible(False)
    fig.suptitle(_heading(ds, sel))
    return fig


@styled
def make(out_dir: Path, params=None, report=print, path=None, axes=None, at=None, element=None) -> list:
    """Write ``map_<axes>.png`` and ``.pdf`` of a cut of the map in ``path`` into ``out_dir``; return the
    paths.  ``params`` (the command's --param) is not used: the map holds its own."""
    if path is None:
        raise ParameterError("--in: figure map draws a map file: give --in FILE.nc (from symenh map --out)")
    ds = read_netcdf(path)
    cut, held = choose_cut(ds, axes, at)
    el = element or default_element(ds)
    report(f"map: {path} along {', '.join(cut)}" + (f" at {held}" if held else ""))
    fig = draw(ds, cut, held, el)
    return save(fig, Path(out_dir) / f"map_{'_'.join(cut)}")
