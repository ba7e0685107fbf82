"""The notification service, one module per part; callers use them through this package
(`services.notify`, `services.dispatch_due`, ...):

- planning: `notify` / `notify_many` plan notices into the outbox (one row per channel, idempotent on its key),
  `refresh_planned` and `cancel_planned` change those not yet sent;
- dispatch: `dispatch_due` claims what is due, sends it over its channel and records the outcome;
- reading: the inbox as its reader sees it, and marking notices read;
- preferences: a user's channels, opted-out kinds, quiet hours and digest, and a test notice to oneself;
- administration: the admins' outbox (list, retry, cancel);
- digest: the staff's morning digest and the sections it gathers.
"""

from volunteer_app.reminders.services.administration import (
    OutboxFilter,
    cancel,
    get_notification,
    outbox,
    outbox_counts,
    retry,
)
from volunteer_app.reminders.services.digest import DigestSection, plan_digests, register_digest_section
from volunteer_app.reminders.services.dispatch import (
    Claimed,
    DispatchReport,
    claim,
    dispatch_due,
    render_now,
)
from volunteer_app.reminders.services.planning import (
    Planned,
    cancel_planned,
    insert_rows,
    notify,
    notify_many,
    outbox_rows,
    refresh_planned,
    subject_key,
)
from volunteer_app.reminders.services.preferences import (
    has_work_role,
    preferences_for,
    send_test,
    update_preferences,
)
from volunteer_app.reminders.services.reading import (
    InboxNotice,
    get_inbox_item,
    inbox,
    mark_all_read,
    mark_read,
    unread_count,
)

__all__ = [
    "Claimed",
    "DigestSection",
    "DispatchReport",
    "InboxNotice",
    "OutboxFilter",
    "Planned",
    "cancel",
    "cancel_planned",
    "claim",
    "dispatch_due",
    "get_inbox_item",
    "get_notification",
    "has_work_role",
    "inbox",
    "insert_rows",
    "mark_all_read",
    "mark_read",
    "notify",
    "notify_many",
    "outbox",
    "outbox_counts",
    "outbox_rows",
    "plan_digests",
    "preferences_for",
    "refresh_planned",
    "register_digest_section",
    "render_now",
    "retry",
    "send_test",
    "subject_key",
    "unread_count",
    "update_preferences",
]
