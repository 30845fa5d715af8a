"""Issue 12: exactly once across crashes. The web process is SIGKILLed while phones submit, and the mixer
while it moves a batch; afterwards every person who was told "đã nộp" (or who retried and was told the
questionnaire was already submitted) is in the results exactly once, nobody else is, nothing waits, and
the live counters equal a rebuild from the stored rows. On both databases."""

from __future__ import annotations

import http.client
import json
import queue
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Answer, Invitation, Question, Response, SealedResponse
from survey_app.services.survey import mixing, responding, tallies

from .support import attacks
from .support.campaigns import make_campaign, person
from .support.https import listening_socket
from .support.processes import kill, start_flask, start_gunicorn

UNITS = ("SO-NV", "SO-TC", "SO-TP", "SO-XD")
PER_UNIT = 12  # people of SO-CC in each: four cells of twelve


@pytest.fixture
def crowd(app, tmp_path):
    """Officials in four cells, each with a unique answer pattern; returns (setup, answers by person)."""
    people = [person(i, UNITS[(i - 1) % len(UNITS)], "SO-CC") for i in range(1, PER_UNIT * len(UNITS) + 1)]
    setup = make_campaign(app, tmp_path, "son-la-2024", people)
    answers = {}
    for i in range(1, len(people) + 1):
        q = responding.open_questionnaire(setup.token(f"p{i}@thu.example"), mark_opened=False)
        (section,) = q.sections
        codes = [qq.code for qq in section.questions]
        answers[i] = {section.unit.code: attacks.signature(i, codes)}
    db.session.commit()
    return setup, answers


def _whose(campaign_id: int) -> list[int]:
    """Every stored response, as the person whose answer pattern it carries (a double shows twice)."""
    rows = db.session.execute(
        sa.select(Answer.response_id, Question.code, Answer.option_code)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign_id)
    )
    by_response: dict[str, dict[str, str]] = {}
    for rid, code, option in rows:
        by_response.setdefault(rid, {})[code] = option
    codes = [q.code for q in db.session.scalars(sa.select(Question).where(Question.campaign_id == campaign_id))]
    return sorted(attacks.person_of(a, [c for c in codes if c in a]) for a in by_response.values())


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _assert_exactly_once(campaign, people: list[int]) -> None:
    db.session.expire_all()
    mixing.mix(campaign, flush=True)  # what closing would release
    assert _count(SealedResponse) == 0
    assert _whose(campaign.id) == sorted(people)  # each person once: nothing lost, nothing doubled
    assert _count(Response) == len(people)
    submitted = db.session.scalar(
        sa.select(sa.func.count()).select_from(Invitation).where(Invitation.status == "submitted")
    )
    assert submitted == len(people)
    live = tallies.snapshot(campaign)
    tallies.rebuild_tallies(campaign)
    assert tallies.snapshot(campaign) == live


class _Phones:
    """Threads that submit questionnaires through HTTP and retry after a broken connection, as the page's
    script does; 200 or 409 (already submitted) ends a person's attempts."""

    def __init__(self, setup, answers: dict[int, dict], threads: int = 6):
        self.setup, self.answers = setup, answers
        self.todo: queue.Queue[int] = queue.Queue()
        for i in answers:
            self.todo.put(i)
        self.done: dict[int, int] = {}
        self.errors = 0
        self.port = None
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self, port: int) -> None:
        self.port = port
        for t in self.threads:
            t.start()

    def _run(self) -> None:
        while True:
            try:
                i = self.todo.get(timeout=0.2)
            except queue.Empty:
                if len(self.done) == len(self.answers):
                    return
                continue
            status = self._submit(i)
            with self.lock:
                if status in (200, 409):
                    self.done[i] = status
                else:
                    self.errors += 1
                    self.todo.put(i)
            if status not in (200, 409):
                time.sleep(0.1)

    def _submit(self, i: int) -> int | None:
        token = self.setup.token(f"p{i}@thu.example")
        body = json.dumps({"answers": self.answers[i]})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request("POST", f"/api/v1/r/{token}/submit", body, {"Content-Type": "application/json"})
            return conn.getresponse().status
        except (OSError, http.client.HTTPException):
            return None  # the server went away mid-request
        finally:
            conn.close()

    def join(self, timeout: float = 180) -> None:
        for t in self.threads:
            t.join(timeout)
        assert len(self.done) == len(self.answers), f"{len(self.done)} of {len(self.answers)} done"


