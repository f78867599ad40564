"""the outbox's reminder to a school whose periodic return is overdue (portal/returns/reminders.py)

Revision ID: 0080
Revises: 0040
Create Date: 2026-12-05
"""
from alembic import op

revision = "0080"
down_revision = "0040"
branch_labels = None
depends_on = None

OLD_OUTBOX = ("acknowledgement", "team_notification", "urgent_alert", "case_acknowledgement",
              "notice", "other", "officer_allocation", "referrer_outcome", "secure_message")
NEW_OUTBOX = OLD_OUTBOX + ("return_reminder",)


def _in(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _kinds(kinds) -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(op.f("ck_outbox_messages_kind"), type_="check")
        batch.create_check_constraint("kind", _in(kinds))


def upgrade() -> None:
    _kinds(NEW_OUTBOX)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE " + _in(NEW_OUTBOX[len(OLD_OUTBOX):]))
    _kinds(OLD_OUTBOX)
