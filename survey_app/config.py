"""One configuration object, read from the environment, so every deployment differs only by variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"PARSURVEY_{name}", default)


def _int_env(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"PARSURVEY_{name} must be a whole number, got {raw!r}")


def _bool_env(name: str, default: bool) -> bool:
    raw = (_env(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"PARSURVEY_{name} must be true or false, got {raw!r}")


def instance_secret_key(instance_path: Path, name: str = "secret_key") -> str:
    """A random key made once and kept in the instance folder, so no deployment ever signs with a known default.

    Several machines behind one load balancer must share a key: set ``PARSURVEY_SECRET_KEY`` there. ``name`` picks
    the file (``pseudonym_key`` keeps the pseudonym key, see :mod:`survey_app.pseudonyms`).
    """
    path = instance_path / name
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:  # O_EXCL: two workers starting together agree on the first key written
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


class Config:
    """Settings for :func:`survey_app.create_app`; every one can be set by a ``PARSURVEY_*`` variable."""

    def __init__(self, instance_path: str):
        default_db = "sqlite:///" + str(Path(instance_path) / "parsurvey.sqlite")
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", default_db)
        self.SECRET_KEY = _env("SECRET_KEY") or instance_secret_key(Path(instance_path))
        # Keys drafts and spent markers to invitations (survey_app/pseudonyms.py); never stored in the database.
        self.PSEUDONYM_KEY = _env("PSEUDONYM_KEY") or instance_secret_key(Path(instance_path), "pseudonym_key")
        # Public base URL used in printed links (letters, QR codes); requests use their own host.
        self.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_CODE_ENTRY = _env("RATELIMIT_CODE_ENTRY", "20 per minute")
        # The store only slows guessing: an unreachable one must cost a second at most, then let requests through.
        self.RATELIMIT_STORAGE_OPTIONS = (
            {"socket_connect_timeout": 1, "socket_timeout": 1} if self.RATELIMIT_STORAGE_URI.startswith("redis") else {}
        )
        self.RATELIMIT_SWALLOW_ERRORS = True
        # How many reverse proxies stand in front of the app (their X-Forwarded-* headers are then believed).
        self.TRUSTED_PROXIES = _int_env("TRUSTED_PROXIES", 0)
        self.MAX_CONTENT_LENGTH = _int_env("MAX_CONTENT_LENGTH", 256 * 1024)
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.LANGUAGES = ("vi", "en")
        self.WTF_CSRF_TIME_LIMIT = _int_env("CSRF_TIME_LIMIT", 8 * 3600)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # Send the session cookie only when it changes: re-sent on every response, a late request (a favicon, a
        # second tab) carrying an older cookie could overwrite a newer one and lose a language or a draft token.
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.PERMANENT_SESSION_LIFETIME = _int_env("SESSION_DAYS", 31) * 86400
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_HTTPONLY = True
        # Console: failed logins allowed per address and per e-mail; minutes without a request before logout.
        self.RATELIMIT_LOGIN = _env("RATELIMIT_LOGIN", "10 per 15 minutes")
        # Read API: requests allowed per token (or, without one, per address).
        self.RATELIMIT_API = _env("RATELIMIT_API", "300 per minute")
        self.STAFF_IDLE_MINUTES = _int_env("STAFF_IDLE_MINUTES", 30)
        # Fewest completions a period of the console's time chart may show (see Anonymity in the README).
        self.ANONYMITY_K = _int_env("ANONYMITY_K", 5)
        # Units and groups whose RR1 is below this fraction are highlighted on the participation page.
        self.PARTICIPATION_TARGET = float(_env("PARTICIPATION_TARGET", "0.7") or 0.7)
        self.QUESTIONNAIRE_DIRS = [
            p for p in (_env("QUESTIONNAIRE_DIRS") or "").split(os.pathsep) if p
        ]
        # Background jobs (survey_app/jobs): empty = a SQLite queue file in the instance folder (one machine);
        # redis://host:6379/0 when several machines share the work. IMMEDIATE runs each job at once (tests).
        self.QUEUE_URL = _env("QUEUE_URL", "")
        self.QUEUE_IMMEDIATE = _bool_env("QUEUE_IMMEDIATE", False)
        self.JOB_RETRIES = _int_env("JOB_RETRIES", 5)
        self.JOB_RETRY_DELAY = _int_env("JOB_RETRY_DELAY", 120)
        # A job running on another machine whose worker may have died is queued again after this many minutes
        # (this machine's workers are asked directly); 0 = never. See survey_app/queue_recovery.py.
        self.JOB_LEASE_MINUTES = _int_env("JOB_LEASE_MINUTES", 120)
        # Hours a console export's file is kept for its requester before the worker deletes it.
        self.EXPORT_KEEP_HOURS = _int_env("EXPORT_KEEP_HOURS", 24)
        # Outgoing e-mail (invitations and reminders).
        self.SMTP_HOST = _env("SMTP_HOST", "localhost")
        self.SMTP_PORT = _int_env("SMTP_PORT", 25)
        self.SMTP_USER = _env("SMTP_USER", "")
        self.SMTP_PASSWORD = _env("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = _bool_env("SMTP_STARTTLS", False)
        self.SMTP_FROM = _env("SMTP_FROM", "parsurvey@localhost")
        self.SMTP_TIMEOUT = _int_env("SMTP_TIMEOUT", 30)
        # Throttle: at most MAIL_PER_MINUTE messages leave per minute, and nobody is reminded again within
        # REMINDER_INTERVAL_DAYS of the last e-mail they were sent.
        self.MAIL_PER_MINUTE = _int_env("MAIL_PER_MINUTE", 30)
        self.REMINDER_INTERVAL_DAYS = _int_env("REMINDER_INTERVAL_DAYS", 7)
        # Drafts of a survey closed more than this many days ago are deleted (daily by the worker, or by
        # `parsurvey drafts purge`): late answers are no longer possible and they only keep answers beside a key.
        self.DRAFT_GRACE_DAYS = _int_env("DRAFT_GRACE_DAYS", 30)