def test_killing_the_web_process_mid_submits_loses_and_doubles_nothing(app, crowd, tmp_path):
    setup, answers = crowd
    log = tmp_path / "gunicorn.log"
    sock = listening_socket()
    server = start_gunicorn(app, sock, log)
    phones = _Phones(setup, answers)
    try:
        phones.start(sock.getsockname()[1])
        sock.close()
        while len(phones.done) < len(answers) // 3:
            time.sleep(0.01)
        kill(server)  # mid-run: requests in flight, a mixer run after a submit perhaps half way
        at_kill = len(phones.done)
        sock = listening_socket()
        phones.port = sock.getsockname()[1]
        server = start_gunicorn(app, sock, log)
        sock.close()
        phones.join()
    finally:
        kill(server)
    assert at_kill < len(answers) and phones.errors > 0, "the kill hit no request"
    _assert_exactly_once(setup.campaign, list(answers))


def _write_lock_held(path: Path) -> bool:
    """SQLite: whether another connection holds the write lock (the mixer inside its transaction)."""
    conn = sqlite3.connect(path, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _kill_mixer_mid_batch(app, code: str, log: Path) -> None:
    """Start `flask mixer --flush` and SIGKILL it inside its batch. PostgreSQL: the test locks the last
    table the batch writes, so the mixer has inserted its responses and answers and waits; SQLite: as
    soon as the mixer holds the write lock."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as blocker:
            blocker.exec_driver_sql("BEGIN")
            blocker.exec_driver_sql("LOCK TABLE submission_day IN ACCESS EXCLUSIVE MODE")
            mixer = start_flask(app, ["mixer", "--flush", "--campaign", code], log)
            waiting = None
            deadline = time.monotonic() + 60
            while waiting is None and time.monotonic() < deadline:
                with db.engine.connect() as watch:
                    waiting = watch.exec_driver_sql(
                        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query ILIKE '%%submission_day%%' AND pid <> pg_backend_pid()"
                    ).scalar()
                time.sleep(0.05)
            assert waiting, "the mixer never reached the batch's last table"
            kill(mixer)
            blocker.exec_driver_sql("ROLLBACK")
        deadline = time.monotonic() + 30  # its server process ends when it finds the client gone
        while time.monotonic() < deadline:
            with db.engine.connect() as watch:
                if not watch.exec_driver_sql(f"SELECT 1 FROM pg_stat_activity WHERE pid = {waiting}").scalar():
                    return
            time.sleep(0.05)
        raise TimeoutError("the killed mixer's server process is still there")
    path = Path(db.engine.url.database)
    mixer = start_flask(app, ["mixer", "--flush", "--campaign", code], log)
    deadline = time.monotonic() + 60
    # Only the batch's transaction takes the write lock (the start-up check and the checkpoint after the
    # commit do not): seen held, the mixer is inside its batch.
    while not _write_lock_held(path):
        assert mixer.poll() is None and time.monotonic() < deadline, "the mixer never held the write lock"
        time.sleep(0.001)
    kill(mixer)


def test_killing_the_mixer_mid_batch_loses_and_doubles_nothing(app, crowd, tmp_path):
    setup, answers = crowd
    for i, a in answers.items():  # submitted, not yet mixed in: all 48 wait sealed
        responding.submit(setup.token(f"p{i}@thu.example"), a)
    db.session.commit()
    assert _count(SealedResponse) == len(answers) and _count(Response) == 0
    code = setup.campaign.code
    db.session.commit()
    db.engine.dispose()  # the test's connections let go of the file and the tables
    _kill_mixer_mid_batch(app, code, tmp_path / "mixer.log")
    db.session.expire_all()
    # All or nothing: the killed batch left no response, no tally, and every sealed submission (or, on
    # SQLite, killed between writing its commit and letting go of the lock, all of them released).
    stored = (_count(Response), _count(SealedResponse))
    if db.engine.dialect.name == "postgresql":
        assert stored == (0, len(answers))
    else:
        assert stored in {(0, len(answers)), (len(answers), 0)}, stored
    if stored[0] == 0:
        assert tallies.snapshot(setup.campaign)["answer_tally"] == {}
    db.session.commit()  # (and no attribute read after it: it would open a transaction, holding SQLite's lock)
    done = start_flask(app, ["mixer", "--flush", "--campaign", code], tmp_path / "mixer.log")
    assert done.wait(120) == 0, (tmp_path / "mixer.log").read_text()
    _assert_exactly_once(setup.campaign, list(answers))
