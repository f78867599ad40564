"""school-owned deadlines met, late or closed, and the submissions' late flag

Issue 13, item 2: a deadline the school owns is met or late by the school's own notice
(portal.casework.school_deadlines); the late notices report reads this table.

Revision ID: 0040
Revises: 0033
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("threshold_key", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("days_late", sa.Integer(), nullable=True),
        sa.Column("school_laestab", sa.String(length=7), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("state IN ('met', 'late', 'closed')",
                           name=op.f("ck_school_deadlines_state")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_school_deadlines_case_id_cases"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_school_deadlines_submission_id_submissions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_school_deadlines_tenant_id_tenants"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_deadlines")),
    )
    op.create_index(op.f("ix_school_deadlines_case_id"), "school_deadlines", ["case_id"])
    op.create_index(op.f("ix_school_deadlines_submission_id"), "school_deadlines",
                    ["submission_id"])
    op.create_index(op.f("ix_school_deadlines_tenant_id"), "school_deadlines", ["tenant_id"])
    op.create_index("ix_school_deadlines_tenant_state_due", "school_deadlines",
                    ["tenant_id", "state", "due_on"])
    # A plain ADD COLUMN (no table rebuild on SQLite, so the partial inbox indexes and the
    # return_id constraint of migration 0022 stay as they are).
    op.add_column("submissions", sa.Column("school_late", sa.Boolean(), nullable=False,
                                           server_default=sa.false()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE submissions DROP COLUMN school_late")  # SQLite 3.35+
    else:
        op.drop_column("submissions", "school_late")
    op.drop_index("ix_school_deadlines_tenant_state_due", table_name="school_deadlines")
    op.drop_index(op.f("ix_school_deadlines_tenant_id"), table_name="school_deadlines")
    op.drop_index(op.f("ix_school_deadlines_submission_id"), table_name="school_deadlines")
    op.drop_index(op.f("ix_school_deadlines_case_id"), table_name="school_deadlines")
    op.drop_table("school_deadlines")
