"""scripts/restore_drill.py on PostgreSQL: a backup of the suite's database restores and
passes its checks; a broken backup, or a restore that lost rows, fails the drill."""
from __future__ import annotations

import subprocess
import sys

import pytest

from portal.config import ROOT
from tests.conftest import POSTGRES_SERVER

pytestmark = pytest.mark.skipif(not POSTGRES_SERVER, reason="the restore drill is for PostgreSQL")
DRILL = [sys.executable, str(ROOT / "scripts" / "restore_drill.py")]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*DRILL, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_a_fresh_backup_restores_and_passes_every_check(app, database_url):
    from tests.integration.backoffice.helpers import make_submission

    make_submission(app, "stockport")  # at least one council row to count
    result = _run("--source", database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restore drill: ok" in result.stdout
    submissions = next(line for line in result.stdout.splitlines()
                       if line.startswith("submissions "))
    assert int(submissions.split()[-1]) >= 1
    assert "Ada" not in result.stdout  # counts, never a row's contents


def test_a_damaged_backup_fails_the_drill(database_url, tmp_path):
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), "--dbname",
                    database_url.replace("postgresql+psycopg://", "postgresql://")], check=True)
    data = dump.read_bytes()
    dump.write_bytes(data[: len(data) // 2])  # cut off half-way, as a failed upload would
    result = _run("--dump", str(dump), "--server", database_url)
    assert result.returncode == 1
    assert "restore drill: FAILED" in result.stdout


def test_a_restore_that_lost_rows_fails_the_comparison(app, database_url, tmp_path):
    """The checks themselves: a restored database with a table emptied is caught."""
    import psycopg

    from tests.integration.backoffice.helpers import make_submission

    sys.path.insert(0, str(ROOT / "scripts"))
    import restore_drill

    make_submission(app, "liverpool")  # its name keys are what the restore then "loses"
    result = _run("--source", database_url, "--keep")
    assert result.returncode == 0, result.stdout
    scratch = result.stdout.rsplit("(", 1)[1].split()[0]
    restored = restore_drill._with_database(database_url, scratch)
    try:
        with psycopg.connect(restore_drill._libpq(restored), autocommit=True) as conn:
            conn.execute("DELETE FROM name_keys")
        problems = restore_drill.check(restored, database_url)
        assert any(p.startswith("name_keys:") for p in problems), problems
    finally:
        with psycopg.connect(restore_drill._libpq(database_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
