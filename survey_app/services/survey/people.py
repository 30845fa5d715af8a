"""One person on the roster: the roster pages' changes (add, correct, move, remove) and lists.

Changes are refused once the person has submitted: the answers are anonymous and counted, and the
list that issued them stays as it was. A removed person keeps their row, marked: their live link
is revoked (it answers 410) and their pending messages are cancelled in the same transaction, and
the progress counters are rebuilt, so they stay equal to `tallies.rebuild_progress`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import sqlalchemy as sa

from analysis.vntext import fold, nfc, sort_key

from ...contacts import normalise_email, normalise_phone
from ...errors import NotFound, RowIssue, ServiceError
from ...extensions import db
from ...models import Campaign, Invitation, InvitationStatus, Respondent, RespondentGroup, Unit
from ...timeutil import now
from .. import audit
from ..tabular import Table
from .roster_checks import (
    FIELDS,
    FORM_FIELDS,
    MESSAGE_FIELDS,
    Known,
    cancel_pending,
    clean_respondent,
    fields_of,
    write_person,
)
from .tallies import rebuild_progress

log = logging.getLogger(__name__)

_FORM = Table([])  # a form names its fields by their usual Vietnamese headers


class PersonRejected(ServiceError):
    """A person's form with bad fields; `issues` names each field (row 0, no header)."""

    def __init__(self, issues: list[RowIssue]):
        self.issues = issues
        super().__init__("person_invalid", count=len(issues))


@dataclass(frozen=True)
class PersonRow:
    """A person as the roster pages list them: contact details and link state, never answers."""

    id: int
    full_name: str
    position: str | None
    unit_code: str
    unit_name: str
    group_code: str
    group_name: str
    email: str | None
    phone: str | None
    zalo_id: str | None
    telegram_username: str | None
    link: str | None  # the live link's InvitationStatus; None without a live link
    removed: bool

    def form(self) -> dict[str, str]:
        """The person as the form shows them (a phone as the Vietnamese number people type)."""
        values = {f: getattr(self, f) or "" for f in FORM_FIELDS}
        if self.phone and self.phone.startswith("+84"):
            values["phone"] = "0" + self.phone[3:]
        return values


@dataclass(frozen=True)
class PersonResult:
    respondent_id: int
    restored: bool = False  # an add that brought a removed person back
    moved: bool = False
    revoked: bool = False
    cancelled: int = 0  # pending messages cancelled


def _people_query(campaign: Campaign):
    live = sa.and_(Invitation.respondent_id == Respondent.id, Invitation.revoked_at.is_(None))
    return (
        sa.select(Respondent, Unit.code, Unit.name, RespondentGroup.code, RespondentGroup.name, Invitation.status)
        .join(Unit, Unit.id == Respondent.unit_id)
        .join(RespondentGroup, RespondentGroup.id == Respondent.group_id)
        .outerjoin(Invitation, live)
        .where(Respondent.campaign_id == campaign.id)
    )


def _row(r: Respondent, unit_code, unit_name, group_code, group_name, status) -> PersonRow:
    return PersonRow(
        r.id,
        r.full_name,
        r.position,
        unit_code,
        unit_name,
        group_code,
        group_name,
        r.email,
        r.phone,
        r.zalo_id,
        r.telegram_username,
        status,
        r.removed_at is not None,
    )


def list_people(campaign: Campaign, unit_code: str | None = None, search: str = "") -> list[PersonRow]:
    """People of the campaign (or of one unit), in Vietnamese name order; `search` matches a name
    without caring for accents or case, part of an email, or the digits of a phone typed any way."""
    query = _people_query(campaign)
    if unit_code:
        query = query.where(Unit.code == unit_code)
    rows = [_row(*r) for r in db.session.execute(query)]
    folded, digits = fold(search), re.sub(r"\D", "", search)
    if folded:
        rows = [r for r in rows if _matches(r, folded, digits)]
    return sorted(rows, key=lambda r: (sort_key(r.full_name), r.id))


