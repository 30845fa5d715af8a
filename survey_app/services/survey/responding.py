"""The respondent's use cases: open a questionnaire, save answers as a draft, submit once."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa

from analysis.vntext import sort_key

from ...errors import NotFound
from ...extensions import db
from ...models import Campaign, Invitation, Question, SealedResponse, Unit
from ...models import InvitationStatus as Status
from ...packs import Area, Group, Pack
from ...packs import Question as PackQuestion
from ...timeutil import aware, now, today_vn
from . import invitations, tallies
from .campaigns import accepting_answers
from .refusals import AlreadySubmitted, Gone, Incomplete, InvalidAnswers, NotOpen, Problem, UnknownLink
from .sealing import read_draft, seal, sealed_draft, submission_purpose

log = logging.getLogger(__name__)


@dataclass
class Section:
    """The questions about one target unit, grouped by area."""

    unit: Unit
    areas: list[tuple[Area, list[PackQuestion]]]

    @property
    def questions(self) -> list[PackQuestion]:
        return [q for _, qs in self.areas for q in qs]


@dataclass
class Questionnaire:
    campaign: Campaign
    invitation: Invitation
    pack: Pack
    group: Group
    own_unit: Unit
    sections: list[Section]
    answers: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def submitted(self) -> bool:
        return self.invitation.status == Status.SUBMITTED

    @property
    def total(self) -> int:
        return sum(len(s.questions) for s in self.sections)

    @property
    def answered(self) -> int:
        return sum(1 for s in self.sections for q in s.questions if self.answer(s.unit.code, q.code))

    def answer(self, unit_code: str, question_code: str) -> str | None:
        return self.answers.get(unit_code, {}).get(question_code)

    def section_done(self, section: Section) -> int:
        return sum(1 for q in section.questions if self.answer(section.unit.code, q.code))

    def missing(self) -> list[Problem]:
        """Unanswered questions, numbered as the page numbers them (per unit, from 1)."""
        return [
            Problem(s.unit.code, q.code, "missing", q.text, number)
            for s in self.sections
            for number, q in enumerate(s.questions, start=1)
            if not self.answer(s.unit.code, q.code)
        ]


def open_questionnaire(token: str, mark_opened: bool = True) -> Questionnaire:
    """Resolve the token and build the questionnaire; the first visit counts as 'opened'."""
    invitation = _resolve(token)
    q = _build(invitation)
    if mark_opened and invitation.status == Status.ISSUED:
        if _advance(invitation, Status.ISSUED, Status.OPENED, opened_at=now()):
            tallies.bump_progress(invitation.campaign_id, q.own_unit.id, invitation.respondent.group_id, Status.OPENED)
        db.session.commit()
    return q


def save_answers(token: str, answers: dict) -> Questionnaire:
    """Merge answers into the server-side draft; an empty option clears an answer."""
    invitation = _locked(token)
    q = _build(invitation)
    if q.submitted:
        raise AlreadySubmitted()
    _merge(q, answers)
    db.session.commit()
    return q


def submit(token: str, answers: dict | None = None) -> Questionnaire:
    """Take the questionnaire in, once: the invitation is marked submitted and the answers wait sealed
    for the mixer (`mixing.mix`), which counts them in a batch of at least k. Exactly one of several
    concurrent submits wins; the respondent sees "submitted" at once."""
    invitation = _locked(token)
    q = _build(invitation)
    if q.submitted:
        raise AlreadySubmitted()
    if answers:
        _merge(q, answers)
    missing = q.missing()
    if missing:
        db.session.commit()  # keep what was merged; the respondent fixes the rest
        raise Incomplete(missing)
    prior = invitation.status
    won = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status != Status.SUBMITTED, Invitation.revoked_at.is_(None))
        .values(status=Status.SUBMITTED, submitted_on=today_vn(), draft=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        db.session.rollback()
        raise AlreadySubmitted()
    db.session.add(_sealed_submission(q))
    group_id = invitation.respondent.group_id
    # Each funnel step the invitation skips (a script may submit without opening) still counts once.
    steps = {Status.ISSUED: (Status.OPENED, Status.STARTED), Status.OPENED: (Status.STARTED,)}.get(prior, ())
    for column in (*steps, Status.SUBMITTED):
        tallies.bump_progress(q.campaign.id, q.own_unit.id, group_id, column)
    db.session.commit()
    log.debug("campaign %s: a response was submitted", q.campaign.code)
    return q


def _resolve(token: str, lock: bool = False) -> Invitation:
    try:
        return invitations.resolve(token, lock=lock)
    except NotFound:
        raise UnknownLink() from None


def _locked(token: str) -> Invitation:
    return _resolve(token, lock=True)


def _build(invitation: Invitation) -> Questionnaire:
    campaign = invitation.campaign
    if invitation.revoked_at is not None:
        raise Gone("revoked", campaign)
    if invitation.status != Status.SUBMITTED:
        why = accepting_answers(campaign)
        if why == "closed":
            raise Gone("closed", campaign)
        if why == "not_open":
            raise NotOpen(campaign)
    pack = campaign.pack
    respondent = invitation.respondent
    group = pack.group_by_code[respondent.group.code]
    own = respondent.unit
    if group.is_matrix:
        targets = db.session.scalars(
            sa.select(Unit).where(
                Unit.campaign_id == campaign.id, Unit.unit_type == group.rates_unit_type, Unit.id != own.id
            )
        ).all()
        targets = sorted(targets, key=lambda u: sort_key(u.name))
    else:
        targets = [own]
    questions = pack.questions_for(group.code)
    sections = []
    for unit in targets:
        ut = pack.unit_type_by_code[unit.unit_type]
        areas = [(a, [q for q in questions if q.unit_type == unit.unit_type and q.area == a.code]) for a in ut.areas]
        sections.append(Section(unit, [(a, qs) for a, qs in areas if qs]))
    return Questionnaire(campaign, invitation, pack, group, own, sections, read_draft(invitation))


def _merge(q: Questionnaire, answers: dict) -> None:
    if not isinstance(answers, dict):
        raise InvalidAnswers([Problem("", "", "not_an_object")])
    sections = {s.unit.code: s for s in q.sections}
    problems: list[Problem] = []
    draft = {u: dict(a) for u, a in q.answers.items()}
    for unit_code, given in answers.items():
        section = sections.get(unit_code)
        if section is None or not isinstance(given, dict):
            problems.append(Problem(str(unit_code), "", "unit_not_rated"))
            continue
        by_code = {qq.code: qq for qq in section.questions}
        for q_code, option in given.items():
            question = by_code.get(q_code)
            if question is None:
                problems.append(Problem(unit_code, str(q_code), "unknown_question"))
            elif option in (None, ""):
                draft.get(unit_code, {}).pop(q_code, None)
            elif not isinstance(option, str) or q.pack.scale_by_code[question.scale].option(option) is None:
                problems.append(Problem(unit_code, q_code, "option_not_on_scale", question.text))
            else:
                draft.setdefault(unit_code, {})[q_code] = option
    if problems:
        raise InvalidAnswers(problems)
    q.answers = draft
    inv = q.invitation
    inv.draft = sealed_draft(inv, draft)
    if inv.status in (Status.ISSUED, Status.OPENED) and any(draft.values()):
        was_issued = inv.status == Status.ISSUED
        if _advance(inv, inv.status, Status.STARTED, started_at=now(), opened_at=inv.opened_at or now()):
            group_id = inv.respondent.group_id
            if was_issued:
                tallies.bump_progress(inv.campaign_id, q.own_unit.id, group_id, Status.OPENED)
            tallies.bump_progress(inv.campaign_id, q.own_unit.id, group_id, Status.STARTED)


def _advance(inv: Invitation, old: str, new: str, **values) -> bool:
    """Move the invitation's status forward only if no one else did (so each step is counted once)."""
    done = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id == inv.id, Invitation.status == old)
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done:
        inv.status = new
        for k, v in values.items():
            setattr(inv, k, v)
    return bool(done)


