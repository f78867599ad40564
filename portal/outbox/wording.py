"""The sentences of the portal's emails, translatable as whole sentences with named placeholders.

They live here rather than in the email templates so that the existing extraction (`flask
translations extract`, which reads `portal/**.py` and `templates/**.html`) finds them; the
templates in `templates/emails/` only lay them out. Each function is called inside
`force_locale(language)`, so `gettext` answers in the email's language.

What an email may contain: a reference, a form's name, the council's names and contacts, a link
to the back-office. Never a child's details: these functions are not given any.
"""
from __future__ import annotations

from flask_babel import gettext as _

from portal.tenant_config import Tenant


def _contact_lines(tenant: Tenant, language: str) -> dict:
    cme = tenant.contacts.cme
    return {
        "contact_heading": _("If you have a question"),
        "cme_team": cme.team.get(language),
        "phone_label": _("Telephone:"),
        "cme_phone": cme.phone,
        "email_label": _("Email:"),
        "cme_email": cme.email,
    }


def acknowledgement(tenant: Tenant, *, reference: str, form_title: str, urgent: bool,
                    language: str) -> dict:
    council = tenant.display_name(language)
    words = {
        "subject": _("We have received your form – reference %(reference)s",
                     reference=reference),
        "received": _("%(council)s has received your form: %(form)s.", council=council,
                      form=form_title),
        "reference": _("Your reference number is %(reference)s. Please quote it if you "
                       "contact us about this.", reference=reference),
        "next_heading": _("What happens next"),
        "next": _("The council's children missing education team will look at what you sent. "
                  "They will contact you if they need to know more."),
        "footer": _("This email was sent automatically by the children missing education "
                    "portal. To keep the child safe, it does not include any of their details."),
        **_contact_lines(tenant, language),
    }
    if urgent:
        sg = tenant.contacts.safeguarding
        hours = "; ".join(opening.describe(language) for opening in sg.office_hours)
        words.update({
            "urgent_heading": _("You told us you are worried about a child's safety"),
            "urgent_now": _("If a child is in immediate danger, call 999 now. Do not wait for "
                            "us to contact you."),
            "urgent_office": _("To talk to someone about a child at risk, call %(name)s on "
                               "%(phone)s (%(hours)s).", name=sg.name.get(language),
                               phone=sg.phone, hours=hours),
            "urgent_out_of_hours": _("At other times, call %(name)s on %(phone)s.",
                                     name=sg.out_of_hours.name.get(language),
                                     phone=sg.out_of_hours.phone),
        })
    return words


def team_notification(tenant: Tenant, *, team_name: str, reference: str, urgent: bool,
                      link: str, form_title: str | None) -> dict:
    if urgent:
        subject = _("Urgent: a new referral is waiting – %(reference)s", reference=reference)
        waiting = _("A new urgent referral is waiting for %(team)s. The sender said they are "
                    "worried about a child's safety: please look at it now.", team=team_name)
    else:
        subject = _("A new referral is waiting – %(reference)s", reference=reference)
        waiting = _("A new referral is waiting for %(team)s.", team=team_name)
    return {
        "subject": subject,
        "waiting": waiting,
        "reference": _("Reference: %(reference)s", reference=reference),
        "form": _("Form: %(form)s", form=form_title) if form_title else None,
        "link": _("Sign in to the back-office to see it: %(link)s", link=link),
        "footer": _("To keep the child safe, this email does not include any of their "
                    "details."),
    }


def urgent_alert(tenant: Tenant, *, council: str, reference: str, link: str) -> dict:
    return {
        "subject": _("Urgent referral received – %(reference)s", reference=reference),
        "arrived": _("An urgent referral has just arrived at %(council)s. The sender said they "
                     "are worried about a child's safety.", council=council),
        "reference": _("Reference: %(reference)s", reference=reference),
        "link": _("Sign in to the back-office to see it now: %(link)s", link=link),
        "footer": _("To keep the child safe, this email does not include any of their "
                    "details."),
    }


