"""All models, imported here so Alembic and the services see one metadata."""

from .campaign import Campaign, Question, RespondentGroup, Unit
from .enums import CampaignStatus, Channel, InvitationStatus, MessageStatus, ResponseStatus, Role
from .index import AppraisalPoint, IndexStatistics, LastYearResult, SatisfactionScore  # noqa: F401  (index)
from .outbox import OutboxMessage, TelegramChat, ZaloState  # noqa: F401  (delivery)
from .response import Answer, Response, ResponseFlag, SealedResponse, UnitFlag
from .roster import Invitation, Respondent
from .tally import AnswerTally, ProgressCounter, ResponseCount, SubmissionDay
from .user import AuditEntry, User

__all__ = [
    "AuditEntry",
    "ResponseFlag",
    "SubmissionDay",
    "UnitFlag",
    "Answer",
    "AnswerTally",
    "Campaign",
    "CampaignStatus",
    "Channel",
    "InvitationStatus",
    "MessageStatus",
    "ResponseStatus",
    "Role",
    "Invitation",
    "ProgressCounter",
    "Question",
    "Respondent",
    "RespondentGroup",
    "Response",
    "SealedResponse",
    "ResponseCount",
    "Unit",
    "User",
]
