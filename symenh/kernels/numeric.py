"""Numeric geometry kernel: lambdified H(k) and dH/dk_a, ``eigh`` vectorised over k, no SymPy algebra.

The same interface and output as the closed-form kernel (:class:`symenh.kernels.lambdified.GeometryKernel`):
``NumericKernel.evaluate(quantity, kx, ky, values)`` returns an array ``(*k, L, *components)`` for
the L energy levels, **ascending at every k**, in the units of :data:`symenh.units.GEOMETRY_UNITS`
(energy eV, Berry curvature nm^2, quantum metric nm^2, BCP nm^2/eV, SBP nm/eV (paper Eq. 5),
spin dimensionless).  Nothing symbolic is diagonalised: SymPy only differentiates the scalar
coefficients of H once (:class:`~symenh.kernels.hamiltonian.NumericHamiltonian`), so a model
whose closed-form geometry would take minutes is ready in milliseconds.

Levels.  The N bands are grouped into L levels by the *generic degeneracy pattern* of the model
at the given parameter values (:func:`level_pattern`: the degeneracies met at a fixed set of
probe momenta, decided with the explicit tolerance ``degeneracy_tol`` in eV; e.g. (2, 2) for
H_PT, (1, 1, 1, 1) once a Zeeman term splits its Kramers pairs).  Level l holds the bands
``offset_l .. offset_l + d_l - 1`` of the ascending spectrum.  At each k every quantity is first
traced over the bands that are degenerate *there* (direct path,
:func:`symenh.kernels.direct.band_geometry`: the gauge-invariant trace), then level l gets
``sum_{b in l} q_b / g_b`` with g_b the size of band b's degenerate cluster: exactly the trace
over the level wherever its degenerate subspace lies inside it (everywhere but at a band
touching between levels, where each touching level gets its share of the merged trace).

:meth:`NumericKernel.filled_sbp` is the SBP summed over the filled subspace (every band below an
energy): the terms between two filled bands cancel pairwise, so it stays small and accurate where
two filled levels approach each other at large k, although each level's SBP is then large.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import ModelError
from ..geometry.symbolic import QUANTITIES
from ..models.base import SymbolicModel
from .direct import DEFAULT_DEGENERACY_TOL, eigen_frame, geometry_of_frame
from .hamiltonian import NumericHamiltonian, check_k, param_vector, values_by_name

#: probe momenta (1/nm) at which the generic degeneracy pattern is read: irrational-looking
#: points at several radii, none on a symmetry line of the usual models
_PROBE_R = np.array([0.0371, 0.113, 0.29, 0.61, 1.37, 2.9])
_PROBE_TH = np.array([0.377, 1.91, 2.83, 4.07, 5.21, 0.97])


def _direct_quantity(name: str) -> str:
    return name.replace("-", "_")


@dataclass(frozen=True)
class LevelGeometry:
    """Level-resolved geometry at an array of k: each array (*k, L, *components); ``degeneracy`` (L,)."""

    degeneracy: tuple
    energy: np.ndarray
    berry_curvature: np.ndarray
    quantum_metric: np.ndarray
    bcp: np.ndarray
    sbp: np.ndarray
    spin: np.ndarray
    velocity: np.ndarray       # (*k, L, 2) eV nm: d eps_l / d k_a (level mean)

    def quantity(self, name: str) -> np.ndarray:
        if name not in QUANTITIES and name != "velocity":
            raise ModelError(f"quantity: unknown quantity {name!r}; allowed: {', '.join(QUANTITIES)}")
        return getattr(self, _direct_quantity(name))


def _pattern_of(eps: np.ndarray, tol: float) -> tuple:
    """Degeneracy pattern (cluster sizes, ascending) of one sorted spectrum."""
    step = np.diff(eps) >= tol
    sizes, run = [], 1
    for s in step:
        if s:
            sizes.append(run)
            run = 1
        else:
            run += 1
    sizes.append(run)
    return tuple(sizes)


def level_pattern(ham: NumericHamiltonian, params: tuple, tol: float = DEFAULT_DEGENERACY_TOL) -> tuple:
    """The generic degeneracy pattern (d_0, d_1, ...) of the levels (ascending), read at the probe
    momenta: the most frequent pattern met (ties: the finest).  ``params`` in the model's units."""
    kx = (_PROBE_R[:, None] * np.cos(_PROBE_TH)[None, :]).ravel()
    ky = (_PROBE_R[:, None] * np.sin(_PROBE_TH)[None, :]).ravel()
    eps = np.linalg.eigvalsh(ham.H(kx, ky, params))
    counts: dict = {}
    for e in eps:
        p = _pattern_of(e, tol)
        counts[p] = counts.get(p, 0) + 1
    best = max(counts.values())
    return max((p for p, c in counts.items() if c == best), key=len)


