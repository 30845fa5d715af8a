"""Telegram offline: the library's request hook (a BaseRequest subclass) and one loopback Bot API server."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa
from telegram import Update
from telegram.request import BaseRequest

from bots import texts, worker
from bots.telegram_bot import build_application
from bots.telegram_send import TelegramChannel
from survey_app.extensions import db
from survey_app.models import Invitation, OutboxMessage, Respondent, TelegramChat
from survey_app.services.delivery import queue as delivery
from survey_app.services.delivery import telegram_links

BOT = {"id": 42, "is_bot": True, "first_name": "CCHC", "username": "cchc_test_bot"}
USER = {"id": 7001, "is_bot": False, "first_name": "Lan"}


class FakeRequest(BaseRequest):
    """Records every Bot API call and answers with canned JSON; `fail` makes sendMessage answer an error."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.fail: tuple[int, dict] | None = None

    @property
    def read_timeout(self):
        return 1.0

    async def initialize(self):
        pass

    async def shutdown(self):
        pass

    async def do_request(self, url, method, request_data=None, **_timeouts):
        name = url.rsplit("/", 1)[-1]
        params = {k: v for k, v in (request_data.parameters if request_data else {}).items()}
        self.calls.append((name, params))
        if name == "getMe":
            return 200, json.dumps({"ok": True, "result": BOT}).encode()
        if name == "sendMessage" and self.fail:
            status, body = self.fail
            return status, json.dumps({"ok": False, **body}).encode()
        if name in ("sendMessage", "editMessageText"):
            chat = params.get("chat_id", USER["id"])
            result = {
                "message_id": len(self.calls),
                "date": 0,
                "chat": {"id": chat, "type": "private"},
                "text": params.get("text", ""),
            }
            return 200, json.dumps({"ok": True, "result": result}).encode()
        return 200, json.dumps({"ok": True, "result": True}).encode()

    def last(self, name: str) -> dict:
        return next(p for n, p in reversed(self.calls) if n == name)


@pytest.fixture
def telegram(app, monkeypatch):
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_TOKEN", "42:TEST")
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_USERNAME", "cchc_test_bot")
    return FakeRequest()


def live_invitation(email: str) -> Invitation:
    return db.session.scalar(
        sa.select(Invitation).join(Respondent).where(Respondent.email == email, Invitation.revoked_at.is_(None))
    )


def message_update(n: int, text: str, user=USER) -> dict:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": n,
        "message": {
            "message_id": n,
            "date": 0,
            "from": user,
            "text": text,
            "chat": {"id": user["id"], "type": "private"},
            "entities": entities,
        },
    }


def button_update(n: int, data: str) -> dict:
    return {
        "update_id": n,
        "callback_query": {
            "id": str(n),
            "from": USER,
            "chat_instance": "c",
            "data": data,
            "message": {"message_id": 1, "date": 0, "chat": {"id": USER["id"], "type": "private"}, "text": "…"},
        },
    }


def drive(app, fake: FakeRequest, updates: list[dict]) -> None:
    async def run():
        application = build_application(app, request=fake)
        async with application:
            for data in updates:
                await application.process_update(Update.de_json(data, application.bot))

    db.session.rollback()  # SQLite: the bot's threads need the write lock
    asyncio.run(run())


