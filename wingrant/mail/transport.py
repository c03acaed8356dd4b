"""Handing a message over: to an SMTP server, or as an .eml file (the embedded default).

``WINGRANT_MAIL_URL``: ``smtp://[user:pass@]host[:port]`` uses STARTTLS when the server offers it
and requires it when credentials are given (a password never travels in clear text);
``smtps://…`` speaks TLS from the first byte. Unset: ``FileTransport`` writes each message to
``instance/mail/<row>.eml``, which is what ``make run`` uses with nothing else installed.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit


class TemporaryFailure(Exception):
    """Try again later (connection refused, 4xx, timeout)."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): retrying would not help."""


class FileTransport:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"Dateien in {self.folder}"

    def send(self, message: EmailMessage, name: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.eml"
        tmp = path.with_suffix(".eml.tmp")
        tmp.write_bytes(bytes(message))
        tmp.replace(path)  # a reader never sees half a mail


class SmtpTransport:
    def __init__(self, url: str, *, timeout: float = 30):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(f"WINGRANT_MAIL_URL: unknown scheme {parts.scheme!r} (smtp:// or smtps://)")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def describe(self) -> str:
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif self.user:
            smtp.close()
            raise TemporaryFailure("Der Mailserver bietet kein STARTTLS an; ohne Verschlüsselung wird "
                                   "kein Passwort gesendet.")
        return smtp

    def send(self, message: EmailMessage, name: str) -> None:
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as e:
            # The installation's settings are wrong, not the mail: keep it until they are mended.
            raise TemporaryFailure(f"{e.smtp_code} {e.smtp_error.decode(errors='replace')}") from e
        except smtplib.SMTPRecipientsRefused as e:
            code, text = next(iter(e.recipients.values()))
            raise _failure(code, text) from e
        except smtplib.SMTPResponseException as e:
            raise _failure(e.smtp_code, e.smtp_error) from e
        except (OSError, smtplib.SMTPException) as e:  # refused, timed out, dropped, TLS failed
            raise TemporaryFailure(str(e) or type(e).__name__) from e


def _failure(code: int, text: bytes | str) -> Exception:
    message = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return PermanentFailure(message) if 500 <= code < 600 else TemporaryFailure(message)


def from_config(config) -> FileTransport | SmtpTransport:
    url = config.get("MAIL_URL")
    if url:
        return SmtpTransport(url, timeout=config.get("MAIL_TIMEOUT", 30))
    return FileTransport(config["MAIL_FOLDER"])
