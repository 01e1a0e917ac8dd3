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


def instance_secret_key(instance_path: Path) -> str:
    """A random key made once and kept in the instance folder, so no deployment ever signs with a known default.

    Several machines behind one load balancer must share a key: set ``PARSURVEY_SECRET_KEY`` there.
    """
    path = instance_path / "secret_key"
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
        # Public base URL used in printed links (letters, QR codes); requests use their own host.
        self.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_CODE_ENTRY = _env("RATELIMIT_CODE_ENTRY", "20 per minute")
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
        self.STAFF_IDLE_MINUTES = _int_env("STAFF_IDLE_MINUTES", 30)
        # Fewest completions a period of the console's time chart may show (see Anonymity in the README).
        self.ANONYMITY_K = _int_env("ANONYMITY_K", 5)
        # Units and groups whose RR1 is below this fraction are highlighted on the participation page.
        self.PARTICIPATION_TARGET = float(_env("PARTICIPATION_TARGET", "0.7") or 0.7)
        self.QUESTIONNAIRE_DIRS = [
            p for p in (_env("QUESTIONNAIRE_DIRS") or "").split(os.pathsep) if p
        ]
