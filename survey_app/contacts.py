"""Phone numbers and e-mail addresses as the roster stores them, written once for every caller."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email


def normalise_phone(text: str) -> str | None:
    """'0912 345 678', '912345678' (Excel dropped the 0), '+84 912-345-678' → '+84912345678'; None if not Vietnamese."""
    digits = re.sub(r"[\s.()-]", "", text)
    candidates = [digits]
    if digits.startswith("84"):
        candidates.append("+" + digits)  # 84912345678 typed without the plus
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, "VN")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) == "VN":
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def normalise_email(text: str) -> str | None:
    """The address in normal form, lower case; None when it is not an address."""
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
