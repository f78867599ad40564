"""indexes for search at a million cases: name keys cover the submission id; postcodes

Measured with bench/backoffice_scale.py on 1,000,000 rows: a one-word name search read the
table for every key hit (130-250 ms) and a postcode search scanned (about 1 s).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_name_keys_tenant_key", table_name="name_keys")
    op.create_index("ix_name_keys_tenant_key", "name_keys", ["tenant_id", "key", "submission_id"])
    op.create_index("ix_submissions_tenant_postcode", "submissions", ["tenant_id", "postcode"])
    op.create_index("ix_cases_tenant_postcode", "cases", ["tenant_id", "postcode"])


def downgrade() -> None:
    op.drop_index("ix_cases_tenant_postcode", table_name="cases")
    op.drop_index("ix_submissions_tenant_postcode", table_name="submissions")
    op.drop_index("ix_name_keys_tenant_key", table_name="name_keys")
    op.create_index("ix_name_keys_tenant_key", "name_keys", ["tenant_id", "key"])
