"""The meaning checks of a pack, once its files have the right structure: references between unit
types, groups, scales and questions, unique codes, and the sums the decision's points must make."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise


@dataclass(frozen=True)
class PackIssue:
    """One problem of a pack: where (file, then a path in the file or a row and column of a CSV file),
    a code and its fields. `survey_app.texts.say_pack_issue` renders it in Vietnamese."""

    file: str
    path: str
    code: str
    params: dict = field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:  # for logs
        where = f"row {self.row}, {self.column}" if self.row else self.path
        return f"{self.file}: {where}: {self.code} {self.params}" if where else f"{self.file}: {self.code}"


def check_meaning(content: dict, sources: list[tuple[str, int]], name) -> tuple[list[PackIssue], list[PackIssue]]:
    """(errors, warnings) of a merged pack; `sources` maps each question to its file and index."""
    checker = _Checker(content, sources, name)
    checker.run()
    return checker.errors, checker.warnings


class _Checker:
    """Meaning checks over the merged pack: references, uniqueness, sums."""

    def __init__(self, content: dict, sources: list[tuple[str, int]], name):
        self.c = content
        self.sources = sources
        self.name = name
        self.errors: list[PackIssue] = []
        self.warnings: list[PackIssue] = []

    def err(self, path: str, code: str, file: str = "pack.yaml", **params) -> None:
        self.errors.append(PackIssue(self.name(file), path, code, params))

    def q_err(self, index: int, key: str, code: str, **params) -> None:
        fname, i = self.sources[index]
        self.err(f"questions[{i}].{key}" if key else f"questions[{i}]", code, fname, **params)

    def row_err(self, row: int, column: str, code: str, **params) -> None:
        fname = self.c.get("units_file", "units.csv")
        self.errors.append(PackIssue(self.name(fname), "", code, params, row=row, column=column))

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
                        self.err(p, "dont_know_weight")
                elif "weight" not in o:
                    self.err(p, "weight_missing")
                elif not 0 <= o["weight"] <= 1:
                    self.err(p, "weight_range", weight=o["weight"])
        for ti, t in enumerate(c["unit_types"]):
            self._unique(f"unit_types[{ti}].areas", t["areas"])
            area_sum = sum(_d(a["max_points"]) for a in t["areas"])
            if area_sum != _d(t["total_points"]):
                sums = {"sum": area_sum, "total": _d(t["total_points"])}
                if t.get("known_total_mismatch"):
                    self.warnings.append(
                        PackIssue(self.name("pack.yaml"), f"unit_types[{ti}].areas", "area_sum_known", sums)
                    )
                else:
                    self.err(f"unit_types[{ti}].areas", "area_sum", **sums)
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
                self.err(f"satisfaction[{si}].unit_type", "unknown_unit_type", value=s["unit_type"])
                continue
            if s["unit_type"] in seen:
                self.err(f"satisfaction[{si}].unit_type", "second_satisfaction_rule", unit_type=s["unit_type"])
            seen.add(s["unit_type"])
            area = next((a for a in t["areas"] if a["code"] == s["area"]), None)
            if area is None:
                self.err(f"satisfaction[{si}].area", "unknown_area", area=s["area"], unit_type=s["unit_type"])
            elif _d(s["max_points"]) > _d(area["max_points"]):
                self.err(
                    f"satisfaction[{si}].max_points",
                    "satisfaction_above_area",
                    points=_d(s["max_points"]),
                    maximum=_d(area["max_points"]),
                    area=s["area"],
                )
        areas = {a["code"] for t in types.values() for a in t["areas"]}
        for i, key in enumerate(self.c.get("tie_break") or []):
            if key not in {"appraisal", "survey", "satisfaction"} | areas:
                self.err(f"tie_break[{i}]", "bad_tie_break", key=key)

    def _unique(self, path: str, items: list[dict]) -> None:
        seen = Counter(i["code"] for i in items)
        for idx, item in enumerate(items):
            if seen[item["code"]] > 1:
                self.err(f"{path}[{idx}].code", "duplicate_code", value=item["code"])

    def _check_bands(self) -> None:
        mins = [_d(b["min_percent"]) for b in self.c["bands"]]
        if any(a <= b for a, b in pairwise(mins)):
            self.err("bands", "bands_not_descending")
        if mins[-1] != 0:
            self.err(f"bands[{len(mins) - 1}].min_percent", "last_band_not_zero")
        if mins[0] > 100:
            self.err("bands[0].min_percent", "band_above_100")

    def _check_groups(self, groups: dict, types: dict) -> None:
        weighted = self.c["scoring"]["method"] == "group_weights"
        weight_sums: dict[str, Decimal] = defaultdict(Decimal)
        for gi, g in enumerate(self.c["groups"]):
            if g["unit_type"] not in types:
                self.err(f"groups[{gi}].unit_type", "unknown_unit_type", value=g["unit_type"])
            rates = g["rates"]
            target = g["unit_type"] if rates == "own" else rates["unit_type"]
            if rates != "own" and target not in types:  # with `own`, the unit_type error above says it
                self.err(f"groups[{gi}].rates.unit_type", "unknown_unit_type", value=target)
            if "weight" in g:
                if not 0 <= g["weight"] <= 1:
                    self.err(f"groups[{gi}].weight", "weight_range", weight=g["weight"])
                weight_sums[target] += _d(g["weight"])
            elif weighted:
                self.err(f"groups[{gi}].weight", "group_weight_missing")
        if weighted:
            for t, total in weight_sums.items():
                if total != 1:
                    self.err("groups", "group_weights_sum", unit_type=t, total=total)
        rated = {g["unit_type"] if g["rates"] == "own" else g["rates"]["unit_type"] for g in self.c["groups"]}
        for ti, t in enumerate(self.c["unit_types"]):
            if t["code"] not in rated:
                self.err(f"unit_types[{ti}]", "type_not_rated", unit_type=t["code"])

    def _check_questions(self, scales: dict, types: dict, groups: dict) -> None:
        seen: dict[str, int] = {}
        points: dict[str, Decimal] = defaultdict(Decimal)
        area_points: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for qi, q in enumerate(self.c["questions"]):
            if q["code"] in seen:
                f, i = self.sources[seen[q["code"]]]
                self.q_err(qi, "code", "duplicate_question", value=q["code"], first=f"{self.name(f)} questions[{i}]")
            seen.setdefault(q["code"], qi)
            if q["scale"] not in scales:
                self.q_err(qi, "scale", "unknown_scale", value=q["scale"])
            t = types.get(q["unit_type"])
            if t is None:
                self.q_err(qi, "unit_type", "unknown_unit_type", value=q["unit_type"])
                continue
            if q["area"] not in {a["code"] for a in t["areas"]}:
                self.q_err(qi, "area", "unknown_area", area=q["area"], unit_type=q["unit_type"])
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
                    self.q_err(qi, "", "question_without_raters", unit_type=q["unit_type"])
            for gi, gcode in enumerate(q["groups"]):
                if gcode not in groups:
                    self.q_err(qi, f"groups[{gi}]", "unknown_group", value=gcode)
                elif gcode not in raters:
                    self.q_err(qi, f"groups[{gi}]", "group_does_not_rate", group=gcode, unit_type=q["unit_type"])
        for ti, t in enumerate(self.c["unit_types"]):
            got = points[t["code"]]
            if got != _d(t["survey_points"]):
                self.err(
                    f"unit_types[{ti}].survey_points",
                    "survey_points_sum",
                    unit_type=t["code"],
                    sum=got,
                    declared=_d(t["survey_points"]),
                )
            for ai, a in enumerate(t["areas"]):
                got = area_points[(t["code"], a["code"])]
                if got > _d(a["max_points"]):
                    self.err(
                        f"unit_types[{ti}].areas[{ai}]",
                        "area_points_above_max",
                        area=a["code"],
                        sum=got,
                        maximum=_d(a["max_points"]),
                    )

    def _check_units(self, types: dict) -> None:
        units = self.c.get("units") or []
        counts = Counter(u["code"] for u in units)
        for u in units:
            if counts[u["code"]] > 1:
                self.row_err(u["_row"], "code", "duplicate_unit_code", value=u["code"])
            if u["unit_type"] not in types:
                self.row_err(u["_row"], "unit_type", "unknown_unit_type", value=u["unit_type"])
        for u in units:
            u.pop("_row", None)


def _d(x) -> Decimal:
    return Decimal(str(x))
