"""The named officer of each school: the council administrator's table (import a CSV, edit one
row, the history of changes), the allocation of what a school sends to its officer, and the
offer to move open work when a school's officer changes.

RCT's policy: "All schools currently have a named Attendance and Well Being Officer (AWO) with
whom there is a regular and frequent contact" (seeds/001, the measures that minimise the
opportunities for children to remain unregistered). A council with no table keeps its
[[routing]] rules alone.

Nothing here commits: the caller (a view, the filing transaction) does.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.casework import audit
from portal.extensions import db
from portal.models.people import SchoolOfficer, SchoolOfficerChange
from portal.models.staff import StaffUser
from portal.models.submission import Submission
from portal.tenant_config import Tenant

#: The CSV's columns. `school_number` (LAESTAB) or `urn` names the school; `officer_email` an
#: officer of the council (or blank: the team alone); `team` a team key (blank: the routing
#: team of a school notice).
COLUMNS = ("school_number", "urn", "school_name", "officer_email", "team")
MAX_ROWS = 5000
MAX_BYTES = 1_000_000


def _now() -> datetime:
    return current_app.config["CLOCK"]()


def _user_id() -> int | None:
    from flask_login import current_user

    return getattr(current_user, "id", None) if current_user else None


# --- reading -----------------------------------------------------------------------------------

def rows() -> list[SchoolOfficer]:
    return list(db.session.scalars(select(SchoolOfficer).order_by(SchoolOfficer.school_name,
                                                                  SchoolOfficer.laestab)))


def row_for(laestab: str | None) -> SchoolOfficer | None:
    if not laestab:
        return None
    return db.session.scalar(select(SchoolOfficer).where(SchoolOfficer.laestab == laestab))


def history(laestab: str | None = None, limit: int = 200) -> list[SchoolOfficerChange]:
    query = select(SchoolOfficerChange).order_by(SchoolOfficerChange.at.desc(),
                                                 SchoolOfficerChange.id.desc()).limit(limit)
    if laestab:
        query = query.where(SchoolOfficerChange.laestab == laestab)
    return list(db.session.scalars(query))


def _officers_by_email() -> dict[str, StaffUser]:
    users = db.session.scalars(select(StaffUser).where(StaffUser.is_active.is_(True)))
    return {user.email.lower(): user for user in users}


# --- allocation on filing ----------------------------------------------------------------------

@dataclass(frozen=True)
class Allocation:
    team_key: str
    officer: StaffUser | None
    school_name: str


def allocation_for(tenant: Tenant, laestab: str | None, route) -> Allocation | None:
    """The school's named officer (or team) for a submission naming it, unless the council's
    routing sent it elsewhere for another reason (a form or flag rule, e.g. RCT's home
    education to the Educational Psychology Service): the table replaces only the school
    rules and the default team."""
    row = row_for(laestab)
    if row is None:
        return None
    if route.rule_index is not None and not tenant.routing[route.rule_index].schools:
        return None
    officer = None
    if row.officer_id is not None:
        officer = db.session.scalar(select(StaffUser).where(StaffUser.id == row.officer_id,
                                                            StaffUser.is_active.is_(True)))
    return Allocation(team_key=row.team_key, officer=officer, school_name=row.school_name)


def allocate_on_filing(submission: Submission, tenant: Tenant, allocation: Allocation,
                       notify: bool = True) -> None:
    """In the filing transaction: the submission goes to the school's officer (or team) and the
    officer is emailed that there is new work (the reference only). A school's return of many
    pupils (portal.returns.service) sends the officer one email for all of them itself
    (notify=False)."""
    from portal.casework.activity import record_activity
    from portal.outbox import queue_officer_allocation

    submission.team_key = allocation.team_key
    submission.routing_reason = (f"The school's named officer: {allocation.school_name}"
                                 if allocation.officer else
                                 f"The school's team: {allocation.school_name}")[:300]
    if allocation.officer is not None:
        submission.officer_id = allocation.officer.id
        submission.officer = allocation.officer.display_name[:200]
        submission.allocated_at = submission.received_at
        submission.allocated_by_school = True
        if notify:
            queue_officer_allocation(tenant=tenant, officer=allocation.officer,
                                     references=[submission.reference])
        record_activity("allocated", submission=submission, reference=submission.reference,
                        team=allocation.team_key, officer=allocation.officer.display_name,
                        by_school=True)


# --- changing the table ------------------------------------------------------------------------

@dataclass
class RowProblem:
    line: int
    message: str


@dataclass
class ImportResult:
    problems: list[RowProblem] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[SchoolOfficerChange] = field(default_factory=list)


def _school_names(tenant: Tenant) -> tuple[dict[str, str], dict[str, str]]:
    by_laestab = {school.laestab: school.name for school in tenant.schools}
    by_urn = {school.urn: school.laestab for school in tenant.schools if school.urn}
    return by_laestab, by_urn


def _default_team(tenant: Tenant, laestab: str) -> str:
    route = tenant.route("change-to-register", laestab=laestab)
    return route.team.key


def parse_csv(data: bytes, tenant: Tenant) -> tuple[list[dict], list[RowProblem]]:
    """Check a CSV of the table, every row; return the rows to store, or the problems (each
    with its line number). Nothing is stored here."""
    problems: list[RowProblem] = []
    if len(data) > MAX_BYTES:
        return [], [RowProblem(0, str(_l("The file must be smaller than 1MB")))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowProblem(0, str(_l("The file must be a CSV file saved as UTF-8")))]
    if "\x00" in text:
        return [], [RowProblem(0, str(_l("The file must be a CSV file saved as UTF-8")))]
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "officer_email" not in header or not ({"school_number", "urn"} & set(header)):
        return [], [RowProblem(1, str(_l(
            "The first line must name the columns: school_number (or urn), school_name, "
            "officer_email and team")))]
    reader.fieldnames = header
    by_laestab, by_urn = _school_names(tenant)
    officers = _officers_by_email()
    teams = {team.key for team in tenant.teams}
    seen: dict[str, int] = {}
    out: list[dict] = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            problems.append(RowProblem(number, str(_l("The file has more than 5,000 schools"))))
            break
        row = {key: " ".join(str(raw.get(key) or "").split()) for key in COLUMNS}
        if not any(row.values()):
            continue
        laestab, urn = row["school_number"], row["urn"]
        if laestab and not re.fullmatch(r"[0-9]{7}", laestab):
            problems.append(RowProblem(number, str(_l(
                "The school number must be 7 digits, like %(example)s",
                example=tenant.dfe_code + "2000"))))
            continue
        if laestab and not laestab.startswith(tenant.dfe_code):
            problems.append(RowProblem(number, str(_l(
                "School %(number)s is not one of this council's schools (its number starts "
                "with %(code)s)", number=laestab, code=tenant.dfe_code))))
            continue
        if not laestab:
            if not urn:
                problems.append(RowProblem(number, str(_l(
                    "Give the school's number or its URN"))))
                continue
            laestab = by_urn.get(urn, "")
            if not laestab:
                problems.append(RowProblem(number, str(_l(
                    "No school of this council has the URN %(urn)s: give its school number",
                    urn=urn))))
                continue
        if laestab in seen:
            problems.append(RowProblem(number, str(_l(
                "School %(number)s is already on line %(line)d", number=laestab,
                line=seen[laestab]))))
            continue
        seen[laestab] = number
        name = row["school_name"] or by_laestab.get(laestab, "")
        if not name:
            problems.append(RowProblem(number, str(_l("Enter the school's name"))))
            continue
        officer = None
        if row["officer_email"]:
            officer = officers.get(row["officer_email"].lower())
            if officer is None:
                problems.append(RowProblem(number, str(_l(
                    "No active officer of this council has the email address %(email)s",
                    email=row["officer_email"]))))
                continue
        team = row["team"] or _default_team(tenant, laestab)
        if team not in teams:
            problems.append(RowProblem(number, str(_l(
                "There is no team %(team)s: use one of %(teams)s", team=team,
                teams=", ".join(sorted(teams))))))
            continue
        out.append({"laestab": laestab, "urn": urn or None, "school_name": name[:200],
                    "officer_id": officer.id if officer else None, "team_key": team})
    if not out and not problems:
        problems.append(RowProblem(0, str(_l("The file has no schools in it"))))
    return out, problems


def _apply(values: dict, how: str, note: str | None) -> SchoolOfficerChange | None:
    """Store one row; a change (or a new row) is kept in the history."""
    now = _now()
    row = row_for(values["laestab"])
    old_officer = old_team = None
    if row is None:
        row = SchoolOfficer(laestab=values["laestab"], updated_at=now,
                            updated_by_id=_user_id(), **{k: values[k] for k in
                                                         ("urn", "school_name", "officer_id",
                                                          "team_key")})
        db.session.add(row)
    else:
        old_officer, old_team = row.officer_id, row.team_key
        same = (row.officer_id, row.team_key, row.school_name) == (
            values["officer_id"], values["team_key"], values["school_name"])
        if same and (values.get("urn") or row.urn) == row.urn:
            return None
        row.officer_id, row.team_key = values["officer_id"], values["team_key"]
        row.school_name = values["school_name"]
        row.urn = values.get("urn") or row.urn
        row.updated_at, row.updated_by_id = now, _user_id()
    change = SchoolOfficerChange(at=now, by_id=_user_id(), laestab=values["laestab"], how=how,
                                 old_officer_id=old_officer, new_officer_id=values["officer_id"],
                                 old_team_key=old_team, new_team_key=values["team_key"],
                                 note=note)
    db.session.add(change)
    db.session.flush()
    if not open_work(change):
        change.offer = "none"
    audit.record("change", f"school_officer.{how}", "school_officer", row.id)
    return change


def import_rows(values: list[dict]) -> ImportResult:
    result = ImportResult()
    for value in values:
        existed = row_for(value["laestab"]) is not None
        change = _apply(value, "import", None)
        if change is None:
            result.unchanged += 1
            continue
        result.changes.append(change)
        if existed:
            result.changed += 1
        else:
            result.added += 1
    return result


def edit_row(laestab: str, *, school_name: str, officer_id: int | None, team_key: str,
             note: str | None) -> SchoolOfficerChange | None:
    row = row_for(laestab)
    return _apply({"laestab": laestab, "urn": row.urn if row else None,
                   "school_name": school_name, "officer_id": officer_id,
                   "team_key": team_key}, "edit", note)


# --- the reallocation offer --------------------------------------------------------------------

def open_work(change: SchoolOfficerChange) -> list[Submission]:
    """The school's open submissions still with the officer (or team) the change replaced."""
    if change.old_officer_id == change.new_officer_id and \
            change.old_team_key == change.new_team_key:
        return []
    if change.old_officer_id is None and change.old_team_key is None:
        return []  # a new row: nothing was with anyone by it
    query = select(Submission).where(Submission.school_laestab == change.laestab,
                                     Submission.status != "closed")
    if change.old_officer_id is not None:
        query = query.where(Submission.officer_id == change.old_officer_id)
    else:
        query = query.where(Submission.officer_id.is_(None),
                            Submission.team_key == change.old_team_key)
    return list(db.session.scalars(query.order_by(Submission.received_at, Submission.id)))


