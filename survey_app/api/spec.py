"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from flask import jsonify

from . import bp


def _err(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 43},
    "description": "The personal token from the invitation link /s/{token}.",
}
ANSWERS = {
    "type": "object",
    "description": "Answers by target unit code, then question code: the chosen option code "
    "(an empty string or null clears an answer).",
    "additionalProperties": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
    "example": {"SO-NV": {"S01": "A", "S02": "X"}},
}
# Statuses any route may answer: a NUL byte anywhere in the request, the rate limits, a storage fault.
ANY = {
    "400": _err("A NUL byte in the path or the query (error: bad_request)."),
    "429": {
        "description": "Too many requests from this address; Retry-After says in how many seconds to try again.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "503": {
        "description": "The database or the disk cannot be used right now (stopped, read-only, full); nothing "
        "was written. Try again after Retry-After seconds (error: unavailable).",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}
BODY_ERRORS = {
    "400": _err(
        "The body is not an answers object, nothing was read from it (error: body_missing | body_not_utf8 | "
        "body_not_json | body_too_deep | body_not_object | answers_missing; bad_request for a NUL byte)."
    ),
    "413": _err("The body is larger than MAX_ANSWERS_LENGTH (error: request_entity_too_large)."),
}
COMMON = {
    **ANY,
    "403": {
        "description": "The campaign has not opened yet; `opens_at` says when it opens.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NotOpen"}}},
    },
    "404": _err("No questionnaire for this token."),
    "409": _err("Already submitted (from this or another device)."),
    "410": _err("The campaign is closed, or this link was replaced by a newer one (error: closed | revoked)."),
}
CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}, "description": "Campaign code."}
STAFF_ERRORS = {
    **ANY,
    "401": _err("Not signed in and no valid bearer token."),
    "403": _err("The role may not read this."),
    "404": _err("No such campaign."),
}
PROBLEM = {
    "type": "object",
    "properties": {
        "unit": {"type": "string"},
        "question": {"type": "string"},
        "reason": {"type": "string"},
        "text": {"type": "string"},
    },
}


def _staff_read(summary: str, description: str, properties: dict) -> dict:
    """A GET for staff (session or bearer token) answering one JSON object."""
    body = {"application/json": {"schema": {"type": "object", "properties": properties}}}
    return {
        "get": {
            "summary": summary,
            "description": description,
            "security": [{"bearer": []}],
            "parameters": [CODE],
            "responses": {"200": {"description": summary, "content": body}, **STAFF_ERRORS},
        }
    }


