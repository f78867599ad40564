"""back-office casework, audit and single sign-on identities

Cases, their activities and enquiries, the name keys a fuzzy search looks up, the audit trail,
officers' OpenID Connect identities; submissions gain acknowledgement, allocation, a case and a
deadline; the outbox gains two kinds of email.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

OLD_KINDS = ("acknowledgement", "team_notification", "urgent_alert", "other")
NEW_KINDS = ("acknowledgement", "team_notification", "urgent_alert", "case_acknowledgement",
             "notice", "other")


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _outbox_kinds(kinds) -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(op.f("ck_outbox_messages_kind"), type_="check")
        batch.create_check_constraint("kind", _kinds(kinds))

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('what', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("action IN ('view', 'change', 'export', 'search')", name=op.f('ck_audit_events_action')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_audit_events_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], name=op.f('fk_audit_events_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_audit_events_tenant_object', ['tenant_id', 'object_type', 'object_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_events_tenant_user_at', ['tenant_id', 'user_id', 'at'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('child_first_name', sa.String(length=200), nullable=True),
    sa.Column('child_last_name', sa.String(length=200), nullable=True),
    sa.Column('child_dob', sa.Date(), nullable=True),
    sa.Column('upn', sa.String(length=13), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('team_key', sa.String(length=64), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('stage_key', sa.String(length=64), nullable=True),
    sa.Column('reason_code', sa.String(length=16), nullable=True),
    sa.Column('whereabouts_known', sa.Boolean(), nullable=True),
    sa.Column('outcome_key', sa.String(length=64), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_cases_status')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['staff_users.id'], name=op.f('fk_cases_closed_by_id_staff_users')),
    sa.ForeignKeyConstraint(['officer_id'], ['staff_users.id'], name=op.f('fk_cases_officer_id_staff_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['staff_users.id'], name=op.f('fk_cases_opened_by_id_staff_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_cases_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index('ix_cases_tenant_dob', ['tenant_id', 'child_dob'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_cases_tenant_status_due', ['tenant_id', 'status', 'next_due_on'], unique=False)
        batch_op.create_index('ix_cases_tenant_upn', ['tenant_id', 'upn'], unique=False)

    op.create_table('staff_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_staff_identities_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], name=op.f('fk_staff_identities_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_identities')),
    sa.UniqueConstraint('issuer', 'subject', name='uq_staff_identities_issuer_subject')
    )
    with op.batch_alter_table('staff_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_identities_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_identities_user_id'), ['user_id'], unique=False)

    op.create_table('enquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('checklist_key', sa.String(length=64), nullable=True),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('located', sa.Boolean(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_enquiries_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['made_by_id'], ['staff_users.id'], name=op.f('fk_enquiries_made_by_id_staff_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_enquiries_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiries'))
    )
    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.create_index('ix_enquiries_tenant_case', ['tenant_id', 'case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiries_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('submission', 'acknowledged', 'allocated', 'case_opened', 'joined', 'note', 'enquiry', 'stage', 'outcome', 'reopened', 'email', 'notice', 'details')", name=op.f('ck_activities_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_users.id'], name=op.f('fk_activities_actor_id_staff_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_activities_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_activities_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_activities_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_tenant_case_at', ['tenant_id', 'case_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_activities_tenant_submission_at', ['tenant_id', 'submission_id', 'at'], unique=False)

    op.create_table('name_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=16), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_name_keys_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_name_keys_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_name_keys'))
    )
    with op.batch_alter_table('name_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_name_keys_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_name_keys_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_name_keys_tenant_key', ['tenant_id', 'key'], unique=False)

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('officer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index('ix_submissions_tenant_inbox', ['tenant_id', 'status', 'urgent', 'due_on'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_submissions_acknowledged_by_id_staff_users'), 'staff_users', ['acknowledged_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_submissions_officer_id_staff_users'), 'staff_users', ['officer_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_submissions_case_id_cases'), 'cases', ['case_id'], ['id'])

    _outbox_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE kind IN ('case_acknowledgement', 'notice')")
    _outbox_kinds(OLD_KINDS)
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_submissions_case_id_cases'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_submissions_officer_id_staff_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_submissions_acknowledged_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_index('ix_submissions_tenant_inbox')
        batch_op.drop_index(batch_op.f('ix_submissions_officer_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_case_id'))
        batch_op.drop_column('due_on')
        batch_op.drop_column('case_id')
        batch_op.drop_column('allocated_at')
        batch_op.drop_column('officer_id')
        batch_op.drop_column('acknowledged_by_id')
        batch_op.drop_column('acknowledged_at')

    with op.batch_alter_table('name_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_name_keys_tenant_key')
        batch_op.drop_index(batch_op.f('ix_name_keys_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_name_keys_submission_id'))

    op.drop_table('name_keys')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_tenant_submission_at')
        batch_op.drop_index(batch_op.f('ix_activities_tenant_id'))
        batch_op.drop_index('ix_activities_tenant_case_at')

    op.drop_table('activities')
    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enquiries_tenant_id'))
        batch_op.drop_index('ix_enquiries_tenant_case')

    op.drop_table('enquiries')
    with op.batch_alter_table('staff_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_identities_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_identities_tenant_id'))

    op.drop_table('staff_identities')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_tenant_upn')
        batch_op.drop_index('ix_cases_tenant_status_due')
        batch_op.drop_index(batch_op.f('ix_cases_tenant_id'))
        batch_op.drop_index('ix_cases_tenant_dob')
        batch_op.drop_index(batch_op.f('ix_cases_officer_id'))

    op.drop_table('cases')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_tenant_user_at')
        batch_op.drop_index('ix_audit_events_tenant_object')
        batch_op.drop_index(batch_op.f('ix_audit_events_tenant_id'))

    op.drop_table('audit_events')
