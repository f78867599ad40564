"""The back-office at scale: an officer's inbox page and the name search on a million cases.

    .venv/bin/python bench/backoffice_scale.py                    # 1,000,000 cases, 20 councils
    .venv/bin/python bench/backoffice_scale.py --cases 100000 --requests 50   # a quick look
    .venv/bin/python bench/backoffice_scale.py --keep             # keep the database afterwards
    .venv/bin/python bench/backoffice_scale.py --use-database postgresql+psycopg://postgres@127.0.0.1:5432/cme_scale_1a2b3c4d

Creates a database on the PostgreSQL server given (--database-url, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres), builds it by the migrations, creates
the five councils of tenants/ (as `flask tenants sync` does) and 15 invented ones (database
rows only), then loads invented children with COPY: one case and one submission per child
(so 1,000,000 of each by default, 50,000 a council) and their name keys; about 95% closed,
5% open (new or acknowledged), 1% urgent, deadlines around today, allocated to a few officers
per council. Secondary indexes and foreign keys are dropped during the COPY and made again
after it, then VACUUM ANALYZE. The database is dropped at the end unless --keep is given;
--use-database measures a kept one without loading again.

Then, for one real council (stockport) and an officer signed in with password and TOTP
through the Flask test client, it prints the median, p95 and max in ms of each measurement
(--requests of each after 10 to warm up; view=closed a quarter as many), with the median time
spent waiting on PostgreSQL and the number of SQL statements:
  (a) the inbox page GET: the default view (all open), view=mine, a filtered view (a form and
      overdue) and, for information, view=closed;
  (b) the same four through `inbox_page()` alone (its queries and loading the rows);
  (c) `search_submissions()`: three names spelt another way than stored ("Jon Smyth",
      "Mohammed Khan", "Oliwia Novak"), one common word ("smith"), a full reference, a date
      of birth, a UPN and a postcode;
  (d) the same through the search page POST (audit row and commit included);
then EXPLAIN (ANALYZE, BUFFERS) of each statement on submissions or name_keys that the inbox
and a few searches send: the top plan line, the scans and indexes used, the buffers and the
execution time; and a last line with the two figures of the aims and the load average.

Aims (issue 5): inbox page p95 20 ms or less, name search p95 30 ms or less. The figures are
from one run on the machine it runs on: on a shared machine (development has 2 cores shared
with others) read them with the load average printed beside them, and compare runs on one
machine only.
"""
from __future__ import annotations

import argparse
import bisect
import os
import random
import re
import statistics
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "stockport"
REAL_SHARE = 50_000 / 1_000_000  # each of the five real councils' share of the cases
OPEN_SHARE = 0.05
URGENT_SHARE = 0.01
OFFICERS_PER_COUNCIL = 8

