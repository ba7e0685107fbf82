"""one service certificate per state of a record

Revision ID: 847e76f098b1
Revises: e2dc01606c61
Create Date: 2026-12-01 13:50:15.537579

Two prints at once could mint two certificates of the same state of someone's record (the newest ledger entry it
counts, hours, stars, issuer). A unique index now refuses the second. Twins minted before it are kept, as their
paper may be out there and must still verify: all but the first of each state are marked `duplicate` and left out
of the index.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '847e76f098b1'
down_revision = 'e2dc01606c61'
branch_labels = None
depends_on = None

STATE = ('volunteer_id', 'through_entry_id', 'minutes', 'stars', 'issuer')


def _mark_twins():
    table = sa.table('service_certificates', sa.column('id', sa.Integer), sa.column('duplicate', sa.Boolean),
                     *(sa.column(name) for name in STATE))
    first = (sa.select(sa.func.min(table.c.id)).where(table.c.volunteer_id.is_not(None))
             .group_by(*(table.c[name] for name in STATE)))
    op.get_bind().execute(
        sa.update(table).where(table.c.volunteer_id.is_not(None), table.c.id.not_in(first)).values(duplicate=True)
    )


def upgrade():
    with op.batch_alter_table('service_certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate', sa.Boolean(), server_default=sa.false(), nullable=False))
    _mark_twins()
    with op.batch_alter_table('service_certificates', schema=None) as batch_op:
        batch_op.create_index('uq_service_certificates_record_state', list(STATE), unique=True,
                              sqlite_where=sa.text('NOT duplicate'), postgresql_where=sa.text('NOT duplicate'))


def downgrade():
    with op.batch_alter_table('service_certificates', schema=None) as batch_op:
        batch_op.drop_index('uq_service_certificates_record_state', sqlite_where=sa.text('NOT duplicate'),
                            postgresql_where=sa.text('NOT duplicate'))
        batch_op.drop_column('duplicate')
