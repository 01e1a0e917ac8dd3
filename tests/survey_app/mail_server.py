"""A real SMTP server in the test process (aiosmtpd), which keeps every message it accepts."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """What the server received; ``refuse`` makes it answer 451 (try later) to that many next messages,
    or to every message when negative."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        if self.refuse:
            self.refuse -= 1 if self.refuse > 0 else 0
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        return "250 Message accepted"

    @property
    def recipients(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)

    def text(self, recipient: str) -> str:
        [message] = [m for m in self.messages if m["To"] == recipient]
        return message.get_content()


def password_check(user: str, password: str):
    """An aiosmtpd authenticator accepting only ``user``/``password`` (plain AUTH, allowed without TLS here)."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            user.encode(), password.encode())
        return AuthResult(success=good)

    return authenticate


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[tuple[Inbox, int]]:
    """A server on a free loopback port; with ``login`` it requires that user and password."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    options = {}
    if login is not None:
        options = {"authenticator": password_check(*login), "auth_required": True, "auth_require_tls": False}
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
