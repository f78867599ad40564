"""school returns: a statutory return of many pupils (each pupil a submission pointing back to
it) and the reminders sent to schools that had not sent one

Revision ID: 0022
Revises: 0029
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("submission_token", sa.String(length=64), nullable=False),
        sa.Column("form_slug", sa.String(length=40), nullable=False),
        sa.Column("school_laestab", sa.String(length=7), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=True),
        sa.Column("sender_email", sa.String(length=254), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_key", sa.String(length=20), nullable=True),
        sa.Column("pupil_count", sa.Integer(), nullable=False),
        sa.Column("exempt_rows", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_school_returns_tenant_id_tenants"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_returns")),
        sa.UniqueConstraint("reference", name=op.f("uq_school_returns_reference")),
        sa.UniqueConstraint("submission_token", name=op.f("uq_school_returns_submission_token")),
    )
    op.create_index("ix_school_returns_tenant_school", "school_returns",
                    ["tenant_id", "form_slug", "school_laestab", "period_key"])
    op.create_index(op.f("ix_school_returns_tenant_id"), "school_returns", ["tenant_id"])
    op.create_table(
        "return_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_slug", sa.String(length=40), nullable=False),
        sa.Column("school_laestab", sa.String(length=7), nullable=False),
        sa.Column("period_key", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_return_reminders_tenant_id_tenants"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_reminders")),
        sa.UniqueConstraint("tenant_id", "form_slug", "school_laestab", "period_key",
                            name="uq_return_reminders_once"),
    )
    op.create_index(op.f("ix_return_reminders_tenant_id"), "return_reminders", ["tenant_id"])
    # A plain ADD COLUMN ... REFERENCES (no table rebuild on SQLite, so the partial inbox
    # indexes stay as they are).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE submissions ADD COLUMN return_id INTEGER "
                   "CONSTRAINT fk_submissions_return_id_school_returns "
                   "REFERENCES school_returns (id)")
    else:
        op.add_column("submissions", sa.Column("return_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_submissions_return_id_school_returns"), "submissions",
                              "school_returns", ["return_id"], ["id"])
    op.create_index(op.f("ix_submissions_return_id"), "submissions", ["return_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_submissions_return_id_school_returns"), "submissions",
                           type_="foreignkey")
    op.drop_index(op.f("ix_submissions_return_id"), table_name="submissions")
    op.execute("UPDATE submissions SET return_id = NULL")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE submissions DROP COLUMN return_id")  # SQLite 3.35+
    else:
        op.drop_column("submissions", "return_id")
    op.drop_index(op.f("ix_return_reminders_tenant_id"), table_name="return_reminders")
    op.drop_table("return_reminders")
    op.drop_index(op.f("ix_school_returns_tenant_id"), table_name="school_returns")
    op.drop_index("ix_school_returns_tenant_school", table_name="school_returns")
    op.drop_table("school_returns")
