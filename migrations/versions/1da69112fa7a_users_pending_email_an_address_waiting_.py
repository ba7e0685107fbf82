"""users.pending_email: an address waiting for its confirmation link

Revision ID: 1da69112fa7a
Revises: e35b565c7acb
Create Date: 2026-12-01 04:34:57.397218

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1da69112fa7a'
down_revision = 'e35b565c7acb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_email', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pending_email')
