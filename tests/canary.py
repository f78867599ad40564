"""A canary child: details that must never appear in any email's subject or body.

Tests that file forms can use these details for the child, then call `child_details_in_outbox()`
(or `assert_no_child_details_in_outbox()`) over every queued email: any hit is a leak.
"""
from __future__ import annotations

from sqlalchemy import select

CANARY_CHILD = {
    "first_name": "Zebediah",
    "last_name": "Canarywhistle",
    "date_of_birth": "2014-03-17",
    "date_of_birth_words": "17 March 2014",
    "upn": "X00180001701A",
    "address": "17 Canary Wharf Lane",
    "postcode": "M1 1AE",
}

# How each detail could appear in a text (a DOB in words and in digits, either name alone).
CANARY_STRINGS = (
    "Zebediah", "Canarywhistle", "2014-03-17", "17/03/2014", "17 March 2014", "X00180001701A",
    "Canary Wharf Lane", "M1 1AE",
)


def child_details_in(text: str) -> list[str]:
    lowered = text.casefold()
    return [s for s in CANARY_STRINGS if s.casefold() in lowered]


def child_details_in_outbox() -> list[str]:
    """Every (message id, detail) leak among all queued emails, across councils."""
    from portal.extensions import db
    from portal.models import OutboxMessage
    from portal.tenancy import unscoped

    leaks = []
    with unscoped():
        for row in db.session.scalars(select(OutboxMessage)):
            for part in (row.subject, row.body_text, row.body_html or ""):
                leaks.extend(f"{row.message_id}: {hit}" for hit in child_details_in(part))
    return leaks


def assert_no_child_details_in_outbox() -> None:
    leaks = child_details_in_outbox()
    assert leaks == [], f"a child's details are in an email: {leaks}"
