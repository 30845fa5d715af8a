"""The questionnaire page's fast path: the questions' HTML cached per process and filled per request must
be exactly what the template renders with the answers; an unchanged page answers 304, a changed one
(an answer saved, another page, another session, a submit) its new body; the static files revalidate."""

from __future__ import annotations

import random
import re

import pytest

from survey_app.respond import pages
from survey_app.services.survey import responding

TAG = re.compile(r'^"?([0-9a-f]{32})"?$')


def _random_answers(rng: random.Random, q, section) -> dict[str, str]:
    chosen = rng.sample(section.questions, rng.randint(0, len(section.questions)))
    return {qq.code: rng.choice(q.pack.scale_by_code[qq.scale].options).code for qq in chosen}


@pytest.mark.parametrize("setup_name, email", [("sonla", "p2@thu.example"), ("matrix", "p3@thu.example")])
def test_cached_questions_filled_in_equal_the_template(app, request, setup_name, email):
    setup = request.getfixturevalue(setup_name)
    q = responding.open_questionnaire(setup.token(email))
    rng = random.Random(7)
    with app.test_request_context():
        for section in q.sections:
            for _ in range(6):
                answers = _random_answers(rng, q, section)
                q.answers = {section.unit.code: answers}
                direct = pages._render(q, section, answers, {})
                assert str(pages.questions_html(q, section, {})) == direct
                assert direct.count(" checked>") == len(answers)
                assert direct.count('class="ok"') == len(answers)


def test_the_blank_questions_are_shared_and_hold_no_answer(app, sonla):
    first = responding.open_questionnaire(sonla.token("p2@thu.example"))
    other = responding.open_questionnaire(sonla.token("p3@thu.example"))  # same unit and group
    section = first.sections[0]
    first.answers = {section.unit.code: {section.questions[0].code: "A"}}
    with app.test_request_context():
        filled = str(pages.questions_html(first, section, {}))
        blank = pages._blank(other, other.sections[0])
    assert " checked>" in filled and " checked>" not in blank and 'class="ok"' not in blank


def test_an_unchanged_page_is_304_and_any_change_gives_a_new_body(client, sonla):
    token = sonla.token("p2@thu.example")
    first = client.get(f"/s/{token}")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and TAG.match(tag) and first.headers["Cache-Control"] == "private, no-cache"

    again = client.get(f"/s/{token}", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == tag

    # Another page of the same questionnaire, another session: not the same page.
    assert client.get(f"/s/{token}?m=1", headers={"If-None-Match": tag}).status_code == 200
    assert client.application.test_client().get(f"/s/{token}", headers={"If-None-Match": tag}).status_code == 200

    page = first.get_data(as_text=True)
    unit, question, option = re.search(r'name="a:([^":]+):([^"]+)" value="([^"]+)"', page).groups()
    saved = client.put(f"/api/v1/r/{token}/answers", json={"answers": {unit: {question: option}}})
    assert saved.status_code == 200
    changed = client.get(f"/s/{token}", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert f'name="a:{unit}:{question}" value="{option}" checked>' in changed.get_data(as_text=True)


def test_a_submitted_questionnaire_is_never_the_cached_form(client, sonla):
    token = sonla.token("p2@thu.example")
    q = responding.open_questionnaire(token)
    tag = client.get(f"/s/{token}").headers["ETag"]
    answers = {s.unit.code: {qq.code: "A" for qq in s.questions} for s in q.sections}
    assert client.post(f"/api/v1/r/{token}/submit", json={"answers": answers}).status_code == 200
    after = client.get(f"/s/{token}", headers={"If-None-Match": tag})
    assert after.status_code == 200 and "Cảm ơn" in after.get_data(as_text=True)


@pytest.mark.parametrize("name", ["r.js", "r.css"])
def test_static_files_revalidate_with_304(client, name):
    with client.get(f"/static/{name}") as first:
        tag = first.headers.get("ETag")
        assert first.status_code == 200 and tag
    with client.get(f"/static/{name}", headers={"If-None-Match": tag}) as again:
        assert again.status_code == 304 and again.get_data() == b""
