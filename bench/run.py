"""`make bench`: every benchmark of bench/ in one table, each figure beside its goal and its
ratio to an anchor measured in the same run.

    .venv/bin/python bench/run.py                    # small: fits a shared 2-core machine (~3 min)
    .venv/bin/python bench/run.py --scale national   # 1,000,000 cases over 150 councils
    .venv/bin/python bench/run.py --keep             # keep the two databases afterwards

It makes two databases on the PostgreSQL server given (--database-url, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres), both built by the migrations and
loaded with COPY by the loaders of the other benchmarks:

* the **back-office** database (bench/backoffice_scale.py): invented cases and submissions over
  many councils (national: 1,000,000 over 150; stockport 50,000 of them, 95% closed);
* the **reports** database (bench/reports_scale.py): one council (stockport) with a full
  casework history (national: 100,000 cases, 8% open: the 8,000 open cases of a big council's
  children out of provision register).

Then it serves the back-office database with gunicorn (2 sync workers, as
bench/forms_speed.py does) and measures over HTTP: a bare Flask route (the anchor of every
page figure), the longest question page of a form, the final submission POST with 8 senders at
once, an officer's inbox (open and closed views) and what a first visit downloads. In this
process it times the name search, the DfE return, the board's PDF, the children out of
provision register and a 100,000-row CSV export, against a plain primary-key SELECT through
the same session (the anchor of every query figure).

The table has no pass or fail: the benchmark fails only if something it drives is broken (an
unexpected status, a page without its content). Figures on a shared machine move with the
load: the load average is printed with the table.
"""
from __future__ import annotations

import argparse
import gzip
import logging
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import backoffice_scale, forms_speed, reports_scale  # noqa: E402

SLUG = "stockport"
SCALES = {
    # cases over councils in the back-office database; the reports council's cases; seconds
    # of each requests-per-second run; timed requests or calls of each latency; posts per
    # sender; runs of each report.
    "small": dict(cases=20_000, councils=20, report_cases=10_000, seconds=4, requests=60,
                  posts_each=3, runs=3),
    "national": dict(cases=1_000_000, councils=150, report_cases=100_000, seconds=10,
                     requests=200, posts_each=8, runs=5),
}
CSRF = forms_speed.CSRF


@dataclass
class Row:
    measure: str
    figure: str
    goal: str
    anchor: str = "-"
    ratio: str = "-"


def p95(values: list[float]) -> float:
    return backoffice_scale.p95(values)


def ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}"


def load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


# --- databases --------------------------------------------------------------------------------

def create_database(admin, prefix: str) -> tuple[str, str]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name, make_url(str(admin.url)).set(database=name).render_as_string(
        hide_password=False)


def drop_database(admin, name: str) -> None:
    from sqlalchemy import text

    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :n"), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


def build(url: str) -> object:
    from flask_migrate import upgrade

    from portal import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(url))
    with app.app_context():
        upgrade()
    return app


def dispose(app) -> None:
    from portal.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def load_backoffice(url: str, cases: int, councils: int) -> None:
    app = build(url)
    found = backoffice_scale.create_councils(app, councils, cases)
    dispose(app)
    print(f"back-office database: {cases:,} cases over {len(found)} councils", flush=True)
    backoffice_scale.bulk_load(url, found, seed=5)


def load_reports(url: str, cases: int) -> None:
    app = build(url)
    councils = reports_scale.create_councils(app)
    dispose(app)
    print(f"reports database: {cases:,} cases of {SLUG}", flush=True)
    reports_scale.bulk_load(url, councils, cases, seed=7)


# --- over HTTP, against gunicorn ----------------------------------------------------------------

