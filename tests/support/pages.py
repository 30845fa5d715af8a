"""Signing staff in through the real login form, and the CSRF token of a page, for page tests."""

from __future__ import annotations

import re

from survey_app.services import users

PASSWORD = "mat-khau-dai-0123"


def csrf(client, path: str = "/admin/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, role: str = "admin", unit: str | None = None) -> str:
    """Create an account of `role` and sign it in; its email."""
    email = f"{role}@noivu.example"
    users.create_user(email, PASSWORD, role, unit)
    r = client.post("/admin/login", data={"csrf_token": csrf(client), "email": email, "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)
    return email
