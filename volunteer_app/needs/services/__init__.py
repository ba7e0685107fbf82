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
    reaches,
)
from volunteer_app.needs.services.deadlines import SweepReport, deadline_sweep  # noqa: F401
from volunteer_app.needs.services.dispatch import (  # noqa: F401
    AssigneeFilter,
    AssigneeOptions,
    Assignment,
    Option,
    all_assignees,
    assign,
    assign_need,
    assignee_filter,
    assignee_options,
    search_assignees,
)
from volunteer_app.needs.services.events import default_event_title, needs_served_by, to_event  # noqa: F401
from volunteer_app.needs.services.handling import accept, close, decline, reply, start  # noqa: F401
from volunteer_app.needs.services.intake import (  # noqa: F401
    ON_BEHALF,
    household_consents_to_sharing,
    intake_communities,
    raise_for,
    raise_from_visit,
    raise_public,
    visit_in_scope,
    youth_groups_for,
)
from volunteer_app.needs.services.listing import (  # noqa: F401
    STATUS_GROUPS,
    NeedDetail,
    hours_toward,
    list_needs,
    list_with_counts,
    need_detail,
    open_count,
    status_counts,
)
from volunteer_app.needs.services.meetings import (  # noqa: F401
    PublicCommitment,
    PublicMeeting,
    answer,
    commit,
    create_meeting,
    get_meeting,
    list_meetings,
    list_questions,
    moderate,
    public_meeting,
    questions_open,
    submit_question,
    update_meeting,
)
from volunteer_app.needs.services.merging import merge, merge_target, reopen  # noqa: F401
from volunteer_app.needs.services.photos import open_photo  # noqa: F401
from volunteer_app.needs.services.raising import NeedInput, check_need_input, create_need  # noqa: F401
from volunteer_app.needs.services.rating import (  # noqa: F401
    rate_by_tracking_number,
    rating_of,
    record_rating,
)
from volunteer_app.needs.services.receptions import (  # noqa: F401
    Owner,
    ReceptionDay,
    StationSchedule,
    VisitorInput,
    VisitorLine,
    get_reception,
    list_receptions,
    list_schedules,
    open_reception,
    reception_dates,
    reception_day,
    record_visitor,
    set_on_duty,
    visitor_lines,
)
from volunteer_app.needs.services.tracking import PublicStatus, public_status  # noqa: F401
