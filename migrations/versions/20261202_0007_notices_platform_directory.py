"""cross-border notices, platform administrators and the directory's contact addresses

A council's notices to other councils (outgoing_notices) with the answers they got
(notice_replies) and, for a council not on the portal, the one-time-code links emailed to it
(notice_links); in the receiving council, the link from a notice that arrived to the submission
it became (incoming_notices). Platform administrators and their server-side sessions; the
directory's editable CME contact addresses and the history of their changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('platform_admins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_admins')),
    sa.UniqueConstraint('email', name=op.f('uq_platform_admins_email'))
    )
    op.create_table('directory_contact_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('la_code', sa.String(length=3), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=True),
    sa.Column('old_email', sa.String(length=254), nullable=True),
    sa.Column('new_email', sa.String(length=254), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['admin_id'], ['platform_admins.id'], name=op.f('fk_directory_contact_changes_admin_id_platform_admins')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_contact_changes'))
    )
    with op.batch_alter_table('directory_contact_changes', schema=None) as batch_op:
        batch_op.create_index('ix_directory_contact_changes_code_at', ['la_code', 'at'], unique=False)

    op.create_table('directory_contacts',
    sa.Column('la_code', sa.String(length=3), nullable=False),
    sa.Column('cme_email', sa.String(length=254), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['platform_admins.id'], name=op.f('fk_directory_contacts_updated_by_id_platform_admins')),
    sa.PrimaryKeyConstraint('la_code', name=op.f('pk_directory_contacts'))
    )
    op.create_table('platform_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('admin_id', sa.Integer(), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_agent_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['platform_admins.id'], name=op.f('fk_platform_sessions_admin_id_platform_admins'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_sessions'))
    )
    with op.batch_alter_table('platform_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_sessions_admin_id'), ['admin_id'], unique=False)

    op.create_table('outgoing_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('to_la_code', sa.String(length=3), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=True),
    sa.Column('direction', sa.String(length=32), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('reply_by', sa.Date(), nullable=True),
    sa.Column('send_token', sa.String(length=64), nullable=True),
    sa.Column('receiver_tenant_id', sa.Integer(), nullable=True),
    sa.Column('receiver_reference', sa.String(length=20), nullable=True),
    sa.Column('receiver_notice_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=200), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(length=16), nullable=True),
    sa.Column('last_answer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("answer IS NULL OR answer IN ('found_on_roll', 'ehe', 'not_known', 'still_looking')", name=op.f('ck_outgoing_notices_answer')),
    sa.CheckConstraint("channel IN ('portal', 'email')", name=op.f('ck_outgoing_notices_channel')),
    sa.CheckConstraint("direction IN ('moved_into_your_area', 'moved_out_of_your_area', 'confirm_on_roll_or_ehe')", name=op.f('ck_outgoing_notices_direction')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outgoing_notices_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receiver_tenant_id'], ['tenants.id'], name=op.f('fk_outgoing_notices_receiver_tenant_id_tenants')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['staff_users.id'], name=op.f('fk_outgoing_notices_sent_by_id_staff_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_outgoing_notices_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_notices')),
    sa.UniqueConstraint('reference', name=op.f('uq_outgoing_notices_reference')),
    sa.UniqueConstraint('send_token', name=op.f('uq_outgoing_notices_send_token'))
    )
    with op.batch_alter_table('outgoing_notices', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_notices_tenant_case', ['tenant_id', 'case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_notices_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_outgoing_notices_tenant_reply', ['tenant_id', 'answered_at', 'reply_by'], unique=False)

    op.create_table('incoming_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('from_tenant_id', sa.Integer(), nullable=False),
    sa.Column('from_notice_id', sa.Integer(), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('from_reference', sa.String(length=20), nullable=False),
    sa.Column('reply_by', sa.Date(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(length=16), nullable=True),
    sa.Column('last_answer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("answer IS NULL OR answer IN ('found_on_roll', 'ehe', 'not_known', 'still_looking')", name=op.f('ck_incoming_notices_answer')),
    sa.ForeignKeyConstraint(['from_tenant_id'], ['tenants.id'], name=op.f('fk_incoming_notices_from_tenant_id_tenants')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_incoming_notices_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_incoming_notices_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_notices')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_incoming_notices_submission_id'))
    )
    with op.batch_alter_table('incoming_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incoming_notices_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('notice_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('codes_sent', sa.Integer(), nullable=False),
    sa.Column('failed_tries', sa.Integer(), nullable=False),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('access_hash', sa.String(length=64), nullable=True),
    sa.Column('access_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('openings', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['outgoing_notices.id'], name=op.f('fk_notice_links_notice_id_outgoing_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['staff_users.id'], name=op.f('fk_notice_links_revoked_by_id_staff_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_notice_links_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_notice_links_token_hash'))
    )
    with op.batch_alter_table('notice_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_links_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_notice_links_tenant_notice', ['tenant_id', 'notice_id'], unique=False)

    op.create_table('notice_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('school_name', sa.String(length=200), nullable=True),
    sa.Column('school_laestab', sa.String(length=7), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('by_name', sa.String(length=200), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("answer IN ('found_on_roll', 'ehe', 'not_known', 'still_looking')", name=op.f('ck_notice_replies_answer')),
    sa.CheckConstraint("via IN ('portal', 'link')", name=op.f('ck_notice_replies_via')),
    sa.ForeignKeyConstraint(['notice_id'], ['outgoing_notices.id'], name=op.f('fk_notice_replies_notice_id_outgoing_notices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_notice_replies_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_replies'))
    )
    with op.batch_alter_table('notice_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_replies_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_notice_replies_tenant_notice', ['tenant_id', 'notice_id', 'at'], unique=False)



def downgrade():
    with op.batch_alter_table('notice_replies', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_replies_tenant_notice')
        batch_op.drop_index(batch_op.f('ix_notice_replies_tenant_id'))

    op.drop_table('notice_replies')
    with op.batch_alter_table('notice_links', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_links_tenant_notice')
        batch_op.drop_index(batch_op.f('ix_notice_links_tenant_id'))

    op.drop_table('notice_links')
    with op.batch_alter_table('incoming_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incoming_notices_tenant_id'))

    op.drop_table('incoming_notices')
    with op.batch_alter_table('outgoing_notices', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_notices_tenant_reply')
        batch_op.drop_index(batch_op.f('ix_outgoing_notices_tenant_id'))
        batch_op.drop_index('ix_outgoing_notices_tenant_case')

    op.drop_table('outgoing_notices')
    with op.batch_alter_table('platform_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_sessions_admin_id'))

    op.drop_table('platform_sessions')
    op.drop_table('directory_contacts')
    with op.batch_alter_table('directory_contact_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_directory_contact_changes_code_at')

    op.drop_table('directory_contact_changes')
    op.drop_table('platform_admins')
