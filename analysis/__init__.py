"""Pure analysis library: scoring, Vietnamese text helpers. Never imports Flask."""

from .scoring import AreaScore, QuestionScore, ScoringRules, UnitScore, score_units
from .vntext import fold, format_number, nfc, sort_key

__all__ = [
    "AreaScore", "QuestionScore", "ScoringRules", "UnitScore", "fold", "format_number", "nfc",
    "score_units", "sort_key",
]
