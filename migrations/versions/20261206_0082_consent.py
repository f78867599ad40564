"""the council's consent before a child is withdrawn to be educated at home
(portal.casework.consent): the outbox's email of the decision to the school, and the decision on
the timeline. The decision itself is a deletion_records row (condition "la_consent").

Revision ID: 0082
Revises: 0083
Create Date: 2026-12-06
"""
from alembic import op

revision = "0082"
down_revision = "0083"
branch_labels = None
depends_on = None

OLD_OUTBOX = ("acknowledgement", "team_notification", "urgent_alert", "case_acknowledgement",
              "notice", "other", "officer_allocation", "referrer_outcome", "secure_message",
              "return_reminder")
NEW_OUTBOX = OLD_OUTBOX + ("consent_decision",)
OLD_ACTIVITY = ("submission", "acknowledged", "allocated", "case_opened", "joined", "note",
                "enquiry", "stage", "outcome", "reopened", "email", "notice", "details",
                "letter", "task", "panel", "message", "professional", "deletion")
NEW_ACTIVITY = OLD_ACTIVITY + ("consent",)


def _in(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _kinds(outbox, activity) -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(op.f("ck_outbox_messages_kind"), type_="check")
        batch.create_check_constraint("kind", _in(outbox))
    with op.batch_alter_table("activities") as batch:
        batch.drop_constraint(op.f("ck_activities_kind"), type_="check")
        batch.create_check_constraint("kind", _in(activity))


def upgrade() -> None:
    _kinds(NEW_OUTBOX, NEW_ACTIVITY)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE " + _in(NEW_OUTBOX[len(OLD_OUTBOX):]))
    op.execute("DELETE FROM activities WHERE " + _in(NEW_ACTIVITY[len(OLD_ACTIVITY):]))
    op.execute("DELETE FROM deletion_records WHERE condition = 'la_consent'")
    _kinds(OLD_OUTBOX, OLD_ACTIVITY)
