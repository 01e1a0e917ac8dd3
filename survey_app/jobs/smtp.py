"""Hand a message to the configured SMTP server (``PARSURVEY_SMTP_*``); errors propagate so the job retries."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


def send(message: EmailMessage, config: Mapping[str, Any]) -> None:
    """Send one message; raises one of :data:`DELIVERY_ERRORS` when the server refuses it or cannot be reached."""
    if "From" not in message:
        message["From"] = config["SMTP_FROM"]
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as server:
        if config["SMTP_STARTTLS"]:
            server.starttls(context=ssl.create_default_context())
        if config["SMTP_USER"]:
            server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        server.send_message(message)
