"""Sending e-mail: SMTP when MAIL_SERVER is set, otherwise written to the log."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send_mail(to: str, subject: str, body: str) -> None:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    send_message(message)


def send_message(message: EmailMessage) -> None:
    """Send a prepared message by SMTP, or write it to the log without MAIL_SERVER."""
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        current_app.logger.info("mail (not sent, no MAIL_SERVER) to %s: %s", message["To"],
                                message["Subject"])
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def try_send_mail(to: str, subject: str, body: str) -> bool:
    """Send, and log instead of failing the request when the mail server refuses."""
    try:
        send_mail(to, subject, body)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("mail to %s not sent", to)
        return False
    return True