class Server:
    """gunicorn with 2 sync workers on a free port of 127.0.0.1, stopped on exit."""

    def __init__(self, url: str):
        self.port = forms_speed.free_port()
        env = {**os.environ, "DATABASE_URL": url, "PUBLIC_FORM_LIMIT": "1000000 per hour",
               "PUBLIC_DRAFT_LIMIT": "1000000 per hour",
               "PUBLIC_ADDRESS_CEILING": "1000000 per hour",
               "PUBLIC_SEARCH_LIMIT": "1000000 per minute",
               "SECRET_KEY": uuid.uuid4().hex * 2}
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--no-control-socket",
             "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "bench.bench_app:app"], env=env, cwd=ROOT)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn did not start")
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def latencies(port: int, path: str, cookies: dict, n: int, clients: int = 1,
              warm_up: int = 5) -> list[float]:
    """Wall times (ms) of n GETs of path, from `clients` keep-alive connections at once."""
    timings: list[float] = []
    lock = threading.Lock()

    def run(count: int) -> None:
        browser = forms_speed.Browser(port)
        browser.cookies = dict(cookies)
        for _ in range(warm_up):
            browser.request("GET", path)
        for _ in range(count):
            started = time.perf_counter()
            status, _, _ = browser.request("GET", path)
            elapsed = (time.perf_counter() - started) * 1000
            assert status == 200, (path, status)
            with lock:
                timings.append(elapsed)

    threads = [threading.Thread(target=run, args=(n // clients,)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def sign_in_over_http(port: int, officer: dict) -> forms_speed.Browser:
    import pyotp

    from tests.integration.auth.helpers import PASSWORD

    browser = forms_speed.Browser(port)
    base = f"/{officer['slug']}/staff/sign-in"
    _, _, html = browser.request("GET", base)
    status, location, _ = browser.request("POST", base, {
        "csrf_token": CSRF.search(html)[1], "email": officer["email"], "password": PASSWORD})
    assert status == 303 and location.endswith("/sign-in/code"), (status, location)
    _, _, html = browser.request("GET", f"{base}/code")
    status, location, _ = browser.request("POST", f"{base}/code", {
        "csrf_token": CSRF.search(html)[1], "code": pyotp.TOTP(officer["secret"]).now()})
    assert status == 303, status
    return browser


ASSET = re.compile(r'<(?:link[^>]+rel="(?:stylesheet|icon|shortcut icon)"[^>]*href|script[^>]+src|'
                   r'img[^>]+src)="(/[^"]+)"')
IMPORT = re.compile(r'''(?:from|import)\s*["'](/[^"']+)["']''')


def first_visit_weight(port: int, path: str) -> tuple[int, list[str]]:
    """What a browser with an empty cache downloads for `path`, asking for gzip: the page
    gzipped (the TLS proxy in front compresses HTML; the portal does not, so that a CSRF token
    is never compressed beside what an attacker sends), then each stylesheet, script, module it
    imports and image, as the portal serves them."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def fetch(url: str) -> tuple[bytes, bytes]:
        conn.request("GET", url, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, (url, response.status)
        raw = gzip.decompress(body) if response.getheader("Content-Encoding") == "gzip" else body
        return body, raw

    _, html = fetch(path)
    total = len(gzip.compress(html, 6))
    seen: list[str] = []
    queue = ASSET.findall(html.decode())
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        sent, raw = fetch(url)
        total += len(sent)
        if url.split("?")[0].endswith(".js"):
            queue += IMPORT.findall(raw.decode())
    conn.close()
    return total, seen


# --- in this process ----------------------------------------------------------------------------

def timed_ms(n: int, call, warm_up: int = 3) -> list[float]:
    for _ in range(warm_up):
        call()
    values = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        values.append((time.perf_counter() - started) * 1000)
    return values


def plain_select(tenant_id: int):
    """The anchor of query figures: one row by its primary key, through the same session."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Case

    first = db.session.scalar(select(Case.id).order_by(Case.id).limit(1))

    def call():
        db.session.execute(select(Case.id, Case.status).where(Case.id == first)).one()
        db.session.remove()
    return call


def measure_http(url: str, scale: dict) -> tuple[list[Row], float, float]:
    from portal import create_app
    from tests.conftest import make_settings

    rows: list[Row] = []
    app = create_app(make_settings(url))
    officer = backoffice_scale.busiest_officer(app)
    server = Server(url)
    try:
        port = server.port
        browser = forms_speed.Browser(port)
        html = forms_speed.fill_to_check(browser, forms_speed._page_answers(
            app, "change-to-register"))
        assert "Check your answers" in html
        longest = max(app.extensions["portal.forms"][(SLUG, "change-to-register")].pages,
                      key=lambda page: len(page.questions))
        page_path = f"{forms_speed.FORM}/{longest.key}"
        seconds = scale["seconds"]

        bare_rps = forms_speed.requests_per_second(port, "/_bench/bare", {}, seconds)
        form_rps = forms_speed.requests_per_second(port, page_path, browser.cookies, seconds)
        rows.append(Row(f"form question page ({len(longest.questions)} questions), 4 clients",
                        f"{form_rps:,.0f} req/s", ">= 50% of bare",
                        f"bare page {bare_rps:,.0f} req/s", f"{form_rps / bare_rps:.0%}"))

        bare_8 = p95(latencies(port, "/_bench/bare", {}, scale["requests"] * 2, clients=8))
        posts = forms_speed.final_post_latencies(port, app, senders=8,
                                                 each=scale["posts_each"])
        rows.append(Row(f"submission POST p95, 8 clients ({len(posts)} posts)",
                        ms(p95(posts)), "<= 40 ms", f"bare page p95 {ms(bare_8)}, 8 clients",
                        f"{p95(posts) / bare_8:.1f}x"))

        bare_1 = p95(latencies(port, "/_bench/bare", {}, scale["requests"]))
        staff = sign_in_over_http(port, officer)
        for view, goal in (("open", "<= 15 ms"), ("closed", "<= 30 ms")):
            path = f"/{SLUG}/staff/inbox?view={view}"
            page = staff.request("GET", path)[2]
            assert "govuk-table" in page, view
            figure = p95(latencies(port, path, staff.cookies, scale["requests"]))
            rows.append(Row(f"officer inbox p95, {view} view", ms(figure), goal,
                            f"bare page p95 {ms(bare_1)}", f"{figure / bare_1:.1f}x"))

        weight, assets = first_visit_weight(port, f"/{SLUG}/")
        rows.append(Row(f"first visit page weight, gzip ({len(assets)} files and the page)",
                        f"{weight / 1024:.1f} KB", "<= 50 KB"))
    finally:
        server.stop()
        dispose(app)
    return rows, bare_rps, bare_1


def measure_search(url: str, scale: dict) -> list[Row]:
    from portal import create_app
    from portal.casework.search import parse_query, search_submissions
    from portal.extensions import db
    from portal.tenancy import tenant_id_for, tenant_scope
    from tests.conftest import make_settings

    app = create_app(make_settings(url))
    with app.app_context():
        tenant_id = tenant_id_for(SLUG)
        with tenant_scope(tenant_id):
            anchor = p95(timed_ms(scale["requests"], plain_select(tenant_id)))
            found: list[float] = []
            for typed in ("Jon Smyth", "Mohammed Khan", "Oliwia Novak"):
                query = parse_query(typed)

                def call(query=query):
                    search_submissions(query, limit=25)
                    db.session.remove()
                found += timed_ms(scale["requests"], call)
    dispose(app)
    return [Row("fuzzy name search p95 (search_submissions, 3 names)", ms(p95(found)),
                "<= 10 ms", f"plain SELECT p95 {ms(anchor)}", f"{p95(found) / anchor:.0f}x")]


def measure_reports(url: str, scale: dict) -> list[Row]:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.models import Case
    from portal.reports import registers
    from portal.reports.board import board_pdf, charts_for
    from portal.reports.dfe_return import dfe_return
    from portal.reports.figures import period_figures
    from portal.tenancy import set_request_tenant, tenant_id_for, tenant_scope, tenants
    from tests.conftest import make_settings
    from tests.integration.auth.helpers import make_officer, sign_in

    rows: list[Row] = []
    runs = scale["runs"]
    app = create_app(make_settings(url))
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    with app.test_request_context(f"/{SLUG}/staff/reports"):
        tenant = tenants()[SLUG]
        set_request_tenant(tenant)
        tenant_id = tenant_id_for(SLUG)
        with tenant_scope(tenant_id):
            total = db.session.scalar(select(func.count(Case.id)))
            still_open = db.session.scalar(select(func.count(Case.id))
                                           .where(Case.status == "open"))
            anchor = p95(timed_ms(50, plain_select(tenant_id)))
            anchor_text = f"plain SELECT p95 {ms(anchor)}"
            now = datetime.now(timezone.utc)
            today = now.date()

            def ratio(value: float) -> str:
                return f"{value / anchor:,.0f}x"

            # The return is made at a census date: the last one on or before today.
            from portal.reports.reasons import census_dates

            census = max(day for day in census_dates() if day <= today)
            dfe = statistics.median(timed_ms(runs, lambda: dfe_return(tenant, census), 1))
            rows.append(Row(f"DfE return, council with {total:,} cases", ms(dfe), "<= 300 ms",
                            anchor_text, ratio(dfe)))

            def the_pdf():
                figures = period_figures(tenant, today - timedelta(days=91), today,
                                         today=today)
                assert board_pdf(figures, charts_for(figures, "board"), tenant=tenant,
                                 generated=now, language="en").startswith(b"%PDF")
            pdf = statistics.median(timed_ms(runs, the_pdf, 1))
            rows.append(Row(f"board PDF with charts, {total:,} cases", ms(pdf), "<= 1 s",
                            anchor_text, ratio(pdf)))

            def the_register():
                registers.register("children-out-of-provision", tenant, today, "en")
                db.session.remove()
            copp = statistics.median(timed_ms(runs, the_register, 1))
            rows.append(Row(f"COPP register, {still_open:,} open cases", ms(copp),
                            "<= 100 ms", anchor_text, ratio(copp)))
        db.session.remove()

    officer = make_officer(app, SLUG)
    client = app.test_client()
    sign_in(client, officer)
    path = f"/{SLUG}/staff/reports/cases.csv"

    def download(trace: bool) -> tuple[int, float, list[int]]:
        """Bytes, seconds, and the peak of Python's memory after each tenth of the file (the
        first batch of rows from the database is at its largest from the second tenth on)."""
        response = client.get(path, buffered=False)
        assert response.status_code == 200, response.status_code
        assert response.is_streamed
        size, peaks, started = 0, [], time.perf_counter()
        if trace:
            tracemalloc.start()
        for chunk in response.response:
            size += len(chunk)
            if trace and size >= (len(peaks) + 1) * expected / 10:
                peaks.append(tracemalloc.get_traced_memory()[1])
        elapsed = time.perf_counter() - started
        response.close()
        if trace:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        return size, elapsed, peaks

    expected = 1
    expected, _, _ = download(False)  # warm-up, and the size the tenths are of
    seconds = statistics.median(download(False)[1] for _ in range(runs))
    _, _, peaks = download(True)
    rows.append(Row(f"CSV export of every case ({total:,} rows), streamed",
                    f"{seconds * 1000:,.0f} ms; Python memory peak {peaks[4] / 2**20:.1f} MB "
                    f"at 50% of the file, {peaks[-1] / 2**20:.1f} MB at 100%",
                    "<= 2 s, memory flat",
                    anchor_text, ratio(seconds * 1000)))
    dispose(app)
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| measure | this run | goal | anchor (same run) | ratio to anchor |",
             "|---|---|---|---|---|"]
    lines += [f"| {r.measure} | {r.figure} | {r.goal} | {r.anchor} | {r.ratio} |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server to create the two databases on")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    scale = SCALES[args.scale]

    from sqlalchemy import create_engine

    logging.disable(logging.INFO)
    started = time.perf_counter()
    load_before = load_average()
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    made: list[str] = []
    try:
        name, backoffice_url = create_database(admin, "cme_bench_backoffice")
        made.append(name)
        name, reports_url = create_database(admin, "cme_bench_reports")
        made.append(name)
        load_backoffice(backoffice_url, scale["cases"], scale["councils"])
        load_reports(reports_url, scale["report_cases"])
        loaded = time.perf_counter()
        print(f"loaded in {loaded - started:.0f} s; measuring ...", flush=True)
        rows, _, _ = measure_http(backoffice_url, scale)
        rows[4:4] = measure_search(backoffice_url, scale)
        rows[5:5] = measure_reports(reports_url, scale)
        print(f"\n`make bench SCALE={args.scale}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} "
              f"UTC, {machine()}; PostgreSQL; load average {load_before} before, "
              f"{load_average()} after; measured in {time.perf_counter() - loaded:.0f} s\n")
        print(table(rows))
    finally:
        if args.keep:
            print("\nKept:", ", ".join(made))
        else:
            for name in made:
                drop_database(admin, name)
        admin.dispose()


if __name__ == "__main__":
    main()
