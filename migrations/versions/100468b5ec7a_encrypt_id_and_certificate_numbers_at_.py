"""encrypt ID and certificate numbers at rest: Fernet tokens in the columns, a blind index (HMAC) to look them up

Revision ID: 100468b5ec7a
Revises: 499d42f97fc8
Create Date: 2026-11-25 16:06:25.116480

The existing numbers are encrypted in place with the keys of the app running the migration (DATA_ENCRYPTION_KEYS
and BLIND_INDEX_KEY, or those in instance/); downgrading decrypts them again.
"""
from alembic import op
import sqlalchemy as sa

from volunteer_app.core.crypto import blind_index, decrypt, encrypt


# revision identifiers, used by Alembic.
revision = '100468b5ec7a'
down_revision = '499d42f97fc8'
branch_labels = None
depends_on = None

profiles = sa.table('volunteer_profiles', sa.column('id', sa.Integer), sa.column('id_number', sa.String),
                    sa.column('id_number_digest', sa.String))
members = sa.table('household_members', sa.column('id', sa.Integer), sa.column('id_number', sa.String),
                   sa.column('id_number_digest', sa.String), sa.column('disability_certificate', sa.String))


def _convert(table, columns, change, with_digest):
    """Rewrites each row's `columns` through `change`; with_digest also sets the blind index of the ID number."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, *(table.c[name] for name in columns))).all()
    for row in rows:
        values = {name: None if getattr(row, name) is None else change(getattr(row, name)) for name in columns}
        if with_digest:
            values['id_number_digest'] = blind_index(row.id_number)
        bind.execute(sa.update(table).where(table.c.id == row.id).values(**values))


def upgrade():
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number_digest', sa.String(length=64), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_household_members_id_number_length'), type_='check')
        batch_op.drop_index(batch_op.f('ix_household_members_id_number'))
        batch_op.alter_column('id_number', existing_type=sa.VARCHAR(length=18), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.alter_column('disability_certificate', existing_type=sa.VARCHAR(length=40),
                              type_=sa.String(length=255), existing_nullable=True)

    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number_digest', sa.String(length=64), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_volunteer_profiles_id_number_length'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_volunteer_profiles_id_number'), type_='unique')
        batch_op.alter_column('id_number', existing_type=sa.VARCHAR(length=18), type_=sa.String(length=255),
                              existing_nullable=False)

    _convert(members, ['id_number', 'disability_certificate'], encrypt, with_digest=True)
    _convert(profiles, ['id_number'], encrypt, with_digest=True)

    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_members_id_number_digest'), ['id_number_digest'], unique=False)

    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.alter_column('id_number_digest', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_volunteer_profiles_id_number_digest'), ['id_number_digest'])


def downgrade():
    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_volunteer_profiles_id_number_digest'), type_='unique')
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_members_id_number_digest'))

    _convert(profiles, ['id_number'], decrypt, with_digest=False)
    _convert(members, ['id_number', 'disability_certificate'], decrypt, with_digest=False)

    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.alter_column('id_number', existing_type=sa.String(length=255), type_=sa.VARCHAR(length=18),
                              existing_nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_volunteer_profiles_id_number'), ['id_number'])
        batch_op.create_check_constraint(batch_op.f('ck_volunteer_profiles_id_number_length'), 'length(id_number) = 18')
        batch_op.drop_column('id_number_digest')

    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.alter_column('disability_certificate', existing_type=sa.String(length=255),
                              type_=sa.VARCHAR(length=40), existing_nullable=True)
        batch_op.alter_column('id_number', existing_type=sa.String(length=255), type_=sa.VARCHAR(length=18),
                              existing_nullable=True)
        batch_op.create_check_constraint(batch_op.f('ck_household_members_id_number_length'),
                                         'id_number IS NULL OR length(id_number) = 18')
        batch_op.create_index(batch_op.f('ix_household_members_id_number'), ['id_number'], unique=False)
        batch_op.drop_column('id_number_digest')
