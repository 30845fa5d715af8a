"""The questionnaire page at the cost of a tap: the questions' HTML of a section (its areas, questions and
every option) rendered once per process and filled with the respondent's answers per request, and an
ETag so that a phone that opens the page again with nothing changed gets 304 and no body.

The cached HTML holds nothing personal: it is what every respondent of the group sees for that unit
before answering. The answers are filled in by marking the chosen option `checked` and its fieldset
`ok`, exactly as the template renders them (a test compares the two for random answers).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from threading import Lock

from flask import current_app, render_template, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from . import bp

QUESTIONS = "respond/_questions.html"
PAGE_TEMPLATES = ("respond/base.html", "respond/questionnaire.html", QUESTIONS)
CACHED_SECTIONS = 2048  # (pack, group, unit) entries per process, about 20 kB each: 40 MB at the worst

_cache: OrderedDict[tuple, str] = OrderedDict()
_lock = Lock()


@bp.app_template_global()
def questions_html(q, section, marked: dict) -> Markup:
    """The section's questions with the answers given so far; the marks of a problem list, if any."""
    answers = q.answers.get(section.unit.code, {})
    # Markup: the text is the output of an autoescaped template, and the filled-in parts are escaped.
    if marked:
        return Markup(_render(q, section, answers, marked))  # noqa: S704
    return Markup(_fill(_blank(q, section), section.unit.code, answers))  # noqa: S704


def _render(q, section, answers: dict, marked: dict) -> str:
    scales = q.pack.scale_by_code
    return render_template(QUESTIONS, section=section, answers=answers, marked=marked, scales=scales)


def _blank(q, section) -> str:
    unit = section.unit
    key = (q.campaign.pack_sha256, q.group.code, unit.code, unit.name, unit.unit_type)
    with _lock:
        html = _cache.get(key)
        if html is not None:
            _cache.move_to_end(key)
            return html
    html = _render(q, section, {}, {})
    with _lock:
        _cache[key] = html
        while len(_cache) > CACHED_SECTIONS:
            _cache.popitem(last=False)
    return html


def _fill(html: str, unit_code: str, answers: dict) -> str:
    """Mark each answered question as the template would: its fieldset `ok`, its option `checked`."""
    u = escape(unit_code)
    for question, option in answers.items():
        qc = escape(question)
        html = html.replace(f'<fieldset id="q-{u}-{qc}">', f'<fieldset id="q-{u}-{qc}" class="ok">', 1)
        radio = f'name="a:{u}:{qc}" value="{escape(option)}">'
        html = html.replace(radio, radio[:-1] + " checked>", 1)
    return html


def etag(q, page: int, missing: bool) -> str:
    """What the page shows depends on, hashed: the link's state and draft (sealed anew at each save), the
    page, the campaign, the units, the session's CSRF secret and the templates' source."""
    generate_csrf()  # the session's secret exists before the page is rendered (its first visit)
    parts = [
        _templates_version(),
        q.campaign.pack_sha256,
        repr((q.campaign.title, q.campaign.status, q.campaign.closes_at, q.group.code, q.group.name)),
        q.invitation.status,
        q.invitation.draft or b"",
        f"{page}:{missing}",
        repr([(s.unit.code, s.unit.name) for s in q.sections]),
        str(session.get("csrf_token", "")),
    ]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


_versions: dict[int, str] = {}


def _templates_version() -> str:
    """A hash of the page's templates, the same in every worker (a new release changes every ETag)."""
    app = current_app._get_current_object()
    version = _versions.get(id(app))
    if version is None:
        loader = app.jinja_env.loader
        text = "".join(loader.get_source(app.jinja_env, name)[0] for name in PAGE_TEMPLATES)
        version = _versions[id(app)] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return version
