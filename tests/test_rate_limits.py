"""Rate limits (`rate_limits`): the sign-in form's, the counters themselves, and Redis shared by workers."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from survey_app import config as settings
from survey_app import create_app, rate_limits
from survey_app.rate_limits import CountsInProcess

from .support.pages import csrf, staff


def test_the_sign_in_form_refuses_the_eleventh_post_in_a_minute_and_says_when(app, client):
    wrong = {"email": staff(), "password": "sai-mat-khau", "csrf_token": csrf(client)}
    for _ in range(10):
        assert client.post("/admin/login", data=wrong).status_code in (401, 423)  # 423: the account locks too
    refused = client.post("/admin/login", data=wrong)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Có quá nhiều yêu cầu từ địa chỉ mạng này." in refused.get_data(as_text=True)
    assert client.get("/admin/login").status_code == 200  # only posts are counted
    elsewhere = client.post("/admin/login", data=wrong, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert elsewhere.status_code in (401, 423)  # another address has its own count


def test_a_window_counts_then_starts_again_when_it_ends():
    counts = CountsInProcess()
    assert [counts.incr("k", 1) for _ in range(3)] == [1, 2, 3]
    assert counts.incr("other", 1) == 1
    assert counts.get("k") == 3 and counts.get_expiry("k") > time.time()
    time.sleep(1.05)
    assert counts.get("k") == 0
    assert counts.incr("k", 1) == 1
    counts.clear("k")
    assert counts.get("k") == 0
    assert counts.reset() == 1  # "other" was still there


def test_counting_starts_no_thread():
    counts = CountsInProcess()
    before = threading.active_count()
    for i in range(2000):
        counts.incr(f"address-{i % 50}", 60)
    assert threading.active_count() == before


def test_concurrent_hits_are_all_counted():
    counts = CountsInProcess()

    def hammer():
        for _ in range(500):
            counts.incr("shared", 60)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts.get("shared") == 4000


@pytest.fixture
def redis_db():
    client = redis.Redis(host="127.0.0.1", port=6379, db=15)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    yield "redis://127.0.0.1:6379/15"
    client.flushdb()


def test_two_workers_on_redis_share_the_counts(redis_db, tmp_path):
    """Two app instances (two gunicorn workers) on one Redis: the unknown-link limit is reached by their
    requests together."""
    apps = []
    for _ in range(2):
        config = settings.TestConfig(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
        config.RATELIMIT_STORAGE_URI = redis_db
        config.RATELIMIT_UNKNOWN_TOKEN = "3 per minute"
        apps.append(create_app(config))
    with apps[0].app_context():
        from flask_migrate import upgrade

        upgrade()
    statuses = [apps[i % 2].test_client().get("/s/khong-co-lien-ket-nay-0001").status_code for i in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    rate_limits.reset(apps[0])
    assert apps[1].test_client().get("/s/khong-co-lien-ket-nay-0001").status_code == 404
