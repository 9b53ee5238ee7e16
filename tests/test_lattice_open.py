"""A lattice model whose Fermi contour is open (it wraps the Brillouin zone along k_y): the Fermi box is
periodic along b2, every mechanism is non-zero with an estimate below its value, and an oblique unit
cell of the same lattice (other fractional coordinates, box and grid points) gives the same tensor
within the two estimates.  Default temperatures (the estimate is honest but loose at higher ones)."""

from test_lattice import ANISO, MECHS, _aniso, _check_pair

import symenh
from symenh.responses import lattice_grid


def test_open_contour_wraps_the_zone_nonzero_and_cell_independent():
    m = _aniso()
    spec = lattice_grid.spectrum(m, ANISO)
    box, _ = spec.fermi_box(0.45, 0.55)
    assert box[1] is None and box[0] is not None        # periodic along b2: the contour is open
    ob = _aniso((1.0, 1.0))
    for mech in MECHS:
        ra = symenh.sigma(m, mech, [0.5], method="grid", model_values=ANISO)
        rb = symenh.sigma(ob, mech, [0.5], method="grid", model_values=ANISO)
        _check_pair(ra, rb)
