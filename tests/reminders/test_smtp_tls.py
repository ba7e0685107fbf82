"""EmailChannel over TLS against a real aiosmtpd server: STARTTLS with a login, implicit SSL, and the ways they
fail (wrong password, TLS required but not used, a certificate the channel does not trust). Certificates come
from throw-away CAs made by trustme; the channel trusts one through MAIL_CA_FILE and always verifies."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from volunteer_app.reminders.channels import EmailChannel, Message, SendError

from .conftest import SmtpSink, free_port

pytestmark = [
    pytest.mark.no_db,
    # from `ssl_server`, on purpose: see there
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
]

USERNAME = "shanzhi"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("ca") / "mail-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*(names or ("127.0.0.1", "localhost"))).configure_cert(context)
    return context


class Authenticator:
    """aiosmtpd's `authenticator`: accepts USERNAME/PASSWORD and records every attempt."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, str, str]] = []

    def __call__(self, server, session, envelope, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.attempts.append((mechanism, login, password))
        if (login, password) == (USERNAME, PASSWORD):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535


class TlsSink(SmtpSink):
    """Also notes, for each message, whether it came over TLS and on an authenticated session."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[dict[str, Any]] = []

    async def handle_DATA(self, server, session, envelope):
        ssl_object = server.transport.get_extra_info("ssl_object")
        self.sessions.append({
            "tls": ssl_object.version() if ssl_object else None,
            "authenticated": bool(session.authenticated),
            "login": session.auth_data.login.decode() if session.authenticated else None,
        })
        return await super().handle_DATA(server, session, envelope)


class Server:
    def __init__(self, sink: TlsSink, port: int, authenticator: Authenticator) -> None:
        self.sink, self.port, self.authenticator = sink, port, authenticator


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    """Starts aiosmtpd on 127.0.0.1 with the given Controller/SMTP options; stopped after the test."""
    controllers: list[Controller] = []

    def start(**options: Any) -> Server:
        sink, authenticator, port = TlsSink(), Authenticator(), free_port()
        sink.port = port
        controller = Controller(sink, hostname="127.0.0.1", port=port, authenticator=authenticator, **options)
        controller.start()
        controllers.append(controller)
        return Server(sink, port, authenticator)

    yield start
    for controller in controllers:
        controller.stop()


def starttls_server(start_server, context: ssl.SSLContext) -> Server:
    """A submission server that takes nothing but EHLO/NOOP/QUIT/STARTTLS before TLS and nothing but AUTH after."""
    return start_server(tls_context=context, require_starttls=True, auth_required=True, auth_require_tls=True)


def ssl_server(start_server, context: ssl.SSLContext) -> Server:
    """Implicit TLS (SMTPS) requiring AUTH. aiosmtpd 1.4.6 counts only STARTTLS for `auth_require_tls` and would
    not offer AUTH here at all, so it is off; every byte is inside TLS anyway, and the sink checks that."""
    return start_server(ssl_context=context, auth_required=True, auth_require_tls=False)


def channel(port: int, **settings: Any) -> EmailChannel:
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
              "MAIL_USERNAME": USERNAME, "MAIL_PASSWORD": PASSWORD, "MAIL_DEFAULT_SENDER": "shanzhi@example.org",
              "MAIL_CA_FILE": None, "MAIL_TIMEOUT_SECONDS": 5}
    config.update(settings)
    return EmailChannel(config)


def message(notification_id: int = 41, kind: str = "event_reminder") -> Message:
    return Message(notification_id=notification_id, kind=kind, recipient_name="李雷",
                   recipient_email="lilei@example.org", subject="明天的活动", text="明早九点集合。",
                   markdown="明早九点集合。")


def send(email: EmailChannel, *messages: Message) -> None:
    try:
        for item in messages:
            email.send(item)
    finally:
        email.close()


def test_starttls_with_login_delivers_over_one_verified_connection(start_server, ca, ca_file):
    server = starttls_server(start_server, server_context(ca))

    send(channel(server.port, MAIL_USE_TLS=True, MAIL_CA_FILE=ca_file),
         message(41, "event_reminder"), message(42, "follow_up_due"))

    assert server.sink.ids() == [41, 42]
    first = server.sink.messages[0]
    assert first["X-Notification-Id"] == "41"
    assert first["X-Notification-Kind"] == "event_reminder"
    assert server.sink.messages[1]["X-Notification-Kind"] == "follow_up_due"
    assert first["To"] == "李雷 <lilei@example.org>"
    assert first.get_content().strip() == "明早九点集合。"
    # one login for both messages (the connection is reused), with the configured credentials, inside TLS
    assert [(login, password) for _, login, password in server.authenticator.attempts] == [(USERNAME, PASSWORD)]
    assert all(s["tls"] and s["tls"].startswith("TLSv1.") for s in server.sink.sessions)
    assert [s["login"] for s in server.sink.sessions] == [USERNAME, USERNAME]


def test_wrong_password_is_a_send_error_and_nothing_is_delivered(start_server, ca, ca_file):
    server = starttls_server(start_server, server_context(ca))

    with pytest.raises(SendError) as raised:
        send(channel(server.port, MAIL_USE_TLS=True, MAIL_CA_FILE=ca_file, MAIL_PASSWORD="wrong"), message())

    # a configuration error, but retried (SendError, not Undeliverable): the row ends "failed" in the outbox
    assert isinstance(raised.value.__cause__, smtplib.SMTPAuthenticationError)
    assert "535" in str(raised.value)
    assert server.authenticator.attempts
    assert {(login, password) for _, login, password in server.authenticator.attempts} == {(USERNAME, "wrong")}
    assert server.sink.messages == []


def test_non_ascii_password_is_a_send_error(start_server, ca, ca_file):
    """smtplib can only send ASCII credentials; that is a setting to fix, reported like a wrong password."""
    server = starttls_server(start_server, server_context(ca))

    with pytest.raises(SendError) as raised:
        send(channel(server.port, MAIL_USE_TLS=True, MAIL_CA_FILE=ca_file, MAIL_PASSWORD="密码"), message())

    assert isinstance(raised.value.__cause__, UnicodeEncodeError)
    assert server.sink.messages == []


@pytest.mark.parametrize("username", [USERNAME, None], ids=["with-login", "without-login"])
def test_starttls_required_but_not_used_is_a_send_error(start_server, ca, username):
    server = starttls_server(start_server, server_context(ca))

    with pytest.raises(SendError) as raised:
        send(channel(server.port, MAIL_USE_TLS=False, MAIL_USERNAME=username), message())

    assert isinstance(raised.value.__cause__, smtplib.SMTPException)
    if username:  # AUTH is not offered before TLS, so the password never crosses in clear
        assert isinstance(raised.value.__cause__, smtplib.SMTPNotSupportedError)
    else:  # MAIL FROM: 530 Must issue a STARTTLS command first
        assert isinstance(raised.value.__cause__, smtplib.SMTPSenderRefused)
        assert raised.value.__cause__.smtp_code == 530
    assert server.authenticator.attempts == []
    assert server.sink.messages == []


def test_tls_wanted_but_not_offered_is_a_send_error(start_server):
    """MAIL_USE_TLS against a server without STARTTLS must not fall back to plain text."""
    server = start_server(auth_require_tls=False)

    with pytest.raises(SendError) as raised:
        send(channel(server.port, MAIL_USE_TLS=True), message())

    assert isinstance(raised.value.__cause__, smtplib.SMTPNotSupportedError)
    assert server.authenticator.attempts == []
    assert server.sink.messages == []


def test_implicit_ssl_with_login_delivers(start_server, ca, ca_file):
    server = ssl_server(start_server, server_context(ca))

    send(channel(server.port, MAIL_USE_SSL=True, MAIL_CA_FILE=ca_file), message(43, "digest"))

    assert server.sink.ids() == [43]
    assert server.sink.messages[0]["X-Notification-Kind"] == "digest"
    assert server.sink.sessions[0]["tls"].startswith("TLSv1.")
    assert server.sink.sessions[0]["login"] == USERNAME


@pytest.fixture
def other_ca_file(tmp_path) -> str:
    path = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
@pytest.mark.parametrize("trusted", ["other-ca", "system-store"])
def test_certificate_from_an_untrusted_ca_is_a_send_error(start_server, ca, request, mode, trusted):
    """The server's CA is neither in MAIL_CA_FILE (another CA) nor, with MAIL_CA_FILE unset, in the system store."""
    ca_file = request.getfixturevalue("other_ca_file") if trusted == "other-ca" else None
    if mode == "ssl":
        server = ssl_server(start_server, server_context(ca))
        settings = {"MAIL_USE_SSL": True}
    else:
        server = starttls_server(start_server, server_context(ca))
        settings = {"MAIL_USE_TLS": True}

    with pytest.raises(SendError) as raised:
        send(channel(server.port, MAIL_CA_FILE=ca_file, **settings), message())

    assert isinstance(raised.value.__cause__, ssl.SSLCertVerificationError)
    assert "certificate verify failed" in str(raised.value)
    assert server.authenticator.attempts == []  # the password is not sent to an unverified server
    assert server.sink.messages == []


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_certificate_for_another_host_is_a_send_error(start_server, ca, ca_file, mode):
    """A trusted CA is not enough: the certificate must name MAIL_SERVER."""
    context = server_context(ca, "mail.example.org")
    if mode == "ssl":
        server = ssl_server(start_server, context)
        settings = {"MAIL_USE_SSL": True}
    else:
        server = starttls_server(start_server, context)
        settings = {"MAIL_USE_TLS": True}

    with pytest.raises(SendError) as raised:
        send(channel(server.port, MAIL_CA_FILE=ca_file, **settings), message())

    assert isinstance(raised.value.__cause__, ssl.SSLCertVerificationError)
    assert "127.0.0.1" in str(raised.value.__cause__)
    assert server.authenticator.attempts == []
    assert server.sink.messages == []


def test_missing_ca_file_is_a_send_error(start_server, ca, tmp_path):
    """A mistyped MAIL_CA_FILE fails the send (retried, then visible in the outbox), not the dispatch run."""
    server = starttls_server(start_server, server_context(ca))
    email = channel(server.port, MAIL_USE_TLS=True, MAIL_CA_FILE=str(tmp_path / "missing.pem"))

    with pytest.raises(SendError) as raised:
        send(email, message())

    assert isinstance(raised.value.__cause__, FileNotFoundError)
    assert server.sink.messages == []
