"""What a map computes (:class:`MapSpec`): the request, its points, and the hash that names it.

A map evaluates :func:`symenh.sigma` for one model, one or several mechanisms and one method
over the product of its axes.  The mu axis (``mu`` or ``mu_over_Delta``) is evaluated as an
array inside each call; every other axis is a loop over *points*, the product of the other
axes' values in C order (the first non-mu axis varies slowest).  Each point is a
:class:`~symenh.params.Parameters` (the fixed parameters with the point's axis values set)
and an array of mu (eV).

The settings hash (SHA-256 of the canonical JSON of :meth:`MapSpec.settings`: model,
mechanisms, method, every sigma keyword, every fixed parameter, every axis value as an exact
float, and the symenh version) keys the finished chunks persisted for ``--resume``: a changed
setting never mixes into an old map.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..errors import InputTypeError, ParameterError
from ..params import PAPER, Parameters
from .axes import Axis, check_axes
from .model_ref import PAPER_HAMILTONIAN_FIELDS, ModelFile

#: the scalar types a sigma keyword may have in a map (it is stored in the dataset's attributes)
_SCALARS = (str, int, float, bool, type(None))


def _check_option(name: str, value):
    """A sigma keyword's value as JSON-able data (str, number, bool, None, or a list of them)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_check_option(name, v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, _SCALARS):
        raise InputTypeError(f"{name}: a map keeps every setting in its attributes, so it must be a name, a number "
                             f"or a list of them, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"{name}: must be finite, got {value}")
    return value


def _is_default(name: str, value) -> bool:
    """Whether ``value`` is symenh.sigma's default for keyword ``name`` (then it is left out of the
    options: a map asking for the default explicitly is the same map, with the same hash)."""
    from ..responses.api import sigma

    param = inspect.signature(sigma).parameters.get(name)
    return (param is not None and param.default is not inspect.Parameter.empty and type(value) is type(param.default)
            and value == param.default)


@dataclass(frozen=True)
class MapSpec:
    """A map request.  ``model`` (a paper model name, or a user's model file as a
    :class:`~symenh.maps.model_ref.ModelFile`), ``mechanisms`` (tuple of names),
    ``method``, ``axes`` (tuple of :class:`~symenh.maps.axes.Axis`, exactly one of them mu or
    mu_over_Delta), ``params`` (the fixed :class:`~symenh.params.Parameters`; an axis
    overrides its fields), ``options`` (the other :func:`symenh.sigma` keywords, e.g.
    convention, exchange_valleys, rtol, as sorted (name, value) pairs; None and sigma's own
    defaults are left out, so asking for a default explicitly does not change the map's hash)."""

    model: str | ModelFile
    mechanisms: tuple
    method: str
    axes: tuple
    params: Parameters = PAPER
    options: tuple = field(default=())

    def __post_init__(self):
        if not isinstance(self.model, (str, ModelFile)):
            raise InputTypeError(f"model: a map takes a paper model name or a symenh.maps.ModelFile (a model file), "
                                 f"got {type(self.model).__name__}")
        mechs = (self.mechanisms,) if isinstance(self.mechanisms, str) else tuple(self.mechanisms)
        if not mechs or not all(isinstance(m, str) for m in mechs):
            raise InputTypeError("mechanism: give one mechanism name or a list of them")
        if len(set(mechs)) != len(mechs):
            raise ParameterError(f"mechanism: each mechanism once, got {', '.join(mechs)}")
        if not isinstance(self.params, Parameters):
            raise InputTypeError(f"params: must be a symenh.Parameters, got {type(self.params).__name__}")
        opts = {k: v for k, v in dict(self.options).items() if v is not None and not _is_default(k, v)}
        object.__setattr__(self, "mechanisms", mechs)
        object.__setattr__(self, "axes", check_axes(self.axes))
        object.__setattr__(self, "options", tuple(sorted((k, _check_option(k, v)) for k, v in opts.items())))
        if isinstance(self.model, ModelFile):
            self._check_model_file()

    def _check_model_file(self) -> None:
        """A model file holds its Hamiltonian: refuse the axes and fixed parameters of a paper
        model's Hamiltonian, and the axis mu_over_Delta (no paper gap)."""
        for a in self.axes:
            if a.name == "mu_over_Delta" or set(a.fields) & set(PAPER_HAMILTONIAN_FIELDS):
                raise ParameterError(f"axis {a.name}: sets a paper model's Hamiltonian; a model file holds its own "
                                     "(allowed axes: mu and the parameters outside H: tau, q_s, eps_r, T)")
        for f in PAPER_HAMILTONIAN_FIELDS:
            if getattr(self.params, f) != getattr(PAPER, f):
                raise ParameterError(f"params.{f}: sets a paper model's Hamiltonian, not used for a model file "
                                     f"({self.model.name} holds its own parameters)")
        if "model_values" in dict(self.options):
            raise ParameterError("model_values: a model file holds its parameter values")

    # -- the grid ---------------------------------------------------------------
    @cached_property
    def mu_axis(self) -> Axis:
        """The axis evaluated inside each symenh.sigma call (mu or mu_over_Delta)."""
        return next(a for a in self.axes if a.is_mu)

    @cached_property
    def point_axes(self) -> tuple:
        """The other axes, whose product are the points."""
        return tuple(a for a in self.axes if not a.is_mu)

    @cached_property
    def point_shape(self) -> tuple:
        return tuple(len(a) for a in self.point_axes)

    @property
    def n_points(self) -> int:
        return int(np.prod(self.point_shape, dtype=np.int64))

    @property
    def n_values(self) -> int:
        """Points x mu values: the number of map entries per mechanism."""
        return self.n_points * len(self.mu_axis)

    def point_changes(self, i: int) -> dict:
        """{Parameters field: value} of point ``i`` (flat C-order index over :attr:`point_axes`)."""
        idx = np.unravel_index(i, self.point_shape) if self.point_axes else ()
        return {f: v[j] for (fields, v), j in zip(self._axis_values, idx) for f in fields}

    @cached_property
    def _axis_values(self) -> tuple:
        """((fields, values as Python floats), ...) of the point axes."""
        return tuple((a.fields, [float(x) for x in a.values]) for a in self.point_axes)

    def point_label(self, i: int) -> str:
        """"q_s=0.2 1/nm, T=10 K" for point ``i`` (messages)."""
        idx = np.unravel_index(i, self.point_shape) if self.point_axes else ()
        text = ", ".join(f"{a.name}={a.values[j]:g}{(' ' + a.unit) if a.unit else ''}"
                         for a, j in zip(self.point_axes, idx))
        return text or "the map"

    def point(self, i: int):
        """(Parameters, mu in eV) of point ``i``; raises the SymenhError of invalid parameters."""
        p = self.params.replace(**self.point_changes(i)) if self.point_axes else self.params
        ax = self.mu_axis
        mu = ax.values if ax.name == "mu" else abs(p.Delta_eV) * ax.values
        return p, mu

    # -- identity ---------------------------------------------------------------
    def settings(self) -> dict:
        """Every setting as JSON-able data: what the hash covers and the dataset's attributes hold."""
        from .. import __version__  # at call time: symenh/__init__ imports this package
        model = self.model if isinstance(self.model, str) else self.model.describe()
        return {"model": model, "mechanisms": list(self.mechanisms), "method": self.method,
                "options": dict(self.options), "params": self.params.as_dict(),
                "axes": [a.describe() for a in self.axes], "symenh_version": __version__}

    def settings_json(self) -> str:
        return json.dumps(self.settings(), sort_keys=True, separators=(",", ":"))

    @property
    def hash(self) -> str:
        """SHA-256 (hex) of the canonical settings JSON."""
        return hashlib.sha256(self.settings_json().encode()).hexdigest()

    @property
    def model_label(self) -> str:
        """The model in one line: the paper name, or the model file's name and SHA-256."""
        return self.model if isinstance(self.model, str) else self.model.label()

    def sigma_kwargs(self) -> dict:
        """The keywords of each symenh.sigma call but ``params``: model, method and the options
        (and model_values for a model file)."""
        model = {"model": self.model} if isinstance(self.model, str) else self.model.sigma_model()
        return {**model, "method": self.method, **dict(self.options)}
