"""Load a questionnaire pack directory, refusing it with every error named by file, path and reason."""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from ..errors import ServiceError
from .checks import PackIssue, check_meaning
from .model import Pack
from .schema import PACK, QUESTIONS_FILE


class PackError(ServiceError):
    """The pack is refused; `issues` lists every error found."""

    def __init__(self, issues: list[PackIssue]):
        self.issues = issues
        super().__init__("pack_refused", count=len(issues))


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack
    content: dict  # normalised dict: what a campaign stores
    files: dict[str, str]  # file name -> text, as read
    sha256: str
    warnings: list[PackIssue]


def load_pack(directory: str | Path) -> LoadedPack:
    """Read, validate and normalise a pack directory; raise PackError listing every problem."""
    root = Path(directory)
    main = root / "pack.yaml"
    if not main.is_file():
        raise PackError([PackIssue(str(root), "", "no_pack_yaml")])
    paths = [main, *sorted((root / "questions").glob("*.yaml")), *sorted(root.glob("*.csv"))]
    files, bad = {}, []
    for path in paths:
        name = path.relative_to(root).as_posix()
        try:
            files[name] = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad.append(PackIssue(f"{root}/{name}", "", "not_utf8", {"byte": exc.start}))
    if bad:
        raise PackError(bad)
    return load_pack_files(files, origin=str(root))


# PyYAML's problem (English) → the code of a Vietnamese hint; any other syntax error gets the general one.
_YAML_PROBLEMS = {
    "found character '\\t'": "not_yaml_tab",
    "mapping values are not allowed": "not_yaml_colon_place",
    "could not find expected ':'": "not_yaml_colon_missing",
}


def _yaml_issue(file: str, exc: yaml.YAMLError) -> PackIssue:
    """A YAML syntax error by where it is (line and column counted from 1, from the exception's
    problem_mark) and a code; PyYAML's own English text stays out of what users read."""
    problem = str(getattr(exc, "problem", "") or "")
    code = next((c for text, c in _YAML_PROBLEMS.items() if problem.startswith(text)), "not_yaml")
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return PackIssue(file, "", code)
    line, column = mark.line + 1, mark.column + 1
    return PackIssue(file, "", code, {"line": line, "column": column}, row=line, column=str(column))


def load_pack_files(files: dict[str, str], origin: str = "") -> LoadedPack:
    """Validate a pack given as {relative file name: text}; the campaign keeps the same mapping."""
    issues: list[PackIssue] = []
    name = lambda f: f"{origin}/{f}" if origin else f  # noqa: E731
    docs: dict[str, dict] = {}
    for fname, text in files.items():
        if not fname.endswith(".yaml"):
            continue
        schema = PACK if fname == "pack.yaml" else QUESTIONS_FILE
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            issues.append(_yaml_issue(name(fname), exc))
            continue
        doc = _nfc(doc)
        for err in sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str):
            issues.append(PackIssue(name(fname), _path(err.absolute_path), *_reason(err)))
        docs[fname] = doc
    if issues:
        raise PackError(issues)

    content = dict(docs["pack.yaml"])
    sources: list[tuple[str, int]] = []  # question index -> (file, index in file)
    questions = []
    for fname, doc in docs.items():
        for i, q in enumerate(doc.get("questions") or []):
            questions.append(dict(q))
            sources.append((fname, i))
    content["questions"] = questions
    if "units_file" in content:
        units_name = content["units_file"]
        if units_name not in files:
            issues.append(PackIssue(name("pack.yaml"), "units_file", "units_file_missing", {"file": units_name}))
        else:
            content["units"] = _read_units(files[units_name], name(units_name), issues)
    errors, warnings = check_meaning(content, sources, name)
    issues += errors
    if issues:
        raise PackError(issues)
    digest = hashlib.sha256()
    for fname in sorted(files):
        digest.update(fname.encode() + b"\0" + files[fname].encode("utf-8") + b"\0")
    return LoadedPack(Pack.from_dict(content), content, dict(files), digest.hexdigest(), warnings)


def _read_units(text: str, fname: str, issues: list[PackIssue]) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name", "unit_type"} - set(reader.fieldnames or [])
    if missing:
        issues.append(PackIssue(fname, "", "units_columns_missing", {"columns": sorted(missing)}, row=1))
        return []
    rows = []
    for n, row in enumerate(reader, start=2):
        code, uname, utype = ((row.get(k) or "").strip() for k in ("code", "name", "unit_type"))
        if not code or not uname or not utype:
            issues.append(PackIssue(fname, "", "units_row_incomplete", row=n))
            continue
        rows.append({"code": code, "name": unicodedata.normalize("NFC", uname), "unit_type": utype, "_row": n})
    return rows


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def _path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _reason(err: jsonschema.ValidationError) -> tuple[str, dict]:
    """The code and fields of a structure error (jsonschema's own message only as a last resort)."""
    v, expected = err.validator, err.validator_value
    if v == "additionalProperties":
        return "unknown_keys", {"keys": sorted(set(err.instance) - set(err.schema.get("properties", {})))}
    if v == "required":
        return "key_required", {"key": next(k for k in expected if k not in err.instance)}
    if v == "oneOf" and err.absolute_path and err.absolute_path[-1] == "rates":
        return "rates_form", {}
    if v == "type":
        return "wrong_type", {"expected": expected, "value": err.instance}
    if v in ("enum", "const"):
        return "not_allowed_value", {"value": err.instance, "allowed": expected if v == "enum" else [expected]}
    if v == "pattern":
        return "bad_code", {"value": err.instance}
    if v in ("minimum", "exclusiveMinimum"):
        return "below_minimum", {"value": err.instance, "minimum": expected}
    if v in ("maximum", "exclusiveMaximum"):
        return "above_maximum", {"value": err.instance, "maximum": expected}
    if v in ("minItems", "minLength"):
        return "too_short", {"minimum": expected}
    return "schema_error", {"detail": err.message}
