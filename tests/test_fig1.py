"""fig1: the computed Fig. 1(c, d) of H_PT (styled, written as PNG and PDF; a zero field is refused)."""

import pytest

from symenh.errors import ParameterError
from symenh.figures import fig1
from symenh.params import PAPER


def test_fig1_writes_png_and_pdf_and_shows_the_pt_zeros(tmp_path):
    assert getattr(fig1.make, "__wrapped__", None) is not None          # styled
    m = fig1.noneq_maps(PAPER, n=21)
    assert abs(m["eq_spin"][..., 1:]).max() < 1e-12                       # panel (a): zero by PT
    assert abs(m["dspin"][..., 1:]).max() > 1e-5                          # panels (b-d): accumulation
    assert abs(m["dOmega"]).max() > 0 and abs(m["dg"]).max() < 1e-9 * abs(m["dOmega"]).max()
    paths = fig1.make(tmp_path, PAPER, report=lambda s: None, n=21, temperature_K=0.0)
    assert [p.suffix for p in paths] == [".png", ".pdf"] and all(p.stat().st_size > 0 for p in paths)


def test_fig1_refuses_a_zero_field(tmp_path):
    with pytest.raises(ParameterError, match="^field_V_per_m"):
        fig1.make(tmp_path, PAPER, report=lambda s: None, field_V_per_m=(0.0, 0.0))
