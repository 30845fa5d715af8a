"""Index benchmark: 1,000 units, 100 questions, 100,000 responses, as plain tables in memory.

    python bench/index.py [--units 1000] [--questions 100] [--responses 100000] [--resamples 200]

Times, in one run: the index (survey points from the tallies with analysis.scoring, merge with appraisal
and satisfaction, ranks, summaries), the statistics (bootstrap with --resamples resamples, Cronbach's
alpha, Kruskal–Wallis, correlation), and the workbook (Biểu sheets + survey detail + information). The
baseline is openpyxl writing the same cells (same values, write-only mode, no formats) in the same run.
Two unit types share the units; each response answers the 100 questions of its unit's type.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.answers import COLUMNS, AnswerTable  # noqa: E402
from analysis.comparisons import component_correlation, group_differences  # noqa: E402
from analysis.index import BandRule, IndexRules, compute_index  # noqa: E402
from analysis.index_summary import area_stats, survey_summary, type_summary  # noqa: E402
from analysis.reliability import area_alphas  # noqa: E402
from analysis.scoring import QuestionSpec, ScoringRules, TallyRow, score_units  # noqa: E402
from analysis.statistics import bootstrap_survey_scores  # noqa: E402
from analysis.survey_detail import survey_detail  # noqa: E402
from analysis.workbook import detail_sheet, index_sheets, info_sheet, write_workbook  # noqa: E402

TYPES = ("so", "xa")
AREAS = [f"LV{i}" for i in range(1, 9)]
OPTIONS = (("A", 1.0), ("B", 0.6), ("C", 0.2), ("D", 0.0), ("X", None))


def units_and_questions(n_units: int, n_questions: int) -> tuple[list[dict], list[dict]]:
    """Units alternating between the two types; each type's questions share 20 points over 7 areas."""
    units = [dict(unit=f"U{i:04d}", name=f"Đơn vị số {i}", unit_type=TYPES[i % 2]) for i in range(n_units)]
    points = Decimal(20) / n_questions
    questions = [
        dict(question=f"{t}-Q{j:03d}", unit_type=t, area=AREAS[j * 7 // n_questions], points=points)
        for t in TYPES
        for j in range(n_questions)
    ]
    return units, questions


def generate(n_units: int, n_questions: int, n_responses: int, seed: int = 1) -> dict:
    """The answers as columns (an AnswerTable) and their option codes; the same draws as when each answer
    was a dict, so the data are the same."""
    rng = np.random.default_rng(seed)
    units, questions = units_and_questions(n_units, n_questions)
    quality = rng.uniform(0.6, 0.95, n_units)
    unit_of = rng.integers(0, n_units, n_responses)
    picks = np.empty((n_responses, n_questions), dtype=np.int8)
    for r, u in enumerate(unit_of):
        p = quality[u]
        picks[r] = rng.choice(
            5,
            size=n_questions,
            p=[p * 0.7, p * 0.3 + (1 - p) * 0.3, (1 - p) * 0.5, (1 - p) * 0.17, 0.03 * (1 - p)]
            / np.sum([p * 0.7, p * 0.3 + (1 - p) * 0.3, (1 - p) * 0.5, (1 - p) * 0.17, 0.03 * (1 - p)]),
        )
    type_of = unit_of % len(TYPES)  # units alternate between the types
    group_of = type_of * 3 + np.arange(n_responses) % 3  # f"{type}-G{r % 3}"
    weights = np.array([np.nan if w is None else w for _, w in OPTIONS])
    answers = AnswerTable(
        np.repeat(np.arange(n_responses, dtype=np.int32), n_questions),
        np.repeat(unit_of.astype(np.int32), n_questions),
        np.repeat(group_of.astype(np.int32), n_questions),
        (type_of[:, None] * n_questions + np.arange(n_questions)).astype(np.int32).ravel(),
        weights[picks.ravel()],
        tuple(u["unit"] for u in units),
        tuple(f"{t}-G{g}" for t in TYPES for g in range(3)),
        tuple(q["question"] for q in questions),
    )
    return dict(units=units, questions=questions, answers=answers, options=picks.ravel())


def tallies_of(data: dict) -> tuple[list[dict], list[dict]]:
    """Counts per unit, group, question and option, and responses per unit and group, from the columns."""
    a, options = data["answers"], data["options"]
    n_g, n_q, n_o = len(a.groups), len(a.questions), len(OPTIONS)
    key = ((a.unit.astype(np.int64) * n_g + a.group) * n_q + a.question) * n_o + options
    cells, counts = np.unique(key, return_counts=True)
    exact = [None if w is None else Decimal(str(w)) for _, w in OPTIONS]
    cells = np.stack(np.unravel_index(cells, (len(a.units), n_g, n_q, n_o)), axis=1).tolist()
    tallies = [
        dict(
            unit=a.units[u], group=a.groups[g], question=a.questions[q], option=OPTIONS[o][0], weight=exact[o], count=n
        )
        for (u, g, q, o), n in zip(cells, counts.tolist(), strict=True)
    ]
    first = np.flatnonzero(np.diff(a.response, prepend=-1))  # each response's first answer
    per_cell = np.bincount(a.unit[first].astype(np.int64) * n_g + a.group[first], minlength=len(a.units) * n_g)
    responses = [
        dict(unit=a.units[c // n_g], group=a.groups[c % n_g], responses=n) for c, n in enumerate(per_cell.tolist()) if n
    ]
    return tallies, responses


def compute(data: dict, tallies: list[dict]):
    units, questions = data["units"], data["questions"]
    specs = [QuestionSpec(q["question"], q["unit_type"], q["area"], q["points"]) for q in questions]
    survey = score_units(
        [(u["unit"], u["unit_type"]) for u in units],
        specs,
        (TallyRow(t["unit"], t["group"], t["question"], t["weight"], t["count"]) for t in tallies),
        ScoringRules(),
    )
    rng = np.random.default_rng(2)
    maxima = {a: Decimal(10) for a in AREAS[:7]} | {"LV8": Decimal(20)}
    points = []
    for u in units:
        s = survey[u["unit"]]
        points += [dict(unit=u["unit"], area=a, source="survey", points=v.points) for a, v in s.areas.items()]
        for a in AREAS[:7]:
            share = Decimal(str(round(rng.uniform(0.7, 1.0), 2)))
            points.append(
                dict(
                    unit=u["unit"],
                    area=a,
                    source="appraisal",
                    points=((maxima[a] - s.areas.get(a, s.areas["LV1"]).max_points) * share).quantize(Decimal("0.01")),
                )
            )
        points.append(
            dict(unit=u["unit"], area="LV8", source="satisfaction", points=Decimal(str(round(rng.uniform(15, 20), 2))))
        )
    unit_types = [dict(unit_type=t, name=f"Loại {t}", total_points=100, survey_points=20) for t in TYPES]
    areas = [dict(unit_type=t, area=a, name=f"Lĩnh vực {a}", max_points=maxima[a]) for t in TYPES for a in AREAS]
    last = [
        dict(unit=u["unit"], total=Decimal(str(round(rng.uniform(70, 95), 2))), rank=i // 2 + 1, band="B")
        for i, u in enumerate(units)
    ]
    rules = IndexRules(
        bands=(
            BandRule("A", "Nhóm A", Decimal(90)),
            BandRule("B", "Nhóm B", Decimal(70)),
            BandRule("C", "Nhóm C", Decimal(0)),
        )
    )
    result = compute_index(units, unit_types, areas, points, rules, last)
    for t in TYPES:
        type_summary(result, t), area_stats(result, t), survey_summary(result, t)
    return result


class Memory:
    """Peak resident memory (Linux: VmHWM, reset through /proc/self/clear_refs), of one step and overall."""

    def __init__(self) -> None:
        self.before_step = self.at_start = 0.0

    @staticmethod
    def _status(field: str) -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def step_start(self) -> None:
        self.before_step, self.at_start = self._status("VmHWM"), self._status("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # the high-water mark restarts from the current RSS

    def step_peak(self) -> float:
        return self._status("VmHWM")

    def process_peak(self) -> float:
        return max(self.before_step, self._status("VmHWM"))


def baseline_workbook(sheets, path: Path) -> None:
    """openpyxl writing the same cells as the workbook (write-only mode, no formats, no layout)."""
    wb = Workbook(write_only=True)
    for s in sheets:
        ws = wb.create_sheet(s.name)
        ws.append([s.title])
        ws.append(list(s.headers))
        for row in s.rows:
            ws.append(row)
    wb.save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--responses", type=int, default=100_000)
    ap.add_argument("--resamples", type=int, default=200)
    args = ap.parse_args()
    t0 = time.perf_counter()
    data = generate(args.units, args.questions, args.responses)
    tallies, counts = tallies_of(data)
    print(
        f"data: {args.units} units, {args.questions} questions per unit type, {args.responses} responses, "
        f"{len(data['answers'])} answers, {len(tallies)} tally rows ({time.perf_counter() - t0:.1f} s to generate)"
    )
    answers_mb = sum(getattr(data["answers"], c).nbytes for c in COLUMNS) / 2**20
    memory = Memory()
    figures = {}
    t = time.perf_counter()
    result = compute(data, tallies)
    figures["index"] = time.perf_counter() - t
    unit_types = {u["unit"]: u["unit_type"] for u in data["units"]}
    memory.step_start()
    t = time.perf_counter()
    boot = bootstrap_survey_scores(data["answers"], data["questions"], unit_types, n_resamples=args.resamples)
    figures["bootstrap"] = time.perf_counter() - t
    t = time.perf_counter()
    area_alphas(data["answers"], data["questions"], unit_types)
    group_differences(data["answers"], unit_types)
    component_correlation([dict(appraisal=u.appraisal, survey=u.survey) for u in result.units])
    figures["alpha, Kruskal–Wallis, correlation"] = time.perf_counter() - t
    step_peak = memory.step_peak()
    t = time.perf_counter()
    sheets = index_sheets(result, 2025)
    detail = survey_detail(tallies, data["questions"], counts, k=3)
    sheets.append(detail_sheet(detail, {}, {}, {}))
    sheets.append(info_sheet([("Đợt khảo sát", "bench")]))
    with tempfile.TemporaryDirectory() as tmp:
        write_workbook(sheets, Path(tmp) / "index.xlsx")
        figures["workbook (shape + write)"] = time.perf_counter() - t
        cells = sum(len(s.rows) * len(s.headers) for s in sheets)
        t = time.perf_counter()
        baseline_workbook(sheets, Path(tmp) / "baseline.xlsx")
        figures["baseline: openpyxl, same cells, no logic"] = time.perf_counter() - t
    for name, seconds in figures.items():
        print(f"{name:45s} {seconds:8.2f} s")
    ratio = figures["workbook (shape + write)"] / figures["baseline: openpyxl, same cells, no logic"]
    print(f"workbook: {len(sheets)} sheets, {cells} data cells; workbook / baseline = {ratio:.2f}")
    close = sum(1 for p in boot.pairs if not p.distinguishable)
    print(f"bootstrap: {args.resamples} resamples; {close} of {len(boot.pairs)} adjacent pairs not distinguishable")
    print(f"total (index + statistics + workbook): {sum(v for k, v in figures.items() if 'baseline' not in k):.1f} s")
    statistics = figures["bootstrap"] + figures["alpha, Kruskal–Wallis, correlation"]
    print(
        f"statistics step: {statistics:.2f} s, peak RSS {step_peak:.0f} MB ({memory.at_start:.0f} MB at its start); "
        f"answers table {answers_mb:.0f} MB; process peak RSS {memory.process_peak():.0f} MB"
    )


if __name__ == "__main__":
    main()
