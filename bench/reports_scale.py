"""Reports at scale: the DfE termly return and the safeguarding board's PDF for a council with
100,000 cases.

    .venv/bin/python bench/reports_scale.py                  # 100,000 cases
    .venv/bin/python bench/reports_scale.py --cases 20000    # a quick look
    .venv/bin/python bench/reports_scale.py --keep           # keep the database afterwards
    .venv/bin/python bench/reports_scale.py --use-database postgresql+psycopg://postgres@127.0.0.1:5432/cme_reports_1a2b3c4d

Creates a database on the PostgreSQL server given (--database-url, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres), builds it by the migrations, creates
the five councils of tenants/ (as `flask tenants sync` does), then loads invented children
into one of them (stockport) with COPY: one case and one submission per child, opened over
the last six years (more of them recently), about 8% still open; the closed ones with the
council's outcomes (back in school, home educated, in another council, not missing education,
lost to S2S); 3% closed and reopened (with their timeline: the outcome and the reopening),
10% with their details recorded on the timeline, DfE reason codes on 70%, answers that say who
sent the notification and since when the child was missing. Another council gets 2% as many,
so the council scoping has something to leave out. The database is dropped at the end unless
--keep is given.

Then, in a request of the council (as an officer's request would be), it prints the median
and the slowest of --runs runs (after one warm-up) of:
  (a) the DfE termly return at a census date (today), the figures only;
  (b) the board's PDF for the last three months: the figures, the charts and WeasyPrint;
  (c) for information, the dashboard page and the children out of provision register as an
      officer gets them (sign-in through the Flask test client; audit row included).

Each line gives the median and the slowest wall time and the median CPU time of the Python
process (the database server's work is in the wall time only). The figures are from one run on
the machine it runs on (a shared 2-core machine in
development): read them as an order of magnitude, and compare runs on one machine only.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG, OTHER = "stockport", "southwark"
OPEN_SHARE = 0.08
REOPENED_SHARE = 0.03
DETAILS_SHARE = 0.10
OFFICERS = 8
OUTCOMES = (("back_in_school", 0.60), ("ehe", 0.15), ("located_other_la", 0.10),
            ("not_cme", 0.08), ("lost_s2s", 0.07))
FORMS = (("cme-referral", 0.5), ("change-to-register", 0.25), ("missing-pupil-checklist", 0.05),
         ("ehe-notification", 0.1), ("arrival-in-area", 0.05), ("cross-border-notice", 0.05))
REFERRERS = ("school", "agency", "public", "council")
FIRST = ("Olivia", "Amelia", "Isla", "Noah", "Oliver", "George", "Mohammed", "Ava", "Leo",
         "Freya", "Harry", "Zara", "Yusuf", "Maja", "Jakub", "Ffion", "Rhys", "Aisha")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Khan", "Patel", "Nowak", "Evans", "Hughes",
        "Murphy", "Ahmed", "Begum", "Kowalski", "Davies", "Okafor", "Williams")

CASE_COLUMNS = ("id", "tenant_id", "created_at", "status", "opened_at", "child_first_name",
                "child_last_name", "child_dob", "urgent", "team_key", "officer_id", "stage_key",
                "reason_code", "whereabouts_known", "outcome_key", "closed_at", "next_due_on",
                "child_sex", "missing_since", "opened_from_form")
SUBMISSION_COLUMNS = ("id", "tenant_id", "created_at", "reference", "submission_token",
                      "form_slug", "received_at", "urgent", "language", "child_first_name",
                      "child_last_name", "child_dob", "answers", "team_key", "routing_reason",
                      "status", "acknowledged_at", "officer_id", "allocated_at", "case_id",
                      "due_on")
ACTIVITY_COLUMNS = ("id", "tenant_id", "at", "case_id", "submission_id", "kind", "details")


def psycopg_conninfo(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pick(rng: random.Random, weighted) -> str:
    draw, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if draw < total:
            return value
    return weighted[-1][0]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


def create_councils(app) -> dict[str, dict]:
    from sqlalchemy import select

    from portal.cli import sync_tenants
    from portal.extensions import db
    from portal.models import StaffUser, TenantRow
    from portal.tenancy import tenant_scope, tenants

    found = {}
    with app.app_context():
        sync_tenants()
        rows = {row.slug: row for row in db.session.scalars(select(TenantRow))}
        for slug in (SLUG, OTHER):
            config = tenants()[slug]
            with tenant_scope(rows[slug].id):
                staff = [StaffUser(email=f"bench-{n}@{slug}.bench.invalid",
                                   display_name=f"Bench Officer {n}", role="officer")
                         for n in range(1, OFFICERS + 1)]
                db.session.add_all(staff)
                db.session.commit()
                found[slug] = {"tenant_id": rows[slug].id, "prefix": config.reference_prefix,
                               "team": config.teams[0].key, "officers": [u.id for u in staff],
                               "stages": [s.key for s in config.workflow.stages]}
        db.session.remove()
    return found


def _lines(councils: dict[str, dict], cases: int, now: datetime, seed: int):
    """The COPY lines of cases, submissions and activities (ids from 1)."""
    rng = random.Random(seed)
    counts = {SLUG: cases, OTHER: max(1, cases // 50)}
    case_lines, submission_lines, activity_lines = [], [], []
    activity_id = 0
    row_id = 0
    from portal.reports import reasons as lists

    reasons = [r.code for r in lists.cme_reasons()]
    ehe_reasons = [r.code for r in lists.ehe_reasons()]
    six_years = 6 * 365 * 86400
    for slug, count in counts.items():
        council = councils[slug]
        numbers: dict[int, int] = {}
        for _ in range(count):
            row_id += 1
            is_open = rng.random() < OPEN_SHARE
            # open work is recent; closed work spreads over six years, more of it lately
            age = rng.random() * 120 * 86400 if is_open else six_years * rng.random() ** 2
            opened = now - timedelta(seconds=age + 3600)
            received = opened - timedelta(hours=rng.randint(1, 72))
            officer = rng.choice(council["officers"])
            form = _pick(rng, FORMS)
            answers: dict = {"child_first_name": rng.choice(FIRST)}
            if form == "cme-referral":
                answers["referrer_type"] = rng.choice(REFERRERS)
            if form in ("cme-referral", "change-to-register") and rng.random() < 0.6:
                answers["last_attendance"] = (received.date()
                                              - timedelta(days=rng.randint(5, 60))).isoformat()
            if form == "cross-border-notice":
                answers["direction"] = rng.choice(("moved_into_your_area",
                                                   "moved_out_of_your_area"))
            if form == "arrival-in-area" and rng.random() < 0.5:
                answers["previous_council"] = "Benchshire"
            code = rng.choice(ehe_reasons if form == "ehe-notification" else reasons) \
                if rng.random() < 0.7 else "\\N"
            known = rng.choice(("t", "f", "\\N"))
            outcome = closed = "\\N"
            status = "open"
            next_due = (now.date() + timedelta(days=rng.randint(-20, 30))).isoformat() \
                if is_open and rng.random() < 0.8 else "\\N"
            reopened = not is_open and rng.random() < REOPENED_SHARE
            if not is_open:
                status = "closed"
                outcome = "ehe" if form == "ehe-notification" else _pick(rng, OUTCOMES)
                closed_at = opened + timedelta(days=rng.randint(3, 120))
                closed_at = min(closed_at, now - timedelta(minutes=5))
                closed = _stamp(closed_at)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            dob = date(2010 + rng.randint(0, 10), rng.randint(1, 12), rng.randint(1, 28))
            case_lines.append("\t".join((
                str(row_id), str(council["tenant_id"]), _stamp(opened), status, _stamp(opened),
                first, last, dob.isoformat(), "t" if rng.random() < 0.02 else "f",
                council["team"], str(officer), rng.choice(council["stages"]), code, known,
                outcome, closed, next_due, rng.choice(("female", "male", "female", "male", "\\N")),
                answers.get("last_attendance", opened.date().isoformat()), form)))
            year = received.year
            numbers[year] = numbers.get(year, 0) + 1
            acknowledged = received + timedelta(hours=rng.randint(1, 96))
            allocated = acknowledged + timedelta(hours=rng.randint(1, 96))
            submission_lines.append("\t".join((
                str(row_id), str(council["tenant_id"]), _stamp(received),
                f"{council['prefix']}-{year}-{numbers[year]:06d}", f"bench{row_id:011d}", form,
                _stamp(received), "f", "en", first, last, dob.isoformat(),
                json.dumps(answers), council["team"], "bench",
                "closed" if status == "closed" else "acknowledged", _stamp(acknowledged),
                str(officer), _stamp(allocated), str(row_id), "\\N")))
            if reopened:
                # closed once before, then reopened and closed again: its timeline says when
                first_close = opened + timedelta(days=rng.randint(2, 30))
                reopen = first_close + timedelta(days=rng.randint(10, 200))
                if reopen < now - timedelta(days=2):
                    for at, kind, details in (
                            (first_close, "outcome", {"outcome": "back_in_school", "closed": True}),
                            (reopen, "reopened", {"reason": "New referral"}),
                            (max(reopen + timedelta(days=1), closed_at), "outcome",
                             {"outcome": outcome, "closed": True})):
                        activity_id += 1
                        activity_lines.append("\t".join((
                            str(activity_id), str(council["tenant_id"]), _stamp(at), str(row_id),
                            "\\N", kind, json.dumps(details))))
            if rng.random() < DETAILS_SHARE:
                activity_id += 1
                details = {"reason_code": None if code == "\\N" else code,
                           "whereabouts_known": {"t": True, "f": False}.get(known)}
                activity_lines.append("\t".join((
                    str(activity_id), str(council["tenant_id"]),
                    _stamp(opened + timedelta(hours=rng.randint(2, 200))), str(row_id), "\\N",
                    "details", json.dumps(details))))
    return case_lines, submission_lines, activity_lines


def bulk_load(url: str, councils: dict, cases: int, seed: int) -> None:
    import psycopg

    started = time.perf_counter()
    now = datetime.now(timezone.utc)
    case_lines, submission_lines, activity_lines = _lines(councils, cases, now, seed)
    with psycopg.connect(psycopg_conninfo(url)) as conn:
        conn.execute("SET synchronous_commit = off")
        for table, columns, lines in (("cases", CASE_COLUMNS, case_lines),
                                      ("submissions", SUBMISSION_COLUMNS, submission_lines),
                                      ("activities", ACTIVITY_COLUMNS, activity_lines)):
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for index in range(0, len(lines), 5000):
                    copy.write(("\n".join(lines[index:index + 5000]) + "\n").encode())
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"  loaded {len(case_lines):,} cases, {len(submission_lines):,} submissions and "
          f"{len(activity_lines):,} timeline rows in {time.perf_counter() - started:.1f} s")


def timed(runs: int, call) -> str:
    """Median and slowest wall time, and the median CPU time of this process (the database
    server's excluded): on a busy shared machine the CPU time is the steadier figure."""
    call()  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return (f"median {statistics.median(walls) * 1000:7.0f} ms   slowest "
            f"{max(walls) * 1000:7.0f} ms   (CPU {statistics.median(cpus) * 1000:6.0f} ms; "
            f"n={runs})")


def measure(url: str, runs: int) -> None:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.models import Case
    from portal.reports.board import board_pdf, charts_for
    from portal.reports.dfe_return import dfe_return
    from portal.reports.figures import period_figures
    from portal.tenancy import set_request_tenant, tenant_id_for, tenant_scope, tenants
    from tests.conftest import make_settings
    from tests.integration.auth.helpers import make_officer, sign_in

    app = create_app(make_settings(url))
    with app.test_request_context(f"/{SLUG}/staff/reports"):
        tenant = tenants()[SLUG]
        set_request_tenant(tenant)
        with tenant_scope(tenant_id_for(SLUG)):
            total = db.session.scalar(select(func.count(Case.id)))
            still_open = db.session.scalar(select(func.count(Case.id))
                                           .where(Case.status == "open"))
            print(f"\n{SLUG}: {total:,} cases ({still_open:,} open)")
            now = datetime.now(timezone.utc)
            today = now.date()
            first = today - timedelta(days=91)
            sizes: dict[str, int] = {}

            from portal.reports.reasons import census_dates

            census = max(day for day in census_dates() if day <= today)

            def the_return():
                result = dfe_return(tenant, census)
                sizes["return"] = result.value("cme_census")
                sizes["ehe"] = result.value("ehe_census")

            def the_pdf():
                figures = period_figures(tenant, first, today, today=today)
                pdf = board_pdf(figures, charts_for(figures, "board"), tenant=tenant,
                                generated=now, language="en")
                sizes["pdf"] = len(pdf)

            print(f"  (a) DfE termly return at {census} (set-based): {timed(runs, the_return)}")
            print(f"      children missing education at the census date: {sizes['return']:,}; "
                  f"home educated: {sizes['ehe']:,}")
            print(f"  (b) board PDF, {first} to {today}: {timed(runs, the_pdf)}")
            print(f"      PDF size: {sizes['pdf'] / 1024:.0f} KiB")
        db.session.remove()

    officer = make_officer(app, SLUG)
    client = app.test_client()
    sign_in(client, officer)

    def get(path):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return call

    print(f"  (c) dashboard page:                       "
          f"{timed(runs, get(f'/{SLUG}/staff/reports'))}")
    print(f"      children out of provision register:   "
          f"{timed(runs, get(f'/{SLUG}/staff/reports/registers/children-out-of-provision.csv'))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000,
                        help="cases of the council, one submission each (default 100,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/"
                        "postgres", help="a PostgreSQL server to create the database on")
    parser.add_argument("--use-database", metavar="URL",
                        help="measure a database kept by --keep, without loading")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import logging

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    logging.disable(logging.INFO)
    if args.use_database:
        measure(args.use_database, args.runs)
        return

    from flask_migrate import upgrade

    from portal import create_app
    from tests.conftest import make_settings

    name = f"cme_reports_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    try:
        app = create_app(make_settings(url))
        with app.app_context():
            upgrade()
        councils = create_councils(app)
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
        print(f"Loading {args.cases:,} cases of {SLUG} into {name} ...")
        bulk_load(url, councils, args.cases, args.seed)
        measure(url, args.runs)
    finally:
        if args.keep:
            print(f"\nKept: --use-database {url}")
        else:
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :n"), {"n": name})
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


if __name__ == "__main__":
    main()