def open_offers() -> list[SchoolOfficerChange]:
    """Changes whose reallocation the administrator has not yet decided."""
    return list(db.session.scalars(select(SchoolOfficerChange)
                                   .where(SchoolOfficerChange.offer.is_(None))
                                   .order_by(SchoolOfficerChange.at, SchoolOfficerChange.id)))


def get_change(change_id: int) -> SchoolOfficerChange | None:
    return db.session.scalar(select(SchoolOfficerChange)
                             .where(SchoolOfficerChange.id == change_id))


def settle(change: SchoolOfficerChange, tenant: Tenant, *, move: bool) -> int:
    """Move the school's open work to the new officer (or team), or leave it; either way the
    offer is closed and kept in the history. Returns how many submissions moved."""
    from portal.casework.intake import ActionRefused, allocate
    from portal.outbox import queue_officer_allocation

    moved: list[str] = []
    if move:
        officer = None
        if change.new_officer_id is not None:
            officer = db.session.scalar(select(StaffUser).where(
                StaffUser.id == change.new_officer_id, StaffUser.is_active.is_(True)))
        for submission in open_work(change):
            try:
                allocate(submission, tenant, team_key=change.new_team_key, officer=officer)
            except ActionRefused:
                continue
            submission.allocated_by_school = officer is not None
            moved.append(submission.reference)
        if officer is not None and moved:
            queue_officer_allocation(tenant=tenant, officer=officer, references=moved)
    change.offer = "moved" if move else "left"
    change.offer_settled_at = _now()
    audit.record("change", "school_officer.reallocate" if move else "school_officer.leave",
                 "school_officer_change", change.id)
    return len(moved)


def count_open_work(change: SchoolOfficerChange) -> int:
    return len(open_work(change))


def staff_for_choices() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).where(StaffUser.is_active.is_(True))
                                   .where(StaffUser.role.in_(("officer", "manager")))
                                   .order_by(func.lower(StaffUser.display_name))))
