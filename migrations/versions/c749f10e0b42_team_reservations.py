"""team reservations: places of a role a team holds until a fill-by time, and the sign-ups filling them

Revision ID: c749f10e0b42
Revises: 2a3ac2cab9f6
Create Date: 2026-12-01 10:19:44.670412

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c749f10e0b42'
down_revision = '2a3ac2cab9f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('role_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('fill_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('places > 0', name=op.f('ck_role_reservations_places')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_role_reservations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_role_reservations_released_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['role_id'], ['event_roles.id'], name=op.f('fk_role_reservations_role_id_event_roles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_role_reservations_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_reservations'))
    )
    with op.batch_alter_table('role_reservations', schema=None) as batch_op:
        batch_op.create_index('ix_role_reservations_released_at_fill_by', ['released_at', 'fill_by'], unique=False)
        batch_op.create_index('ix_role_reservations_role_released_at', ['role_id', 'released_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_reservations_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reservation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_signups_reservation_id'), ['reservation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_signups_reservation_id_role_reservations'), 'role_reservations', ['reservation_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signups_reservation_id_role_reservations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_signups_reservation_id'))
        batch_op.drop_column('reservation_id')

    with op.batch_alter_table('role_reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_reservations_team_id'))
        batch_op.drop_index('ix_role_reservations_role_released_at')
        batch_op.drop_index('ix_role_reservations_released_at_fill_by')

    op.drop_table('role_reservations')
