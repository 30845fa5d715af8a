"""The JSON body of the respondent API, read defensively: its size was bounded before it was read
(MAX_ANSWERS_LENGTH, `faults`), then it must be UTF-8, nest no deeper than the answers' shape
(counted on the text, before a parser walks it) and parse as an object. What the answers say is the
service's to check (422)."""

from __future__ import annotations

import json
import re

from flask import request

from ..errors import ServiceError

# {"answers": {unit: {question: option}}}: three levels of objects; anything deeper is not answers.
ANSWERS_DEPTH = 3
_TOKENS = re.compile(r'["\\\[\]{}]')


class BadBody(ServiceError):
    """A body that is not an answers object: 400, with the reason as a code."""


def nesting_depth(text: str, stop_above: int) -> int:
    """The deepest nesting of arrays and objects, strings skipped; stops counting past `stop_above`.
    Linear in the text, whatever it holds (no backtracking, no recursion)."""
    depth = deepest = 0
    in_string, escaped = False, -1
    for match in _TOKENS.finditer(text):
        char, at = match.group(), match.start()
        if in_string:
            if at == escaped:
                continue
            if char == "\\":
                escaped = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > stop_above:
                break
        elif char in "]}":
            depth -= 1
    return deepest


def answers_from_body(required: bool) -> object:
    """The `answers` of the body; {} when an optional body is empty. Raises BadBody."""
    raw = request.get_data(cache=False)
    if not raw.strip():
        if required:
            raise BadBody("body_missing")
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("body_not_utf8") from None
    if nesting_depth(text, ANSWERS_DEPTH) > ANSWERS_DEPTH:
        raise BadBody("body_too_deep", limit=ANSWERS_DEPTH)
    try:
        body = json.loads(text)
    except ValueError:
        raise BadBody("body_not_json") from None
    if not isinstance(body, dict):
        raise BadBody("body_not_object")
    if "answers" not in body:
        if required:
            raise BadBody("answers_missing")
        return {}
    return body["answers"]
