"""The one mailer: SMTP when configured, otherwise the outbox table."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from flask import current_app

from lab.extensions import db
from lab.mail.models import OutboxMessage

log = logging.getLogger(__name__)
REDACTED = "[link redacted: only the recipient receives it]"


def send_mail(
    recipient: str, subject: str, body: str, secrets: Iterable[str] = ()
) -> OutboxMessage:
    """Send a message, keeping a copy in the outbox.

    ``secrets`` are the token-bearing links inside ``body``. The outbox copy shows them only in
    development (where they are also logged, so a developer can follow them); elsewhere they are
    redacted, so no one reading the outbox can use another person's link.
    """
    secrets = [s for s in secrets if s]
    development = current_app.config["ENV_NAME"] in ("development", "testing")
    stored = body
    if not development:
        for secret in secrets:
            stored = stored.replace(secret, REDACTED)
    message = OutboxMessage(recipient=recipient, subject=subject[:200], body=stored, status="kept")
    db.session.add(message)
    if development:
        log.warning("Mail to %s: %s\n%s", recipient, subject, body)
    if current_app.config.get("MAIL_SERVER"):
        try:
            _send_smtp(recipient, subject, body)
            message.status = "sent"
        except (OSError, smtplib.SMTPException) as error:
            log.error("SMTP delivery to %s failed: %s", recipient, error)
            message.status = "failed"
            message.error = str(error)[:500]
    return message


def _send_smtp(recipient: str, subject: str, body: str) -> None:
    """Deliver one message through the configured SMTP server."""
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = recipient
    email["Subject"] = subject
    email.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)
