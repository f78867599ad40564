"""One council per request, resolved once; every tenant-owned query scoped to it.

Public pages find their council from the URL (`/<tenant>/...`); the back-office from the
officer's account. Everything after that reads `current_tenant` (the council's configuration)
and `current_tenant_id()` (its database id).

The scoping hook adds `tenant_id = <current tenant>` to every ORM SELECT that touches a
`TenantOwned` class and refuses to run one when no council is set (it fails closed). Code that
must cross councils on purpose (the CLI that loads demo data, the platform administrator)
says so with `unscoped()`; nothing else may.
"""
from __future__ import annotations

import contextvars
import re
from contextlib import contextmanager
from typing import Iterator

from flask import Blueprint, Flask, abort, current_app, g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from werkzeug.local import LocalProxy
from werkzeug.routing import BaseConverter

from portal.models.base import TenantOwned
from portal.tenant_config import Tenant, load_tenants

REGISTRY_KEY = "portal.tenants"
_scope: contextvars.ContextVar[int | None] = contextvars.ContextVar("tenant_scope",
                                                                       default=None)
_unscoped: contextvars.ContextVar[bool] = contextvars.ContextVar("tenant_unscoped",
                                                                   default=False)


class TenantScopeError(RuntimeError):
    """A query on council data was attempted with no council set."""


class TenantSlugConverter(BaseConverter):
    """Matches what a council slug may look like; whether it exists is checked later."""
    regex = r"[a-z][a-z0-9-]{1,62}"


# --- the registry of councils (their configuration files) -------------------------------

def tenants() -> dict[str, Tenant]:
    return current_app.extensions[REGISTRY_KEY]


def tenant_or_404(slug: str) -> Tenant:
    tenant = tenants().get(slug)
    if tenant is None:
        abort(404)
    return tenant


def _get_current_tenant() -> Tenant:
    tenant = g.get("tenant")
    if tenant is None:
        raise TenantScopeError("No council is set for this request.")
    return tenant


current_tenant: Tenant = LocalProxy(_get_current_tenant)  # type: ignore[assignment]


def tenant_id_for(slug: str) -> int | None:
    """The database id of a council, cached for the life of the app."""
    from portal.extensions import db
    from portal.models.tenant import TenantRow

    cache: dict[str, int] = current_app.extensions.setdefault("portal.tenant_ids", {})
    if slug not in cache:
        row_id = db.session.scalar(select(TenantRow.id).where(TenantRow.slug == slug))
        if row_id is None:
            return None
        cache[slug] = row_id
    return cache[slug]


def current_tenant_id() -> int:
    tenant_id = g.get("tenant_id")
    if tenant_id is None:
        tenant_id = tenant_id_for(_get_current_tenant().slug)
        if tenant_id is None:
            raise TenantScopeError(
                f"Council {current_tenant.slug!r} is configured but not in the database: "
                "run `flask tenants sync`.")
        g.tenant_id = tenant_id
    return tenant_id


def set_request_tenant(tenant: Tenant) -> None:
    g.tenant = tenant


# --- scoping ------------------------------------------------------------------------------

@contextmanager
def tenant_scope(tenant_id: int) -> Iterator[None]:
    """Run queries for one council outside a request (CLI, workers, tests)."""
    token = _scope.set(tenant_id)
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def unscoped() -> Iterator[None]:
    """Deliberately cross councils. Only reviewed callers use this."""
    token = _unscoped.set(True)
    try:
        yield
    finally:
        _unscoped.reset(token)


def _scoped_tenant_id() -> int | None:
    scoped = _scope.get()
    if scoped is not None:
        return scoped
    if has_app_context() and g.get("tenant") is not None:
        return current_tenant_id()
    return None


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    return any(issubclass(m.class_, TenantOwned) for m in state.all_mappers)


def _tenant_tables() -> frozenset:
    tables = getattr(_tenant_tables, "_cache", None)
    if tables is None:
        from portal.models.base import Base

        tables = frozenset(mapper.local_table for mapper in Base.registry.mappers
                           if issubclass(mapper.class_, TenantOwned))
        _tenant_tables._cache = tables  # type: ignore[attr-defined]
    return tables


def _unscopable(statement) -> bool:
    """A statement the loader criteria would not reach: a UNION (or other compound select), or
    a subquery or CTE in a FROM clause, over council tables. The ORM adds `tenant_id = ...`
    to the entities it selects and to subqueries in a WHERE clause, but not to these; rather
    than run them unscoped, the hook refuses them (write the query another way)."""
    from sqlalchemy.sql import visitors
    from sqlalchemy.sql.selectable import CTE, CompoundSelect, Subquery
    from sqlalchemy.sql.util import find_tables

    tenant_tables = _tenant_tables()
    if isinstance(statement, CompoundSelect):
        return bool(tenant_tables & set(find_tables(statement, include_selects=True)))
    for element in visitors.iterate(statement):
        if isinstance(element, (Subquery, CTE, CompoundSelect)):
            if tenant_tables & set(find_tables(element, include_selects=True,
                                               include_aliases=True)):
                return True
    return False


