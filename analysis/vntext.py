"""Vietnamese text as users read it: NFC, dictionary sort order, 17,75-style numbers."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

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


def fold(text: str) -> str:
    """Lower case without diacritics, for matching names typed differently ('Sở Y tế' ~ 'so y te')."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def format_number(value: float | Decimal | int, digits: int = 2) -> str:
    """17.75 → '17,75'; 1574 with digits=0 → '1.574' (Vietnamese separators)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(str(value)), format=pattern, locale="vi")
