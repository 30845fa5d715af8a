"""TRUSTED_PROXIES: behind a reverse proxy each client keeps its own rate-limit bucket and the scheme
the proxy saw; without it (the default) forwarded headers change nothing, whoever sends them.

gunicorn serves the application in its own process; a loopback reverse proxy appends the client's
address to X-Forwarded-For as nginx does; clients connect from distinct loopback addresses
(127.0.0.2, 127.0.0.3…), so the addresses the proxy and the application see are real ones.
"""

from __future__ import annotations

import re

import httpx
import pytest

from survey_app.config import Config, ConfigError

from .support.https import ReverseProxy, gunicorn, listening_socket

UNKNOWN = "/s/" + "x" * 24  # an unknown personal link: 404, counted by RATELIMIT_UNKNOWN_TOKEN
LIMIT = 3


def client(base_url: str, address: str) -> httpx.Client:
    """An HTTP client whose connections come from `address`."""
    return httpx.Client(base_url=base_url, transport=httpx.HTTPTransport(local_address=address), timeout=60)


def statuses(c: httpx.Client, n: int, **headers: str) -> list[int]:
    return [c.get(UNKNOWN, headers=headers).status_code for _ in range(n)]


@pytest.fixture
def served(request, app, tmp_path):
    """gunicorn (plain HTTP) with TRUSTED_PROXIES=request.param, and a reverse proxy in front of it."""
    sock = listening_socket()
    proxy = ReverseProxy(sock.getsockname())
    env = {"BASE_URL": proxy.url, "RATELIMIT_UNKNOWN_TOKEN": f"{LIMIT} per minute", "TRUSTED_PROXIES": request.param}
    with proxy.running(), gunicorn(app, tmp_path, sock, env) as server:
        yield proxy, server


@pytest.mark.parametrize("served", ["1"], indirect=True)
def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(served):
    proxy, _ = served
    with client(proxy.url, "127.0.0.2") as first, client(proxy.url, "127.0.0.3") as second:
        r = first.get(UNKNOWN)
        assert r.status_code == 404 and "strict-transport-security" not in r.headers  # BASE_URL is http
        assert statuses(first, LIMIT) == [404] * (LIMIT - 1) + [429]
        # Claiming another address does not help: the proxy appends the one it saw, and that one counts.
        assert statuses(first, 2, **{"X-Forwarded-For": "198.51.100.7"}) == [429, 429]
        assert statuses(second, LIMIT + 1) == [404] * LIMIT + [429]


@pytest.mark.parametrize("served", ["0"], indirect=True)
def test_without_trusted_proxies_forwarded_headers_are_ignored(served):
    proxy, server = served
    with client(proxy.url, "127.0.0.2") as first, client(proxy.url, "127.0.0.3") as second:
        assert statuses(first, LIMIT) == [404] * LIMIT
        assert statuses(second, 1) == [429]  # everyone behind the proxy is the proxy: one bucket
    with client(server.url, "127.0.0.4") as direct:
        spoofed = [direct.get(UNKNOWN, headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(4)]
        assert spoofed == [404] * LIMIT + [429]


def _failed_login(c: httpx.Client, **headers: str) -> httpx.Response:
    """A sign-in with a valid CSRF token and a wrong password (401 when the CSRF check lets it through)."""
    page = c.get("/admin/login", headers=headers)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": csrf, "email": "ai-do@thu.example", "password": "sai-mat-khau-123"}
    return c.post("/admin/login", data=form, headers=headers)


HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.mark.parametrize("served", ["1"], indirect=True)
def test_the_scheme_of_a_trusted_proxy_is_believed(served):
    """Over HTTPS the CSRF check wants a same-site Referer: it applies once the forwarded scheme is believed."""
    _, server = served
    with client(server.url, "127.0.0.1") as c:  # the client stands where the proxy would
        r = _failed_login(c, **HTTPS)
        assert r.status_code == 400 and "không gửi địa chỉ trang nguồn (Referer)" in r.text
        host = server.url.removeprefix("http://")
        assert _failed_login(c, **HTTPS, Referer=f"https://{host}/admin/login").status_code == 401
        assert _failed_login(c, **HTTPS, Referer="https://elsewhere.example/admin/login").status_code == 400


@pytest.mark.parametrize("served", ["0"], indirect=True)
def test_without_trusted_proxies_a_forwarded_scheme_is_ignored(served):
    """Not even from 127.0.0.1 (gunicorn's own default would believe it): plain HTTP, whatever the header says."""
    _, server = served
    with client(server.url, "127.0.0.1") as c:
        r = _failed_login(c, **HTTPS)
        assert r.status_code == 401, r.text


@pytest.mark.parametrize("value", ["0", "1", "2", "5", " 1 "])
def test_trusted_proxies_accepts_a_small_count(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    config = _config(monkeypatch)
    config.check()
    assert config.TRUSTED_PROXIES == int(value)


def test_trusted_proxies_defaults_to_none(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    config = _config(monkeypatch)
    config.check()
    assert config.TRUSTED_PROXIES == 0


@pytest.mark.parametrize("value", ["-1", "1.5", "yes", "6", "99", "١", "1,2"])
def test_trusted_proxies_refuses_nonsense_at_start_up(monkeypatch, value):
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    with pytest.raises(ConfigError, match=r"^TRUSTED_PROXIES phải là số proxy ngược .* từ 0 đến 5"):
        _config(monkeypatch).check()


def _config(monkeypatch) -> Config:
    """Production settings with good secrets, so only the setting under test can be wrong."""
    monkeypatch.setenv("SECRET_KEY", "Qm4s-9vTz_Lx2Rb7Kc0Wn8Yd3Hf6Jp1A")
    monkeypatch.setenv("LINK_SECRET", "uE5oG2iB7tV0sZ9qX4wC1mN8kD6rF3yL")
    return Config()
