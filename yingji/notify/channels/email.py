"""E-mail through Django's mail backend (SMTP in production: ``EMAIL_BACKEND``, ``EMAIL_HOST`` …).

The ``Message-ID`` is derived from the idempotency key, so a retried message
is the same message to the mail system; ``X-Yingji-Idempotency-Key`` carries
the key itself.
"""

from __future__ import annotations

import hashlib
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from . import PermanentError, TransientError

if TYPE_CHECKING:
    from ..models import Notification, TownshipChannel


def message_id(key: str) -> str:
    """Return the Message-ID for idempotency key ``key``: ``<sha256-prefix@yingji>``."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@yingji>"


def send(n: Notification, config: TownshipChannel | None = None) -> None:
    """Mail ``n`` to the recipient's address; raises ``TransientError`` / ``PermanentError``."""
    body = n.body + (f"\n\n{n.link}" if n.link else "")
    message = EmailMessage(
        subject=n.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[n.address],
        headers={
            "Message-ID": message_id(n.idempotency_key),
            "X-Yingji-Idempotency-Key": n.idempotency_key,
        },
        connection=get_connection(timeout=settings.YINGJI_NOTIFY_TIMEOUT_S),
    )
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise PermanentError(f"refused: {exc}") from exc
    except smtplib.SMTPResponseException as exc:
        error = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
        raise (PermanentError if 500 <= exc.smtp_code < 600 else TransientError)(error) from exc
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise TransientError(f"{type(exc).__name__}: {exc}") from exc
