"""What someone holding a copy of the database (but not the application's secrets) would try, to tie a
stored response to the invitation, and so the person, it came from. Plain SQL and bytes, no application
code: the tests of issue 12 run each attack and require it to fail.

Each scenario gives every respondent a unique answer pattern (`signature`), as a real attacker would
use a person's known opinions, so the test knows which response is whose and can score an attack."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

OPTIONS = "ABCD"


def draft_text(unit_code: str) -> re.Pattern:
    """A draft about `unit_code` as it was stored before drafts were sealed: {"SO-NV": {"S01": "A", …}}
    as JSON text. Give the unit a code of its own per test run: PostgreSQL's WAL is shared by every
    database of the server, and other tests write drafts too."""
    return re.compile(rb'"' + re.escape(unit_code.encode()) + rb'"\s*:\s*\{\s*"[A-Z]{1,3}\d{2}"\s*:\s*"[A-DX]"')


def signature(person: int, codes: Sequence[str]) -> dict[str, str]:
    """Person n's answers: n written in base 4 over the questions (A–D), so no two people answer alike."""
    out, n = {}, person
    for code in codes:
        out[code] = OPTIONS[n % 4]
        n //= 4
    return out


def person_of(answers: dict[str, str], codes: Sequence[str]) -> int:
    """Whose answers these are (the inverse of `signature`)."""
    return sum(OPTIONS.index(answers[code]) * 4**i for i, code in enumerate(codes))


def responses_in_storage_order(conn, campaign_id: int) -> list[str]:
    """Response ids in the order the table's storage holds them: SQLite's rowid, PostgreSQL's ctid."""
    order = "ctid" if conn.dialect.name == "postgresql" else "rowid"
    sql = f"SELECT id FROM response WHERE campaign_id = :c ORDER BY {order}"  # noqa: S608 (a fixed word)
    return list(conn.execute(sa.text(sql), {"c": campaign_id}).scalars())


def order_matches(storage_order: Sequence[str], whose: dict[str, int], submit_order: Sequence[int]) -> int:
    """The order attack: pair the i-th stored response with the i-th person to submit (as a focal point
    watching the list of who has not answered learns the order). How many pairs are right."""
    return sum(1 for rid, p in zip(storage_order, submit_order, strict=True) if whose[rid] == p)


def xmin_links(conn, campaign_id: int) -> int:
    """PostgreSQL: responses written by the very transaction that changed some invitation (one join)."""
    return conn.execute(
        sa.text(
            "SELECT count(*) FROM response r WHERE r.campaign_id = :c AND r.xmin::text IN "
            "(SELECT i.xmin::text FROM invitation i WHERE i.campaign_id = :c)"
        ),
        {"c": campaign_id},
    ).scalar_one()


def responses_per_transaction(conn, campaign_id: int) -> Counter:
    """PostgreSQL: how many responses each writing transaction (xmin) left."""
    rows = conn.execute(sa.text("SELECT xmin::text FROM response WHERE campaign_id = :c"), {"c": campaign_id})
    return Counter(rows.scalars())


def tally_transactions(conn, campaign_id: int) -> list[tuple[str, int, int]]:
    """PostgreSQL: each answer tally row's last writer (xmin), with its unit and group."""
    return [
        tuple(r)
        for r in conn.execute(
            sa.text("SELECT xmin::text, unit_id, group_id FROM answer_tally WHERE campaign_id = :c"), {"c": campaign_id}
        )
    ]


def responses_about(conn, xmin: str, unit_id: int, group_id: int) -> int:
    """PostgreSQL: responses of one group about one unit written by transaction `xmin`."""
    return conn.execute(
        sa.text(
            "SELECT count(DISTINCT r.id) FROM response r JOIN answer a ON a.response_id = r.id "
            "WHERE r.xmin::text = :x AND r.group_id = :g AND a.unit_id = :u"
        ),
        {"x": xmin, "g": group_id, "u": unit_id},
    ).scalar_one()


def scan(paths: Sequence[Path], pattern: re.Pattern) -> list[tuple[str, bytes]]:
    """Every match of `pattern` in the raw bytes of the files (a copy of the database, WAL, free pages).
    Read by another process, as an attacker copies them: a process that opens and closes a SQLite file
    drops every POSIX lock its own connections hold on it, and the next process to connect would then
    rebuild the WAL index under them (their commits would no longer be seen)."""
    script = (
        "import re, sys, json\n"
        "pattern = re.compile(sys.argv[1].encode('latin-1'), int(sys.argv[2]))\n"
        "found = []\n"
        "for name in sys.argv[3:]:\n"
        "    try:\n"
        "        data = open(name, 'rb').read()\n"
        "    except FileNotFoundError:\n"
        "        continue\n"
        "    found += [[name, m.group().decode('latin-1')] for m in pattern.finditer(data)]\n"
        "print(json.dumps(found))\n"
    )
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
    flags = pattern.flags & ~re.UNICODE
    out = subprocess.run(
        [sys.executable, "-c", script, source, str(int(flags)), *map(str, paths)], capture_output=True, check=True
    ).stdout
    return [(Path(name).name, text.encode("latin-1")) for name, text in json.loads(out)]


def postgres_files(conn, tables: Sequence[str], since: float) -> list[Path]:
    """PostgreSQL: after a CHECKPOINT, the data files of `tables` (with their TOAST tables) and every WAL
    segment written since `since` (a time.time()); empty when the data directory cannot be read here."""
    conn.exec_driver_sql("CHECKPOINT")
    root = Path(conn.exec_driver_sql("SHOW data_directory").scalar_one())
    files = []
    for table in tables:
        toast = conn.exec_driver_sql(f"SELECT reltoastrelid FROM pg_class WHERE oid = '{table}'::regclass").scalar_one()
        for rel in (f"'{table}'::regclass", str(toast)):
            if rel == "0":
                continue
            path = conn.exec_driver_sql(f"SELECT pg_relation_filepath({rel})").scalar_one()
            if path:  # the main fork and its segments (.1, .2…), free space map and visibility map
                files += sorted((root / path).parent.glob(Path(path).name + "*"))
    wal = root / "pg_wal"
    try:
        files += [p for p in wal.iterdir() if p.is_file() and p.stat().st_mtime >= since - 1]
    except PermissionError:
        return []
    return files
