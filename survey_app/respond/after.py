"""After a submit has been answered: run the mixer, outside the respondent's request (the phone already
has its "submitted" page). If it fails or the process dies, the submission waits sealed: the next
submit's run, `flask mixer` or closing releases it."""

from __future__ import annotations

import logging

from flask import Response, current_app

from ..services.survey import mixing
from ..services.survey.campaigns import get_campaign

log = logging.getLogger(__name__)


def mix_after(response: Response, campaign_code: str) -> Response:
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                mixing.mix(get_campaign(campaign_code))
            except Exception:  # never lost: the sealed submission waits for the next run
                log.exception("mixer after a submit failed; the next run or closing will release it")

    response.call_on_close(run)
    return response
