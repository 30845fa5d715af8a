"""Sign-in, sign-out and the list of campaigns."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..auth import READ, roles
from ..extensions import db
from ..models import Campaign, Role, Unit
from ..rate_limits import limited
from ..reads import read_only
from ..services import users
from ..services.steps import campaign_steps
from ..texts import say_error
from . import bp, texts


@bp.route("/login", methods=["GET", "POST"])
@limited("10 per minute", methods=("POST",))
def login():
    """Email and password sign-in, locked for a while after repeated failures."""
    if request.method == "POST":
        try:
            user = users.authenticate(request.form.get("email", ""), request.form.get("password", ""))
        except users.Locked as exc:
            flash(say_error(exc))
            return render_template("admin/login.html"), 423
        if user:
            login_user(user)
            return redirect(url_for(".index"))
        flash(texts.BAD_LOGIN)
        return render_template("admin/login.html"), 401
    return render_template("admin/login.html")


@bp.post("/logout")
def logout():
    """Sign out, here and wherever a copy of this session's cookie is."""
    if current_user.is_authenticated:
        users.sign_out(current_user.id)
        flash(texts.SIGNED_OUT)
    logout_user()
    return redirect(url_for(".login"))


@bp.get("/")
@roles(*READ)
@read_only
def index():
    """Campaigns, newest first, each with its state and next step; a focal point goes straight to their unit."""
    campaigns = db.session.scalars(sa.select(Campaign).order_by(Campaign.created_at.desc())).all()
    if current_user.role == Role.UNIT:
        for c in campaigns:
            if db.session.scalar(
                sa.select(Unit.id).where(Unit.campaign_id == c.id, Unit.code == current_user.unit_code)
            ):
                return redirect(url_for(".unit", code=c.code, unit_code=current_user.unit_code))
        return render_template("admin/index.html", rows=[])
    return render_template("admin/index.html", rows=[(c, campaign_steps(c)) for c in campaigns])
