r"""Computed curve points (float arrays) kept on disk, keyed by the computing code and the settings.

The figures of the exchange and temperature issues draw numbers that cost 0.1-1 s each
(adaptive quadrature of the q-dependent exchange, 30-digit mpmath reference).
:func:`stored_arrays` computes them once and keeps them in the secure on-disk cache of
:mod:`symenh.cache`: each array is stored by :func:`symenh.cache.cached_arrays` (its bytes, dtype and shape: a
float64 comes back bit for bit), so nothing read back is ever parsed as code, and a missing,
corrupt or foreign entry is simply recomputed.

Key.  :func:`symenh.cache.make_key` of (i) the full source text of every module of the
layers the numbers are computed in (:data:`SOURCE_PACKAGES`, :data:`SOURCE_MODULES`: the
models, geometry, kernels, integrators, responses, interactions, parameters, units,
temperature and interaction asymptotics; a change anywhere there recomputes the points),
(ii) the name of the curve set and (iii) the settings, written as canonical JSON (sorted
keys; floats by ``repr``, i.e. exactly).  The settings must hold everything the numbers
depend on beyond that source (parameters, mu grid, tolerances, convention, ...).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import cache
from ..errors import ResponseError

#: sub-packages of symenh whose source keys the stored points (every .py file in them)
SOURCE_PACKAGES = ("models", "geometry", "kernels", "integrate", "responses")
#: top-level modules of symenh whose source keys the stored points
SOURCE_MODULES = ("interactions.py", "params.py", "units.py", "temperature.py", "asymptotics_interaction.py",
                  "errors.py")

_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def source_text() -> str:
    """The source of every computing module (:data:`SOURCE_PACKAGES`, :data:`SOURCE_MODULES`),
    each preceded by its path relative to the package, in sorted order."""
    files = sorted(p for pkg in SOURCE_PACKAGES for p in (_ROOT / pkg).rglob("*.py"))
    files += [_ROOT / m for m in SOURCE_MODULES if (_ROOT / m).is_file()]
    return "\n".join(f"# {p.relative_to(_ROOT).as_posix()}\n{p.read_text()}" for p in files)


def _settings_text(settings: dict) -> str:
    try:
        return json.dumps(settings, sort_keys=True, separators=(",", ":"), allow_nan=False, default=repr)
    except (TypeError, ValueError) as exc:   # a symenh bug: settings must be plain JSON
        raise ValueError(f"stored_arrays: settings must be JSON-ready ({exc})") from None


def stored_arrays(name: str, settings: dict, build, names) -> dict:
    """``build()`` -> {array name: float array}, computed once and then read from the disk cache.

    ``name`` names the curve set; ``settings`` (JSON-ready dict) everything beyond the source
    of the computing modules that the numbers depend on; ``names`` the array names ``build``
    returns (their order is part of the key).  Every array must be finite (else a one-line
    :class:`~symenh.errors.ResponseError` naming it; nothing is stored).  Returns float64
    arrays of the shapes built.
    """
    names = tuple(names)
    key = cache.make_key("stored-points", name, source_text(), _settings_text(settings), ",".join(names))

    def checked():
        arrays = build()
        if set(arrays) != set(names):
            raise ValueError(f"stored_arrays: build returned {sorted(arrays)}, expected {sorted(names)}")
        out = {}
        for n in names:
            a = np.asarray(arrays[n], dtype=float)
            if not np.all(np.isfinite(a)):
                raise ResponseError(f"params: {n} of {name} is not finite at "
                                    f"{int(np.sum(~np.isfinite(a)))} of {a.size} points")
            out[n] = a
        return out

    return cache.cached_arrays(key, checked)

__all__ = ["SOURCE_MODULES", "SOURCE_PACKAGES", "source_text", "stored_arrays"]
