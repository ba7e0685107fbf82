"""The needs workflow as plain functions that the pages, the API, the CLI, seeds and jobs all call."""

from volunteer_app.needs.services.boards import (  # noqa: F401
    NeedFigures,
    board_communities,
    needs_figures,
    overdue_needs,
)
from volunteer_app.needs.services.common import (  # noqa: F401
    add_working_days,
    by_tracking_number,
    change_status,
    deadline_days,
    find_need,
    followed,
    new_tracking_number,
    normalise_tracking_number,
)
from volunteer_app.needs.services.dispatch import Assignment, assign, assign_need  # noqa: F401
from volunteer_app.needs.services.raising import NeedInput, check_need_input, create_need  # noqa: F401
from volunteer_app.needs.services.rating import (  # noqa: F401
    rate_by_tracking_number,
    rating_of,
    record_rating,
)
