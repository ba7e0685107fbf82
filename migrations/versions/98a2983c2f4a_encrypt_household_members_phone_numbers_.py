"""encrypt household members' phone numbers at rest (they are never looked up, so they need no blind index)

Revision ID: 98a2983c2f4a
Revises: 100468b5ec7a
Create Date: 2026-11-25 16:25:00

Existing numbers are encrypted in place with the running app's DATA_ENCRYPTION_KEYS; downgrading decrypts them.
"""
from alembic import op
import sqlalchemy as sa

from volunteer_app.core.crypto import decrypt, encrypt


# revision identifiers, used by Alembic.
revision = '98a2983c2f4a'
down_revision = '100468b5ec7a'
branch_labels = None
depends_on = None

members = sa.table('household_members', sa.column('id', sa.Integer), sa.column('phone', sa.String))


def _rewrite(change):
    bind = op.get_bind()
    for row in bind.execute(sa.select(members.c.id, members.c.phone).where(members.c.phone.is_not(None))).all():
        bind.execute(sa.update(members).where(members.c.id == row.id).values(phone=change(row.phone)))


def upgrade():
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.alter_column('phone', existing_type=sa.VARCHAR(length=20), type_=sa.String(length=255),
                              existing_nullable=True)
    _rewrite(encrypt)


def downgrade():
    _rewrite(decrypt)
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.alter_column('phone', existing_type=sa.String(length=255), type_=sa.VARCHAR(length=20),
                              existing_nullable=True)
