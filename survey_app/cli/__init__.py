"""`flask …` commands for a province's IT staff: one module per group, every command a thin wrapper
over one service call, all registered here. The pages offer the same actions to Home Affairs staff."""

from __future__ import annotations

from flask import Flask

from . import campaign, click_texts, delivery, demo, index, invitations, roster, tallies, users


def init_app(app: Flask) -> None:
    """Register every group and command on the app's `flask` CLI (order: the year's order of work)."""
    click_texts.install()  # click's own words (usage, errors) in Vietnamese
    for extra in (delivery.send, delivery.remind, delivery.failures, delivery.bounces):
        invitations.invitations_cli.add_command(extra)
    groups = (
        campaign.pack_cli,
        campaign.campaign_cli,
        roster.units_cli,
        roster.respondents_cli,
        invitations.invitations_cli,
        delivery.bot_cli,
        tallies.tallies_cli,
        campaign.responses_cli,
        index.appraisal_cli,
        index.satisfaction_cli,
        index.lastyear_cli,
        index.index_cli,
        index.report_cli,
        users.users_cli,
    )
    for group in groups:
        app.cli.add_command(group)
    app.cli.add_command(delivery.worker_command)
    app.cli.add_command(demo.demo)
    app.cli.add_command(tallies.mixer)
