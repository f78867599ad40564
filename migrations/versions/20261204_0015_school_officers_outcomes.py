"""named officers per school (the table and its history), a submission's allocation by the
school and the outcome its case reached, a case's social worker or lead professional; the
outbox and the timeline gain their kinds

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None

OLD_OUTBOX = ("acknowledgement", "team_notification", "urgent_alert", "case_acknowledgement",
              "notice", "other")
NEW_OUTBOX = OLD_OUTBOX + ("officer_allocation", "referrer_outcome", "secure_message")
OLD_ACTIVITY = ("submission", "acknowledged", "allocated", "case_opened", "joined", "note",
                "enquiry", "stage", "outcome", "reopened", "email", "notice", "details")
NEW_ACTIVITY = OLD_ACTIVITY + ("letter", "task", "panel", "message", "professional")


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
    op.create_table(
        "school_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("laestab", sa.String(length=7), nullable=False),
        sa.Column("urn", sa.String(length=8), nullable=True),
        sa.Column("school_name", sa.String(length=200), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("team_key", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["staff_users.id"],
                                name=op.f("fk_school_officers_officer_id_staff_users")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff_users.id"],
                                name=op.f("fk_school_officers_updated_by_id_staff_users")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="RESTRICT",
                                name=op.f("fk_school_officers_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_officers")),
        sa.UniqueConstraint("tenant_id", "laestab", name="uq_school_officers_laestab"),
    )
    op.create_index(op.f("ix_school_officers_tenant_id"), "school_officers", ["tenant_id"])
    op.create_table(
        "school_officer_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("laestab", sa.String(length=7), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("old_officer_id", sa.Integer(), nullable=True),
        sa.Column("new_officer_id", sa.Integer(), nullable=True),
        sa.Column("old_team_key", sa.String(length=64), nullable=True),
        sa.Column("new_team_key", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("offer", sa.String(length=8), nullable=True),
        sa.Column("offer_settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["staff_users.id"],
                                name=op.f("fk_school_officer_changes_by_id_staff_users")),
        sa.ForeignKeyConstraint(["old_officer_id"], ["staff_users.id"],
                                name=op.f("fk_school_officer_changes_old_officer_id_staff_users")),
        sa.ForeignKeyConstraint(["new_officer_id"], ["staff_users.id"],
                                name=op.f("fk_school_officer_changes_new_officer_id_staff_users")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="RESTRICT",
                                name=op.f("fk_school_officer_changes_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_officer_changes")),
    )
    op.create_index(op.f("ix_school_officer_changes_tenant_id"), "school_officer_changes",
                    ["tenant_id"])
    op.create_index("ix_school_officer_changes_tenant_school", "school_officer_changes",
                    ["tenant_id", "laestab", "at"])
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("allocated_by_school", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("outcome_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("professional_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("professional_role", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("professional_email", sa.String(length=254), nullable=True))
    _kinds(NEW_OUTBOX, NEW_ACTIVITY)


def downgrade() -> None:
    op.execute("DELETE FROM activities WHERE " + _in(NEW_ACTIVITY[len(OLD_ACTIVITY):]))
    op.execute("DELETE FROM outbox_messages WHERE " + _in(NEW_OUTBOX[len(OLD_OUTBOX):]))
    _kinds(OLD_OUTBOX, OLD_ACTIVITY)
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("professional_email")
        batch.drop_column("professional_role")
        batch.drop_column("professional_name")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("outcome_at")
        batch.drop_column("outcome_key")
        batch.drop_column("allocated_by_school")
    op.drop_index("ix_school_officer_changes_tenant_school", table_name="school_officer_changes")
    op.drop_index(op.f("ix_school_officer_changes_tenant_id"), table_name="school_officer_changes")
    op.drop_table("school_officer_changes")
    op.drop_index(op.f("ix_school_officers_tenant_id"), table_name="school_officers")
    op.drop_table("school_officers")
