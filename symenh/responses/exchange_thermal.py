r"""Both ENH mechanisms with a q-dependent interaction at temperature T > 0 on the quadrature path
(work in progress: refused in one line until the finite-T exchange fields are in place)."""

from __future__ import annotations

from ..errors import ResponseError


def compute(job, kT: float):
    """(raw, err, extra) of an ENH Job with its interaction and channels at k_B T = ``kT`` (eV)."""
    raise ResponseError("T_K: the quadrature path does not yet compute ENH with a q-dependent interaction or "
                        "fock channels at T > 0; use T_K = 0 or method='grid'")


__all__ = ["compute"]
