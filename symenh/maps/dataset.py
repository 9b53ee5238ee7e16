"""A computed map as a labelled :class:`xarray.Dataset`, and its netCDF file.

Variables (SI, A m / V^2; ``c``, ``a``, ``b`` index x, y of j^c = sigma^{cab} E^a E^b):

=====================  ====================================  ==========================================
variable               dims                                  meaning
=====================  ====================================  ==========================================
``sigma``              ([mechanism,] axes..., c, a, b)       raw sigma^{cab} (antisymmetric in c, a)
``sigma_symmetrized``  ([mechanism,] axes..., c, a, b)       (sigma^{cab} + sigma^{cba}) / 2, physical
``error_estimate``     ([mechanism,] axes...)                the path's error estimate (max over the
                                                             elements; 0 for the exact closed form)
=====================  ====================================  ==========================================

``mechanism`` is a dimension only when the map has several mechanisms.  Each axis is a
coordinate in its unit (attribute ``units``: eV, 1/nm, ps, K, ...; ``spacing``: linear, log or
list; ``parameters_field``: the symenh.Parameters field it sets).  The dataset's attributes
hold every setting: model, mechanism(s), method, convention, exchange_valleys, interaction,
exchange_channels, order, occupation, the other
sigma options (JSON), every fixed parameter with its unit in the name (``param_q_s_per_nm``),
the symenh version, the settings as JSON and their SHA-256 hash, and the failed points
(``failed_points``: JSON list of {point, error}; those points are NaN).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from ..fileio import atomic_path
from ..responses.spec import symmetrize
from ..units import SIGMA_UNITS
from .errors import MapError, require

#: long names of the axes' coordinates
LONG_NAMES = {"mu": "chemical potential mu", "mu_over_Delta": "chemical potential over the gap, mu / |Delta|",
              "Delta": "gap parameter Delta", "v": "velocity v_x = v_y", "vx": "velocity v_x", "vy": "velocity v_y",
              "alpha_over_hbar_v": "tilt alpha / (hbar v_y)", "tau": "relaxation time tau",
              "q_s": "screening wave number q_s", "T": "temperature T", "eps_r": "relative permittivity eps_r"}


def _attr(value):
    """A value netCDF can store as an attribute (str or number)."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float, str)):
        return value
    return json.dumps(value)


def failure_records(spec, failures: dict) -> list:
    """[{"point": {axis: value}, "error": message}] of the failed points."""
    out = []
    for i, msg in failures.items():
        idx = np.unravel_index(int(i), spec.point_shape) if spec.point_axes else ()
        out.append({"point": {a.name: float(a.values[j]) for a, j in zip(spec.point_axes, idx)}, "error": msg})
    return out


def attributes(spec, failures: dict, created_by: str) -> dict:
    """The dataset's attributes: every setting (module docstring)."""
    settings = spec.settings()
    opts = dict(spec.options)
    varied = {f for a in spec.point_axes for f in a.fields}
    attrs = {"title": f"symenh map of sigma^{{cab}} over {', '.join(a.name for a in spec.axes)}",
             "created_by": created_by, "symenh_version": settings["symenh_version"], "model": spec.model_label,
             "mechanism": ", ".join(spec.mechanisms), "method": spec.method,
             "convention": opts.get("convention", "consistent"),
             "exchange_valleys": opts.get("exchange_valleys", "same"),
             "interaction": opts.get("interaction", "contact"), "exchange_channels": opts.get("exchange", "printed"),
             "occupation": opts.get("occupation", "bare"),
             "sigma_options_json": json.dumps(opts, sort_keys=True), "sigma_units": SIGMA_UNITS,
             "tensor": "raw sigma^{cab} of j^c = sigma^{cab} E^a E^b; c, a, b = x, y",
             "order": f"{opts.get('order', 'linear')} in the tilt alpha (linear: alpha d sigma/d alpha at 0)"}
    for name, value in spec.params.as_dict().items():
        attrs[f"param_{name}"] = "varied (an axis)" if name in varied else float(value)
    if "q_s_per_nm" not in varied:
        attrs["V0_eV_nm2"] = float(spec.params.V0_eV_nm2)
    records = failure_records(spec, failures)
    attrs.update({"n_failed_points": len(records), "failed_points": json.dumps(records),
                  "settings_json": spec.settings_json(), "settings_hash": spec.hash})
    return {k: _attr(v) for k, v in attrs.items()}


