"""Load a questionnaire pack directory, refusing it with every error named by file, path and reason."""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import jsonschema
import yaml

from .model import Pack
from .schema import PACK, QUESTIONS_FILE


@dataclass(frozen=True)
class PackIssue:
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.reason}" if self.path else f"{self.file}: {self.reason}"


class PackError(ValueError):
    """The pack is refused; `issues` lists every error found."""

    def __init__(self, issues: list[PackIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


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
        raise PackError([PackIssue(str(root), "", "no pack.yaml in this directory")])
    paths = [main, *sorted((root / "questions").glob("*.yaml")), *sorted(root.glob("*.csv"))]
    files, bad = {}, []
    for path in paths:
        name = path.relative_to(root).as_posix()
        try:
            files[name] = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad.append(PackIssue(f"{root}/{name}", f"byte {exc.start}", "not UTF-8 text; save the file as UTF-8"))
    if bad:
        raise PackError(bad)
    return load_pack_files(files, origin=str(root))


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
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else ""
            issues.append(PackIssue(name(fname), where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
            continue
        doc = _nfc(doc)
        for err in sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str):
            issues.append(PackIssue(name(fname), _path(err.absolute_path), _reason(err)))
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
            issues.append(PackIssue(name("pack.yaml"), "units_file", f"file {units_name!r} not found in the pack"))
        else:
            content["units"] = _read_units(files[units_name], name(units_name), issues)
    checker = _Checker(content, sources, name)
    checker.run()
    issues += checker.errors
    if issues:
        raise PackError(issues)
    digest = hashlib.sha256()
    for fname in sorted(files):
        digest.update(fname.encode() + b"\0" + files[fname].encode("utf-8") + b"\0")
    return LoadedPack(Pack.from_dict(content), content, dict(files), digest.hexdigest(), checker.warnings)


class _Checker:
    """Meaning checks over the merged pack: references, uniqueness, sums."""

    def __init__(self, content: dict, sources: list[tuple[str, int]], name):
        self.c = content
        self.sources = sources
        self.name = name
        self.errors: list[PackIssue] = []
        self.warnings: list[PackIssue] = []

    def err(self, path: str, reason: str, file: str = "pack.yaml") -> None:
        self.errors.append(PackIssue(self.name(file), path, reason))

    def q_err(self, index: int, field: str, reason: str) -> None:
        fname, i = self.sources[index]
        self.err(f"questions[{i}].{field}" if field else f"questions[{i}]", reason, fname)

    def run(self) -> None:
        c = self.c
        self._unique("scales", c["scales"])
        self._unique("unit_types", c["unit_types"])
        self._unique("groups", c["groups"])
        self._unique("bands", c["bands"])
        scales = {s["code"]: s for s in c["scales"]}
        types = {t["code"]: t for t in c["unit_types"]}
        groups = {g["code"]: g for g in c["groups"]}
        for si, s in enumerate(c["scales"]):
            self._unique(f"scales[{si}].options", s["options"])
            for oi, o in enumerate(s["options"]):
                p = f"scales[{si}].options[{oi}].weight"
                if o.get("dont_know"):
                    if "weight" in o:
                        self.err(p, "a 'don't know' option has no weight: it leaves the denominator")
                elif "weight" not in o:
                    self.err(p, "missing: every option except 'don't know' needs a weight in [0, 1]")
                elif not 0 <= o["weight"] <= 1:
                    self.err(p, f"weight {o['weight']} is outside [0, 1]")
        for ti, t in enumerate(c["unit_types"]):
            self._unique(f"unit_types[{ti}].areas", t["areas"])
            area_sum = sum(_d(a["max_points"]) for a in t["areas"])
            if area_sum != _d(t["total_points"]):
                msg = (
                    f"area max_points add up to {_fmt(area_sum)}, "
                    f"not the declared total_points {_fmt(t['total_points'])}"
                )
                if t.get("known_total_mismatch"):
                    self.warnings.append(PackIssue(self.name("pack.yaml"), f"unit_types[{ti}].areas", msg))
                else:
                    self.err(f"unit_types[{ti}].areas", msg + " (declare known_total_mismatch if intended)")
        self._check_bands()
        self._check_groups(groups, types)
        self._check_questions(scales, types, groups)
        self._check_units(types)
        self._check_index_keys(types)

    def _check_index_keys(self, types: dict) -> None:
        """The optional satisfaction rules and tie-break name known unit types and areas."""
        seen: set[str] = set()
        for si, s in enumerate(self.c.get("satisfaction") or []):
            t = types.get(s["unit_type"])
            if t is None:
                self.err(f"satisfaction[{si}].unit_type", f"unknown unit type {s['unit_type']!r}")
                continue
            if s["unit_type"] in seen:
                self.err(f"satisfaction[{si}].unit_type", f"a second rule for unit type {s['unit_type']!r}")
            seen.add(s["unit_type"])
            area = next((a for a in t["areas"] if a["code"] == s["area"]), None)
            if area is None:
                self.err(f"satisfaction[{si}].area", f"unknown area {s['area']!r} for unit type {s['unit_type']!r}")
            elif _d(s["max_points"]) > _d(area["max_points"]):
                self.err(
                    f"satisfaction[{si}].max_points",
                    f"{_fmt(s['max_points'])} is above the max_points {_fmt(area['max_points'])} of {s['area']!r}",
                )
        areas = {a["code"] for t in types.values() for a in t["areas"]}
        for i, key in enumerate(self.c.get("tie_break") or []):
            if key not in {"appraisal", "survey", "satisfaction"} | areas:
                self.err(f"tie_break[{i}]", f"{key!r} is neither appraisal, survey, satisfaction nor an area code")

    def _unique(self, path: str, items: list[dict]) -> None:
        seen = Counter(i["code"] for i in items)
        for idx, item in enumerate(items):
            if seen[item["code"]] > 1:
                self.err(f"{path}[{idx}].code", f"duplicate code {item['code']!r}")

    def _check_bands(self) -> None:
        mins = [_d(b["min_percent"]) for b in self.c["bands"]]
        if any(a <= b for a, b in pairwise(mins)):
            self.err("bands", "bands must be listed with strictly descending min_percent")
        if mins[-1] != 0:
            self.err(f"bands[{len(mins) - 1}].min_percent", "the last band must start at 0")
        if mins[0] > 100:
            self.err("bands[0].min_percent", "min_percent is above 100")

    def _check_groups(self, groups: dict, types: dict) -> None:
        weighted = self.c["scoring"]["method"] == "group_weights"
        weight_sums: dict[str, Decimal] = defaultdict(Decimal)
        for gi, g in enumerate(self.c["groups"]):
            if g["unit_type"] not in types:
                self.err(f"groups[{gi}].unit_type", f"unknown unit type {g['unit_type']!r}")
            rates = g["rates"]
            target = g["unit_type"] if rates == "own" else rates["unit_type"]
            if rates != "own" and target not in types:  # with `own`, the unit_type error above says it
                self.err(f"groups[{gi}].rates.unit_type", f"unknown unit type {target!r}")
            if "weight" in g:
                if not 0 <= g["weight"] <= 1:
                    self.err(f"groups[{gi}].weight", f"weight {g['weight']} is outside [0, 1]")
                weight_sums[target] += _d(g["weight"])
            elif weighted:
                self.err(f"groups[{gi}].weight", "missing: scoring method group_weights needs a weight per group")
        if weighted:
            for t, total in weight_sums.items():
                if total != 1:
                    self.err("groups", f"weights of the groups rating unit type {t!r} add up to {_fmt(total)}, not 1")
        rated = {g["unit_type"] if g["rates"] == "own" else g["rates"]["unit_type"] for g in self.c["groups"]}
        for ti, t in enumerate(self.c["unit_types"]):
            if t["code"] not in rated:
                self.err(f"unit_types[{ti}]", f"no group rates units of type {t['code']!r}")

    def _check_questions(self, scales: dict, types: dict, groups: dict) -> None:
        seen: dict[str, int] = {}
        points: dict[str, Decimal] = defaultdict(Decimal)
        area_points: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for qi, q in enumerate(self.c["questions"]):
            if q["code"] in seen:
                f, i = self.sources[seen[q["code"]]]
                self.q_err(qi, "code", f"duplicate code {q['code']!r} (first in {self.name(f)} questions[{i}])")
            seen.setdefault(q["code"], qi)
            if q["scale"] not in scales:
                self.q_err(qi, "scale", f"unknown scale {q['scale']!r}")
            t = types.get(q["unit_type"])
            if t is None:
                self.q_err(qi, "unit_type", f"unknown unit type {q['unit_type']!r}")
                continue
            if q["area"] not in {a["code"] for a in t["areas"]}:
                self.q_err(qi, "area", f"unknown area {q['area']!r} for unit type {q['unit_type']!r}")
            points[q["unit_type"]] += _d(q["points"])
            area_points[(q["unit_type"], q["area"])] += _d(q["points"])
            raters = [
                code
                for code, g in groups.items()
                if (g["unit_type"] if g["rates"] == "own" else g["rates"]["unit_type"]) == q["unit_type"]
            ]
            if "groups" not in q:
                q["groups"] = raters
                if not raters:
                    self.q_err(qi, "", f"no group rates units of type {q['unit_type']!r}, so nobody sees it")
            for gi, gcode in enumerate(q["groups"]):
                if gcode not in groups:
                    self.q_err(qi, f"groups[{gi}]", f"unknown group {gcode!r}")
                elif gcode not in raters:
                    self.q_err(qi, f"groups[{gi}]", f"group {gcode!r} does not rate units of type {q['unit_type']!r}")
        for ti, t in enumerate(self.c["unit_types"]):
            got = points[t["code"]]
            if got != _d(t["survey_points"]):
                self.err(
                    f"unit_types[{ti}].survey_points",
                    f"question points for unit type {t['code']!r} add up to {_fmt(got)}, "
                    f"not the declared survey_points {_fmt(t['survey_points'])}",
                )
            for ai, a in enumerate(t["areas"]):
                got = area_points[(t["code"], a["code"])]
                if got > _d(a["max_points"]):
                    self.err(
                        f"unit_types[{ti}].areas[{ai}]",
                        f"question points of area {a['code']!r} add up to {_fmt(got)}, "
                        f"above its max_points {_fmt(a['max_points'])}",
                    )

    def _check_units(self, types: dict) -> None:
        units = self.c.get("units") or []
        fname = self.c.get("units_file", "units.csv")
        counts = Counter(u["code"] for u in units)
        for u in units:
            if counts[u["code"]] > 1:
                self.err(f"row {u['_row']}: code", f"duplicate unit code {u['code']!r}", fname)
            if u["unit_type"] not in types:
                self.err(f"row {u['_row']}: unit_type", f"unknown unit type {u['unit_type']!r}", fname)
        for u in units:
            u.pop("_row", None)


def _read_units(text: str, fname: str, issues: list[PackIssue]) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name", "unit_type"} - set(reader.fieldnames or [])
    if missing:
        issues.append(PackIssue(fname, "header", f"missing columns: {', '.join(sorted(missing))}"))
        return []
    rows = []
    for n, row in enumerate(reader, start=2):
        code, uname, utype = ((row.get(k) or "").strip() for k in ("code", "name", "unit_type"))
        if not code or not uname or not utype:
            issues.append(PackIssue(fname, f"row {n}", "code, name and unit_type are all required"))
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


def _reason(err: jsonschema.ValidationError) -> str:
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f"unknown key{'s' if len(extra) > 1 else ''}: {', '.join(extra)}"
    if err.validator == "required":
        return err.message.replace("is a required property", "is required")
    if err.validator == "oneOf" and err.absolute_path and err.absolute_path[-1] == "rates":
        return "must be 'own' or a mapping {unit_type: CODE}"
    return err.message


def _d(x) -> Decimal:
    return Decimal(str(x))


def _fmt(x) -> str:
    return format(_d(x).normalize(), "f")
