"""After a failed submit, without JavaScript: a short numbered list of what is missing (per unit in the
matrix form), each number a link to its question, and the questions marked in the form (class and words)."""

from __future__ import annotations

import html
import re

from .test_respond_http import Page, csrf, radios


def _legend_numbers(page: Page) -> dict[str, str]:
    return {fs.attrs["id"]: next(fs.all("legend")).text().split(".")[0] for fs in page.root.all("fieldset")}


def _marked(page: Page) -> dict[str, str]:
    """Fieldset id → its marker's words, for the fieldsets marked as a problem."""
    out = {}
    for fs in page.root.all("fieldset"):
        if "bad" in fs.attrs.get("class", "").split():
            flag = next(fs.all("strong"), None)
            out[fs.attrs["id"]] = flag.text() if flag is not None and flag.inside("legend") else ""
    return out


def _problem_lines(page: Page) -> list[tuple[str, list[tuple[str, str]]]]:
    """(line text up to the first number, [(number, href)]) per line of the problem list."""
    box = next(page.root.all("div", id="problems"))
    return [
        (re.match(r"(?:(.+?): )?câu ", li.text())[1] or "", [(a.text(), a.attrs["href"]) for a in li.all("a")])
        for li in box.all("li")
    ]


def test_matrix_missing_questions_grouped_per_unit_with_links(client, matrix):
    token = matrix.token("p3@thu.example")
    first = client.get(f"/s/{token}")
    text = first.get_data(as_text=True)
    units = []
    for i in range(6):  # every department's page: everything answered but a few questions
        page = Page(client.get(f"/s/{token}?p={i}").get_data(as_text=True))
        names = list(radios(page))  # in page order
        units.append((names[0].split(":")[1], names))
        skip = {0: {2, 6, 11}, 3: set(range(12)), 4: {0, 1, 2, 5}}.get(i, set())
        data = {n: "A" for k, n in enumerate(names) if k not in skip}
        r = client.post(f"/s/{token}", data={**data, "csrf_token": csrf(text), "p": str(i), "action": "save"})
        assert r.status_code == 303
    r = client.post(f"/s/{token}", data={"csrf_token": csrf(text), "p": "5", "action": "submit"})
    assert r.status_code == 422
    body = html.unescape(r.get_data(as_text=True))
    shown = Page(body)
    assert "Còn 19 câu chưa trả lời" in body
    first_unit, first_names = units[0]
    empty_unit, empty_names = units[3]
    fifth_unit, fifth_names = units[4]
    name_of = {
        u: re.search(
            r"<h1>Đánh giá: ([^<]+)</h1>", html.unescape(client.get(f"/s/{token}?p={i}").get_data(as_text=True))
        )[1]
        for i, (u, _) in enumerate(units)
    }
    # The page shown is the first unit with a gap: its own questions are links on the page, the other unit's
    # lead to its page and keep the list (m=1).
    q = lambda name: f"q-{name.split(':')[1]}-{name.split(':')[2]}"  # noqa: E731
    assert _problem_lines(shown) == [
        (
            name_of[first_unit],
            [("3", f"#{q(first_names[2])}"), ("7", f"#{q(first_names[6])}"), ("12", f"#{q(first_names[11])}")],
        ),
        (name_of[empty_unit], [("1–12", f"?p=3&m=1#{q(empty_names[0])}")]),  # one link for a unit left empty
        (name_of[fifth_unit], [("1–3", f"?p=4&m=1#{q(fifth_names[0])}"), ("6", f"?p=4&m=1#{q(fifth_names[5])}")]),
    ]
    numbers = _legend_numbers(shown)
    assert [numbers[q(first_names[k])] for k in (2, 6, 11)] == ["3", "7", "12"]  # as the page numbers them
    assert _marked(shown) == dict.fromkeys((q(first_names[k]) for k in (2, 6, 11)), "Chưa trả lời")

    # Following the link to the other unit: its question is marked there, and the list is still there.
    there = client.get(f"/s/{token}?p=4&m=1")
    assert there.status_code == 200
    page4 = Page(there.get_data(as_text=True))
    assert _marked(page4) == dict.fromkeys((q(fifth_names[k]) for k in (0, 1, 2, 5)), "Chưa trả lời")
    lines = [name_of[first_unit], name_of[empty_unit], name_of[fifth_unit]]
    assert [line for line, _ in _problem_lines(page4)] == lines
    assert _problem_lines(page4)[0][1][0][1].startswith("?p=0&m=1#")
    # Answering it there (a plain post) keeps the list on the next page; without ?m=1 nothing is listed.
    r = client.post(
        f"/s/{token}", data={fifth_names[0]: "B", "csrf_token": csrf(text), "p": "4", "m": "1", "goto": "0"}
    )
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/s/{token}?m=1#top")
    again = Page(client.get(r.headers["Location"]).get_data(as_text=True))
    assert [(line, [n for n, _ in links]) for line, links in _problem_lines(again)] == [
        (name_of[first_unit], ["3", "7", "12"]),
        (name_of[empty_unit], ["1–12"]),
        (name_of[fifth_unit], ["2–3", "6"]),
    ]
    plain = Page(client.get(f"/s/{token}?p=0").get_data(as_text=True))
    assert next(plain.root.all("div", id="problems"), None) is None and _marked(plain) == {}


def test_an_answer_off_the_scale_is_named_and_marked(client, sonla):
    token = sonla.token("p2@thu.example")
    text = client.get(f"/s/{token}").get_data(as_text=True)
    names = list(radios(Page(text)))
    r = client.post(f"/s/{token}", data={names[4]: "Z", "csrf_token": csrf(text), "action": "submit"})
    assert r.status_code == 422
    shown = Page(r.get_data(as_text=True))
    body = html.unescape(r.get_data(as_text=True))
    assert "Có 1 câu trả lời chưa hợp lệ" in body
    fid = f"q-{names[4].split(':')[1]}-{names[4].split(':')[2]}"
    assert _problem_lines(shown) == [("", [("5", f"#{fid}")])]
    assert "(phương án không có trong thang đo của câu hỏi)" in next(shown.root.all("div", id="problems")).text()
    assert _marked(shown) == {fid: "Chưa hợp lệ"}


def test_the_questionnaire_shows_respondents_no_note_meant_for_administrators(client, sonla):
    """Who is asked a question is the pack's `groups`; a note saying so is for administrators, not for the
    person who is asked (they are, by definition, in those groups)."""
    for email in ("p1@thu.example", "p2@thu.example", "p4@thu.example", "p6@thu.example", "p7@thu.example"):
        body = html.unescape(client.get(f"/s/{sonla.token(email)}").get_data(as_text=True))
        helps = re.findall(r'<p class="help">([^<]*)</p>', body)
        assert not [h for h in helps if re.search(r"không hỏi|dành cho", h)], (email, helps)
        assert "Câu hỏi này" not in body
