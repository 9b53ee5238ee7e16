"""One chunk of a map: the conductivities at a list of points, each failure kept with its message.

:func:`compute_chunk` is the only function an executor runs (in this process, in a worker
process or on a dask worker); it is a pure function of (spec, points), so every executor
gives the same numbers bit for bit.  A point is one :func:`symenh.sigma` call per mechanism
with the whole mu axis as an array -- or, where the closed form applies
(:mod:`symenh.maps.closed_form_grid`), all points of the chunk in one vectorised call.
A point that raises (invalid parameters, a path refusing them, a non-finite result) is NaN
in the chunk and its message is kept; the other points are computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SymenhError
from ..responses.api import sigma
from . import closed_form_grid


@dataclass(frozen=True)
class Chunk:
    """The results of some points of a map.

    ``points``: flat point indices (int64); ``sigma``: (len(points), n_mechanisms, n_mu, 2, 2, 2)
    raw sigma^{cab} in A m/V^2; ``error``: (len(points), n_mechanisms, n_mu) the path's error
    estimate in A m/V^2 (0 for the closed form, exact); ``failures``: {point index: message}
    of the points that raised (NaN in ``sigma`` and ``error``)."""

    points: np.ndarray
    sigma: np.ndarray
    error: np.ndarray
    failures: dict


def _message(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if isinstance(exc, SymenhError) else f"{type(exc).__name__}: {text}"


def _point(spec, i: int):
    """(sigma (n_mech, n_mu, 2, 2, 2), error (n_mech, n_mu)) of point ``i``; raises on failure."""
    params, mu = spec.point(i)
    kwargs = spec.sigma_kwargs()
    sig, err = [], []
    for mech in spec.mechanisms:
        res = sigma(mechanism=mech, mu_eV=mu, params=params, **kwargs)
        sig.append(res.sigma)
        err.append(np.zeros(len(mu)) if res.error_estimate is None else
                   np.asarray(res.error_estimate, dtype=float).reshape(len(mu), -1).max(axis=1))
    return np.array(sig), np.array(err)


def compute_chunk(spec, points) -> Chunk:
    """The :class:`Chunk` of ``points`` (flat point indices) of the map ``spec``."""
    points = np.asarray(points, dtype=np.int64)
    n_mech, n_mu = len(spec.mechanisms), len(spec.mu_axis)
    sig = np.full((len(points), n_mech, n_mu, 2, 2, 2), np.nan)
    err = np.full((len(points), n_mech, n_mu), np.nan)
    failures = {}
    if closed_form_grid.applies(spec):
        rows, params_list, mus = [], [], []
        for r, i in enumerate(points):
            try:
                p, mu = spec.point(int(i))
            except Exception as exc:  # noqa: BLE001 - invalid parameters at this point: recorded, the others go on
                failures[int(i)] = _message(exc)
                continue
            rows.append(r)
            params_list.append(p)
            mus.append(mu)
        if rows:
            opts = dict(spec.options)
            values, failed = closed_form_grid.evaluate(spec.model, spec.mechanisms, params_list, np.array(mus),
                                                       opts.get("convention", "consistent"),
                                                       opts.get("exchange_valleys", "same"))
            sig[rows] = values
            err[rows] = np.where(np.isnan(values).any(axis=(3, 4, 5)), np.nan, 0.0)
            failures.update({int(points[rows[k]]): msg for k, msg in failed.items()})
        return Chunk(points, sig, err, failures)
    for r, i in enumerate(points):
        try:
            sig[r], err[r] = _point(spec, int(i))
        except Exception as exc:  # noqa: BLE001 - one point's failure (any cause) must not lose the rest of the map
            failures[int(i)] = _message(exc)
    return Chunk(points, sig, err, failures)
