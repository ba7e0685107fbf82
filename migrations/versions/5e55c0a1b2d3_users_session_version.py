"""users.session_version: raising it ends every login session of the user (logout, password change, disabling,
an admin's "log out everywhere")

Revision ID: 5e55c0a1b2d3
Revises: 1da69112fa7a
Create Date: 2026-12-01 04:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e55c0a1b2d3'
down_revision = '1da69112fa7a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
