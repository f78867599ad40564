"""The sentences of the notices' emails, whole and translatable (see portal.outbox.wording).

What they may contain: a notice's reference, the councils' names and contacts, a link, a
one-time code, a date. Never a child's details: these functions are given none (the notice is
passed for its reference only).

An email to a Welsh council, or from a council that offers Welsh, is in Welsh and English
(Welsh first); otherwise in English.
"""
from __future__ import annotations

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from portal.i18n import BABEL_LOCALES


def _languages(tenant, notice=None) -> list[str]:
    from portal.directory import local_authority

    to = local_authority(notice.to_la_code) if notice is not None else None
    welsh = "cy" in tenant.languages or (to is not None and to.nation == "wales")
    return ["cy", "en"] if welsh else ["en"]


def _in_each(languages: list[str], words) -> list[dict]:
    parts = []
    for language in languages:
        with force_locale(BABEL_LOCALES.get(language, language)):
            parts.append(words(language))
    return parts


def _sender_contact(tenant, language: str) -> dict:
    cme = tenant.contacts.cme
    return {"contact_heading": _("To contact the council that sent it"),
            "team": cme.team.get(language), "phone_label": _("Telephone:"), "phone": cme.phone,
            "email_label": _("Email:"), "email": cme.email}


def link_email(tenant, *, notice, link: str, expires) -> tuple[list[dict], str]:
    """To the directory's address of a council not on the portal."""
    from portal.directory import local_authority

    to = local_authority(notice.to_la_code)

    def words(language: str) -> dict:
        council = tenant.display_name(language)
        receiver = to.display_name(language) if to else notice.to_name
        return {
            "subject": _("%(council)s has sent you a notice about a child missing education "
                         "(%(reference)s)", council=council, reference=notice.reference),
            "greeting": _("To the children missing education contact of %(receiver)s",
                          receiver=receiver),
            "sent": _("%(council)s has sent you a notice about a child who may have moved "
                      "between your area and theirs. To keep the child safe, this email does "
                      "not include any of their details.", council=council),
            "open": _("Open the notice with this link:"),
            "link": link,
            "code": _("We will email a one-time code to this address when you open the link. "
                      "Enter it to see the notice; you can then acknowledge it and reply."),
            "expires": _("The link works until %(date)s.",
                         date=format_date(expires.date(), format="long")),
            "reference": _("Reference: %(reference)s", reference=notice.reference),
            "footer": _("This email was sent by the children missing education portal on "
                        "behalf of %(council)s. If it has reached the wrong person, please tell "
                        "the council and delete it.", council=council),
            **_sender_contact(tenant, language),
        }

    languages = _languages(tenant, notice)
    return _in_each(languages, words), languages[0]


def code_email(tenant, *, notice, code: str, minutes: int) -> tuple[list[dict], str]:
    """The one-time code, to the same address."""

    def words(language: str) -> dict:
        council = tenant.display_name(language)
        return {
            "subject": _("Your code to open notice %(reference)s", reference=notice.reference),
            "code_line": _("Your code is %(code)s", code=code),
            "use": _("Enter it on the page that asked for it to open the notice %(council)s "
                     "sent you. It works once, for %(minutes)s minutes.", council=council,
                     minutes=minutes),
            "not_you": _("If you did not ask for a code, you can ignore this email."),
            "footer": _("This email was sent by the children missing education portal on "
                        "behalf of %(council)s.", council=council),
        }

    languages = _languages(tenant, notice)
    return _in_each(languages, words), languages[0]


def update(tenant, *, notice, what: str, link: str) -> dict:
    """To the officer who sent a notice: it was acknowledged, or answered (in English: staff
    emails to one officer)."""
    with force_locale(BABEL_LOCALES["en"]):
        return _update(notice, what, link)


def _update(notice, what: str, link: str) -> dict:
    receiver = notice.to_name
    if what == "acknowledged":
        subject = _("Your notice %(reference)s has been acknowledged", reference=notice.reference)
        line = _("%(receiver)s has acknowledged your notice %(reference)s.", receiver=receiver,
                 reference=notice.reference)
    else:
        subject = _("Your notice %(reference)s has been answered", reference=notice.reference)
        line = _("%(receiver)s has answered your notice %(reference)s.", receiver=receiver,
                 reference=notice.reference)
    return {"subject": subject, "line": line,
            "see": _("See it in the back-office:"), "link": link,
            "footer": _("This email was sent automatically by the children missing education "
                        "portal. To keep the child safe, it does not include any of their "
                        "details.")}
