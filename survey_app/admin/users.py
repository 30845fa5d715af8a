"""Staff accounts and the audit log (admins only)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ..auth import roles
from ..errors import ServiceError
from ..reads import read_only
from ..services import audit, users
from ..texts import describe_audit, say_error
from . import bp, texts


@bp.get("/users")
@roles("admin")
@read_only
def user_list():
    """Every staff account with its role, unit and lock state."""
    return render_template("admin/users.html", users=users.list_users())


@bp.post("/users")
@roles("admin")
def user_create():
    """Create an account; the admin hands the first password over."""
    f = request.form
    try:
        users.create_user(f.get("email", ""), f.get("password", ""), f.get("role", ""), f.get("unit_code") or None)
        flash(texts.USER_CREATED.format(email=f.get("email")))
    except ServiceError as exc:
        flash(say_error(exc))
    return redirect(url_for(".user_list"))


@bp.post("/users/reset")
@roles("admin")
def user_reset():
    """A new random password, shown once, and the account unlocked."""
    try:
        password = users.reset_password(request.form.get("email", ""))
        flash(texts.PASSWORD_RESET.format(email=request.form.get("email"), password=password))
    except ServiceError as exc:
        flash(say_error(exc))
    return redirect(url_for(".user_list"))


@bp.get("/audit")
@roles("admin")
@read_only
def audit_log():
    """Who did what, newest first."""
    rows = [(e, *describe_audit(e.action, audit.params_of(e))) for e in audit.entries()]
    return render_template("admin/audit.html", entries=rows)
