"""Validation at close: validity rules, review warnings, exclusions (logged and reversible)."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa

from ..extensions import db
from ..models import Answer, Campaign, Question, RespondentGroup, Response, ResponseFlag, Unit, UnitFlag
from ..timeutil import VN, aware, now
from . import audit, tallies
from .campaigns import get_campaign
from .errors import NotFound, ServiceError

log = logging.getLogger(__name__)
STRAIGHT_MIN_ANSWERS = 5  # fewer answers than this say little about straight-lining
UNIT_SHARE = 0.5  # a unit where half its responses are straight-lined is flagged
UNIT_MIN_RESPONSES = 10  # ... or where 95 % of at least ten responses' answers are the top option
TOP_SHARE = 0.95


@dataclass(frozen=True)
class CloseReport:
    checked: int
    invalid: int
    flagged: int
    unit_flags: int

    def __str__(self) -> str:
        return (
            f"{self.checked} responses checked: {self.invalid} invalid, {self.flagged} with warnings "
            f"for review, {self.unit_flags} unit warnings"
        )


def close_and_validate(code: str | None = None) -> CloseReport:
    """Freeze answers (the campaign closes), apply the validity rules and raise warnings; one transaction."""
    campaign = get_campaign(code)
    if campaign.status != "closed":
        campaign.status, campaign.closed_at = "closed", now()
    pack = campaign.pack
    groups = {
        g.id: pack.group_by_code[g.code]
        for g in db.session.scalars(sa.select(RespondentGroup).where(RespondentGroup.campaign_id == campaign.id))
    }
    unit_type = dict(
        db.session.execute(sa.select(Unit.id, Unit.unit_type).where(Unit.campaign_id == campaign.id)).all()
    )
    units_of_type = Counter(unit_type.values())
    top = _top_options(campaign)
    first_day = aware(campaign.opens_at).astimezone(VN).date()
    last_day = aware(campaign.closed_at or now()).astimezone(VN).date()
    responses = {r.id: r for r in db.session.scalars(sa.select(Response).where(Response.campaign_id == campaign.id))}
    of_campaign = sa.select(Response.id).where(Response.campaign_id == campaign.id)
    db.session.execute(sa.delete(ResponseFlag).where(ResponseFlag.response_id.in_(of_campaign)))
    db.session.execute(sa.delete(UnitFlag).where(UnitFlag.campaign_id == campaign.id))
    db.session.flush()
    # Answers are streamed one response at a time (plain rows, not objects): memory stays flat at
    # any number of responses. Writes wait until the stream is read.
    stream = db.session.execute(
        sa.select(Answer.response_id, Answer.unit_id, Answer.question_id, Answer.option_code)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign.id)
        .order_by(Answer.response_id)
        .execution_options(yield_per=20_000)
    )
    invalid: dict[str, str] = {}
    flags: list[ResponseFlag] = []
    per_unit = defaultdict(lambda: [0, 0, 0, 0])  # responses, straight-lined, answers, top answers

    def check(r: Response, mine: list) -> None:
        spec = groups[r.group_id]
        target = spec.target_type()
        n_questions = len([q for q in pack.questions_for(spec.code) if q.unit_type == target])
        expected = n_questions * (
            units_of_type[target] - (1 if spec.unit_type == target else 0) if spec.is_matrix else 1
        )
        if any(unit_type[a.unit_id] != target for a in mine):
            invalid[r.id] = "rates a unit this group may not rate"
        elif len(mine) != expected:
            invalid[r.id] = f"incomplete: {len(mine)} answers, expected {expected}"
        elif not first_day <= r.submitted_on <= last_day:
            invalid[r.id] = f"submitted on {r.submitted_on:%d/%m/%Y}, outside the survey window"
        warnings = _warnings(r, mine, pack.min_seconds)
        flags.extend(ResponseFlag(response_id=r.id, kind=kind, detail=detail) for kind, detail in warnings)
        if r.status == "valid" and r.id not in invalid:
            for unit_id in {a.unit_id for a in mine}:
                about = [a for a in mine if a.unit_id == unit_id]
                acc = per_unit[unit_id]
                acc[0] += 1
                acc[1] += any(k == "straight_lining" for k, _ in warnings)
                acc[2] += len(about)
                acc[3] += sum(1 for a in about if a.option_code == top[a.question_id])

    seen = set()
    for rid, rows in groupby(stream, key=itemgetter(0)):
        check(responses[rid], list(rows))
        seen.add(rid)
    for r in responses.values():
        if r.id not in seen:  # a response without a single answer
            check(r, [])
    newly_invalid = [rid for rid in invalid if responses[rid].status == "valid"]
    for rid in newly_invalid:
        _set_status(responses[rid], "invalid", invalid[rid])
    db.session.add_all(flags)
    unit_flags = _unit_flags(campaign, per_unit)
    flagged = len({f.response_id for f in flags})
    audit.record("campaign.close", campaign.code, detail=f"{len(newly_invalid)} invalid, {flagged} flagged")
    db.session.commit()
    report = CloseReport(len(responses), len(newly_invalid), flagged, unit_flags)
    log.info("campaign %s closed and validated: %s", campaign.code, report)
    return report


def _warnings(r: Response, mine: list, min_seconds: int | None) -> list[tuple[str, str]]:
    out = []
    options = {a.option_code for a in mine}
    if len(mine) >= STRAIGHT_MIN_ANSWERS and len(options) == 1:
        # Not which option: a reviewer must not learn how a small group answered.
        out.append(("straight_lining", f"all {len(mine)} answers give the same option"))
    if min_seconds and r.duration_seconds is not None and r.duration_seconds < min_seconds:
        out.append(("too_fast", f"answered in about {r.duration_seconds} s (pack minimum {min_seconds} s)"))
    return out


def _top_options(campaign: Campaign) -> dict[int, str]:
    """Question id → its highest-weighted option, for this campaign's pack."""
    pack = campaign.pack
    out = {}
    for qid, code in db.session.execute(
        sa.select(Question.id, Question.code).where(Question.campaign_id == campaign.id)
    ):
        scale = pack.scale_by_code[pack.question_by_code[code].scale]
        out[qid] = max((o for o in scale.options if o.weight is not None), key=lambda o: o.weight).code
    return out


