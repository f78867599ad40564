"""councils and staff accounts

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("dfe_code", sa.String(length=3), nullable=False),
        sa.Column("nation", sa.String(length=16), nullable=False),
        sa.Column("reference_prefix", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenants_slug")),
        sa.UniqueConstraint("dfe_code", name=op.f("uq_tenants_dfe_code")),
        sa.UniqueConstraint("reference_prefix", name=op.f("uq_tenants_reference_prefix")),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="RESTRICT",
                                name=op.f("fk_staff_users_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("tenant_id", "email", name="uq_staff_users_tenant_email"),
    )
    op.create_index(op.f("ix_staff_users_tenant_id"), "staff_users", ["tenant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_users_tenant_id"), table_name="staff_users")
    op.drop_table("staff_users")
    op.drop_table("tenants")
