"""Live counters against a seeded random workload: they equal a rebuild, the invitations, the answers
and an independent model of what the workload did."""

from __future__ import annotations

import random
from collections import Counter

import pytest
import sqlalchemy as sa

from survey_app.errors import ServiceError
from survey_app.extensions import db
from survey_app.models import Answer, Invitation, Question, Respondent, RespondentGroup, Response, SealedResponse, Unit
from survey_app.services.survey import invitations, mixing, refusals, responding, tallies
from survey_app.services.survey.sealing import read_draft

from .support.campaigns import release


def taken_in_campaign(cid: int) -> int:
    return sum(
        db.session.scalar(sa.select(sa.func.count()).select_from(m).where(m.campaign_id == cid))
        for m in (Response, SealedResponse)
    )


OPTIONS = ["A", "B", "C", "D", "X"]


class Person:
    def __init__(self, setup, email):
        self.setup, self.email, self.token = setup, email, setup.token(email)
        q = responding.open_questionnaire(self.token, mark_opened=False)
        self.group = q.group.code
        self.sections = {s.unit.code: [qq.code for qq in s.questions] for s in q.sections}
        self.draft: dict[str, dict[str, str]] = {}
        self.status, self.old_tokens, self.final = "issued", [], None

    def merge(self, answers):
        for unit, given in answers.items():
            for code, option in given.items():
                if option == "":
                    self.draft.get(unit, {}).pop(code, None)
                else:
                    self.draft.setdefault(unit, {})[code] = option
        if self.status in ("issued", "opened") and any(self.draft.values()):
            self.status = "started"

    def missing(self):
        return [(u, c) for u, codes in self.sections.items() for c in codes if c not in self.draft.get(u, {})]


def _step(rng: random.Random, p: Person, stats: Counter) -> None:
    op = rng.choice(["open", "save", "save", "save", "reissue", "submit", "incomplete", "old", "mix"])
    if op == "submit" and p.email == "p1@thu.example":  # a hold-out in each campaign never submits
        op = "save"
    stats[op] += 1
    if p.status == "submitted" and op in ("open", "save", "submit", "incomplete"):
        if op == "open":
            assert responding.open_questionnaire(p.token).submitted
            return
        with pytest.raises(refusals.AlreadySubmitted):
            responding.save_answers(p.token, {}) if op == "save" else responding.submit(p.token, {})
        return
    if op == "mix":  # the mixer runs between requests, as after a submit or in the worker
        mixing.mix(p.setup.campaign)
    elif op == "open":
        responding.open_questionnaire(p.token)
        p.status = "opened" if p.status == "issued" else p.status
    elif op == "save":
        unit = rng.choice(sorted(p.sections))
        picked = rng.sample(p.sections[unit], rng.randint(1, 5))
        answers = {unit: {c: rng.choice(OPTIONS + [""]) for c in picked}}
        responding.save_answers(p.token, answers)
        p.merge(answers)
    elif op == "reissue":
        if p.status == "submitted":
            with pytest.raises(ServiceError):
                invitations.reissue_invitation(p.setup.campaign, p.email)
            return
        new = invitations.reissue_invitation(p.setup.campaign, p.email)
        p.old_tokens.append(p.token)
        p.token = invitations.derive_token(new.campaign_id, new.nonce)
    elif op == "old":
        if p.old_tokens:
            with pytest.raises(refusals.Gone):
                responding.save_answers(rng.choice(p.old_tokens), {})
    elif op == "incomplete":
        missing = p.missing()
        if not missing:
            return
        left_out = rng.choice(missing)
        answers = {}
        for u, c in rng.sample([m for m in missing if m != left_out], min(3, len(missing) - 1)):
            answers.setdefault(u, {})[c] = rng.choice(OPTIONS)
        with pytest.raises(refusals.Incomplete) as exc:
            responding.submit(p.token, answers)
        p.merge(answers)  # what was sent is kept
        assert [(m.unit, m.question) for m in exc.value.problems] == p.missing()
        assert left_out in p.missing()
    else:
        _complete(rng, p)


