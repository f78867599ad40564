"""The schools' periodic returns, as the council sees them: `/<council>/staff/returns`.

For each return with a cadence (tenant.toml ``[[returns]]``): the period just ended, its due
day, and every school on its list: sent (reference, when, how many pupils), reminded, or
missing with no address to remind (to chase by telephone). The logic is in
portal.returns.reminders; the reminders themselves are sent by ``flask returns remind``.
"""
from __future__ import annotations

from flask import current_app, render_template

from portal.access import staff_required
from portal.backoffice import backoffice_bp
from portal.casework import audit
from portal.casework.intake import local_day
from portal.returns.reminders import states
from portal.tenancy import current_tenant


@backoffice_bp.get("/returns")
@staff_required()
def returns_received():
    today = local_day(current_app.config["CLOCK"]())
    audit.record_view("returns.received", "report", None)
    return render_template("backoffice/returns.html", states=states(current_tenant, today),
                           today=today)
