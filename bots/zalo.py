"""Zalo: ZNS template messages to phone numbers and Official Account messages to followers (httpx).

ZNS templates may not carry links in their text: the approved template has a button whose URL is
`https://<domain>/s/<ma_phieu>`, and we send the token as that parameter. Quota and night-hour
refusals wait (they are not failures); "no Zalo account" and similar are final for that person.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

import httpx

from survey_app.services.delivery import zalo_state
from survey_app.services.delivery.outbox import Claimed, Outcome
from survey_app.services.messages import fill_at_send
from survey_app.timeutil import VN, now

from .base import ChannelDown, Pacer

log = logging.getLogger(__name__)

# Zalo's error codes → ours. PERSON: final for that person; SETUP: the OA must be fixed first.
PERSON = {
    -108: "zalo_invalid_phone",
    -118: "zalo_no_account",
    -119: "zalo_cannot_receive",
    -114: "zalo_inactive",
    -139: "zalo_declined",
    -141: "zalo_declined_oa",
}
QUOTA = (-115, -144, -147, -160)
NIGHT = -133
SETUP = {
    -131: "zalo_template_unapproved",
    -135: "zalo_no_zns_permission",
    -136: "zalo_cloud_unlinked",
    -137: "zalo_cloud_no_funds",
}
EXPIRED = (-124, -216)


def _window(config: dict) -> tuple[int, int]:
    start, _, end = config["ZALO_ALLOWED_HOURS"].partition("-")
    return int(start), int(end)


def next_window_start(at: datetime, config: dict) -> datetime | None:
    """None inside the allowed hours (Vietnam time), else when they next begin."""
    start, end = _window(config)
    return None if start <= at.astimezone(VN).hour < end else next_morning(at, config)


def next_morning(at: datetime, config: dict) -> datetime:
    """The next start of the allowed hours."""
    start, _ = _window(config)
    local = at.astimezone(VN)
    day = local.date() if local.hour < start else local.date() + timedelta(days=1)
    return datetime.combine(day, time(start), tzinfo=VN).astimezone(UTC)  # SQLite keeps naive UTC


def next_day(at: datetime) -> datetime:
    """Zalo's daily quotas restart at midnight, Vietnam time."""
    return datetime.combine(at.astimezone(VN).date() + timedelta(days=1), time(0, 5), tzinfo=VN).astimezone(UTC)


class ZaloSession:
    def __init__(self, channel: ZaloChannel, client: httpx.Client):
        self.channel, self.client, self.config = channel, client, channel.config
        self.pacer = Pacer(self.config["ZALO_MIN_INTERVAL"])
        self.token: str | None = None

    def send(self, message: Claimed) -> Outcome:
        at = now()
        window = next_window_start(at, self.config)
        if window is not None:
            return Outcome.defer(window, "zalo_outside_hours")
        paused = zalo_state.paused_until()
        if paused is not None:
            return Outcome.defer(paused, "zalo_paused")
        for _ in range(2):
            self.token = self.token or zalo_state.access_token() or self._refresh(None)
            body = self._call(message)
            code = int(body.get("error", 0))
            if code in EXPIRED:
                self.token = self._refresh(self.token)
                continue
            return self._outcome(message, code, body, at)
        return Outcome.retry("zalo_token_refused")

    def _call(self, message: Claimed) -> dict:
        kind, _, target = message.address.partition(":")
        cfg = self.config
        if kind == "phone":
            url = f"{cfg['ZALO_ZNS_URL']}/message/template"
            data = {
                k: fill_at_send(v, message.link, message.token, None)
                for k, v in message.content["template_data"].items()
            }
            payload = {
                "phone": target,
                "template_id": cfg["ZALO_ZNS_TEMPLATE_ID"],
                "template_data": data,
                "tracking_id": str(message.id),
            }
            if cfg.get("ZALO_ZNS_MODE"):
                payload["mode"] = cfg["ZALO_ZNS_MODE"]
        else:
            url = f"{cfg['ZALO_OA_URL']}/v3.0/oa/message/cs"
            text = fill_at_send(message.content["text"], message.link, message.token, None)
            payload = {"recipient": {"user_id": target}, "message": {"text": text}}
        self.pacer.wait()
        try:
            response = self.client.post(url, json=payload, headers={"access_token": self.token or ""})
        except httpx.ConnectError as exc:
            raise ChannelDown("zalo_unreachable", str(exc)) from exc
        except httpx.TimeoutException as exc:
            return {"error": "timeout", "message": str(exc)}
        if response.status_code >= 500:
            return {"error": "http", "message": f"HTTP {response.status_code}"}
        return response.json()

    def _outcome(self, message: Claimed, code, body: dict, at: datetime) -> Outcome:
        text = f"Zalo {code}: {body.get('message', '')}"
        if code == "timeout":
            return Outcome.retry("zalo_timeout", body["message"], uncertain=True)
        if code == "http":
            return Outcome.retry("zalo_http", text)
        if code == 0:
            data = body.get("data") or {}
            quota = data.get("quota") or {}
            if "remainingQuota" in quota:
                remaining = int(quota["remainingQuota"])
                zalo_state.note_quota(at.astimezone(VN).date(), remaining)
                if remaining <= 0:
                    zalo_state.pause(next_day(at), "daily ZNS quota used up")
            return Outcome.sent(str(data.get("msg_id") or data.get("message_id") or ""))
        if code in PERSON:
            return Outcome.failed(PERSON[code], text)
        if code in QUOTA:
            until = next_day(at)
            zalo_state.pause(until, text)
            return Outcome.defer(until, "zalo_quota", text)
        if code == NIGHT:
            return Outcome.defer(next_morning(at, self.config), "zalo_night", text)
        if code in SETUP:
            raise ChannelDown(SETUP[code], text)
        return Outcome.retry("zalo_error", text)

    def _refresh(self, stale: str | None) -> str:
        cfg = self.config

        def exchange(refresh_token: str) -> dict:
            response = self.client.post(
                f"{cfg['ZALO_OAUTH_URL']}/v4/oa/access_token",
                data={"app_id": cfg["ZALO_APP_ID"], "grant_type": "refresh_token", "refresh_token": refresh_token},
                headers={"secret_key": cfg["ZALO_SECRET_KEY"]},
            )
            pair = response.json()
            if "access_token" not in pair:
                raise ChannelDown("zalo_refresh_refused", str(pair.get("error_name") or pair))
            return pair

        try:
            return zalo_state.refresh(exchange, stale)
        except zalo_state.ZaloAuthError as exc:
            raise ChannelDown("zalo_no_refresh_token") from exc
        except httpx.HTTPError as exc:
            raise ChannelDown("zalo_oauth_unreachable", str(exc)) from exc


class ZaloChannel:
    """The Zalo channel; `transport` lets a test route calls to a loopback or mock transport."""

    name = "zalo"

    def __init__(self, config: dict, transport: httpx.BaseTransport | None = None):
        for key in ("ZALO_APP_ID", "ZALO_SECRET_KEY"):
            if not config.get(key):
                raise ValueError(f"{key} is not set: Zalo cannot be used")
        self.config, self.transport = config, transport

    @contextmanager
    def session(self) -> Iterator[ZaloSession]:
        with httpx.Client(timeout=15, transport=self.transport) as client:
            yield ZaloSession(self, client)
