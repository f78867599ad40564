"""The PDF summary of a case, for an officer to file or take to a meeting: the child, where
the case stands, its deadlines, the checklist with each enquiry's result, its forms and its
timeline. It names no address or email text, only what the case page shows."""
from __future__ import annotations

from flask import current_app, render_template
from weasyprint import HTML

from portal.casework import cases as service
from portal.i18n import current_language
from portal.models.casework import Case
from portal.tenant_config import Tenant


def case_summary_html(case: Case, *, tenant: Tenant) -> str:
    submissions = service.submissions_of(case)
    enquiries = service.enquiries_of(case)
    today = service.today()
    council_deadlines, other_deadlines = service.deadlines_of(case, submissions, enquiries,
                                                              today, tenant=tenant)
    outcome = service.outcome_of(tenant, case.outcome_key)
    return render_template(
        "pdf/case_summary.html", case=case, tenant=tenant, submissions=submissions,
        checklist=service.checklist_state(case, tenant=tenant),
        timeline=service.timeline(case, tenant=tenant),
        deadlines=council_deadlines, other_deadlines=other_deadlines,
        names=service.staff_names([case.officer_id, case.closed_by_id]),
        stage=service.stage_label(tenant, case.stage_key),
        outcome=service.label(outcome.label) if outcome else "",
        team=service.team_name(tenant, case.team_key),
        opened=service.in_london(case.opened_at), closed=service.in_london(case.closed_at),
        generated=service.in_london(service.now()), form_name=service.form_name,
        in_london=service.in_london, htmlLang=current_language())


def case_summary_pdf(case: Case, *, tenant: Tenant) -> bytes:
    html = case_summary_html(case, tenant=tenant)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()