def case_acknowledgement(tenant: Tenant, *, reference: str, form_title: str, language: str,
                         deletion_from: str | None, deletion_gated: bool, panel=None,
                         panel_earliest: str | None = None) -> dict:
    """To the sender, when an officer has acknowledged what they sent. For a deletion notice,
    the first day the school may delete the pupil's name (the date only, never the name)."""
    council = tenant.display_name(language)
    words = {
        "subject": _("Your form has been acknowledged – reference %(reference)s",
                     reference=reference),
        "acknowledged": _("The children missing education team at %(council)s has "
                          "acknowledged your form: %(form)s.", council=council, form=form_title),
        "reference": _("Your reference number is %(reference)s. Please quote it if you "
                       "contact us about this.", reference=reference),
        "deletion": None,
        "next_heading": _("What happens next"),
        "next": _("An officer is making enquiries. They will contact you if they need to know "
                  "more."),
        "footer": _("This email was sent automatically by the children missing education "
                    "portal. To keep the child safe, it does not include any of their details."),
        **_contact_lines(tenant, language),
    }
    words["deletion_missing"] = []
    if panel is not None:
        # Acknowledging the notice grants nothing: the earliest lawful date, and what the
        # council's policy still needs before the name may be deleted (in the school's language).
        missing = panel.missing
        if panel_earliest and not missing:
            words["deletion"] = _("The school may delete the pupil's name from its admission "
                                  "register on or after %(date)s: the council's policy asks for "
                                  "nothing more.", date=panel_earliest)
        elif panel_earliest:
            words["deletion"] = _("The earliest lawful date to delete the pupil's name is "
                                  "%(date)s. Acknowledging your notice is not permission to "
                                  "delete it: before you may, the council's policy needs:",
                                  date=panel_earliest)
        else:
            words["deletion"] = _("Acknowledging your notice is not permission to delete the "
                                  "pupil's name. The council will tell you the earliest lawful "
                                  "date. Before you may delete it, the council's policy needs:")
        words["deletion_missing"] = [
            c.text + (" " + c.school_says if c.school_says else "") for c in missing]
    elif deletion_from and deletion_gated:
        words["deletion"] = _("The school may delete the pupil's name from its admission "
                              "register on or after %(date)s only when the council's conditions "
                              "are met.", date=deletion_from)
    elif deletion_from:
        words["deletion"] = _("Under the rules, the school may delete the pupil's name from its "
                              "admission register on or after %(date)s.", date=deletion_from)
    return words


def officer_set_up(tenant: Tenant, *, languages: list[str], name: str, link: str, sign_in: str,
                   hours: int, reset: bool) -> list[dict]:
    """To an officer the council administrator has added (or whose password and second factor
    were reset): a one-time link to set up their account. In English, or Welsh then English
    for a council that offers Welsh. Only the officer's own name and the council's details."""
    from flask_babel import force_locale

    from portal.i18n import BABEL_LOCALES

    parts = []
    for language in languages:
        with force_locale(BABEL_LOCALES.get(language, language)):
            council = tenant.display_name(language)
            if reset:
                subject = _("Set up your account again – %(council)s children missing "
                            "education portal", council=council)
                why = _("An administrator at %(council)s has reset the password and the "
                        "authenticator app of your account on the children missing education "
                        "portal. You need to set them up again before you can sign in.",
                        council=council)
            else:
                subject = _("Set up your account – %(council)s children missing education "
                            "portal", council=council)
                why = _("An administrator at %(council)s has made you an account on the "
                        "children missing education portal.", council=council)
            sso = None
            if tenant.sso is not None:
                sso = _("You can also sign in with your %(account)s account, without a "
                        "password: %(link)s", account=tenant.sso.display_name.get(language),
                        link=sign_in)
            parts.append({
                "subject": subject,
                "greeting": _("Hello %(name)s,", name=name),
                "why": why,
                "open": _("Set up your account with this link:"),
                "link": link,
                "steps": _("You will choose a password and add the portal to an authenticator "
                           "app on your phone, such as Microsoft Authenticator or Google "
                           "Authenticator. It gives you a 6-digit code each time you sign in."),
                "expires": _("The link works once, for %(hours)d hours. If it has stopped "
                             "working, ask your council's administrator to send you a new "
                             "one.", hours=hours),
                "sso": sso,
                "sign_in": _("Once your account is set up, sign in here: %(link)s",
                             link=sign_in),
                "footer": _("If you were not expecting this email, do not use the link: tell "
                            "your council's administrator."),
            })
    return parts


