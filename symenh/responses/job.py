"""The request every computation path receives: what to compute and with which inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models.base import SymbolicModel
from ..params import Parameters
from .spec import Prefactors

#: orders in the tilt alpha (``order=`` / ``--order``) -> the JSON text of each
ORDERS = {"linear": "linear in alpha", "exact": "exact in alpha", "cubic": "linear + cubic in alpha"}


@dataclass(frozen=True)
class Job:
    """One conductivity request, resolved and validated.

    ``components``: the models summed over (both valleys of H_T, or H_PT alone).
    ``values``: numeric values keyed by the components' parameter symbols (eV, eV nm;
    :func:`symenh.responses.api.sigma` normalises user input to that); the tilt
    symbol's value is the alpha at which linear order is reported.
    ``mu_eV``: chemical potentials (eV), 1-D.  ``pre``: tau/hbar, V_0, ENH sign.
    ``model_name``: "tilted-dirac", "pt-dirac" or a user model's name.
    ``options``: path-specific settings (tolerances, grid sizes, ...).

    Beyond the paper's settings (each default reproduces them exactly):
    ``interaction``: the :class:`~symenh.interactions.Interaction` of the exchange (None: the
    contact V_0 of ``pre``); ``channels``: the exchange channels, "printed" (Eq. 3 as printed)
    or "fock" (the complete Fock exchange); ``T_K``: temperature (K, >= 0); ``order``: "linear"
    (alpha d sigma/d alpha at 0), "exact" (at the finite alpha) or "cubic" (linear + the
    alpha^3 term, closed form); ``occupation``: for inh-full, "bare" (relaxation toward
    f0(eps0)) or "field-corrected".  A path that cannot honour a setting refuses it in one line
    (:func:`require_default`).
    """

    model_name: str
    components: tuple
    mechanism: str
    mu_eV: np.ndarray
    params: Parameters
    values: dict
    pre: Prefactors
    convention: str = "consistent"
    exchange: str = "same"
    options: dict = field(default_factory=dict)
    interaction: object = None
    channels: str = "printed"
    T_K: float = 0.0
    order: str = "linear"
    occupation: str = "bare"

    @property
    def is_paper_setting(self) -> bool:
        """True when the request is what the paper computes: contact interaction, printed channels,
        T = 0, linear order in alpha, the bare occupation (every path handles this)."""
        contact = self.interaction is None or getattr(self.interaction, "is_uniform", False)
        return (contact and self.channels == "printed" and self.T_K == 0 and self.order == "linear"
                and self.occupation == "bare")

    @property
    def alpha(self) -> float:
        """The tilt value (eV nm) of the first component's tilt symbol."""
        m: SymbolicModel = self.components[0]
        return float(self.values[m.tilt_symbol])


def require_default(job: Job, path: str, **supported) -> None:
    """Refuse, in one line naming the setting, a Job setting the path ``path`` does not handle.

    ``supported`` lists what the path does handle beyond the defaults, e.g.
    ``require_default(job, "closed-form", T_K=True, order=("linear", "cubic"))``: a True value
    accepts any value of that setting, a tuple the values listed."""
    from ..errors import ResponseError

    checks = (("interaction", job.interaction is not None and not getattr(job.interaction, "is_uniform", False),
               getattr(job.interaction, "kind", "contact")),
              ("channels", job.channels != "printed", job.channels), ("T_K", job.T_K != 0, job.T_K),
              ("order", job.order != "linear", job.order), ("occupation", job.occupation != "bare", job.occupation))
    for name, non_default, value in checks:
        ok = supported.get(name, False)
        if non_default and not (ok is True or (isinstance(ok, tuple) and value in ok)):
            raise ResponseError(f"{name}: the {path} path does not handle {name} = {value!r}; "
                                "see symenh.sigma's docstring for the paths that do")


def contact_job(job: Job) -> Job:
    """``job`` with ``pre.V0`` (eV nm^2) the V_0 of its contact interaction (eps_r included) when the
    Job carries a contact :class:`~symenh.interactions.Interaction` whose V_0 differs; else ``job``
    itself (so the paper's setting is computed bit-identically)."""
    from dataclasses import replace
    inter = job.interaction
    if inter is None or not getattr(inter, "is_uniform", False):
        return job
    V0 = float(inter.V0_eV_nm2)
    return job if V0 == job.pre.V0 else replace(job, pre=replace(job.pre, V0=V0))


#: the orders in the tilt each path's exchange-field assembly gives (:func:`uses_exchange_path`): the k.p grid
#: (:mod:`symenh.responses.exchange_grid`) and the lattice grid (:func:`symenh.responses.lattice_grid.compute_exchange`)
#: take the exact tilt too, every other path linear order only
EXCHANGE_ORDERS = {"grid": ("linear", "exact"), "lattice grid": ("linear", "exact")}


def uses_exchange_path(job: Job, path: str) -> bool:
    """True for an ENH Job whose exchange is not the paper's (a q-dependent V, or channels other than
    the printed ones; paper Eq. 3 generalised, physics.md 6): the exchange-field assembly of
    :mod:`symenh.responses.exchange`.  Such a Job at an order the path's exchange assembly does not give
    (:data:`EXCHANGE_ORDERS`: the exact tilt on the ``"grid"`` and ``"lattice grid"`` paths, linear order on
    every other) is
    refused in one line naming ``path`` and what it allows."""
    from ..errors import ResponseError
    inter = job.interaction
    q_dependent = inter is not None and not getattr(inter, "is_uniform", False)
    if not (job.mechanism in ("enh-t", "enh-pt") and (q_dependent or job.channels != "printed")):
        return False
    allowed = EXCHANGE_ORDERS.get(path, ("linear",))
    if job.order not in allowed:
        if "exact" in allowed:
            raise ResponseError(f"order: the {path} path gives order {' or '.join(map(repr, allowed))} with "
                                f"interaction {getattr(inter, 'kind', 'contact')!r} / channels {job.channels!r}, "
                                f"not {job.order!r}")
        raise ResponseError(f"order: the {path} path gives the exact tilt for the contact interaction with printed "
                            f"channels only, not with interaction {getattr(inter, 'kind', 'contact')!r} / channels "
                            f"{job.channels!r}; use order='linear'"
                            + (" (or method='grid' for the exact tilt)" if path == "quadrature" else ""))
    return True


def merged_options(options: dict, defaults: dict, path: str, context: str = "") -> dict:
    """The path options ``options`` (a Job's ``options``) over the path's ``defaults``: a value None
    takes the default; a name the path does not know is one line naming ``path`` (e.g. "grid"),
    ``context`` (e.g. " for a lattice model") and the allowed names.  Ranges are the path's to check."""
    from ..errors import ResponseError
    unknown = set(options) - set(defaults)
    if unknown:
        raise ResponseError(f"{path}: unknown option(s) {', '.join(sorted(unknown))}{context}; allowed: "
                            f"{', '.join(defaults)}")
    out = dict(defaults)
    out.update({k: v for k, v in options.items() if v is not None})
    return out


def progress_option(options: dict):
    """Take the ``progress`` option out of ``options`` (a dict of path options, changed in place) and
    return the reporter msg -> None it names: None/False (silent), True (one line per step on stderr,
    ``symenh: ...``) or a callable taking one string (:func:`symenh.geometry.timelimit.reporter`).
    Anything else is one line (:class:`~symenh.errors.InputTypeError`).  Popping it keeps it out of
    every option-derived cache key: progress never changes a number."""
    from ..geometry.timelimit import reporter
    return reporter(options.pop("progress", None))
