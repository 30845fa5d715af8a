"""Workbook benchmark: the index workbook of 1,000 units and 10 million answers, from tallies made directly
(no answer rows in memory, unlike bench/index.py, whose 10 million answer dicts fill ~4 GB), so the
memory figure is the workbook's own.

    python bench/workbook.py [--units 1000] [--questions 100] [--responses 100000] [--repeat 3]

Times, in one run: the workbook (survey detail from the tallies, Biểu sheets, detail sheet with the
scale's labels, information sheet, write) and, as the baseline, openpyxl writing the same cells (same
values, write-only mode, no formats, no layout). Each side runs --repeat times, alternating, and the
best wall-clock and CPU times count (the CPU ratio is the steadier one on a shared machine). Memory:
the process's resident set before the workbook and its peak while it is made (Linux /proc, the peak
reset just before).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from index import OPTIONS, baseline_workbook, compute, units_and_questions  # noqa: E402  (bench/index.py)

from analysis.survey_detail import survey_detail  # noqa: E402
from analysis.workbook import describe_rounding, detail_sheet, index_sheets, info_sheet, write_workbook  # noqa: E402

LABELS = {"A": "Tốt", "B": "Khá", "C": "Trung bình", "D": "Kém", "X": "Không đánh giá"}


def tallies(n_units: int, n_questions: int, n_responses: int, seed: int = 1) -> tuple[dict, list, list]:
    """Units, questions, tally rows and response counts: per unit × group × question, counts per option."""
    rng = np.random.default_rng(seed)
    units, questions = units_and_questions(n_units, n_questions)
    weight = {o: None if w is None else Decimal(str(w)) for o, w in OPTIONS}
    per_unit = np.bincount(rng.integers(0, n_units, n_responses), minlength=n_units)
    rows, counts = [], []
    for u, n in zip(units, per_unit, strict=True):
        p = rng.uniform(0.6, 0.95)
        probs = np.array([p * 0.7, p * 0.3 + (1 - p) * 0.3, (1 - p) * 0.5, (1 - p) * 0.17, 0.03 * (1 - p)])
        for g, share in enumerate(np.diff(np.linspace(0, n, 4).astype(int))):
            group = f"{u['unit_type']}-G{g}"
            counts.append(dict(unit=u["unit"], group=group, responses=int(share)))
            picks = rng.multinomial(share, probs / probs.sum(), size=n_questions)
            for q, row in zip((q for q in questions if q["unit_type"] == u["unit_type"]), picks, strict=True):
                rows += [
                    dict(unit=u["unit"], group=group, question=q["question"], option=o, weight=weight[o], count=int(c))
                    for (o, _), c in zip(OPTIONS, row, strict=True)
                    if c
                ]
    return dict(units=units, questions=questions), rows, counts


def _peak_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _status(key: str) -> int:
    """VmRSS or VmHWM of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024
    raise KeyError(key)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--responses", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side, alternating; the best counts")
    args = ap.parse_args()
    t = time.perf_counter()
    data, tally_rows, counts = tallies(args.units, args.questions, args.responses)
    result = compute(data, tally_rows)
    answers = sum(row["count"] for row in tally_rows)
    made = time.perf_counter() - t
    print(f"data: {args.units} units, {answers} answers, {len(tally_rows)} tally rows ({made:.1f} s to generate)")
    labels = {q["question"]: LABELS for q in data["questions"]}

    def ours(path: Path) -> list:
        sheets = index_sheets(result, 2025)
        detail = survey_detail(tally_rows, data["questions"], counts, k=3)
        sheets.append(detail_sheet(detail, {}, {}, {}, labels))
        sheets.append(info_sheet([("Đợt khảo sát", "bench"), ("Làm tròn", describe_rounding(result.rules))]))
        write_workbook(sheets, path)
        return sheets

    before = _status("VmRSS")
    _peak_reset()
    best = {"ours": [1e9, 1e9], "baseline": [1e9, 1e9]}  # wall, CPU seconds: the best of the repeats
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):  # alternate, so a busy spell on the machine hits both sides
            sheets = None  # the last repeat's tables go before the next are made
            wall, cpu = time.perf_counter(), time.process_time()
            sheets = ours(Path(tmp) / "index.xlsx")
            _best(best["ours"], wall, cpu)
            peak = _status("VmHWM")
            wall, cpu = time.perf_counter(), time.process_time()
            baseline_workbook(sheets, Path(tmp) / "baseline.xlsx")
            _best(best["baseline"], wall, cpu)
    cells = sum(len(s.rows) * len(s.headers) for s in sheets)
    for name, label in (("ours", "workbook (detail + shape + write)"), ("baseline", "baseline: openpyxl, same cells")):
        print(f"{label:45s} {best[name][0]:8.2f} s wall {best[name][1]:8.2f} s CPU")
    ratio_wall, ratio_cpu = (best["ours"][i] / best["baseline"][i] for i in (0, 1))
    print(f"workbook: {len(sheets)} sheets, {cells} data cells; best of {args.repeat}: ", end="")
    print(f"workbook / baseline = {ratio_wall:.2f} (wall), {ratio_cpu:.2f} (CPU)")
    print(
        f"memory: {before} MB before the workbook, peak {peak} MB while making it (+{peak - before} MB); "
        f"process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )


def _best(best: list[float], wall: float, cpu: float) -> None:
    best[0] = min(best[0], time.perf_counter() - wall)
    best[1] = min(best[1], time.process_time() - cpu)


if __name__ == "__main__":
    main()