# --- invented names -------------------------------------------------------------------------
# (name, weight): common names of children in England and Wales, with the spellings people
# actually type for the same name, so that a phonetic search has something to find.
FIRST_NAMES = [
    ("Mohammed", 30), ("Muhammad", 30), ("Mohammad", 10), ("Mohamed", 10),
    ("Oliver", 25), ("George", 22), ("Noah", 22), ("Arthur", 20), ("Harry", 18), ("Leo", 18),
    ("Jack", 18), ("Jake", 6), ("Oscar", 16), ("Charlie", 16), ("Jacob", 14), ("Jakub", 6),
    ("Thomas", 14), ("Tomasz", 5), ("James", 14), ("William", 14), ("Henry", 14),
    ("Alfie", 12), ("Freddie", 12), ("Theo", 12), ("Archie", 12), ("Joshua", 10),
    ("Isaac", 10), ("Ethan", 10), ("Adam", 10), ("Aidan", 5), ("Daniel", 10), ("Samuel", 10),
    ("John", 12), ("Jon", 4), ("Jonathan", 4), ("Sean", 6), ("Shaun", 4), ("Stephen", 5),
    ("Steven", 5), ("Ibrahim", 8), ("Ebrahim", 3), ("Omar", 8), ("Umar", 4), ("Yusuf", 8),
    ("Yousef", 4), ("Ali", 8), ("Hamza", 8), ("Ayaan", 6), ("Lukasz", 3), ("Lucas", 10),
    ("Filip", 3), ("Philip", 4), ("Alexander", 10), ("Aleksander", 3), ("Dylan", 8),
    ("Mason", 8), ("Jason", 4), ("Logan", 8), ("Riley", 8), ("Tyler", 6), ("Kai", 6),
    ("Olivia", 25), ("Oliwia", 5), ("Amelia", 24), ("Isla", 20), ("Ava", 20), ("Lily", 16),
    ("Ivy", 14), ("Freya", 14), ("Florence", 12), ("Isabella", 12), ("Mia", 14),
    ("Willow", 10), ("Rosie", 10), ("Sophia", 12), ("Sofia", 6), ("Grace", 12), ("Evie", 12),
    ("Poppy", 10), ("Ella", 10), ("Sienna", 8), ("Emily", 12), ("Emilie", 3), ("Ruby", 10),
    ("Jane", 4), ("Joan", 2), ("Sarah", 8), ("Sara", 5), ("Zara", 6), ("Zoe", 8), ("Zoë", 2),
    ("Aisha", 8), ("Ayesha", 5), ("Fatima", 10), ("Fatimah", 3), ("Maryam", 10),
    ("Mariam", 4), ("Khadija", 5), ("Hannah", 8), ("Hana", 4), ("Catherine", 5),
    ("Katherine", 5), ("Kathryn", 3), ("Siobhan", 3), ("Niamh", 4), ("Aoife", 3),
    ("Nicole", 4), ("Nichole", 2), ("Jessica", 8), ("Chloe", 8), ("Megan", 8), ("Ellie", 8),
    ("Amira", 5), ("Layla", 8), ("Leila", 4), ("Harriet", 5), ("Martina", 2), ("Zuzanna", 3),
    ("Maja", 3), ("Maia", 3),
]
LAST_NAMES = [
    ("Smith", 40), ("Smyth", 6), ("Smithe", 2), ("Jones", 32), ("Williams", 24),
    ("Taylor", 20), ("Brown", 20), ("Davies", 18), ("Davis", 6), ("Evans", 14),
    ("Wilson", 12), ("Thomas", 12), ("Johnson", 12), ("Roberts", 12), ("Robinson", 10),
    ("Thompson", 10), ("Thomson", 4), ("Wright", 10), ("Walker", 10), ("White", 8),
    ("Edwards", 8), ("Hughes", 8), ("Green", 8), ("Hall", 8), ("Lewis", 8), ("Harris", 8),
    ("Clarke", 8), ("Clark", 6), ("Patel", 16), ("Khan", 16), ("Kahn", 2), ("Ali", 10),
    ("Ahmed", 10), ("Ahmad", 4), ("Hussain", 10), ("Hussein", 4), ("Begum", 8),
    ("Rahman", 6), ("Iqbal", 4), ("Shah", 6), ("Akhtar", 4), ("Mahmood", 4), ("Nowak", 4),
    ("Novak", 2), ("Kowalski", 4), ("Kowalska", 3), ("Wisniewski", 2), ("O'Brien", 6),
    ("Obrien", 1), ("McDonald", 6), ("MacDonald", 4), ("Murphy", 8), ("Kelly", 8),
    ("Jackson", 8), ("Wood", 8), ("Turner", 8), ("Martin", 8), ("Cooper", 8), ("Hill", 8),
    ("Ward", 6), ("Morris", 6), ("Moore", 6), ("King", 6), ("Watson", 6), ("Baker", 6),
    ("Harrison", 6), ("Morgan", 6), ("Price", 6), ("Griffiths", 6), ("Jenkins", 4),
    ("Lloyd", 4), ("Rees", 4), ("Rhys", 2), ("Owen", 6), ("Owens", 2), ("Popescu", 3),
    ("Mensah", 3), ("Okafor", 3), ("Nguyen", 3), ("Da Silva", 2), ("Silva", 2),
    ("Mohamed", 3), ("Osman", 3), ("Usman", 2), ("Schmidt", 1), ("Smithwick", 1),
]
POSTCODE_AREAS = ["SK", "L", "SE", "ST", "CF", "M", "B", "LS", "BD", "NE", "BS", "NG", "LE",
                  "CV", "WS", "WV", "DE", "HU", "SR", "PR", "BL"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

SUBMISSION_COLUMNS = (
    "id", "tenant_id", "created_at", "reference", "submission_token", "form_slug",
    "received_at", "urgent", "language", "child_first_name", "child_last_name", "child_dob",
    "upn", "postcode", "school_laestab", "sender_name", "sender_email", "answers",
    "team_key", "routing_reason", "status", "acknowledged_at", "acknowledged_by_id",
    "officer_id", "allocated_at", "case_id", "due_on")
CASE_COLUMNS = (
    "id", "tenant_id", "created_at", "status", "opened_at", "opened_by_id", "child_first_name",
    "child_last_name", "child_dob", "upn", "postcode", "urgent", "team_key", "officer_id",
    "outcome_key", "closed_at", "closed_by_id", "next_due_on")
NAME_KEY_COLUMNS = ("id", "tenant_id", "submission_id", "key")
LOADED_TABLES = ("cases", "submissions", "name_keys")


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def summary(values: list[float]) -> str:
    return (f"median {statistics.median(values):6.1f}  p95 {p95(values):6.1f}  "
            f"max {max(values):6.1f} ms  (n={len(values)})")


def psycopg_conninfo(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- the councils ---------------------------------------------------------------------------

class Council:
    """What the loader needs of a council: its id, codes, teams, forms, officers, schools."""

    def __init__(self, index: int, tenant_id: int, slug: str, dfe_code: str, prefix: str,
                 teams: list[str], forms: list[str], schools: list[str],
                 officers: list[int], cases: int):
        self.index, self.tenant_id, self.slug = index, tenant_id, slug
        self.dfe_code, self.prefix = dfe_code, prefix
        self.teams, self.forms, self.officers, self.cases = teams, forms, officers, cases
        rng = random.Random(index)
        self.schools = schools or [f"{dfe_code}{rng.randint(2000, 7999):04d}" for _ in range(60)]
        self.area = POSTCODE_AREAS[index % len(POSTCODE_AREAS)]
        self.year_counters: dict[int, int] = {}


def shares(cases: int, councils: int, real: int) -> list[int]:
    """How many cases each council gets: the real ones 5% of all each (50,000 of 1,000,000)
    when there are invented ones too, the rest split evenly; the total is exactly `cases`."""
    if councils <= real:
        counts = [cases // councils] * councils
    else:
        each_real = round(cases * REAL_SHARE)
        rest = cases - each_real * real
        invented = councils - real
        counts = [each_real] * real + [rest // invented] * invented
    counts[0] += cases - sum(counts)
    return counts


def create_councils(app, councils: int, cases: int) -> list[Council]:
    """Sync the five real councils (as `flask tenants sync`), add invented ones (rows only)
    and a few officers each."""
    from portal.cli import sync_tenants
    from portal.extensions import db
    from portal.models import StaffUser, TenantRow
    from portal.tenancy import tenant_scope, tenants
    from sqlalchemy import select

    with app.app_context():
        sync_tenants()
        registry = tenants()
        real = sorted(registry, key=lambda slug: slug != SLUG)[:councils]
        rows = {row.slug: row for row in db.session.scalars(select(TenantRow))}
        used_codes = {row.dfe_code for row in rows.values()}
        used_prefixes = {row.reference_prefix for row in rows.values()}
        # Invented councils take the unused three-digit codes from 999 down (150 councils
        # need 145 of them; England's real codes are 201-938).
        codes = (f"{n}" for n in range(999, 99, -1) if f"{n}" not in used_codes)
        prefixes = (f"Q{a}{b}" for a in "ABCDEFGH" for b in "ABCDEFGHJKLMNPRSTUVWXYZ"
                    if f"Q{a}{b}" not in used_prefixes)
        invented: list[str] = []
        for number in range(1, councils - len(real) + 1):
            row = TenantRow(slug=f"bench-council-{number:03d}", name=f"Benchshire {number}",
                            dfe_code=next(codes), nation="england",
                            reference_prefix=next(prefixes))
            db.session.add(row)
            invented.append(row.slug)
        db.session.commit()

    counts = shares(cases, councils, len(real))
    result: list[Council] = []
    with app.app_context():
        rows = {row.slug: row for row in db.session.scalars(select(TenantRow))}
        slugs = real + invented
        for index, slug in enumerate(slugs):
            row = rows[slug]
            config = registry.get(slug) or registry[SLUG]  # invented ones borrow stockport's
            with tenant_scope(row.id):
                staff = [StaffUser(email=f"officer-{n}@{slug}.bench.invalid",
                                   display_name=f"Bench Officer {n}", role="officer")
                         for n in range(1, OFFICERS_PER_COUNCIL + 1)]
                db.session.add_all(staff)
                db.session.commit()
                ids = [user.id for user in staff]
            result.append(Council(
                index, row.id, slug, row.dfe_code, row.reference_prefix,
                teams=[team.key for team in config.teams],
                forms=list(config.offered_forms),
                schools=[school.laestab for school in config.schools] if slug in registry else [],
                officers=ids, cases=counts[index]))
        db.session.remove()
    return result


# --- bulk loading ---------------------------------------------------------------------------

def _constraints_and_indexes(cur) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    cur.execute("""
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')
        ORDER BY contype DESC""", (list(LOADED_TABLES),))
    constraints = cur.fetchall()
    cur.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
                (list(LOADED_TABLES),))
    return constraints, cur.fetchall()


def _date_text(day: date) -> str:
    return day.isoformat()


def _generate(councils: list[Council], now: datetime, copies, seed: int) -> tuple[int, int]:
    """Write every case, submission and name key to the three COPY streams; returns the
    number of submissions and of name keys."""
    from portal.casework import names
    from portal.rules.upn import check_letter

    # The keys index_submission_names stores: index_keys (word and pair keys) where the
    # names module has it, else the words' keys alone.
    stored_keys = getattr(names, "index_keys", None) or names.name_keys

    rng = random.Random(seed)
    rand, randint, choice = rng.random, rng.randint, rng.choice
    today = now.date()
    epoch_now = now.timestamp()
    six_years = 6 * 365 * 86400

    def weighted(pairs):
        names = [name for name, _ in pairs]
        cumulative, total = [], 0
        for _, weight in pairs:
            total += weight
            cumulative.append(total)
        return lambda: names[bisect.bisect_right(cumulative, rand() * total)]

    first_name, last_name = weighted(FIRST_NAMES), weighted(LAST_NAMES)
    dobs = [_date_text(today - timedelta(days=d)) for d in range(4 * 365 + 1, 16 * 365)]
    days: dict[int, str] = {}
    keys_of: dict[tuple[str, str], list[str]] = {}

    def day_text(offset: int) -> str:
        if offset not in days:
            days[offset] = _date_text(today + timedelta(days=offset))
        return days[offset]

    # When each submission came in decides its id and reference, so ids interleave across
    # councils as they would in life. Open work is recent; closed work spreads over six years.
    arrivals = []
    for council in councils:
        for _ in range(council.cases):
            is_open = rand() < OPEN_SHARE
            age = rand() * 40 * 86400 if is_open else 7 * 86400 + rand() * six_years
            arrivals.append((epoch_now - age, council.index, is_open))
    arrivals.sort()

    case_copy, submission_copy, key_copy = copies
    case_lines: list[str] = []
    submission_lines: list[str] = []
    key_lines: list[str] = []
    key_id = 0
    for row_id, (stamp, council_index, is_open) in enumerate(arrivals, start=1):
        council = councils[council_index]
        received = datetime.fromtimestamp(stamp, timezone.utc)
        received_text = received.strftime("%Y-%m-%d %H:%M:%S+00")
        year = received.year
        number = council.year_counters.get(year, 0) + 1
        council.year_counters[year] = number
        reference = f"{council.prefix}-{year}-{number:06d}"

        first, last = first_name(), last_name()
        if rand() < 0.08:
            first = f"{first} {first_name()}"
        if rand() < 0.04:
            last = f"{last}-{last_name()}"
        dob = choice(dobs)
        draw = rand()
        if draw < 0.70:
            body = f"{council.dfe_code}{randint(0, 9999):04d}{randint(10, 24)}{randint(0, 999):03d}"
            upn = check_letter(body) + body
        elif draw < 0.75:  # UPN-shaped, not necessarily valid (as typed by a sender)
            upn = choice("ABCDEFGHJKLMNPQRTUVWXYZ") + f"{randint(0, 10**12 - 1):012d}"
        else:
            upn = "\\N"
        postcode = (f"{council.area}{randint(1, 9)} {randint(1, 9)}{choice(INWARD_LETTERS)}"
                    f"{choice(INWARD_LETTERS)}" if rand() < 0.9 else "\\N")
        school = choice(council.schools) if rand() < 0.7 else "\\N"
        form = council.forms[0] if rand() < 0.5 else choice(council.forms)
        team = council.teams[0] if rand() < 0.6 else choice(council.teams)
        urgent = "t" if rand() < URGENT_SHARE else "f"
        received_day = (received.date() - today).days

        acknowledged_at = acknowledged_by = officer_id = allocated_at = due_on = "\\N"
        outcome = closed_at = closed_by = next_due = "\\N"
        if is_open:
            status = "new" if rand() < 0.5 else "acknowledged"
            if status == "acknowledged":
                acknowledged_at = (received + timedelta(hours=randint(2, 72))).strftime(
                    "%Y-%m-%d %H:%M:%S+00")
                acknowledged_by = str(choice(council.officers))
            allocated = rand() < (0.7 if status == "acknowledged" else 0.2)
            if allocated:
                officer_id = str(choice(council.officers))
                allocated_at = acknowledged_at if acknowledged_at != "\\N" else received_text
            # The submission's own deadline (acknowledge by, then allocate by); once it has an
            # officer, its case's deadlines apply (see portal.casework.intake).
            if status == "new":
                due_on = day_text(received_day + randint(2, 5))
            elif not allocated:
                due_on = day_text(received_day + randint(8, 12))
            else:
                next_due = day_text(randint(-15, 30))
            case_status = "open"
        else:
            status = case_status = "closed"
            acknowledged_at = (received + timedelta(hours=randint(2, 72))).strftime(
                "%Y-%m-%d %H:%M:%S+00")
            acknowledged_by = officer_id = closed_by = str(choice(council.officers))
            allocated_at = acknowledged_at
            closed_at = (received + timedelta(days=randint(5, 90))).strftime(
                "%Y-%m-%d %H:%M:%S+00")
            outcome = "back-in-school"

        case_lines.append("\t".join((
            str(row_id), str(council.tenant_id), received_text, case_status, received_text,
            acknowledged_by, first, last, dob, upn, postcode, urgent, team, officer_id, outcome,
            closed_at, closed_by, next_due)))
        answers = f'{{"child_first_name": "{first}", "child_last_name": "{last}"}}'
        submission_lines.append("\t".join((
            str(row_id), str(council.tenant_id), received_text, reference,
            f"bench{row_id:011d}", form, received_text, urgent, "en", first, last, dob, upn,
            postcode, school, "Bench Sender", "sender@school.bench.invalid", answers, team,
            "bench", status, acknowledged_at, acknowledged_by, officer_id, allocated_at,
            str(row_id), due_on)))
        keys = keys_of.get((first, last))
        if keys is None:
            keys = keys_of[(first, last)] = sorted(stored_keys(first, last))
        for key in keys:
            key_id += 1
            key_lines.append(f"{key_id}\t{council.tenant_id}\t{row_id}\t{key}")

        if len(submission_lines) >= 5000:
            for copy, lines in ((case_copy, case_lines), (submission_copy, submission_lines),
                                (key_copy, key_lines)):
                copy.write(("\n".join(lines) + "\n").encode())
                lines.clear()
    for copy, lines in ((case_copy, case_lines), (submission_copy, submission_lines),
                        (key_copy, key_lines)):
        if lines:
            copy.write(("\n".join(lines) + "\n").encode())
    return len(arrivals), key_id


def bulk_load(url: str, councils: list[Council], seed: int) -> None:
    import psycopg

    conninfo = psycopg_conninfo(url)
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as admin:
        cur = admin.cursor()
        constraints, indexes = _constraints_and_indexes(cur)
        for table, name, _definition in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX {name}')

    now = datetime.now(timezone.utc)
    with ExitStack() as stack:
        connections = [stack.enter_context(psycopg.connect(conninfo)) for _ in LOADED_TABLES]
        copies = []
        for connection, table, columns in zip(connections, LOADED_TABLES,
                                              (CASE_COLUMNS, SUBMISSION_COLUMNS,
                                               NAME_KEY_COLUMNS)):
            connection.execute("SET synchronous_commit = off")
            copies.append(stack.enter_context(connection.cursor().copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN")))
        submissions, keys = _generate(councils, now, copies, seed)
        stack.close()  # ends the COPYs and commits
    copied = time.perf_counter()
    print(f"  copied {submissions:,} cases, {submissions:,} submissions and {keys:,} name keys "
          f"in {copied - started:.0f} s")

    with psycopg.connect(conninfo, autocommit=True) as admin:
        cur = admin.cursor()
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        for _name, definition in indexes:
            cur.execute(definition)
        for table, name, definition in constraints:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in LOADED_TABLES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
        cur.execute("""
            INSERT INTO reference_counters (tenant_id, year, last_value)
            SELECT tenant_id, split_part(reference, '-', 2)::int,
                   max(split_part(reference, '-', 3)::int)
            FROM submissions GROUP BY 1, 2""")
        indexed = time.perf_counter()
        print(f"  made {len(indexes)} indexes and {len(constraints)} constraints again in "
              f"{indexed - copied:.0f} s")
        cur.execute("VACUUM ANALYZE")
        done = time.perf_counter()
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print(f"  VACUUM ANALYZE in {done - indexed:.0f} s; database size {size}")


# --- measuring ------------------------------------------------------------------------------

@contextmanager
def captured_sql(engine):
    """The statements (and parameters) the application sends while the block runs."""
    from sqlalchemy import event

    statements: list[tuple[str, object]] = []

    def listener(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


_INDEX_USED = re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)"
                         r"(?: Backward)?(?: using ([\w.]+))? on (\w+)")


def explain(app, label: str, run) -> None:
    """Run `run()` once, then EXPLAIN (ANALYZE, BUFFERS) every SELECT on council data it sent
    and print each one's top line, scans, buffers and execution time."""
    from portal.extensions import db

    with app.app_context():
        with captured_sql(db.engine) as statements:
            run()
        db.session.remove()
        print(f"\n{label}")
        with db.engine.connect() as conn:
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith("SELECT") or (
                        "submissions" not in statement and "name_keys" not in statement):
                    continue
                plan = [row[0] for row in conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)]
                first_line = " ".join(statement.split())[:90]
                scans = sorted({f"{m[1]} {m[2] or ''} on {m[3]}".replace("  ", " ")
                                for line in plan for m in _INDEX_USED.finditer(line)})
                buffers = next((line.strip() for line in plan if "Buffers:" in line), "")
                total = next(line.strip() for line in plan if line.startswith("Execution Time"))
                print(f"  {first_line}...")
                print(f"    plan: {plan[0].strip()[:110]}")
                print(f"    scans: {'; '.join(scans)}")
                print(f"    {buffers}; {total}")


class SqlClock:
    """How long the application waits on PostgreSQL, and for how many statements."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine, self.seconds, self.statements = engine, 0.0, 0
        self._event = event
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, *_args) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, *_args) -> None:
        self.seconds += time.perf_counter() - conn.info.pop("bench_started")
        self.statements += 1

    def reset(self) -> None:
        self.seconds, self.statements = 0.0, 0

    def close(self) -> None:
        self._event.remove(self.engine, "before_cursor_execute", self._before)
        self._event.remove(self.engine, "after_cursor_execute", self._after)


class Timings:
    def __init__(self):
        self.total: list[float] = []
        self.sql: list[float] = []
        self.statements = 0

    def line(self) -> str:
        return (f"{summary(self.total)}  SQL median {statistics.median(self.sql):5.1f} ms "
                f"in {self.statements} statements")


def timed(n: int, call, clock: SqlClock, warm_up: int = 10) -> Timings:
    for _ in range(warm_up):
        call()
    result = Timings()
    for _ in range(n):
        clock.reset()
        started = time.perf_counter()
        call()
        result.total.append((time.perf_counter() - started) * 1000)
        result.sql.append(clock.seconds * 1000)
        result.statements = clock.statements
    return result


def load_average() -> str:
    return "load average " + ", ".join(f"{value:.1f}" for value in os.getloadavg())


def busiest_officer(app) -> dict:
    """A new officer of stockport (password and TOTP, as tests/integration/auth/helpers.py
    makes them) who takes over the work of the council's busiest officer."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Submission
    from portal.tenancy import tenant_id_for, tenant_scope
    from tests.integration.auth.helpers import make_officer

    officer = make_officer(app, SLUG, role="officer")
    with app.app_context():
        tenant_id = tenant_id_for(SLUG)
        with tenant_scope(tenant_id):
            busiest = db.session.execute(
                select(Submission.officer_id, func.count(Submission.id))
                .where(Submission.status.in_(("new", "acknowledged")),
                       Submission.officer_id.is_not(None))
                .group_by(Submission.officer_id).order_by(func.count(Submission.id).desc())
                .limit(1)).first()
            if busiest:
                db.session.execute(
                    Submission.__table__.update()
                    .where(Submission.tenant_id == tenant_id,
                           Submission.officer_id == busiest[0])
                    .values(officer_id=officer["id"]))
                db.session.commit()
        db.session.remove()
    return officer


def measure(url: str, requests: int) -> None:
    from sqlalchemy import func, select, text

    from portal import create_app
    from portal.casework.inbox import Filters, inbox_page
    from portal.casework.intake import local_day
    from portal.casework.search import parse_query, search_submissions
    from portal.extensions import db
    from portal.models import Submission
    from portal.tenancy import tenant_id_for, tenant_scope, tenants, unscoped
    from tests.conftest import make_settings
    from tests.forms_driver import csrf_of
    from tests.integration.auth.helpers import sign_in

    app = create_app(make_settings(url))
    officer = busiest_officer(app)
    open_statuses = ("new", "acknowledged")
    with app.app_context():
        tenant_id = tenant_id_for(SLUG)
        config = tenants()[SLUG]
        with tenant_scope(tenant_id):
            # count(Submission.id), not count(): the tenancy hook scopes a statement by the
            # entities it selects, and select(func.count()).select_from(...) selects none.
            open_count = db.session.scalar(select(func.count(Submission.id)).where(
                Submission.status.in_(open_statuses)))
            total = db.session.scalar(select(func.count(Submission.id)))
            # A child to look for by reference, date of birth, UPN and postcode.
            sample = db.session.scalars(
                select(Submission).where(Submission.upn.is_not(None),
                                         Submission.postcode.is_not(None))
                .order_by(Submission.id.desc()).offset(min(1000, total // 4)).limit(1)).one()
            db.session.expunge(sample)
        with unscoped():  # every council's, on purpose: the size of the whole database
            all_total = db.session.execute(text("SELECT count(*) FROM submissions")).scalar()
        db.session.remove()
        clock = SqlClock(db.engine)
    form = config.offered_forms[0]
    print(f"\n{SLUG}: {total:,} submissions ({open_count:,} open) of {all_total:,} in the "
          f"database; {load_average()}")

    client = app.test_client()
    sign_in(client, officer)
    base = f"/{SLUG}/staff/inbox"
    views = [("default view (all open)", base, Filters()),
             ("view=mine", f"{base}?view=mine", Filters(view="mine")),
             ("filtered (form, overdue)", f"{base}?form={form}&overdue=1",
              Filters(form=form, overdue=True)),
             ("view=closed (for information)", f"{base}?view=closed", Filters(view="closed"))]

    def get(path):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response
        return call

    print(f"\n(a) the inbox page GET, signed in, through the test client ({requests} each)")
    pages = {}
    closed_requests = max(10, requests // 4)  # 50 times slower, and only for information
    for label, path, _filters in views:
        html = get(path)().get_data(as_text=True)
        shown = html.count('<tr class="govuk-table__row">') - 1
        count = closed_requests if "closed" in label else requests
        pages[label] = timed(count, get(path), clock)
        print(f"  {label:30s} {pages[label].line()}  [{max(shown, 0)} rows]")

    today = local_day(datetime.now(timezone.utc))
    print(f"\n(b) inbox_page() alone: the queries and loading the rows ({requests} each)")
    with app.app_context(), tenant_scope(tenant_id):
        for label, _path, filters in views:
            def call(filters=filters):
                inbox_page(filters, user_id=officer["id"], today=today)
                db.session.remove()
            count = closed_requests if filters.view == "closed" else requests
            print(f"  {label:30s} {timed(count, call, clock).line()}")

    queries = [("name: Jon Smyth", "Jon Smyth"), ("name: Mohammed Khan", "Mohammed Khan"),
               ("name: Oliwia Novak", "Oliwia Novak"), ("one word: smith", "smith"),
               ("reference", sample.reference),
               ("date of birth", sample.child_dob.strftime("%d/%m/%Y")),
               ("UPN", sample.upn), ("postcode", sample.postcode)]
    print(f"\n(c) search_submissions(), the first 25 ({requests} each)")
    name_search: list[float] = []
    with app.app_context(), tenant_scope(tenant_id):
        for label, typed in queries:
            query = parse_query(typed)
            found = search_submissions(query, limit=25)[1]
            db.session.remove()

            def call(query=query):
                search_submissions(query, limit=25)
                db.session.remove()
            result = timed(requests, call, clock)
            if label.startswith("name"):
                name_search += result.total
            print(f"  {label:30s} {result.line()}  [{query.kind}: {found} found]")
    print(f"  {'the three names together':30s} {summary(name_search)}")

    print(f"\n(d) the search page POST through the test client ({requests} each)")
    token = csrf_of(client.get(f"/{SLUG}/staff/search").get_data(as_text=True))
    name_posts: list[float] = []
    for label, typed in queries:
        def post(typed=typed):
            response = client.post(f"/{SLUG}/staff/search", data={"csrf_token": token, "q": typed})
            assert response.status_code == 200, response.status_code
        result = timed(requests, post, clock)
        if label.startswith("name"):
            name_posts += result.total
        print(f"  {label:30s} {result.line()}")
    print(f"  {'the three names together':30s} {summary(name_posts)}")
    with app.app_context():
        clock.close()

    def inbox_once(filters):
        def run():
            with tenant_scope(tenant_id):
                inbox_page(filters, user_id=officer["id"], today=today)
        return run

    def search_once(typed):
        def run():
            with tenant_scope(tenant_id):
                search_submissions(parse_query(typed), limit=25)
        return run

    explain(app, "EXPLAIN (ANALYZE, BUFFERS) inbox_page(), default view", inbox_once(Filters()))
    explain(app, "EXPLAIN (ANALYZE, BUFFERS) inbox_page(), view=closed",
            inbox_once(Filters(view="closed")))
    explain(app, "EXPLAIN (ANALYZE, BUFFERS) search 'Mohammed Khan'",
            search_once("Mohammed Khan"))
    explain(app, "EXPLAIN (ANALYZE, BUFFERS) search 'smith'", search_once("smith"))
    explain(app, "EXPLAIN (ANALYZE, BUFFERS) search by postcode", search_once(sample.postcode))

    inbox_p95 = p95(pages[views[0][0]].total)
    print(f"\nAims (issue 5): inbox page p95 {inbox_p95:.1f} ms (default view; aim 20 ms); "
          f"name search p95 {p95(name_search):.1f} ms (search_submissions, the three names; aim "
          f"30 ms), {p95(name_posts):.1f} ms as a page POST. {load_average()} on "
          f"{os.cpu_count()} cores.")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000,
                        help="cases to load, one submission each (default 1,000,000)")
    parser.add_argument("--councils", type=int, default=20,
                        help="councils: the five real ones and invented ones (default 20)")
    parser.add_argument("--requests", type=int, default=200,
                        help="timed requests or calls per measurement (default 200)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/"
                        "postgres", help="a PostgreSQL server to create the database on")
    parser.add_argument("--use-database", metavar="URL",
                        help="measure a database kept by --keep, without loading")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.councils < 5:
        parser.error("--councils must be 5 or more (the five real councils)")

    import logging

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    logging.disable(logging.INFO)
    if args.use_database:
        measure(args.use_database, args.requests)
        return

    from flask_migrate import upgrade

    from portal import create_app
    from tests.conftest import make_settings

    name = f"cme_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    try:
        started = time.perf_counter()
        app = create_app(make_settings(url))
        with app.app_context():
            upgrade()
        councils = create_councils(app, args.councils, args.cases)
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
        print(f"Loading {args.cases:,} cases over {len(councils)} councils into {name} ...")
        bulk_load(url, councils, args.seed)
        print(f"Loaded in {time.perf_counter() - started:.0f} s (migrations and councils "
              f"included)")
        measure(url, args.requests)
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
