"""How a rendered notice leaves the building: email over SMTP, a signed JSON POST to a group robot, or the
in-app inbox. Every message carries the outbox row's id and kind, so a receiver can drop a repeat.

A channel raises `SendError` when a send may succeed later (the dispatcher retries with backoff) and
`Undeliverable` when it never can (no address, channel not configured: the row is dropped).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from typing import Any, Protocol


class SendError(Exception):
    """The send failed this time; try again later."""


class Undeliverable(Exception):
    """This notice can never go out over this channel."""


@dataclass(frozen=True)
class Message:
    notification_id: int
    kind: str
    recipient_name: str
    recipient_email: str | None
    subject: str
    text: str
    markdown: str  # for the group robot; empty for the other channels


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


class InboxChannel:
    """The outbox row is the inbox item: once marked sent it shows in the recipient's inbox."""

    name = "inbox"

    def send(self, message: Message) -> None:
        return None

    def close(self) -> None:
        return None


class EmailChannel:
    """SMTP with STARTTLS or SSL and a login, as configured. One connection serves a whole dispatch run.
    TLS always verifies the server's certificate (MAIL_CA_FILE for a private CA)."""

    name = "email"

    def __init__(self, config: dict[str, Any]) -> None:
        self.server = config["MAIL_SERVER"]
        self.port = int(config["MAIL_PORT"])
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.use_ssl = bool(config.get("MAIL_USE_SSL"))
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.sender = config.get("MAIL_DEFAULT_SENDER") or "shanzhi@localhost"
        self.timeout = float(config.get("MAIL_TIMEOUT_SECONDS", 20))
        self.ca_file = config.get("MAIL_CA_FILE") or None
        name, self.envelope_sender = parseaddr(self.sender)
        self.from_header = formataddr((_one_line(name), self.envelope_sender), charset="utf-8")
        self.domain = self.envelope_sender.rpartition("@")[2] or "localhost"
        # Tells this installation's Message-IDs from another's that sends from the same domain (a test copy).
        secret = str(config.get("SECRET_KEY") or "").encode()
        self.message_id_tag = hmac.new(secret, b"message-id", hashlib.sha256).hexdigest()[:12]
        self._smtp: smtplib.SMTP | None = None

    def tls_context(self) -> ssl.SSLContext:
        """Verifies the server's certificate and host name against MAIL_CA_FILE, or the system's CAs when unset.
        (smtplib's own default context verifies nothing.) Built per connection, so a missing or unreadable CA
        file is an OSError/SSLError inside `send` and ends as SendError, not a crash of the dispatch run."""
        return ssl.create_default_context(cafile=self.ca_file)

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp: smtplib.SMTP
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(self.server, self.port, timeout=self.timeout, context=self.tls_context())
            else:
                smtp = smtplib.SMTP(self.server, self.port, timeout=self.timeout)
            try:
                if self.use_tls and not self.use_ssl:
                    smtp.starttls(context=self.tls_context())  # SMTPNotSupportedError if not offered: no downgrade
                if self.username:
                    smtp.login(self.username, self.password or "")
            except BaseException:
                smtp.close()  # not stored yet, so `close()` below would not reach this socket
                raise
            self._smtp = smtp
        return self._smtp

    def build(self, message: Message) -> str:
        """The message as SMTP sends it: a plain-text body in base64, non-ASCII headers as RFC 2047 words.
        Written out directly because the `email` package's header parsing cost more than the rest of a send.
        The Message-ID is the same at every attempt of a notice, so a mail store that drops repeated
        Message-IDs (and any receiver reading X-Notification-Id) drops a copy sent again after a crash."""
        headers = [
            ("From", self.from_header),
            ("To", formataddr((_one_line(message.recipient_name), message.recipient_email or ""), charset="utf-8")),
            ("Subject", _encoded(message.subject)),
            ("Date", formatdate(usegmt=True)),
            ("Message-ID", f"<notification-{message.notification_id}.{self.message_id_tag}@{self.domain}>"),
            ("X-Notification-Id", str(message.notification_id)),
            ("X-Notification-Kind", _one_line(message.kind)),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'text/plain; charset="utf-8"'),
            ("Content-Transfer-Encoding", "base64"),
        ]
        body = base64.encodebytes(message.text.encode()).decode("ascii")
        return "".join(f"{name}: {value}\n" for name, value in headers) + "\n" + body

    def send(self, message: Message) -> None:
        if not message.recipient_email:
            raise Undeliverable("no email address")
        mail = self.build(message)
        # Every SMTP or TLS failure is retried: a refused or unreachable server, STARTTLS not offered, a server
        # certificate that does not verify (ssl.SSLError is an OSError) and a rejected login (SMTPAuthenticationError
        # is an SMTPException). The last three are configuration errors an admin can fix (password, MAIL_CA_FILE,
        # the server's certificate) and cannot be told from a transient one (a certificate being renewed, an
        # account briefly locked), so they are not Undeliverable: after backoff the row ends "failed" with this
        # error, visible in the outbox and retryable from there once the setting is corrected. smtplib sends AUTH
        # credentials as ASCII only: a non-ASCII MAIL_USERNAME/MAIL_PASSWORD is the same kind of error.
        try:
            self._connect().sendmail(self.envelope_sender, [message.recipient_email], mail)
        except (smtplib.SMTPException, OSError, UnicodeEncodeError) as error:
            self.close()  # a broken connection is not reused
            raise SendError(f"SMTP: {error!r}"[:500]) from error

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


def _one_line(value: str) -> str:
    """A header value cannot carry a line break (it would start a header of its own)."""
    return " ".join(value.split())


def _encoded(value: str) -> str:
    value = _one_line(value)
    return value if value.isascii() else Header(value, "utf-8").encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", so a captured request cannot be replayed with a new time."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookChannel:
    """POSTs a WeCom / DingTalk group-robot Markdown message, signed in `X-Shanzhi-Signature`."""

    name = "webhook"

    def __init__(self, config: dict[str, Any]) -> None:
        self.url = config.get("WEBHOOK_URL")
        self.secret = config.get("WEBHOOK_SECRET") or ""
        self.timeout = float(config.get("MAIL_TIMEOUT_SECONDS", 20))

    @staticmethod
    def payload(message: Message) -> dict[str, Any]:
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.subject, "content": message.markdown},
            "notification_id": message.notification_id,
            "notification_kind": message.kind,
        }

    def send(self, message: Message) -> None:
        if not self.url:
            raise Undeliverable("WEBHOOK_URL is not configured")
        body = json.dumps(self.payload(message), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Shanzhi-Timestamp": timestamp,
                "X-Shanzhi-Signature": sign(self.secret, timestamp, body),
                "X-Notification-Id": str(message.notification_id),
                "X-Notification-Kind": message.kind,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read(65536)
        except (urllib.error.URLError, OSError) as error:
            raise SendError(f"webhook: {error!r}"[:500]) from error
        _check_robot_answer(answer)

    def close(self) -> None:
        return None


def _check_robot_answer(answer: bytes) -> None:
    """WeCom and DingTalk answer 200 with {"errcode": N}; anything but 0 is a refusal."""
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return
    if isinstance(data, dict) and data.get("errcode") not in (None, 0):
        raise SendError(f"webhook refused: errcode {data.get('errcode')} {data.get('errmsg', '')}"[:500])


def open_channels(config: dict[str, Any]) -> dict[str, Channel]:
    return {"inbox": InboxChannel(), "email": EmailChannel(config), "webhook": WebhookChannel(config)}
