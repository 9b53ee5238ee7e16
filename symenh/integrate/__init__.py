"""Momentum-space integration for the responses.

Submodules (imported on demand, none here, so importing the package is cheap):

* :mod:`symenh.integrate.symbolic` -- exact SymPy Fermi-surface and Fermi-sea
  integrals for the paper's Dirac-type models (scaled polar coordinates);
* other modules add numeric (scipy / mpmath) integrators.
"""
