"""The email outbox: queue emails in the caller's transaction; a worker sends them afterwards.

Every function here ADDS an `OutboxMessage` row to the caller's session and never commits: the
caller commits it together with whatever caused it (a submission and its acknowledgement leave
together, or not at all). `flask outbox work` (portal.outbox.worker) then sends each row at
least once, with back-off, through the sender the settings choose (portal.outbox.senders).

Bodies are rendered at queue time from `templates/emails/<template>.txt`, inside
`force_locale(language)`, so an email is in the language its reader used. The first line of a
rendered template is `Subject: ...`, then a blank line, then the body.

Emails never carry a child's details: the three messages below are given only a reference, a
form's title and the council, and their wording (portal.outbox.wording) uses nothing else.

    queue_acknowledgement(tenant=..., to=..., reference=..., form_title=..., language=..., urgent=...)
    queue_team_notification(tenant=..., team=..., reference=..., urgent=...)
    queue_urgent_alert(tenant=..., reference=...)
"""
from __future__ import annotations

import logging
import re
import uuid
from typing import Callable, Mapping
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale

from portal.extensions import db
from portal.i18n import BABEL_LOCALES
from portal.models.outbox import KINDS, LANGUAGES, PENDING, OutboxMessage
from portal.outbox.service import dead_messages, retry_message
from portal.outbox import wording
from portal.tenant_config import Tenant
from portal.tenant_config.schema import Team

__all__ = ["queue_email", "queue_acknowledgement", "queue_team_notification",
           "queue_urgent_alert", "retry_message", "dead_messages", "new_message_id",
           "mail_domain", "staff_link", "is_sendable_address", "OutboxError"]

log = logging.getLogger("portal.outbox")

_ADDRESS_RE = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
_SUBJECT_MAX = 300


class OutboxError(ValueError):
    """An email that cannot be queued as asked (a bad address, kind or language)."""


# --- helpers ----------------------------------------------------------------------------------

def is_sendable_address(address: str | None) -> bool:
    """One plain address the outbox will send to: no display name, no list, nothing that could
    add a header or a recipient. A form's email validator may use this too."""
    address = (address or "").strip()
    return bool(_ADDRESS_RE.match(address)) and len(address) <= 254


def mail_domain(settings=None) -> str:
    """The domain of the portal's Message-IDs and default From address."""
    settings = settings or current_app.config["PORTAL_SETTINGS"]
    if settings.mail_from and "@" in settings.mail_from:
        return settings.mail_from.rsplit("@", 1)[1].strip(" >")
    host = urlsplit(settings.portal_base_url).hostname or ""
    if not host or host == "localhost" or re.fullmatch(r"[0-9.]+|.*:.*", host):
        return "cme-portal.invalid"
    return host


def new_message_id() -> str:
    """An RFC 5322 Message-ID, unique and stable for the life of the row."""
    return f"<{uuid.uuid4().hex}@{mail_domain()}>"


def staff_link(tenant: Tenant) -> str:
    """The council's back-office inbox, on the portal's public address."""
    base = current_app.config["PORTAL_SETTINGS"].portal_base_url.rstrip("/")
    return f"{base}/{tenant.slug}/staff/"


def _tenant_id(tenant: Tenant) -> int:
    from portal.tenancy import TenantScopeError, tenant_id_for

    tenant_id = tenant_id_for(tenant.slug)
    if tenant_id is None:
        raise TenantScopeError(f"Council {tenant.slug!r} is not in the database: run "
                               "`flask tenants sync`.")
    return tenant_id


def _render(template: str, context: Mapping) -> tuple[str, str]:
    text = current_app.jinja_env.get_template(f"emails/{template}.txt").render(**context)
    first, _, rest = text.lstrip("\n").partition("\n")
    if not first.startswith("Subject:"):
        raise OutboxError(f"templates/emails/{template}.txt must start with a 'Subject:' line")
    subject = " ".join(first[len("Subject:"):].split())[:_SUBJECT_MAX]
    body = re.sub(r"\n{3,}", "\n\n", rest.strip("\n")) + "\n"
    return subject, body


def _compose(template: str, language: str, words: Callable[[], Mapping],
             **context) -> tuple[str, str]:
    with force_locale(BABEL_LOCALES.get(language, language)):
        return _render(template, {"t": words(), "language": language, **context})