def _unit_flags(campaign: Campaign, per_unit: dict) -> int:
    n = 0
    for unit_id, (responses, straight, answers, top) in per_unit.items():
        if responses >= 2 and straight / responses >= UNIT_SHARE:
            db.session.add(
                UnitFlag(
                    campaign_id=campaign.id,
                    unit_id=unit_id,
                    kind="straight_lining",
                    detail=f"{straight} of {responses} responses give one option throughout",
                )
            )
            n += 1
        if responses >= UNIT_MIN_RESPONSES and answers and top / answers >= TOP_SHARE:
            db.session.add(
                UnitFlag(
                    campaign_id=campaign.id,
                    unit_id=unit_id,
                    kind="uniform_top",
                    detail=f"{100 * top / answers:.0f}% of {answers} answers are the top option",
                )
            )
            n += 1
    return n


def _set_status(response: Response, status: str, reason: str | None) -> None:
    """Move a response in or out of 'valid', keeping the tallies in step in the same transaction."""
    rows = db.session.scalars(sa.select(Answer).where(Answer.response_id == response.id)).all()
    if response.status == "valid" and status != "valid":
        tallies.add_response(response, rows, sign=-1)
    elif response.status != "valid" and status == "valid":
        tallies.add_response(response, rows, sign=1)
    response.status, response.status_reason = status, reason


def exclude_response(response_id: str, reason: str) -> Response:
    """An admin excludes a response from the results, with a reason; logged and reversible."""
    if not reason.strip():
        raise ServiceError("an exclusion needs a reason")
    response = _get(response_id)
    if response.status != "valid":
        raise ServiceError(f"response {response_id} is already {response.status}")
    _set_status(response, "excluded", reason.strip())
    audit.record(
        "response.exclude",
        response.campaign.code if hasattr(response, "campaign") else None,
        target=response_id,
        detail=reason.strip(),
    )
    db.session.commit()
    return response


def restore_response(response_id: str) -> Response:
    """Undo an exclusion: the response counts again."""
    response = _get(response_id)
    if response.status != "excluded":
        raise ServiceError(f"response {response_id} is not excluded")
    _set_status(response, "valid", None)
    audit.record("response.restore", target=response_id)
    db.session.commit()
    return response


def _get(response_id: str) -> Response:
    response = db.session.get(Response, response_id, with_for_update=True)
    if response is None:
        raise NotFound(f"no response {response_id}")
    return response


@dataclass(frozen=True)
class FlaggedResponse:
    id: str
    group_name: str
    units: str
    status: str
    reason: str | None
    flags: list[tuple[str, str]]


def review_list(campaign: Campaign) -> list[FlaggedResponse]:
    """Responses with a warning, an exclusion or an invalidity: what a reviewer has to look at."""
    flags = defaultdict(list)
    for f in db.session.scalars(
        sa.select(ResponseFlag)
        .join(Response, Response.id == ResponseFlag.response_id)
        .where(Response.campaign_id == campaign.id)
    ):
        flags[f.response_id].append((f.kind, f.detail))
    responses = db.session.execute(
        sa.select(Response, RespondentGroup.name)
        .join(RespondentGroup, RespondentGroup.id == Response.group_id)
        .where(Response.campaign_id == campaign.id, (Response.status != "valid") | Response.id.in_(list(flags)))
        .order_by(RespondentGroup.code, Response.id)
    ).all()
    units = defaultdict(set)
    for rid, name in db.session.execute(
        sa.select(Answer.response_id, Unit.name)
        .join(Unit, Unit.id == Answer.unit_id)
        .where(Answer.response_id.in_([r.id for r, _ in responses]))
        .distinct()
    ):
        units[rid].add(name)
    return [
        FlaggedResponse(
            r.id,
            g,
            ", ".join(sorted(units[r.id])) if len(units[r.id]) < 4 else f"{len(units[r.id])} đơn vị",
            r.status,
            r.status_reason,
            flags[r.id],
        )
        for r, g in responses
    ]


def unit_flags(campaign: Campaign) -> list[tuple[str, str, str]]:
    return list(
        db.session.execute(
            sa.select(Unit.name, UnitFlag.kind, UnitFlag.detail)
            .join(Unit, Unit.id == UnitFlag.unit_id)
            .where(UnitFlag.campaign_id == campaign.id)
            .order_by(Unit.name)
        ).all()
    )
