"""`flask worker`, `flask invitations send|remind|print|failures`, `flask bot run`: thin wrappers.

The CLI is the one place outside `bots/` that starts channel code (a worker, a bot, a print run);
the services never import from `bots`.
"""

from __future__ import annotations

import signal
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .cli import CAMPAIGN, friendly, invitations_cli
from .models.outbox import CHANNELS
from .services import campaigns, delivery, delivery_status, outbox

bot_cli = AppGroup("bot", help="The optional Telegram bot.")
DONE = ("sent", "failed", "cancelled", "bounced")


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


@click.command("worker")
@click.option("--channel", "only", multiple=True, type=click.Choice(CHANNELS), help="Only these channels.")
@click.option("--drain", is_flag=True, help="Exit when nothing is due (and no other worker holds a message).")
@friendly
def worker_command(only, drain):
    """Deliver queued messages: claim, send, record; retries with backoff; several may run on PostgreSQL."""
    from bots import worker

    channels = worker.build_channels(tuple(only) or None)
    if not channels:
        raise click.ClickException("no delivery channel is configured (MAIL_FROM, ZALO_*, TELEGRAM_*)")
    total = worker.run(channels, drain=drain, should_stop=_StopFlag())
    click.echo(f"{total} message(s) handled")


def _report(report: delivery.QueueReport) -> None:
    click.echo(str(report))
    for skip in report.skipped:
        click.echo(f"  skipped: {skip}")


def _deliver(ids: list[int], only: tuple[str, ...] | None) -> None:
    """Send the queued rows now, with a progress bar (counts and ETA)."""
    from bots import worker

    channels = worker.build_channels(only)
    counts = delivery_status.status_counts(ids)

    def label(_item=None) -> str:
        return (
            f"sent {counts['sent']}, failed {counts['failed']}, "
            f"cancelled {counts['cancelled']}, waiting {counts['pending'] + counts['sending']}"
        )

    done = 0
    with click.progressbar(length=len(ids), label="Sending", show_eta=True, show_pos=True, item_show_func=label) as bar:
        last_count = 0.0
        while True:
            claimed = worker.run_batch(channels)
            if time.monotonic() - last_count > 0.5 or not claimed:
                counts = delivery_status.status_counts(ids)
                last_count = time.monotonic()
                finished = sum(counts[s] for s in DONE)
                bar.update(max(finished - done, 0), current_item=label())
                done = max(done, finished)
            if not claimed and not outbox.has_work(tuple(channels)):
                break
            if not claimed:
                time.sleep(current_app.config["WORKER_POLL_SECONDS"])
    click.echo(label())
    if counts["pending"]:
        click.echo(f"{counts['pending']} message(s) wait for a retry: keep `flask worker` running")


@invitations_cli.command("send")
@CAMPAIGN
@click.option("--channel", required=True, type=click.Choice(CHANNELS))
@click.option("--unit", default=None, help="Only respondents of this unit code.")
@click.option("--group", default=None, help="Only respondents of this group code.")
@click.option("--queue-only", is_flag=True, help="Only queue; a running `flask worker` delivers.")
@friendly
def invitations_send(code, channel, unit, group, queue_only):
    """Queue each person's personal link on one channel, then deliver it. Safe to run twice."""
    report = delivery.queue_invitations(campaigns.get_campaign(code), channel, unit, group)
    _report(report)
    if report.message_ids and not queue_only:
        _deliver(report.message_ids, (channel,))


@invitations_cli.command("remind")
@CAMPAIGN
@click.option("--channel", default=None, type=click.Choice(CHANNELS), help="Default: every configured channel.")
@click.option(
    "--min-days",
    type=click.IntRange(min=0),
    default=None,
    help="Days since the last message (default REMINDER_MIN_DAYS).",
)
@click.option(
    "--max",
    "max_reminders",
    type=click.IntRange(min=0),
    default=None,
    help="At most this many reminders per person (default: the pack's max_reminders).",
)
@click.option("--queue-only", is_flag=True, help="Only queue; a running `flask worker` delivers.")
@friendly
def invitations_remind(code, channel, min_days, max_reminders, queue_only):
    """Remind those who have not submitted. Safe to run twice."""
    report = delivery.queue_reminders(
        campaigns.get_campaign(code), channel=channel, min_days=min_days, max_reminders=max_reminders
    )
    _report(report)
    if report.message_ids and not queue_only:
        _deliver(report.message_ids, (channel,) if channel else None)


@invitations_cli.command("print")
@CAMPAIGN
@click.option("--unit", required=True, help="Unit code.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@friendly
def invitations_print(code, unit, out):
    """A4 sheets of invitation slips (8 per page, cut marks) with each person's QR code. Sensitive file."""
    from bots.letters import print_letters

    n = print_letters(campaigns.get_campaign(code), unit, out)
    click.echo(
        f"{n} slip(s) written to {out}. Anyone holding this file can answer in others' names: print it and delete it."
    )


@invitations_cli.command("failures")
@CAMPAIGN
@friendly
def invitations_failures(code):
    """Messages that failed for good or bounced, with the reason and what to try instead."""
    rows = delivery_status.delivery_failures(campaigns.get_campaign(code))
    for f in rows:
        click.echo(f"{f.unit_code}\t{f.full_name}\t{f.channel}\t{f.kind}\t{f.status}\t{f.reason}\t→ {f.suggestion}")
    click.echo(f"{len(rows)} failure(s)")


@invitations_cli.command("bounces")
@click.argument("path", type=click.Path(exists=True))
@friendly
def invitations_bounces(path):
    """Mark bounced emails from an exported bounce mailbox (an mbox file or a folder of .eml files)."""
    from bots.bounces import import_bounces

    click.echo(import_bounces(path, current_app.config.get("MAIL_BOUNCE_ADDRESS")))


@bot_cli.command("run")
@friendly
def bot_run():
    """Run the Telegram bot by long polling (only outbound HTTPS; one process per bot token)."""
    from survey_app.services import telegram_links

    if not telegram_links.enabled():
        raise click.ClickException("Telegram is off: set TELEGRAM_BOT_TOKEN and TELEGRAM_BOT_USERNAME")
    from bots.telegram_bot import build_application

    build_application(current_app._get_current_object()).run_polling(allowed_updates=["message", "callback_query"])


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(bot_cli)
