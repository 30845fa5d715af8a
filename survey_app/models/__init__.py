"""All models, imported here so Alembic and the services see one metadata."""

from .campaign import Campaign, Question, RespondentGroup, Unit
from .response import Answer, Response
from .roster import Invitation, Respondent
from .tally import AnswerTally, ProgressCounter, ResponseCount
from .user import User

__all__ = [
    "Answer", "AnswerTally", "Campaign", "Invitation", "ProgressCounter", "Question", "Respondent",
    "RespondentGroup", "Response", "ResponseCount", "Unit", "User",
]
