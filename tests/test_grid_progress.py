"""The ``progress`` option of every grid path (issue 11 item 2: long integrations report progress).

Continuum grid (paper setting, T > 0, exact tilt), the exchange grid (q-dependent V), the lattice grid
(linear, exact tilt, exchange): lines per mu and component (Fermi box points, temperatures, sea) reach a
callable, True writes them to stderr, ``symenh sigma --method grid --progress`` prints them, the numbers
are bit-identical with and without progress (computed cold both times: every memo cleared), and a bad
value is one line naming the option.
"""

import json

import numpy as np
import pytest

import symenh
from symenh.cli import main
from symenh.errors import InputTypeError
from symenh.models.examples import lattice_tilted_dirac
from symenh.responses import grid, lattice_grid

#: coarse settings within the allowed ranges (cheap; these tests compare numbers with themselves)
COARSE = {"kT_fractions": (1 / 4, 1 / 5, 1 / 6, 1 / 7), "spacing_over_kT": 1.5}
VALS = {"Delta": 0.05, "hbar_v_x": 0.3, "hbar_v_y": 0.3, "B": 0.3, "alpha": 0.03}
EXCHANGE = {"spacing_over_kT": 1.5, "margin_kT": 15.0}


def _cold(**kw):
    grid.clear_caches()
    lattice_grid.clear_caches()
    return symenh.sigma(**kw)


def _paper(**extra):
    return dict(model="tilted-dirac", mechanism="bcd", mu_eV=[0.1], method="grid", **COARSE, **extra)


def _lattice(**extra):
    return dict(model=lattice_tilted_dirac(0.5, 1), mechanism="enh-pt", mu_eV=[0.1], method="grid",
                model_values=VALS, **COARSE, **extra)


