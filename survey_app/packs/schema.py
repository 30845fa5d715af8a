"""JSON Schema of a questionnaire pack file (structure only; `loader` checks meaning)."""

CODE = {"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,40}$"}
TEXT = {"type": "string", "minLength": 1}
POINTS = {"type": "number", "minimum": 0}


def _obj(required: list[str], **props: dict) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": props,
    }


QUESTION = _obj(
    ["code", "unit_type", "area", "text", "scale", "points"],
    code=CODE,
    unit_type=CODE,
    area=CODE,
    text=TEXT,
    scale=CODE,
    points=POINTS,
    criterion={"type": "string"},
    sub_criterion={"type": "string"},
    help={"type": "string"},
    groups={"type": "array", "items": CODE, "minItems": 1},
)

OPTION = _obj(
    ["code", "label"],
    code=CODE,
    label=TEXT,
    weight={"type": "number"},
    dont_know={"type": "boolean"},
)

PACK = _obj(
    ["format", "code", "title", "year", "scoring", "rounding", "bands", "scales", "unit_types", "groups"],
    format={"const": 1},
    code={"type": "string", "pattern": r"^[a-z0-9-]{1,40}$"},
    title=TEXT,
    year={"type": "integer", "minimum": 2000, "maximum": 2100},
    description={"type": "string"},
    wording_note={"type": "string"},
    anonymous={"type": "boolean"},
    anonymity_k={"type": "integer", "minimum": 1},
    publish_below_k={"type": "boolean"},
    min_seconds={"type": "integer", "minimum": 0},
    max_reminders={"type": "integer", "minimum": 0},
    units_file={"type": "string", "pattern": r"^[A-Za-z0-9._-]+\.csv$"},
    scoring=_obj(["method"], method={"enum": ["pooled", "group_weights"]}),
    rounding=_obj(
        ["digits", "mode", "stage"],
        digits={"type": "integer", "minimum": 0, "maximum": 4},
        mode={"enum": ["half_up", "half_even"]},
        stage={"enum": ["question", "area", "total"]},
    ),
    bands={
        "type": "array",
        "minItems": 1,
        "items": _obj(["code", "name", "min_percent"], code=CODE, name=TEXT, min_percent=POINTS),
    },
    scales={
        "type": "array",
        "minItems": 1,
        "items": _obj(
            ["code", "options"],
            code=CODE,
            name={"type": "string"},
            options={"type": "array", "minItems": 2, "items": OPTION},
        ),
    },
    unit_types={
        "type": "array",
        "minItems": 1,
        "items": _obj(
            ["code", "name", "total_points", "survey_points", "areas"],
            code=CODE,
            name=TEXT,
            total_points=POINTS,
            survey_points=POINTS,
            known_total_mismatch={"type": "string"},
            areas={
                "type": "array",
                "minItems": 1,
                "items": _obj(["code", "name", "max_points"], code=CODE, name=TEXT, max_points=POINTS),
            },
        ),
    },
    groups={
        "type": "array",
        "minItems": 1,
        "items": _obj(
            ["code", "name", "unit_type", "rates"],
            code=CODE,
            name=TEXT,
            unit_type=CODE,
            rates={"oneOf": [{"const": "own"}, _obj(["unit_type"], unit_type=CODE)]},
            min_responses={"type": "integer", "minimum": 1},
            weight={"type": "number"},
        ),
    },
    questions={"type": "array", "items": QUESTION},
    # Optional, for the index (issue 5): how a citizens' satisfaction percentage becomes points, and
    # what decides between equal totals.
    satisfaction={
        "type": "array",
        "items": _obj(
            ["unit_type", "area", "max_points"],
            unit_type=CODE,
            area=CODE,
            max_points=POINTS,
            rule={"enum": ["linear"]},
            floor_percent={"type": "number", "minimum": 0, "exclusiveMaximum": 100},
        ),
    },
    tie_break={"type": "array", "items": CODE},
)

QUESTIONS_FILE = _obj(["questions"], questions={"type": "array", "items": QUESTION})
