"""A panel meeting's agenda as a PDF for its members (portal.casework.panels): the panel, the
meeting, the members, and each case due with the reasons it is there and the panel's last
decision on it."""
from __future__ import annotations

from datetime import date

from flask import current_app, render_template
from weasyprint import HTML

from portal.casework.panels import AgendaItem
from portal.tenant_config import Tenant
from portal.tenant_config.schema import Panel


def agenda_html(tenant: Tenant, panel: Panel, meeting: date, items: list[AgendaItem]) -> str:
    return render_template("pdf/panel_agenda.html", tenant=tenant, panel=panel, meeting=meeting,
                           items=items,
                           stages={s.key: s.label for s in tenant.workflow.stages})


def agenda_pdf(tenant: Tenant, panel: Panel, meeting: date, items: list[AgendaItem]) -> bytes:
    return HTML(string=agenda_html(tenant, panel, meeting, items),
                base_url=current_app.static_folder).write_pdf()
