"""The rules of the organisations registry. Pages, the API, seeds and the CLI all come through here.

Every function takes the acting user first, checks the policy, validates (raising Invalid with field
messages before anything is written), and writes in one transaction.
"""

# The public functions live in one module per part of the registry; callers use them as `services.name`.
from volunteer_app.organisations.services.common import (  # noqa: F401
    registry_counts,
)
from volunteer_app.organisations.services.liaison import (  # noqa: F401
    DeputySpec,
    create_liaison_station,
    get_liaison_station,
    list_liaison_stations,
    next_receptions,
    reception_rule,
    update_liaison_station,
)
from volunteer_app.organisations.services.pairings import (  # noqa: F401
    create_pairing,
    get_pairing,
    list_pairings,
    pairable_communities,
    update_pairing,
)
from volunteer_app.organisations.services.places import (  # noqa: F401
    all_towns,
    community_choices,
    community_pairings,
    create_community,
    create_town,
    get_community,
    get_town,
    list_communities,
    list_towns,
    update_community,
    update_town,
)
from volunteer_app.organisations.services.registration import (  # noqa: F401
    Guardian,
    add_volunteer_profile,
    register_volunteer,
)
from volunteer_app.organisations.services.service_points import (  # noqa: F401
    CoverageStep,
    TownCoverage,
    assign_social_worker,
    coverage,
    create_point,
    create_station,
    find_station,
    get_point,
    get_station,
    list_points,
    list_stations,
    point_workers,
    social_worker_choices,
    station_choices,
    town_communities,
    unassign_social_worker,
    update_point,
    update_station,
)
from volunteer_app.organisations.services.teams import (  # noqa: F401
    add_member,
    create_team,
    find_volunteer_by_phone,
    get_team,
    list_members,
    list_teams,
    team_choices,
    update_member,
    update_team,
)
from volunteer_app.organisations.services.volunteers import (  # noqa: F401
    REVEALABLE,
    export_volunteers_csv,
    get_volunteer,
    list_volunteers,
    own_profile,
    own_profile_id,
    reveal_volunteer,
    update_volunteer,
    volunteer_choices,
)
from volunteer_app.organisations.services.youth_groups import (  # noqa: F401
    activate_youth_group,
    add_group_member,
    create_youth_group,
    get_youth_group,
    list_youth_groups,
    missing_messages,
    remove_group_member,
    update_youth_group,
)
