"""Issue 10: the live views read the counters in a fixed number of statements, whatever the number of units
or responses, and give exactly the figures of the straightforward computation: every answer-tally row
through `unit_scores` (analysis.scoring.score_units), the groups' counts read one ORM row at a time, the
disclosure rule and the ranking applied as written, and the funnel cells built the plain way."""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa

from analysis.disclosure import disclose, fold_small_groups
from analysis.ranking import competition_ranks
from analysis.vntext import sort_key
from survey_app.extensions import db
from survey_app.models import CampaignStatus, ProgressCounter, RespondentGroup, Response, ResponseCount, Unit
from survey_app.services import monitoring, users
from survey_app.services.survey import responding, review
from survey_app.services.survey.scores import unit_scores
from survey_app.timeutil import aware, now

from .support.campaigns import make_campaign, person, release
from .support.sql import statements

OPTIONS = "ABCDX"  # X: "don't know", outside the mean


def _answer_all(setup, emails: list[str]) -> None:
    """Each person answers every question, the options varying by person and question; then release."""
    for i, email in enumerate(emails):
        q = responding.open_questionnaire(setup.token(email))
        answers = {
            s.unit.code: {qq.code: OPTIONS[(i + j) % len(OPTIONS)] for j, qq in enumerate(s.questions)}
            for s in q.sections
        }
        responding.submit(setup.token(email), answers)
    release(setup.campaign)
    db.session.commit()


def _reference_scores(campaign) -> list[dict]:
    """The live scores the plain way (what monitoring.live_scores computed before issue 10)."""
    pack, k = campaign.pack, campaign.pack.anonymity_k
    scores = unit_scores(campaign)
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id))}
    groups = db.session.scalars(sa.select(RespondentGroup).where(RespondentGroup.campaign_id == campaign.id)).all()
    valid = {
        (r.unit_id, r.group_id): r.responses
        for r in db.session.scalars(sa.select(ResponseCount).where(ResponseCount.campaign_id == campaign.id))
    }
    rows = []
    for code, s in scores.items():
        unit = units[code]
        counts = {
            g.code: valid.get((unit.id, g.id), 0)
            for g in groups
            if pack.group_by_code[g.code].target_type() == unit.unit_type
        }
        responses = sum(counts.values())
        row = dict(unit_code=code, unit_name=unit.name, unit_type=unit.unit_type, responses=responses, k=k)
        if disclose(responses, k).shown:
            shown = [{"groups": list(c.groups), "responses": c.responses} for c in fold_small_groups(counts, k)]
            areas = {a: v.points for a, v in s.areas.items()}
            row |= dict(total=s.total, percent=s.percent, rank=0, areas=areas, unanswered=s.unanswered, groups=shown)
        else:
            row |= dict(total=None, percent=None, rank=None, areas=None, unanswered=None, groups=[])
        rows.append(row)
    for utype in {r["unit_type"] for r in rows}:
        same = [r for r in rows if r["unit_type"] == utype and r["total"] is not None]
        for r, rank in zip(same, competition_ranks([r["total"] for r in same]), strict=True):
            r["rank"] = rank
    rows.sort(key=lambda r: (r["unit_type"], r["rank"] is None, r["rank"] or 0, sort_key(r["unit_name"])))
    return rows


def _reference_cells(campaign) -> list[dict]:
    """Every unit × group cell the plain way: ORM rows, a matrix group's funnel summed where it is used."""
    pack = campaign.pack
    units = db.session.scalars(sa.select(Unit).where(Unit.campaign_id == campaign.id).order_by(Unit.id)).all()
    groups = db.session.scalars(
        sa.select(RespondentGroup).where(RespondentGroup.campaign_id == campaign.id).order_by(RespondentGroup.id)
    ).all()
    funnel = {
        (p.unit_id, p.group_id): p
        for p in db.session.scalars(sa.select(ProgressCounter).where(ProgressCounter.campaign_id == campaign.id))
    }
    valid = {
        (r.unit_id, r.group_id): r.responses
        for r in db.session.scalars(sa.select(ResponseCount).where(ResponseCount.campaign_id == campaign.id))
    }
    steps = ("invited", "opened", "started", "submitted")
    closed = campaign.status == CampaignStatus.CLOSED or aware(campaign.closes_at) <= now()
    out = []
    for unit in sorted(units, key=lambda u: sort_key(u.name)):
        for g in groups:
            spec = pack.group_by_code[g.code]
            belongs, rates = spec.unit_type == unit.unit_type, spec.target_type() == unit.unit_type
            if not (belongs or rates):
                continue
            whole = [sum(getattr(p, s) for (_, gid), p in funnel.items() if gid == g.id) for s in steps]
            own, home = funnel.get((unit.id, g.id)), True
            if belongs and own:
                counts = [getattr(own, s) for s in steps]
            elif spec.is_matrix and rates:
                counts, home = whole, False
            else:
                counts = [0, 0, 0, 0]
            n = valid.get((unit.id, g.id), 0) if rates else 0
            outstanding = whole[0] - whole[3] if spec.is_matrix else counts[0] - counts[3]
            status = monitoring.sample_status(n, spec.min_responses, outstanding, closed) if rates else "n/a"
            cell = dict(unit_code=unit.code, unit_name=unit.name, unit_type=unit.unit_type, group_code=g.code)
            out.append(
                cell
                | dict(group_name=g.name, **dict(zip(steps, counts, strict=True)), valid=n)
                | dict(minimum=spec.min_responses, status=status, home=home)
            )
    return out


