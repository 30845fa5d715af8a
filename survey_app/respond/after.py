"""After a submit has been answered: run the mixer, outside the respondent's request (the phone already
has its "submitted" page). If it fails or the process dies, the submission waits sealed: the next
submit's run, `flask mixer` or closing releases it."""

from __future__ import annotations

import logging

from flask import Response, current_app

from ..services.survey import mixing
from ..services.survey.links import CampaignView

log = logging.getLogger(__name__)


def mix_after(response: Response, campaign: CampaignView) -> Response:
    """`campaign` as the submit read it: the mixer's first look needs its id and pack, no ORM load."""
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                mixing.mix(campaign)
            except Exception:  # never lost: the sealed submission waits for the next run
                log.exception("mixer after a submit failed; the next run or closing will release it")

    response.call_on_close(run)
    return response
