"""Issue 12: the disclosure rule at the JSON API, on random campaigns. People of random units and groups
answer in a random order, the mixer runs after each submit as the application runs it, and after every
submit the live scores are read as a focal point or an administrator would read them:

- no figure about a unit (total, percentage, areas, unanswered, group cells) is shown unless at least k
  valid responses about it are stored, and no group cell shows fewer than k;
- a shown figure changes only after at least k further responses about the unit entered the results
  since it last changed (`analysis.disclosure.step_released`), so two readings never differ by one
  person's answers.

The count of responses comes from the stored rows, not from the API's own claim."""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.disclosure import step_released
from survey_app.errors import NotFound
from survey_app.extensions import db
from survey_app.models import Answer, Response, Unit
from survey_app.services import users
from survey_app.services.survey import mixing

from .support.campaigns import make_campaign, person
from .support.pages import PASSWORD

UNITS = ("SO-NV", "SO-TC")
GROUPS = ("SO-CC", "SO-LD")  # officials and leadership, both rating their own department
K = 3
_campaigns = itertools.count(1)

answerer = st.tuples(st.sampled_from(UNITS), st.sampled_from(GROUPS), st.sampled_from("ABCDX"))


def _stored_about(campaign_id: int) -> dict[str, int]:
    """Valid responses with answers about each unit, counted from the stored rows."""
    rows = db.session.execute(
        sa.select(Unit.code, sa.func.count(sa.distinct(Response.id)))
        .select_from(Response)
        .join(Answer, Answer.response_id == Response.id)
        .join(Unit, Unit.id == Answer.unit_id)
        .where(Response.campaign_id == campaign_id, Response.status == "valid")
        .group_by(Unit.code)
    )
    return dict(rows.all())


def _figure(u: dict):
    """Everything the scores say about the unit from its answers (its rank also moves with the others)."""
    areas = tuple(sorted((u["areas"] or {}).items()))
    groups = tuple((tuple(g["groups"]), g["responses"]) for g in u["groups"])
    return (u["total"], u["percent"], areas, u["unanswered"], groups)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(answerer, min_size=1, max_size=14))
def test_live_scores_never_show_fewer_than_k_and_move_in_steps_of_k(app, client, tmp_path_factory, people):
    code = f"P{next(_campaigns)}"
    roster = [person(i, unit, group) for i, (unit, group, _) in enumerate(people, start=1)]
    setup = make_campaign(app, tmp_path_factory.mktemp(code), "son-la-2024", roster, code=code)
    assert setup.campaign.pack.anonymity_k == K
    token = users.issue_api_token(_admin())
    histories: dict[str, list[tuple[int, object]]] = {u: [] for u in UNITS}
    for i, (_, _, option) in enumerate(people, start=1):
        link = setup.token(f"p{i}@thu.example")
        questionnaire = client.get(f"/api/v1/r/{link}").get_json()
        answers = {
            s["unit"]["code"]: {q["code"]: option for a in s["areas"] for q in a["questions"]}
            for s in questionnaire["sections"]
        }
        assert client.post(f"/api/v1/r/{link}/submit", json={"answers": answers}).status_code == 200
        mixing.mix(setup.campaign)  # what respond/after.py runs once the answer is sent
        db.session.commit()
        scores = client.get(f"/api/v1/campaigns/{code}/scores", headers={"Authorization": f"Bearer {token}"})
        stored = _stored_about(setup.campaign.id)
        db.session.commit()
        for u in scores.get_json()["units"]:
            n = stored.get(u["unit_code"], 0)
            assert u["responses"] == n  # the count it states is the count stored
            if u["disclosed"]:
                assert n >= K and u["total"] is not None
                assert all(cells >= K for _, cells in _figure(u)[4]), u["groups"]
            else:
                assert (u["total"], u["percent"], u["areas"], u["rank"], u["groups"]) == (None, None, None, None, [])
                assert n < K and u["reason"] == "below_k"
            if u["unit_code"] in histories:
                histories[u["unit_code"]].append((n, _figure(u) if u["disclosed"] else None))
    for unit, history in histories.items():
        assert step_released(history, K), (unit, history)


def _admin() -> str:
    email = "giamsat@noivu.example"
    try:
        users.get_user(email)
    except NotFound:
        users.create_user(email, PASSWORD, "monitor")
    return email
