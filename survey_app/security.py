"""Response headers and sign-in wiring shared by every blueprint."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from . import faults
from .extensions import login_manager
from .texts import say

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# plotly.js inserts a <style> element; pages with charts allow inline styles, never inline scripts.
CHART_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
# One year; no includeSubDomains: other sites of the province's domain may still be plain HTTP.
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    """Security headers on every response; no-store on pages addressed by a personal token;
    Vietnamese error pages (`faults`)."""
    faults.init_app(app)

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        # A personal link must never leak to another site through the Referer header; our own pages
        # get it, because over HTTPS Flask-WTF's CSRF check refuses a form post without a same-site Referer.
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["X-Frame-Options"] = "DENY"
        if current_app.config["BASE_URL"].startswith("https://"):
            resp.headers["Strict-Transport-Security"] = HSTS
        if request.path.startswith(("/s/", "/api/v1/r/", "/admin")):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    login_manager.login_view = "admin.login"
    login_manager.login_message = say("login_required")

    @login_manager.user_loader
    def load_user(session_id: str):
        """A session made before the user's last sign-out or password reset is refused."""
        from .services.users import user_for_session

        return user_for_session(session_id)
