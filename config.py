"""Settings, read from environment variables (a `.env` file is honoured by the flask CLI)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def normalise_database_url(url: str) -> str:
    """Let operators write the usual `postgresql://` and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")  # generated into instance/ when unset
    # ID and certificate numbers are encrypted at rest (core/crypto.py). Fernet keys, comma-separated, newest first;
    # and the key of the blind index used to look numbers up. Generated into instance/ when unset: back it up.
    DATA_ENCRYPTION_KEYS = os.environ.get("DATA_ENCRYPTION_KEYS")
    BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'shanzhi.db'}")
    )
    # hide_parameters: a logged database error never shows the values of a statement (names, notes, numbers).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = {"zh_CN": "中文", "en": "English"}

    # Sessions end after this much idle time; every request renews the cookie.
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=SESSION_IDLE_MINUTES)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # Login throttling (accounts/throttle.py): after this many wrong passwords in a row an account waits this many
    # seconds before its password is checked again, doubling with each further failure up to the maximum; a device
    # the account logged in from before does not wait.
    LOGIN_THROTTLE_AFTER = _int("LOGIN_THROTTLE_AFTER", 5)
    LOGIN_THROTTLE_BASE_SECONDS = _int("LOGIN_THROTTLE_BASE_SECONDS", 30)
    LOGIN_THROTTLE_MAX_SECONDS = _int("LOGIN_THROTTLE_MAX_SECONDS", 15 * 60)
    API_TOKEN_TTL_SECONDS = _int("API_TOKEN_TTL_SECONDS", 8 * 3600)
    # A set-password link staff issue (accounts/password_links.py) works once, for this many hours.
    PASSWORD_LINK_HOURS = _int("PASSWORD_LINK_HOURS", 72)
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_HASH_METHOD = "scrypt"

    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 4 * 1024 * 1024)

    # Social work: closed household files are archived after this many days; owners are reminded this many
    # days before a follow-up is due; a photo or scan may be this large (JPEG, PNG or PDF).
    HOUSEHOLD_ARCHIVE_AFTER_DAYS = _int("HOUSEHOLD_ARCHIVE_AFTER_DAYS", 365)
    FOLLOW_UP_REMIND_DAYS = _int("FOLLOW_UP_REMIND_DAYS", 2)
    SOCIALWORK_UPLOAD_MAX_BYTES = _int("SOCIALWORK_UPLOAD_MAX_BYTES", 3 * 1024 * 1024)
    # Needs: working days an assignee has, by category (the holiday calendar decides what a working day is); a
    # reminder goes out this many working days before the deadline; a photo may be this large (JPEG or PNG).
    NEED_DEADLINE_WORKING_DAYS = {
        "default": _int("NEED_DEADLINE_DAYS_DEFAULT", 10),
        "public_safety": _int("NEED_DEADLINE_DAYS_PUBLIC_SAFETY", 3),
        "elderly": _int("NEED_DEADLINE_DAYS_ELDERLY", 5),
        "health": _int("NEED_DEADLINE_DAYS_HEALTH", 5),
        "infrastructure": _int("NEED_DEADLINE_DAYS_INFRASTRUCTURE", 15),
        "enterprise": _int("NEED_DEADLINE_DAYS_ENTERPRISE", 15),
    }
    NEED_REMIND_DAYS = _int("NEED_REMIND_DAYS", 2)
    NEED_PHOTO_MAX_BYTES = _int("NEED_PHOTO_MAX_BYTES", 3 * 1024 * 1024)
    # The public forms (raising a need, a question for a meeting): at most this often per address and per phone.
    NEED_RAISE_RATE_LIMIT = os.environ.get("NEED_RAISE_RATE_LIMIT", "5 per hour")
    # The dashboard's figures (reports/services/kept.py) are counted once and kept this long, shown with the time
    # they were counted; kept in instance/figures/, or in the Redis FIGURES_STORE_URI names (several hosts).
    FIGURES_KEEP_SECONDS = _int("FIGURES_KEEP_SECONDS", 600)
    FIGURES_STORE_URI = os.environ.get("FIGURES_STORE_URI", "")
    # How often one user may have them counted again (the page's "Count them again"); past it they read the kept ones.
    FIGURES_REFRESH_LIMIT = os.environ.get("FIGURES_REFRESH_LIMIT", "6 per minute")
    # The scheduler counts the town-wide figures again this often (reports/jobs.py), so that no reader waits for them
    # when the kept ones run out; keep it below FIGURES_KEEP_SECONDS.
    FIGURES_WARM_SECONDS = _int("FIGURES_WARM_SECONDS", 300)
    PER_PAGE_DEFAULT = 20
    PER_PAGE_MAX = 100
    # Lists count their matching rows up to this many, then say "more than" (core/pagination.py): a total counted over
    # a district's whole table would cost more than the page it is shown with. 1,000 is 50 pages of 20, more than
    # anyone pages through (the next page is still offered past it); at 10,000 the count was a third of a list's
    # least cost at district size (bench/README.md).
    PAGINATION_COUNT_CAP = _int("PAGINATION_COUNT_CAP", 1_000)
    # The needs list's tabs count each status up to this many ("1000+"): the count is read with every page.
    NEED_TAB_COUNT_CAP = _int("NEED_TAB_COUNT_CAP", 1_000)

    # Logs (core/logs.py): "json" writes one JSON line per request and per record, ID and phone numbers masked; "text"
    # reads better in a terminal. SQL parameters never appear in a logged error.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # With the Redis of RATELIMIT_STORAGE_URI away, each worker counts every limit in its own memory until it is
    # back (looser, but still limits), instead of answering 500 to every limited request, logins included.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Login attempts per address, and per address and login name, counted together for the login page and the
    # API's token endpoint; shared by every worker when RATELIMIT_STORAGE_URI names a Redis.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per minute")
    LOGIN_PERSON_RATE_LIMIT = os.environ.get("LOGIN_PERSON_RATE_LIMIT", "10 per minute")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "10 per minute")
    # Looking certificates up by number (/verify/<number> and its API door together), per address.
    CERTIFICATE_VERIFY_RATE_LIMIT = os.environ.get("CERTIFICATE_VERIFY_RATE_LIMIT", "30 per minute")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "shanzhi@localhost")
    # PEM file of the CA(s) that signed the mail server's certificate (a private CA); unset: the system's CAs.
    # STARTTLS and SSL always verify the certificate and host name.
    MAIL_CA_FILE = os.environ.get("MAIL_CA_FILE") or None
    WEBHOOK_URL = os.environ.get("WEBHOOK_URL")
    WEBHOOK_SECRET = os.environ.get("WEBHOOK_SECRET")
    MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 20)
    # Where people reach this site: links in messages (an email address's confirmation link) start with it, never
    # with the Host a request names.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # A new email address is used once confirmed through a link sent to it, good for this many hours; a person
    # may ask for at most EMAIL_CONFIRM_MAX_PER_DAY links a day.
    EMAIL_CONFIRM_MAX_AGE_HOURS = _int("EMAIL_CONFIRM_MAX_AGE_HOURS", 48)
    EMAIL_CONFIRM_MAX_PER_DAY = _int("EMAIL_CONFIRM_MAX_PER_DAY", 5)
    # Plausible times, against mistyped dates: a session lasts at most a week (a summer camp's period of five days
    # is one session, see seeds/events.json), and an event is published at most this many days before it starts.
    SESSION_MAX_HOURS = _int("SESSION_MAX_HOURS", 24 * 7)
    EVENT_MAX_DAYS_AHEAD = _int("EVENT_MAX_DAYS_AHEAD", 366)

    # Notifications (reminders/): the scheduler's dispatch job claims due outbox rows in batches; a failed send
    # is retried after NOTIFY_BACKOFF_SECONDS, doubling up to NOTIFY_BACKOFF_MAX_SECONDS, NOTIFY_MAX_ATTEMPTS
    # times in all; a row a crashed process left "sending" is taken again after NOTIFY_LEASE_SECONDS.
    DISPATCH_INTERVAL_SECONDS = _int("DISPATCH_INTERVAL_SECONDS", 10)
    # /readyz fails when no scheduled job has run for this long (the dispatch job runs every few seconds).
    SCHEDULER_HEARTBEAT_MAX_SECONDS = _int("SCHEDULER_HEARTBEAT_MAX_SECONDS", 300)
    DISPATCH_BATCH_SIZE = _int("DISPATCH_BATCH_SIZE", 50)
    DISPATCH_MAX_PER_RUN = _int("DISPATCH_MAX_PER_RUN", 2000)
    # Each sent row is marked in its own commit before the next send; set this to make every such commit wait for
    # the disk (about 3x slower; only matters after a crash of the database server or the machine, see
    # reminders/services/dispatch.py `Outcomes`).
    DISPATCH_SYNC_EACH_MARK = _bool("DISPATCH_SYNC_EACH_MARK")
    NOTIFY_MAX_ATTEMPTS = _int("NOTIFY_MAX_ATTEMPTS", 6)
    NOTIFY_BACKOFF_SECONDS = _int("NOTIFY_BACKOFF_SECONDS", 60)
    NOTIFY_BACKOFF_MAX_SECONDS = _int("NOTIFY_BACKOFF_MAX_SECONDS", 6 * 3600)
    NOTIFY_LEASE_SECONDS = _int("NOTIFY_LEASE_SECONDS", 300)
    QUIET_HOURS_START = os.environ.get("QUIET_HOURS_START", "22:00")  # local time; non-urgent notices wait
    QUIET_HOURS_END = os.environ.get("QUIET_HOURS_END", "07:00")
    DIGEST_HOUR = _int("DIGEST_HOUR", 8)  # local hour of the staff's morning digest
    DIGEST_INTERVAL_SECONDS = _int("DIGEST_INTERVAL_SECONDS", 600)
    # Reminders before each event session, in hours before it starts: "default", overridden per event kind
    # (e.g. "summer_camp": [48, 2]).
    EVENT_REMINDER_OFFSETS_HOURS = {"default": [24, 2]}
    # Service hours: a correction may give at most the session's length plus this margin (preparation, clearing
    # up); one that adds more than HOURS_CORRECTION_REVIEW_HOURS counts only once a second staff member approves.
    HOURS_CORRECTION_MARGIN_HOURS = float(os.environ.get("HOURS_CORRECTION_MARGIN_HOURS", 2))
    HOURS_CORRECTION_REVIEW_HOURS = float(os.environ.get("HOURS_CORRECTION_REVIEW_HOURS", 3))
    # Team reservations: the team's leaders are reminded this many hours before the fill-by time, once.
    RESERVATION_REMINDER_HOURS = float(os.environ.get("RESERVATION_REMINDER_HOURS", 24))

    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_STYLE = "danger"
    API_TITLE = "Shanzhi 善治 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }


class DevelopmentConfig(Config):
    DEBUG = True
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:"))
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # tests create hundreds of users; strength is not under test
    RATELIMIT_ENABLED = False
    SECRET_KEY = secrets.token_hex(32)
    FIGURES_KEEP_SECONDS = 0  # every test counts its figures afresh; tests of keeping turn it on


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
