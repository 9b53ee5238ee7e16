"""symenh figure interactions: the files, and the numbers they hold against independent paths.

Small point sets (the make() arguments) keep it quick; the stored-points cache is bypassed so
that every number is computed here.  Expected values come from elsewhere: the contact ENH by
the exchange-field quadrature (the figure uses the closed form), the screened ENH from the
30-digit harmonic reference (the figure uses quadrature; its own error estimate must cover the
difference), the curve the figure reads off the other channel set by a direct quadrature of its own
(H_PT: printed, read off the Fock result; H_T: Fock, read off the printed result), the large-mu powers derived in symenh.asymptotics_interaction.
"""

import numpy as np
import pytest

from symenh import asymptotics_interaction as ai
from symenh.cli import main
from symenh.errors import ResponseError
from symenh.figures import interactions
from symenh.figures.table import read_metadata
from symenh.models.paper import paper_valleys
from symenh.params import PAPER
from symenh.responses.api import sigma
from symenh.responses.exchange import enh_exchange
from symenh.responses.mpmath_exchange import sigma_enh_reference_mp
from symenh.units import sigma_to_si

D = PAPER.Delta_eV
MU_POINTS = (1.2, 2.0)
MU_LARGE = (316.22776601683796, 1000.0)
EL = {"tilted-dirac": ("enh-t", "bcd", (0, 1, 1), "enh_t", "bcd", "xyy"),
      "pt-dirac": ("enh-pt", "inh", (1, 0, 0), "enh_pt", "inh", "yxx")}


def _passthrough(name, settings, build, names):
    return {k: np.asarray(v, dtype=float) for k, v in build().items()}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("interactions")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(interactions, "stored_arrays", _passthrough)
        paths = interactions.make(out, PAPER, lambda s: None, mu_points=MU_POINTS, mu_large=MU_LARGE)
    return {p.name: p for p in paths}


def _table(path):
    """{column name: values} of a figure CSV (the '# key: value' lines skipped)."""
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("#")]
    header = lines[0].split(",")
    rows = np.array([[float(x) for x in ln.split(",")] for ln in lines[1:]])
    return {h: rows[:, i] for i, h in enumerate(header)}


