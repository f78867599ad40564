"""How fast is a long GOV.UK form page, against a bare route, under gunicorn?
And how long does the final submission POST take with 8 senders at once?

    .venv/bin/python bench/forms_speed.py [--seconds 10] [--postgres URL]

Starts gunicorn (2 sync workers) on a free port of 127.0.0.1 against a fresh database (SQLite, or
a new database on the PostgreSQL server given, dropped afterwards), drives it from 4 client
processes with keep-alive connections, prints the figures and stops everything it started.
Targets (issue 3): a form page at 25% or more of the bare route's requests per second; a
final POST's p95 at 60 ms or less on PostgreSQL.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')
FORM = "/stockport/forms/change-to-register"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One keep-alive connection with a cookie jar: enough of a browser for the benchmark."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method: str, path: str, data: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), content


def _page_answers(app, form_slug: str):
    """The planner the tests use: answers for every page of a form."""
    from tests.forms_driver import Journey

    tenant = app.extensions["portal.tenants"]["stockport"]
    return Journey(None, tenant, app.extensions["portal.forms"][("stockport", form_slug)])


def fill_to_check(browser: Browser, planner) -> str:
    _, _, html = browser.request("GET", FORM)
    status, location, _ = browser.request("POST", FORM, {"csrf_token": CSRF.search(html)[1]})
    for _ in range(40):
        if location.endswith("/check"):
            break
        _, _, html = browser.request("GET", location)
        fields = planner.page_fields(location.rsplit("/", 1)[1])
        planner.typed.update({k: v for k, v in fields.items() if not k.startswith("items-")})
        status, location, _ = browser.request("POST", location,
                                              {"csrf_token": CSRF.search(html)[1], **fields})
        assert status == 303, (location, status)
    _, _, html = browser.request("GET", location)
    return html


def hammer(port: int, path: str, cookies: dict, seconds: float, results) -> None:
    browser = Browser(port)
    browser.cookies = dict(cookies)
    count, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, _ = browser.request("GET", path)
        assert status == 200, status
        count += 1
    results.put(count)


def requests_per_second(port: int, path: str, cookies: dict, seconds: float,
                        clients: int = 4) -> float:
    results: mp.Queue = mp.Queue()
    procs = [mp.Process(target=hammer, args=(port, path, cookies, seconds, results))
             for _ in range(clients)]
    for proc in procs:
        proc.start()
    total = sum(results.get(timeout=seconds + 60) for _ in procs)
    for proc in procs:
        proc.join()
    return total / seconds


def final_post_latencies(port: int, app, senders: int = 8, each: int = 8) -> list[float]:
    prepared: list[tuple[Browser, str]] = []
    for _ in range(senders * each):
        browser = Browser(port)
        html = fill_to_check(browser, _page_answers(app, "change-to-register"))
        prepared.append((browser, html))
    timings: list[float] = []
    lock = threading.Lock()

    def send(batch):
        for browser, html in batch:
            browser.reconnect()  # the prepared connection may have idled out
            data = {"csrf_token": CSRF.search(html)[1], "submission_token": TOKEN.search(html)[1]}
            started = time.perf_counter()
            status, _, _ = browser.request("POST", FORM + "/check", data)
            elapsed = (time.perf_counter() - started) * 1000
            assert status == 303, status
            with lock:
                timings.append(elapsed)

    threads = [threading.Thread(target=send, args=(prepared[i::senders],))
               for i in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()

    from sqlalchemy import create_engine, text

    from tests.conftest import make_settings

    name = f"cme_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PUBLIC_FORM_LIMIT": "1000000 per hour",
           "PUBLIC_DRAFT_LIMIT": "1000000 per hour", "PUBLIC_ADDRESS_CEILING": "1000000 per hour",
           "PUBLIC_SEARCH_LIMIT": "1000000 per minute", "SECRET_KEY": uuid.uuid4().hex * 2}
    server = None
    try:
        subprocess.run([sys.executable, "-m", "flask", "--app", "bench.bench_app", "db",
                        "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "flask", "--app", "bench.bench_app", "tenants",
                        "sync"], env=env, cwd=ROOT, check=True, capture_output=True)
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--no-control-socket",
             "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning",
             "bench.bench_app:app"], env=env, cwd=ROOT)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from portal import create_app

        app = create_app(make_settings(url))
        browser = Browser(port)
        html = fill_to_check(browser, _page_answers(app, "change-to-register"))
        assert "Check your answers" in html
        longest = max(app.extensions["portal.forms"][("stockport", "change-to-register")].pages,
                      key=lambda p: len(p.questions))
        page_path = f"{FORM}/{longest.key}"

        bare = requests_per_second(port, "/_bench/bare", {}, args.seconds)
        form = requests_per_second(port, page_path, browser.cookies, args.seconds)
        timings = final_post_latencies(port, app)
        p95 = statistics.quantiles(timings, n=20)[18]
        print(f"bare route                 {bare:8.0f} requests/s")
        print(f"form page ({len(longest.questions)} questions) {form:8.0f} requests/s "
              f"({page_path})")
        print(f"form page / bare route     {form / bare:8.1%}   (target 25% or more)")
        print(f"final submission POST p95  {p95:8.1f} ms  median {statistics.median(timings):.1f} ms"
              f"  ({len(timings)} posts, 8 concurrent senders, PostgreSQL; target 60 ms or less)")
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


if __name__ == "__main__":
    main()
