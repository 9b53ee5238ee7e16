"""The maps' own errors (both :class:`~symenh.errors.SymenhError`: one line on stderr, exit status 2)."""

from __future__ import annotations

import warnings

from ..errors import SymenhError


class MapError(SymenhError):
    """A map request that cannot run: a resume against other settings, an unreachable scheduler, ..."""


class MissingExtraError(MapError, ImportError):
    """An optional dependency of the maps (xarray, h5netcdf, dask.distributed, tqdm) is not installed."""


class FailedPointsWarning(UserWarning):
    """Some points of a map raised: they are NaN, their messages in the dataset's attributes."""


#: pip's name of each optional module
EXTRA_PACKAGES = {"xarray": "xarray", "h5netcdf": "h5netcdf", "h5py": "h5py", "distributed": "dask[distributed]",
                  "dask": "dask[distributed]", "tqdm": "tqdm"}


def require(module: str, what: str):
    """Import and return ``module``, or raise :class:`MissingExtraError` in one line naming the extra."""
    import importlib

    try:
        with warnings.catch_warnings():   # a third-party import's own deprecation notices are not ours
            warnings.simplefilter("ignore", DeprecationWarning)
            return importlib.import_module(module)
    except ImportError:
        pkg = EXTRA_PACKAGES.get(module.split(".")[0], module)
        raise MissingExtraError(f"{what} needs {pkg}, which is not installed: pip install symenh[maps]") from None
