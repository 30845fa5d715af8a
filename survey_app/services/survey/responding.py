"""The respondent's use cases: open a questionnaire, save answers as a draft, submit once.

Every call reads the link in one statement without the SQLite write lock (`links.read`), then writes
with one conditional UPDATE that names the state it read (status and draft): when another request
changed the row in between (a second tap, a submit, a re-issued link) nothing is written and the call
reads again. So each funnel step is counted once, exactly one submit wins, and no autosave is lost,
without a row lock held while the answers are checked and sealed. After a few lost rounds the call
takes the lock (SELECT … FOR UPDATE; SQLite's BEGIN IMMEDIATE), so it always ends. The statements run
directly on the pool's connection (`direct`), not through a Session.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa

from ...direct import Statement, Writer, session_in_transaction, writing
from ...errors import NotFound
from ...extensions import db
from ...models import Invitation, SealedResponse
from ...models import InvitationStatus as Status
from ...packs import Area, Group, Pack
from ...packs import Question as PackQuestion
from ...timeutil import aware, now, today_vn
from . import links, tallies
from .campaigns import accepting_answers
from .links import CampaignView, Link, UnitView
from .refusals import AlreadySubmitted, Gone, Incomplete, InvalidAnswers, NotOpen, Problem, UnknownLink
from .sealing import read_draft, seal, sealed_draft, submission_purpose

log = logging.getLogger(__name__)

_sealed = SealedResponse.__table__
_INSERT_SEALED = Statement(sa.insert(_sealed).values({c: sa.bindparam(c) for c in ("id", "campaign_id", "sealed")}))
OPTIMISTIC_ROUNDS = 3  # conditional writes tried before the row is locked for the read and the write


@dataclass
class Section:
    """The questions about one target unit, grouped by area."""

    unit: UnitView
    areas: list[tuple[Area, list[PackQuestion]]]

    @property
    def questions(self) -> list[PackQuestion]:
        return [q for _, qs in self.areas for q in qs]


@dataclass
class Questionnaire:
    campaign: CampaignView
    invitation: Link
    pack: Pack
    group: Group
    own_unit: UnitView
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


def open_questionnaire(token: str, mark_opened: bool = True, link: Link | None = None) -> Questionnaire:
    """Resolve the token and build the questionnaire; the first visit counts as 'opened'. `link` is the
    token's row when the caller has just read it (the rate limiter's lookup)."""
    q = _build(link or _read(token))
    inv = q.invitation
    if mark_opened and inv.status == Status.ISSUED:
        with writing() as w:
            if _write(w, inv, {"status": Status.OPENED, "opened_at": now()}):
                tallies.bump_progress(inv.campaign_id, inv.unit.id, inv.group_id, Status.OPENED, writer=w)
        _commit_session()
    return q


def save_answers(token: str, answers: dict, link: Link | None = None) -> Questionnaire:
    """Merge answers into the server-side draft; an empty option clears an answer."""

    def merged(q: Questionnaire) -> dict:
        if q.submitted:
            raise AlreadySubmitted()
        return _merged(q, answers)

    q, _ = _conditional(token, link, merged, _store)
    return q


def submit(token: str, answers: dict | None = None, link: Link | None = None) -> Questionnaire:
    """Take the questionnaire in, once: the invitation is marked submitted and the answers wait sealed
    for the mixer (`mixing.mix`), which counts them in a batch of at least k. Exactly one of several
    concurrent submits wins; the respondent sees "submitted" at once."""

    def missing(q: Questionnaire) -> list[Problem]:
        if q.submitted:
            raise AlreadySubmitted()
        if answers:
            q.answers = _merged(q, answers)  # this round's view; stored only by the write below
        return q.missing()

    def write(w: Writer, q: Questionnaire, missing: list[Problem]) -> bool:
        if missing:  # keep what was merged; the respondent fixes the rest
            return not answers or _store(w, q, q.answers)
        return _take_in(w, q)

    q, left = _conditional(token, link, missing, write)
    if left:
        raise Incomplete(left)
    log.debug("campaign %s: a response was submitted", q.campaign.code)
    return q


def _conditional(token: str, link: Link | None, prepare, write) -> tuple[Questionnaire, object]:
    """Write on the invitation as it was read. Up to OPTIMISTIC_ROUNDS rounds read it without a lock and
    write only if it is unchanged (`_write`); a last round reads it locked, in the write's transaction.
    `prepare(q)` checks the request against the questionnaire, outside the lock, and may refuse by
    raising; `write(writer, q, prepared)` writes, or returns False when the invitation changed."""
    for attempt in range(OPTIMISTIC_ROUNDS + 1):
        locked = attempt == OPTIMISTIC_ROUNDS
        if not locked:
            q = _build(link if attempt == 0 and link else _read(token))
            prepared = prepare(q)
        with writing() as w:
            if locked:
                q = _build(_read(token, w))
                prepared = prepare(q)
            if write(w, q, prepared):
                break
    else:
        raise RuntimeError("the invitation changed under a locked read: this cannot happen")
    _commit_session()
    return q, prepared


def _read(token: str, writer: Writer | None = None) -> Link:
    """The token's link as committed now (no SQLite write lock), or locked in the writer's transaction."""
    try:
        return links.read(token, writer)
    except NotFound:
        raise UnknownLink() from None


def _commit_session() -> None:
    """Commit what a caller's open Session transaction holds (the writes joined it); without one, the
    writes were committed by their own transaction and there is nothing to do."""
    if session_in_transaction():
        db.session.commit()


def _build(link: Link) -> Questionnaire:
    campaign = link.campaign
    if link.revoked_at is not None:
        raise Gone("revoked", campaign)
    if link.status != Status.SUBMITTED:
        why = accepting_answers(campaign)
        if why == "closed":
            raise Gone("closed", campaign)
        if why == "not_open":
            raise NotOpen(campaign)
    pack = campaign.pack
    group = pack.group_by_code[link.group_code]
    own = link.unit
    targets = links.rated_units(campaign.id, group.rates_unit_type, own.id) if group.is_matrix else [own]
    sha = campaign.pack_sha256
    sections = [Section(unit, links.areas_for(pack, sha, group.code, unit.unit_type)) for unit in targets]
    return Questionnaire(campaign, link, pack, group, own, sections, read_draft(link))


def _merged(q: Questionnaire, answers: dict) -> dict[str, dict[str, str]]:
    """The draft with `answers` merged in, checked against the questionnaire (nothing is written)."""
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
    return draft


def _store(w: Writer, q: Questionnaire, draft: dict) -> bool:
    """Write the draft if the invitation is still as read; the first answer moves it to 'started'."""
    inv = q.invitation
    values: dict = {"draft": sealed_draft(inv, draft)}
    steps: tuple[str, ...] = ()
    if inv.status in (Status.ISSUED, Status.OPENED) and any(draft.values()):
        at = now()
        values |= {"status": Status.STARTED, "started_at": at, "opened_at": inv.opened_at or at}
        steps = (Status.OPENED, Status.STARTED) if inv.status == Status.ISSUED else (Status.STARTED,)
    if not _write(w, inv, values):
        return False
    tallies.bump_progress(inv.campaign_id, inv.unit.id, inv.group_id, *steps, writer=w)
    q.answers = draft
    return True


def _take_in(w: Writer, q: Questionnaire) -> bool:
    """Mark the invitation submitted (if still as read) and store the answers sealed for the mixer."""
    inv = q.invitation
    sealed = _sealed_submission(q)  # before the write: its duration starts at the row's times
    # Each funnel step the invitation skips (a script may submit without opening) still counts once.
    skipped = {Status.ISSUED: (Status.OPENED, Status.STARTED), Status.OPENED: (Status.STARTED,)}
    steps = (*skipped.get(inv.status, ()), Status.SUBMITTED)
    at = now()
    values = {"status": Status.SUBMITTED, "submitted_on": today_vn(), "draft": None}
    values |= {"opened_at": inv.opened_at or at, "started_at": inv.started_at or at}
    if not _write(w, inv, values):
        return False
    w.execute(_INSERT_SEALED, sealed)
    tallies.bump_progress(inv.campaign_id, inv.unit.id, inv.group_id, *steps, writer=w)
    return True


def _write(w: Writer, inv: Link, values: dict) -> bool:
    """UPDATE the invitation only if its status and draft are still those read (and it is not revoked):
    one statement, and the caller's view of the row follows what was written."""
    params = {"id_read": inv.id, "status_read": inv.status, "draft_read": inv.draft}
    params |= {f"new_{name}": value for name, value in values.items()}
    if not w.execute(_update_for(tuple(sorted(values))), params):
        return False
    for name, value in values.items():
        setattr(inv, name, value)
    return True


