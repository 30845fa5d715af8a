"""Admin pages through the Flask test client: staff accounts, signing in through the real login form,
uploads, hidden form fields, flashes and page text."""

from __future__ import annotations

import html
import io
import re

from survey_app.extensions import db
from survey_app.services import users
from survey_app.services.survey import tallies

PASSWORD = "mat-khau-dai-0123"


def staff(role: str = "admin", unit: str | None = None) -> str:
    email = f"{role}@noivu.example"
    users.create_user(email, PASSWORD, role, unit)
    return email


def sign_in(client, who: str = "admin", unit: str | None = None) -> str:
    """Sign in `who`: an account's email, or a role (an account of it is created first). Its email."""
    email = who if "@" in who else staff(who, unit)
    r = client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client)})
    assert r.status_code == 302, r.get_data(as_text=True)
    return email


def csrf(client, path: str = "/admin/login") -> str:
    """The CSRF token of a page's form."""
    return hidden(client.get(path).get_data(as_text=True), "csrf_token")


def upload(client, code: str, kind: str, name: str, data: bytes):
    return client.post(
        f"/admin/c/{code}/roster/upload",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def hidden(page: str, name: str) -> str:
    """The value of a hidden input of a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash" role="status">(.*?)</p>', page, re.S)]


def text_of(page: str) -> str:
    """The page's text without tags, entities resolved, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def progress_equals_rebuild(campaign) -> bool:
    """The live funnel counters equal what `tallies.rebuild_progress` computes from the invitations."""
    db.session.expire_all()
    live = tallies.snapshot(campaign)["progress_counter"]
    tallies.rebuild_progress(campaign)
    rebuilt = tallies.snapshot(campaign)["progress_counter"]
    db.session.rollback()
    return live == rebuilt