def officer_allocation(tenant: Tenant, *, name: str, references: list[str], link: str) -> dict:
    """To a school's named officer: new work from one of their schools. References only."""
    count = len(references)
    if count == 1:
        subject = _("New work for you – %(reference)s", reference=references[0])
        waiting = _("%(name)s, something sent about a pupil of one of your schools has been "
                    "allocated to you.", name=name)
    else:
        subject = _("%(count)d items of work have been allocated to you", count=count)
        waiting = _("%(name)s, %(count)d items sent about pupils of your schools have been "
                    "allocated to you.", name=name, count=count)
    return {
        "subject": subject,
        "waiting": waiting,
        "references": [_("Reference: %(reference)s", reference=ref) for ref in references],
        "link": _("Sign in to the back-office to see it: %(link)s", link=link),
        "footer": _("To keep the child safe, this email does not include any of their "
                    "details."),
    }


def referrer_outcome(tenant: Tenant, *, reference: str, outcome: str, language: str) -> dict:
    """To whoever told the council about a child: what the enquiries came to, as a category
    and the reference, never the child's details or where they now are."""
    council = tenant.display_name(language)
    return {
        "subject": _("What happened after you told us – reference %(reference)s",
                     reference=reference),
        "closed": _("Thank you for telling %(council)s about a child who may be missing "
                    "education. Our enquiries have reached an outcome.", council=council),
        "reference": _("Your reference: %(reference)s", reference=reference),
        "outcome": _("Outcome: %(outcome)s", outcome=outcome),
        "footer": _("This email was sent automatically by the children missing education "
                    "portal. To keep the child safe, it does not include any of their details."),
        **_contact_lines(tenant, language),
    }


def return_reminder(tenant: Tenant, *, school_name: str, label: str, start: str, end: str,
                    due: str, link: str, language: str) -> dict:
    """To a school that has not sent a periodic return the council asks for: which return,
    for which period, when it was due, and where to send it. No pupil is named."""
    return {
        "subject": _("Reminder: %(return)s not yet received", **{"return": label}),
        "greeting": _("To the office of %(school)s,", school=school_name),
        "missing": _("%(council)s has not yet received your %(return)s for %(start)s to "
                     "%(end)s. It was due by %(due)s.", council=tenant.display_name(language),
                     start=start, end=end, due=due, **{"return": label}),
        "nil": _("If no pupil needs to be on it, send it with no pupils so that we know."),
        "link": _("Send it here: %(link)s", link=link),
        "footer": _("This email was sent automatically by the children missing education "
                    "portal because no return from your school for this period has reached "
                    "us. If you sent one, please reply to tell us."),
        **_contact_lines(tenant, language),
    }


def consent_decision(tenant: Tenant, *, reference: str, granted: bool, language: str) -> dict:
    """To a school that sent a deletion notice on the home education ground for a pupil whose
    withdrawal needs the council's consent: the decision and the notice's reference. Never the
    child's details, nor the council's reasons (they may name the child)."""
    council = tenant.display_name(language)
    if granted:
        decision = _("%(council)s has given its consent to the pupil of your notice being "
                     "educated at home. You may delete the pupil's name from your register once "
                     "any other condition the council asks for is met: the notice's page says "
                     "which.", council=council)
    else:
        decision = _("%(council)s has refused its consent to the pupil of your notice being "
                     "educated at home. The pupil must stay on your school's register: do not "
                     "delete the pupil's name on the home education ground.", council=council)
    return {
        "subject": _("The council's consent decision – reference %(reference)s",
                     reference=reference),
        "decision": decision,
        "reference": _("Your notice's reference: %(reference)s", reference=reference),
        "footer": _("This email was sent automatically by the children missing education "
                    "portal. To keep the child safe, it does not include any of their details."),
        **_contact_lines(tenant, language),
    }