CASES = {
    "continuum": (_paper, {}, ("grid: mu = 0.1 eV", "Fermi box", "points", "kT = ")),
    "continuum T > 0": (_paper, {"params": symenh.Parameters(T_K=60.0)}, ("Fermi box", "kT = 0.00517")),
    "continuum exact": (_paper, {"order": "exact"}, ("exact order", "Fermi box")),
    "lattice": (_lattice, {}, ("grid (lattice)", "Fermi box", "filled bands below E_ref")),
    "lattice exact": (_lattice, {"order": "exact"}, ("exact order", "Fermi box", "filled bands below E_ref")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_progress_lines_reach_a_callable_and_change_no_number(case):
    build, extra, expected = CASES[case]
    plain = _cold(**build(**extra))
    lines = []
    told = _cold(**build(progress=lines.append, **extra))
    assert np.array_equal(told.sigma, plain.sigma) and np.array_equal(told.error_estimate, plain.error_estimate)
    assert np.max(np.abs(plain.sigma)) > 0                      # not a trivial zero
    text = "\n".join(lines)
    for piece in expected:
        assert piece in text, (piece, lines)
    assert all(isinstance(ln, str) and "\n" not in ln for ln in lines)


def test_exchange_grid_paths_report_their_boxes():
    """Screened Coulomb (the FFT exchange fields): continuum at T = 0, the lattice zone convolution at T > 0."""
    lines = []
    kw = {"method": "grid", "interaction": "screened-coulomb"}
    a = symenh.sigma("tilted-dirac", "enh-t", [0.1], **kw, spacing_over_kT=1.5, progress=lines.append)
    b = symenh.sigma("tilted-dirac", "enh-t", [0.1], **kw, spacing_over_kT=1.5)
    assert np.array_equal(a.sigma, b.sigma) and np.array_equal(a.error_estimate, b.error_estimate)
    assert any(ln.startswith("grid (exchange): mu = 0.1 eV") and "Fermi box" in ln for ln in lines), lines
    lines.clear()
    hot = symenh.Parameters(T_K=60.0)
    c = symenh.sigma(lattice_tilted_dirac(0.5, 1), "enh-t", [0.1], model_values=VALS, params=hot, **kw, **EXCHANGE,
                     progress=lines.append)
    d = symenh.sigma(lattice_tilted_dirac(0.5, 1), "enh-t", [0.1], model_values=VALS, params=hot, **kw, **EXCHANGE)
    assert np.array_equal(c.sigma, d.sigma) and np.array_equal(c.error_estimate, d.error_estimate)
    assert any("grid (lattice exchange): mu = 0.1 eV" in ln and "reference sea" in ln for ln in lines), lines


def test_mu_without_a_fermi_surface_is_reported():
    lines = []
    r = symenh.sigma("tilted-dirac", "bcd", [0.01, 0.1], method="grid", **COARSE, progress=lines.append)
    assert np.all(r.sigma[0] == 0.0)
    assert any("mu = 0.01 eV lies in the gap" in ln for ln in lines), lines
    lines.clear()
    symenh.sigma(lattice_tilted_dirac(0.5, 1), "bcd", [0.0], method="grid", model_values=VALS, progress=lines.append)
    assert any("mu = 0 eV crosses no band" in ln for ln in lines), lines


def test_true_writes_lines_to_stderr(capsys):
    symenh.sigma(**_paper(progress=True))
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines and all(ln.startswith("symenh: grid") for ln in lines)
    assert any("Fermi box" in ln for ln in lines)
    symenh.sigma(**_paper(progress=False))
    assert capsys.readouterr().err == ""


def test_cli_grid_progress_on_stderr(capsys):
    code = main(["sigma", "--model", "tilted-dirac", "--mechanism", "bcd", "--mu", "100meV", "--method", "grid",
                 "--option", "kT_fractions=0.25,0.2,0.166667,0.142857", "--option", "spacing_over_kT=1.5",
                 "--progress", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    json.loads(out)                                            # stdout stays one JSON object
    assert any(ln.startswith("[symenh] grid: mu = 0.1 eV") and "Fermi box" in ln for ln in err.splitlines()), err


@pytest.mark.parametrize("build, extra", [(_paper, {}), (_lattice, {}), (_lattice, {"order": "exact"})])
@pytest.mark.parametrize("bad", ["yes", 3, [print]])
def test_a_bad_progress_value_is_one_line(build, extra, bad):
    with pytest.raises(InputTypeError) as exc:
        symenh.sigma(**build(progress=bad, **extra))
    msg = str(exc.value)
    assert msg.startswith("progress: ") and "callable" in msg and "\n" not in msg


def test_a_bad_progress_value_on_the_exchange_paths_is_one_line():
    for model, extra in (("tilted-dirac", {}), (lattice_tilted_dirac(0.5, 1), {"model_values": VALS})):
        with pytest.raises(InputTypeError, match="^progress: ") as exc:
            symenh.sigma(model, "enh-t", [0.1], method="grid", interaction="screened-coulomb", progress="loud", **extra)
        assert "\n" not in str(exc.value)


def test_progress_is_no_part_of_the_memo_keys():
    """A run with progress and one without share every memo entry (the second adds none), and the cached
    run still reports its Fermi box."""
    for build, memo in ((_paper, grid._BOX_CACHE), (_lattice, lattice_grid._BOXES)):
        lines = []
        first = _cold(**build(progress=lines.append))
        n = len(memo)
        assert n > 0
        again = symenh.sigma(**build())
        assert len(memo) == n and np.array_equal(again.sigma, first.sigma)
        lines.clear()
        symenh.sigma(**build(progress=lines.append))
        assert len(memo) == n and any("Fermi box" in ln for ln in lines)


@pytest.mark.parametrize("bad", ["yes", 3, 0.5, [print]])
def test_a_bad_progress_value_is_the_same_one_line_on_every_path(bad):
    """Grid, user k.p quadrature, lattice quadrature, a user closed form and the symbolic
    geometry all check ``progress`` with one rule (geometry.timelimit.reporter): None, a bool or a callable;
    a number is not taken for a bool (the quadrature paths once read 0.5 as True)."""
    import sympy as sp

    from symenh.geometry.symbolic import derive_geometry
    from symenh.geometry.timelimit import reporter

    kx, ky, d, v, t = sp.symbols("kx ky d v t", real=True)
    user = symenh.from_matrix(sp.Matrix([[d + t * ky, v * (kx - sp.I * ky)], [v * (kx + sp.I * ky), -d + t * ky]]),
                              kx=kx, ky=ky, params=(d, v, t), tilt_symbol=t, name="progress-check")
    uvals = {"d": 0.05, "v": 0.3, "t": 0.03}
    calls = [lambda: symenh.sigma(user, "bcd", [0.1], method="quadrature", model_values=uvals, progress=bad),
             lambda: symenh.sigma(user, "bcd", [0.1], method="closed-form", model_values=uvals, progress=bad),
             lambda: symenh.sigma(lattice_tilted_dirac(0.5, 1), "bcd", [0.1], method="quadrature", model_values=VALS,
                                  progress=bad),
             lambda: symenh.sigma(**_paper(progress=bad)),
             lambda: derive_geometry(user, progress=bad),
             lambda: reporter(bad)]
    for i, call in enumerate(calls):
        with pytest.raises(InputTypeError) as exc:
            call()
            pytest.fail(f"call {i} took progress={bad!r}")
        msg = str(exc.value)
        assert msg.startswith("progress: ") and "callable" in msg and "\n" not in msg
