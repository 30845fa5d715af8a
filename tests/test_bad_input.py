"""Bad input as a careless user or an attacker sends it: the respondent API's bodies (missing, not JSON,
not UTF-8, too deep, too large), NUL bytes, the unknown-link rate limit next to valid links from the
same address, and the Vietnamese error pages (JSON under /api/) with Retry-After."""

from __future__ import annotations

import html
import io
import re

import pytest
from limits import parse as parse_limit

from survey_app.config import Config, ConfigError
from survey_app.extensions import db
from survey_app.models import Campaign
from survey_app.services import users
from survey_app.texts import say

from .test_catalogue import english_words

PASSWORD = "mat-khau-dai-0123"


def _answers(client, token):
    return client.get(f"/api/v1/r/{token}").get_json()["answers"]


def _first_question(client, token) -> str:
    body = client.get(f"/api/v1/r/{token}").get_json()
    return body["sections"][0]["areas"][0]["questions"][0]["code"]


def _visible(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(text).split())


BAD_BODIES = {
    "missing": (b"", "application/json", "body_missing"),
    "blank": (b"  \n", "application/json", "body_missing"),
    "not JSON": (b"answers=A", "application/x-www-form-urlencoded", "body_not_json"),
    "truncated JSON": (b'{"answers": {"SO-NV": {"S01": "A"}', "application/json", "body_not_json"),
    "not UTF-8": ('{"answers": {"SO-NV": {"S01": "Ă"}}}'.encode("cp1258"), "application/json", "body_not_utf8"),
    "a list": (b'[{"answers": {}}]', "application/json", "body_not_object"),
    "no answers field": (b'{"answer": {}}', "application/json", "answers_missing"),
    "nested past the answers' shape": (
        b'{"answers": {"SO-NV": {"S01": {"x": "A"}}}}',
        "application/json",
        "body_too_deep",
    ),
    "nested a hundred thousand deep": (b"[" * 100_000 + b"]" * 100_000, "application/json", "body_too_deep"),
}


@pytest.mark.parametrize("case", BAD_BODIES)
def test_a_bad_answers_body_is_refused_with_400_and_a_named_reason(client, sonla, case):
    token = sonla.token("p2@thu.example")
    client.put(f"/api/v1/r/{token}/answers", json={"answers": {"SO-NV": {_first_question(client, token): "A"}}})
    before = _answers(client, token)
    data, mimetype, code = BAD_BODIES[case]
    r = client.put(f"/api/v1/r/{token}/answers", data=data, content_type=mimetype)
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    assert r.get_json()["error"] == code
    assert r.get_json()["message"] == say(code, limit=3) and not english_words(r.get_json()["message"])
    assert _answers(client, token) == before


def test_a_deep_body_with_an_unknown_token_is_400_not_a_server_error(client, sonla):
    """The depth is checked on the text before any parser recurses, whatever the token."""
    deep = b'{"answers": ' + b'{"a": ' * 20_000 + b"1" + b"}" * 20_001
    for path in ("/api/v1/r/" + "z" * 24 + "/answers", "/api/v1/r/" + "z" * 24 + "/submit"):
        method = "PUT" if path.endswith("answers") else "POST"
        r = client.open(path, method=method, data=deep, content_type="application/json")
        assert r.status_code == 400 and r.get_json()["error"] == "body_too_deep"


def test_strings_that_look_like_brackets_do_not_count_as_nesting(client, sonla):
    token = sonla.token("p2@thu.example")
    first = _first_question(client, token)
    tricky = '{"answers": {"SO-NV": {"' + first + '": "A"}, "[[[{{{\\"\\\\": {}}}'
    r = client.put(f"/api/v1/r/{token}/answers", data=tricky, content_type="application/json")
    assert r.status_code == 422  # parsed: the unknown "unit" is named by the service
    assert {p["unit"] for p in r.get_json()["problems"]} == {'[[[{{{"\\'}


