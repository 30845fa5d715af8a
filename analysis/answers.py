"""Response-level answers as integer-coded columns, the input of the statistics (bootstrap, alpha,
Kruskal–Wallis). Ten million answers as one dict each took 3,3 GB; as five numpy columns they take 240 MB,
and the analyses work on them with sorts and counts instead of a Python loop per answer.

`response`, `unit`, `group`, `question` are int32 codes; `units`, `groups`, `questions` spell the unit,
group and question codes (what results carry); a response code only tells responses apart. `weight` is
the chosen option's weight, NaN for "don't know". Row order is kept: it is the order in which the analyses
meet responses, as it was when they read one dict per answer.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any

import numpy as np

COLUMNS = ("response", "unit", "group", "question", "weight")


@dataclass(frozen=True, eq=False)
class AnswerTable:
    """Frozen, its columns made read-only: the analyses share one table without copying it."""

    response: np.ndarray  # int32: tells responses apart
    unit: np.ndarray  # int32 index into `units`
    group: np.ndarray  # int32 index into `groups`
    question: np.ndarray  # int32 index into `questions`
    weight: np.ndarray  # float64, NaN for "don't know"
    units: tuple[str, ...]
    groups: tuple[str, ...]
    questions: tuple[str, ...]

    def __post_init__(self) -> None:
        n = len(self.weight)
        for name, labels in (
            ("response", None),
            ("unit", self.units),
            ("group", self.groups),
            ("question", self.questions),
        ):
            codes = getattr(self, name)
            if codes.dtype != np.int32 or codes.ndim != 1 or len(codes) != n:
                raise ValueError(f"column {name!r} must be {n} int32 codes, got {codes.dtype} of shape {codes.shape}")
            if n and (codes.min() < 0 or (labels is not None and codes.max() >= len(labels))):
                raise ValueError(f"column {name!r} has codes outside 0…{'' if labels is None else len(labels) - 1}")
        if self.weight.dtype != np.float64 or self.weight.ndim != 1:
            raise ValueError(f"column 'weight' must be float64, got {self.weight.dtype}")
        for name in COLUMNS:
            getattr(self, name).setflags(write=False)

    def __len__(self) -> int:
        return len(self.weight)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Row by row as mappings (weight None for "don't know"): for small tables and tests only."""
        for r, u, g, q, w in zip(*(getattr(self, c).tolist() for c in COLUMNS), strict=True):
            yield dict(
                response=r,
                unit=self.units[u],
                group=self.groups[g],
                question=self.questions[q],
                weight=None if w != w else w,
            )

    @property
    def response_count(self) -> int:
        """Distinct responses."""
        return int(np.count_nonzero(np.bincount(self.response))) if len(self) else 0

    def only_units(self, codes: Iterable[str]) -> AnswerTable:
        """The answers about the given units (the code lists stay as they are)."""
        wanted = set(codes)
        keep = np.array([u in wanted for u in self.units], dtype=bool)
        if keep.all():
            return self  # immutable: no copy needed
        mask = keep[self.unit] if len(self.units) else np.zeros(len(self), dtype=bool)
        return AnswerTable(*(getattr(self, c)[mask] for c in COLUMNS), self.units, self.groups, self.questions)

    def cases(self, *, answered_only: bool = False) -> Cases:
        """The (response, unit) pairs, numbered in order of first appearance (among the answers with a
        weight when `answered_only`): the order in which a loop over the rows would meet them."""
        rows = np.flatnonzero(~np.isnan(self.weight)) if answered_only else slice(None)
        response, unit, group = self.response[rows], self.unit[rows], self.group[rows]
        if not len(response):
            empty = np.zeros(0, dtype=np.int32)
            return Cases(rows, empty.astype(np.int64), empty, empty)
        # A pair's answers usually come together (one response at a time): number the runs of equal
        # pairs, then sort one key per run instead of one per answer.
        change = np.empty(len(response), dtype=bool)
        change[0] = True
        np.not_equal(response[1:], response[:-1], out=change[1:])
        change[1:] |= unit[1:] != unit[:-1]
        starts = np.flatnonzero(change)
        key = unit[starts].astype(np.int64) * (int(response.max()) + 1) + response[starts]
        _, first_run, of_run = np.unique(key, return_index=True, return_inverse=True)  # the earliest run
        first = starts[first_run]
        order = np.argsort(first)
        number = np.empty(len(first), dtype=np.int64)
        number[order] = np.arange(len(first))
        of_answer = number[of_run.ravel()][np.cumsum(change) - 1]
        first = first[order]
        if (group != group[first][of_answer]).any():
            raise ValueError("a response's answers name more than one group")
        return Cases(rows, of_answer, unit[first], group[first])

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> AnswerTable:
        """From mappings with the keys of COLUMNS, or tuples in that order; weight None for "don't know"."""
        cols: list[list] = [[] for _ in COLUMNS]
        for row in rows:
            values = [row[c] for c in COLUMNS] if isinstance(row, Mapping) else row
            for col, v in zip(cols, values, strict=True):
                col.append(v)
        codes = [_first_seen(col) for col in cols[:4]]
        weight = np.array([np.nan if w is None else float(w) for w in cols[4]], dtype=np.float64)
        return cls(*(c for c, _ in codes), weight, codes[1][1], codes[2][1], codes[3][1])

    @classmethod
    def from_chunks(
        cls,
        chunks: Iterable[Sequence[Sequence[Any]]],
        *,
        units: Mapping[int, str],
        groups: Mapping[int, str],
        questions: Mapping[int, str],
        weights: Mapping[str, Mapping[str, Any]],
    ) -> AnswerTable:
        """From chunks of (response key, unit id, group id, question id, option code) rows, e.g. the
        partitions of a streamed SQL result. Ids are mapped to codes through `units`, `groups`,
        `questions` and options to weights through `weights` (question code → option code → weight, None
        for "don't know"; an option not listed counts as "don't know"), a chunk at a time, so no row
        outlives its chunk. A response key may be anything hashable (the database's response id)."""
        maps = [_IdMap(m, name) for m, name in ((units, "unit"), (groups, "group"), (questions, "question"))]
        options = {o: k for k, o in enumerate(dict.fromkeys(o for per in weights.values() for o in per))}
        table = np.full((len(maps[2].codes), len(options) + 1), np.nan)  # last column: an unlisted option
        unweighted = np.array([q not in weights for q in maps[2].codes], dtype=bool)
        for i, q in enumerate(maps[2].codes):
            for o, w in weights.get(q, {}).items():
                table[i, options[o]] = np.nan if w is None else float(w)
        seen: dict[Hashable, int] = {}
        parts: list[list[np.ndarray]] = [[] for _ in COLUMNS]
        for rows in chunks:
            n = len(rows)
            if not n:
                continue
            q = maps[2].codes_of(_column(rows, 3, n))
            if unweighted[q].any():
                raise ValueError(f"question {maps[2].codes[q[unweighted[q]][0]]!r} has no option weights")
            option = np.fromiter(map(options.get, map(itemgetter(4), rows), repeat(len(options))), np.int64, n)
            values = (_response_codes(rows, seen), maps[0].codes_of(_column(rows, 1, n)))
            values += (maps[1].codes_of(_column(rows, 2, n)), q, table[q, option])
            for part, column in zip(parts, values, strict=True):
                part.append(column)
        columns = []
        for name, part in zip(COLUMNS, parts, strict=True):
            dtype = np.float64 if name == "weight" else np.int32
            columns.append(np.concatenate(part) if part else np.zeros(0, dtype=dtype))
            part.clear()  # each column's chunks are freed once joined: the peak is the table plus one column
        return cls(*columns, tuple(maps[0].codes), tuple(maps[1].codes), tuple(maps[2].codes))


