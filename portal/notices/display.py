"""What a notice says, as the pages show it (the sender's, the receiver's and the page opened
through a link): the notice's own fields, in the page's language."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.i18n import current_language
from portal.notices import DIRECTION_RECEIVED, DIRECTION_SENT, S2S_LABELS, label
from portal.notices import service


def notice_rows(answers: dict, slug: str | None, *, received: bool) -> list[dict]:
    """The notice's own fields as summary-list rows, in the page's language."""
    from flask_babel import format_date

    from portal.directory import laestab_la_code_unknown, upn_la_code_unknown

    language = current_language()
    risk = dict((value, text.get(language))
                for value, text in service.option_labels("risk_groups", slug))
    not_given = _("Not given")

    def day(value):
        from datetime import date

        try:
            return format_date(date.fromisoformat(value), format="long") if value else not_given
        except ValueError:
            return value

    upn = answers.get("upn") or not_given
    if answers.get("upn") and upn_la_code_unknown(answers["upn"]):
        upn = _("%(upn)s (check it: its local authority code is not one we know)", upn=upn)
    laestab = answers.get("school_laestab") or not_given
    if answers.get("school_laestab") and laestab_la_code_unknown(answers["school_laestab"]):
        laestab = _("%(number)s (check it: its local authority code is not one we know)",
                    number=laestab)
    directions = DIRECTION_RECEIVED if received else DIRECTION_SENT
    rows = [
        (_("What the notice says"), label(directions, answers.get("direction"))),
        (_("Is the child at risk of harm now?"),
         _("Yes") if answers.get("at_risk_now") == "yes" else _("No")),
        (_("Child's name"), f"{answers.get('child_first_name', '')} "
                            f"{answers.get('child_last_name', '')}".strip()),
        (_("Other names or spellings"), answers.get("other_names") or not_given),
        (_("Date of birth"), day(answers.get("child_dob"))),
        (_("Unique pupil number (UPN)"), upn),
        (_("Last known address"), answers.get("last_address") or not_given),
        (_("Postcode of the last known address"), answers.get("postcode") or not_given),
        (_("Address the child is believed to have moved to"),
         answers.get("new_address") or not_given),
        (_("Postcode of that address"), answers.get("new_postcode") or not_given),
        (_("Last school"), answers.get("last_school_name") or not_given),
        (_("DfE number of the last school"), laestab),
        (_("Last day the child attended school"), day(answers.get("last_attendance"))),
        (_("Vulnerabilities"), "\n".join(risk.get(key, key) for key in
                                         answers.get("risk_groups") or []) or _("None given")),
        (_("What is known about the child and family"), answers.get("what_is_known") or ""),
        (_("Actions taken so far"), answers.get("actions_taken") or not_given),
        (_("Lost pupils database (S2S)"), label(S2S_LABELS, answers.get("s2s_status"))),
        (_("Reply wanted by"), day(answers.get("reply_by"))),
        (_("Sent by"), ", ".join(part for part in (
            answers.get("sender_name"), answers.get("sender_role"),
            answers.get("sending_council")) if part)),
        (_("Sender's contact"), ", ".join(part for part in (
            answers.get("sender_email"), answers.get("sender_phone")) if part) or not_given),
    ]
    return [{"key": key, "value": value} for key, value in rows]
