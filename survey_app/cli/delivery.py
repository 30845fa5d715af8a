"""`flask invitations send|remind|failures|bounces`, `flask worker`, `flask bot run`.

The CLI is the one place outside `bots/` that starts channel code (a worker, a bot, a print run);
the services never import from `bots`.
"""

from __future__ import annotations

import signal
import time

import click
from flask import current_app

from ..models import Channel, MessageStatus
from ..services.delivery import outbox, queue, status, telegram_links
from ..services.survey import campaigns
from ..texts import fill, say
from ..texts.delivery import CHANNEL, KIND, MESSAGE_STATUS
from . import texts
from .common import CAMPAIGN, command, friendly, group
from .progress import progressbar

bot_cli = group("bot")
CHANNELS = [c.value for c in Channel]
DONE = (MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED, MessageStatus.BOUNCED)


class _StopFlag:
    """Set by SIGTERM/SIGINT: the worker finishes the message in hand and puts the rest back."""

    def __init__(self) -> None:
        self.stopped = False
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._set)

    def _set(self, *_args) -> None:
        self.stopped = True

    def __call__(self) -> bool:
        return self.stopped


@click.command("worker", help=texts.COMMAND_HELP["worker"])
@click.option("--channel", "only", multiple=True, type=click.Choice(CHANNELS), help=texts.OPTION_HELP["only"])
@click.option("--drain", is_flag=True, help=texts.OPTION_HELP["drain"])
@friendly
def worker_command(only, drain):
    from bots import worker

    channels = worker.build_channels(tuple(only) or None)
    if not channels:
        raise click.ClickException(say("no_channel_configured"))
    total = worker.run(channels, drain=drain, should_stop=_StopFlag())
    click.echo(fill(texts.HANDLED, count=total))


def _report(report: queue.QueueReport) -> None:
    click.echo(fill(texts.QUEUED, queued=report.queued, already=report.already, skipped=len(report.skipped)))
    for skip in report.skipped:
        reason = say(f"skip.{skip.reason}")
        click.echo(
            fill(texts.SKIPPED, name=skip.full_name, channel=CHANNEL.get(skip.channel, skip.channel), reason=reason)
        )


def _deliver(ids: list[int], only: tuple[str, ...] | None) -> None:
    """Send the queued rows now, with a progress bar (counts and ETA)."""
    from bots import worker

    channels = worker.build_channels(only)
    counts = status.status_counts(ids)

    def label(_item=None) -> str:
        waiting = counts[MessageStatus.PENDING] + counts[MessageStatus.SENDING]
        return fill(
            texts.PROGRESS,
            sent=counts[MessageStatus.SENT],
            failed=counts[MessageStatus.FAILED],
            cancelled=counts[MessageStatus.CANCELLED],
            waiting=waiting,
        )

    done = 0
    with progressbar(len(ids), texts.SENDING, item_show_func=label) as bar:
        last_count = 0.0
        while True:
            claimed = worker.run_batch(channels)
            if time.monotonic() - last_count > 0.5 or not claimed:
                counts = status.status_counts(ids)
                last_count = time.monotonic()
                finished = sum(counts[s] for s in DONE)
                bar.update(max(finished - done, 0), current_item=label())
                done = max(done, finished)
            if not claimed and not outbox.has_work(tuple(channels)):
                break
            if not claimed:
                time.sleep(current_app.config["WORKER_POLL_SECONDS"])
    click.echo(label())
    if counts[MessageStatus.PENDING]:
        click.echo(fill(texts.WAITING, count=counts[MessageStatus.PENDING]))


# `flask invitations send|remind|failures|bounces`: added to the invitations group by `cli.init_app`.


@click.command("send", help=texts.COMMAND_HELP["invitations send"])
@CAMPAIGN
@click.option("--channel", required=True, type=click.Choice(CHANNELS))
@click.option("--unit", default=None, help=texts.OPTION_HELP["unit"])
@click.option("--group", default=None, help=texts.OPTION_HELP["group"])
@click.option("--queue-only", is_flag=True, help=texts.OPTION_HELP["queue_only"])
@friendly
def send(code, channel, unit, group, queue_only):
    report = queue.queue_invitations(campaigns.get_campaign(code), channel, unit, group)
    _report(report)
    if report.message_ids and not queue_only:
        _deliver(report.message_ids, (channel,))


@click.command("remind", help=texts.COMMAND_HELP["invitations remind"])
@CAMPAIGN
@click.option("--channel", default=None, type=click.Choice(CHANNELS), help=texts.OPTION_HELP["channel_all"])
@click.option("--min-days", type=click.IntRange(min=0), default=None, help=texts.OPTION_HELP["min_days"])
@click.option("--max", "max_reminders", type=click.IntRange(min=0), default=None, help=texts.OPTION_HELP["max"])
@click.option("--queue-only", is_flag=True, help=texts.OPTION_HELP["queue_only"])
@friendly
def remind(code, channel, min_days, max_reminders, queue_only):
    report = queue.queue_reminders(
        campaigns.get_campaign(code), channel=channel, min_days=min_days, max_reminders=max_reminders
    )
    _report(report)
    if report.message_ids and not queue_only:
        _deliver(report.message_ids, (channel,) if channel else None)


@click.command("failures", help=texts.COMMAND_HELP["invitations failures"])
@CAMPAIGN
@friendly
def failures(code):
    rows = status.delivery_failures(campaigns.get_campaign(code))
    for f in rows:
        reason = say(f"send.{f.code}") if f.code else ""
        click.echo(
            fill(
                texts.FAILURE,
                unit=f.unit_code,
                name=f.full_name,
                channel=CHANNEL[f.channel],
                kind=KIND.get(f.kind.rstrip("0123456789"), f.kind),
                status=MESSAGE_STATUS[f.status],
                reason=f"{reason} ({f.detail})" if f.detail else reason,
                instead=", ".join(CHANNEL[c] for c in f.try_instead),
            )
        )
    click.echo(fill(texts.FAILURES, count=len(rows)))


@click.command("bounces", help=texts.COMMAND_HELP["invitations bounces"])
@click.argument("path", type=click.Path(exists=True))
@friendly
def bounces(path):
    from bots.bounces import import_bounces

    r = import_bounces(path, current_app.config.get("MAIL_BOUNCE_ADDRESS"))
    click.echo(fill(texts.BOUNCES, recorded=r.recorded, ignored=r.ignored))


@command(bot_cli, "run")
@friendly
def bot_run():
    if not telegram_links.enabled():
        raise click.ClickException(say("telegram_off"))
    from bots.telegram_bot import build_application

    build_application(current_app._get_current_object()).run_polling(allowed_updates=["message", "callback_query"])
