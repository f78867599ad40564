"""The wall between councils: every query on council data is scoped, and fails closed."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import StaffUser
from portal.tenancy import TenantScopeError, tenant_id_for, tenant_scope, unscoped


@pytest.fixture
def two_councils(app):
    with app.app_context():
        ids = tenant_id_for("stockport"), tenant_id_for("southwark")
        for tenant_id, name in zip(ids, ("Stockport", "Southwark")):
            with tenant_scope(tenant_id):
                db.session.add(StaffUser(email="scope-test@example.invalid",
                                         display_name=f"{name} scope test", role="officer"))
                db.session.commit()
        yield ids
        with unscoped():
            for user in db.session.scalars(select(StaffUser).where(
                    StaffUser.email == "scope-test@example.invalid")):
                db.session.delete(user)
            db.session.commit()


def test_a_query_sees_only_its_own_council(app, two_councils):
    stockport, southwark = two_councils
    with app.app_context():
        with tenant_scope(stockport):
            names = db.session.scalars(select(StaffUser.display_name).where(
                StaffUser.email == "scope-test@example.invalid")).all()
        assert names == ["Stockport scope test"]
        with tenant_scope(southwark):
            names = db.session.scalars(select(StaffUser.display_name).where(
                StaffUser.email == "scope-test@example.invalid")).all()
        assert names == ["Southwark scope test"]


def test_a_query_with_no_council_is_refused(app, two_councils):
    with app.app_context(), pytest.raises(TenantScopeError):
        db.session.scalars(select(StaffUser)).all()


def test_a_row_cannot_be_stored_for_another_council(app, two_councils):
    stockport, southwark = two_councils
    with app.app_context(), tenant_scope(stockport):
        db.session.add(StaffUser(tenant_id=southwark, email="x@example.invalid",
                                 display_name="Wrong council", role="officer"))
        with pytest.raises(TenantScopeError):
            db.session.flush()
        db.session.rollback()


def test_a_row_with_no_council_is_refused(app):
    with app.app_context():
        db.session.add(StaffUser(email="y@example.invalid", display_name="Nobody", role="officer"))
        with pytest.raises(TenantScopeError):
            db.session.flush()
        db.session.rollback()


def test_the_council_of_a_request_scopes_its_queries(app, two_councils):
    stockport, _ = two_councils
    with app.test_request_context("/stockport/"):
        from flask import g

        g.tenant = app.extensions["portal.tenants"]["stockport"]
        names = db.session.scalars(select(StaffUser.display_name).where(
            StaffUser.email == "scope-test@example.invalid")).all()
        assert names == ["Stockport scope test"]


def test_a_bulk_delete_is_scoped_to_its_council(app):
    from datetime import datetime, timedelta, timezone

    from portal.models import FormDraft
    from portal.submissions.drafts import delete_expired

    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with app.app_context():
        ids = {}
        for slug in ("stockport", "southwark"):
            with tenant_scope(tenant_id_for(slug)):
                draft = FormDraft(token=f"scope-{slug}", form_slug="ehe-notification",
                                  answers={}, submission_token=f"scope-sub-{slug}",
                                  created_at=long_ago, updated_at=long_ago,
                                  expires_at=long_ago + timedelta(hours=1))
                db.session.add(draft)
                db.session.commit()
                ids[slug] = draft.id
        with tenant_scope(tenant_id_for("stockport")):
            delete_expired(datetime(2021, 1, 1, tzinfo=timezone.utc))
            db.session.commit()
        with unscoped():
            left = set(db.session.scalars(select(FormDraft.token).where(
                FormDraft.token.like("scope-%"))))
        assert left == {"scope-southwark"}
        with unscoped():
            db.session.execute(FormDraft.__table__.delete().where(
                FormDraft.__table__.c.token == "scope-southwark"))
            db.session.commit()


def test_a_subquery_in_a_where_clause_is_scoped(app, two_councils):
    stockport, _southwark = two_councils
    with app.app_context(), tenant_scope(stockport):
        inner = select(StaffUser.id).where(StaffUser.email == "scope-test@example.invalid")
        names = db.session.scalars(select(StaffUser.display_name).where(
            StaffUser.id.in_(inner))).all()
        assert names == ["Stockport scope test"]


@pytest.mark.parametrize("shape", ["union", "from-subquery", "cte", "text"])
def test_a_query_the_council_filter_cannot_reach_is_refused(app, two_councils, shape):
    """A UNION, or a subquery or CTE in a FROM clause, over council tables ran unscoped (the
    ORM adds the council filter to the entities it selects, not inside these): refused now."""
    from sqlalchemy import func, text, union_all

    stockport, _southwark = two_councils
    users = select(StaffUser.id).where(StaffUser.email == "scope-test@example.invalid")
    statement = {
        "union": lambda: union_all(users, users),
        "from-subquery": lambda: select(func.count()).select_from(users.subquery()),
        "cte": lambda: select(func.count()).select_from(users.cte()),
        "text": lambda: text("SELECT display_name FROM staff_users"),
    }[shape]()
    with app.app_context(), tenant_scope(stockport):
        with pytest.raises(TenantScopeError):
            db.session.execute(statement).all()
        db.session.rollback()
        with unscoped():  # a reviewed caller that means to cross councils still can
            assert db.session.execute(statement).all()


def test_a_count_or_a_core_table_is_scoped_too(app, two_councils):
    """These ran across every council: the ORM hook saw no entity to filter."""
    from sqlalchemy import func

    stockport, _southwark = two_councils
    with app.app_context(), tenant_scope(stockport):
        count = db.session.scalar(select(func.count()).select_from(StaffUser).where(
            StaffUser.email == "scope-test@example.invalid"))
        names = db.session.scalars(select(StaffUser.__table__.c.display_name).where(
            StaffUser.__table__.c.email == "scope-test@example.invalid")).all()
    assert count == 1 and names == ["Stockport scope test"]
