"""merge events, social work and the notification outbox

Revision ID: 63ae57555319
Revises: 1bc0e0642220, c280f253f869, eac5885cd2d5
Create Date: 2026-11-25 14:29:24.854494

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '63ae57555319'
down_revision = ('1bc0e0642220', 'c280f253f869', 'eac5885cd2d5')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
