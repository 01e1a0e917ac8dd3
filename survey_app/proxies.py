"""Trusting the reverse proxy in front of the app, and only as many hops as the operator configured.

Behind nginx every request comes from the proxy's address; ``PARSURVEY_TRUSTED_PROXIES`` (the number of proxies in
front of the app, 0 when it faces the clients) lets Werkzeug's ``ProxyFix`` take the client's address and scheme
from ``X-Forwarded-For`` / ``X-Forwarded-Proto``. With 0 those headers are ignored: a client could forge them.
The address keys the wrong-code budget; the scheme decides HSTS and ``Secure`` cookies.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
