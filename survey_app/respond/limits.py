"""The personal-link routes' two rate limits, checked once per request on the link read once:
- RATELIMIT_TOKEN_ROUTES counts every request to a link route;
- RATELIMIT_UNKNOWN_TOKEN counts only the requests whose token opens no invitation (guessing links), so
  an office behind one NAT address is never refused for its colleagues' mistyped links.
Both per client address and route (`rate_limits`)."""

from __future__ import annotations

from functools import wraps

from flask import current_app, g

from .. import direct, rate_limits
from ..services.survey import links


def link_route(view):
    """Count the request and read its link once; the view takes the link with `read_link()`."""

    @wraps(view)
    def guarded(token: str, *args, **kwargs):
        config = current_app.config
        with direct.holding():  # the link's read and the view's write share one pooled connection
            if config.get("RATELIMIT_ENABLED", True):
                rate_limits.hit(config["RATELIMIT_TOKEN_ROUTES"], "link")
                g.link = links.find(token)
                if g.link is None:
                    rate_limits.hit(config["RATELIMIT_UNKNOWN_TOKEN"], "unknown link")
            return view(token, *args, **kwargs)

    return guarded


def read_link():
    """The request's link as `link_route` read it a moment ago, if it did: the service reads it itself
    otherwise."""
    return g.pop("link", None)
