"""Closing a campaign: answers freeze, then every response meets the validity rules and the review
warnings. Invalid responses leave the tallies and keep the rule's code; warnings are only flags."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa

from ...errors import ServiceError
from ...extensions import db
from ...models import (
    Answer,
    Campaign,
    CampaignStatus,
    Question,
    RespondentGroup,
    Response,
    ResponseFlag,
    ResponseStatus,
    Unit,
    UnitFlag,
)
from ...packs import Pack
from ...timeutil import VN, aware, now
from .. import audit
from ..progress import Progress, Ticker
from . import mixing, tallies
from .campaigns import get_campaign
from .review import set_status

log = logging.getLogger(__name__)
STRAIGHT_MIN_ANSWERS = 5  # fewer answers than this say little about straight-lining
UNIT_SHARE = 0.5  # a unit where half its responses are straight-lined is flagged
UNIT_MIN_RESPONSES = 10  # ... or where 95 % of at least ten responses' answers are the top option
TOP_SHARE = 0.95
# The codes a response or a unit can get at close (each has a catalogue entry: invalid.…, flag.…, unit_flag.…).
INVALID_CODES = ("rates_forbidden_unit", "incomplete", "outside_window")
FLAG_CODES = ("straight_lining", "too_fast")
UNIT_FLAG_CODES = ("straight_lining", "uniform_top")


@dataclass(frozen=True)
class CloseReport:
    """What closing did (or, from `preview_close`, would do): responses checked, newly invalid,
    flagged for review, unit warnings; with the count per reason and per warning."""

    checked: int
    invalid: int
    flagged: int
    unit_flags: int
    valid: int = 0  # responses still valid afterwards
    invalid_by_reason: dict[str, int] = field(default_factory=dict)
    flagged_by_kind: dict[str, int] = field(default_factory=dict)
    unit_flags_by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class _Rules:
    """What every response is checked against, read once per close."""

    pack: Pack
    groups: dict[int, object]  # group id → the pack's group
    unit_type: dict[int, str]
    units_of_type: Counter
    top: dict[int, str]  # question id → its highest-weighted option
    first_day: object
    last_day: object

    def check(self, r: Response, mine: list) -> tuple[tuple[str, dict] | None, list[tuple[str, dict]]]:
        """(invalidity code and fields, or None; warnings) of one response and its answers."""
        spec = self.groups[r.group_id]
        target = spec.target_type()
        n_questions = sum(1 for q in self.pack.questions_for(spec.code) if q.unit_type == target)
        own = 1 if spec.unit_type == target else 0
        expected = n_questions * (self.units_of_type[target] - own if spec.is_matrix else 1)
        invalid = None
        if any(self.unit_type[a.unit_id] != target for a in mine):
            invalid = ("rates_forbidden_unit", {})
        elif len(mine) != expected:
            invalid = ("incomplete", {"answers": len(mine), "expected": expected})
        elif not self.first_day <= r.submitted_on <= self.last_day:
            invalid = ("outside_window", {"day": r.submitted_on.isoformat()})
        return invalid, _warnings(r, mine, self.pack.min_seconds)


def close_and_validate(code: str | None = None, progress: Progress | None = None) -> CloseReport:
    """Freeze answers (the campaign closes), release every waiting submission, re-stamp the responses
    (no batch of the mixer survives), apply the validity rules and raise warnings; one transaction.
    `progress` phases: close.release (3 steps), close.check (responses), close.compact (1 step)."""
    campaign = get_campaign(code)
    campaign.close(now())
    release = Ticker(progress, 3, "close.release")
    mixing.mix(campaign, flush=True, commit=False)
    release.step()
    mixing.restamp(campaign)
    release.step()
    tallies.rebuild_counts(campaign)
    release.finish()
    of_campaign = sa.select(Response.id).where(Response.campaign_id == campaign.id)
    db.session.execute(sa.delete(ResponseFlag).where(ResponseFlag.response_id.in_(of_campaign)))
    db.session.execute(sa.delete(UnitFlag).where(UnitFlag.campaign_id == campaign.id))
    db.session.flush()
    outcome = _evaluate(campaign, progress)
    report = outcome.report()  # before the statuses change: it counts the responses that become invalid
    for rid in outcome.newly_invalid:
        reason, params = outcome.invalid[rid]
        set_status(outcome.responses[rid], ResponseStatus.INVALID, reason, params)
    db.session.add_all(outcome.flags)
    db.session.add_all(outcome.unit_flags)
    audit.record("campaign.close", campaign.code, invalid=report.invalid, flagged=report.flagged)
    db.session.commit()
    compact = Ticker(progress, 1, "close.compact")
    mixing.compact(mixing.AFTER_CLOSE, full=True)
    compact.finish()
    log.info("campaign %s closed and validated: %s", campaign.code, report)
    return report


def preview_close(code: str | None = None) -> CloseReport:
    """What closing now would report, by the same rules, writing nothing (shown before an admin confirms)."""
    campaign = get_campaign(code)
    if campaign.status == CampaignStatus.CLOSED:
        raise ServiceError("campaign_closed", code=campaign.code)
    mixing.mix(campaign, flush=True, commit=False)  # the waiting submissions count, as closing releases them
    report = _evaluate(campaign).report()
    db.session.rollback()  # the release and everything else undone: the preview writes nothing
    return report


@dataclass
class _Outcome:
    """The verdict on every response of a campaign, before anything is written."""

    responses: dict[str, Response]
    invalid: dict[str, tuple[str, dict]]
    flags: list[ResponseFlag]
    unit_flags: list[UnitFlag]

    @property
    def newly_invalid(self) -> list[str]:
        return [rid for rid in self.invalid if self.responses[rid].status == ResponseStatus.VALID]

    def report(self) -> CloseReport:
        newly = self.newly_invalid
        kinds: dict[str, set] = defaultdict(set)
        for f in self.flags:
            kinds[f.kind].add(f.response_id)
        still_valid = sum(1 for r in self.responses.values() if r.status == ResponseStatus.VALID) - len(newly)
        return CloseReport(
            checked=len(self.responses),
            invalid=len(newly),
            flagged=len({f.response_id for f in self.flags}),
            unit_flags=len(self.unit_flags),
            valid=still_valid,
            invalid_by_reason=dict(Counter(self.invalid[rid][0] for rid in newly)),
            flagged_by_kind={kind: len(ids) for kind, ids in kinds.items()},
            unit_flags_by_kind=dict(Counter(f.kind for f in self.unit_flags)),
        )


def _evaluate(campaign: Campaign, progress: Progress | None = None) -> _Outcome:
    """Every response against the rules and the warnings; the only place the rules are applied."""
    rules = _rules(campaign)
    responses = {r.id: r for r in db.session.scalars(sa.select(Response).where(Response.campaign_id == campaign.id))}
    ticker = Ticker(progress, len(responses), "close.check")
    invalid: dict[str, tuple[str, dict]] = {}
    flags: list[ResponseFlag] = []
    per_unit: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # responses, straight, answers, top
    seen = set()
    for rid, rows in groupby(_answer_stream(campaign), key=itemgetter(0)):
        _check_one(rules, responses[rid], list(rows), invalid, flags, per_unit)
        seen.add(rid)
        ticker.step()
    for r in responses.values():
        if r.id not in seen:  # a response without a single answer
            _check_one(rules, r, [], invalid, flags, per_unit)
            ticker.step()
    ticker.finish()
    return _Outcome(responses, invalid, flags, _unit_flags(campaign, per_unit))


def _answer_stream(campaign: Campaign):
    """Answers one response at a time (plain rows, not objects): memory stays flat at any number of
    responses. Writes wait until the stream is read."""
    return db.session.execute(
        sa.select(Answer.response_id, Answer.unit_id, Answer.question_id, Answer.option_code)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign.id)
        .order_by(Answer.response_id)
        .execution_options(yield_per=20_000)
    )


def _rules(campaign: Campaign) -> _Rules:
    pack = campaign.pack
    groups = {
        g.id: pack.group_by_code[g.code]
        for g in db.session.scalars(sa.select(RespondentGroup).where(RespondentGroup.campaign_id == campaign.id))
    }
    unit_type = dict(
        db.session.execute(sa.select(Unit.id, Unit.unit_type).where(Unit.campaign_id == campaign.id)).all()
    )
    return _Rules(
        pack,
        groups,
        unit_type,
        Counter(unit_type.values()),
        _top_options(campaign),
        aware(campaign.opens_at).astimezone(VN).date(),
        aware(campaign.closed_at or now()).astimezone(VN).date(),
    )


def _check_one(rules: _Rules, r: Response, mine: list, invalid: dict, flags: list, per_unit: dict) -> None:
    problem, warnings = rules.check(r, mine)
    if problem:
        invalid[r.id] = problem
    flags.extend(ResponseFlag(response_id=r.id, kind=kind, params=params) for kind, params in warnings)
    if r.status != ResponseStatus.VALID or problem:
        return
    straight = any(k == "straight_lining" for k, _ in warnings)
    for unit_id in {a.unit_id for a in mine}:
        about = [a for a in mine if a.unit_id == unit_id]
        acc = per_unit[unit_id]
        acc[0] += 1
        acc[1] += straight
        acc[2] += len(about)
        acc[3] += sum(1 for a in about if a.option_code == rules.top[a.question_id])


def _warnings(r: Response, mine: list, min_seconds: int | None) -> list[tuple[str, dict]]:
    out = []
    if len(mine) >= STRAIGHT_MIN_ANSWERS and len({a.option_code for a in mine}) == 1:
        # Not which option: a reviewer must not learn how a small group answered.
        out.append(("straight_lining", {"answers": len(mine)}))
    if min_seconds and r.duration_seconds is not None and r.duration_seconds < min_seconds:
        out.append(("too_fast", {"seconds": r.duration_seconds, "minimum": min_seconds}))
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


def _unit_flags(campaign: Campaign, per_unit: dict) -> list[UnitFlag]:
    out = []
    for unit_id, (responses, straight, answers, top) in per_unit.items():
        if responses >= 2 and straight / responses >= UNIT_SHARE:
            params = {"straight": straight, "responses": responses}
            out.append(UnitFlag(campaign_id=campaign.id, unit_id=unit_id, kind="straight_lining", params=params))
        if responses >= UNIT_MIN_RESPONSES and answers and top / answers >= TOP_SHARE:
            params = {"percent": round(100 * top / answers), "answers": answers}
            out.append(UnitFlag(campaign_id=campaign.id, unit_id=unit_id, kind="uniform_top", params=params))
    return out