SPEC = {
    "openapi": "3.1.0",
    "info": {
        "title": "Khảo sát Chỉ số CCHC: API",
        "version": "1",
        "description": "The respondent flow as JSON, for clients other than the web page. "
        "Responses are anonymous: nothing returned after submit leads back to the person.",
    },
    "paths": {
        "/api/v1/r/{token}": {
            "get": {
                "summary": "The questionnaire with the answers saved so far",
                "parameters": [TOKEN],
                "responses": {
                    "200": {
                        "description": "The questionnaire",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Questionnaire"}}},
                    },
                    **{k: v for k, v in COMMON.items() if k != "409"},
                },
            }
        },
        "/api/v1/campaigns/{code}/progress": _staff_read(
            "Live progress: funnel per unit × group, sample status, totals, submissions per day",
            "admin and monitor see every unit; a unit focal point sees their own unit only "
            "(and no per-day series). Read from counters: the cost does not grow with responses.",
            {
                "campaign": {"type": "object"},
                "overview": {"type": "object"},
                "unit_type_names": {"type": "object", "additionalProperties": {"type": "string"}},
                "cells": {"type": "array", "items": {"$ref": "#/components/schemas/Cell"}},
                "short_cells": {
                    "type": "array",
                    "description": "cells below their minimum sample, worst first, as [unit_code, group_code]",
                    "items": {"type": "array", "items": {"type": "string"}},
                },
                "rated_cells": {"type": "integer", "description": "cells that have a minimum sample"},
                "units": {
                    "type": "array",
                    "description": "units with invitations, lowest response rate first",
                    "items": {"type": "object"},
                },
                "by_day": {"type": "array", "items": {"type": "array"}},
                "days": {
                    "type": "array",
                    "description": "[ISO day, valid submissions] for every day from the opening, zeros included",
                    "items": {"type": "array"},
                },
            },
        ),
        "/api/v1/campaigns/{code}/scores": _staff_read(
            "Live survey points per unit, area and total, with rank within the unit type",
            "Groups with fewer than anonymity_k valid responses about a unit are folded "
            "together and never listed alone. A unit focal point sees their own unit only.",
            {
                "campaign": {"type": "object"},
                "anonymity_k": {"type": "integer"},
                "unit_types": {"type": "array", "items": {"type": "object"}},
                "units": {"type": "array", "items": {"$ref": "#/components/schemas/UnitScore"}},
            },
        ),
        "/api/v1/r/{token}/answers": {
            "put": {
                "summary": "Save some answers to the draft (partial; merged with earlier ones)",
                "parameters": [TOKEN],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "properties": {"answers": ANSWERS}, "required": ["answers"]}
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Saved",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "saved": {"type": "boolean"},
                                        "progress": {"$ref": "#/components/schemas/Progress"},
                                    },
                                }
                            }
                        },
                    },
                    "422": {
                        "description": "Unknown unit, question or option; nothing saved",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invalid"}}},
                    },
                    **COMMON,
                    **BODY_ERRORS,
                },
            }
        },
        "/api/v1/r/{token}/submit": {
            "post": {
                "summary": "Submit the questionnaire once",
                "description": "Optionally carries the last answers. Exactly one of concurrent submits wins; "
                "the others get 409.",
                "parameters": [TOKEN],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"answers": ANSWERS}}}},
                },
                "responses": {
                    "200": {
                        "description": "Stored",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"status": {"const": "submitted"}}}
                            }
                        },
                    },
                    "422": {
                        "description": "Incomplete: every missing question is named; answers sent are kept; "
                        "or answers that are not on the questionnaire (nothing saved)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Invalid"}}},
                    },
                    **COMMON,
                    **BODY_ERRORS,
                },
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A staff token from `flask users token EMAIL` (or the signed-in session).",
            }
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "message"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
            },
            "NotOpen": {
                "type": "object",
                "required": ["error", "message", "opens_at"],
                "properties": {
                    "error": {"const": "not_open"},
                    "message": {"type": "string"},
                    "opens_at": {"type": "string", "format": "date-time"},
                },
            },
            "Invalid": {
                "type": "object",
                "properties": {
                    "error": {"enum": ["incomplete", "invalid_answers"]},
                    "message": {"type": "string"},
                    "missing": {"type": "array", "items": PROBLEM},
                    "problems": {"type": "array", "items": PROBLEM},
                },
            },
            "Cell": {
                "type": "object",
                "properties": {
                    "unit_code": {"type": "string"},
                    "unit_name": {"type": "string"},
                    "unit_type": {"type": "string"},
                    "group_code": {"type": "string"},
                    "group_name": {"type": "string"},
                    "invited": {"type": "integer"},
                    "opened": {"type": "integer"},
                    "started": {"type": "integer"},
                    "submitted": {"type": "integer"},
                    "valid": {"type": "integer"},
                    "minimum": {"type": "integer"},
                    "rate": {"type": "number"},
                    "status": {"enum": ["met", "at_risk", "not_met", "n/a"]},
                    "home": {
                        "type": "boolean",
                        "description": "false: a matrix group's row at a unit it rates (the whole group's funnel)",
                    },
                },
            },
            "UnitScore": {
                "type": "object",
                "properties": {
                    "unit_code": {"type": "string"},
                    "unit_name": {"type": "string"},
                    "unit_type": {"type": "string"},
                    "responses": {"type": "integer", "description": "Valid responses about the unit."},
                    "disclosed": {
                        "type": "boolean",
                        "description": "False when fewer than k valid responses are about the unit: the "
                        "figures are then null (the disclosure rule). Figures move only in steps of k.",
                    },
                    "reason": {"type": ["string", "null"], "enum": ["below_k", None]},
                    "k": {"type": "integer"},
                    "total": {"type": ["number", "null"]},
                    "percent": {"type": ["number", "null"]},
                    "rank": {"type": ["integer", "null"]},
                    "areas": {"type": ["object", "null"], "additionalProperties": {"type": "number"}},
                    "unanswered": {"type": ["integer", "null"]},
                    "groups": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "groups": {"type": "array", "items": {"type": "string"}},
                                "responses": {"type": "integer"},
                            },
                        },
                    },
                },
            },
            "Progress": {
                "type": "object",
                "properties": {"answered": {"type": "integer"}, "total": {"type": "integer"}},
            },
            "Questionnaire": {
                "type": "object",
                "properties": {
                    "campaign": {"type": "object"},
                    "group": {"type": "object"},
                    "status": {"enum": ["issued", "opened", "started", "submitted"]},
                    "anonymity_k": {"type": "integer"},
                    "progress": {"$ref": "#/components/schemas/Progress"},
                    "scales": {"type": "object"},
                    "sections": {
                        "type": "array",
                        "description": "One section per unit rated (several for a matrix questionnaire)",
                        "items": {"type": "object"},
                    },
                    "answers": ANSWERS,
                },
            },
        },
    },
}


@bp.get("/openapi.json")
def openapi():
    """The API description."""
    return jsonify(SPEC)
