"""Each person, and only they, sees everything held about them and closes their own account."""

from volunteer_app.core.policy import rule


@rule("personal_data.view")
@rule("account.close")
def _oneself(actor, user) -> bool:
    actor_id = getattr(actor, "id", None)
    return actor_id is not None and getattr(user, "id", None) == actor_id
