"""officer account set-up: a one-time link (its token's SHA-256 and expiry) and, between the
link's two steps, the chosen password and the authenticator secret waiting for a code

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("setup_token_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("setup_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("pending_password_hash", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pending_totp_secret", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_staff_users_setup_token_hash", ["setup_token_hash"])


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_constraint("uq_staff_users_setup_token_hash", type_="unique")
        batch.drop_column("pending_totp_secret")
        batch.drop_column("pending_password_hash")
        batch.drop_column("setup_expires_at")
        batch.drop_column("setup_token_hash")
