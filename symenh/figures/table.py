"""The figures' data files: CSV with the settings that produced them, never a NaN.

A table is written as leading ``# key: value`` comment lines (the symenh version, the
convention and what it means, every parameter with its unit, ...), one header row whose
column names carry their units, and the rows (12 significant digits).  Read it back with
``numpy.loadtxt(path, delimiter=",", skiprows=..., comments="#")`` or
``pandas.read_csv(path, comment="#")``.  Every value is checked finite before anything is
written, and the file is written atomically (:mod:`symenh.fileio`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ..errors import ResponseError
from ..fileio import atomic_write_text


def require_finite(name: str, values, what: str) -> np.ndarray:
    """``values`` as a float array if every entry is finite; else a one-line ResponseError
    starting with ``name`` (the parameter responsible) and saying ``what`` was not finite."""
    arr = np.asarray(values, dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ResponseError(f"{name}: {what} is not finite at {int(bad.sum())} of {arr.size} points "
                            "(float64 overflow or 0/0); choose parameters nearer the paper's")
    return arr


def parameter_lines(params) -> dict:
    """{key: value with unit} for every field of a :class:`~symenh.params.Parameters`, and V_0."""
    return {
        "Delta": f"{float(params.Delta_eV)!r} eV",
        "v_x": f"{float(params.vx_m_per_s)!r} m/s",
        "v_y": f"{float(params.vy_m_per_s)!r} m/s",
        "alpha_over_hbar_v": (f"{float(params.alpha_over_hbar_v)!r} (dimensionless; "
                              f"alpha = {float(params.alpha_eV_nm)!r} eV nm)"),
        "tau": f"{float(params.tau_ps)!r} ps",
        "q_s": f"{float(params.q_s_per_nm)!r} 1/nm",
        "V_0": f"{float(params.V0_eV_nm2)!r} eV nm^2 (= e^2/(4 pi eps_0 q_s), vacuum permittivity)",
    }


def write_csv(path: Path, metadata: dict, header, columns) -> Path:
    """Write ``columns`` (equal-length 1-D arrays) under ``header`` (names with units) to
    ``path``, preceded by one ``# key: value`` line per ``metadata`` item; returns the path.

    Raises :class:`~symenh.errors.ResponseError` (nothing written) if a value is not finite."""
    cols = [np.asarray(c, dtype=float).ravel() for c in columns]
    if len(cols) != len(header) or len({c.size for c in cols}) > 1:
        raise ValueError("write_csv: one column per header name, all of one length")  # a symenh bug
    for name, col in zip(header, cols):
        require_finite(name, col, f"column {name!r} of {Path(path).name}")
    buf = io.StringIO()
    for key, value in metadata.items():
        text = " ".join(str(value).split())  # one line per key
        buf.write(f"# {key}: {text}\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in zip(*cols):
        w.writerow([f"{x:.12e}" for x in row])
    return atomic_write_text(path, buf.getvalue())


def read_metadata(path: Path) -> dict:
    """The ``# key: value`` lines at the top of a table written by :func:`write_csv`."""
    out = {}
    with open(path) as fh:
        for line in fh:
            if not line.startswith("# "):
                break
            key, _, value = line[2:].rstrip("\n").partition(": ")
            out[key] = value
    return out


__all__ = ["parameter_lines", "read_metadata", "require_finite", "write_csv"]
