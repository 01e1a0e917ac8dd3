"""Configuration comes from PARSURVEY_* variables; without a secret key the instance makes its own, never a default."""

from __future__ import annotations

import stat

from survey_app import create_app


def _app(monkeypatch, instance, **env):
    monkeypatch.delenv("PARSURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("PARSURVEY_PSEUDONYM_KEY", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(f"PARSURVEY_{name}", value)
    monkeypatch.setenv("PARSURVEY_INSTANCE_PATH", str(instance))
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_without_a_configured_key_each_instance_folder_gets_its_own_random_key(monkeypatch, tmp_path):
    first = _app(monkeypatch, tmp_path / "a").config["SECRET_KEY"]
    again = _app(monkeypatch, tmp_path / "a").config["SECRET_KEY"]
    other = _app(monkeypatch, tmp_path / "b").config["SECRET_KEY"]
    assert first == again, "a restart keeps the key, so respondents' sessions survive it"
    assert first != other and len(first) >= 48
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode == 0o600, "only the server's user may read the key"


def test_a_configured_key_wins_and_writes_no_file(monkeypatch, tmp_path):
    app = _app(monkeypatch, tmp_path, SECRET_KEY="from-the-environment")
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_the_pseudonym_key_is_made_once_apart_from_the_secret_key_or_taken_from_the_environment(monkeypatch, tmp_path):
    """Drafts and completions are keyed with it: a restart must keep it, and it is not the cookie-signing key."""
    first = _app(monkeypatch, tmp_path / "a").config
    assert _app(monkeypatch, tmp_path / "a").config["PSEUDONYM_KEY"] == first["PSEUDONYM_KEY"]
    assert first["PSEUDONYM_KEY"] != first["SECRET_KEY"] and len(first["PSEUDONYM_KEY"]) >= 48
    assert stat.S_IMODE((tmp_path / "a" / "pseudonym_key").stat().st_mode) == 0o600
    configured = _app(monkeypatch, tmp_path / "b", PSEUDONYM_KEY="kept-with-the-application")
    assert configured.config["PSEUDONYM_KEY"] == "kept-with-the-application"
    assert not (tmp_path / "b" / "pseudonym_key").exists()


def test_settings_are_read_from_parsurvey_variables(monkeypatch, tmp_path):
    app = _app(monkeypatch, tmp_path, MAX_CONTENT_LENGTH="1000", RATELIMIT_CODE_ENTRY="5 per minute",
               PUBLIC_BASE_URL="https://khaosat.haiphong.gov.vn")
    assert app.config["MAX_CONTENT_LENGTH"] == 1000
    assert app.config["RATELIMIT_CODE_ENTRY"] == "5 per minute"
    assert app.config["PUBLIC_BASE_URL"] == "https://khaosat.haiphong.gov.vn"
