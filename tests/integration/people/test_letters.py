"""Southwark's letter to the parents (protocol section 2): "Sending a letter to parents at last
known address ..." and "if ... no reply to letter to parent has been received within five
working days, the referral will be passed to the relevant Early Help Locality Manager ... to
carry out a home visit". With the clock frozen at Christmas: the letter's PDF, five working days
counted over the bank holidays, nothing on day 5, the Early Help home visit task on day 6, and
nothing overdue once it is done."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import make_settings
from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in
from tests.integration.backoffice.test_cases import make_case

SLUG = "southwark"


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def frozen(app, database_url):
    from portal import create_app

    clock = Clock(datetime(2026, 12, 24, 10, 0, tzinfo=timezone.utc))  # a Thursday
    frozen_app = create_app(make_settings(database_url), clock=clock)
    yield frozen_app, clock
    from portal.extensions import db

    with frozen_app.app_context():
        db.session.remove()
        db.engine.dispose()


def _page(client, case_id: int) -> str:
    response = client.get(f"/{SLUG}/staff/cases/{case_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _post(client, case_id: int, tail: str, data: dict):
    html = _page(client, case_id)
    return client.post(f"/{SLUG}/staff/cases/{case_id}{tail}",
                       data={"csrf_token": csrf_of(html), **data})


def _advance(app) -> str:
    result = app.test_cli_runner().invoke(args=["casework", "advance"])
    assert result.exit_code == 0, result.output
    return result.output


def _council_deadlines(html: str) -> str:
    html = html.replace("&#39;", "'")
    return html.split("The council's deadlines", 1)[1].split("</table>", 1)[0] \
        if "The council's deadlines" in html else ""


def _a_case(app, clock, officer):
    """A case of an invented child in Peckham, its form acknowledged and given to `officer`
    (so that only the letter's deadlines are in play)."""
    from portal.extensions import db
    from portal.models import Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    submission = make_submission(app, SLUG, first="Ada", last="Lettertest",
                                 received_at=clock.now, postcode="SE15 4QY")
    with app.app_context(), tenant_scope(tenant_id_for(SLUG)):
        row = db.session.get(Submission, submission["id"])
        row.acknowledged_at = row.allocated_at = clock.now
        row.officer_id = officer["id"]
        db.session.commit()
    case_id = make_case(app, SLUG, first="Ada", last="Lettertest", postcode="SE15 4QY",
                        officer_id=officer["id"], submissions=(submission["id"],))
    return case_id, submission


def test_no_reply_in_five_working_days_sets_the_home_visit_on_day_six(frozen, checked_client):
    app, clock = frozen
    officer = make_officer(app, SLUG)
    case_id, submission = _a_case(app, clock, officer)
    client = checked_client(app.test_client())
    sign_in(client, officer, at=clock.now)

    # The letter, from Southwark's template; its PDF names the child and the reply-by date.
    response = _post(client, case_id, "/letters", {"letter_template": "whereabouts"})
    assert response.status_code == 303
    html = _page(client, case_id)
    [pdf_url] = re.findall(r'href="(/southwark/staff/cases/\d+/letters/\d+/letter\.pdf)"', html)
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.split())
    assert "Which school is your child attending?" in text
    assert "Ada Lettertest" in text and submission["reference"] in text
    # Thursday 24 December: Christmas Day, the Boxing Day substitute (Monday 28) and New
    # Year's Day are not working days, so the fifth working day is Tuesday 5 January.
    assert "by 5 January 2027" in text
    letter_id = int(pdf_url.split("/letters/")[1].split("/")[0])

    # Sent by post today: the deadline starts, the checklist's letter is done.
    refused = _post(client, case_id, f"/letters/{letter_id}/sent", {"sent_how": "pigeon"})
    assert refused.status_code == 200
    assert "Select one of the options" in refused.get_data(as_text=True)
    assert "Enter the date the letter was sent" in refused.get_data(as_text=True)
    sent = _post(client, case_id, f"/letters/{letter_id}/sent", {
        "sent_how": "post", "sent_on-day": "24", "sent_on-month": "12", "sent_on-year": "2026"})
    assert sent.status_code == 303
    html = _page(client, case_id)
    assert re.search(r'class="govuk-summary-list__value letter-reply-by">5 January 2027<', html)
    deadlines = _council_deadlines(html)
    assert "No reply to the letter to parents within five working days" in deadlines
    assert "5 January 2027" in deadlines and "Overdue" not in deadlines

    # Day 5 (the reply-by day): nothing moves yet.
    clock.now = datetime(2027, 1, 5, 6, 0, tzinfo=timezone.utc)
    assert _advance(app).strip().endswith("0 case(s) moved on")
    sign_in(client := checked_client(app.test_client()), officer, at=clock.now)
    assert "Early Help home visit</h3>" not in _page(client, case_id)

    # Day 6: the Early Help home visit for the child's locality (SE15: Peckham and Dulwich),
    # the stage moves on, and the letter's deadline is met, not overdue.
    clock.now = datetime(2027, 1, 6, 6, 0, tzinfo=timezone.utc)
    assert "southwark: 1 case(s) moved on" in _advance(app)
    assert "0 case(s) moved on" in _advance(app)  # once only
    client = checked_client(app.test_client())
    sign_in(client, officer, at=clock.now)
    html = _page(client, case_id)
    assert "Early Help home visit</h3>" in html
    assert "Early Help: Peckham and Dulwich locality" in html
    deadlines = _council_deadlines(html)
    assert "No reply to the letter to parents" not in deadlines
    assert "A task set when a letter had no reply" in deadlines and "Overdue" not in deadlines
    assert "Letter to the family" in html and ">Task<" in html.replace("\n", "")  # timeline

    # Long after, the task still open is overdue; done, nothing is overdue.
    clock.now = datetime(2027, 1, 20, 9, 0, tzinfo=timezone.utc)
    client = checked_client(app.test_client())
    sign_in(client, officer, at=clock.now)
    assert "Overdue" in _council_deadlines(_page(client, case_id))
    [task_url] = re.findall(r'action="(/southwark/staff/cases/\d+/tasks/\d+/done)"',
                            _page(client, case_id))
    done = _post(client, case_id, task_url.split(f"/cases/{case_id}")[1],
                 {"task_note": "Visited: the family has moved to Lewisham."})
    assert done.status_code == 303
    html = _page(client, case_id)
    assert "Overdue" not in _council_deadlines(html)
    assert "A task set when a letter had no reply" not in _council_deadlines(html)
    assert "Visited: the family has moved to Lewisham." in html


