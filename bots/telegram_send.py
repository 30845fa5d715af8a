"""Telegram as an outbox channel: a plain `Bot` inside one event loop per batch.

Telegram is blocked by Vietnamese providers since 2025, so this channel is optional and off unless
configured. Limits: about 30 messages per second overall and one per second per chat (the
library's rate limiter does not enforce the per-chat one, so the pacer does).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

os.environ.setdefault("PTB_TIMEDELTA", "true")  # opt in to timedelta durations (no deprecation warnings)

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup  # noqa: E402
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut  # noqa: E402
from telegram.request import BaseRequest  # noqa: E402

from survey_app.services.delivery import telegram_links  # noqa: E402
from survey_app.services.delivery.outbox import Claimed, Outcome  # noqa: E402
from survey_app.services.messages import fill_at_send  # noqa: E402
from survey_app.timeutil import now  # noqa: E402

from . import texts  # noqa: E402
from .base import ChannelDown, Pacer  # noqa: E402


def keyboard(link: str) -> InlineKeyboardMarkup:
    """'Answer here' (in the chat) and, for a public https link, 'open in the browser'."""
    rows = [[InlineKeyboardButton(texts.ANSWER_HERE, callback_data="go")]]
    if link.startswith("https://"):
        rows.append([InlineKeyboardButton(texts.OPEN_PAGE, url=link)])
    return InlineKeyboardMarkup(rows)


class TelegramSession:
    def __init__(self, bot: Bot, loop: asyncio.AbstractEventLoop):
        self.bot, self.loop = bot, loop
        self.pacer = Pacer(1 / 30, per_key_interval=1.0)

    def send(self, message: Claimed) -> Outcome:
        self.pacer.wait(message.address)
        text = fill_at_send(message.content["text"], message.link, message.token, None)
        call = self.bot.send_message(chat_id=int(message.address), text=text, reply_markup=keyboard(message.link))
        try:
            sent = self.loop.run_until_complete(call)
        except RetryAfter as exc:
            wait = exc.retry_after if isinstance(exc.retry_after, timedelta) else timedelta(seconds=exc.retry_after)
            return Outcome.defer(now() + wait, "telegram_flood", str(exc))
        except Forbidden as exc:
            telegram_links.mark_blocked(int(message.address))
            return Outcome.failed("telegram_blocked", str(exc))
        except BadRequest as exc:
            return Outcome.failed("telegram_refused", str(exc))
        except TimedOut as exc:
            return Outcome.retry("telegram_timeout", str(exc), uncertain=True)
        except NetworkError as exc:
            raise ChannelDown("telegram_unreachable", str(exc)) from exc
        return Outcome.sent(str(sent.message_id))


class TelegramChannel:
    """The Telegram channel; `request` replaces the HTTP layer (tests, proxies)."""

    name = "telegram"

    def __init__(self, config: dict, request: BaseRequest | None = None):
        if not config.get("TELEGRAM_BOT_TOKEN"):
            raise ValueError("TELEGRAM_BOT_TOKEN is not set: Telegram is off")
        self.config, self.request = config, request

    @contextmanager
    def session(self) -> Iterator[TelegramSession]:
        loop = asyncio.new_event_loop()
        bot = Bot(self.config["TELEGRAM_BOT_TOKEN"], base_url=self.config["TELEGRAM_BASE_URL"], request=self.request)
        try:
            try:
                loop.run_until_complete(bot.initialize())
            except NetworkError as exc:
                raise ChannelDown("telegram_unreachable", str(exc)) from exc
            yield TelegramSession(bot, loop)
        finally:
            loop.run_until_complete(bot.shutdown())
            loop.close()
