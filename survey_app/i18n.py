"""Language choice: Vietnamese by default, English by an explicit switch remembered in the signed session."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import get_locale

from survey_app.extensions import babel


def select_locale() -> str:
    """The remembered choice (``remember_language_switch`` has already stored any ``?lang=``), else Vietnamese."""
    remembered = session.get("lang")
    if remembered in current_app.config["LANGUAGES"]:
        return remembered
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The two-letter code of the language the page is rendered in."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_language_switch() -> None:
    """Save ``?lang=`` before any view runs: a link that redirects (``/s/<code>?lang=en``) renders nothing itself."""
    asked = request.args.get("lang")
    if asked in current_app.config["LANGUAGES"] and session.get("lang") != asked:
        session["lang"] = asked


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(remember_language_switch)

    @app.context_processor
    def inject_language():
        return {"current_language": current_language, "languages": app.config["LANGUAGES"]}
