"""Security headers on every page, through Flask-Talisman, and cookies marked ``Secure`` whenever the page was.

- A Content-Security-Policy allowing scripts, styles and images from our own origin only (no inline script runs,
  so an injected one would not), ``frame-ancestors 'none'`` with ``X-Frame-Options: DENY`` (no clickjacking),
  ``nosniff``;
- ``Referrer-Policy: no-referrer``: personal links carry the code in their URL, which must never reach another
  site;
- over https (the scheme comes from the trusted proxy, see :mod:`survey_app.proxies`): HSTS for a year and the
  session cookie marked ``Secure``. Plain http (the development server) keeps working;
- ``Cache-Control: no-store`` on respondent pages: they show answers, and a shared computer must not keep them.
"""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_talisman import Talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
NO_STORE_BLUEPRINTS = frozenset({"respondent"})

talisman = Talisman()


class SchemeAwareSessions(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` when the request came over https, so http development still works."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_app(app: Flask) -> None:
    talisman.init_app(
        app,
        force_https=False,  # the proxy redirects; the app also serves plain http in development
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        session_cookie_secure=False,  # decided per request by SchemeAwareSessions
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="no-referrer",
    )
    app.session_interface = SchemeAwareSessions()

    @app.after_request
    def no_store_answers(response):
        if request.blueprint in NO_STORE_BLUEPRINTS:
            response.headers["Cache-Control"] = "no-store"
        return response
