"""Staff accounts: the lockout holds under concurrent attempts, a known and an unknown email cost the
same password-hash work, and a session ends for good at logout and at a password reset."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from survey_app.extensions import db
from survey_app.models import AuditEntry, User
from survey_app.services import users
from survey_app.timeutil import aware, now

PASSWORD = "mat-khau-dai-0123"
WRONG = "sai-mat-khau-0123"
STAFF = "chuyenvien@thu.example"
ATTEMPTS = 40


class HashWork:
    """Every key derivation werkzeug runs (scrypt or PBKDF2) while counting, with its cost parameters."""

    def __init__(self, monkeypatch):
        self.calls: list[tuple] = []
        self._lock = threading.Lock()
        self._on = False
        scrypt, pbkdf2 = hashlib.scrypt, hashlib.pbkdf2_hmac

        def counted_scrypt(password, *, salt, n, r, p, maxmem=0, dklen=64):
            self._note(("scrypt", n, r, p, dklen))
            return scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)

        def counted_pbkdf2(name, password, salt, iterations, dklen=None):
            self._note(("pbkdf2", name, iterations))
            return pbkdf2(name, password, salt, iterations, dklen)

        monkeypatch.setattr(hashlib, "scrypt", counted_scrypt)
        monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted_pbkdf2)

    def _note(self, call: tuple) -> None:
        if self._on:
            with self._lock:
                self.calls.append(call)

    @contextmanager
    def counting(self):
        """The calls made inside the block."""
        self.calls, self._on = [], True
        try:
            yield self.calls
        finally:
            self._on = False


@pytest.fixture
def hash_work(monkeypatch):
    return HashWork(monkeypatch)


@pytest.fixture
def staff(app):
    user = users.create_user(STAFF, PASSWORD, "admin")
    db.session.commit()
    return user


def _locked_entries() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "user.locked"))


def test_concurrent_wrong_passwords_check_exactly_the_limit_then_lock(app, staff, hash_work):
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []

    def attempt():
        with app.app_context():
            barrier.wait()
            try:
                outcomes.append("signed in" if users.authenticate(STAFF, WRONG) else "wrong password")
            except users.Locked:
                outcomes.append("locked")
            except Exception as exc:  # shown by the assertion below
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    with hash_work.counting() as checked:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert Counter(outcomes) == {
        "wrong password": users.MAX_FAILED_LOGINS,
        "locked": ATTEMPTS - users.MAX_FAILED_LOGINS,
    }
    assert len(checked) == users.MAX_FAILED_LOGINS  # every other attempt was refused before any hash work
    user = db.session.get(User, staff.id, populate_existing=True)
    assert user.locked_until and aware(user.locked_until) > now() + users.LOCKOUT - timedelta(minutes=1)
    assert _locked_entries() == 1
    with pytest.raises(users.Locked):  # even the right password waits for the lock to end
        users.authenticate(STAFF, PASSWORD)


def test_a_success_clears_the_count_and_an_ended_lock_counts_afresh(app, staff):
    for _ in range(users.MAX_FAILED_LOGINS - 1):
        assert users.authenticate(STAFF, WRONG) is None
    assert users.authenticate(STAFF, PASSWORD).id == staff.id
    for _ in range(users.MAX_FAILED_LOGINS - 1):
        assert users.authenticate(STAFF, WRONG) is None
    assert users.authenticate(f"  {STAFF.upper()} ", WRONG) is None  # the limit: this one locks
    with pytest.raises(users.Locked):
        users.authenticate(STAFF, WRONG)
    assert _locked_entries() == 1

    db.session.execute(sa.update(User).values(locked_until=now() - timedelta(seconds=1)))
    db.session.commit()
    assert users.authenticate(STAFF, WRONG) is None  # the first failure of a new count, not a new lock
    user = db.session.get(User, staff.id, populate_existing=True)
    assert (user.failed_logins, user.locked_until) == (1, None)
    assert users.authenticate(STAFF, PASSWORD).id == staff.id


def test_a_reset_unlocks(app, staff):
    for _ in range(users.MAX_FAILED_LOGINS):
        users.authenticate(STAFF, WRONG)
    with pytest.raises(users.Locked):
        users.authenticate(STAFF, PASSWORD)
    new = users.reset_password(STAFF)
    assert users.authenticate(STAFF, new).id == staff.id


def test_known_and_unknown_emails_cost_the_same_hash_work(app, staff, hash_work):
    with hash_work.counting() as known_wrong:
        assert users.authenticate(STAFF, WRONG) is None
    with hash_work.counting() as known_right:
        assert users.authenticate(STAFF, PASSWORD) is not None
    with hash_work.counting() as unknown:
        assert users.authenticate("khong-co@thu.example", WRONG) is None
    with hash_work.counting() as not_an_email:
        assert users.authenticate("", "") is None
    with hash_work.counting() as fresh:  # what a password hashed today costs to check
        generate_password_hash(PASSWORD)
    assert len(fresh) == 1
    assert known_wrong == known_right == unknown == not_an_email == fresh


def csrf(client, path: str = "/admin/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, email: str, password: str) -> None:
    r = client.post("/admin/login", data={"csrf_token": csrf(client), "email": email, "password": password})
    assert r.status_code == 302, r.get_data(as_text=True)


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def signed_in(client) -> bool:
    r = client.get("/admin/")
    assert r.status_code in (200, 302)
    return r.status_code == 200


def test_a_copied_session_stops_working_after_logout(app, client, staff):
    sign_in(client, STAFF, PASSWORD)
    copy = copy_of(app, client)
    assert signed_in(copy) and copy.get("/admin/users").status_code == 200
    r = client.post("/admin/logout", data={"csrf_token": csrf(client, "/admin/")})
    assert r.status_code == 302
    assert not signed_in(client)
    r = copy.get("/admin/users")
    assert r.status_code == 302 and r.headers["Location"].startswith("/admin/login")
    sign_in(client, STAFF, PASSWORD)  # signing in again gives a new session that works
    assert signed_in(client) and not signed_in(copy)


def test_a_password_reset_ends_that_users_sessions_only(app, client, staff):
    users.create_user("theodoi@thu.example", PASSWORD, "monitor")
    monitor = app.test_client()
    sign_in(monitor, "theodoi@thu.example", PASSWORD)
    monitor_copy = copy_of(app, monitor)
    sign_in(client, STAFF, PASSWORD)
    assert signed_in(monitor) and signed_in(monitor_copy)

    r = client.post(
        "/admin/users/reset", data={"csrf_token": csrf(client, "/admin/users"), "email": "theodoi@thu.example"}
    )
    assert r.status_code == 302
    assert not signed_in(monitor) and not signed_in(monitor_copy)
    assert signed_in(client)  # the admin who reset it stays signed in


def test_a_password_set_from_the_cli_ends_every_session(app, client, runner, staff):
    sign_in(client, STAFF, PASSWORD)
    copy = copy_of(app, client)
    result = runner.invoke(args=["users", "reset-password", STAFF])
    assert result.exit_code == 0, result.output
    assert not signed_in(client) and not signed_in(copy)
    new = result.output.rsplit(": ", 1)[1].strip()
    sign_in(client, STAFF, new)
    assert signed_in(client)


def test_a_session_from_before_session_versions_is_refused(app, client, staff):
    """A cookie that names the user without a version (as before this change) signs nobody in."""
    serializer = app.session_interface.get_signing_serializer(app)
    client.set_cookie("session", serializer.dumps({"_user_id": str(staff.id), "_fresh": True}))
    assert not signed_in(client)
    for forged in (f"{staff.id}:x", f"{staff.id}:", "x:0", f"{staff.id}:0:0", ""):
        client.set_cookie("session", serializer.dumps({"_user_id": forged, "_fresh": True}))
        assert not signed_in(client), forged
