"""A form survives a database that stops answering, and hostile input never breaks a page."""
from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from forms.journey import visible_questions
from portal.extensions import db
from tests.conftest import POSTGRES_SERVER, make_settings, new_database
from tests.forms_driver import Journey, answer_for, csrf_of

FORMS = ["change-to-register", "missing-pupil-checklist", "cme-referral", "ehe-notification",
         "arrival-in-area", "cross-border-notice"]


def _stop_database(app, url: str, path_holder: dict) -> None:
    """Make the database unreachable, as an outage would."""
    with app.app_context():
        db.engine.dispose()
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        path_holder["moved"] = path + ".away"
        shutil.move(path, path_holder["moved"])
        os.mkdir(path)  # a folder where the file was: SQLite cannot open it
        path_holder["dir"] = path
    else:
        name = url.rsplit("/", 1)[1]
        admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n"), {"n": name})
        admin.dispose()
        path_holder["pg"] = name


def _restart_database(path_holder: dict) -> None:
    if "moved" in path_holder:
        os.rmdir(path_holder["dir"])
        shutil.move(path_holder["moved"], path_holder["dir"])
    if "pg" in path_holder:
        admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{path_holder["pg"]}" ALLOW_CONNECTIONS true'))
        admin.dispose()


def test_with_the_database_down_the_sender_keeps_the_answers_and_gets_a_503(tmp_path,
                                                                            checked_client):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.cli import sync_tenants

    with new_database(tmp_path) as url:
        app = create_app(make_settings(url))
        with app.app_context():
            upgrade()
            sync_tenants()
        client = checked_client(app.test_client())
        tenant = app.extensions["portal.tenants"]["stockport"]
        trip = Journey(client, tenant, app.extensions["portal.forms"][("stockport",
                                                                        "ehe-notification")])
        location = trip.start()
        html = client.get(location).get_data(as_text=True)
        client.post(location, data={"csrf_token": csrf_of(html), "at_risk_now": "no"})
        page = trip.base + "/child"
        html = client.get(page).get_data(as_text=True)
        holder: dict = {}
        _stop_database(app, url, holder)
        try:
            response = client.post(page, data={
                "csrf_token": csrf_of(html), "child_first_name": "Ffion",
                "child_last_name": "Ŵatkins", "child_dob-day": "2", "child_dob-month": "5",
                "child_dob-year": "2016"})
            assert response.status_code == 503
            body = response.get_data(as_text=True)
            assert "Nothing has been sent to the council" in body
            assert 'value="Ffion"' in body and 'value="Ŵatkins"' in body
            assert 'value="2016"' in body
            assert client.get("/readyz").status_code == 503
        finally:
            _restart_database(holder)
        with app.app_context():
            db.engine.dispose()
        # Back up: the same answers go through.
        response = client.post(page, data={
            "csrf_token": csrf_of(html), "child_first_name": "Ffion",
            "child_last_name": "Ŵatkins", "child_dob-day": "2", "child_dob-month": "5",
            "child_dob-year": "2016"})
        assert response.status_code == 303
        with app.app_context():
            db.engine.dispose()


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
                     "' OR 1=1 --", "{{7*7}}", "%(x)s", "\u0000", "ŵŷâ " * 50, "A" * 12_000,
                     "-1", "99999999999999999999", "2026-13-45", "    "]))


@pytest.mark.parametrize("form", FORMS)
def test_hostile_input_on_every_page_never_breaks_and_is_echoed_escaped(app, checked_client,
                                                                        form):
    tenant = app.extensions["portal.tenants"]["stockport"]
    definition = app.extensions["portal.forms"][("stockport", form)]
    client = checked_client(app.test_client())
    trip = Journey(client, tenant, definition)
    trip.start()

    @settings(max_examples=12, deadline=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def attack(data):
        for page in definition.pages:
            url = f"{trip.base}/{page.key}"
            response = client.get(url)
            if response.status_code != 200:
                continue  # a page whose turn has not come: redirected, nothing to attack
            html = response.get_data(as_text=True)
            fields = {"csrf_token": csrf_of(html)}
            for question in visible_questions(page, {}, tenant):
                for name in answer_for(question, tenant):
                    prefix = "items-0-" if page.repeat else ""
                    fields[prefix + name] = data.draw(HOSTILE)
            posted = client.post(url, data=fields)
            assert posted.status_code in (200, 303), (url, posted.status_code)
            body = posted.get_data(as_text=True)
            assert "<script>alert(1)</script>" not in body
            assert "<img src=x onerror" not in body

    attack()
