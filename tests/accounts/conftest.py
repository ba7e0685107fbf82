"""The real SMTP server of the notification tests, for the tests of email confirmation."""

from tests.reminders.conftest import mail_config, smtp_server  # noqa: F401
