"""find cover: who was asked to cover a role short of people, once per role and volunteer

Revision ID: 80272d5a1688
Revises: 01b49dc09969
Create Date: 2026-12-01 08:52:54.847486

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '80272d5a1688'
down_revision = '01b49dc09969'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cover_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_cover_requests_asked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['role_id'], ['event_roles.id'], name=op.f('fk_cover_requests_role_id_event_roles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer_profiles.id'], name=op.f('fk_cover_requests_volunteer_id_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_requests')),
    sa.UniqueConstraint('role_id', 'volunteer_id', name='uq_cover_requests_role_volunteer')
    )
    with op.batch_alter_table('cover_requests', schema=None) as batch_op:
        batch_op.create_index('ix_cover_requests_volunteer_asked_at', ['volunteer_id', 'asked_at'], unique=False)



def downgrade():
    with op.batch_alter_table('cover_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_cover_requests_volunteer_asked_at')

    op.drop_table('cover_requests')
