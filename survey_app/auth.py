"""Who may do what: roles on every admin route and API call, bearer tokens for scripts."""

from __future__ import annotations

import functools

from flask import Flask, abort, g, jsonify, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, user_loaded_from_request

from .extensions import login_manager
from .models.enums import READ_ROLES
from .texts import say

RESPONDENT_API = "/api/v1/r/"


class _Sessions(SecureCookieSessionInterface):
    """Cookie sessions for the office and the questionnaire pages, with two exceptions. The phones' JSON
    calls (`r.js` sends them without cookies) get none, so no signing serializer is built on every tap.
    A request signed in by bearer token gets no session cookie: the token must not turn into one."""

    def open_session(self, app, request):
        if request.path.startswith(RESPONDENT_API):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def save_session(self, *args, **kwargs):
        if g.get("login_via_bearer"):
            return None
        return super().save_session(*args, **kwargs)


def init_app(app: Flask) -> None:
    app.session_interface = _Sessions()

    @user_loaded_from_request.connect_via(app)
    def mark_bearer(_sender, user=None):
        g.login_via_bearer = True

    @login_manager.request_loader
    def load_from_bearer(req):
        """`Authorization: Bearer <token>` from `flask users token` signs a script in for one request."""
        header = req.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            from .services.users import user_for_token  # the user loader runs per request, after the app is built

            return user_for_token(header[7:].strip())
        return None

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return jsonify(error="unauthorized", message=say("unauthorized")), 401
        return redirect(url_for("admin.login", next=request.path))


READ = READ_ROLES  # every signed-in role may read what its role allows


def roles(*allowed: str):
    """The signed-in user must have one of these roles: 401/redirect when signed out, 403 otherwise."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def check_unit(unit_code: str) -> None:
    """A focal point asking for another unit gets 404, as if it did not exist (no guessing by URL)."""
    if not current_user.may_see_unit(unit_code):
        abort(404)
