"""The filled-subspace Fermi sea of a continuum (k.p) model, with a decision on its convergence.

``B_ref^{eta b} = int d^2k / (2 pi)^2 sum_{n: eps_n < E_ref} S^{eta b}_n(k)`` (1/(eV nm); paper Eq. 9
at a reference energy E_ref inside a spectral gap), with the SBP summed over the filled subspace
(:meth:`symenh.kernels.numeric.NumericKernel.filled_sbp`: no denominator between two filled
bands, so levels that approach each other at large k do not spoil it).

A k.p model is not physical out to infinite k, and its sea integral need not converge.  The
large-k behaviour decides: the angular average ``a(k) = k^2 <S>_angle`` (the integrand per
``d ln k``, up to 1/(2 pi)) is measured on circles k = R 2^j, j = 0..24, beyond the Fermi surface
(the law is read on the outermost octaves: a tiny pocket's R lies far inside the model's scale);
with ``|a(2k)| / |a(k)| = 2^-q`` the exterior converges geometrically in ln k if q > 0.  Below
:data:`MIN_DECAY` (q < 0.9: the tail beyond the last circle would exceed the last octave itself;
the massive Dirac cone has q -> 1), where the angular averages are not resolved by 128 angles (they
change by more than 1e-6 from 64 angles: the integrand narrows in angle at large k) or if a(k) does not fall at all, the sea is refused in one line offering ``k_cutoff``
(1/nm): the integral over |k| < k_cutoff, reported with its cutoff dependence
``dB/d ln k_cutoff = k_c^2 <S>(k_c) / (2 pi)``.

Quadrature: the disk |k| < R by the periodic trapezoid rule in the angle (refined by doubling,
:func:`symenh.integrate.contour.periodic_trapezoid`) times composite Gauss-Legendre in the radius
on geometric panels (24 nodes checked against 16); the exterior |k| > R with the angle first (128
angles, checked against 64) and the radius in u = R/k by the nested Fejer rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ResponseError
from .contour import nested_quadrature, periodic_trapezoid
from .sea import fejer_rule

#: the smallest decay exponent q of k^2 <S> (per octave) trusted without a cutoff
MIN_DECAY = 0.9
_NORM = 1.0 / (4 * np.pi ** 2)
_U = 2.0 ** -53


@dataclass(frozen=True)
class SeaResult:
    """B_ref (n_ops, 2) in 1/(eV nm), its error, the cutoff used (1/nm or None), the measured decay
    exponent q of k^2 <S> and, with a cutoff, dB/d ln k_cutoff (n_ops, 2)."""

    value: np.ndarray
    error: float
    k_cutoff: float | None
    decay: float
    cutoff_slope: np.ndarray | None


def _gl(n):
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w


_RULES = (_gl(24), _gl(16))


def _radial_edges(R: float, n_panels: int = 14) -> np.ndarray:
    return np.concatenate([[0.0], R * 2.0 ** -np.arange(n_panels - 1, -1, -1)])


def _disk(S_of, R: float, n_ops: int, tol: float):
    edges = _radial_edges(R)
    lo, wid = edges[:-1], np.diff(edges)

    def f(th):
        th = np.asarray(th, float)
        outs = []
        for x, w in _RULES:
            r = (lo[:, None] + wid[:, None] * x[None, :]).ravel()                     # (p q)
            kx, ky = r[None, :] * np.cos(th)[:, None], r[None, :] * np.sin(th)[:, None]
            S = S_of(kx.ravel(), ky.ravel()).reshape(len(th), r.size, n_ops * 2)
            wr = (wid[:, None] * w[None, :]).ravel() * r
            outs.append(np.einsum("tr...,r->t...", S, wr) * _NORM)
        hi, lo_ = outs
        return hi, np.abs(hi - lo_) + 16 * _U * np.abs(hi)

    val, err, _, _ = periodic_trapezoid(f, np.zeros(n_ops * 2, int), tol, n0=16)
    return val.reshape(n_ops, 2), float(np.max(err))


def _ring_average(S_of, r, n_th=128):
    th = np.linspace(0, 2 * np.pi, n_th, endpoint=False)
    kx, ky = r[:, None] * np.cos(th), r[:, None] * np.sin(th)
    S = S_of(kx.ravel(), ky.ravel()).reshape(len(r), n_th, -1)
    return np.mean(S, axis=1), np.mean(S[:, ::2], axis=1)


#: octaves beyond R on which k^2 <S> is measured (R 2^0 .. R 2^N_OCTAVES): a small Fermi pocket puts R
#: far inside the model's own momentum scale, where k^2 <S> still grows as k^2
N_OCTAVES = 24


def decay_exponent(S_of, R: float) -> float:
    """The decay q of a(k) = k^2 <S>(k) per octave at large k (np.inf where a vanishes to roundoff);
    ``S_of(kx, ky)`` the filled-subspace SBP (nm/eV) at k in 1/nm, ``R`` (1/nm) beyond every Fermi contour.

    Measured on the rings k = R 2^j, j = 0..:data:`N_OCTAVES`, from the outermost three whose a(k) is
    above 1e-13 of its largest value (beyond, a is roundoff): a tiny pocket (mu just above a band
    bottom) must not mistake the k^2 growth inside the model's momentum scale for the large-k law."""
    r = R * 2.0 ** np.arange(N_OCTAVES + 1)
    avg, half = _ring_average(S_of, r)
    a = np.max(np.abs(avg), axis=-1) * r ** 2
    peak = np.max(a)
    # the angular rule's change on each ring, as a share of the largest per-octave contribution
    if np.any(np.max(np.abs(avg - half), axis=-1) * r ** 2 > 1e-6 * peak + 1e-300):
        return -np.inf                       # not resolved in angle: treated as not converging
    if peak == 0:
        return np.inf
    alive = np.flatnonzero(a > 1e-13 * peak)
    last = int(alive[-1])
    if last < N_OCTAVES - 2:                 # a fell to roundoff within the measured range
        return np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        q = -np.log2(a[-2:] / a[-3:-1])
    return float(np.min(q)) if np.all(np.isfinite(q)) else np.inf


