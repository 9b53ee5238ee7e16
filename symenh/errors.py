"""symenh's exceptions: one public base class for every error a user's input can cause.

Every error symenh raises because of what a user supplied (a name, a unit, a value out of
range, a model it cannot handle, a path that refuses a request) is a :class:`SymenhError`;
catch that one class to handle them all.  The command line turns each into one line on
stderr and exit status 2 (an interrupt, Ctrl-C, is one line and exit status 130; any other
exception is a bug in symenh and keeps its traceback).  ``SymenhError`` subclasses :class:`ValueError`, and
:class:`InputTypeError` (a value of the wrong type) also :class:`TypeError`, so code
written against the built-in exceptions keeps working.

=====================  ===============================================================
class                  raised for
=====================  ===============================================================
UnitError              a quantity without its unit, with a wrong unit, or not a number
ParameterError         an unknown parameter name, or a value outside its allowed range
InputTypeError         an argument of the wrong type (Python API)
ModelError             a model symenh cannot use (non-Hermitian, unknown name, ...)
ContourError           a Fermi contour the ray method cannot represent (a ModelError)
IntegrationError       an integrand outside what the closed-form integrator handles
ResponseError          an unknown mechanism/method/option, or a path refusing a request
ClosedFormUnavailable  a request the closed form does not cover (a ResponseError naming quadrature)
CacheError             (internal) an on-disk cache entry that cannot be trusted
=====================  ===============================================================

This module imports nothing from symenh: every layer may use it.
"""

from __future__ import annotations


class SymenhError(ValueError):
    """Base class of every error symenh raises for a user's input; the message is one line
    that starts with the name of the offending parameter."""


class UnitError(SymenhError):
    """A value given without its unit, with a wrong unit, or not a number."""


class ParameterError(SymenhError):
    """A parameter outside its allowed range, or an unknown parameter name."""


class InputTypeError(ParameterError, TypeError):
    """An argument of the wrong type at the public Python API (e.g. mu given as a string)."""


class ModelError(SymenhError):
    """A model that symenh cannot use (non-Hermitian, wrong shape, unknown name)."""


class ContourError(ModelError):
    """A Fermi contour symenh's ray method cannot represent (not star-shaped around k = 0)."""


class IntegrationError(SymenhError):
    """An integrand outside what the closed-form integrator handles."""


class ResponseError(SymenhError):
    """An unknown mechanism, method or convention, or an invalid response parameter."""


class ClosedFormUnavailable(ResponseError):
    """A valid request the closed form does not cover (a model that is not two-level Dirac-like, a
    derivation that timed out or left integrals unevaluated): the message names the numerical method
    to use instead.  Callers that fall back to quadrature catch this class, never message text."""


class CacheError(SymenhError):
    """An on-disk cache entry that is unreadable, of the wrong shape or fails its checksum
    (never reaches a user: the entry is rebuilt)."""


__all__ = ["SymenhError", "UnitError", "ParameterError", "InputTypeError", "ModelError", "ContourError",
           "IntegrationError", "ResponseError", "ClosedFormUnavailable", "CacheError"]