def _matches(row: PersonRow, folded: str, digits: str) -> bool:
    if folded in fold(row.full_name) or (row.email and folded in row.email):
        return True
    if len(digits) < 3 or not row.phone:
        return False
    national = "0" + row.phone[3:] if row.phone.startswith("+84") else row.phone
    return digits in national or digits in row.phone


def get_person(campaign: Campaign, respondent_id: int) -> PersonRow:
    found = db.session.execute(_people_query(campaign).where(Respondent.id == respondent_id)).first()
    if found is None:
        raise NotFound("respondent_not_found", respondent=respondent_id)
    return _row(*found)


def _clean_form(campaign: Campaign, values: dict[str, str], own_key: str | None = None) -> tuple[dict, Known]:
    """A form's values checked like a file row; raise PersonRejected naming every bad field."""
    v = {f: nfc(str(values.get(f) or "")) for f in FORM_FIELDS}
    contacts = {c for c in (normalise_email(v["email"]) if v["email"] else None, normalise_phone(v["phone"])) if c}
    known = Known.of(campaign, contacts | ({own_key} if own_key else set()))
    rec, issues = clean_respondent(_FORM, 0, v, known)
    for key in ("email", "phone"):
        other = known.owner.get((key, rec[key])) if rec[key] else None
        if other and other != (own_key or rec["person_key"]):
            issues.append(_FORM.issue(0, key, "person_on_list", rec[key], other=other))
    if issues:
        raise PersonRejected(issues)
    return rec, known


def add_person(campaign: Campaign, values: dict[str, str]) -> PersonResult:
    """Put one person on the list; a person removed earlier with the same email or phone comes back."""
    rec, known = _clean_form(campaign, values)
    person = known.existing.get(rec["person_key"])
    if person is not None and person.removed_at is None:
        field = "email" if rec["email"] else "phone"
        raise PersonRejected([_FORM.issue(0, field, "person_exists", rec["person_key"])])
    restored = person is not None
    if person is None:
        person = Respondent(campaign_id=campaign.id, **rec)
        db.session.add(person)
    else:
        write_person(person, rec)
    db.session.flush()
    action = "respondent.restore" if restored else "respondent.add"
    audit.record(action, campaign.code, str(person.id), unit=known.codes_of(rec)["unit_id"])
    db.session.commit()
    log.info("campaign %s: respondent %s %s", campaign.code, person.id, "restored" if restored else "added")
    return PersonResult(person.id, restored=restored)


def _editable(campaign: Campaign, respondent_id: int) -> tuple[Respondent, Invitation | None]:
    """The person and their live link, locked; refused once they submitted or were removed."""
    person = db.session.get(Respondent, respondent_id, with_for_update=True)
    if person is None or person.campaign_id != campaign.id:
        raise NotFound("respondent_not_found", respondent=respondent_id)
    if person.removed_at is not None:
        raise ServiceError("person_removed", person=person.full_name)
    live = db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.respondent_id == person.id, Invitation.revoked_at.is_(None))
        .with_for_update()
    )
    if live is not None and live.status == InvitationStatus.SUBMITTED:
        raise ServiceError("person_submitted", person=person.full_name)
    return person, live


def correct_person(campaign: Campaign, respondent_id: int, values: dict[str, str]) -> PersonResult:
    """Correct a person's details, or move them to another unit or group, before they submit."""
    person, live = _editable(campaign, respondent_id)
    rec, known = _clean_form(campaign, values, own_key=person.person_key)
    before = fields_of(person)
    moved = (before["unit_id"], before["group_id"]) != (rec["unit_id"], rec["group_id"])
    cancelled = cancel_pending([person.id], "person_changed") if any(before[f] != rec[f] for f in MESSAGE_FIELDS) else 0
    shown_before = known.codes_of(before)
    write_person(person, rec)
    db.session.flush()
    if moved and live is not None:
        rebuild_progress(campaign)
    shown = known.codes_of(rec)
    if moved:
        audit.record(
            "respondent.move",
            campaign.code,
            str(person.id),
            unit=shown_before["unit_id"],
            to_unit=shown["unit_id"],
            to_group=shown["group_id"],
        )
    else:
        changed = sorted(f for f in FIELDS if before[f] != rec[f])
        audit.record("respondent.correct", campaign.code, str(person.id), unit=shown["unit_id"], fields=changed)
    db.session.commit()
    log.info("campaign %s: respondent %s corrected (moved: %s)", campaign.code, person.id, moved)
    return PersonResult(person.id, moved=moved, cancelled=cancelled)


