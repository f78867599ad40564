"""lost children stay open cases (lost_on, the next re-check, an outcome waiting for another
council's acknowledgement); the conditions of a deletion recorded by officers

Revision ID: 0012
Revises: 0025
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0025"
branch_labels = None
depends_on = None

OLD_KINDS = ("submission", "acknowledged", "allocated", "case_opened", "joined", "note",
             "enquiry", "stage", "outcome", "reopened", "email", "notice", "details",
             "letter", "task", "panel", "message", "professional")  # as 0015 left them
NEW_KINDS = OLD_KINDS + ("deletion",)


def _activity_kinds(kinds) -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_constraint(op.f("ck_activities_kind"), type_="check")
        batch.create_check_constraint("kind", "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")")


def upgrade() -> None:
    _activity_kinds(NEW_KINDS)
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("lost_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("recheck_due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("pending_outcome_key", sa.String(length=64), nullable=True))
    op.create_table(
        "deletion_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("condition", sa.String(length=40), nullable=False),
        sa.Column("party", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff_users.id"],
                                name=op.f("fk_deletion_records_recorded_by_id_staff_users")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE",
                                name=op.f("fk_deletion_records_submission_id_submissions")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="RESTRICT",
                                name=op.f("fk_deletion_records_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deletion_records")),
    )
    with op.batch_alter_table("deletion_records") as batch:
        batch.create_index("ix_deletion_records_tenant_submission",
                           ["tenant_id", "submission_id"], unique=False)
        batch.create_index(batch.f("ix_deletion_records_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deletion_records") as batch:
        batch.drop_index(batch.f("ix_deletion_records_tenant_id"))
        batch.drop_index("ix_deletion_records_tenant_submission")
    op.drop_table("deletion_records")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("pending_outcome_key")
        batch.drop_column("recheck_due_on")
        batch.drop_column("lost_on")
    op.execute("DELETE FROM activities WHERE kind = 'deletion'")
    _activity_kinds(OLD_KINDS)