def test_submit_without_a_body_is_still_a_submit(client, sonla):
    token = sonla.token("p2@thu.example")
    r = client.post(f"/api/v1/r/{token}/submit")
    assert r.status_code == 422 and r.get_json()["error"] == "incomplete"
    r = client.post(f"/api/v1/r/{token}/submit", data=b"\xff\xfe", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"] == "body_not_utf8"


def test_answer_bodies_have_their_own_small_limit(app, client, sonla):
    token = sonla.token("p2@thu.example")
    first = _first_question(client, token)
    limit = app.config["MAX_ANSWERS_LENGTH"]
    padding = " " * (limit + 1)
    body = '{"answers": {"SO-NV": {"' + first + '": "A"}}' + padding + "}"
    r = client.put(f"/api/v1/r/{token}/answers", data=body, content_type="application/json")
    assert r.status_code == 413
    assert r.get_json()["error"] == "request_entity_too_large" and "Dữ liệu gửi lên quá lớn" in r.get_json()["message"]
    assert _answers(client, token) == {}
    page = client.post(f"/s/{token}", data={"action": "save", "x": "y" * (limit + 1)})
    assert page.status_code == 413 and "Dữ liệu gửi lên quá lớn" in _visible(page)


def test_uploads_are_bounded_by_max_content_length(app, client, sonla, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    users.create_user("admin@thu.example", PASSWORD, "admin")
    assert client.post("/admin/login", data={"email": "admin@thu.example", "password": PASSWORD}).status_code == 302
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    upload = {"kind": "appraisal", "file": (io.BytesIO(b"x" * 8192), "a.csv")}
    r = client.post(f"/admin/index/c/{sonla.campaign.code}/import", data=upload)
    assert r.status_code == 413
    text = _visible(r)
    assert "Dữ liệu gửi lên quá lớn" in text and "4.096 byte" in text
    assert not english_words(text)


def test_max_content_length_is_a_checked_setting(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "Qm4s-9vTz_Lx2Rb7Kc0Wn8Yd3Hf6Jp1A")
    monkeypatch.setenv("LINK_SECRET", "uE5oG2iB7tV0sZ9qX4wC1mN8kD6rF3yL")
    config = Config()
    config.check()
    assert config.MAX_CONTENT_LENGTH == 20 * 1024 * 1024 and config.MAX_ANSWERS_LENGTH == 256 * 1024
    for bad in ("20m", "0", "-5", "100"):
        monkeypatch.setenv("MAX_CONTENT_LENGTH", bad)
        with pytest.raises(ConfigError, match="^MAX_CONTENT_LENGTH phải là một số byte, ít nhất 1024"):
            Config().check()


def test_a_nul_byte_in_a_form_or_a_query_is_refused_on_every_database(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    users.create_user("admin@thu.example", PASSWORD, "admin")
    r = client.post("/admin/login", data={"email": "admin@thu.example\x00", "password": PASSWORD})
    assert r.status_code == 400 and "ký tự NUL" in _visible(r)
    r = client.post("/admin/login", data={"email": "admin@thu.example", "password": PASSWORD})
    assert r.status_code == 302  # the refused attempt neither signed in nor counted against the account
    assert client.get("/admin/c/%00/").status_code == 400
    assert client.get("/admin/audit?q=%00").status_code == 400


def test_mistyped_links_never_lock_an_office_out_of_its_valid_links(app, client, sonla):
    """One NAT address for the whole office: the unknown-link limit counts only unknown links."""
    allowed = parse_limit(app.config["RATELIMIT_UNKNOWN_TOKEN"]).amount
    for i in range(allowed):  # each route counts its own
        assert client.get(f"/s/mistyped-link-{i:09d}").status_code == 404
        assert client.get(f"/api/v1/r/mistyped-link-{i:09d}").status_code == 404
    refused = client.get("/s/mistyped-link-final0001")
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 1 <= seconds <= 61  # the limit's window is one minute (one more second for rounding up)
    text = _visible(refused)
    assert "Có quá nhiều yêu cầu từ địa chỉ mạng này" in text and f"thử lại sau {seconds} giây" in text
    assert not english_words(text)
    api = client.get("/api/v1/r/mistyped-link-final0001")
    assert api.status_code == 429 and api.headers["Retry-After"]
    assert api.get_json()["error"] == "too_many_requests" and "thử lại sau" in api.get_json()["message"]
    token = sonla.token("p2@thu.example")
    assert client.get(f"/s/{token}").status_code == 200
    assert client.put(f"/api/v1/r/{token}/answers", json={"answers": {}}).status_code == 200
    assert client.post(f"/api/v1/r/{token}/submit").status_code == 422  # incomplete, not 429
    for _ in range(3):  # valid links do not count towards the unknown-link limit either
        assert client.get(f"/api/v1/r/{sonla.token('p3@thu.example')}").status_code == 200


def test_staff_error_pages_are_vietnamese_and_json_under_api(app, client, sonla, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    users.create_user("monitor@thu.example", PASSWORD, "monitor")
    assert client.post("/admin/login", data={"email": "monitor@thu.example", "password": PASSWORD}).status_code == 302
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403 and "Không có quyền truy cập" in _visible(forbidden)
    missing = client.get("/admin/no-such-page")
    assert missing.status_code == 404 and "Không tìm thấy trang" in _visible(missing)
    campaign = client.get("/admin/c/KHONG-CO/")
    assert campaign.status_code == 404 and "Không có đợt khảo sát mã KHONG-CO" in _visible(campaign)
    for r in (forbidden, missing, campaign):
        assert not english_words(_visible(r)), _visible(r)
    api_missing = client.get("/api/v1/no-such-thing")
    assert api_missing.status_code == 404 and api_missing.is_json and api_missing.get_json()["error"] == "not_found"
    method = client.delete(f"/api/v1/r/{sonla.token('p2@thu.example')}")
    assert method.status_code == 405 and method.get_json()["error"] == "method_not_allowed"
    assert not english_words(method.get_json()["message"])


def test_before_opening_the_page_says_when_it_opens(client, sonla):
    from datetime import UTC, datetime

    c = db.session.get(Campaign, sonla.campaign.id)
    c.status, c.opens_at = "draft", datetime(2030, 11, 15, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
    c.closes_at = datetime(2030, 12, 20, 10, 0, tzinfo=UTC)
    db.session.commit()
    r = client.get(f"/s/{sonla.token('p2@thu.example')}")
    assert r.status_code == 403
    assert "Phiếu khảo sát sẽ mở vào lúc 08:00 ngày 15/11/2030" in _visible(r)
    api = client.get(f"/api/v1/r/{sonla.token('p2@thu.example')}")
    assert api.status_code == 403 and api.get_json()["opens_at"] == "2030-11-15T01:00:00+00:00"
    assert "08:00 ngày 15/11/2030" in api.get_json()["message"]


def test_the_error_texts_are_vietnamese():
    from survey_app.texts import http

    from .test_catalogue import _render

    entries = [*http.CODES.values(), *http.CSRF_REASONS.values()]
    assert len(entries) > 20
    assert {t: english_words(_render(t)) for t in entries if english_words(_render(t))} == {}


def test_a_refused_form_says_why_in_vietnamese(app, client, sonla):
    r = client.post(f"/s/{sonla.token('p2@thu.example')}", data={"action": "save"})
    assert r.status_code == 400
    text = _visible(r)
    assert "Biểu mẫu đã hết hạn" in text and "biểu mẫu thiếu mã bảo vệ" in text and not english_words(text)


def test_a_server_error_is_a_vietnamese_page_and_json_under_api(tmp_path):
    """As in production (exceptions not propagated): a bug answers the 500 page, never Werkzeug's."""
    from survey_app import config as app_config
    from survey_app import create_app

    app = create_app(app_config.TestConfig(f"sqlite:///{tmp_path / 'x.sqlite3'}"))
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/admin/broken", "broken_page", broken)
    app.add_url_rule("/api/v1/broken", "broken_api", broken)
    client = app.test_client()
    page = client.get("/admin/broken")
    assert page.status_code == 500 and "Hệ thống gặp lỗi" in _visible(page) and not english_words(_visible(page))
    api = client.get("/api/v1/broken")
    assert api.status_code == 500 and api.get_json()["error"] == "internal_server_error"
    assert "Hệ thống gặp lỗi" in api.get_json()["message"]