def _bilingual(template: str, tenant: Tenant, words: Callable[[str], Mapping],
               **context) -> tuple[str, str, str]:
    """Staff emails: in English, or for a council that offers Welsh, Welsh then English
    (Welsh Language Standards: correspondence to a mailbox is bilingual)."""
    languages = ["cy", "en"] if "cy" in tenant.languages else ["en"]
    parts = [_compose(template, lang, lambda lang=lang: words(lang), **context)
             for lang in languages]
    subjects = list(dict.fromkeys(subject for subject, _ in parts))  # once if not yet translated
    subject = " / ".join(subjects)[:_SUBJECT_MAX]
    body = "\n---\n\n".join(body for _, body in parts)
    return subject, body, languages[0]


def _add(*, tenant: Tenant | None, to: str, kind: str, language: str, subject: str, body: str,
         reference: str | None) -> OutboxMessage:
    to = (to or "").strip()
    if not is_sendable_address(to):
        raise OutboxError("not a single valid email address")
    if kind not in KINDS:
        raise OutboxError(f"kind must be one of {', '.join(KINDS)}")
    if language not in LANGUAGES:
        raise OutboxError(f"language must be one of {', '.join(LANGUAGES)}")
    now = current_app.config["CLOCK"]()
    message = OutboxMessage(message_id=new_message_id(), kind=kind, to_address=to,
                            language=language, subject=subject, body_text=body,
                            reference=reference, status=PENDING, attempts=0,
                            next_attempt_at=now, created_at=now)
    if tenant is not None:
        message.tenant_id = _tenant_id(tenant)
    db.session.add(message)
    return message


# --- the queue API ----------------------------------------------------------------------------

def queue_email(*, to: str, kind: str, template: str, context: Mapping, language: str,
                reference: str | None = None, tenant: Tenant | None = None) -> OutboxMessage:
    """Render `templates/emails/<template>.txt` with `context` in `language` and queue it.

    The row joins the caller's session (not committed). Its council is `tenant`, or else the
    council in scope (the request's, or `tenant_scope(...)`). Values in `context` must already
    be free of a child's details; lazy strings are translated in `language`.
    """
    if language not in LANGUAGES:
        raise OutboxError(f"language must be one of {', '.join(LANGUAGES)}")
    with force_locale(BABEL_LOCALES.get(language, language)):
        subject, body = _render(template, {**context, "language": language})
    return _add(tenant=tenant, to=to, kind=kind, language=language, subject=subject, body=body,
                reference=reference)


def queue_acknowledgement(*, tenant: Tenant, to: str, reference: str, form_title: str,
                          language: str, urgent: bool) -> OutboxMessage | None:
    """To the sender: we have your form, its reference, what happens next, whom to contact;
    if urgent, the safeguarding numbers to ring now. In the sender's language.

    An address the outbox cannot use (see `is_sendable_address`) is skipped, returning None:
    the sender's typing must never stop their submission being filed.
    """
    if not is_sendable_address(to):
        log.warning("outbox: no acknowledgement for %s: the sender's address cannot be used",
                    reference)
        return None
    if language not in tenant.languages:
        language = tenant.languages[0]
    subject, body = _compose(
        "acknowledgement", language,
        lambda: wording.acknowledgement(tenant, reference=reference, form_title=form_title,
                                        urgent=urgent, language=language),
        urgent=urgent)
    return _add(tenant=tenant, to=to, kind="acknowledgement", language=language,
                subject=subject, body=body, reference=reference)


def queue_team_notification(*, tenant: Tenant, team: Team, reference: str, urgent: bool,
                            form_title: str | None = None) -> OutboxMessage:
    """To the team's mailbox: "a new (urgent) referral is waiting", the reference and a link
    to the back-office. `team` is `tenant.route(...).team`."""
    link = staff_link(tenant)
    subject, body, language = _bilingual(
        "team_notification", tenant,
        lambda lang: wording.team_notification(tenant, team_name=team.name.get(lang),
                                               reference=reference, urgent=urgent, link=link,
                                               form_title=form_title),
        urgent=urgent)
    return _add(tenant=tenant, to=team.email, kind="team_notification", language=language,
                subject=subject, body=body, reference=reference)


def queue_urgent_alert(*, tenant: Tenant, reference: str) -> OutboxMessage:
    """To the council's duty address (`contacts.duty.email`, else the CME contact), at once."""
    link = staff_link(tenant)
    subject, body, language = _bilingual(
        "urgent_alert", tenant,
        lambda lang: wording.urgent_alert(tenant, council=tenant.display_name(lang),
                                          reference=reference, link=link))
    return _add(tenant=tenant, to=tenant.contacts.duty_email, kind="urgent_alert",
                language=language, subject=subject, body=body, reference=reference)


