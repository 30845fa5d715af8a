"""Sign-in and the campaign overview (progress and live survey points per unit)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from analysis.vntext import sort_key

from ..extensions import db, limiter
from ..models import Campaign, ProgressCounter, Unit, User
from ..services.scores import unit_scores
from . import bp


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """Email and password sign-in."""
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user and user.check_password(request.form.get("password", "")):
            login_user(user)
            return redirect(url_for(".index"))
        flash("Email hoặc mật khẩu không đúng.")
        return render_template("admin/login.html"), 401
    return render_template("admin/login.html")


@bp.post("/logout")
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for(".login"))


@bp.get("/")
@login_required
def index():
    """Every campaign with its units' progress and live survey points."""
    campaigns = db.session.scalars(sa.select(Campaign).order_by(Campaign.created_at.desc())).all()
    views = []
    for c in campaigns:
        progress = {
            unit_id: (invited, submitted)
            for unit_id, invited, submitted in db.session.execute(
                sa.select(ProgressCounter.unit_id, sa.func.sum(ProgressCounter.invited),
                          sa.func.sum(ProgressCounter.submitted))
                .where(ProgressCounter.campaign_id == c.id)
                .group_by(ProgressCounter.unit_id)
            )
        }
        units = sorted(db.session.scalars(sa.select(Unit).where(Unit.campaign_id == c.id)), key=lambda u: sort_key(u.name))
        views.append({"campaign": c, "units": units, "progress": progress, "scores": unit_scores(c)})
    return render_template("admin/index.html", views=views)
