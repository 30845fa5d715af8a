"""Vietnamese text as users read it: NFC, dictionary sort order, numbers and dates in the decision's style
(scores 17,75; maxima 20 and 12,5; percentages 93,2%; counts 06; 1.574; ngày 05 tháng 01 năm 2025)."""

from __future__ import annotations

import functools
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

# Letters of the Vietnamese alphabet in dictionary order (f, j, w, z appear in loan words).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {c: i for i, c in enumerate(_ALPHABET)}
# Vowel marks that make a separate letter: breve, circumflex, horn.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tones in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def nfc(text: str) -> str:
    """Normalise to NFC and collapse runs of white space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def sort_key(text: str) -> tuple:
    """Key for Vietnamese dictionary order: letters first (a < ă < â < b … d < đ), then tones, then case."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    cases: list[int] = []
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        lower = base.lower()
        letter = unicodedata.normalize("NFC", lower + "".join(m for m in marks if m in _LETTER_MARKS))
        if lower == "đ":
            letter = "đ"
        if letter in _RANK:
            letters.append((2, _RANK[letter]))
        elif lower.isdigit():
            letters.append((1, ord(lower)))
        elif lower.isspace():
            letters.append((0, 0))
        else:
            letters.append((0, ord(lower) + 1))
        tones.append(next((_TONES[m] for m in marks if m in _TONES), 0))
        cases.append(0 if base == lower else 1)
    return (tuple(letters), tuple(tones), tuple(cases))


@functools.lru_cache(maxsize=4096)
def name_key(text: str) -> tuple:
    """`sort_key`, remembered: the dashboard sorts the same unit and group names on every request."""
    return sort_key(text)


def fold(text: str) -> str:
    """Lower case without diacritics, for matching names typed differently ('Sở Y tế' ~ 'so y te')."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def format_number(value: float | Decimal | int, digits: int = 2) -> str:
    """17.75 → '17,75'; 1574 with digits=0 → '1.574' (Vietnamese separators)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(str(value)), format=pattern, locale="vi")


def format_trimmed(value: float | Decimal | int, digits: int = 2) -> str:
    """Maxima and percentages as the decision writes them: 20.00 → '20', 93.20 → '93,2', 12.5 → '12,5'."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return format_decimal(exact, format="#,##0." + "#" * digits if digits else "#,##0", locale="vi")


def format_percent(value: float | Decimal | int, digits: int = 2) -> str:
    """93.20 → '93,2%' (no space, trailing zeros dropped, as in the decision)."""
    return format_trimmed(value, digits) + "%"


def format_count(count: int) -> str:
    """Counts of units, ranks and places as the decision writes them: 6 → '06', 20 → '20', 1574 → '1.574'."""
    return f"{count:02d}" if 0 <= count < 100 else format_number(count, 0)


def format_date(day: date) -> str:
    """'ngày 05 tháng 01 năm 2025': a day under 10 and the months 1 and 2 take a leading zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
