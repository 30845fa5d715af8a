"""Dashboard read cost against the number of responses: /progress and /scores at 1.000 and at 100.000 responses.

    python bench/dashboard.py [--db sqlite|postgresql|both] [--pg-url URL] [--requests 30] [--sizes 1000,100000]

Per database: a fresh schema (migrations), the son-la-2024 campaign opened, an admin with an API token. For each
size N (cumulative: the second size adds to the first), rows are generated DIRECTLY in the database, not through
the app: respondents and invitations (N submitted, plus a quarter more still issued / opened / started), N valid
responses spread over every unit × group of the pack and over seven days, and EVERY answer row of each response
(32 or 33 per response: 100.000 responses give ~3,2 M answers). Respondents, invitations and responses go in as
chunked multi-row INSERTs; answers are expanded inside the database by one INSERT … SELECT joining a plan table
(response → unit, group, answer variant) to a template table (group, variant → question, option), both dropped
afterwards. Then `tallies.rebuild_tallies(campaign)` builds the counters from what is stored, and ANALYZE runs
(as autovacuum would). Each endpoint is then called `--requests` times in process with the Flask test client and
a bearer token (after 3 warm-up calls); the median and 90th percentile latency are printed, and at the end the
ratio of the largest size to the smallest per endpoint and database (near 1: the endpoints read counters only).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.submit import fresh_postgresql, make_app  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
CHUNK = 5_000
VARIANTS = 7  # distinct answer patterns, so that the tallies spread over several options
EMAIL = "bench@noivu.example"


def log(msg: str) -> None:
    print(msg, flush=True)


def setup(app) -> tuple[int, str]:
    """Migrate, create and open the campaign, create an admin with a bearer token."""
    from flask_migrate import upgrade

    from survey_app.services import users
    from survey_app.services.survey import campaigns
    from survey_app.timeutil import now

    with app.app_context():
        upgrade(revision="heads")
        start = now()
        c = campaigns.create_campaign(
            ROOT / "questionnaires" / "son-la-2024", "BENCH", start - timedelta(days=7), start + timedelta(days=10)
        )
        campaigns.open_campaign(c.code)
        users.create_user(EMAIL, "mat-khau-do-0123456", "admin")
        return c.id, users.issue_api_token(EMAIL)


def _insert(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        conn.execute(table.insert(), rows[i : i + CHUNK])


def generate(app, campaign_id: int, first: int, n: int) -> dict[str, float]:
    """Add n submitted respondents (numbered from `first`) and n // 4 not submitted, with their invitations,
    the n responses and all their answers."""
    from survey_app.extensions import db
    from survey_app.models import Answer, Campaign, Invitation, Question, Respondent, RespondentGroup, Response, Unit
    from survey_app.timeutil import now, today_vn

    timings: dict[str, float] = {}
    with app.app_context():
        c = db.session.get(Campaign, campaign_id)
        pack = c.pack
        units = db.session.execute(
            sa.select(Unit.id, Unit.unit_type).where(Unit.campaign_id == c.id).order_by(Unit.id)
        ).all()
        groups = db.session.execute(
            sa.select(RespondentGroup.id, RespondentGroup.code)
            .where(RespondentGroup.campaign_id == c.id)
            .order_by(RespondentGroup.id)
        ).all()
        qid = dict(db.session.execute(sa.select(Question.code, Question.id).where(Question.campaign_id == c.id)).all())
        places = [(u, g, code) for g, code in groups for u, ut in units if pack.group_by_code[code].unit_type == ut]
        template = []
        for g, code in groups:
            for v in range(VARIANTS):
                for k, q in enumerate(pack.questions_for(code)):
                    options = [o.code for o in pack.scale_by_code[q.scale].options]
                    template.append(
                        dict(
                            group_id=g, variant=v, question_id=qid[q.code], option_code=options[(v + k) % len(options)]
                        )
                    )
        pack_sha, today, stamp = c.pack_sha256, today_vn(), now()
        db.session.remove()

        t0 = time.perf_counter()
        extra = n // 4  # invited but not (yet) submitted
        respondents, invitations, responses, plan = [], [], [], []
        for i in range(first, first + n + extra):
            unit_id, group_id, _ = places[i % len(places)]
            respondents.append(
                dict(
                    id=i + 1,
                    campaign_id=campaign_id,
                    unit_id=unit_id,
                    group_id=group_id,
                    person_key=f"p{i}@bench.example",
                    full_name=f"Người Đo {i}",
                    position="Chuyên viên",
                    email=f"p{i}@bench.example",
                )
            )
            done = i < first + n
            status = "submitted" if done else ("issued", "opened", "started")[i % 3]
            invitations.append(
                dict(
                    id=i + 1,
                    campaign_id=campaign_id,
                    respondent_id=i + 1,
                    token_hash=f"{i:064x}",
                    nonce=f"{i:032x}",
                    status=status,
                    issued_at=stamp,
                    opened_at=None if status == "issued" else stamp,
                    started_at=stamp if status in ("started", "submitted") else None,
                    submitted_on=today - timedelta(days=i % 7) if done else None,
                )
            )
            if done:
                rid = f"{i:032x}"  # the id is random in the app; order does not matter here
                responses.append(
                    dict(
                        id=rid,
                        campaign_id=campaign_id,
                        group_id=group_id,
                        pack_sha256=pack_sha,
                        submitted_on=today - timedelta(days=i % 7),
                        status="valid",
                        duration_seconds=600,
                        invitation_id=None,
                    )
                )
                plan.append(dict(response_id=rid, unit_id=unit_id, group_id=group_id, variant=i % VARIANTS))

        meta = sa.MetaData()
        plan_t = sa.Table(
            "bench_plan",
            meta,
            sa.Column("response_id", sa.String(32), primary_key=True),
            sa.Column("unit_id", sa.Integer),
            sa.Column("group_id", sa.Integer),
            sa.Column("variant", sa.Integer),
        )
        tmpl_t = sa.Table(
            "bench_template",
            meta,
            sa.Column("group_id", sa.Integer),
            sa.Column("variant", sa.Integer),
            sa.Column("question_id", sa.Integer),
            sa.Column("option_code", sa.String(40)),
        )
        with db.engine.begin() as conn:
            meta.drop_all(conn)
            meta.create_all(conn)
            _insert(conn, Respondent.__table__, respondents)
            _insert(conn, Invitation.__table__, invitations)
            _insert(conn, Response.__table__, responses)
            _insert(conn, plan_t, plan)
            _insert(conn, tmpl_t, template)
            t1 = time.perf_counter()
            conn.execute(
                Answer.__table__.insert().from_select(
                    ["response_id", "unit_id", "question_id", "option_code"],
                    sa.select(plan_t.c.response_id, plan_t.c.unit_id, tmpl_t.c.question_id, tmpl_t.c.option_code).join(
                        tmpl_t, (tmpl_t.c.group_id == plan_t.c.group_id) & (tmpl_t.c.variant == plan_t.c.variant)
                    ),
                )
            )
            t2 = time.perf_counter()
            meta.drop_all(conn)
            if conn.dialect.name == "postgresql":  # the sequences behind the explicit ids
                for table in ("respondent", "invitation"):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
        timings["rows"], timings["answers"] = t1 - t0, t2 - t1

        t3 = time.perf_counter()
        from survey_app.services.survey import tallies

        tallies.rebuild_tallies(db.session.get(Campaign, campaign_id))
        timings["rebuild"] = time.perf_counter() - t3
        db.session.remove()  # its next statement would open a transaction (on SQLite: the write lock)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
    return timings


def check(app, campaign_id: int, n: int) -> dict[str, int]:
    """The counters must say n responses; the answer rows are counted too."""
    from survey_app.extensions import db
    from survey_app.models import Answer, Campaign, ResponseCount, SubmissionDay
    from survey_app.services import monitoring

    with app.app_context():
        c = db.session.get(Campaign, campaign_id)
        ov = monitoring.overview(c)
        days = db.session.scalar(
            sa.select(sa.func.sum(SubmissionDay.submitted)).where(SubmissionDay.campaign_id == c.id)
        )
        counted = db.session.scalar(
            sa.select(sa.func.sum(ResponseCount.responses)).where(ResponseCount.campaign_id == c.id)
        )
        answers = db.session.scalar(sa.select(sa.func.count()).select_from(Answer))
        db.session.remove()
    assert ov.submitted == n and days == n and counted == n, (ov, days, counted, n)
    return {"answers": answers, "invited": ov.invited}


def measure(app, token: str, requests: int) -> dict[str, tuple[float, float]]:
    """Median and 90th percentile latency (ms) of each endpoint, in process."""
    client = app.test_client(use_cookies=False)  # every call signs in with the bearer token, no session cookie
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    out = {}
    for name in ("progress", "scores"):
        url = f"/api/v1/campaigns/BENCH/{name}"
        for _ in range(3):
            assert client.get(url, headers=headers).status_code == 200
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            resp = client.get(url, headers=headers)
            times.append(1000 * (time.perf_counter() - t))
            assert resp.status_code == 200, resp.status_code
        times.sort()
        out[name] = (statistics.median(times), times[int(0.9 * (len(times) - 1))])
    return out


def run(label: str, url: str, sizes: list[int], requests: int) -> dict[int, dict]:
    app = make_app(url, "bench-secret-key-0123456789", "bench-link-secret-0123456789")
    app.config["RATELIMIT_ENABLED"] = False
    campaign_id, token = setup(app)
    results, have, next_person = {}, 0, 0
    for n in sizes:
        g = generate(app, campaign_id, next_person, n - have)
        next_person += (n - have) + (n - have) // 4
        have = n
        info = check(app, campaign_id, n)
        m = measure(app, token, requests)
        results[n] = m
        log(
            f"{label:10} {n:>7} responses ({info['answers']:>9} answers, {info['invited']:>7} invited): "
            f"generate {g['rows']:5.1f} s + answers {g['answers']:5.1f} s + rebuild_tallies {g['rebuild']:5.1f} s | "
            + " | ".join(f"{k} median {v[0]:6.1f} ms p90 {v[1]:6.1f} ms" for k, v in m.items())
        )
    from survey_app.extensions import db
    from survey_app.models import Campaign
    from survey_app.services.survey.closing import close_and_validate

    with app.app_context():
        # Closing validates every stored response: the one step whose cost grows with responses.
        code = db.session.get(Campaign, campaign_id).code
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = close_and_validate(code)
        grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        log(
            f"{label:10} close and validate {have:,} responses: {time.perf_counter() - started:.1f} s, "
            f"peak memory +{grew:.0f} MB ({report})"
        )
        db.engine.dispose()
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--pg-url", default=PG_DEFAULT)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--sizes", default="1000,100000")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    all_results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.db in ("sqlite", "both"):
            all_results["sqlite"] = run("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", sizes, args.requests)
        if args.db in ("postgresql", "both"):
            fresh_postgresql(args.pg_url)
            all_results["postgresql"] = run("postgresql", args.pg_url, sizes, args.requests)
    lo, hi = sizes[0], sizes[-1]
    log(f"\nmedian latency ratio {hi:,}/{lo:,} responses (1.0 = independent of the number of responses):")
    for label, res in all_results.items():
        log(
            f"  {label:10} "
            + "  ".join(
                f"{k}: {res[lo][k][0]:.1f} → {res[hi][k][0]:.1f} ms = ×{res[hi][k][0] / res[lo][k][0]:.2f}"
                for k in ("progress", "scores")
            )
        )
    log(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