def _bare_tenant_tables(state: ORMExecuteState) -> list:
    """Council tables a SELECT reads directly in its FROM list without selecting their ORM
    entity, which the loader criteria do not reach: they get `tenant_id = ...` added."""
    from sqlalchemy.sql.selectable import Select

    statement = state.statement
    if not isinstance(statement, Select):
        return []
    covered = {mapper.local_table for mapper in state.all_mappers}
    tenant_tables = _tenant_tables()
    return [frm for frm in statement.get_final_froms()
            if frm in tenant_tables and frm not in covered]


_IDENTITY_REFRESH = "portal_identity_refresh"
_FROM_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?(?:\s+AS\s+"?(\w+)"?)?', re.IGNORECASE)


def unscoped_reads(sql: str) -> list[str]:
    """The council tables a SELECT reads without a `<table>.tenant_id` condition on them.

    The second wall, under the ORM hook: whatever shape a query has (a count over
    `select_from(Model)`, a Core table, a text query), its SQL must name each council table's
    `tenant_id` before it reaches the database, or it does not run."""
    head = sql.lstrip()[:6].upper()
    if head not in ("SELECT", "WITH  ", "WITH\n") and not head.startswith("WITH"):
        return []
    names = {table.name for table in _tenant_tables()}
    missing = []
    for match in _FROM_TABLE.finditer(sql):
        table, alias = match.group(1), match.group(2)
        if table not in names:
            continue
        name = alias or table
        if not re.search(rf'\b"?{re.escape(name)}"?\."?tenant_id"?\s*(=|IN\b)', sql,
                         re.IGNORECASE):
            missing.append(name)
    return missing


def install_query_scoping() -> None:
    """Register the session hook once per process."""
    if getattr(install_query_scoping, "_installed", False):
        return

    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "before_cursor_execute")
    def _refuse_unscoped_reads(_conn, _cursor, statement, _params, context, _many) -> None:
        if _unscoped.get():
            return
        if context is not None and context.execution_options.get(_IDENTITY_REFRESH):
            return
        missing = unscoped_reads(statement)
        if missing:
            raise TenantScopeError("Refusing a query that reads council data without its "
                                   f"council: {', '.join(sorted(set(missing)))}.")

    @event.listens_for(Session, "do_orm_execute")
    def _scope_to_tenant(state: ORMExecuteState) -> None:
        if not (state.is_select or state.is_update or state.is_delete):
            return
        if state.is_column_load:
            # Reloading the columns of a row this session already holds (after a commit
            # expired it): by its primary key, so it cannot reach another council's rows.
            state.update_execution_options(**{_IDENTITY_REFRESH: True})
            return
        if _unscoped.get():
            return
        if _unscopable(state.statement):
            raise TenantScopeError("Refusing a UNION or a FROM subquery over council data: "
                                   "the council filter cannot reach it.")
        bare = _bare_tenant_tables(state)
        if not (bare or _touches_tenant_data(state)):
            return
        tenant_id = _scoped_tenant_id()
        if tenant_id is None:
            raise TenantScopeError("Refusing to query council data with no council set.")
        statement = state.statement
        for table in bare:  # select(func.count()).select_from(Model), a Core table's columns
            statement = statement.where(table.c.tenant_id == tenant_id)
        state.statement = statement.options(
            with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id,
                                 include_aliases=True))

    @event.listens_for(Session, "before_flush")
    def _stamp_new_rows(session: Session, _ctx, _instances) -> None:
        if _unscoped.get():
            return
        for obj in session.new:
            if not isinstance(obj, TenantOwned):
                continue
            tenant_id = _scoped_tenant_id()
            if tenant_id is None:
                raise TenantScopeError("Refusing to store council data with no council set.")
            if obj.tenant_id is None:
                obj.tenant_id = tenant_id
            elif obj.tenant_id != tenant_id:
                raise TenantScopeError("Refusing to store a row for another council.")

    install_query_scoping._installed = True  # type: ignore[attr-defined]


def init_tenancy(app: Flask, tenants_dir, known_la_codes=None) -> None:
    app.extensions[REGISTRY_KEY] = load_tenants(tenants_dir, known_la_codes=known_la_codes)
    app.url_map.converters["tenant"] = TenantSlugConverter
    install_query_scoping()


def council_blueprint(name: str, import_name: str, path: str = "") -> Blueprint:
    """A blueprint under `/<council>{path}`: the council is resolved once from the address
    (unknown: 404) and put back into every address the blueprint builds."""
    blueprint = Blueprint(name, import_name, url_prefix=f"/<tenant:tenant>{path}")

    @blueprint.url_value_preprocessor
    def _resolve_tenant(_endpoint, values) -> None:
        set_request_tenant(tenant_or_404(values.pop("tenant")))

    @blueprint.url_defaults
    def _add_tenant(_endpoint, values) -> None:
        if "tenant" not in values and g.get("tenant") is not None:
            values["tenant"] = g.tenant.slug

    return blueprint