def test_deep_link_binds_once_and_the_questionnaire_is_answered_and_submitted_in_chat(sonla, telegram, app):
    inv = live_invitation("p2@thu.example")
    code = telegram_links.binding_code(inv)
    assert telegram_links.deep_link(inv) == f"https://t.me/cchc_test_bot?start={code}"
    assert sonla.token("p2@thu.example") not in code and len(code) <= 64
    drive(
        app,
        telegram,
        [
            message_update(1, f"/start {code}"),
            message_update(2, "/start wrong_code"),
            message_update(3, f"/start {code}", {**USER, "id": 9999}),
        ],
    )
    replies = [p["text"] for n, p in telegram.calls if n == "sendMessage"]
    assert replies == [texts.BOUND.format(name="Người Thử 2"), texts.REFUSED["unknown"], texts.REFUSED["used"]]
    assert db.session.scalar(sa.select(TelegramChat.chat_id)) == USER["id"]

    n, data = 10, "go"
    for _ in range(200):  # press the first option of each question the bot shows, then submit
        drive(app, telegram, [button_update(n, data)])
        markup = telegram.last("editMessageText")["reply_markup"]
        data = markup["inline_keyboard"][0][0]["callback_data"]
        n += 1
        if data == "submit":
            break
    shown = [p["text"] for name, p in telegram.calls if name == "editMessageText"]
    total = len(shown) - 1
    assert shown[0].startswith(f"Câu 1/{total}\n\n") and shown[-1] == texts.ALL_ANSWERED.format(total=total)
    assert live_invitation("p2@thu.example").status == "started"
    drive(app, telegram, [button_update(n, "submit")])
    assert telegram.last("editMessageText")["text"] == texts.THANKS
    db.session.expire_all()
    assert live_invitation("p2@thu.example").status == "submitted"  # the same submit as the web page


def test_sending_through_the_worker_paces_and_handles_block_and_flood_control(sonla, telegram, app):
    assert delivery.queue_invitations(sonla.campaign, "telegram").queued == 0  # nobody bound yet
    for email, chat in [("p1@thu.example", 501), ("p3@thu.example", 503), ("p5@thu.example", 505)]:
        telegram_links.bind_chat(telegram_links.binding_code(live_invitation(email)), chat)
    report = delivery.queue_invitations(sonla.campaign, "telegram")
    assert report.queued == 3 and len(report.skipped) == 4
    channel = {"telegram": TelegramChannel(app.config, request=telegram)}
    worker.run_batch(channel, limit=1)
    sent = telegram.last("sendMessage")
    assert sent["chat_id"] == 501 and f"http://survey.test/s/{sonla.token('p1@thu.example')}" in sent["text"]
    telegram.fail = (403, {"error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    worker.run_batch(channel, limit=1)
    telegram.fail = (429, {"error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 30}})
    worker.run_batch(channel, limit=1)
    rows = {m.address: m for m in db.session.scalars(sa.select(OutboxMessage))}
    assert rows["501"].status == "sent"
    assert (rows["503"].status, rows["503"].error_code) == ("failed", "telegram_blocked")
    assert rows["505"].status == "pending" and rows["505"].attempts == 0
    assert db.session.scalar(sa.select(TelegramChat.blocked_at).where(TelegramChat.chat_id == 503)) is not None
    again = delivery.queue_reminders(sonla.campaign, channel="telegram", min_days=0)
    assert ("Người Thử 3", "telegram", "no_telegram") in [(s.full_name, s.channel, s.reason) for s in again.skipped]


class BotApi(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), BotApiHandler)
        self.calls: list[tuple[str, dict]] = []


class BotApiHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        params = json.loads(raw) if raw.startswith("{") else {k: v[0] for k, v in parse_qs(raw).items()}
        method = self.path.rsplit("/", 1)[-1]
        self.server.calls.append((self.path, params))
        result = (
            BOT
            if method == "getMe"
            else {
                "message_id": 77,
                "date": 0,
                "text": params.get("text"),
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
            }
        )
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_the_send_path_speaks_http_to_a_bot_api_at_base_url(sonla, telegram, app, monkeypatch):
    server = BotApi()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setitem(app.config, "TELEGRAM_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/bot")
        telegram_links.bind_chat(telegram_links.binding_code(live_invitation("p4@thu.example")), 604)
        delivery.queue_invitations(sonla.campaign, "telegram")
        worker.run(worker.build_channels(("telegram",)), drain=True)
    finally:
        server.shutdown()
        server.server_close()
    paths = [p for p, _ in server.calls]
    assert paths == ["/bot42:TEST/getMe", "/bot42:TEST/sendMessage"]
    params = server.calls[1][1]
    assert params["chat_id"] in (604, "604") and sonla.token("p4@thu.example") in params["text"]
    assert db.session.scalar(sa.select(OutboxMessage.provider_id)) == "77"
