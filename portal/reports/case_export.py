"""Every case of the council as one CSV file, for the council's own analysis: one row a case
(its number, when it was opened and closed, status, stage, team, urgency, the DfE reason code,
whether the whereabouts are known, the outcome). No child's name, date of birth or address:
those stay on the case page, where every view is audited.

The rows are read a batch at a time (`yield_per`) and written as they are sent
(`csv_export.stream_csv`), so the memory stays flat however many cases the council has
(`make bench` prints the peak for 100,000).
"""
from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models.casework import Case
from portal.tenant_config.schema import Tenant

BATCH = 2000
COLUMNS = (_l("Case"), _l("Opened"), _l("Status"), _l("Stage"), _l("Team"), _l("Urgent"),
           _l("DfE reason code"), _l("Whereabouts known"), _l("Outcome"), _l("Closed"))


def header() -> list[str]:
    return [str(label) for label in COLUMNS]


def case_rows(tenant: Tenant, language: str) -> Iterator[tuple]:
    """The council's cases, oldest first (the tenancy hook scopes the query)."""
    stages = {s.key: s.label.get(language) for s in tenant.workflow.stages}
    outcomes = {o.key: o.label.get(language) for o in tenant.workflow.outcomes}
    teams = {t.key: t.name.get(language) for t in tenant.teams}
    status = {"open": str(_l("Open")), "closed": str(_l("Closed"))}
    query = (select(Case.id, Case.opened_at, Case.status, Case.stage_key, Case.team_key,
                    Case.urgent, Case.reason_code, Case.whereabouts_known, Case.outcome_key,
                    Case.closed_at)
             .order_by(Case.id).execution_options(yield_per=BATCH))
    for row in db.session.execute(query):
        yield (row.id, row.opened_at, status.get(row.status, row.status),
               stages.get(row.stage_key, row.stage_key), teams.get(row.team_key, row.team_key),
               row.urgent, row.reason_code, row.whereabouts_known,
               outcomes.get(row.outcome_key, row.outcome_key), row.closed_at)
