"""Campaigns for tests: a shipped pack, a few people, live links; and files to import."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from survey_app.config import ROOT
from survey_app.extensions import db
from survey_app.models import Campaign, Invitation, Respondent
from survey_app.services.survey import campaigns, invitations, roster
from survey_app.timeutil import now

PACKS = ROOT / "questionnaires"


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


RESPONDENT_HEADER = [
    "unit_code",
    "group_code",
    "full_name",
    "position",
    "email",
    "phone",
    "zalo_id",
    "telegram_username",
]


@dataclass
class Setup:
    """A campaign with respondents and live links; `tokens[email]` is each person's token."""

    campaign: Campaign
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, email: str) -> str:
        return self.tokens[email]


def make_campaign(app, tmp_path: Path, pack: str, people: list[list], code: str = "T") -> Setup:
    """Create and open a campaign from a shipped pack, import `people`, issue links."""
    start = now()
    c = campaigns.create_campaign(PACKS / pack, code, start - timedelta(days=1), start + timedelta(days=10))
    campaigns.open_campaign(c.code)
    roster.import_respondents(c, write_csv(tmp_path / f"{code}-people.csv", RESPONDENT_HEADER, people))
    invitations.issue_invitations(c)
    setup = Setup(c)
    rows = db.session.execute(
        sa.select(Respondent.email, Invitation.nonce)
        .join(Invitation, Invitation.respondent_id == Respondent.id)
        .where(Invitation.campaign_id == c.id, Invitation.revoked_at.is_(None))
    )
    setup.tokens = {email: invitations.derive_token(c.id, nonce) for email, nonce in rows}
    return setup


def person(i: int, unit: str, group: str) -> list:
    return [unit, group, f"Người Thử {i}", "Chuyên viên", f"p{i}@thu.example", f"09120000{i:02d}", "", ""]


def full_answers(q, option: str = "A") -> dict:
    """Every question of a questionnaire answered with one option."""
    return {s.unit.code: {qq.code: option for qq in s.questions} for s in q.sections}


def release(campaign: Campaign) -> int:
    """Put every waiting (sealed) submission into the responses and tallies now, as closing does.

    Submitting stores a questionnaire sealed; the mixer counts it only in a batch of at least k of its
    cell (services/survey/mixing.py). Tests about what is stored or counted release explicitly."""
    from survey_app.services.survey import mixing

    return mixing.mix(campaign, flush=True).released


def taken_in() -> int:
    """Submissions stored so far: released responses plus those still waiting sealed for the mixer."""
    from survey_app.models import Response, SealedResponse

    return sum(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Response, SealedResponse))
