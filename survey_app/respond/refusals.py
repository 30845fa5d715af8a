"""The HTTP status of each refusal of the respondent flow, for the page and the JSON API alike."""

STATUS = {
    "unknown": 404,
    "not_open": 403,
    "already_submitted": 409,
    "closed": 410,
    "revoked": 410,
    "incomplete": 422,
    "invalid_answers": 422,
}
