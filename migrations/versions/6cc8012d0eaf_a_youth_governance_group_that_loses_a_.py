"""a youth governance group that loses a member it needs becomes incomplete: youth_groups.status may be
'incomplete' (downgrade turns incomplete groups back to forming, the status before activation)

Revision ID: 6cc8012d0eaf
Revises: 98a2983c2f4a
Create Date: 2026-12-01 04:32:22.861519

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6cc8012d0eaf'
down_revision = '98a2983c2f4a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('youth_groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_youth_groups_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_youth_groups_status'), "status IN ('forming', 'active', 'incomplete')")


def downgrade():
    op.execute("UPDATE youth_groups SET status = 'forming' WHERE status = 'incomplete'")
    with op.batch_alter_table('youth_groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_youth_groups_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_youth_groups_status'), "status IN ('forming', 'active')")
