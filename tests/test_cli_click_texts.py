"""Issue 9: click's own words (usage, help headings, its errors) are Vietnamese too."""

from __future__ import annotations

import re

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
