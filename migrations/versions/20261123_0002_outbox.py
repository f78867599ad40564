"""the email outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("reference", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=120), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('acknowledgement', 'team_notification', 'urgent_alert', "
                           "'other')", name=op.f("ck_outbox_messages_kind")),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'dead')",
                           name=op.f("ck_outbox_messages_status")),
        sa.CheckConstraint("language IN ('en', 'cy')", name=op.f("ck_outbox_messages_language")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="RESTRICT",
                                name=op.f("fk_outbox_messages_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_messages_message_id")),
    )
    op.create_index(op.f("ix_outbox_messages_tenant_id"), "outbox_messages", ["tenant_id"])
    # The worker's claim query: due pending rows, and sending rows whose lease has expired.
    op.create_index("ix_outbox_messages_due", "outbox_messages", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_messages_lease", "outbox_messages", ["status", "claimed_until"])
    # A case's timeline lists the emails sent about its submissions.
    op.create_index("ix_outbox_messages_tenant_reference", "outbox_messages",
                    ["tenant_id", "reference"])


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_tenant_reference", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_lease", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_due", table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_tenant_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
