"""Why a respondent's request is refused, as one code the page, the JSON API and the bot all render
(`survey_app/respond/refusals.py` gives each code its HTTP status; each interface its own words)."""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import NotFound, ServiceError
from ...models import Campaign


class Refused(ServiceError):
    """Why a respondent's request is refused, as one code every interface (page, API, bot) renders:
    unknown | revoked | closed | not_open | already_submitted | incomplete | invalid_answers."""

    def __init__(self, code: str, campaign: Campaign | None = None, **params):
        self.campaign = campaign
        super().__init__(code, **params)


class UnknownLink(Refused, NotFound):
    def __init__(self):
        super().__init__("unknown")


class Gone(Refused):
    """The link no longer works: the campaign closed ('closed') or the link was replaced ('revoked')."""

    def __init__(self, reason: str, campaign: Campaign):
        super().__init__(reason, campaign)


class NotOpen(Refused):
    def __init__(self, campaign: Campaign):
        super().__init__("not_open", campaign, opens_at=campaign.opens_at)


class AlreadySubmitted(Refused):
    def __init__(self):
        super().__init__("already_submitted")


@dataclass(frozen=True)
class Problem:
    """One bad or missing answer, named so the page and the JSON can point at it.

    `code`: missing | not_an_object | unit_not_rated | unknown_question | option_not_on_scale;
    `number` is the question's number in the questionnaire as the respondent sees it (1…).
    """

    unit: str
    question: str
    code: str
    text: str = ""
    number: int = 0


class InvalidAnswers(Refused):
    def __init__(self, problems: list[Problem], code: str = "invalid_answers"):
        self.problems = problems
        super().__init__(code, count=len(problems))


class Incomplete(InvalidAnswers):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "incomplete")
