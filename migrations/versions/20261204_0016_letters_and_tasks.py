"""letters to a family from a case, with their reply deadline, and a case's tasks

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, **kw):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), **kw)


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("template_key", sa.String(length=64), nullable=False),
        sa.Column("languages", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_how", sa.String(length=8), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("reply_by", sa.Date(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply_note", sa.Text(), nullable=True),
        sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _fk("letters", "case_id", "cases", ondelete="CASCADE"),
        _fk("letters", "created_by_id", "staff_users"),
        _fk("letters", "sent_by_id", "staff_users"),
        _fk("letters", "tenant_id", "tenants", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
    )
    op.create_index(op.f("ix_letters_tenant_id"), "letters", ["tenant_id"])
    op.create_index("ix_letters_tenant_case", "letters", ["tenant_id", "case_id"])
    op.create_index("ix_letters_tenant_waiting", "letters",
                    ["tenant_id", "replied_at", "followed_up_at", "reply_by"])
    op.create_table(
        "case_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_cy", sa.String(length=200), nullable=True),
        sa.Column("team_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _fk("case_tasks", "case_id", "cases", ondelete="CASCADE"),
        _fk("case_tasks", "letter_id", "letters", ondelete="SET NULL"),
        _fk("case_tasks", "done_by_id", "staff_users"),
        _fk("case_tasks", "tenant_id", "tenants", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tasks")),
    )
    op.create_index(op.f("ix_case_tasks_tenant_id"), "case_tasks", ["tenant_id"])
    op.create_index("ix_case_tasks_tenant_case", "case_tasks", ["tenant_id", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_tasks_tenant_case", table_name="case_tasks")
    op.drop_index(op.f("ix_case_tasks_tenant_id"), table_name="case_tasks")
    op.drop_table("case_tasks")
    op.drop_index("ix_letters_tenant_waiting", table_name="letters")
    op.drop_index("ix_letters_tenant_case", table_name="letters")
    op.drop_index(op.f("ix_letters_tenant_id"), table_name="letters")
    op.drop_table("letters")