def test_png_pdf_and_four_csvs_are_written_with_metadata_and_no_nan(written):
    assert sorted(written) == sorted(["interactions.png", "interactions.pdf"]
                                     + [v[0] for v in interactions.CSV_FILES.values()])
    assert written["interactions.png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert written["interactions.pdf"].read_bytes()[:5] == b"%PDF-"
    for (fname, _, header) in interactions.CSV_FILES.values():
        path = written[fname]
        meta = read_metadata(path)
        for key in ("symenh_version", "convention", "convention_meaning", "interaction_screened", "Delta", "q_s",
                    "temperature", "order"):
            assert meta.get(key), (fname, key)
        assert meta["convention"] == "consistent"
        tab = _table(path)
        assert list(tab) == header
        assert len(tab[header[0]]) > 0 and all(np.all(np.isfinite(tab[h])) for h in header), fname


def test_contact_columns_equal_the_exchange_field_quadrature_with_a_contact_v(written):
    tab = _table(written["interactions_curves.csv"])
    mu = D * tab["mu_over_abs_Delta_dimensionless"]
    for model, (enh, ref, (c, a, b), e, r, el) in EL.items():
        q = enh_exchange(paper_valleys(model), enh, mu, PAPER.symbol_values(), interaction="contact", rtol=1e-11)
        expect = sigma_to_si(q.sigma[:, c, a, b])
        got = tab[f"sigma_{e}_contact_{el}_A_m_per_V2"]
        assert np.allclose(got, expect, rtol=1e-9, atol=0), (model, got, expect)
        refv = sigma(model, ref, mu).element(el)
        assert np.allclose(tab[f"ratio_{e}_over_{r}_contact_dimensionless"], expect / refv, rtol=1e-9, atol=0)


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
@pytest.mark.parametrize("channels", ["printed", "fock"])
def test_screened_points_agree_with_the_mpmath_reference_within_their_error_estimate(written, model, channels):
    tab = _table(written["interactions_curves.csv"])
    enh, ref, (c, a, b), e, r, el = EL[model]
    name = "screened" if channels == "printed" else "fock"
    for i, x in enumerate(tab["mu_over_abs_Delta_dimensionless"]):
        if x != 1.2:       # one mu near the band edge (the other rows: the direct printed quadrature below)
            continue
        expect = float(sigma_enh_reference_mp(model, enh, D * x, PAPER, "screened-coulomb", channels,
                                              dps=20)[c][a][b])
        got, err = tab[f"sigma_{e}_{name}_{el}_A_m_per_V2"][i], tab[f"error_{e}_{name}_A_m_per_V2"][i]
        assert 0 < err < 1e-6 * abs(expect)                     # rtol 1e-8 asked: a tight, non-zero bound
        assert abs(got - expect) <= err, (model, channels, x, got, expect, err)
        refv = sigma(model, ref, D * x).element(el)[0]
        assert tab[f"ratio_{e}_over_{r}_{name}_dimensionless"][i] == pytest.approx(got / refv, rel=1e-12)


@pytest.mark.parametrize("model", ["tilted-dirac", "pt-dirac"])
def test_the_curve_read_off_the_other_channel_set_equals_a_direct_quadrature_of_it(written, model):
    """The figure computes one channel set per model (H_PT: fock, H_T: printed) and reads the other
    curve off it; a direct quadrature of the set it did not compute checks that curve."""
    tab = _table(written["interactions_curves.csv"])
    enh, _, (c, a, b), e, _, el = EL[model]
    mu = D * tab["mu_over_abs_Delta_dimensionless"]
    other = {"printed": "fock", "fock": "printed"}[interactions.computed_channels(model)]
    assert other == {"tilted-dirac": "fock", "pt-dirac": "printed"}[model]
    q = enh_exchange(paper_valleys(model), enh, mu, PAPER.symbol_values(), interaction="screened-coulomb",
                     channels=other, rtol=1e-8)
    direct, err = sigma_to_si(q.sigma[:, c, a, b]), sigma_to_si(q.error)
    got = tab[f"sigma_{e}_{'screened' if other == 'printed' else 'fock'}_{el}_A_m_per_V2"]
    got_err = tab[f"error_{e}_{'screened' if other == 'printed' else 'fock'}_A_m_per_V2"]
    assert np.all(np.abs(got - direct) <= err + got_err), (got, direct)
    # and the complete exchange is the derived fraction of the printed one: 1/2 (H_T), 1/4 (H_PT: the
    # other twelve channels vanish)
    frac = {"tilted-dirac": 0.5, "pt-dirac": 0.25}[model]
    printed = direct if other == "printed" else direct / frac
    assert np.allclose(tab[f"sigma_{e}_fock_{el}_A_m_per_V2"], frac * printed, rtol=1e-7, atol=0)


def test_large_mu_slopes_reach_the_derived_powers(written):
    slopes = _table(written["interactions_slopes.csv"])
    large = _table(written["interactions_large_mu.csv"])
    for model, (_, _, _, e, _, el) in EL.items():
        power = ai.large_mu(model).power
        assert power == {"tilted-dirac": -3, "pt-dirac": -2}[model]
        s = np.atleast_1d(slopes[f"slope_{e}_screened_dimensionless"])
        assert abs(s[-1] - power) < 0.05, (model, s)
        v = large[f"sigma_{e}_screened_{el}_A_m_per_V2"]
        assert s[-1] == pytest.approx(np.log(v[1] / v[0]) / np.log(MU_LARGE[1] / MU_LARGE[0]), rel=1e-12)
    meta = read_metadata(written["interactions_slopes.csv"])
    assert "screened ENH(T) -3" in meta["derived_powers"] and "screened ENH(PT) -2" in meta["derived_powers"]


def test_contact_slopes_tend_to_the_paper_powers(written):
    tab = _table(written["interactions_contact.csv"])
    far = tab["mu_over_abs_Delta_dimensionless"] > 500
    for col, p in (("slope_enh_t_contact_dimensionless", -1), ("slope_enh_pt_contact_dimensionless", -1),
                   ("slope_bcd_dimensionless", -2), ("slope_inh_dimensionless", -2)):
        assert np.all(np.abs(tab[col][far] - p) < 0.01), col


def test_printed_convention_flips_every_enh_and_leaves_the_competitors(monkeypatch):
    monkeypatch.setattr(interactions, "stored_arrays", _passthrough)
    a = interactions.screened_points(PAPER, "consistent", (2.0,), report=lambda s: None)
    b = interactions.screened_points(PAPER, "printed", (2.0,), report=lambda s: None)
    for key in a:
        if key.endswith(":error"):
            assert b[key] == pytest.approx(a[key], rel=1e-12)
        else:
            assert b[key] == pytest.approx(-a[key], rel=1e-12)


def test_verdict_is_drawn_from_the_derived_powers():
    dat = {"powers": {("pt-dirac", "screened"): -2, ("pt-dirac", "reference"): -2, ("tilted-dirac", "screened"): -3}}
    assert "does not survive" in interactions._verdict(dat)
    dat["powers"][("pt-dirac", "screened")] = -1
    assert "survives screening" in interactions._verdict(dat) and "does not" not in interactions._verdict(dat)


@pytest.mark.parametrize("change, name", [({"alpha_over_hbar_v": 0.0}, "alpha_over_hbar_v"),
                                          ({"Delta_eV": 0.0}, "Delta")])
def test_undefined_parameters_are_refused_in_one_line_before_any_work(change, name, tmp_path):
    messages = []
    with pytest.raises(ResponseError) as exc:
        interactions.make(tmp_path, PAPER.replace(**change), messages.append)
    assert str(exc.value).startswith(f"{name}:") and "\n" not in str(exc.value)
    assert not messages and not list(tmp_path.iterdir())


def test_cli_refuses_with_exit_2_and_one_line(capsys, tmp_path):
    code = main(["figure", "interactions", "--param", "alpha_over_hbar_v=0", "--out", str(tmp_path / "o")])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "alpha_over_hbar_v:" in err


def test_anisotropic_velocities_take_the_large_mu_points_from_the_quadrature(monkeypatch):
    """The reference needs v_x = v_y: with v_x != v_y the points come from the quadrature path
    (routing only: the paths themselves are tested in their own files)."""
    calls = []

    def quadrature(components, mechanism, mu, values, *, params, interaction, **kw):
        calls.append((mechanism, params.vy_m_per_s, interaction.kind))
        out = np.zeros((len(mu), 2, 2, 2))
        out[:, 0, 1, 1] = out[:, 1, 0, 0] = 1.0
        return type("R", (), {"sigma": out})()

    def reference(*a, **k):
        raise AssertionError("the reference was used with v_x != v_y")

    monkeypatch.setattr(interactions, "stored_arrays", _passthrough)
    monkeypatch.setattr(interactions, "enh_exchange", quadrature)
    monkeypatch.setattr(interactions, "sigma_enh_reference_mp", reference)
    params = PAPER.replace(vy_m_per_s=3e5)
    pts = interactions.large_mu_points(params, mu_over_delta=(100.0, 300.0), report=lambda s: None)
    assert calls == [("enh-t", 3e5, "screened-coulomb"), ("enh-pt", 3e5, "screened-coulomb")]
    assert np.allclose(pts["tilted-dirac"], sigma_to_si(1.0)) and np.allclose(pts["pt-dirac"], sigma_to_si(1.0))
