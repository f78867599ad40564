"""Words for things the council files hold as data (office hours, days)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

DAY_ORDER = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = {
    "mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
    "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday"),
}


def describe_days(days: list[str]) -> str:
    """'Monday to Friday' for a run of days, otherwise 'Monday, Wednesday'."""
    ordered = sorted(set(days), key=DAY_ORDER.index)
    if not ordered:
        return ""
    first, last = DAY_ORDER.index(ordered[0]), DAY_ORDER.index(ordered[-1])
    if len(ordered) > 2 and last - first + 1 == len(ordered):
        return _("%(first)s to %(last)s", first=DAY_NAMES[ordered[0]], last=DAY_NAMES[ordered[-1]])
    return ", ".join(str(DAY_NAMES[d]) for d in ordered)


def describe_opening(opening) -> str:
    return _("%(days)s, %(opens)s to %(closes)s", days=describe_days(list(opening.days)),
             opens=opening.opens, closes=opening.closes)