def _group(x: np.ndarray, pattern: tuple, per_band_deg: np.ndarray, average: bool = False) -> np.ndarray:
    """Band values (*k, N, *c), each already traced over its cluster (size ``per_band_deg``),
    to level values (*k, L, *c): sum_{b in level} x_b / g_b (divided by d_l if ``average``)."""
    ax = per_band_deg.ndim - 1
    extra = x.ndim - per_band_deg.ndim
    y = x / per_band_deg.reshape(per_band_deg.shape + (1,) * extra)
    out, start = [], 0
    for d in pattern:
        blk = np.sum(np.take(y, np.arange(start, start + d), axis=ax), axis=ax)
        out.append(blk / d if average else blk)
        start += d
    return np.stack(out, axis=ax)


def _levels_from_bands(bg, pattern: tuple) -> LevelGeometry:
    g = bg.degeneracy
    return LevelGeometry(
        degeneracy=pattern,
        energy=_group(bg.energy * g, pattern, g, average=True),
        berry_curvature=_group(bg.berry_curvature, pattern, g),
        quantum_metric=_group(bg.quantum_metric, pattern, g),
        bcp=_group(bg.bcp, pattern, g),
        sbp=_group(bg.sbp, pattern, g),
        spin=_group(bg.spin, pattern, g),
        velocity=_group(bg.velocity * g[..., None], pattern, g, average=True),
    )