def _sealed_submission(q: Questionnaire) -> SealedResponse:
    """The response as the mixer will write it, sealed: group, answers by ids, and the duration (to 30 s)
    only when it is under the pack's `min_seconds` (the one use of it, the 'too fast' warning): an exact
    duration beside the invitation's start time would point at the person."""
    question_ids = dict(
        db.session.execute(sa.select(Question.code, Question.id).where(Question.campaign_id == q.campaign.id)).all()
    )
    payload = {
        "group": q.invitation.respondent.group_id,
        "seconds": _fast_seconds(q.invitation.started_at, q.pack.min_seconds),
        "invitation": None if q.pack.anonymous else q.invitation.id,
        "answers": [
            [s.unit.id, question_ids[qq.code], q.answer(s.unit.code, qq.code)] for s in q.sections for qq in s.questions
        ],
    }
    campaign_id = q.campaign.id
    return SealedResponse(
        id=uuid.uuid4().hex, campaign_id=campaign_id, sealed=seal(payload, submission_purpose(campaign_id))
    )


def _fast_seconds(started, min_seconds: int | None) -> int | None:
    """Seconds from the first answer to submit, to 30 s, when under `min_seconds`; otherwise None."""
    if started is None or not min_seconds:
        return None
    seconds = int(round((now() - aware(started)).total_seconds() / 30) * 30)
    return seconds if seconds < min_seconds else None