def to_dataset(result, created_by: str = "symenh.sweep"):
    """The :class:`xarray.Dataset` of a :class:`~symenh.maps.run.MapResult` (module docstring)."""
    xr = require("xarray", "symenh.sweep")
    spec = result.spec
    mu_ax = spec.mu_axis
    inner = [a.name for a in spec.point_axes] + ["mechanism", mu_ax.name]
    several = len(spec.mechanisms) > 1
    order = (["mechanism"] if several else []) + [a.name for a in spec.axes]
    shape = spec.point_shape + (len(spec.mechanisms), len(mu_ax))
    sig = result.sigma.reshape(shape + (2, 2, 2))
    err = result.error.reshape(shape)
    coords = {a.name: (a.name, np.asarray(a.values, dtype=float),
                       {"units": a.unit or "1", "long_name": LONG_NAMES.get(a.name, a.name),
                        "parameters_field": ", ".join(a.fields) or ("mu_eV" if a.name == "mu" else
                                                                    "mu_eV / |Delta_eV|"),
                        "spacing": a.spacing, "spec": a.spec}) for a in spec.axes}
    coords.update({d: (d, ["x", "y"]) for d in ("c", "a", "b")})
    coords["mechanism"] = ("mechanism", list(spec.mechanisms))

    def variable(values, dims, **attrs):
        da = xr.DataArray(values, dims=dims, coords={d: coords[d] for d in dims}, attrs=attrs)
        if not several:
            da = da.squeeze("mechanism", drop=True)
        return da.transpose(*order, *[d for d in ("c", "a", "b") if d in dims])

    tensor = inner + ["c", "a", "b"]
    ds = xr.Dataset({
        "sigma": variable(sig, tensor, units=SIGMA_UNITS,
                          long_name="raw second-order conductivity sigma^{cab} (j^c = sigma^{cab} E^a E^b)"),
        "sigma_symmetrized": variable(symmetrize(sig), tensor, units=SIGMA_UNITS,
                                      long_name="(sigma^{cab} + sigma^{cba}) / 2, the physical response"),
        "error_estimate": variable(err, inner, units=SIGMA_UNITS,
                                   long_name="the path's error estimate (max over elements; 0: exact closed form)"),
    }, attrs=attributes(spec, result.failures, created_by))
    if not several:
        ds.attrs["mechanism"] = spec.mechanisms[0]
    return ds


def write_netcdf(ds, path) -> Path:
    """Write ``ds`` to ``path`` (netCDF-4 through h5netcdf) atomically; returns the path."""
    require("h5netcdf", "writing a map as netCDF")
    require("h5py", "writing a map as netCDF (h5netcdf's backend)")
    path = Path(path)
    try:
        with atomic_path(path) as tmp:
            ds.to_netcdf(tmp, engine="h5netcdf")
    except OSError as exc:
        raise MapError(f"--out: cannot write {path} ({exc.strerror or exc})") from None
    return path


def read_netcdf(path):
    """The map stored in ``path`` (loaded into memory, the file closed)."""
    xr = require("xarray", "reading a map")
    require("h5netcdf", "reading a map")
    require("h5py", "reading a map (h5netcdf's backend)")
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return ds.load()
    except (OSError, ValueError) as exc:
        raise MapError(f"--in: cannot read {path} as a symenh map (netCDF): {' '.join(str(exc).split())[:160]}") \
            from None


def summary(ds, out=None, executor=None, elapsed_s=None, resumed_points=0) -> dict:
    """The JSON summary of ``symenh map --json``: dims, coordinates, settings hash, failures, the largest
    |sigma| (A m/V^2), the executor, the points loaded from an earlier run, the wall time (s)."""
    sig = np.asarray(ds["sigma"].values, dtype=float)
    finite = sig[np.isfinite(sig)]
    biggest = float(np.max(np.abs(finite))) if finite.size else None
    return {"out": None if out is None else str(out), "dims": {d: int(n) for d, n in ds.sizes.items()},
            "variables": sorted(ds.data_vars), "units": SIGMA_UNITS,
            "coords": {d: {"units": ds[d].attrs.get("units"), "first": float(ds[d].values[0]),
                           "last": float(ds[d].values[-1]), "n": int(ds.sizes[d]),
                           "spacing": ds[d].attrs.get("spacing")}
                       for d in ds.coords if d not in ("c", "a", "b", "mechanism")},
            "mechanisms": ds.attrs["mechanism"].split(", "), "model": ds.attrs["model"],
            "method": ds.attrs["method"], "settings_hash": ds.attrs["settings_hash"],
            "n_values": int(sig.size // 8), "n_failed_points": int(ds.attrs["n_failed_points"]),
            "failed_points": json.loads(ds.attrs["failed_points"])[:20],
            "max_abs_sigma": biggest if biggest is None or math.isfinite(biggest) else None,
            "executor": executor, "resumed_points": int(resumed_points), "elapsed_s": None if elapsed_s is None else round(float(elapsed_s), 3)}
