"""the inbox's closed view as a partial index in the inbox's order

bench/run.py at 1,000,000 cases: the closed view sorted every closed submission of a council
(about 47,000 of stockport's 50,000) for each page of 25. Same columns as
ix_submissions_open_work (migration 0010), over the closed rows.

Revision ID: 0033
Revises: 0016
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0016"
branch_labels = None
depends_on = None

CLOSED = sa.text("status = 'closed'")


def upgrade() -> None:
    op.create_index("ix_submissions_closed_work", "submissions",
                    ["tenant_id", sa.text("urgent DESC"), "due_on", "received_at", "id"],
                    postgresql_where=CLOSED, sqlite_where=CLOSED)


def downgrade() -> None:
    op.drop_index("ix_submissions_closed_work", table_name="submissions")
