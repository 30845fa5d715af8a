"""A respondent's link as every questionnaire request needs it: one indexed statement from token to
invitation, respondent, group, unit and campaign, read as plain values (no ORM object, no lazy load, no
pack JSON decoded), and the campaign's pack compiled once per process by its content hash.

A phone autosaves on every tap, so this is the path a campaign's load goes through: the statement runs
directly on the pool's connection in autocommit (`direct.rows`: no Session, no SQLite write lock), and
the writes are left to conditional UPDATEs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import sqlalchemy as sa

from analysis.vntext import sort_key

from ... import direct
from ...db_setup import reading
from ...errors import NotFound
from ...extensions import db
from ...models import Campaign, Invitation, Question, Respondent, RespondentGroup, Unit
from ...models.campaign import pack_view
from ...packs import Area, Pack
from ...packs import Question as PackQuestion
from .invitations import hash_token


@dataclass(frozen=True)
class CampaignView:
    """What the questionnaire shows and checks of its campaign; `accepting_answers` takes it as a Campaign."""

    id: int
    code: str
    title: str
    status: str
    opens_at: datetime
    closes_at: datetime
    pack_sha256: str

    @property
    def pack(self) -> Pack:
        return pack_view(self.pack_sha256, lambda: _pack_content(self.id))


@dataclass(frozen=True)
class UnitView:
    id: int
    code: str
    name: str
    unit_type: str


@dataclass
class Link:
    """The invitation behind a token, with its respondent's group and unit and its campaign."""

    id: int
    respondent_id: int
    nonce: str
    status: str
    draft: bytes | None
    opened_at: datetime | None
    started_at: datetime | None
    revoked_at: datetime | None
    group_id: int
    group_code: str
    unit: UnitView
    campaign: CampaignView

    @property
    def campaign_id(self) -> int:
        return self.campaign.id

    @cached_property
    def respondent(self) -> Respondent:
        """The respondent as an ORM object (one more statement): for scripts and tests, not the hot path."""
        return db.session.get(Respondent, self.respondent_id)


_inv, _resp, _group = Invitation.__table__, Respondent.__table__, RespondentGroup.__table__
_unit, _camp = Unit.__table__, Campaign.__table__
# Built once, on the tables (no ORM entity: nothing to load into objects): a request binds the token's
# hash, and SQLAlchemy finds the compiled form in its cache without building the statement again.
_BY_TOKEN = (
    sa.select(
        *(_inv.c[n] for n in ("id", "respondent_id", "nonce", "status", "draft", "opened_at", "started_at")),
        _inv.c.revoked_at,
        _resp.c.group_id,
        _group.c.code,
        *(_unit.c[n] for n in ("id", "code", "name", "unit_type")),
        *(_camp.c[n] for n in ("id", "code", "title", "status", "opens_at", "closes_at", "pack_sha256")),
    )
    .select_from(_inv)
    .join(_resp, _resp.c.id == _inv.c.respondent_id)
    .join(_group, _group.c.id == _resp.c.group_id)
    .join(_unit, _unit.c.id == _resp.c.unit_id)
    .join(_camp, _camp.c.id == _inv.c.campaign_id)
    .where(_inv.c.token_hash == sa.bindparam("token_hash"))
)
_BY_TOKEN_LOCKED = direct.Statement(_BY_TOKEN.with_for_update(of=_inv))
_BY_TOKEN = direct.Statement(_BY_TOKEN)


def find(token: str, writer: direct.Writer | None = None) -> Link | None:
    """The link of a token (revoked ones too, so the caller can answer 410), or None: as committed now,
    or, given the `writer` of a transaction, read in it with the invitation's row locked until it ends
    (PostgreSQL; SQLite already holds the write lock from BEGIN IMMEDIATE)."""
    params = {"token_hash": hash_token(token)}
    found = direct.rows(_BY_TOKEN, params) if writer is None else writer.rows(_BY_TOKEN_LOCKED, params)
    if not found:
        return None
    row = found[0]
    unit, campaign = UnitView(*row[10:14]), CampaignView(*row[14:21])
    return Link(*row[:10], unit=unit, campaign=campaign)


def read(token: str, writer: direct.Writer | None = None) -> Link:
    link = find(token, writer)
    if link is None:
        raise NotFound("unknown_link")
    return link


def _pack_content(campaign_id: int) -> dict:
    with reading():
        return db.session.scalar(sa.select(Campaign.pack_content).where(Campaign.id == campaign_id))


# ---------------------------------------------------------------- compiled per process


_AREAS: dict[tuple[str, str, str], list[tuple[Area, list[PackQuestion]]]] = {}
_QUESTION_IDS: dict[tuple[int, str], dict[str, int]] = {}


def areas_for(pack: Pack, sha: str, group_code: str, unit_type: str) -> list[tuple[Area, list[PackQuestion]]]:
    """The group's questions about a unit of this type, by area in the pack's order (empty areas left out)."""
    key = (sha, group_code, unit_type)
    found = _AREAS.get(key)
    if found is None:
        questions = [q for q in pack.questions_for(group_code) if q.unit_type == unit_type]
        areas = [(a, [q for q in questions if q.area == a.code]) for a in pack.unit_type_by_code[unit_type].areas]
        found = _AREAS[key] = [(a, qs) for a, qs in areas if qs]
    return found


def question_ids(campaign: CampaignView) -> dict[str, int]:
    """Question code → the campaign's question row id (written with the campaign, never changed after)."""
    key = (campaign.id, campaign.pack_sha256)
    found = _QUESTION_IDS.get(key)
    if found is None:
        query = sa.select(Question.code, Question.id).where(Question.campaign_id == campaign.id)
        with reading():
            found = _QUESTION_IDS[key] = dict(db.session.execute(query).all())
    return found


def rated_units(campaign_id: int, unit_type: str, own_id: int) -> list[UnitView]:
    """The units a matrix group rates (every unit of the type but its own), in Vietnamese name order."""
    params = {"campaign_id": campaign_id, "unit_type": unit_type, "own_id": own_id}
    rows = tuple(direct.rows(_RATED, params))
    found = _RATED_IN_ORDER.get(rows)
    if found is None:  # the Vietnamese sort key costs far more than the read: sorted once per set of rows
        if len(_RATED_IN_ORDER) > 10_000:
            _RATED_IN_ORDER.clear()
        found = _RATED_IN_ORDER[rows] = sorted((UnitView(*row) for row in rows), key=lambda u: sort_key(u.name))
    return found


# The rated units as read (id, code, name, type of each) → in name order; a renamed or added unit reads
# as other rows, so the page follows the roster at once.
_RATED_IN_ORDER: dict[tuple, list[UnitView]] = {}


_RATED = direct.Statement(
    sa.select(_unit.c.id, _unit.c.code, _unit.c.name, _unit.c.unit_type).where(
        _unit.c.campaign_id == sa.bindparam("campaign_id"),
        _unit.c.unit_type == sa.bindparam("unit_type"),
        _unit.c.id != sa.bindparam("own_id"),
    )
)