def _same_as_reference(campaign) -> None:
    assert [asdict(r) for r in monitoring.live_scores(campaign)] == _reference_scores(campaign)
    assert [asdict(c) for c in monitoring.cells(campaign)] == _reference_cells(campaign)


def test_live_scores_and_cells_equal_the_plain_computation_pooled(app, tmp_path):
    """Sơn La 2024 (pooled): departments with groups under and over k, a district; then an exclusion and
    its undoing, each read again at once (equal counts reuse a result; changed counts never do)."""
    units = [("SO-NV", "SO-LD")] * 3 + [("SO-NV", "SO-CC")] * 4 + [("SO-NV", "SO-LDP")]
    units += [("SO-TC", "SO-CC")] * 4 + [("SO-TP", "SO-CC")] * 2 + [("H-MAI-SON", "H-XA")] * 3
    people = [person(i + 1, u, g) for i, (u, g) in enumerate(units)]
    setup = make_campaign(app, tmp_path, "son-la-2024", people)
    _same_as_reference(setup.campaign)  # nothing answered yet
    _answer_all(setup, [f"p{i + 1}@thu.example" for i in range(len(units) - 2)])
    _same_as_reference(setup.campaign)
    before = {r.unit_code: r.total for r in monitoring.live_scores(setup.campaign)}
    assert before["SO-NV"] is not None and before["SO-TP"] is None  # SO-TP: 2 responses, under k
    some = db.session.scalars(sa.select(Response.id).order_by(Response.id)).all()
    review.exclude_response(some[0], "thử")
    _same_as_reference(setup.campaign)
    review.restore_response(some[0])
    _same_as_reference(setup.campaign)
    assert {r.unit_code: r.total for r in monitoring.live_scores(setup.campaign)} == before


def test_live_scores_and_cells_equal_the_plain_computation_group_weights(app, tmp_path):
    """Hai cấp 2025 (group weights): commune leaders rate every department (a matrix group)."""
    units = [("SO-NV", "SO-CC")] * 4 + [("SO-TC", "SO-CC")] * 3 + [("X-DEMO-1", "XA-LD")] * 2
    units += [("X-DEMO-2", "XA-LD"), ("X-DEMO-1", "XA-CC"), ("X-DEMO-1", "XA-CC"), ("X-DEMO-1", "XA-CC")]
    people = [person(i + 1, u, g) for i, (u, g) in enumerate(units)]
    setup = make_campaign(app, tmp_path, "hai-cap-2025", people, code="M")
    assert setup.campaign.pack.scoring_method == "group_weights"
    _answer_all(setup, [f"p{i + 1}@thu.example" for i in range(len(units))])
    _same_as_reference(setup.campaign)
    rows = {r.unit_code: r for r in monitoring.live_scores(setup.campaign)}
    assert rows["SO-NV"].disclosed and rows["SO-XD"].disclosed  # SO-XD: rated by the commune leaders only


def _statements_of(client, url: str, headers: dict) -> int:
    with statements() as seen:
        assert client.get(url, headers=headers).status_code == 200
    return len(seen)


def test_the_live_views_read_in_a_fixed_number_of_statements(app, client, tmp_path):
    """The scores and progress requests cost the same number of statements with one unit answered by
    3 people as with 5 units answered by 20, and on either pack (12 or 32 units)."""
    few = [("SO-NV", "SO-CC")] * 3
    many = few + [("SO-TC", "SO-CC")] * 4 + [("SO-TP", "SO-LD")] * 4 + [("SO-XD", "SO-CC")] * 3
    many += [("H-MAI-SON", "H-XA")] * 3 + [("H-MAI-SON", "H-PB")] * 3
    setup = make_campaign(app, tmp_path, "son-la-2024", [person(i + 1, u, g) for i, (u, g) in enumerate(many)])
    headers = {"Authorization": f"Bearer {users.issue_api_token(_admin())}"}
    db.session.commit()
    code = setup.campaign.code
    _answer_all(setup, [f"p{i + 1}@thu.example" for i in range(len(few))])
    small = {v: _statements_of(client, f"/api/v1/campaigns/{code}/{v}", headers) for v in ("scores", "progress")}
    _answer_all(setup, [f"p{i + 1}@thu.example" for i in range(len(few), len(many))])
    large = {v: _statements_of(client, f"/api/v1/campaigns/{code}/{v}", headers) for v in ("scores", "progress")}
    assert small == large, (small, large)
    assert large["scores"] <= 9, large  # sign-in, campaign, units, groups, questions, counts, answer sums
    matrix = make_campaign(app, tmp_path, "hai-cap-2025", [person(1, "SO-NV", "SO-CC")], code="M")
    other = _statements_of(client, f"/api/v1/campaigns/{matrix.campaign.code}/scores", headers)
    assert other == large["scores"]


def _admin() -> str:
    users.create_user("admin@thu.example", "mat-khau-dai-0123", "admin")
    return "admin@thu.example"