def queue_case_acknowledgement(*, tenant: Tenant, submission, deletion=None,
                               panel=None) -> OutboxMessage | None:
    """To the sender, when an officer acknowledges their form: its reference and, for a
    deletion notice, the first day the school may delete (a date, never the pupil's name).
    In the language the sender used. An unusable address is skipped (None)."""
    from flask_babel import format_date

    to = submission.sender_email
    if not is_sendable_address(to):
        log.warning("outbox: no case acknowledgement for %s: the sender's address cannot be used",
                    submission.reference)
        return None
    language = submission.language if submission.language in tenant.languages \
        else tenant.languages[0]
    definition = current_app.extensions["portal.forms"].get((tenant.slug, submission.form_slug))
    form_title = definition.title.get(language) if definition else submission.form_slug

    def words() -> Mapping:
        return wording.case_acknowledgement(
            tenant, reference=submission.reference, form_title=form_title, language=language,
            deletion_from=format_date(deletion.earliest, format="full") if deletion else None,
            deletion_gated=bool(deletion and deletion.gated), panel=panel,
            panel_earliest=format_date(panel.earliest, format="full")
            if panel is not None and panel.earliest else None)

    subject, body = _compose("case_acknowledgement", language, words)
    return _add(tenant=tenant, to=to, kind="case_acknowledgement", language=language,
                subject=subject, body=body, reference=submission.reference)


def queue_officer_allocation(*, tenant: Tenant, officer, references: list[str]) -> OutboxMessage | None:
    """To an officer given work by the school -> officer table: references and a link only.
    In English, or Welsh then English for a council that offers Welsh."""
    if not is_sendable_address(officer.email) or not references:
        return None
    link = staff_link(tenant)
    subject, body, language = _bilingual(
        "officer_allocation", tenant,
        lambda lang: wording.officer_allocation(tenant, name=officer.display_name,
                                                references=list(references), link=link))
    return _add(tenant=tenant, to=officer.email, kind="officer_allocation", language=language,
                subject=subject, body=body, reference=references[0])


def queue_return_reminder(*, tenant: Tenant, to: str, label, form_slug: str, period,
                          school_name: str) -> OutboxMessage | None:
    """To a school whose periodic return for ``period`` is overdue (portal.returns.reminders):
    the return's name, the period, the due day and the link to send it. Bilingual for a council
    that offers Welsh, as the school may read either."""
    from portal.i18n import format_date

    if not is_sendable_address(to):
        return None
    base = current_app.config["PORTAL_SETTINGS"].portal_base_url.rstrip("/")
    link = f"{base}/{tenant.slug}/returns/{form_slug}"

    def words(lang: str) -> Mapping:
        return wording.return_reminder(
            tenant, school_name=school_name, label=label.get(lang), link=link, language=lang,
            start=format_date(period.start, "d MMMM yyyy"), end=format_date(period.end, "d MMMM yyyy"),
            due=format_date(period.due, "d MMMM yyyy"))

    subject, body, language = _bilingual("return_reminder", tenant, words)
    return _add(tenant=tenant, to=to, kind="return_reminder", language=language,
                subject=subject, body=body, reference=None)


def queue_consent_decision(*, tenant: Tenant, to: str, reference: str,
                           granted: bool) -> OutboxMessage | None:
    """To the school that sent a deletion notice on the home education ground: whether the
    council consents (it may delete once any other condition is met) or refuses (the pupil stays
    on roll). The notice's reference and the decision only: never the child or the reasons.
    Welsh then English for a council that offers Welsh. An unusable address is skipped (None)."""
    if not is_sendable_address(to):
        log.warning("outbox: no consent decision email for %s: no usable school address",
                    reference)
        return None
    subject, body, language = _bilingual(
        "consent_decision", tenant,
        lambda lang: wording.consent_decision(tenant, reference=reference, granted=granted,
                                              language=lang))
    return _add(tenant=tenant, to=to, kind="consent_decision", language=language,
                subject=subject, body=body, reference=reference)


def queue_referrer_outcome(*, tenant: Tenant, submission, outcome: str) -> OutboxMessage | None:
    """To the sender of a submission whose case reached an outcome: the reference and the
    outcome's category (`outcome`, already in the sender's language). Nothing else."""
    to = submission.sender_email
    if not is_sendable_address(to):
        return None
    language = submission.language if submission.language in tenant.languages \
        else tenant.languages[0]
    subject, body = _compose(
        "referrer_outcome", language,
        lambda: wording.referrer_outcome(tenant, reference=submission.reference,
                                         outcome=outcome, language=language))
    return _add(tenant=tenant, to=to, kind="referrer_outcome", language=language,
                subject=subject, body=body, reference=submission.reference)
