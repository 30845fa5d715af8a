"""The outbox worker: claim due rows, send each through its channel, record each result at once.

Several workers may run against PostgreSQL (claims skip each other's locked rows); on SQLite run one.
A stop request (SIGTERM, Ctrl-C) finishes the message in hand and puts the rest back untried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import current_app

from survey_app.services.delivery import outbox, telegram_links
from survey_app.services.delivery.outbox import Claimed, Outcome
from survey_app.services.survey import mixing

from .base import Channel, ChannelDown

log = logging.getLogger(__name__)


def build_channels(only: tuple[str, ...] | None = None) -> dict[str, Channel]:
    """The configured channels (or just `only`); Telegram and Zalo are imported only when used."""
    from survey_app.services.delivery.queue import configured_channels

    config = current_app.config
    channels: dict[str, Channel] = {}
    for name in configured_channels():
        if only and name not in only:
            continue
        if name == "email":
            from .email import EmailChannel

            channels[name] = EmailChannel(config)
        elif name == "zalo":
            from .zalo import ZaloChannel

            channels[name] = ZaloChannel(config)
        elif name == "telegram":
            from .telegram_send import TelegramChannel

            channels[name] = TelegramChannel(config)
    return channels


def run_batch(
    channels: dict[str, Channel], limit: int | None = None, should_stop: Callable[[], bool] = lambda: False
) -> int:
    """Claim and send one batch; returns how many rows were claimed (0: nothing due)."""
    claimed = outbox.claim(limit, tuple(channels))
    if not claimed:
        return 0
    outbox.attach_links(claimed, telegram_links.deep_link if telegram_links.enabled() else None)
    for name in channels:
        mine = [m for m in claimed if m.channel == name]
        for m in [m for m in mine if m.cancel_reason]:
            outbox.record(m, Outcome.cancelled(m.cancel_reason))
        _send_all(channels[name], [m for m in mine if not m.cancel_reason], should_stop)
    return len(claimed)


def _send_all(channel: Channel, messages: list[Claimed], should_stop: Callable[[], bool]) -> None:
    if not messages:
        return
    try:
        with channel.session() as session:
            outbox.mark_in_flight(messages[0].id)
            for i, message in enumerate(messages):
                if should_stop():
                    outbox.release(messages[i:], "worker_stopping", delay=0)
                    return
                try:
                    outcome = session.send(message)
                except ChannelDown:
                    raise
                except Exception as exc:  # a bug or an unexpected library error: never lose the row
                    log.exception("outbox %s (%s): unexpected error while sending", message.id, channel.name)
                    outcome = Outcome.retry("unexpected_error", f"{type(exc).__name__}: {exc}", uncertain=True)
                nxt = messages[i + 1].id if i + 1 < len(messages) else None
                outbox.record(message, outcome, next_id=nxt)
    except ChannelDown as exc:
        held = outbox.still_held([m.id for m in messages])
        outbox.release([m for m in messages if m.id in held], exc.code, exc.detail)


def run(
    channels: dict[str, Channel],
    drain: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Loop until stopped (or, with `drain`, until nothing is due or held by another worker)."""
    poll = current_app.config["WORKER_POLL_SECONDS"]
    total = 0
    log.info("worker started for %s", ", ".join(channels) or "no channel")
    while not should_stop():
        n = run_batch(channels, should_stop=should_stop)
        total += n
        if on_batch:
            on_batch(n)
        if n:
            continue
        mixing.mix_all()  # between batches: release waiting submissions (the mixer of issue 12)
        if drain and not outbox.has_work(tuple(channels)):
            break
        time.sleep(poll)
    log.info("worker stopped after %d message(s)", total)
    return total
