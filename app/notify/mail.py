"""Notification mails: over SMTP (``aiosmtplib``) when ``LIVEMART_SMTP_HOST`` is set,
otherwise (development) into the outbox table and the log, as password resets are.

Every mail carries a one-click unsubscribe link for its kind (a signed token, see
:func:`app.notify.prefs.unsubscribe_token`) in its text and in the ``List-Unsubscribe`` /
``List-Unsubscribe-Post`` headers (RFC 2369, RFC 8058)."""

from __future__ import annotations

import logging
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

import aiosmtplib

from app.accounts.models import OutboxMessage
from app.i18n import gettext
from app.notify.models import Kind
from app.notify.prefs import LABELS, unsubscribe_token
from app.settings import Settings

log = logging.getLogger("livemart.notify.mail")

# Long lines allowed (RFC 5322's 998): the unsubscribe URL stays one readable token in
# its header instead of an encoded word some mail clients would not follow.
MAIL_POLICY = policy.default.clone(max_line_length=998)


def unsubscribe_url(settings: Settings, user_id: int, kind: Kind) -> str:
    token = unsubscribe_token(settings.secret_key, user_id, kind)
    return f"{settings.public_url}/notifications/unsubscribe/{token}"


def build_mail(
    settings: Settings, to: str, user_id: int, kind: Kind, title: str, body: str, url: str
) -> EmailMessage:
    """The mail of one notification, with its unsubscribe link and headers, in the current
    language (the delivery sets the recipient's)."""
    leave = unsubscribe_url(settings, user_id, kind)
    link = f"{settings.public_url}{url}" if url.startswith("/") else url
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = title
    message["List-Unsubscribe"] = f"<{leave}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    lines = [title, ""]
    if body:
        lines += [body, ""]
    if link:
        lines += [link, ""]
    lines += [
        "--",
        gettext(
            "You get this mail because of your setting: %(label)s.", label=gettext(LABELS[kind])
        ),
        gettext("Stop these mails with one click: %(url)s", url=leave),
    ]
    message.set_content("\n".join(lines) + "\n")
    return message


async def send_mail(settings: Settings, message: EmailMessage) -> None:
    """Send ``message`` over SMTP, or keep it in the outbox in development. Raises on a
    failure, so the delivery is retried."""
    if not settings.smtp_host:
        await OutboxMessage.create(
            to=str(message["To"]),
            subject=str(message["Subject"])[:200],
            body=str(message.get_content()),
        )
        log.info("notification mail to %s kept in the outbox: %s", message["To"],
                 message["Subject"])  # fmt: skip
        return
    # Sent as the bytes we wrote (aiosmtplib would fold the long headers again).
    await aiosmtplib.send(
        message.as_bytes(policy=MAIL_POLICY.clone(linesep="\r\n")),
        sender=parseaddr(str(message["From"]))[1],
        recipients=[parseaddr(str(message["To"]))[1]],
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user or None,
        password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls,
        timeout=10,
    )
