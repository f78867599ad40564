"""a case's first day out of education, for the council's own definition of CME

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("missing_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("missing_since")
