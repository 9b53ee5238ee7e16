"""The objects symenh really caches come back from the disk cache identical, node by node.

Fresh derivations (cache off) of the geometry of H_T (both valleys) and H_PT, of the
closed-form factor expressions of the paper models and of 30-digit asymptotics-figure
points are stored and loaded again; each must be written (not skipped as uncacheable)
and come back structurally equal, with the same node types, the same symbol
assumptions and the same Float bits.  One test, so the ~10-20 s of derivations run once
(on one xdist worker).
"""

import pytest
import sympy as sp

from symenh import cache
from symenh.figures import asymptotics as asy_fig
from symenh.geometry.symbolic import derive_geometry
from symenh.models import pt_dirac, tilted_dirac
from symenh.params import PAPER
from symenh.responses.closed_form import _derive_component


def _flat(value):
    if isinstance(value, tuple):
        for v in value:
            yield from _flat(v)
    else:
        yield value


def _shape(expr) -> list:
    """Every node in order with its type and arguments, symbol assumptions and Float bits."""
    return [(type(n), n.args, n.assumptions0 if isinstance(n, sp.Symbol) else None,
             (n._mpf_, n._prec) if isinstance(n, sp.Float) else None) for n in sp.preorder_traversal(expr)]


@pytest.fixture(scope="module")
def fresh_objects():
    """{label: value} exactly as the project's build functions return them, derived with the cache off."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYMENH_CACHE", "off")
        derive_geometry.cache_clear()  # derive now, not whatever an earlier test loaded
        out = {}
        for label, model in (("H_T xi=+1", tilted_dirac(1)), ("H_T xi=-1", tilted_dirac(-1)), ("H_PT", pt_dirac())):
            g = derive_geometry(model)
            out[f"geometry {label}"] = (g.energy, tuple(sp.Integer(d) for d in g.degeneracy), g.berry_curvature,
                                        g.quantum_metric, g.bcp, g.sbp, g.spin)
            out[f"closed-form factors {label}"] = _derive_component(model)
        builds = []
        real = cache.cached_exprs
        mp.setattr(cache, "cached_exprs", lambda key, build: builds.append(build) or real(key, build))
        d = abs(PAPER.Delta_eV)
        asy_fig._mp_points("pt-dirac", "inh", "yxx", [10 * d, 1e4 * d], PAPER, "consistent")
        out["asymptotics points (30 digits)"] = builds[0]()
    return out


def test_project_objects_round_trip_exactly(tmp_path, monkeypatch, fresh_objects):
    monkeypatch.setenv("SYMENH_CACHE", str(tmp_path))
    types = set()
    for label, value in fresh_objects.items():
        key = cache.make_key("round trip", label)
        assert cache.cached_exprs(key, lambda v=value: v) == value
        assert (tmp_path / f"{key}.json").is_file(), f"{label}: not cached"
        back = cache.cached_exprs(key, lambda: pytest.fail(f"{label}: should have been a cache hit"))
        assert back == value, label
        flat_back, flat_value = list(_flat(back)), list(_flat(value))
        assert len(flat_back) == len(flat_value)
        for a, b in zip(flat_back, flat_value):
            assert _shape(a) == _shape(b), (label, a, b)
            types |= {type(n).__name__ for n in sp.preorder_traversal(b)}
    floats = list(_flat(fresh_objects["asymptotics points (30 digits)"]))
    assert len(floats) == 2 and all(type(f) is sp.Float and f._prec >= 99 for f in floats)
    # what the project's objects contain (so a change that adds a type is noticed here first)
    assert {"Add", "Mul", "Pow", "Symbol", "Integer", "Rational", "Abs", "Pi", "Float"} <= types
