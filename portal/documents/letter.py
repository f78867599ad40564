"""The PDF of a letter to a child's family, from the council's `[[letters]]` template: the
council's address, the date, the heading, the paragraphs with their placeholders filled in
({child}, {reply_by}, {reference} ...). A council that offers Welsh sends it in both languages,
the family's first (Welsh Language Standards)."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from sqlalchemy import select
from weasyprint import HTML

from portal.casework import cases as service
from portal.extensions import db
from portal.i18n import BABEL_LOCALES
from portal.models.casework import Case
from portal.models.letters import Letter
from portal.models.submission import Submission
from portal.tenant_config import Tenant


class _Values(dict):
    def __missing__(self, key: str) -> str:  # the schema allows only known placeholders
        return "{" + key + "}"


def _reference(case: Case) -> str:
    return db.session.scalar(select(Submission.reference).where(Submission.case_id == case.id)
                             .order_by(Submission.received_at).limit(1)) or f"#{case.id}"


def _part(case: Case, letter: Letter, tenant: Tenant, language: str) -> dict:
    template = tenant.letter(letter.template_key)
    cme = tenant.contacts.cme
    with force_locale(BABEL_LOCALES.get(language, language)):
        # Before it is recorded as sent, the letter is dated today with today's deadline.
        from portal.casework.letters import reply_by as count_reply_by

        sent_on = letter.sent_on or service.today()
        due = letter.reply_by or count_reply_by(tenant, template, sent_on)
        reply_by = format_date(due, format="long")
        dated = format_date(sent_on, format="long")
        child = " ".join(p for p in (case.child_first_name, case.child_last_name) if p) or \
            _your_child(language)
        values = _Values(council=tenant.display_name(language), reference=_reference(case),
                         reply_by=reply_by, phone=cme.phone, email=cme.email,
                         team=cme.team.get(language), child=child)
        return {"language": language, "dated": dated,
                "heading": template.heading.get(language),
                "greeting": _greeting(language),
                "paragraphs": [p.get(language).format_map(values) for p in template.paragraphs],
                "reference_line": _reference_line(language, values["reference"])}


def _your_child(language: str) -> str:
    from flask_babel import gettext as _

    return _("your child")


def _greeting(language: str) -> str:
    from flask_babel import gettext as _

    return _("Dear parent or carer,")


def _reference_line(language: str, reference: str) -> str:
    from flask_babel import gettext as _

    return _("Our reference: %(reference)s", reference=reference)


def letter_html(case: Case, letter: Letter, *, tenant: Tenant) -> str:
    parts = [_part(case, letter, tenant, language) for language in letter.languages.split()]
    return render_template("pdf/letter.html", parts=parts, tenant=tenant,
                           cme=tenant.contacts.cme, htmlLang=parts[0]["language"])


def letter_pdf(case: Case, letter: Letter, *, tenant: Tenant) -> bytes:
    return HTML(string=letter_html(case, letter, tenant=tenant),
                base_url=current_app.static_folder).write_pdf()
