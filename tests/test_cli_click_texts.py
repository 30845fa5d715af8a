"""Issue 9: click's own words (usage, help headings, its errors) are Vietnamese too."""

from __future__ import annotations

import re
from pathlib import Path

import click.core
import click.exceptions
import click.formatting

from survey_app.cli import click_texts

from .test_catalogue import english_words


def test_help_and_errors_of_the_cli_are_vietnamese(runner):
    help_text = runner.invoke(args=["campaign", "--help"]).output
    assert help_text.startswith("Cách dùng:") and "Tùy chọn:" in help_text and "Lệnh:" in help_text
    assert "Hiện hướng dẫn này rồi thoát." in help_text
    assert not re.search(r"\b(Usage|Options|Commands|Show this message)\b", help_text)

    cases = {
        ("campaign", "khong-co"): "Lỗi: Không có lệnh 'khong-co'.",
        ("pack", "check"): "Lỗi: Thiếu tham số 'DIRECTORY'.",
        ("tallies", "rebuild", "thua"): "Lỗi: Thừa tham số (thua)",
        ("campaign", "status", "--bogus"): "Lỗi: Không có tùy chọn '--bogus'.",
    }
    for args, error in cases.items():
        result = runner.invoke(args=list(args))
        lines = result.output.splitlines()
        assert result.exit_code == 2 and lines[0].startswith("Cách dùng: "), result.output
        assert (
            lines[1]
            == f"Gõ '{lines[0].split()[2]} {' '.join(a for a in args if not a.startswith('-') and a not in ('khong-co', 'thua'))} --help' để xem hướng dẫn."
        )
        assert lines[-1] == error


def test_every_click_text_is_translated_into_vietnamese():
    for english, vietnamese in click_texts.CLICK.items():
        placeholders = set(re.findall(r"\{[^}]*\}", english))
        assert set(re.findall(r"\{[^}]*\}", vietnamese)) <= placeholders, english  # (may drop an English word)
        words = english_words(re.sub(r"\{[^}]*\}", "", vietnamese))
        assert not words, (english, words)
    click_texts.install()
    assert click.core._("Usage:") == "Cách dùng:"
    assert click.exceptions._("Error: {message}") == "Lỗi: {message}"
    assert click.formatting._("Usage:") == "Cách dùng:"


def test_plural_texts_keep_their_placeholders_and_speak_vietnamese():
    for (singular, plural), vietnamese in click_texts.CLICK_PLURAL.items():
        placeholders = set(re.findall(r"\{[^}]*\}", singular + plural))
        assert set(re.findall(r"\{[^}]*\}", vietnamese)) <= placeholders, singular
        assert not english_words(re.sub(r"\{[^}]*\}", "", vietnamese)), singular


def _click_msgids(module: str) -> set:
    """Every text click's module marks for translation: a msgid, or (singular, plural)."""
    import ast
    import importlib

    source = Path(importlib.import_module(f"click.{module}").__file__)
    found = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "ngettext"):
            args = tuple(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
            found.add(args[0] if node.func.id == "_" else args[:2])
    return found


def test_every_type_conversion_text_of_click_is_in_the_catalogue():
    """A newer click with a new conversion message fails here instead of printing English."""
    known = click_texts.CLICK.keys() | click_texts.CLICK_PLURAL.keys()
    assert sorted(map(str, _click_msgids("types") - known - {"Choice({choices})"})) == []  # (a repr, not shown)


def test_conversion_errors_read_in_vietnamese(runner):
    result = runner.invoke(args=["invitations", "remind", "--min-days", "abc"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Lỗi: Giá trị không hợp lệ cho '--min-days': 'abc' không phải một số hợp lệ."
    )
    result = runner.invoke(args=["invitations", "send", "--channel", "fax"])
    assert result.output.splitlines()[-1] == (
        "Lỗi: Giá trị không hợp lệ cho '--channel': 'fax' không phải một trong các giá trị 'email', 'zalo', 'telegram'."
    )


def test_other_conversions_read_in_vietnamese():
    from click.testing import CliRunner

    @click.command()
    @click.option("--flag", type=bool)
    @click.option("--day", type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--pair", type=(int, int))
    def probe(flag, day, pair):
        pass

    click_texts.install()
    cases = {
        ("--flag", "maybe"): "Lỗi: Giá trị không hợp lệ cho '--flag': 'maybe' không phải giá trị có/không hợp lệ.",
        ("--day", "12/2024"): "Lỗi: Giá trị không hợp lệ cho '--day': '12/2024' không đúng định dạng '%Y-%m-%d'.",
        ("--pair", "1"): "Lỗi: Tùy chọn '--pair' cần 2 giá trị.",
    }
    for args, expected in cases.items():
        out = CliRunner().invoke(probe, list(args)).output.splitlines()[-1]
        assert out.startswith(expected), out
        # (the accepted spellings of a boolean, `yes`, `no`…, are what to type: not a sentence)
        assert not english_words(out.replace("--", " ").partition("Viết một trong")[0]), out
