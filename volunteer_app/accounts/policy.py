"""Who may manage accounts."""

from volunteer_app.accounts.models import Role
from volunteer_app.core.policy import rule


@rule("user.create")
@rule("user.list")
@rule("user.update")
@rule("audit.list")
def _admin_only(actor, obj) -> bool:
    return actor.has_role(Role.ADMIN)


@rule("user.password_link")
def _admin_or_league_staff_for_volunteers(actor, user) -> bool:
    """Admins issue set-password links to anyone; League staff to people who are volunteers and nothing more."""
    if actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(Role.LEAGUE_STAFF) and set(getattr(user, "roles", ["?"])) <= {Role.VOLUNTEER}


@rule("user.view")
def _self_or_admin(actor, user) -> bool:
    return actor.has_role(Role.ADMIN) or getattr(user, "id", None) == actor.id


@rule("profile.update")
def _own_profile(actor, user) -> bool:
    """Each person edits their own contact details, admins included (theirs for others go through user.update)."""
    actor_id = getattr(actor, "id", None)
    return actor_id is not None and getattr(user, "id", None) == actor_id
