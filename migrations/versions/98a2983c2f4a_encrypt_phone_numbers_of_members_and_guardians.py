"""encrypt the phone numbers of household members and of minors' guardians at rest (never looked up: no blind index)

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

COLUMNS = [('household_members', 'phone', True), ('volunteer_profiles', 'guardian_phone', True),
           ('enrolments', 'guardian_phone', False)]  # (table, column, nullable)


def _rewrite(table_name, column, change):
    table = sa.table(table_name, sa.column('id', sa.Integer), sa.column(column, sa.String))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table.c.id, table.c[column]).where(table.c[column].is_not(None))).all():
        bind.execute(sa.update(table).where(table.c.id == row.id).values({column: change(row[1])}))


def upgrade():
    for table_name, column, nullable in COLUMNS:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.VARCHAR(length=20), type_=sa.String(length=255),
                                  existing_nullable=nullable)
        _rewrite(table_name, column, encrypt)


def downgrade():
    for table_name, column, nullable in COLUMNS:
        _rewrite(table_name, column, decrypt)
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=255), type_=sa.VARCHAR(length=20),
                                  existing_nullable=nullable)
