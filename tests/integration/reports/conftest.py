"""The report tests run on a database of their own holding only the hand-built data set
(dataset.py), with the clock fixed at Friday 20 March 2026, 12:00 UTC, so that every figure
can be written down by hand."""
from __future__ import annotations

import pytest

from tests.conftest import CheckedClient, make_settings, new_database
from tests.integration.auth.helpers import make_officer, sign_in
from tests.integration.reports import dataset


@pytest.fixture(scope="package")
def reports_app(tmp_path_factory):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.cli import sync_tenants
    from portal.extensions import db

    with new_database(tmp_path_factory.mktemp("reports-db")) as url:
        app = create_app(make_settings(url), clock=lambda: dataset.NOW)
        with app.app_context():
            upgrade()
            sync_tenants()
        app.config["DATASET"] = dataset.build(app)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="package")
def ids(reports_app) -> dict[str, int]:
    return reports_app.config["DATASET"]


@pytest.fixture
def in_liverpool(reports_app):
    """A request context scoped to Liverpool, as a request of its officer would be (in
    English)."""
    from portal.extensions import db
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    with reports_app.test_request_context("/"):
        with tenant_scope(tenant_id_for(dataset.SLUG)):
            yield tenants()[dataset.SLUG]
        db.session.remove()


def signed_in(app, slug: str = dataset.SLUG, role: str = "officer") -> CheckedClient:
    client = CheckedClient(app.test_client())
    sign_in(client, make_officer(app, slug, role=role), at=dataset.NOW)
    return client


@pytest.fixture
def officer_client(reports_app) -> CheckedClient:
    return signed_in(reports_app)
