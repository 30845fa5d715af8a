"""Many responses at once, for the review page's tests and its benchmark: rows written the way the mixer
writes them (random ids, every answer), quickly, then the campaign closed by the real `close_and_validate`,
which raises the warnings. What each response was built to be is returned, so a test knows the expected
counts and lists without asking the code under test."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Answer, Campaign, Question, RespondentGroup, Response, ResponseStatus, Unit
from survey_app.services.survey import tallies
from survey_app.timeutil import today_vn

CHUNK = 5_000
FAST, SLOW = 30, 600  # seconds answering: under and over the pack's min_seconds (120 in son-la-2024)


@dataclass(frozen=True)
class Shape:
    fast: bool = False  # answered in FAST seconds: "too_fast"
    straight: bool = False  # every answer "A": "straight_lining"
    incomplete: bool = False  # one answer missing: invalid at close


def mixed(i: int) -> Shape:
    """The default spread: a third too fast, a quarter straight-lined, a fifth incomplete; some of them two or
    three of these at once."""
    return Shape(fast=i % 3 == 0, straight=i % 4 == 0, incomplete=i % 10 in (4, 7))


@dataclass(frozen=True)
class Built:
    id: str
    unit: str  # the code of the unit it rates
    group: str  # its group's code
    shape: Shape

    @property
    def flags(self) -> set[str]:
        return {k for k, on in (("too_fast", self.shape.fast), ("straight_lining", self.shape.straight)) if on}

    @property
    def status(self) -> str:
        return ResponseStatus.INVALID if self.shape.incomplete else ResponseStatus.VALID

    @property
    def to_review(self) -> bool:
        return bool(self.flags) or self.status != ResponseStatus.VALID


def insert_responses(campaign: Campaign, n: int, shape: Callable[[int], Shape] = mixed) -> list[Built]:
    """n responses of own-unit groups, round-robin over every (unit, group) pair the pack allows, with every
    answer (or one fewer); the tallies rebuilt from them. Nothing is committed but the rows."""
    pack = campaign.pack
    units = db.session.execute(
        sa.select(Unit.id, Unit.code, Unit.unit_type).where(Unit.campaign_id == campaign.id).order_by(Unit.code)
    ).all()
    groups = db.session.execute(
        sa.select(RespondentGroup.id, RespondentGroup.code)
        .where(RespondentGroup.campaign_id == campaign.id)
        .order_by(RespondentGroup.code)
    ).all()
    qid = dict(
        db.session.execute(sa.select(Question.code, Question.id).where(Question.campaign_id == campaign.id)).all()
    )
    places = [
        (uid, ucode, gid, gcode)
        for gid, gcode in groups
        for uid, ucode, utype in units
        if not pack.group_by_code[gcode].is_matrix and pack.group_by_code[gcode].unit_type == utype
    ]
    questions = {
        gcode: [qid[q.code] for q in pack.questions_for(gcode) if q.unit_type == pack.group_by_code[gcode].unit_type]
        for _, gcode in groups
    }
    day, built, responses, answers = today_vn(), [], [], []
    for i in range(n):
        uid, ucode, gid, gcode = places[i % len(places)]
        s, rid = shape(i), uuid.uuid4().hex
        built.append(Built(rid, ucode, gcode, s))
        responses.append(
            dict(
                id=rid,
                campaign_id=campaign.id,
                group_id=gid,
                pack_sha256=campaign.pack_sha256,
                submitted_on=day,
                status=ResponseStatus.VALID,
                duration_seconds=FAST if s.fast else SLOW,
            )
        )
        mine = questions[gcode][1:] if s.incomplete else questions[gcode]
        answers += [
            dict(response_id=rid, unit_id=uid, question_id=q, option_code="A" if s.straight else "ABC"[(i + k) % 3])
            for k, q in enumerate(mine)
        ]
    for table, rows in ((Response, responses), (Answer, answers)):
        for j in range(0, len(rows), CHUNK):
            db.session.execute(sa.insert(table), rows[j : j + CHUNK])
    tallies.rebuild_tallies(campaign)  # commits
    return built
