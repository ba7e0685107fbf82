"""Who may see and manage notifications: each user their own inbox and choices; admins the outbox."""

from volunteer_app.accounts.models import Role
from volunteer_app.core.policy import Actor, rule


@rule("outbox.list")
@rule("outbox.manage")
def _admin_only(actor: Actor, obj: object) -> bool:
    return actor.has_role(Role.ADMIN)


@rule("notification.inbox")
@rule("notification.test")
def _own(actor: Actor, user: object) -> bool:
    return getattr(user, "id", None) == actor.id


@rule("notification.read")
def _recipient(actor: Actor, notification: object) -> bool:
    return getattr(notification, "recipient_id", None) == actor.id


@rule("notification.preferences")
def _own_or_admin(actor: Actor, user: object) -> bool:
    return getattr(user, "id", None) == actor.id or actor.has_role(Role.ADMIN)
