"""Parameter maps: :func:`sweep` (Python) and ``symenh map`` (command line).

A map evaluates :func:`symenh.sigma` over the product of its axes (mu and any parameter, with
units) and returns a labelled :class:`xarray.Dataset` (:mod:`symenh.maps.dataset`).  mu is
evaluated as an array in each call; for the closed form of the paper models every parameter is
too (:mod:`symenh.maps.closed_form_grid`); the remaining points are chunks run serially, on
local processes or on a dask cluster (:mod:`symenh.maps.executors`), with the same numbers
bit for bit; finished chunks are kept beside the output for ``--resume``
(:mod:`symenh.maps.store`).  Needs the extra ``pip install symenh[maps]`` (xarray, h5netcdf,
dask[distributed], tqdm) for the dataset, the file, the progress bar and dask; the numeric
engine (:func:`symenh.maps.run.compute`) needs numpy only.

Modules: axes (parsing ``NAME=SPEC``), spec (the request and its hash), evaluate (one chunk),
closed_form_grid (the vectorised closed form), executors, store, run (the engine), dataset.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Mapping

from ..params import PAPER
from .axes import Axis, axis, parse_axis
from .errors import FailedPointsWarning, MapError, MissingExtraError, require
from .model_ref import ModelFile
from .spec import MapSpec

__all__ = ["Axis", "FailedPointsWarning", "MapError", "MapSpec", "MissingExtraError", "axis", "make_spec",
           "parse_axis", "sweep"]


def _axes(axes) -> tuple:
    if isinstance(axes, Mapping):
        return tuple(v if isinstance(v, Axis) else axis(k, v) for k, v in axes.items())
    if isinstance(axes, (str, bytes)) or not hasattr(axes, "__iter__"):
        raise MapError("axes: give a mapping {name: spec} (e.g. {'mu': '0.05:0.3:101eV'}), or Axis objects / "
                       "'NAME=SPEC' strings")
    return tuple(a if isinstance(a, Axis) else parse_axis(a) for a in axes)


def make_spec(model, mechanism, axes, *, method: str = "closed-form", params=PAPER, **options) -> MapSpec:
    """The :class:`MapSpec` of :func:`sweep`'s arguments (a loaded model file becomes a
    :class:`ModelFile`: its bytes travel with the map)."""
    from ..models.model_file import LoadedModel

    if isinstance(model, LoadedModel):
        model = ModelFile.from_loaded(model)
    return MapSpec(model, mechanism, method, _axes(axes), params, tuple(options.items()))


def failure_line(result) -> str:
    """One line saying how many points failed and why the first did."""
    spec, failures = result.spec, result.failures
    first = next(iter(failures))
    return (f"{len(failures)} of {spec.n_points} points of the map failed (NaN there; every message in the "
            f"dataset attribute failed_points); first: {spec.point_label(first)}: {failures[first]}")


def sweep(model, mechanism, axes, *, method: str = "closed-form", params=PAPER, executor: str = "auto",
          workers=None, scheduler=None, scheduler_timeout: float = 10.0, out=None, resume: bool = False,
          chunk_points=None, progress: bool = False, **options):
    """sigma^{cab} (A m/V^2) over a map of parameters, as a labelled :class:`xarray.Dataset`.

    Parameters
    ----------
    model : a paper model name ("tilted-dirac", "pt-dirac"), or a user's model file loaded by
        :func:`symenh.load_model` (or a :class:`ModelFile`): the file's bytes and SHA-256 travel with
        the map (into the settings hash) and every worker rebuilds the model from them; the axes
        and ``params`` fields of a paper Hamiltonian (Delta, v, vx, vy, alpha_over_hbar_v,
        mu_over_Delta) are then refused.
    mechanism : one mechanism name or several (then ``mechanism`` is a dimension).
    axes : {name: spec}: ``{"mu": "0.05:0.3:101eV", "q_s": symenh.maps.axis("q_s", "0.05:2:40/nm",
        log=True), "T": "0,10,100,300K"}``; names: mu or mu_over_Delta (exactly one; mu / |Delta|
        at each point), and every ``--param`` name (Delta, v, tau, q_s, alpha_over_hbar_v, ...);
        a spec is a string with units (:mod:`symenh.maps.axes`) or numbers in the axis's unit
        (eV, 1/nm, ps, ...).  The first axis is the slowest in the dataset's dims.
    method, params, options : as for :func:`symenh.sigma` (``convention``, ``exchange_valleys``,
        path options such as ``rtol``); ``params`` fixes what no axis varies.
    executor : "auto" (serial, or local processes for a map estimated > 20 s), "serial",
        "processes" or "dask" (``scheduler``: address of a running dask scheduler; none: a
        LocalCluster of ``workers`` processes); ``scheduler_timeout`` in seconds.
    out : write the dataset to this netCDF file (h5netcdf), keeping finished chunks in
        ``OUT.parts/`` while it runs; ``resume=True`` continues from them (refused when any
        setting differs).
    chunk_points : points per chunk (the unit of work, of persistence and of retry).
    progress : a tqdm progress bar on stderr.

    Returns the :class:`xarray.Dataset` of :mod:`symenh.maps.dataset`.  A point that raises is
    NaN, its message in the attribute ``failed_points``, and one :class:`FailedPointsWarning`
    says so; the other points are computed.  Bad input raises a one-line
    :class:`~symenh.errors.SymenhError` before any work.
    """
    from .dataset import to_dataset, write_netcdf
    from .run import compute
    from .store import parts_dir

    require("xarray", "symenh.sweep")
    spec = make_spec(model, mechanism, axes, method=method, params=params, **options)
    store = parts_dir(out) if out is not None else None
    result = compute(spec, executor=executor, workers=workers, scheduler=scheduler,
                     scheduler_timeout=scheduler_timeout, store=store, resume=resume, chunk_points=chunk_points,
                     progress=progress)
    if result.failures:
        warnings.warn(failure_line(result), FailedPointsWarning, stacklevel=2)
    ds = to_dataset(result)
    if out is not None:
        write_netcdf(ds, out)
        shutil.rmtree(store, ignore_errors=True)   # the finished chunks, once the file is written
    return ds
