"""Robust 2-D contours (issue 11 item 1): marching squares + root finding + smooth normal-line
parametrisation; region integrals by Green's theorem independent of the cut.  Exact references:
areas and Fermi-line integrals of an annulus and of two disjoint discs (closed forms)."""

import numpy as np
import pytest

from symenh.integrate.cells import find_contours, line_integral, region_integral


def annulus(x, y):     # phi < 0 for 1 < r < 2
    r2 = x * x + y * y
    return (r2 - 1) * (r2 - 4), 2 * x * (2 * r2 - 5), 2 * y * (2 * r2 - 5)


def two_discs(x, y):   # phi < 0 inside one of the discs |k - (2, 0)| < 1, |k + (2, 0)| < 1/2
    a = (x - 2) ** 2 + y ** 2 - 1
    b = (x + 2) ** 2 + y ** 2 - 0.25
    return a * b, 2 * (x - 2) * b + 2 * (x + 2) * a, 2 * y * (a + b)


def tiny(x, y):        # a pocket of radius 0.01 far below the first mesh's step (0.09)
    a = (x - 0.3) ** 2 + (y - 0.1) ** 2
    return a - 1e-4, 2 * (x - 0.3), 2 * (y - 0.1)




def _one(x, y):
    return np.ones(np.shape(x) + (1,))


@pytest.mark.parametrize("fn, box, area, n_loops", [
    (annulus, ((-3, 3), (-3, 3)), 3 * np.pi, 2),
    (two_discs, ((-4, 4), (-3, 3.2)), 1.25 * np.pi, 2),
    (tiny, ((-3, 3), (-3, 3)), np.pi * 1e-4, 1),
])
def test_area_any_topology_and_cut(fn, box, area, n_loops):
    c = find_contours(fn, box)
    assert len(c) == n_loops
    for cut, base in (("x", None), ("y", None), ("x", 0.7), ("y", -1.3)):
        v, e = region_integral(c, _one, cut=cut, base=base)
        assert abs(v[0] - area) <= max(e[0], 1e-14 * area)
        assert e[0] < 1e-9 * area


def test_line_integral_annulus_exact():
    # int delta(phi) d^2k = sum over the circles 2 pi r / |phi'(r)|, phi'(r) = 2 r (2 r^2 - 5)
    c = find_contours(annulus, ((-3, 3), (-3, 3)))
    v, e = line_integral(c, lambda nd: (np.ones((len(nd["kx"]), 1)), np.zeros((len(nd["kx"]), 1))))
    assert abs(v[0] - 2 * np.pi / 3) <= max(e[0], 1e-13)


def test_region_integral_of_a_function_does_not_depend_on_the_cut():
    c = find_contours(two_discs, ((-4, 4), (-3, 3.2)))

    def F(x, y):
        return np.stack([np.exp(0.3 * x) * y ** 2, np.cos(x * y)], axis=-1)

    vx, ex = region_integral(c, F, cut="x", base=-3.0)
    vy, ey = region_integral(c, F, cut="y", base=2.5)
    assert np.all(np.abs(vx - vy) <= ex + ey + 1e-14)
    # the disc |k - (2, 0)| < 1 alone, by polar Gauss-Legendre as an independent reference
    r, wr = np.polynomial.legendre.leggauss(40)
    r, wr = 0.5 * (r + 1), 0.5 * wr
    th = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    R, T = np.meshgrid(r, th, indexing="ij")
    ref = 0.0
    for (cx, rad) in ((2.0, 1.0), (-2.0, 0.5)):
        X, Y = cx + rad * R * np.cos(T), rad * R * np.sin(T)
        ref = ref + np.einsum("rt...,r->...", F(X, Y) * (rad ** 2 * R)[..., None], wr) * (2 * np.pi / len(th))
    assert np.all(np.abs(vx - ref) <= 1e-10 * np.abs(ref))


def test_orientation_phi_negative_on_the_left():
    c = find_contours(annulus, ((-3, 3), (-3, 3)))
    for loop in c.loops:
        nd = loop.nodes(np.linspace(0, 2 * np.pi, 9, endpoint=False))
        left = np.stack([-nd["dky"], nd["dkx"]], axis=-1)
        assert np.all(np.sum(left * np.stack([nd["gx"], nd["gy"]], -1), axis=-1) < 0)
        assert np.max(np.abs(annulus(nd["kx"], nd["ky"])[0])) < 1e-12