@dataclass(frozen=True)
class Cases:
    """One response about one unit: what the bootstrap resamples and alpha and Kruskal–Wallis count."""

    rows: np.ndarray | slice  # the answers taken: row numbers of the table, or all of them
    of_answer: np.ndarray  # the case of each answer taken
    unit: np.ndarray  # each case's unit code
    group: np.ndarray  # each case's group code

    def __len__(self) -> int:
        return len(self.unit)


def require_answers(answers: Any) -> AnswerTable:
    """Refuse anything but an AnswerTable, saying how to make one."""
    if not isinstance(answers, AnswerTable):
        raise TypeError(
            f"answers must be an AnswerTable (AnswerTable.from_rows for rows), not {type(answers).__name__}"
        )
    return answers


def unknown_unit(answers: AnswerTable, units: Mapping[str, Any]) -> str | None:
    """The unit of the first answer about a unit not in `units`, or None."""
    known = np.array([u in units for u in answers.units], dtype=bool)
    bad = ~known[answers.unit] if len(answers.units) else np.zeros(0, dtype=bool)
    return answers.units[answers.unit[np.argmax(bad)]] if bad.any() else None


def _first_seen(values: list) -> tuple[np.ndarray, tuple]:
    """Codes numbered in order of first appearance, and the values they stand for."""
    index: dict = {}
    codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int32)
    return codes, tuple(index)


def _column(rows: Sequence[Sequence[Any]], i: int, n: int) -> np.ndarray:
    return np.fromiter(map(itemgetter(i), rows), np.int64, n)


def _response_codes(rows: Sequence[Sequence[Any]], seen: dict[Hashable, int]) -> np.ndarray:
    """Codes for one chunk's response keys, numbering new keys as they come (the look-ups run in C)."""
    keys = list(map(itemgetter(0), rows))
    for key in dict.fromkeys(keys):  # the chunk's distinct responses: a few hundred
        seen.setdefault(key, len(seen))
    return np.fromiter(map(seen.__getitem__, keys), np.int32, len(keys))


class _IdMap:
    """Database ids → positions in a list of codes, vectorised with a sorted id array."""

    def __init__(self, mapping: Mapping[int, str], name: str) -> None:
        self.name = name
        self.codes = list(mapping.values())
        ids = np.array(list(mapping), dtype=np.int64)
        self.order = np.argsort(ids)
        self.ids = ids[self.order]

    def codes_of(self, values: np.ndarray) -> np.ndarray:
        if not len(self.ids):
            raise ValueError(f"{self.name} id {values[0]} is not one of the campaign's")
        at = np.minimum(np.searchsorted(self.ids, values), len(self.ids) - 1)
        unknown = self.ids[at] != values
        if unknown.any():
            raise ValueError(f"{self.name} id {values[unknown][0]} is not one of the campaign's")
        return self.order[at].astype(np.int32)
