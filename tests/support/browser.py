"""Browser fixtures: the app served by a real threaded server, and headless Chromium (Playwright) as a phone.

conftest.py re-exports the fixtures so every module shares one definition. Chromium lives for one
module: Playwright's sync API keeps an event loop running, and later tests (python-telegram-bot's
asyncio.run) need none. Playwright itself is imported only when a browser test runs.
When Chromium or Playwright is missing the tests are skipped, unless REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from survey_app.extensions import db

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A Home Affairs office desktop, in Vietnam's time zone (the pages write dates in Vietnam time).
DESKTOP = dict(viewport={"width": 1366, "height": 768}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
PHONE = dict(
    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN", device_scale_factor=2
)


def chromium_path() -> str | None:
    """CHROMIUM_PATH, else the Debian package's binary, else whatever `chromium` is on PATH."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the session (Playwright never downloads a browser here)."""
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install playwright)")
    path = chromium_path()
    if path is None:
        _unavailable("Chromium not found (install the chromium package or set CHROMIUM_PATH)")
    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken install: same rule as a missing one
            _unavailable(f"Chromium at {path} does not start: {exc}")
        yield b
        b.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app on 127.0.0.1:<free port>, threaded, for the duration of one test; yields the base URL."""
    # End the test thread's transaction: on SQLite every transaction holds the write lock (BEGIN IMMEDIATE).
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def _context(browser, **options):
    context = browser.new_context(**PHONE, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (its own cookies and localStorage)."""
    context = _context(browser)
    yield context
    context.close()


@pytest.fixture
def desktop(browser):
    """A fresh office-desktop browser context (1366×768)."""
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def phone_without_js(browser):
    """The same phone with JavaScript turned off."""
    context = _context(browser, java_script_enabled=False)
    yield context
    context.close()
