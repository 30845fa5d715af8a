"""Message templates an administrator edits (templates/messages/), checked and rendered in two steps.

Queue time fills everything about the person; send time fills the personal link and the Telegram
deep link, so that the outbox never holds a capability. Placeholders are `{name}` only (no format
specs, no attribute access): a template cannot reach into Python objects.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..errors import Issue, ServiceError
from ..models import Campaign, Channel, Respondent
from ..timeutil import format_vn

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "messages"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
QUEUED = ("ho_ten", "chuc_vu", "don_vi", "chien_dich", "han_chot", "lan_nhac")
AT_SEND = ("lien_ket", "ma_phieu", "nhan_telegram")
KNOWN = frozenset(QUEUED + AT_SEND)
KINDS = ("invitation", "reminder")

# file name → placeholders it must contain. telegram_hint.txt fills {nhan_telegram} when the bot is on.
REQUIRED: dict[str, tuple[str, ...]] = {"zalo_zns.json": ("ma_phieu",), "letter.txt": (), "telegram_hint.txt": ("url",)}
EXTRA_KNOWN = {"telegram_hint.txt": {"url"}}
for _kind in KINDS:
    REQUIRED |= {
        f"email_{_kind}.subject.txt": (),
        f"email_{_kind}.txt": ("lien_ket",),
        f"email_{_kind}.html": ("lien_ket",),
        f"zalo_{_kind}.txt": ("lien_ket",),
        f"telegram_{_kind}.txt": ("lien_ket",),
    }


class TemplateError(ServiceError):
    """Templates with unknown or missing placeholders; `issues` names each file and placeholder."""

    def __init__(self, issues: list[Issue]):
        self.problems = issues
        super().__init__("message_templates", issues=issues)


def _directory() -> Path:
    return Path(current_app.config.get("MESSAGE_TEMPLATE_DIR") or TEMPLATE_DIR)


def _read(name: str, directory: Path | None = None) -> str:
    return ((directory or _directory()) / name).read_text(encoding="utf-8")


def check_templates(directory: str | Path | None = None) -> None:
    """Refuse a template set that would send a message without a link or with a literal `{typo}`."""
    folder = Path(directory) if directory else _directory()
    problems: list[Issue] = []
    for name, required in sorted(REQUIRED.items()):
        path = folder / name
        if not path.is_file():
            problems.append(Issue("template_missing", {"file": name}))
            continue
        text = path.read_text(encoding="utf-8")
        used = set(PLACEHOLDER.findall(text))
        unknown = sorted(used - KNOWN - EXTRA_KNOWN.get(name, set()))
        missing = sorted(set(required) - used)
        if unknown:
            problems.append(Issue("template_unknown_placeholder", {"file": name, "names": unknown}))
        if missing:
            problems.append(Issue("template_missing_placeholder", {"file": name, "names": missing}))
        if name.endswith(".json"):
            try:
                data = json.loads(text)
            except ValueError as exc:
                problems.append(Issue("template_bad_json", {"file": name, "detail": str(exc)}))
                continue
            if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
                problems.append(Issue("template_not_mapping", {"file": name}))
    if problems:
        raise TemplateError(problems)


def person_values(campaign: Campaign, respondent: Respondent, reminder: int = 0) -> dict[str, str]:
    """What queue time knows about the person (the unit is loaded by the caller)."""
    return {
        "ho_ten": respondent.full_name,
        "chuc_vu": respondent.position or "",
        "don_vi": respondent.unit.name,
        "chien_dich": campaign.title,
        "han_chot": format_vn(campaign.closes_at),
        "lan_nhac": str(reminder) if reminder else "",
    }


def _substitute(text: str, values: dict[str, str], escape: bool) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)  # an at-send placeholder stays for later
        return html.escape(values[name]) if escape else values[name]

    return PLACEHOLDER.sub(one, text)


@dataclass(frozen=True)
class Templates:
    """The template files read once per batch of decisions."""

    files: dict[str, str]

    @classmethod
    def load(cls) -> Templates:
        check_templates()
        return cls({name: _read(name) for name in REQUIRED})

    def content(self, channel: str, kind: str, values: dict[str, str]) -> dict:
        """The stored content of one message, with the at-send placeholders still in place."""
        base = "invitation" if kind == "invitation" else "reminder"
        f = self.files
        if channel == Channel.EMAIL:
            return {
                "subject": _substitute(f[f"email_{base}.subject.txt"], values, False).strip(),
                "text": _substitute(f[f"email_{base}.txt"], values, False),
                "html": _substitute(f[f"email_{base}.html"], values, True),
                "name": values["ho_ten"],
            }
        if channel == Channel.ZALO:
            data = json.loads(f["zalo_zns.json"])
            return {
                "text": _substitute(f[f"zalo_{base}.txt"], values, False).strip(),
                "template_data": {k: _substitute(v, values, False) for k, v in data.items()},
            }
        if channel == Channel.TELEGRAM:
            return {"text": _substitute(f[f"telegram_{base}.txt"], values, False).strip()}
        raise ValueError(f"unknown channel {channel!r}; expected one of email, zalo, telegram")

    def letter_text(self, values: dict[str, str]) -> str:
        return _substitute(self.files["letter.txt"], values, False).strip()


def fill_at_send(text: str, link: str, token: str, telegram_url: str | None, escape: bool = False) -> str:
    """Put the personal link in at the last moment; the result is never stored or logged."""
    hint = _substitute(_read("telegram_hint.txt").strip(), {"url": telegram_url}, escape) if telegram_url else ""
    values = {"lien_ket": link, "ma_phieu": token, "nhan_telegram": hint}
    return _substitute(text, values, escape)
