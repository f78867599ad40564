"""The PDF receipt of a submission: every answer as sent, with its reference."""
from __future__ import annotations



from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML

from forms.builder import choices_for
from forms.journey import summary
from forms.schema import FormDefinition
from portal.i18n import BABEL_LOCALES
from portal.models.submission import Submission
from portal.submissions.store import readiness_for, received_in_london
from portal.tenant_config import Tenant



def receipt_html(*, definition: FormDefinition, submission: Submission, tenant: Tenant) -> str:
    received_local = received_in_london(submission)
    language = submission.language
    with force_locale(BABEL_LOCALES.get(language, language)):
        return render_template(
            "pdf/receipt.html", definition=definition, submission=submission, tenant=tenant,
            sections=summary(definition, submission.answers, tenant), received=received_local,
            readiness=readiness_for(definition, submission.answers, tenant,
                                    received_local.date()),
            choices=lambda q: dict(choices_for(q, tenant, language, received_local.date())),
            htmlLang=language)


def receipt_pdf(*, definition: FormDefinition, submission: Submission, tenant: Tenant) -> bytes:
    html = receipt_html(definition=definition, submission=submission, tenant=tenant)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()