def test_a_reply_before_the_deadline_means_no_home_visit(frozen, checked_client):
    app, clock = frozen
    officer = make_officer(app, SLUG)
    case_id, _ = _a_case(app, clock, officer)
    client = checked_client(app.test_client())
    sign_in(client, officer, at=clock.now)
    _post(client, case_id, "/letters", {"letter_template": "whereabouts"})
    letter_id = int(re.findall(r"/letters/(\d+)/letter\.pdf", _page(client, case_id))[0])
    _post(client, case_id, f"/letters/{letter_id}/sent", {
        "sent_how": "hand", "sent_on-day": "24", "sent_on-month": "12", "sent_on-year": "2026"})
    empty = _post(client, case_id, f"/letters/{letter_id}/reply", {"reply_note": ""})
    assert "Enter what the family said" in empty.get_data(as_text=True)
    _post(client, case_id, f"/letters/{letter_id}/reply",
          {"reply_note": "Mother rang: Ada attends Peckham Rye Primary."})
    clock.now = datetime(2027, 1, 6, 6, 0, tzinfo=timezone.utc)
    _advance(app)
    client = checked_client(app.test_client())
    sign_in(client, officer, at=clock.now)
    html = _page(client, case_id)
    assert "Early Help home visit</h3>" not in html
    assert "Mother rang: Ada attends Peckham Rye Primary." in html
    assert "No reply to the letter to parents" not in _council_deadlines(html)
