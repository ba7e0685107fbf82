"""promotion offers and no-shows: a sign-up may be offered (held until offer_expires_at) or a no-show; an event
may ask promoted volunteers to confirm within promotion_confirm_hours; a session remembers when its no-shows were
recorded

Revision ID: e18080678bc8
Revises: 650ab8f6d92d
Create Date: 2026-12-01 08:31:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e18080678bc8'
down_revision = '650ab8f6d92d'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('confirmed', 'waitlisted', 'cancelled')"
NEW_STATUSES = "status IN ('confirmed', 'waitlisted', 'cancelled', 'offered', 'no_show')"


def upgrade():
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_shows_recorded_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('promotion_confirm_hours', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_events_promotion_confirm_hours'),
            'promotion_confirm_hours IS NULL OR promotion_confirm_hours > 0',
        )

    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_signups_offer_expires_at'), ['offer_expires_at'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_signups_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_signups_status'), NEW_STATUSES)


def downgrade():
    # Offers and no-shows have no older meaning: an offer goes back to the waitlist, a no-show stays a place.
    op.execute("UPDATE signups SET status = 'waitlisted' WHERE status = 'offered'")
    op.execute("UPDATE signups SET status = 'confirmed' WHERE status = 'no_show'")
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_signups_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_signups_status'), OLD_STATUSES)
        batch_op.drop_index(batch_op.f('ix_signups_offer_expires_at'))
        batch_op.drop_column('offer_expires_at')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_events_promotion_confirm_hours'), type_='check')
        batch_op.drop_column('promotion_confirm_hours')

    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.drop_column('no_shows_recorded_at')
