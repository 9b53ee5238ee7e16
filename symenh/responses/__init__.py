"""Nonlinear Hall responses: BCD, INH, ENH (T-even, Eq. 10) and ENH (PT-even, Eq. 9)."""

from .api import sigma
from .result import SigmaResult
from .spec import CONVENTIONS, EXCHANGE_VALLEYS, MECHANISMS, METHODS, ResponseError

__all__ = ["sigma", "SigmaResult", "CONVENTIONS", "EXCHANGE_VALLEYS", "MECHANISMS", "METHODS", "ResponseError"]
