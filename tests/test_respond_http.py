"""The respondent flow over HTTP without JavaScript (form posts), and the same through the JSON API."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import sqlalchemy as sa
from limits import parse as parse_limit
from openapi_spec_validator import validate

from survey_app.extensions import db
from survey_app.models import Answer, Campaign, Response, Unit
from survey_app.packs import load_pack
from survey_app.services.survey import closing, invitations

from .support.campaigns import PACKS, make_campaign, person, release, taken_in

VOID = {"input", "meta", "link", "br", "img", "hr", "source", "wbr"}


class El:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def all(self, tag=None, **attrs):
        for c in self.children:
            if isinstance(c, El):
                if (tag is None or c.tag == tag) and all(c.attrs.get(k) == v for k, v in attrs.items()):
                    yield c
                yield from c.all(tag, **attrs)

    def text(self) -> str:
        return " ".join(" ".join(c if isinstance(c, str) else c.text() for c in self.children).split())

    def inside(self, tag) -> bool:
        p = self.parent
        while p is not None and p.tag != tag:
            p = p.parent
        return p is not None


class Page(HTMLParser):
    """A tiny DOM, enough to look at fieldsets, labels and form fields."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = El("#root", {}, None)
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        el = El(tag, dict(attrs), self.cur)
        self.cur.children.append(el)
        if tag not in VOID:
            self.cur = el

    def handle_endtag(self, tag):
        node = self.cur
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def radios(page: Page) -> dict[str, dict]:
    """name → {'options': [...], 'checked': value or None} for every radio group on the page."""
    out: dict[str, dict] = {}
    for r in page.root.all("input", type="radio"):
        entry = out.setdefault(r.attrs["name"], {"options": [], "checked": None})
        entry["options"].append(r.attrs["value"])
        if "checked" in r.attrs:
            entry["checked"] = r.attrs["value"]
    return out


def fields(answers: dict) -> dict:
    return {f"a:{u}:{q}": o for u, qs in answers.items() for q, o in qs.items()}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def api_answers(client, token):
    return client.get(f"/api/v1/r/{token}").get_json()["answers"]


def test_page_shows_unit_group_deadline_and_anonymity(client, sonla):
    c = db.session.get(Campaign, sonla.campaign.id)
    c.closes_at = datetime(2030, 12, 20, 20, 30, tzinfo=UTC)  # 03:30 next day in Vietnam
    db.session.commit()
    r = client.get(f"/s/{sonla.token('p2@thu.example')}")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    text = html.unescape(r.get_data(as_text=True))
    assert '<html lang="vi">' in text
    assert "<h1>Đánh giá: Sở Nội vụ</h1>" in text
    assert "Nhóm: Công chức, viên chức các phòng, ban chuyên môn, đơn vị thuộc và trực thuộc" in text
    assert "Hạn trả lời: 03:30 ngày 21/12/2030" in text
    assert "Phiếu khảo sát ẩn danh" in text and "từ 3 người trở lên" in text
    assert "Nộp phiếu" in text


