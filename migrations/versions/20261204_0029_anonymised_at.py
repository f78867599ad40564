"""when the retention job anonymised a submission or a case

Revision ID: 0029
Revises: 0015
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("anonymised_at")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("anonymised_at")
