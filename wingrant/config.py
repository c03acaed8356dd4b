"""Settings.

Defaults live here; an installation overrides them in ``instance/config.py`` or
with ``WINGRANT_*`` environment variables (the environment wins). Secrets are
never hard-coded: without ``WINGRANT_SECRET_KEY`` a key is generated once into
``instance/secret_key``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class DefaultConfig:
    SQLALCHEMY_DATABASE_URI: str | None = None  # resolved in load_config
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SECRET_KEY: str | None = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: Every request body; forms are small (the largest, an application, stays well below 1 MiB).
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: Requests to views marked ``@accepts_uploads`` (attachments, project lists); above
    #: ATTACHMENT_MAX_BYTES, so that a slightly too large file gets the field's own message.
    UPLOAD_MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    #: Werkzeug's limits for multipart bodies: one text field, and the number of fields.
    MAX_FORM_MEMORY_SIZE = 500_000
    MAX_FORM_PARTS = 1_000

    WTF_CSRF_TIME_LIMIT = None  # a form left open during a long forum meeting must still submit

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    #: Attachments may take this much space together, per application and per neighbourhood.
    ATTACHMENT_QUOTA_PER_APPLICATION_MB = 50
    ATTACHMENT_QUOTA_PER_NEIGHBOURHOOD_MB = 2048

    #: Where uploads and published PDFs live (outside the web root).
    UPLOAD_FOLDER: str | None = None

    #: The installation's public address (scheme, host, optional path prefix): every absolute link
    #: in mails, OParl, iCal and QR codes is built from it, never from the request's Host header.
    PUBLIC_URL = "http://localhost:5000"

    #: Outgoing mail: ``smtp://[user:pass@]host:port`` (STARTTLS when offered, required with a
    #: password), ``smtps://…`` (implicit TLS), or unset: each mail is written as an .eml file
    #: under MAIL_FOLDER (``instance/mail``) – the embedded default of ``make run``.
    MAIL_URL: str | None = None
    MAIL_FROM = "WiN-Quartiersmanagement <wingrant@localhost>"
    MAIL_FOLDER: str | None = None
    #: The worker: seconds between looks at the outbox, attempts before a mail counts as failed,
    #: and the SMTP timeout (seconds).
    MAIL_POLL_SECONDS = 5
    MAIL_MAX_ATTEMPTS = 10
    MAIL_TIMEOUT = 30

    #: The Verwendungsnachweis reminder is mailed this many days before it is due (and once more when
    #: it is overdue); when it is due: ``applications.rules.report_due_on``.
    REPORT_REMINDER_DAYS = 14

    #: Served over HTTPS behind a reverse proxy: secure cookies, HSTS, X-Forwarded-* trusted.
    HTTPS = False
    #: Reverse proxies in front of the app whose X-Forwarded-For is trusted; None: 1 with HTTPS, else 0.
    PROXY_COUNT: int | None = None

    #: Personal data (attendees, objecting people, contacts) is anonymised this long after use.
    PERSONAL_DATA_RETENTION_DAYS = 730

    #: Login throttling within LOGIN_THROTTLE_MINUTES: failures per account from one client address
    #: (then that pair is locked), per account from all addresses together (then it is locked: a
    #: guesser spread over many addresses), and per address over all accounts: beyond that the
    #: address is slowed down to one attempt every LOGIN_IP_SLOWDOWN_SECONDS, never locked, so that
    #: guessing at made-up accounts cannot lock out everyone who shares the address (a proxy, an office).
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES = 50
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_IP_SLOWDOWN_SECONDS = 10
    LOGIN_THROTTLE_MINUTES = 15

    #: A login ends after this long without a request (idle timeout) ...
    SESSION_IDLE_MINUTES = 120
    #: ... and this long after it began, however busy (absolute lifetime). The API's tokens are apart.
    SESSION_MAX_HOURS = 12

    #: The public live page's stage is rendered once per meeting version and language and kept this
    #: many seconds: when the version changes, every phone in the room fetches it within one poll
    #: interval (bench/live.py). 0 renders it on every request (the tests: ids are reused there).
    LIVE_STAGE_CACHE_SECONDS = 10
    #: The shared cache of rendered public pages (core/http_cache.py): ``redis://host:port/db`` in
    #: production (shared by all workers), unset or ``simple``: each worker's memory (the embedded
    #: default), ``null``: no page cache (ETags and 304 answers stay).
    CACHE_URL: str | None = None
    CACHE_KEY_PREFIX = "wingrant:page:"
    #: A cached page's key holds the public-data version, so it is never stale; this only bounds memory.
    CACHE_PAGE_SECONDS = 3600
    CACHE_SIMPLE_ENTRIES = 500
    #: ``Cache-Control`` of public responses: browsers and proxies may keep a page this long and
    #: serve it while they revalidate for the second figure.
    PUBLIC_MAX_AGE = 60
    PUBLIC_STALE_WHILE_REVALIDATE = 300
    #: Stands for the templates and translations in ETags; default: version and newest file time.
    RELEASE: str | None = None
    #: The poll's answer (the meeting's version) is read at most once this many seconds per worker.
    LIVE_VERSION_CACHE_SECONDS = 1

    #: Erklärung zur Barrierefreiheit (/barrierefreiheit): where people report barriers, and the
    #: date of the last review (ISO), to be renewed by the operator after each review.
    ACCESSIBILITY_CONTACT_EMAIL = "barrierefreiheit@wingrant.example"
    ACCESSIBILITY_CONTACT_NAME = "WiN-Geschäftsführung"
    ACCESSIBILITY_REVIEWED_ON = "2026-11-21"


#: Environment variables read on top of instance/config.py (name without prefix).
ENV_SETTINGS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "UPLOAD_FOLDER": "UPLOAD_FOLDER",
    "RETENTION_DAYS": "PERSONAL_DATA_RETENTION_DAYS",
    "ACCESSIBILITY_CONTACT_EMAIL": "ACCESSIBILITY_CONTACT_EMAIL",
    "PUBLIC_URL": "PUBLIC_URL",
    "MAIL_URL": "MAIL_URL",
    "MAIL_FROM": "MAIL_FROM",
    "MAIL_FOLDER": "MAIL_FOLDER",
    "SESSION_IDLE_MINUTES": "SESSION_IDLE_MINUTES",
    "SESSION_MAX_HOURS": "SESSION_MAX_HOURS",
    "PROXY_COUNT": "PROXY_COUNT",
    "CACHE_URL": "CACHE_URL",
    "CACHE_KEY_PREFIX": "CACHE_KEY_PREFIX",
    "RELEASE": "RELEASE",
    "PUBLIC_MAX_AGE": "PUBLIC_MAX_AGE",
    "ATTACHMENT_QUOTA_PER_APPLICATION_MB": "ATTACHMENT_QUOTA_PER_APPLICATION_MB",
    "ATTACHMENT_QUOTA_PER_NEIGHBOURHOOD_MB": "ATTACHMENT_QUOTA_PER_NEIGHBOURHOOD_MB",
}

#: Settings that are whole numbers: the environment (and a careless instance file) gives strings.
INT_SETTINGS = ("PERSONAL_DATA_RETENTION_DAYS", "SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS", "PROXY_COUNT",
                "PUBLIC_MAX_AGE", "ATTACHMENT_QUOTA_PER_APPLICATION_MB", "ATTACHMENT_QUOTA_PER_NEIGHBOURHOOD_MB")


def load_config(app, overrides: dict | None = None) -> None:
    """Fill ``app.config`` from defaults, instance file, environment and overrides."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    for env_name, key in ENV_SETTINGS.items():
        value = os.environ.get(f"WINGRANT_{env_name}")
        if value:
            app.config[key] = value
    for key in INT_SETTINGS:
        if isinstance(app.config.get(key), str):
            app.config[key] = int(app.config[key])
    if os.environ.get("WINGRANT_HTTPS", "").lower() in ("1", "true", "yes"):
        app.config["HTTPS"] = True
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'wingrant.sqlite'}"
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = str(instance / "files")
    if not app.config["MAIL_FOLDER"]:
        app.config["MAIL_FOLDER"] = str(instance / "mail")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(instance)


def _instance_secret_key(instance: Path) -> str:
    """Read the generated key, or create it on first start (readable by the owner only)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker started at the same moment and won
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
