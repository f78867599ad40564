"""the DfE return's items: a case's sex (since when the child has been missing is 0011's), the form that
opened it, the type of school left and the NHS number; the DfE's reason keys instead of our
CME01-20 and EHE01-19 numbering; statutory actions on cases (s.437(1) notices, school
attendance orders, returns to school); finalised returns

Revision ID: 0025
Revises: 0035
Create Date: 2026-12-04
"""
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0035"
branch_labels = None
depends_on = None

CME = ["cme_moved_in_other_la", "cme_moved_in_other_country", "cme_application_awaiting",
       "cme_offered_not_accepted", "cme_waiting_start", "cme_not_preference",
       "cme_unsuitable_ehe", "cme_difficulty_access", "cme_dissatisfaction_general",
       "cme_dissatisfaction_send", "cme_mental_health", "cme_physical_health",
       "cme_parent_not_register", "cme_did_not_apply", "cme_challenging_sao",
       "cme_believed_moved_la", "cme_believed_moved_country", "cme_unknown", "cme_not_recorded",
       "cme_other"]
EHE = ["ehe_mental_health", "ehe_physical_health", "ehe_covid", "ehe_dissatisfaction_general",
       "ehe_dissatisfaction_send", "ehe_dissatisfaction_bullying", "ehe_lifestyle",
       "ehe_philosophical", "ehe_religious", "ehe_risk_exclusion", "ehe_permanent_exclusion",
       "ehe_not_preference", "ehe_difficulty_access", "ehe_offered_not_accepted",
       "ehe_did_not_apply", "ehe_school_suggestion", "ehe_other", "ehe_no_reason",
       "ehe_unknown"]
#: Our old numbering, in the DfE's order, to the keys.
CODES = {**{f"CME{n:02d}": key for n, key in enumerate(CME, 1)},
         **{f"EHE{n:02d}": key for n, key in enumerate(EHE, 1)}}
ACTION_KINDS = "kind IN ('section_437_notice', 'sao_issued', 'sao_revoked', 'returned_to_school')"

cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("reason_code", sa.String),
                 sa.column("opened_at", sa.DateTime), sa.column("child_sex", sa.String),
                 sa.column("missing_since", sa.Date), sa.column("opened_from_form", sa.String))
submissions = sa.table("submissions", sa.column("case_id", sa.Integer),
                       sa.column("form_slug", sa.String), sa.column("received_at", sa.DateTime),
                       sa.column("answers", sa.JSON))


def _day(value):
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _backfill() -> None:
    conn = op.get_bind()
    for old, new in CODES.items():
        conn.execute(cases.update().where(cases.c.reason_code == old).values(reason_code=new))
    opened = {row.id: row.opened_at for row in conn.execute(sa.select(cases.c.id, cases.c.opened_at))}
    found: dict[int, dict] = {}
    rows = conn.execute(sa.select(submissions.c.case_id, submissions.c.form_slug,
                                  submissions.c.answers)
                        .where(submissions.c.case_id.is_not(None))
                        .order_by(submissions.c.received_at))
    for case_id, form, answers in rows:
        answers = answers or {}
        seen = found.setdefault(case_id, {"form": form, "sex": None, "since": None})
        sex = answers.get("sex")
        if seen["sex"] is None and sex in ("female", "male"):
            seen["sex"] = sex
        for key in ("first_day_of_absence", "last_attendance"):
            day = _day(answers.get(key))
            if day is not None:
                if key == "last_attendance":
                    day += timedelta(days=1)
                seen["since"] = day if seen["since"] is None else min(seen["since"], day)
    for case_id, at in opened.items():
        seen = found.get(case_id, {"form": None, "sex": None, "since": None})
        day = at.date() if at is not None and hasattr(at, "date") else None
        since = min(d for d in (seen["since"], day) if d is not None) if (seen["since"] or day) else None
        conn.execute(cases.update().where(cases.c.id == case_id).values(
            child_sex=seen["sex"], opened_from_form=seen["form"]))
        conn.execute(cases.update().where(cases.c.id == case_id,
                                          cases.c.missing_since.is_(None))
                     .values(missing_since=since))  # 0011 added the column, not the days


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("reason_code", existing_type=sa.String(length=16),
                           type_=sa.String(length=64), existing_nullable=True)
        batch.add_column(sa.Column("child_sex", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("opened_from_form", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("previous_school_type", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("nhs_number", sa.String(length=10), nullable=True))
        batch.create_index("ix_cases_tenant_opened_at", ["tenant_id", "opened_at"], unique=False)
    from portal.tenancy import unscoped  # every council's rows, on purpose

    with unscoped():
        _backfill()

    op.create_table(
        "case_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(ACTION_KINDS, name=op.f("ck_case_actions_kind")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_actions_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff_users.id"],
                                name=op.f("fk_case_actions_recorded_by_id_staff_users")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_case_actions_tenant_id_tenants"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_actions")))
    with op.batch_alter_table("case_actions") as batch:
        batch.create_index(batch.f("ix_case_actions_tenant_id"), ["tenant_id"], unique=False)
        batch.create_index("ix_case_actions_tenant_kind_on", ["tenant_id", "kind", "taken_on"],
                           unique=False)
        batch.create_index("ix_case_actions_tenant_case", ["tenant_id", "case_id"], unique=False)

    op.create_table(
        "dfe_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("census_date", sa.Date(), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_by_id", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["finalised_by_id"], ["staff_users.id"],
                                name=op.f("fk_dfe_returns_finalised_by_id_staff_users")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f("fk_dfe_returns_tenant_id_tenants"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dfe_returns")))
    with op.batch_alter_table("dfe_returns") as batch:
        batch.create_index(batch.f("ix_dfe_returns_tenant_id"), ["tenant_id"], unique=False)
        batch.create_index("ix_dfe_returns_tenant_census", ["tenant_id", "census_date"],
                           unique=True)


def downgrade() -> None:
    op.drop_table("dfe_returns")
    op.drop_table("case_actions")
    conn = op.get_bind()
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_tenant_opened_at")
        batch.drop_column("nhs_number")
        batch.drop_column("previous_school_type")
        batch.drop_column("opened_from_form")
        batch.drop_column("child_sex")
    for old, new in CODES.items():  # an UPDATE reads no council data back
        conn.execute(cases.update().where(cases.c.reason_code == new).values(reason_code=old))
    conn.execute(cases.update().where(sa.func.length(cases.c.reason_code) > 16)
                 .values(reason_code=None))
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("reason_code", existing_type=sa.String(length=64),
                           type_=sa.String(length=16), existing_nullable=True)
