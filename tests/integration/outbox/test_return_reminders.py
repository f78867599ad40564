"""Stockport's monthly return (policy 8.1: schools report monthly, due by the 5th): a school
that sent last month's and not this one is reminded once, by email through a real SMTP server
on loopback, after the due day and not before; a school that said it had nobody to report is
not reminded; a school with no address known is listed on the back-office page to be chased.
The clock is frozen; the returns are sent through the public pages as a school office would."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import select

from portal.extensions import db
from portal.models import ReturnReminder, SchoolReturn
from portal.tenancy import unscoped
from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, sign_in
from tests.integration.outbox.conftest import rows
from tests.integration.outbox.test_smtp import send_due
from tests.integration.returns.conftest import TOKEN, Sender
from tests.integration.returns.files import csv_bytes, rows_for

SLUG, FORM = "stockport", "attendance-concerns-return"
SENT_LAST_MONTH, SAID_NONE, NEVER_SENT = "3562067", "3562092", "3563005"


class School(Sender):
    def __init__(self, client, laestab: str, email: str):
        super().__init__(client, SLUG, FORM)
        self.laestab, self.email = laestab, email

    def school(self) -> dict:
        return {"school_laestab": self.laestab, "sender_name": "Office Invented",
                "sender_email": self.email}

    def nothing_to_report(self, confirm: bool = True):
        page = self.client.get(f"{self.base}/none").get_data(as_text=True)
        data = {"csrf_token": csrf_of(page), "return_token": TOKEN.search(page)[1],
                **self.school(), **({"confirm": "y"} if confirm else {})}
        return self.client.post(f"{self.base}/none", data=data)


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=timezone.utc)


def remind(app) -> str:
    result = app.test_cli_runner().invoke(args=["returns", "remind"])
    assert result.exit_code == 0, result.output
    return result.output


def reminders_for(app, laestab: str) -> list[str]:
    with app.app_context(), unscoped():
        return list(db.session.scalars(select(ReturnReminder.period_key).where(
            ReturnReminder.school_laestab == laestab, ReturnReminder.form_slug == FORM)))


def test_an_overdue_monthly_return_is_reminded_once_after_its_due_day(
        outbox_app, clock, smtp_server, checked_client):
    client = outbox_app.test_client()
    last_month = School(client, SENT_LAST_MONTH, "office-a@school.example")
    said_none = School(client, SAID_NONE, "office-b@school.example")

    # October's return, sent in November: the school's address is now known.
    clock.now = at("2026-11-04")
    pupils = rows_for(FORM, 2)
    response = last_month.upload(csv_bytes(pupils, last_month.template_headings()))
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]

    # November: one school has nobody to report, and says so (the box must be ticked).
    clock.now = at("2026-12-02")
    refused = said_none.nothing_to_report(confirm=False)
    assert refused.status_code == 200
    assert "Confirm that no pupil of your school needs to be on this return" in \
        refused.get_data(as_text=True)
    assert said_none.nothing_to_report().status_code == 303
    with outbox_app.app_context(), unscoped():
        nil = db.session.scalar(select(SchoolReturn).where(
            SchoolReturn.school_laestab == SAID_NONE))
        assert (nil.source, nil.pupil_count, nil.period_key) == ("none", 0, "2026-11")

    # Not yet due (the 5th): nobody is reminded.
    clock.now = at("2026-12-04")
    assert "0 reminder(s) queued" in remind(outbox_app)

    # The 7th: the school that sent October's and not November's is reminded, once. Stockport
    # asks for a second monthly return (unauthorised absence) that neither school has sent:
    # both schools' addresses are known, so both are reminded of that one too.
    clock.now = at("2026-12-07")
    assert "stockport: 3 reminder(s) queued" in remind(outbox_app)
    assert reminders_for(outbox_app, SENT_LAST_MONTH) == ["2026-11"]
    assert reminders_for(outbox_app, SAID_NONE) == reminders_for(outbox_app, NEVER_SENT) == []
    assert "0 reminder(s) queued" in remind(outbox_app)  # the next day's run: not again
    with outbox_app.app_context():
        assert len([m for m in rows() if m.kind == "return_reminder"]) == 3
        assert send_due(smtp_server.url, clock) >= 1
    [mail] = [m for m in smtp_server.inbox.messages if m["To"] == "office-a@school.example"
              and "Reminder: Monthly return: attendance under 90%" in m["Subject"]]
    body = mail.get_content()
    assert "1 November 2026 to 30 November 2026" in body and "5 December 2026" in body
    assert f"/{SLUG}/returns/{FORM}" in body
    for pupil in pupils:
        assert pupil["child_last_name"] not in body and pupil["upn"] not in body

    # The back-office page: who sent, who was reminded, who must be telephoned.
    officer = make_officer(outbox_app, SLUG)
    staff = checked_client(outbox_app.test_client())
    sign_in(staff, officer, at=clock.now)
    page = staff.get(f"/{SLUG}/staff/returns")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    section = html[html.index(f'id="return-{FORM}"'):]
    section = section[:section.index("</table>")]

    def row(laestab: str) -> str:
        found = re.search(rf"<tr class=\"govuk-table__row\">\s*<th[^>]*>[^<]*</th>\s*"
                          rf"<td class=\"govuk-table__cell\">{laestab}</td>(.*?)</tr>",
                          section, re.S)
        assert found, laestab
        return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())

    assert row(SENT_LAST_MONTH) == "Overdue Reminded by email on 7 December 2026"
    assert row(SAID_NONE).startswith("Received")
    assert row(NEVER_SENT) == "Overdue No email address known: contact the school"


def test_rcts_termly_reminder_is_in_welsh_then_english(outbox_app, clock, smtp_server):
    """RCT (termly, 5 working days after the term ends): the spring term's return was sent,
    the summer term's was not; the reminder after its due day is bilingual, Welsh first."""
    client = outbox_app.test_client()
    school = Sender(client, "rhondda-cynon-taf", "unauthorised-absence-return")
    school.school = lambda: {"school_laestab": "6742141", "sender_name": "Swyddfa Invented",
                             "sender_email": "swyddfa@school.example"}
    clock.now = at("2026-04-20")
    pupils = [{**row, "first_day_of_absence": "02/03/2026"}
              for row in rows_for("unauthorised-absence-return", 1, la="674")]
    response = school.upload(csv_bytes(pupils, school.template_headings()))
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    clock.now = at("2026-07-24")  # the summer term ended on the 20th: due on the 27th
    assert "rhondda-cynon-taf" not in remind(outbox_app)
    clock.now = at("2026-07-28")
    assert "rhondda-cynon-taf: 1 reminder(s) queued" in remind(outbox_app)
    with outbox_app.app_context():
        send_due(smtp_server.url, clock)
    [mail] = [m for m in smtp_server.inbox.messages if m["To"] == "swyddfa@school.example"
              and "Reminder" in m["Subject"]]
    body = mail.get_content()
    assert mail["Subject"].startswith("Nodyn atgoffa: heb gael")
    assert body.index("Nid yw Rhondda Cynon Taf wedi cael") < body.index("has not yet received your")
    assert "13 Ebrill 2026" in body and "13 April 2026 to 20 July 2026" in body
