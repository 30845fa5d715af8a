"""Codes in, Vietnamese out: every code a service, a channel or the pack check can return has a
catalogue entry, every entry renders, and no page, message or command speaks English."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from survey_app import texts
from survey_app.config import ROOT
from survey_app.services.delivery import outbox, queue
from survey_app.services.survey import closing

SCANNED = [
    *sorted((ROOT / "survey_app" / "services").rglob("*.py")),
    *sorted((ROOT / "survey_app" / "packs").rglob("*.py")),
    ROOT / "survey_app" / "models" / "campaign.py",
    ROOT / "survey_app" / "config.py",
    ROOT / "survey_app" / "db_setup.py",
    *sorted((ROOT / "bots").glob("*.py")),
]
# call name → (index of the positional argument holding the code, catalogue prefix)
CODE_ARGUMENT = {
    "ServiceError": (0, ""),
    "NotFound": (0, ""),
    "Issue": (0, ""),
    "issue": (2, ""),
    "RowIssue": (2, ""),
    "retry": (0, "send."),
    "failed": (0, "send."),
    "defer": (1, "send."),
    "cancelled": (0, "send."),
    "ChannelDown": (0, "send."),
    "release": (1, "send."),
    "err": (1, "pack."),
    "q_err": (2, "pack."),
    "row_err": (2, "pack."),
    "PackIssue": (2, "pack."),
    "ConfigError": (0, "config."),
}


def _used_codes() -> set[str]:
    found = set()
    for path in SCANNED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in CODE_ARGUMENT:
                position, prefix = CODE_ARGUMENT[name]
                if len(node.args) > position:
                    arg = node.args[position]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(prefix + arg.value)
    return found


def test_the_code_scan_finds_codes():
    codes = _used_codes()
    assert {"campaign_exists", "invalid_email", "send.smtp_refused", "pack.duplicate_code", "config.smtp_tls"} <= codes
    assert len(codes) > 100


def test_every_code_has_a_catalogue_entry():
    codes = _used_codes()
    codes |= {f"invalid.{c}" for c in closing.INVALID_CODES} | {f"flag.{c}" for c in closing.FLAG_CODES}
    codes |= {f"unit_flag.{c}" for c in closing.UNIT_FLAG_CODES} | {f"skip.{c}" for c in queue.SKIP_REASONS}
    codes |= {f"send.{c}" for c in outbox.CANCEL_CODES}
    codes |= {"send.gave_up", "send.bounced", "pack_refused", "import_rejected", "message_templates"}
    assert sorted(codes - texts.CATALOGUE.keys()) == []


class _Sample:
    """Stands for any field when an entry is rendered without real data."""

    def __format__(self, spec: str) -> str:
        return "7"

    def __str__(self) -> str:
        return "2024-12-02"

    __repr__ = __str__


class _Fields(dict):
    def __missing__(self, key):
        return _Sample()


def _render(template: str) -> str:
    return texts._FORMAT.vformat(template, (), _Fields())


# English words that are not also Vietnamese ("in", "to", "do", "an" are): their presence means a sentence
# was left untranslated.
ENGLISH = set(
    """the and is are not of with for from please error errors invalid missing required unknown already cannot
    must should file files row rows column columns campaign campaigns link links sent failed submitted answer
    answers response responses questionnaire user users refused queued skipped created updated unchanged issued
    invitation invitations reminder reminders unit units group groups points valid closed open warning warnings
    yes no save submit cancel back next download upload sign login logout loading saved done none""".split()
)
TECHNICAL = re.compile(r"`[^`]*`|\b[A-Z][A-Z0-9_]{2,}\b|\b\w+_\w+\b|\S+\.\w{2,4}\b|https?://\S+")


def english_words(text: str) -> set[str]:
    text = TECHNICAL.sub(" ", re.sub(r"\{[^{}]*\}", " ", text))
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


CATALOGUES = [
    "survey_app.texts.survey",
    "survey_app.texts.delivery",
    "survey_app.texts.index",
    "survey_app.texts.packs",
    "survey_app.texts.accounts",
    "survey_app.texts.config",
    "survey_app.texts.documents",
    "survey_app.texts.audit",
    "survey_app.cli.texts",
    "survey_app.admin.texts",
    "survey_app.respond.texts",
    "survey_app.index_admin.texts",
    "bots.texts",
]


def test_the_english_check_would_catch_english():
    assert english_words("Error: the file is missing") == {"Error", "the", "file", "is", "missing"}
    assert english_words("Đã gửi thư in qua email; đặt MAIL_FROM trong `flask worker` (pack.yaml)") == set()


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_catalogue_entry_renders_in_vietnamese(name):
    module = importlib.import_module(name)
    entries = [s for key, value in vars(module).items() if not key.startswith("_") for s in _strings(value)]
    assert entries, f"{name} holds no text"
    english = {text: english_words(_render(text)) for text in entries}
    assert {t: w for t, w in english.items() if w} == {}


def _visible_text(template: str) -> str:
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", template, flags=re.S)
    text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S)  # code: commands, not prose
    return re.sub(r"<[^>]+>", " ", text)


def test_no_page_or_message_template_speaks_english():
    folder = ROOT / "survey_app" / "templates"
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".html", ".txt", ".json") and path.is_file():
            words = english_words(_visible_text(path.read_text(encoding="utf-8")))
            if words:
                found[str(path.relative_to(folder))] = words
    assert found == {}


def test_static_scripts_speak_vietnamese_to_people():
    """The text a script puts on the page (textContent, alerts) is Vietnamese."""
    for path in sorted((ROOT / "survey_app" / "static").glob("*.js")):
        said = re.findall(r"textContent\s*=\s*([^;]+);", path.read_text(encoding="utf-8"))
        quoted = [s for expr in said for s in re.findall(r'"([^"]*)"', expr)]
        assert all(not english_words(s) for s in quoted), (path.name, quoted)


def test_codes_render_with_vietnamese_numbers_and_dates():
    assert texts.say("invalid.incomplete", answers=1574, expected=1600) == "chưa đủ câu: 1.574/1.600 câu trả lời"
    assert texts.say("invalid.outside_window", day="2026-12-02") == "nộp ngày 02/12/2026, ngoài thời gian khảo sát"
    assert texts.say("percent_over_100", percent=120.5) == "tỷ lệ 120,5 vượt 100%"
    assert texts.percent(59.8) == "59,8%"


def test_an_unknown_code_is_an_error_not_a_silent_english_fallback():
    with pytest.raises(KeyError, match="no catalogue entry for code 'no_such_code'"):
        texts.say("no_such_code")


def test_catalogue_modules_are_where_the_layout_says():
    assert Path(texts.__file__).parent == ROOT / "survey_app" / "texts"


def test_the_close_page_names_every_reason_and_warning():
    from survey_app.admin.texts import CLOSE_REASONS

    assert set(CLOSE_REASONS["invalid"]) == set(closing.INVALID_CODES)
    assert set(CLOSE_REASONS["flag"]) == set(closing.FLAG_CODES)
    assert set(CLOSE_REASONS["unit_flag"]) == set(closing.UNIT_FLAG_CODES)