_UPDATES: dict[tuple[str, ...], Statement] = {}


def _update_for(columns: tuple[str, ...]) -> Statement:
    """The conditional UPDATE setting these columns, built once per set of columns (bound parameters)."""
    stmt = _UPDATES.get(columns)
    if stmt is None:
        t = Invitation.__table__
        stmt = _UPDATES[columns] = Statement(
            sa.update(t)
            .where(
                t.c.id == sa.bindparam("id_read"),
                t.c.status == sa.bindparam("status_read"),
                t.c.draft.is_not_distinct_from(sa.bindparam("draft_read", type_=t.c.draft.type)),
                t.c.revoked_at.is_(None),
            )
            .values({name: sa.bindparam(f"new_{name}", type_=t.c[name].type) for name in columns})
        )
    return stmt


def _sealed_submission(q: Questionnaire) -> dict:
    """The response as the mixer will write it, sealed: group, answers by ids, and the duration (to 30 s)
    only when it is under the pack's `min_seconds` (the one use of it, the 'too fast' warning): an exact
    duration beside the invitation's start time would point at the person."""
    question_ids = links.question_ids(q.campaign)
    payload = {
        "group": q.invitation.group_id,
        "seconds": _fast_seconds(q.invitation.started_at or q.invitation.opened_at, q.pack.min_seconds),
        "invitation": None if q.pack.anonymous else q.invitation.id,
        "answers": [
            [s.unit.id, question_ids[qq.code], q.answer(s.unit.code, qq.code)] for s in q.sections for qq in s.questions
        ],
    }
    campaign_id = q.campaign.id
    return {
        "id": uuid.uuid4().hex,
        "campaign_id": campaign_id,
        "sealed": seal(payload, submission_purpose(campaign_id)),
    }


def _fast_seconds(started, min_seconds: int | None) -> int | None:
    """Seconds from the first answer (or, for answers all posted with the submit, from opening the page)
    to submit, to 30 s, when under `min_seconds`; otherwise None."""
    if started is None or not min_seconds:
        return None
    seconds = int(round((now() - aware(started)).total_seconds() / 30) * 30)
    return seconds if seconds < min_seconds else None
