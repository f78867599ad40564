"""the inbox's open work as partial indexes in the inbox's order

bench/backoffice_scale.py on 1,000,000 cases: the inbox sorted every open row of a council on
coalesce(submission, case deadline) after a join (12-20 ms of the database's time a page).
The deadline is now kept on the submission, and a page is an index range read.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'acknowledged')")


def upgrade() -> None:
    op.create_index("ix_submissions_open_work", "submissions",
                    ["tenant_id", sa.text("urgent DESC"), "due_on",
                     "received_at", "id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index("ix_submissions_open_work_officer", "submissions",
                    ["tenant_id", "officer_id", sa.text("urgent DESC"),
                     "due_on", "received_at", "id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    # Submissions in a case now carry the case's next deadline themselves.
    op.execute("UPDATE submissions SET due_on = (SELECT cases.next_due_on FROM cases "
               "WHERE cases.id = submissions.case_id) WHERE case_id IS NOT NULL "
               "AND status IN ('new', 'acknowledged') AND acknowledged_at IS NOT NULL "
               "AND officer_id IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_submissions_open_work_officer", table_name="submissions")
    op.drop_index("ix_submissions_open_work", table_name="submissions")