def _complete(rng: random.Random, p: Person) -> None:
    """A complete submit: the rest answered at random, "don't know" included."""
    rest = {}
    for u, c in p.missing():
        rest.setdefault(u, {})[c] = rng.choice(OPTIONS)
    responding.submit(p.token, rest)
    p.merge(rest)
    p.status, p.final, p.draft = "submitted", p.draft, {}


def _expected_tally(people) -> Counter:
    out = Counter()
    for p in people:
        if p.final:
            for unit, answers in p.final.items():
                for code, option in answers.items():
                    out[(unit, p.group, code, option)] += 1
    return out


def _codes(model, campaign_id):
    return dict(db.session.execute(sa.select(model.id, model.code).where(model.campaign_id == campaign_id)).all())


@pytest.mark.parametrize("seed", [11, 2024, 31337])
def test_random_workload_counters_are_consistent(app, sonla, matrix, seed):
    rng = random.Random(seed)
    people = [Person(s, e) for s in (sonla, matrix) for e in sorted(s.tokens)]
    stats = Counter()
    for _ in range(120):
        _step(rng, rng.choice(people), stats)
    for p in people:  # make sure the counters see submits from every campaign and group kind
        if p.status != "submitted" and p.email != "p1@thu.example" and (rng.random() < 0.5 or len(p.sections) == 6):
            _complete(rng, p)
    assert stats["submit"] and stats["reissue"] and stats["save"]
    assert any(p.final and len(p.sections) == 6 for p in people), "the matrix respondent never submitted"
    assert any(p.status != "submitted" for p in people)

    for setup in (sonla, matrix):
        campaign = setup.campaign
        cid = campaign.id
        units, groups, questions = _codes(Unit, cid), _codes(RespondentGroup, cid), _codes(Question, cid)
        mine = [p for p in people if p.setup is setup]
        waiting = mixing.mix(campaign).waiting  # what the last submits left: cells with fewer than k new ones
        assert taken_in_campaign(cid) == sum(1 for p in mine if p.final)
        release(campaign)
        assert waiting == 0 or taken_in_campaign(cid) == sum(1 for p in mine if p.final)
        before = tallies.snapshot(campaign)
        tallies.rebuild_tallies(campaign)
        assert tallies.snapshot(campaign) == before

        live = db.session.execute(
            sa.select(Respondent.person_key, Respondent.unit_id, Respondent.group_id, Invitation.status, Invitation)
            .join(Invitation, Invitation.respondent_id == Respondent.id)
            .where(Invitation.campaign_id == cid, Invitation.revoked_at.is_(None))
        ).all()
        assert {k: s for k, _, _, s, _ in live} == {p.email: p.status for p in mine}
        assert {k: read_draft(inv) for k, _, _, _, inv in live} == {p.email: p.draft for p in mine}
        funnel = Counter()
        for _, unit, group, status, _ in live:
            ranks = {"issued": 0, "opened": 1, "started": 2, "submitted": 3}[status]
            for i, column in enumerate(tallies.FUNNEL):
                funnel[(unit, group, column)] += int(i <= ranks)
        progress = before["progress_counter"]
        assert {(u, g, c): progress[(u, g)][i] for (u, g) in progress for i, c in enumerate(tallies.FUNNEL)} == {
            (u, g, c): funnel[(u, g, c)] for (u, g) in progress for c in tallies.FUNNEL
        }
        assert {(u, g) for u, g, _ in funnel} == set(progress)

        direct = Counter()
        for unit, group, question, option in db.session.execute(
            sa.select(Answer.unit_id, Response.group_id, Answer.question_id, Answer.option_code)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.campaign_id == cid)
        ):
            direct[(unit, group, question, option)] += 1
        assert {k: v[0] for k, v in before["answer_tally"].items()} == dict(direct)
        named = {(units[u], groups[g], questions[q], o): n for (u, g, q, o), (n,) in before["answer_tally"].items()}
        assert named == dict(_expected_tally(mine))
        per_target = Counter()
        for p in mine:
            for unit in p.final or {}:
                per_target[(unit, p.group)] += 1
        assert {(units[u], groups[g]): n for (u, g), (n,) in before["response_count"].items()} == dict(per_target)
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(Response).where(Response.campaign_id == cid)
        ) == sum(1 for p in mine if p.final)
