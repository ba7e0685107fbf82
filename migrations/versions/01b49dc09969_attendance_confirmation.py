"""attendance confirmation: an event may ask confirmed volunteers "still coming?" attendance_confirm_hours before
each session; a sign-up records when it was asked and when it answered "I'm coming"

Revision ID: 01b49dc09969
Revises: e18080678bc8
Create Date: 2026-12-01 08:45:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '01b49dc09969'
down_revision = 'e18080678bc8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_confirm_hours', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_events_attendance_confirm_hours'),
            'attendance_confirm_hours IS NULL OR attendance_confirm_hours > 0',
        )

    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_asked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attendance_confirmed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_column('attendance_confirmed_at')
        batch_op.drop_column('attendance_asked_at')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_events_attendance_confirm_hours'), type_='check')
        batch_op.drop_column('attendance_confirm_hours')
