"""Concurrent submits against a real threaded HTTP server: exactly one wins, the rest get 409."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from survey_app.extensions import db
from survey_app.models import Answer, AnswerTally, Invitation, ProgressCounter, Response, ResponseCount
from survey_app.services.survey import responding

from .support.campaigns import full_answers, release, taken_in

N = 8


@contextmanager
def serve(app):
    """The same app object behind a threaded werkzeug server on a free port."""
    db.session.commit()  # end the test's transaction: on SQLite it would hold the write lock
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def fire(n: int, request) -> list[int]:
    """Run `request()` n times at once (released together by a barrier); their status codes."""
    barrier = threading.Barrier(n)

    def one(_):
        barrier.wait(10)
        return request()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def questionnaire(token):
    q = responding.open_questionnaire(token, mark_opened=False)
    answers = full_answers(q, "B")
    db.session.commit()
    return q, answers


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_counted_once(setup, q):
    assert taken_in() == 1
    release(setup.campaign)
    assert count(Response) == 1
    assert count(Answer) == q.total
    tallies = db.session.execute(sa.select(AnswerTally.option_code, AnswerTally.count)).all()
    assert sorted(tallies) == [("B", 1)] * q.total
    assert db.session.scalars(sa.select(ResponseCount.responses)).all() == [1]
    submitted = db.session.scalar(
        sa.select(sa.func.sum(ProgressCounter.submitted)).where(ProgressCounter.campaign_id == setup.campaign.id)
    )
    assert submitted == 1


def test_concurrent_json_submits_one_wins(app, sonla):
    token = sonla.token("p2@thu.example")
    q, answers = questionnaire(token)
    with serve(app) as base:

        def submit():
            with httpx.Client(base_url=base, timeout=60) as c:
                return c.post(f"/api/v1/r/{token}/submit", json={"answers": answers}).status_code

        statuses = fire(N, submit)
    assert sorted(statuses) == [200] + [409] * (N - 1)
    assert_counted_once(sonla, q)
    assert db.session.scalar(sa.select(Invitation.status).where(Invitation.id == q.invitation.id)) == "submitted"


def test_concurrent_form_submits_one_wins(app, sonla):
    token = sonla.token("p2@thu.example")
    q, answers = questionnaire(token)
    with serve(app) as base:
        with httpx.Client(base_url=base, timeout=60) as c:
            page = c.get(f"/s/{token}")
            assert page.status_code == 200
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            cookies = dict(c.cookies)
        form = {f"a:{u}:{k}": v for u, qs in answers.items() for k, v in qs.items()}
        form |= {"csrf_token": csrf, "action": "submit"}

        def submit():
            with httpx.Client(base_url=base, timeout=60, cookies=cookies) as c:
                return c.post(f"/s/{token}", data=form).status_code

        statuses = fire(N, submit)
    assert sorted(statuses) == [303] + [409] * (N - 1)
    assert_counted_once(sonla, q)


@pytest.mark.parametrize("path", ["api", "form"])
def test_two_respondents_submit_together(app, sonla, path):
    tokens = [sonla.token("p2@thu.example"), sonla.token("p3@thu.example")]
    prepared = [questionnaire(t) for t in tokens]
    with serve(app) as base:

        def run(i):
            token, (_, answers) = tokens[i], prepared[i]
            with httpx.Client(base_url=base, timeout=60) as c:
                if path == "api":
                    return c.post(f"/api/v1/r/{token}/submit", json={"answers": answers}).status_code
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', c.get(f"/s/{token}").text).group(1)
                data = {f"a:{u}:{k}": v for u, qs in answers.items() for k, v in qs.items()}
                return c.post(f"/s/{token}", data={**data, "csrf_token": csrf, "action": "submit"}).status_code

        barrier = threading.Barrier(2)

        def go(i):
            barrier.wait(10)
            return run(i)

        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(go, range(2)))
    assert statuses == ([200, 200] if path == "api" else [303, 303])
    release(sonla.campaign)
    assert count(Response) == 2
    assert count(Answer) == 2 * prepared[0][0].total
    db.session.expire_all()
    assert db.session.scalars(sa.select(ResponseCount.responses)).all() == [2]
    assert (
        sorted(db.session.execute(sa.select(AnswerTally.option_code, AnswerTally.count)).all())
        == [("B", 2)] * prepared[0][0].total
    )
