"""Panels: the meetings that review a council's cases at a set cadence (issue 14, item 2).

A council's ``[[panels]]`` (tenant.toml) name the panel, its members, when it meets (the first
meeting, then every N weeks) and which cases come to it (stage, the council's own definition of
missing education, days missing, flags). For each meeting:

* the **agenda** is every open case the panel has on its list whose review falls due by that
  meeting, with the reasons it is there: a case that meets the criteria and that the panel has
  not yet seen comes to the next meeting; a case the panel has seen comes back on the review
  date the panel set; a case the panel took off its list does not come back;
* after the meeting the **decision**, the actions and the next review (one of the next
  meetings, or off the list) are recorded per case, on the case's timeline and in the audit;
* the panel's **register** (``register = "children-out-of-provision"``) lists the children
  currently on the panel's list, with their next review, not every open case.

Set-based: an agenda is a handful of queries whatever the number of cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from portal.casework import cme_definition
from portal.extensions import db
from portal.models.casework import Activity, Case
from portal.models.panels import PanelDecision
from portal.reports.casebook import london_day
from portal.rules import panels as cadence
from portal.tenant_config.schema import Panel, Tenant

#: How many of the next meetings the panel may choose from for a case's review.
REVIEW_CHOICES = 6
TEXT_LIMIT = 5000


class PanelRefused(Exception):
    """The decision cannot be recorded: the message says why, for the officer."""


def panel_of(tenant: Tenant, key: str | None) -> Panel | None:
    return next((panel for panel in tenant.panels if panel.key == key), None)


def next_meeting(panel: Panel, today: date) -> date:
    return cadence.next_meeting(panel.first_meeting, panel.every_weeks, today)


def previous_meeting(panel: Panel, today: date) -> date | None:
    """The last meeting on or before today (today's included): the one to record decisions of."""
    return cadence.previous_meeting(panel.first_meeting, panel.every_weeks,
                                    today + timedelta(days=1))


def is_meeting(panel: Panel, day: date) -> bool:
    return cadence.meets_on(panel.first_meeting, panel.every_weeks, day)


def review_choices(panel: Panel, meeting: date) -> list[date]:
    """The meetings after this one that the panel may set a case's review for."""
    first = meeting + timedelta(days=1)
    return cadence.meetings_between(panel.first_meeting, panel.every_weeks, first,
                                    first + timedelta(weeks=panel.every_weeks * REVIEW_CHOICES))


@dataclass
class AgendaItem:
    case_id: int
    child: str
    dob: date | None
    stage_key: str | None
    urgent: bool
    reasons: list[str] = field(default_factory=list)
    #: The panel's latest decision before this meeting (None: its first time at the panel).
    previous: PanelDecision | None = None
    #: The decision recorded at this meeting, once there is one.
    decided: PanelDecision | None = None
    #: When the case is next due at the panel (the register's "next review").
    review_on: date | None = None


def _decisions(panel: Panel, only: int | None = None) -> dict[int, list[PanelDecision]]:
    found: dict[int, list[PanelDecision]] = {}
    query = select(PanelDecision).where(PanelDecision.panel_key == panel.key)
    if only is not None:
        query = query.where(PanelDecision.case_id == only)
    for decision in db.session.scalars(query.order_by(PanelDecision.meeting_on,
                                                      PanelDecision.id)):
        found.setdefault(decision.case_id, []).append(decision)
    return found


def _criteria_reasons(tenant: Tenant, panel: Panel, case: Any, on: date,
                      cme_ids: set[int]) -> list[str]:
    criteria, reasons = panel.criteria, []
    if case.status != "open":
        return reasons
    if case.stage_key and case.stage_key in criteria.stages:
        stage = next((s for s in tenant.workflow.stages if s.key == case.stage_key), None)
        reasons.append(_("At the stage: %(stage)s",
                         stage=stage.label.get(_language()) if stage else case.stage_key))
    if criteria.counts_as_cme and case.id in cme_ids:
        reasons.append(_("Missing education under the council's definition"))
    if criteria.days_missing is not None:
        since = case.missing_since or london_day(case.opened_at)
        if since is not None and (on - since).days >= criteria.days_missing:
            reasons.append(_("Missing for %(days)s days", days=(on - since).days))
    if "urgent" in criteria.flags and case.urgent:
        reasons.append(_("Urgent"))
    if "whereabouts_unknown" in criteria.flags and case.whereabouts_known is False:
        reasons.append(_("Whereabouts not known"))
    if "lost" in criteria.flags and case.lost_on is not None:
        reasons.append(_("Lost: on the lost pupils database (S2S)"))
    return reasons


def _language() -> str:
    from portal.i18n import current_language

    try:
        return current_language()
    except RuntimeError:  # outside a request (the command line)
        return "en"


def _cases(ids: set[int] | None = None, only: int | None = None):
    columns = (Case.id, Case.status, Case.child_first_name, Case.child_last_name, Case.child_dob,
               Case.stage_key, Case.urgent, Case.whereabouts_known, Case.lost_on,
               Case.missing_since, Case.opened_at)
    if only is not None:
        return {row.id: row for row in db.session.execute(select(*columns).where(
            Case.id == only))}
    query = select(*columns).where(Case.status == "open")
    rows = {row.id: row for row in db.session.execute(query)}
    if ids:
        missing = [case_id for case_id in ids if case_id not in rows]
        for index in range(0, len(missing), 900):
            for row in db.session.execute(select(*columns).where(
                    Case.id.in_(missing[index:index + 900]))):
                rows[row.id] = row
    return rows


def _items(tenant: Tenant, panel: Panel, meeting: date, *, decided_up_to: date,
           agenda_only: bool, only: int | None = None) -> list[AgendaItem]:
    """Every case on the panel's list at this meeting. ``decided_up_to``: decisions of meetings
    before this day are the panel's earlier decisions; one at ``meeting`` itself is this
    meeting's. ``agenda_only``: only the cases due at this meeting (and those decided at it)."""
    decisions = _decisions(panel, only)
    at_meeting = {case_id: d for case_id, found in decisions.items()
                  for d in found if d.meeting_on == meeting}
    cases = _cases(set(at_meeting), only)
    cme_ids: set[int] = set()
    if panel.criteria.counts_as_cme and cases:
        query = select(Case.id).where(cme_definition.counts_as_cme_clause(tenant, meeting))
        if only is not None:
            query = query.where(Case.id == only)
        cme_ids = set(db.session.scalars(query))
    items = []
    for case in cases.values():
        earlier = [d for d in decisions.get(case.id, ()) if d.meeting_on < decided_up_to
                   and d.meeting_on != meeting]
        previous = earlier[-1] if earlier else None
        decided = at_meeting.get(case.id)
        reasons = _criteria_reasons(tenant, panel, case, meeting, cme_ids)
        if previous is not None and previous.next_review_on is None and decided is None:
            continue  # the panel took it off its list
        review_on = previous.next_review_on if previous is not None else None
        if case.status == "open" and review_on is not None:
            reasons.append(_("Review set at the panel of %(date)s",
                             date=_day(previous.meeting_on)))
        if decided is None and (not reasons or case.status != "open"):
            continue
        due = review_on if review_on is not None else meeting
        if agenda_only and decided is None and due > meeting:
            continue
        if decided is not None:
            reasons = [decided.reason] if decided.reason else reasons
        items.append(AgendaItem(
            case_id=case.id,
            child=" ".join(p for p in (case.child_first_name, case.child_last_name) if p),
            dob=case.child_dob, stage_key=case.stage_key, urgent=bool(case.urgent),
            reasons=reasons, previous=previous, decided=decided,
            review_on=decided.next_review_on if decided is not None else due))
    items.sort(key=lambda item: (not item.urgent, item.review_on or date.max, item.case_id))
    return items


def _day(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, format="d MMMM yyyy")


def agenda(tenant: Tenant, panel: Panel, meeting: date) -> list[AgendaItem]:
    """The cases due at this meeting, with the reasons each is there, and the decisions
    recorded at it."""
    return _items(tenant, panel, meeting, decided_up_to=meeting, agenda_only=True)


def register(tenant: Tenant, panel: Panel, today: date, *,
             only: int | None = None) -> list[AgendaItem]:
    """The children on the panel's list today, each with its next review."""
    meeting = next_meeting(panel, today)
    items = _items(tenant, panel, meeting, decided_up_to=today + timedelta(days=1),
                   agenda_only=False, only=only)
    return [item for item in items
            if item.decided is None or item.decided.next_review_on is not None]


def record_decision(tenant: Tenant, panel: Panel, meeting: date, case_id: int, *,
                    decision: str, actions: str, next_review_on: date | None, today: date,
                    user_id: int | None, at: datetime) -> PanelDecision:
    """Record the panel's decision on a case at a meeting that has happened; refused (with
    the officer's message) for a day the panel does not meet, a meeting still to come, a case
    not on that meeting's agenda, or a review that is not one of the meetings after it."""
    from portal.casework import audit

    if not is_meeting(panel, meeting):
        raise PanelRefused(_("The panel does not meet on that day"))
    if meeting > today:
        raise PanelRefused(_("Decisions can be recorded once the meeting has happened"))
    item = next((i for i in agenda(tenant, panel, meeting) if i.case_id == case_id), None)
    if item is None:
        raise PanelRefused(_("That case is not on this meeting's agenda"))
    if item.decided is not None:
        return item.decided  # a second click
    if next_review_on is not None and next_review_on not in review_choices(panel, meeting):
        raise PanelRefused(_("Select one of the panel's next meetings, or take the case off "
                             "the panel's list"))
    row = PanelDecision(case_id=case_id, panel_key=panel.key, meeting_on=meeting,
                        reason="; ".join(item.reasons), decision=decision,
                        actions=actions or None, next_review_on=next_review_on,
                        decided_at=at, decided_by_id=user_id)
    db.session.add(row)
    db.session.add(Activity(at=at, actor_id=user_id, case_id=case_id, kind="panel", details={
        "panel": panel.key, "meeting": meeting.isoformat(),
        "next_review": next_review_on.isoformat() if next_review_on else None}))
    db.session.flush()
    audit.record("change", "case.panel_decision", "case", case_id)
    return row


def decision_detail(tenant: Tenant, details: dict) -> str:
    """The case timeline's line for a panel decision (its text is on the panel's page)."""
    panel = panel_of(tenant, details.get("panel"))
    name = panel.name.get(_language()) if panel else (details.get("panel") or "")
    meeting = _iso(details.get("meeting"))
    review = _iso(details.get("next_review"))
    if meeting is None:
        return name
    if review is None:
        return _("%(panel)s, %(meeting)s: decision recorded; the case is off the panel's list",
                 panel=name, meeting=_day(meeting))
    return _("%(panel)s, %(meeting)s: decision recorded; next review %(review)s",
             panel=name, meeting=_day(meeting), review=_day(review))


def _iso(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def panels_of_case(tenant: Tenant, case_id: int, today: date) -> list[tuple[Panel, AgendaItem]]:
    """The panels whose list the case is on today, with its next review (the case page)."""
    found = []
    for panel in tenant.panels:
        item = next(iter(register(tenant, panel, today, only=case_id)), None)
        if item is not None:
            found.append((panel, item))
    return found