@dataclass(frozen=True, eq=False)
class NumericKernel:
    """Numeric, level-traced band geometry of ``model`` (module docstring); interface of
    :class:`~symenh.kernels.lambdified.GeometryKernel`: ``evaluate(quantity, kx, ky, values)``."""

    model: SymbolicModel
    ham: NumericHamiltonian
    degeneracy_tol: float = DEFAULT_DEGENERACY_TOL
    kind: str = "numeric"

    def pattern(self, values) -> tuple:
        """Generic degeneracy pattern of the levels at these parameter values (eV, eV nm)."""
        params = param_vector(self.model, values)
        return _cached_pattern(self, params)

    def n_levels(self, values) -> int:
        return len(self.pattern(values))

    def degeneracy(self, values) -> tuple:
        return self.pattern(values)

    def levels(self, kx, ky, values, *, gauge=None) -> LevelGeometry:
        """Every quantity per level at k = (kx, ky) (1/nm, broadcast); arrays (*k, L, *components)."""
        kx, ky = check_k(kx, ky)
        bg = geometry_of_frame(eigen_frame(self.model, kx, ky, values, degeneracy_tol=self.degeneracy_tol,
                                           ham=self.ham, gauge=gauge))
        return _levels_from_bands(bg, self.pattern(values))

    def evaluate(self, quantity: str, kx, ky, values) -> np.ndarray:
        """``quantity`` at k (1/nm), shape (*k, L, *components), levels ascending at every k."""
        if quantity not in QUANTITIES:
            raise ModelError(f"quantity: unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
        return self.levels(kx, ky, values).quantity(quantity)

    def energies(self, kx, ky, values) -> np.ndarray:
        """Level energies (*k, L) in eV (eigvalsh only: the cheapest call)."""
        kx, ky = check_k(kx, ky)
        eps = np.linalg.eigvalsh(self.ham.H(kx, ky, param_vector(self.model, values)))
        out, start = [], 0
        for d in self.pattern(values):
            out.append(np.mean(eps[..., start:start + d], axis=-1))
            start += d
        return np.stack(out, axis=-1)

    def energy_velocity(self, kx, ky, values):
        """(energies (*k, L) eV, velocities (*k, L, 2) eV nm) of the levels: Hellmann-Feynman,
        the trace of v^a over each level divided by its degeneracy (exact for a degenerate level)."""
        kx, ky = check_k(kx, ky)
        params = param_vector(self.model, values)
        eps, U = np.linalg.eigh(self.ham.H(kx, ky, params))
        Ud = np.conj(np.swapaxes(U, -1, -2))
        vd = [np.real(np.einsum("...ij,...jk,...ki->...i", Ud, self.ham.velocity(a, kx, ky, params), U))
              for a in range(2)]
        E, V, start = [], [], 0
        for d in self.pattern(values):
            sl = slice(start, start + d)
            E.append(np.mean(eps[..., sl], axis=-1))
            V.append(np.stack([np.mean(v[..., sl], axis=-1) for v in vd], axis=-1))
            start += d
        return np.stack(E, axis=-1), np.stack(V, axis=-2)

    def filled_sbp(self, kx, ky, values, e_fill: float) -> np.ndarray:
        """SBP summed over every band below ``e_fill`` (eV): (*k, n_ops, 2) in nm/eV.

        ``sum_{n filled} S_n = -2 Im sum_{n filled, m empty} s^eta_nm v^a_mn / (E_n - E_m)^2`` (the
        filled-filled terms cancel pairwise), so no small denominator between two filled bands enters."""
        kx, ky = check_k(kx, ky)
        params = param_vector(self.model, values)
        eps, U = np.linalg.eigh(self.ham.H(kx, ky, params))
        Ud = np.conj(np.swapaxes(U, -1, -2))
        filled = eps < e_fill                                           # (*k, N)
        mask = (filled[..., :, None] & ~filled[..., None, :]).astype(float)
        de = eps[..., :, None] - eps[..., None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            inv2 = np.where(mask > 0, 1.0 / np.where(mask > 0, de, 1.0) ** 2, 0.0)
        s = np.einsum("...ij,ejk,...kl->...eil", Ud, self.ham.spin(), U)   # (*k, n_ops, N, N)
        out = np.empty(eps.shape[:-1] + (s.shape[-3], 2))
        for a in range(2):
            va = Ud @ self.ham.velocity(a, kx, ky, params) @ U
            vt = np.swapaxes(va, -1, -2)[..., None, :, :]                # v^a_mn at [n, m]
            out[..., a] = -2 * np.imag(np.sum(s * vt * inv2[..., None, :, :], axis=(-2, -1)))
        return out


@lru_cache(maxsize=256)
def _cached_pattern(kernel: NumericKernel, params: tuple) -> tuple:
    return level_pattern(kernel.ham, params, kernel.degeneracy_tol)


@lru_cache(maxsize=32)
def numeric_kernel(model: SymbolicModel, degeneracy_tol: float = DEFAULT_DEGENERACY_TOL) -> NumericKernel:
    """The numeric kernel of ``model`` (built once per process; milliseconds: no symbolic algebra)."""
    if not degeneracy_tol > 0:
        raise ModelError(f"degeneracy_tol: must be positive (eV), got {degeneracy_tol}")
    return NumericKernel(model, NumericHamiltonian.build(model), float(degeneracy_tol))


def values_dict(model: SymbolicModel, values) -> dict:
    """{name: float} of the model's parameters (helper for callers holding a symbol-keyed mapping)."""
    by = values_by_name(values)
    return {p.name: float(by[p.name]) for p in model.params}


__all__ = ["LevelGeometry", "NumericKernel", "level_pattern", "numeric_kernel", "values_dict"]


def geometry_kernel(model: SymbolicModel, *, symbolic: bool | None = None, timeout: float | None = 60.0,
                    progress=None):
    """The kernel a path should use for ``model``: the closed form where it is wanted and comes in
    time, else the numeric kernel (same interface, same shapes, levels ascending at every k).

    ``symbolic``: True (try the closed form: from the disk cache, or derived under ``timeout``
    seconds in a child process), False (numeric at once: nothing symbolic is needed), None (the
    default: closed form for the paper models, whose derivations are cached and fast, numeric
    for a user model).  A closed form that times out or fails falls back to the numeric kernel
    with one ``progress`` line saying so."""
    from ..geometry.symbolic import derive_geometry
    from ..geometry.timelimit import reporter
    from ..models.paper import pt_dirac, tilted_dirac
    from .lambdified import build_kernel, kernel_for

    paper = model in (tilted_dirac(1), tilted_dirac(-1), pt_dirac())
    if symbolic is None:
        symbolic = paper
    if not symbolic:
        return numeric_kernel(model)
    if paper or timeout is None:
        return kernel_for(model)
    say = reporter(progress)
    try:
        return build_kernel(derive_geometry(model, timeout=timeout, progress=progress))
    except ModelError as exc:
        say(f"{exc}; using the numeric geometry kernel (eigh) instead")
        return numeric_kernel(model)


__all__ += ["geometry_kernel"]
