"""re-key every submission's child's name for the new name matching

The name keys (name_keys.key) now also hold each word's published other spelling (Eefa is
keyed as Aoife too), a surname's man's form (Kowalska as Kowalski) and the keys of a name in
another script written in Latin letters (Мария as Mariya). Rows keyed before would not be
found by those searches, so every submission is keyed again, council by council
(portal.casework.names.rekey_names; `flask names rekey` does the same at any time).

Downgrade changes no schema and leaves the keys as they are: the older code finds rows by
keys that are still among them; run `flask names rekey` with that code to store exactly its
keys.

Revision ID: 0035
Revises: 0022
Create Date: 2026-12-04
"""
from alembic import op

revision = "0035"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from portal.casework.names import rekey_names

    rekey_names(op.get_bind())


def downgrade() -> None:
    pass
