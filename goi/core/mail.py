"""Mail through an outbox: queued in the transaction of the change, delivered after commit."""

import contextlib
import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from goi.core import clock
from goi.core.html import web_addresses
from goi.core.types import UTCDateTime
from goi.extensions import db

log = logging.getLogger("goi.mail")


class OutboxMessage(db.Model):
    """An email waiting to be sent, sent, or given up on."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_pending", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="id")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def render_message(template: str, locale: str, **context) -> tuple[str, str]:
    """(subject, body) of a text template whose first line is "Subject: …", in the given language."""
    with force_locale(locale or "id"):
        rendered = render_template(template, **context)
    subject, _, body = rendered.strip().partition("\n")
    return subject.removeprefix("Subject:").strip(), body.strip() + "\n"


def add_to_outbox(recipient: str, kind: str, locale: str, subject: str, body: str) -> OutboxMessage:
    """Add an already rendered message to the outbox of the current transaction."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject[:200],
        body_text=body,
        kind=kind,
        locale=locale or "id",
        created_at=clock.now(),
        next_attempt_at=clock.now(),
    )
    db.session.add(message)
    return message


def queue_mail(recipient: str, kind: str, locale: str, **context) -> OutboxMessage:
    """Render templates/mail/<kind>.txt in the recipient's language and add it to the outbox."""
    subject, body = render_message(f"mail/{kind}.txt", locale, **context)
    return add_to_outbox(recipient, kind, locale, subject, body)


def pending_messages(limit: int = 100) -> list[OutboxMessage]:
    """Messages due for a (new) attempt, oldest first."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= clock.now(),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="goi.local")
    email.set_content(message.body_text)
    # After set_content, which clears every Content-* header.
    email["Content-Language"] = message.locale
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Deliver due messages; commits after each one. Returns (sent, failed attempts)."""
    config = current_app.config
    messages = pending_messages(limit)
    sent = failed = 0
    if not messages:
        return 0, 0
    if config["MAIL_LOG_ONLY"] or not config["MAIL_SERVER"]:
        if not config["MAIL_LOG_ONLY"]:
            raise RuntimeError("GOI_MAIL_SERVER is not set (set GOI_MAIL_LOG_ONLY=1 to write mail to the log)")
        for message in messages:
            # One line a mail, with its links (to confirm, to reset); development shows whole messages at /dev/outbox.
            log.info(
                "mail to %s: %s", message.recipient, " — ".join([message.subject, *web_addresses(message.body_text)])
            )
            message.sent_at = clock.now()
            message.attempts += 1
            sent += 1
        db.session.commit()
        return sent, failed
    smtp = None
    try:
        for message in messages:
            message.attempts += 1
            try:
                if smtp is None:
                    smtp = _connect()
                smtp.send_message(_as_email(message, config["MAIL_SENDER"]))
            except (OSError, smtplib.SMTPException) as error:
                failed += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                    message.failed_at = clock.now()
                else:
                    message.next_attempt_at = clock.now() + _retry_delay(message.attempts)
                smtp = None
            else:
                message.sent_at = clock.now()
                message.last_error = None
                sent += 1
            db.session.commit()
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return sent, failed
