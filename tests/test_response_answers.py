"""The statistics read the answers from the database straight into columns, in chunks: the same answers
as the query that joined every code in SQL and made one dict per answer (the reference, written out here)."""

from __future__ import annotations

import random
from collections import Counter

import sqlalchemy as sa

from analysis.answers import AnswerTable
from survey_app.extensions import db
from survey_app.models import Answer, Question, RespondentGroup, Response, ResponseStatus, Unit
from survey_app.services.index import statistics as index_statistics
from survey_app.services.survey import responding

from .support.campaigns import release


def _per_answer_rows(campaign) -> list[dict]:
    """The reading as it was: codes joined in SQL, one dict per answer."""
    weight = campaign.pack.option_weights
    rows = db.session.execute(
        sa.select(Answer.response_id, Unit.code, RespondentGroup.code, Question.code, Answer.option_code)
        .join(Response, Response.id == Answer.response_id)
        .join(Unit, Unit.id == Answer.unit_id)
        .join(RespondentGroup, RespondentGroup.id == Response.group_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Response.campaign_id == campaign.id, Response.status == ResponseStatus.VALID)
    )
    return [dict(response=r, unit=u, group=g, question=q, weight=weight[q].get(o)) for r, u, g, q, o in rows]


def _by_response(rows) -> Counter:
    """Each response's answers as one set, so responses compare whatever their codes or ids (weights as
    the statistics take them: floats, None for "don't know")."""
    answers: dict = {}
    for r in rows:
        w = None if r["weight"] is None else float(r["weight"])
        answers.setdefault(r["response"], set()).add((r["unit"], r["group"], r["question"], w))
    return Counter(frozenset(s) for s in answers.values())


def test_answers_read_in_chunks_equal_the_per_answer_reading(matrix, monkeypatch):
    rng = random.Random(5)
    for i in range(1, 5):  # commune leaders rate every department: a response about several units
        token = matrix.token(f"p{i}@thu.example")
        q = responding.open_questionnaire(token, mark_opened=False)
        responding.submit(token, {s.unit.code: {x.code: rng.choice("ABCDX") for x in s.questions} for s in q.sections})
    release(matrix.campaign)
    c = matrix.campaign
    excluded = db.session.scalars(sa.select(Response.id).where(Response.campaign_id == c.id)).first()
    db.session.execute(
        sa.update(Response).where(Response.id == excluded).values(status=ResponseStatus.EXCLUDED, status_reason="thử")
    )
    sizes: list[int] = []
    real = AnswerTable.from_chunks.__func__

    def counted(cls, chunks, **kwargs):
        def each():
            for chunk in chunks:
                sizes.append(len(chunk))
                yield chunk

        return real(cls, each(), **kwargs)

    monkeypatch.setattr(index_statistics, "CHUNK", 7)
    monkeypatch.setattr(AnswerTable, "from_chunks", classmethod(counted))
    table = index_statistics.response_answers(c)
    expected = _per_answer_rows(c)
    assert len(table) == len(expected) == sum(sizes) and max(sizes) == 7  # streamed, 7 rows at a time
    assert len(sizes) == -(-len(expected) // 7) > 5
    assert _by_response(table) == _by_response(expected)
    assert {r["weight"] for r in table} >= {1.0, 0.6, 0.2, 0.0, None}  # None: "don't know" (NaN in the column)
    assert table.response_count == 3 == len({r["response"] for r in expected})  # the excluded one is left out
