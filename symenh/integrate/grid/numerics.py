"""Per-model numeric pieces of the grid path: numeric H, the tilt profile, and the
level-traced geometry on a chunk of k points (direct diagonalisation, no symbolic geometry).

Units: k in 1/nm, energies eV, velocities eV nm, tau(k) in 1/nm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ...kernels.direct import DEFAULT_DEGENERACY_TOL, band_geometry
from ...kernels.hamiltonian import NumericHamiltonian, param_vector, values_by_name
from ...models.base import SymbolicModel


@dataclass(frozen=True)
class ModelNumerics:
    """Numeric H, the tilt profile tau(k) = d(Tr H / N)/d alpha (1/nm) and its gradient (1/nm^2)."""

    model: SymbolicModel
    ham: NumericHamiltonian
    tau: object
    dtau: tuple

    @classmethod
    def build(cls, model: SymbolicModel) -> "ModelNumerics":
        return _numerics(model.source(), model)

    @property
    def n_bands(self) -> int:
        """Number of bands (the dimension of H)."""
        return int(self.ham.spin().shape[-1])        # spin holds s^0 (the identity) at least

    def tilt_profile(self, kx, ky, params):
        """tau(k) (1/nm) and [d_x tau, d_y tau] (1/nm^2) at k, broadcast to kx.shape."""
        t = np.broadcast_to(np.asarray(self.tau(kx, ky, *params), dtype=float), kx.shape)
        d = [np.broadcast_to(np.asarray(f(kx, ky, *params), dtype=float), kx.shape) for f in self.dtau]
        return t, d


_NUMERICS: dict = {}


def clear_numerics() -> None:
    """Forget the lambdified per-model numerics."""
    _NUMERICS.clear()


def _numerics(key: str, model: SymbolicModel) -> ModelNumerics:
    if key not in _NUMERICS:
        if model.tilt_symbol is None:
            raise ValueError("model: the grid path needs a model with a tilt_symbol")
        args = (*model.k, *model.params)
        tau_expr = sp.diff(model.identity_part(), model.tilt_symbol)
        tau = sp.lambdify(args, tau_expr, "numpy")
        dtau = tuple(sp.lambdify(args, sp.diff(tau_expr, ka), "numpy") for ka in model.k)
        _NUMERICS[key] = ModelNumerics(model, NumericHamiltonian.build(model), tau, dtau)
    return _NUMERICS[key]


def zero_tilt_values(model: SymbolicModel, values) -> tuple:
    """Parameter vector of ``model`` with the tilt symbol set to 0 (alpha = 0 spectrum)."""
    vals = values_by_name(values)
    vals[model.tilt_symbol.name] = 0.0
    return param_vector(model, vals)


# ---------------------------------------------------------------------------
# Geometry on a chunk of points, with level-traced Hellmann-Feynman velocities
# ---------------------------------------------------------------------------

def chunk_geometry(num: ModelNumerics, kx, ky, params0, degeneracy_tol=DEFAULT_DEGENERACY_TOL):
    """Band geometry at 1-D arrays of k (alpha = 0), plus level-traced band velocities.

    Returns (bg, vel) with ``bg`` a :class:`~symenh.kernels.direct.BandGeometry` and
    ``vel`` of shape (P, N, 2) in eV nm: ``d_c eps0`` of each band's level
    (Hellmann-Feynman ``Re <n|v^c|n>`` averaged over the degenerate level).
    """
    bg = band_geometry(num.model, kx, ky, dict(zip((p.name for p in num.model.params), params0)),
                       degeneracy_tol=degeneracy_tol, ham=num.ham)
    return bg, bg.velocity


# ---------------------------------------------------------------------------
# Floating-point roundoff of the geometry at a point (the grid's roundoff floor)
# ---------------------------------------------------------------------------

#: unit roundoff of IEEE double precision (2^-53)
UNIT_ROUNDOFF = 2.0 ** -53
#: lambda of the probabilistic summation bound |s_hat - s| <= lambda sqrt(n) u sum|t| (Higham and
#: Mary, SIAM J. Sci. Comput. 41, A2815 (2019): it fails with probability < 2 n exp(-lambda^2 / 2))
SUM_LAMBDA = 8.0
#: ulps per band of the error of one computed term (eigh, matrix elements, products), times kappa
TERM_ULPS_PER_BAND = 4.0


def roundoff_floor(abs_sum, term_sq, term_bias, n_terms: int):
    """Roundoff bound of a computed sum of ``n_terms`` terms (same units as the sums).

    Three parts, each a sum over the terms t_i with per-term error bounds e_i (in ulps of u):

    * summation: lambda sqrt(n) u sum|t_i| (``abs_sum``; the probabilistic bound of Higham and
      Mary: the rounding errors of the additions are independent and of mean zero);
    * per-term errors (eigh, matrix elements, the Fermi function at an eigenvalue that is
      itself off by ~ u max|eps|), independent between points: lambda u sqrt(sum e_i^2)
      (``term_sq`` = sum e_i^2);
    * a bias of one ulp of each term's bound that does not average out: u sum b_i
      (``term_bias``).  (A common shift of all eigenvalues acts like a shift of mu by
      ~ u max|eps|: far below any other error while mu is a relative EDGE_RTOL from an edge.)
    """
    return UNIT_ROUNDOFF * (SUM_LAMBDA * np.sqrt(max(int(n_terms), 1)) * np.asarray(abs_sum)
                            + SUM_LAMBDA * np.sqrt(np.asarray(term_sq)) + np.asarray(term_bias))


def roundoff_bounds(num: ModelNumerics, kx, ky, params0, bg, degeneracy_tol=DEFAULT_DEGENERACY_TOL):
    """Per band: the condition number kappa and magnitude bounds of the level-traced geometry.

    A level-traced quantity can vanish by cancellation between the bands of a level (the
    Berry curvature and the spin of a Kramers pair of H_PT), so its computed value is pure
    roundoff and ``|value|`` says nothing about the size of that roundoff.  The size is set
    by the untraced per-band terms, which Cauchy-Schwarz bounds from the velocity and spin
    operator norms and the level gap: with ``V = max_a ||v^a||_F`` (eV nm), ``s =
    max_eta ||s^eta||_2`` and ``g_n`` the distance of band n to the nearest other level (eV),

        |Omega_n|, |g_n| <= 2 V^2 / g_n^2,   |G_n| <= 2 V^2 / g_n^3,
        |S_n| <= 2 s V / g_n^2,              |<s>_n| <= s,

    each times the degeneracy of the level (the trace).  ``1 + max|eps| / g_n`` is the
    condition number of the eigenvectors (eigh's eigenvector error is ~ u max|eps| / g_n);
    ``kappa_n`` is it times :data:`TERM_ULPS_PER_BAND` times the number of bands N: the error
    of one computed term in ulps of its bound.

    Returns ``(kappa, bounds, emax, V)``: (P, N), (P, N, 17) in the quantity order of
    :func:`symenh.integrate.grid.box.fermi_box_sums` (Omega, G^{ab}, S^{eta a}, <s^eta>;
    units nm^2, nm^2/eV, nm/eV, 1), (P,) the largest |eps| at each point (eV) and (P,) V.
    Zero bounds for a model with a single level (no other level to mix with).
    """
    eps = bg.energy                                          # (P, N)
    V = np.max([np.linalg.norm(num.ham.velocity(a, kx, ky, params0), axis=(-2, -1)) for a in range(2)],
               axis=0)                                       # (P,) Frobenius >= spectral norm
    spin = num.ham.spin()
    s = float(np.max(np.linalg.norm(spin, ord=2, axis=(-2, -1)))) if spin.size else 0.0
    de = np.abs(eps[:, :, None] - eps[:, None, :])
    de = np.where(de < degeneracy_tol, np.inf, de)
    gap = np.min(de, axis=-1)                                # (P, N); inf for a lone level
    emax = np.max(np.abs(eps), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(np.isfinite(gap), 1.0 / gap, 0.0)
    kappa = TERM_ULPS_PER_BAND * eps.shape[-1] * (1.0 + emax[:, None] * inv)
    deg = bg.degeneracy.astype(float)
    Vn = V[:, None]
    b_om = 2.0 * Vn**2 * inv**2 * deg
    b_G = 2.0 * Vn**2 * inv**3 * deg
    b_S = 2.0 * s * Vn * inv**2 * deg
    b_s = s * deg
    bounds = np.concatenate([b_om[..., None], np.repeat(b_G[..., None], 4, -1), np.repeat(b_S[..., None], 8, -1),
                             np.repeat(b_s[..., None], 4, -1)], axis=-1)
    return kappa, bounds, emax, V
