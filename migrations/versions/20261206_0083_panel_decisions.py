"""a panel's decision on a case at one meeting (portal/casework/panels.py)

Revision ID: 0083
Revises: 0080
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0083"
down_revision = "0080"
branch_labels = None
depends_on = None


def _fk(column: str, target: str, **kw):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_panel_decisions_{column}_{target}"), **kw)


def upgrade() -> None:
    op.create_table(
        "panel_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("panel_key", sa.String(length=64), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        _fk("case_id", "cases", ondelete="CASCADE"),
        _fk("decided_by_id", "staff_users"),
        _fk("tenant_id", "tenants", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_decisions")),
        sa.UniqueConstraint("tenant_id", "panel_key", "meeting_on", "case_id",
                            name="uq_panel_decisions_meeting_case"),
    )
    op.create_index(op.f("ix_panel_decisions_tenant_id"), "panel_decisions", ["tenant_id"])
    op.create_index("ix_panel_decisions_tenant_panel_case", "panel_decisions",
                    ["tenant_id", "panel_key", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_panel_decisions_tenant_panel_case", table_name="panel_decisions")
    op.drop_index(op.f("ix_panel_decisions_tenant_id"), table_name="panel_decisions")
    op.drop_table("panel_decisions")
