"""The problem list of a questionnaire page, shaped for the template: per unit in page order, numbered as
the page numbers its questions, consecutive missing ones folded into one link ('9–12'; a unit left empty
is '1–12', not twelve links), and which questions to mark in the form."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import bp
from .texts import ANONYMITY, PROBLEMS


@dataclass(frozen=True)
class Link:
    label: str  # '3' or '9–12'
    problem: object  # the first problem of the run: the link goes to its question
    reason: str = ""  # words for a problem other than a missing answer


@dataclass
class ProblemList:
    groups: list = field(default_factory=list)  # (page index, unit, [Link]) in page order
    strays: list = field(default_factory=list)  # reasons of problems about no unit of the form
    marked: dict = field(default_factory=dict)  # (unit code, question code) → problem code
    all_missing: bool = True  # every problem is an unanswered question


@bp.app_template_global()
def anonymity_note(k: int) -> str:
    """The promise at the top of the questionnaire, with the pack's k."""
    return ANONYMITY.format(k=k)


@bp.app_template_global()
def problem_list(q, problems: list) -> ProblemList:
    """What the page shows about `problems` (a failed submit's, or what is still missing)."""
    number = {(s.unit.code, qq.code): i for s in q.sections for i, qq in enumerate(s.questions, start=1)}
    listed: dict[str, list] = {}
    for p in problems:
        listed.setdefault(p.unit, []).append((p.number or number.get((p.unit, p.question), 0), p))
    units = {s.unit.code for s in q.sections}
    return ProblemList(
        groups=[(i, s.unit, _runs(listed[s.unit.code])) for i, s in enumerate(q.sections) if s.unit.code in listed],
        strays=[PROBLEMS[p.code] for p in problems if p.unit not in units],
        marked={(p.unit, p.question): p.code for p in problems},
        all_missing=all(p.code == "missing" for p in problems),
    )


def _runs(numbered: list) -> list[Link]:
    runs: list[list] = []
    for n, p in sorted(numbered, key=lambda item: item[0]):
        last = runs[-1] if runs else None
        if last and n and p.code == last[2].code == "missing" and n == last[1] + 1:
            last[1] = n
        else:
            runs.append([n, n, p])
    return [
        Link(str(a or p.question) if a == b else f"{a}–{b}", p, "" if p.code == "missing" else PROBLEMS[p.code])
        for a, b, p in runs
    ]
