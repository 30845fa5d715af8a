"""Zalo through a loopback HTTP server that speaks the ZNS, OA and OAuth endpoints and their error codes."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa

from bots import worker
from bots.zalo import next_window_start
from survey_app.extensions import db
from survey_app.models import OutboxMessage, Respondent, ZaloState
from survey_app.services.delivery import queue as delivery
from survey_app.texts import say
from survey_app.timeutil import VN, aware, now


class FakeZalo(ThreadingHTTPServer):
    """Valid access tokens, single-use refresh tokens, a daily quota and phones without Zalo."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ZaloHandler)
        self.access = set()
        self.refresh = {"r1"}
        self.quota: int | None = None  # None: unlimited; 0: every further ZNS gets -144
        self.no_zalo: set[str] = set()
        self.calls: list[tuple[str, dict]] = []
        self.issued = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ZaloHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        z: FakeZalo = self.server
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/v4/oa/access_token":
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            z.calls.append((self.path, form))
            if self.headers["secret_key"] != "secret" or form.get("refresh_token") not in z.refresh:
                return self._json({"error": -14014, "error_name": "Invalid refresh token"})
            z.refresh.discard(form["refresh_token"])
            z.issued += 1
            access, refresh = f"a{z.issued}", f"r{z.issued + 1}"
            z.access.add(access)
            z.refresh.add(refresh)
            return self._json({"access_token": access, "refresh_token": refresh, "expires_in": "90000"})
        body = json.loads(raw)
        z.calls.append((self.path, body))
        if self.headers["access_token"] not in z.access:
            return self._json({"error": -124, "message": "Access token is invalid"})
        if self.path == "/message/template":
            if body["phone"] in z.no_zalo:
                return self._json({"error": -118, "message": "Zalo account not existed"})
            if z.quota == 0:
                return self._json({"error": -144, "message": "OA has exceeded daily quota"})
            z.quota = None if z.quota is None else z.quota - 1
            return self._json(
                {
                    "error": 0,
                    "message": "Success",
                    "data": {"msg_id": f"zns-{body['tracking_id']}", "sent_time": "1700000000000"},
                }
            )
        if self.path == "/v3.0/oa/message/cs":
            return self._json({"error": 0, "message": "Success", "data": {"message_id": "oa-1"}})
        self.send_error(404)

    def _json(self, data):
        payload = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def zalo(app, monkeypatch):
    server = FakeZalo()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for key, value in {
        "ZALO_APP_ID": "app",
        "ZALO_SECRET_KEY": "secret",
        "ZALO_REFRESH_TOKEN": "r1",
        "ZALO_ZNS_TEMPLATE_ID": "t1",
        "ZALO_ZNS_URL": server.url,
        "ZALO_OA_URL": server.url,
        "ZALO_OAUTH_URL": server.url,
        "ZALO_ALLOWED_HOURS": "0-24",
        "ZALO_MIN_INTERVAL": 0,
        "WORKER_POLL_SECONDS": 0.05,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.shutdown()
    server.server_close()


def seed_expired_token() -> None:
    db.session.add(
        ZaloState(
            id=1, access_token="a0", refresh_token="r1", updated_at=now(), access_expires_at=now() + timedelta(hours=1)
        )
    )
    db.session.commit()


def rows() -> dict[str, OutboxMessage]:
    return {m.address: m for m in db.session.scalars(sa.select(OutboxMessage))}


def zns_calls(server: FakeZalo) -> list[dict]:
    return [body for path, body in server.calls if path == "/message/template"]


def test_expired_token_is_refreshed_once_and_stored_and_no_zalo_account_is_final(sonla, zalo):
    seed_expired_token()  # Zalo answers -124 to it
    zalo.no_zalo = {"84912000004"}
    report = delivery.queue_invitations(sonla.campaign, "zalo")
    assert report.queued == 7
    worker.run(worker.build_channels(("zalo",)), drain=True)
    refreshes = [body for path, body in zalo.calls if path == "/v4/oa/access_token"]
    assert refreshes == [{"app_id": "app", "grant_type": "refresh_token", "refresh_token": "r1"}]
    state = db.session.get(ZaloState, 1)
    assert (state.access_token, state.refresh_token) == ("a1", "r2")  # the new single-use token is kept
    by_phone = rows()
    assert by_phone["phone:84912000004"].status == "failed"
    no_account = by_phone["phone:84912000004"]
    assert (no_account.error_code, no_account.last_error) == ("zalo_no_account", "Zalo -118: Zalo account not existed")
    assert say("send." + no_account.error_code) == "số điện thoại không có tài khoản Zalo"
    sent = [m for m in by_phone.values() if m.status == "sent"]
    assert len(sent) == 6 and all(m.provider_id == f"zns-{m.id}" for m in sent)
    for body in zns_calls(zalo):
        email = f"p{int(body['phone'][-2:])}@thu.example"
        assert body["template_id"] == "t1" and body["tracking_id"].isdigit()
        assert body["template_data"]["ma_phieu"] == sonla.token(email)
        assert body["template_data"]["don_vi"] and body["template_data"]["ho_ten"].startswith("Người Thử")
    stored = json.dumps([m.content for m in by_phone.values()])
    assert not any(t in stored for t in sonla.tokens.values())


def test_quota_exceeded_pauses_zalo_until_tomorrow_without_counting_attempts(sonla, zalo):
    zalo.access, zalo.quota = {"a0"}, 3
    seed_expired_token()
    delivery.queue_invitations(sonla.campaign, "zalo")
    worker.run(worker.build_channels(("zalo",)), drain=True)
    assert len(zns_calls(zalo)) == 4  # three sent, the fourth told the quota is spent, no more asked
    statuses = sorted(m.status for m in rows().values())
    assert statuses == ["pending"] * 4 + ["sent"] * 3
    tomorrow = (now().astimezone(VN) + timedelta(days=1)).date()
    for m in rows().values():
        if m.status == "pending":
            assert m.attempts == 0 and aware(m.next_attempt_at).astimezone(VN).date() == tomorrow
    assert aware(db.session.get(ZaloState, 1).paused_until).astimezone(VN).date() == tomorrow


def test_outside_allowed_hours_messages_wait_for_the_morning(sonla, zalo, app, monkeypatch):
    hour = now().astimezone(VN).hour
    monkeypatch.setitem(app.config, "ZALO_ALLOWED_HOURS", "0-23" if hour == 23 else f"{hour + 1}-24")
    delivery.queue_invitations(sonla.campaign, "zalo")
    worker.run(worker.build_channels(("zalo",)), drain=True)
    assert zalo.calls == []
    start = next_window_start(now(), app.config)
    assert start is not None and start > now()
    assert {(m.status, aware(m.next_attempt_at)) for m in rows().values()} == {("pending", start)}


def test_followers_get_an_oa_message_and_people_without_zalo_are_skipped(sonla, zalo):
    people = {p.email: p for p in db.session.scalars(sa.select(Respondent))}
    people["p1@thu.example"].zalo_id = "4630021345"
    people["p2@thu.example"].phone = None
    people["p3@thu.example"].phone = "12345"
    db.session.commit()
    zalo.access = {"a0"}
    seed_expired_token()
    report = delivery.queue_invitations(sonla.campaign, "zalo")
    assert sorted((s.full_name, s.channel, s.reason) for s in report.skipped) == [
        ("Người Thử 2", "zalo", "no_zalo"),
        ("Người Thử 3", "zalo", "bad_phone"),
    ]
    worker.run(worker.build_channels(("zalo",)), drain=True)
    oa = [body for path, body in zalo.calls if path == "/v3.0/oa/message/cs"]
    assert len(oa) == 1 and oa[0]["recipient"] == {"user_id": "4630021345"}
    assert f"http://survey.test/s/{sonla.token('p1@thu.example')}" in oa[0]["message"]["text"]
    assert len(zns_calls(zalo)) == 4 and {m.status for m in rows().values()} == {"sent"}