def remove_person(campaign: Campaign, respondent_id: int) -> PersonResult:
    """Take a person off the list before they submit: their link stops working, nothing more is sent."""
    person, live = _editable(campaign, respondent_id)
    at = now()
    person.removed_at = at
    if live is not None:
        live.revoked_at, live.draft = at, None
    cancelled = cancel_pending([person.id], "removed_from_roster")
    db.session.flush()
    if live is not None:
        rebuild_progress(campaign)
    unit = db.session.get(Unit, person.unit_id).code
    audit.record("respondent.remove", campaign.code, str(person.id), unit=unit, cancelled=cancelled)
    db.session.commit()
    log.info("campaign %s: respondent %s removed, %d message(s) cancelled", campaign.code, person.id, cancelled)
    return PersonResult(person.id, revoked=live is not None, cancelled=cancelled)


@dataclass(frozen=True)
class UnitRoster:
    """A unit's line on the roster page."""

    code: str
    name: str
    unit_type: str
    people: int  # on the list (removed people not counted)
    linked: int  # with a live link
    submitted: int
    removed: int


def unit_rosters(campaign: Campaign) -> list[UnitRoster]:
    """Every unit with its number of people, links and submissions, by unit type then Vietnamese name."""
    r, inv = Respondent, Invitation
    on_list = sa.and_(r.id.is_not(None), r.removed_at.is_(None))
    counts = (
        sa.select(
            Unit.code,
            Unit.name,
            Unit.unit_type,
            sa.func.count(sa.case((on_list, r.id))),
            sa.func.count(inv.id),
            sa.func.count(sa.case((inv.status == InvitationStatus.SUBMITTED, inv.id))),
            sa.func.count(sa.case((r.removed_at.is_not(None), r.id))),
        )
        .outerjoin(r, r.unit_id == Unit.id)
        .outerjoin(inv, sa.and_(inv.respondent_id == r.id, inv.revoked_at.is_(None)))
        .where(Unit.campaign_id == campaign.id)
        .group_by(Unit.id, Unit.code, Unit.name, Unit.unit_type)
    )
    rows = [UnitRoster(*row) for row in db.session.execute(counts)]
    order = _type_order(campaign)
    return sorted(rows, key=lambda u: (order.get(u.unit_type, len(order)), sort_key(u.name)))


def _type_order(campaign: Campaign) -> dict[str, int]:
    return {t.code: i for i, t in enumerate(campaign.pack.unit_types)}


@dataclass(frozen=True)
class RosterCodes:
    """The codes a roster file or form may use, for the pages' lists and the template workbook."""

    units: list[tuple[str, str, str]]  # (code, name, unit type), by unit type then Vietnamese name
    groups: list[tuple[str, str, str]]  # (code, name, unit type)
    unit_types: list[tuple[str, str]]  # (code, name) as the pack declares them


def roster_codes(campaign: Campaign) -> RosterCodes:
    units = db.session.execute(sa.select(Unit.code, Unit.name, Unit.unit_type).where(Unit.campaign_id == campaign.id))
    groups = db.session.execute(
        sa.select(RespondentGroup.code, RespondentGroup.name, RespondentGroup.unit_type)
        .where(RespondentGroup.campaign_id == campaign.id)
        .order_by(RespondentGroup.unit_type, RespondentGroup.code)
    )
    order = _type_order(campaign)
    return RosterCodes(
        sorted((tuple(u) for u in units), key=lambda u: (order.get(u[2], len(order)), sort_key(u[1]))),
        [tuple(g) for g in groups],
        [(t.code, t.name) for t in campaign.pack.unit_types],
    )
