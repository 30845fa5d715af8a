"""Over HTTPS, as a province deploys it: gunicorn speaking TLS itself, and gunicorn behind a
TLS-terminating reverse proxy on the same host (X-Forwarded-Proto: https, TRUSTED_PROXIES=1).

Chromium signs in to /admin/ and out again, and a phone without JavaScript submits its
questionnaire: each is a form post whose CSRF check needs the Referer the browser sends on HTTPS.
A personal link never reaches another site through the Referer, nor the access log.
"""

from __future__ import annotations

import re
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from survey_app.extensions import db
from survey_app.respond.texts import MESSAGES
from survey_app.services import users

from .support.browser import PHONE
from .support.campaigns import taken_in
from .support.https import ReverseProxy, gunicorn, listening_socket, make_certificate

pytestmark = pytest.mark.browser
PASSWORD = "mat-khau-dai-0123"
STAFF = "chuyenvien@thu.example"


def _expect():
    from playwright.sync_api import expect

    return expect


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(params=["gunicorn-tls", "behind-proxy"])
def site(request, app, sonla, tmp_path, certificate):
    """The application over HTTPS, served by gunicorn directly or through the loopback proxy."""
    users.create_user(STAFF, PASSWORD, "admin")
    db.session.commit()  # on SQLite the test's transaction would hold the write lock gunicorn needs
    sock = listening_socket()
    if request.param == "gunicorn-tls":
        base = f"https://127.0.0.1:{sock.getsockname()[1]}"
        with gunicorn(app, tmp_path, sock, {"BASE_URL": base}, certificate) as served:
            yield served
        return
    proxy = ReverseProxy(sock.getsockname(), certificate)
    with proxy.running(), gunicorn(app, tmp_path, sock, {"BASE_URL": proxy.url, "TRUSTED_PROXIES": "1"}) as served:
        served.url = proxy.url  # the browser talks to the proxy only
        yield served


@pytest.fixture
def https_context(browser):
    """A desktop browser that accepts the test's self-signed certificate."""
    context = browser.new_context(ignore_https_errors=True, locale="vi-VN")
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def https_phone_without_js(browser):
    context = browser.new_context(**PHONE, java_script_enabled=False, ignore_https_errors=True)
    context.set_default_timeout(20_000)
    yield context
    context.close()


def test_staff_sign_in_and_out_over_https(site, https_context):
    expect = _expect()
    page = https_context.new_page()
    first = page.goto(f"{site.url}/admin/")
    assert page.url == f"{site.url}/admin/login?next=/admin/"
    assert first.headers["strict-transport-security"] == "max-age=31536000"
    assert first.headers["referrer-policy"] == "same-origin"
    page.get_by_label("Email").fill(STAFF)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Đăng nhập").click()
    assert posted.value.status == 302, posted.value.text()
    expect(page.locator("h1")).to_have_text("Các đợt khảo sát")
    cookie = next(c for c in https_context.cookies() if c["name"] == "session")
    assert cookie["secure"] and cookie["httpOnly"]

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Đăng xuất").click()
    assert posted.value.status == 302, posted.value.text()
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    assert page.goto(f"{site.url}/admin/users").url.startswith(f"{site.url}/admin/login")


def test_phone_without_javascript_submits_over_https(sonla, site, https_phone_without_js):
    expect = _expect()
    token = sonla.token("p3@thu.example")
    page = https_phone_without_js.new_page()
    page.goto(f"{site.url}/s/{token}")
    boxes = page.locator("fieldset")
    for i in range(boxes.count()):
        boxes.nth(i).locator("label").first.tap()
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Nộp phiếu").tap()
    assert posted.value.status == 303, posted.value.text()
    expect(page.locator("h1")).to_have_text(MESSAGES["thanks"]["title"])
    assert taken_in() == 1
    db.session.rollback()

    site.stop()  # every access log line is written once gunicorn has exited
    log = site.access_log.read_text()
    assert token not in log
    # The form post carried the page's address as its Referer; the log shows it without the token.
    assert re.search(rf'"POST /s/<token> HTTP/1.1" 303 .* "{re.escape(site.url)}/s/<token>"', log), log


class _Recorder(BaseHTTPRequestHandler):
    """Another site: remembers the Referer each visit brought."""

    def do_GET(self):
        self.server.referers[self.path] = self.headers.get("Referer")
        body = b"<!doctype html><title>other site</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def other_site(certificate):
    """An HTTPS site on another origin (another port), recording what it is told."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    server.referers = {}
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(10)
    server.server_close()


@pytest.mark.parametrize("site", ["gunicorn-tls"], indirect=True)
def test_a_link_followed_from_the_questionnaire_carries_no_referer(sonla, site, https_context, other_site):
    token = sonla.token("p2@thu.example")
    page = https_context.new_page()
    page.goto(f"{site.url}/s/{token}")
    elsewhere = f"https://localhost:{other_site.server_address[1]}/trang-khac"
    page.evaluate(
        "url => { const a = document.createElement('a'); a.href = url; document.body.append(a); a.click(); }",
        elsewhere,
    )
    page.wait_for_url(elsewhere)
    assert other_site.referers["/trang-khac"] is None
