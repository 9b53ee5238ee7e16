"""A user's model file as a map's model: the file's bytes travel with the map, never its code.

A map of a paper model names it ("tilted-dirac", "pt-dirac"); a map of a user's model
(``symenh map --model-file FILE``, ``symenh.sweep(symenh.load_model(path), ...)``) carries a
:class:`ModelFile`: the file's name, its SHA-256 and its bytes.  Every worker (this process, a
worker process, a dask worker on another machine) rebuilds the model from those bytes with
:func:`symenh.models.model_file.load_model_bytes` (a whitelist parser; nothing is evaluated), so
no worker needs the file on its disk, and the map's settings hash covers the model through the
SHA-256: an edited file is a different map and ``--resume`` refuses it.

A model file carries its own Hamiltonian parameters, so a map of one refuses the axes and
``--param`` names that set a paper model's Hamiltonian (:data:`PAPER_HAMILTONIAN_FIELDS`) and the
axis ``mu_over_Delta`` (there is no paper gap Delta); the others (mu, T, tau, q_s, eps_r, ...)
apply as for a paper model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..errors import InputTypeError, ModelError

#: Parameters fields that set a paper model's Hamiltonian; a model file holds its own
PAPER_HAMILTONIAN_FIELDS = ("Delta_eV", "vx_m_per_s", "vy_m_per_s", "alpha_over_hbar_v")


@dataclass(frozen=True)
class ModelFile:
    """A model file by value: ``name`` (the file's name, for labels), ``sha256`` (hex digest of
    ``data``), ``data`` (the file's bytes) and ``suffix`` (".json" or ".toml": the format)."""

    name: str
    sha256: str
    data: bytes = field(repr=False)
    suffix: str = ".json"

    def __post_init__(self):
        if not isinstance(self.data, bytes):
            raise InputTypeError(f"model: a model file's bytes, got {type(self.data).__name__}")
        if hashlib.sha256(self.data).hexdigest() != self.sha256:
            raise ModelError(f"model file {self.name}: its bytes do not match the SHA-256 {self.sha256[:12]}")

    @classmethod
    def from_path(cls, path) -> ModelFile:
        """Read ``path`` (a model file, :func:`symenh.load_model`) and check that it loads; raises
        :class:`~symenh.errors.ModelError` in one line otherwise."""
        from ..models.model_file import load_model

        loaded = load_model(path)
        data = Path(path).read_bytes()
        if hashlib.sha256(data).hexdigest() != loaded.sha256:
            raise ModelError(f"model file {path}: changed while it was read")
        return cls(Path(path).name, loaded.sha256, data, Path(path).suffix.lower() or ".json")

    @classmethod
    def from_loaded(cls, loaded) -> ModelFile:
        """The :class:`ModelFile` of a :class:`~symenh.models.model_file.LoadedModel` (its file is read
        again and must still have the SHA-256 it was loaded with)."""
        data = Path(loaded.path).read_bytes() if Path(loaded.path).is_file() else b""
        if hashlib.sha256(data).hexdigest() != loaded.sha256:
            raise ModelError(f"model file {loaded.path}: changed (or gone) since it was loaded; load it again")
        return cls(Path(loaded.path).name, loaded.sha256, data, Path(loaded.path).suffix.lower() or ".json")

    @cached_property
    def loaded(self):
        """The :class:`~symenh.models.model_file.LoadedModel` rebuilt from the bytes (no code run);
        built once per process (not pickled: a worker rebuilds it from the bytes)."""
        from ..models.model_file import load_model_bytes

        return load_model_bytes(self.data, Path(self.name).with_suffix(self.suffix))

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "loaded"}

    def sigma_model(self) -> dict:
        """The keywords ``model`` and ``model_values`` of :func:`symenh.sigma` for this model."""
        return {"model": self.loaded.model, "model_values": dict(self.loaded.model_values)}

    def describe(self) -> dict:
        """The map's "model" setting: {"name", "file", "sha256"} (the model's own name from the file)."""
        return {"name": self.loaded.name, "file": self.name, "sha256": self.sha256}

    def label(self) -> str:
        """One line for attributes and titles: "NAME (file FILE, sha256 0123456789ab)"."""
        return f"{self.loaded.name} (file {self.name}, sha256 {self.sha256[:12]})"
