"""The application's own processes for the kill tests: `flask …` commands and gunicorn, each in a
session of its own so that SIGKILL reaches it and every child at once, as a crash or an OOM kill would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from survey_app.config import ROOT


def app_env(app, **extra: str) -> dict[str, str]:
    """The environment a process needs to serve the test app's database with its secrets."""
    return {
        **os.environ,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "LINK_SECRET": app.config["LINK_SECRET"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "FLASK_APP": "wsgi.py",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_flask(app, args: list[str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", *args], cwd=ROOT, env=app_env(app), stdout=out, stderr=out,
            start_new_session=True,
        )  # fmt: skip


def start_gunicorn(app, sock, log: Path) -> subprocess.Popen:
    """gunicorn with gunicorn.conf.py on an already listening socket (handed over as fd://N)."""
    env = app_env(app, GUNICORN_WORKERS="2", GUNICORN_THREADS="4", GUNICORN_ACCESSLOG=str(log.with_suffix(".access")))
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",
        "--bind",
        f"fd://{sock.fileno()}",
        "wsgi:app",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, pass_fds=(sock.fileno(),), stdout=out, stderr=out, start_new_session=True
        )


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process and everything it started; wait until they are gone."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the workers, reparented, die with the group too
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise TimeoutError(f"process group {process.pid} still alive after SIGKILL")