def test_form_flow_without_javascript(app, client, sonla):
    token = sonla.token("p2@thu.example")
    page = client.get(f"/s/{token}")
    groups = radios(Page(page.get_data(as_text=True)))
    assert len(groups) == 32 and all(g["checked"] is None for g in groups.values())
    names = sorted(groups)
    first = dict.fromkeys(names[:5], "B")

    refused = client.post(f"/s/{token}", data={**first, "action": "save"})
    assert refused.status_code == 400
    assert api_answers(client, token) == {}

    token_field = csrf(page.get_data(as_text=True))
    r = client.post(f"/s/{token}", data={**first, "csrf_token": token_field, "action": "save"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/s/{token}")

    other = app.test_client()  # another phone: no cookies
    resumed = radios(Page(other.get(f"/s/{token}").get_data(as_text=True)))
    assert {n: g["checked"] for n, g in resumed.items() if g["checked"]} == first

    more = dict.fromkeys(names[5:29], "X")
    r = client.post(f"/s/{token}", data={**more, "csrf_token": token_field, "action": "submit"})
    assert r.status_code == 422
    shown = Page(r.get_data(as_text=True))
    problems = next(shown.root.all("div", id="problems"))
    # One short line, numbered as the page numbers its questions (a run as one link to its first question).
    missing = [f"q-{n.split(':')[1]}-{n.split(':')[2]}" for n in names[29:]]
    number = {fs.attrs["id"]: next(fs.all("legend")).text().split(".")[0] for fs in shown.root.all("fieldset")}
    run = f"{number[missing[0]]}–{number[missing[-1]]}"
    assert [(a.text(), a.attrs["href"]) for a in problems.all("a")] == [(run, f"#{missing[0]}")]
    assert [li.text().split()[0] for li in problems.all("li")] == ["câu"]
    assert "Còn 3 câu chưa trả lời" in problems.text()
    marked = {fs.attrs["id"] for fs in shown.root.all("fieldset") if "bad" in fs.attrs.get("class", "")}
    assert marked == set(missing)
    assert all("Chưa trả lời" in next(fs.all("legend")).text() for fs in shown.root.all("fieldset", id=missing[0]))
    assert taken_in() == 0
    kept = radios(shown)
    assert {n for n, g in kept.items() if g["checked"]} == set(names[:29])

    rest = dict.fromkeys(names[29:], "A")
    r = client.post(f"/s/{token}", data={**rest, "csrf_token": token_field, "action": "submit"})
    assert r.status_code == 303
    thanks = client.get(r.headers["Location"])
    assert thanks.status_code == 200
    assert "Cảm ơn anh/chị đã hoàn thành phiếu khảo sát" in thanks.get_data(as_text=True)
    again = client.post(f"/s/{token}", data={**rest, "csrf_token": token_field, "action": "submit"})
    assert again.status_code == 409
    assert "Phiếu đã được nộp" in again.get_data(as_text=True)
    assert taken_in() == 1
    release(sonla.campaign)
    assert count(Response) == 1 and count(Answer) == 32


def test_refusal_pages(client, sonla):
    r = client.get("/s/" + "x" * 24)
    assert r.status_code == 404 and "Không tìm thấy phiếu khảo sát" in r.get_data(as_text=True)
    old = sonla.token("p3@thu.example")
    new = invitations.reissue_invitation(sonla.campaign, "p3@thu.example")
    r = client.get(f"/s/{old}")
    assert r.status_code == 410 and "Đường liên kết này đã được thay thế" in r.get_data(as_text=True)
    assert client.get(f"/s/{invitations.derive_token(new.campaign_id, new.nonce)}").status_code == 200
    c = db.session.get(Campaign, sonla.campaign.id)
    c.status = "draft"
    db.session.commit()
    r = client.get(f"/s/{sonla.token('p2@thu.example')}")
    assert r.status_code == 403 and "Đợt khảo sát chưa bắt đầu" in r.get_data(as_text=True)
    closing.close_and_validate(c.code)
    r = client.get(f"/s/{sonla.token('p2@thu.example')}")
    assert r.status_code == 410 and "Đợt khảo sát đã kết thúc" in r.get_data(as_text=True)


def test_json_api_flow(client, sonla):
    token = sonla.token("p2@thu.example")
    base = f"/api/v1/r/{token}"
    body = client.get(base).get_json()
    assert body["group"]["code"] == "SO-CC" and body["status"] == "opened"
    assert [s["unit"]["code"] for s in body["sections"]] == ["SO-NV"]
    codes = [qq["code"] for a in body["sections"][0]["areas"] for qq in a["questions"]]
    assert len(codes) == 32 and body["progress"] == {"answered": 0, "total": 32}

    assert client.put(f"{base}/answers", json={"answers": {"SO-NV": {codes[0]: "A"}}}).status_code == 200
    r = client.put(f"{base}/answers", json={"answers": {"SO-NV": {codes[1]: "X", codes[2]: "C"}}})
    assert r.get_json() == {"saved": True, "progress": {"answered": 3, "total": 32}}
    client.put(f"{base}/answers", json={"answers": {"SO-NV": {codes[2]: ""}}})
    assert api_answers(client, token) == {"SO-NV": {codes[0]: "A", codes[1]: "X"}}

    bad = {"SO-NV": {codes[3]: "A", "Q-NONE": "A", codes[4]: "Z"}, "SO-TC": {codes[5]: "A"}}
    r = client.put(f"{base}/answers", json={"answers": bad})
    assert r.status_code == 422 and r.get_json()["error"] == "invalid_answers"
    named = {(p["unit"], p["question"]) for p in r.get_json()["problems"]}
    assert named == {("SO-NV", "Q-NONE"), ("SO-NV", codes[4]), ("SO-TC", "")}
    assert api_answers(client, token) == {"SO-NV": {codes[0]: "A", codes[1]: "X"}}

    r = client.post(f"{base}/submit", json={"answers": {"SO-NV": {c: "B" for c in codes[2:30]}}})
    assert r.status_code == 422 and r.get_json()["error"] == "incomplete"
    assert [(p["unit"], p["question"]) for p in r.get_json()["missing"]] == [("SO-NV", c) for c in codes[30:]]
    assert client.post(f"{base}/submit", json={"answers": {"SO-NV": dict.fromkeys(codes[30:], "D")}}).status_code == 200
    assert client.post(f"{base}/submit").status_code == 409
    assert client.get(base).get_json()["status"] == "submitted"
    release(sonla.campaign)
    stored = dict(db.session.execute(sa.select(Answer.question_id, Answer.option_code)).all())
    assert sorted(stored.values()) == sorted(["A", "X"] + ["B"] * 28 + ["D"] * 2)

    assert client.post("/api/v1/r/" + "y" * 24 + "/submit").status_code == 404
    closing.close_and_validate(sonla.campaign.code)
    r = client.post(f"/api/v1/r/{sonla.token('p3@thu.example')}/submit")
    assert r.status_code == 410 and r.get_json()["error"] == "closed"


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    paths = spec["paths"]
    expected = {
        ("/api/v1/r/{token}", "get"): {"200", "403", "404", "410"},
        ("/api/v1/r/{token}/answers", "put"): {"200", "403", "404", "409", "410", "422"},
        ("/api/v1/r/{token}/submit", "post"): {"200", "403", "404", "409", "410", "422"},
    }
    for (path, method), statuses in expected.items():
        assert statuses <= set(paths[path][method]["responses"]), (path, method)


def test_matrix_one_unit_per_page(client, matrix):
    token = matrix.token("p3@thu.example")
    departments = dict(
        db.session.execute(
            sa.select(Unit.code, Unit.name).where(Unit.campaign_id == matrix.campaign.id, Unit.unit_type == "so")
        ).all()
    )
    assert len(departments) == 6
    seen = []
    for i in range(6):
        text = client.get(f"/s/{token}?p={i}").get_data(as_text=True)
        page = Page(text)
        units = {n.split(":")[1] for n in radios(page)}
        assert len(units) == 1 and len(radios(page)) == 12
        (unit,) = units
        seen.append(unit)
        assert f"<h1>Đánh giá: {departments[unit]}</h1>" in html.unescape(text)
        listed = [li.text() for li in next(page.root.all("details")).all("li")]
        assert len(listed) == 6 and all(f"{n} 12/12 ✓" in listed for n in (departments[u] for u in seen[:-1]))
        assert f"{departments[unit]} 0/12" in listed
        buttons = {(b.attrs.get("name"), b.attrs.get("value")) for b in page.root.all("button")}
        assert (("action", "submit") in buttons) == (i == 5)
        data = {**dict.fromkeys(radios(page), "X" if i % 2 else "A"), "csrf_token": csrf(text)}
        if i < 5:
            assert ("goto", str(i + 1)) in buttons
            r = client.post(f"/s/{token}", data={**data, "p": str(i), "goto": str(i + 1)})
            assert r.status_code == 303 and r.headers["Location"].endswith(f"?p={i + 1}#top")
        else:
            r = client.post(f"/s/{token}", data={**data, "p": "5", "action": "submit"})
            assert r.status_code == 303
    assert sorted(seen) == sorted(departments)
    assert "Cảm ơn" in client.get(f"/s/{token}").get_data(as_text=True)
    release(matrix.campaign)
    ids = {v: k for k, v in db.session.execute(sa.select(Unit.code, Unit.id)).all()}
    per_unit = dict(db.session.execute(sa.select(Answer.unit_id, sa.func.count()).group_by(Answer.unit_id)).all())
    assert {ids[u]: n for u, n in per_unit.items()} == dict.fromkeys(departments, 12)
    assert count(Response) == 1


def test_security_headers(client, sonla):
    r = client.get(f"/s/{sonla.token('p2@thu.example')}")
    csp = {d.split()[0]: d.split()[1:] for d in r.headers["Content-Security-Policy"].split(";") if d.strip()}
    script = csp.get("script-src", csp.get("default-src"))
    assert script is not None and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    text = r.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", text) and " style=" not in text and " onclick=" not in text
    assert r.headers["Referrer-Policy"] == "same-origin"
    # The phone may keep the page but must ask again each time (an unchanged page is a 304, below).
    assert r.headers["Cache-Control"] == "private, no-cache"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and re.search(r"SameSite=(Lax|Strict)", cookie)
    assert client.get("/s/" + "z" * 24).headers["Cache-Control"] == "no-store"


def test_page_budget_for_largest_questionnaire(app, client, tmp_path):
    best = []  # (questions on one page, pack, group)
    for d in sorted(p for p in PACKS.iterdir() if p.is_dir()):
        pack = load_pack(d).pack
        for g in pack.groups:
            n = sum(1 for qq in pack.questions_for(g.code) if qq.unit_type == g.target_type())
            best.append((n, d.name, g))
    top = max(n for n, _, _ in best)
    largest = [(name, g) for n, name, g in best if n == top]
    pack_name = largest[0][0]
    units = load_pack(PACKS / pack_name).pack.units
    people = [
        person(i, next(u.code for u in units if u.unit_type == g.unit_type), g.code)
        for i, (name, g) in enumerate(largest)
        if name == pack_name
    ]
    setup = make_campaign(app, tmp_path, pack_name, people, code="BIG")
    figures = []
    for token in setup.tokens.values():
        r = client.get(f"/s/{token}")
        page = Page(r.get_data(as_text=True))
        assert len(radios(page)) == top
        refs = [e.attrs["href"] for e in page.root.all("link") if e.attrs.get("rel") == "stylesheet"]
        refs += [e.attrs["src"] for e in page.root.all("script") if "src" in e.attrs]
        refs += [e.attrs["src"] for e in page.root.all("img")]
        assert 1 + len(refs) <= 3
        total = len(r.data)
        for ref in refs:
            asset = client.get(ref)
            assert asset.status_code == 200
            total += len(asset.get_data())
            asset.close()
        figures.append(total)
    print(f"page weight of the largest questionnaire ({pack_name}, {top} questions): {max(figures)} bytes")
    assert max(figures) < 60_000


def test_accessibility_basics(client, sonla):
    text = client.get(f"/s/{sonla.token('p7@thu.example')}").get_data(as_text=True)
    page = Page(text)
    assert next(page.root.all("html")).attrs.get("lang") == "vi"
    sets = list(page.root.all("fieldset"))
    assert len(sets) == len(radios(page)) == 32
    for fs in sets:
        assert len(list(fs.all("legend"))) == 1
        assert next(c for c in fs.children if isinstance(c, El)).tag == "legend"
        assert len({r.attrs["name"] for r in fs.all("input", type="radio")}) == 1
    assert all(r.inside("label") for r in page.root.all("input", type="radio"))


def test_unknown_tokens_are_rate_limited(app, client, sonla):
    allowed = parse_limit(app.config["RATELIMIT_UNKNOWN_TOKEN"]).amount
    for i in range(allowed):
        assert client.get(f"/s/unknown-token-{i:010d}").status_code == 404
    assert client.get("/s/unknown-token-final-0001").status_code == 429
    other = app.test_client()
    assert other.get("/s/unknown-token-final-0001", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 404
