"""No figure writes a NaN: parameters at which a figure is undefined are refused in one line
(Python: a ResponseError naming the parameter; CLI: exit 2, one line on stderr, no file),
and the valid edge cases (negative Delta, negative tilt, extreme q_s) draw finite numbers."""

import math

import numpy as np
import pytest

from symenh.cli import main
from symenh.errors import ResponseError
from symenh.figures import asymptotics, fig2, fig3
from symenh.figures.table import require_finite, write_csv
from symenh.params import PAPER

UNDEFINED = [  # (figure module, parameters, the parameter the message must start with)
    (fig3, {"alpha_over_hbar_v": 0.0}, "alpha_over_hbar_v"),
    (fig3, {"Delta_eV": 0.0}, "Delta"),
    (fig2, {"Delta_eV": 0.0}, "Delta"),
    (asymptotics, {"alpha_over_hbar_v": 0.0}, "alpha_over_hbar_v"),
    (asymptotics, {"Delta_eV": 0.0}, "Delta"),
]


@pytest.mark.parametrize("mod, change, name", UNDEFINED, ids=lambda x: getattr(x, "__name__", str(x)))
def test_undefined_parameters_are_refused_in_one_line_before_any_work(mod, change, name, tmp_path):
    messages = []
    with pytest.raises(ResponseError) as exc:
        mod.make(tmp_path, PAPER.replace(**change), messages.append)
    text = str(exc.value)
    assert text.startswith(f"{name}:") and "\n" not in text
    assert not messages and not list(tmp_path.iterdir())


@pytest.mark.parametrize("argv, name", [
    (["figure", "fig3", "--param", "alpha_over_hbar_v=0"], "alpha_over_hbar_v"),
    (["figure", "asymptotics", "--param", "alpha_over_hbar_v=0"], "alpha_over_hbar_v"),
    (["figure", "fig2", "--param", "Delta=0eV"], "Delta"),
])
def test_cli_refuses_with_exit_2_one_line_and_writes_nothing(argv, name, capsys, tmp_path):
    out = tmp_path / "out"
    code = main(argv + ["--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and f"{name}:" in err, err
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize("change", [{"Delta_eV": -0.05}, {"alpha_over_hbar_v": -0.5}, {"q_s_per_nm": 1e-6},
                                    {"q_s_per_nm": 1e3}, {"Delta_eV": 1e-4}, {"tau_ps": 1e-6}],
                         ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_fig3_numbers_are_finite_at_valid_edge_parameters(change):
    params = PAPER.replace(**change)
    dat = fig3.data(params, "consistent", lambda s: None)
    tabs = fig3.tables(dat, params)
    for name, _, header, cols in tabs:
        for h, col in zip(header, cols):
            assert np.all(np.isfinite(col)), (name, h)
    # the ratio maps never change sign at these parameters: one-signed colour with the sign in words
    for key in ("ratio_t", "ratio_pt"):
        assert fig3.relative_sign(dat[key]) in ("same sign", "opposite signs")


def test_fig2_maps_are_finite_for_negative_and_tiny_gaps():
    for delta in (-0.05, 1e-6):
        kx, ky, S = fig2.sbp_maps(PAPER.replace(Delta_eV=delta), n=21)
        assert np.all(np.isfinite(S)) and np.all(np.isfinite(kx))


def test_a_non_finite_number_is_never_written(tmp_path):
    path = tmp_path / "t.csv"
    with pytest.raises(ResponseError, match=r"^x_meV: .*not finite") as exc:
        write_csv(path, {"k": "v"}, ["x_meV", "y_dimensionless"], [[1.0, math.nan], [3.0, 4.0]])
    assert "\n" not in str(exc.value)
    assert not path.exists() and not list(tmp_path.iterdir())
    with pytest.raises(ResponseError, match="^q_s: "):
        require_finite("q_s", [1.0, math.inf], "a ratio")


def test_ratio_colours_state_the_sign():
    neg = fig3.ratio_colours(-np.array([[0.1, 2.0], [3.0, 4.0]]))
    assert "ratio < 0 everywhere" in neg["label"] and np.allclose(neg["z"], np.log10([[0.1, 2.0], [3.0, 4.0]]))
    pos = fig3.ratio_colours(np.array([[0.1, 2.0]]))
    assert "ratio > 0 everywhere" in pos["label"] and pos["norm"] is None
    mixed = fig3.ratio_colours(np.array([[-0.5, 2.0]]))
    assert "signed" in mixed["label"] and mixed["norm"] is not None and np.array_equal(mixed["z"], [[-0.5, 2.0]])