def filled_sea(kernel, values, e_ref: float, R: float, *, k_cutoff: float | None = None, tol: float = 1e-10,
               name: str = "model") -> SeaResult:
    """B_ref of the bands below ``e_ref`` (eV); ``R`` (1/nm) beyond every Fermi contour (module docstring)."""
    n_ops = len(kernel.model.spin)

    def S_of(kx, ky):
        return kernel.filled_sbp(kx, ky, values, e_ref).reshape(np.shape(kx) + (n_ops * 2,))

    if k_cutoff is not None:
        if not k_cutoff > 0 or not np.isfinite(k_cutoff):
            raise ResponseError(f"k_cutoff: must be a positive number of 1/nm, got {k_cutoff!r}")
        if k_cutoff < R / 1.5:
            raise ResponseError(f"k_cutoff: {k_cutoff:g} /nm lies inside the Fermi surface (which reaches "
                                f"{R / 1.5:.3g} /nm); allowed: k_cutoff >= {R / 1.5:.3g} /nm")
        val, err = _disk(S_of, float(k_cutoff), n_ops, tol)
        kc = float(k_cutoff)

        def ring(th):
            th = np.asarray(th, float)
            v = S_of(kc * np.cos(th), kc * np.sin(th)).reshape(len(th), -1) * kc ** 2 * _NORM
            return v, 16 * _U * np.abs(v)

        ring_val, _, _, _ = periodic_trapezoid(ring, np.zeros(n_ops * 2, int), tol, n0=64, batch=4096)
        slope = ring_val.reshape(n_ops, 2)            # dB/d ln k_c = k_c^2 oint S dth / (2 pi)^2
        return SeaResult(val, err, float(k_cutoff), decay_exponent(S_of, k_cutoff), slope)
    q = decay_exponent(S_of, R)
    if q < MIN_DECAY:
        raise ResponseError(f"k_cutoff: the Fermi sea of {name} converges too slowly or not at all at large k "
                            f"({'k^2 <S> falls as k^-' + format(max(q, 0), '.2g') if np.isfinite(q) else 'its angular average is not resolved'}); give k_cutoff (1/nm, >= {R / 1.5:.3g}) "
                            "to integrate the sea over |k| < k_cutoff")
    val, err = _disk(S_of, R, n_ops, tol)
    th = np.linspace(0, 2 * np.pi, 128, endpoint=False)

    def ext(u):
        u = np.asarray(u, float)
        k = R / u
        S = S_of((k[:, None] * np.cos(th)).ravel(), (k[:, None] * np.sin(th)).ravel()).reshape(len(u), len(th), -1)
        jac = (k * R / u ** 2)[:, None] * 2 * np.pi * _NORM
        full, half = np.mean(S, axis=1) * jac, np.mean(S[:, ::2], axis=1) * jac
        return full, np.abs(full - half) + 16 * _U * np.abs(full)

    xv, xe, _, _ = nested_quadrature(ext, np.zeros(n_ops * 2, int), tol, fejer_rule, n0=8)
    return SeaResult(val + xv.reshape(n_ops, 2), err + float(np.max(xe)), None, q, None)


__all__ = ["MIN_DECAY", "SeaResult", "decay_exponent", "filled_sea"]
