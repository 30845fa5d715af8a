"""The whole respondent flow over HTTP on both databases: open, save, resume, submit, once."""

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Response
from survey_app.services.survey import responding

from .support.campaigns import full_answers, release, taken_in


def test_flow(client, sonla):
    token = sonla.token("p2@thu.example")
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    assert "Sở Nội vụ" in page.get_data(as_text=True)
    q = responding.open_questionnaire(token, mark_opened=False)
    r = client.put(f"/api/v1/r/{token}/answers", json={"answers": full_answers(q)})
    assert r.status_code == 200, r.get_json()
    r = client.post(f"/api/v1/r/{token}/submit")
    assert r.status_code == 200, r.get_json()
    assert client.post(f"/api/v1/r/{token}/submit").status_code == 409
    assert taken_in() == 1
    release(sonla.campaign)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1
