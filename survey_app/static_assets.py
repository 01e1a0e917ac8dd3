"""Static files: fingerprinted URLs cached for a year, and pages compressed by the app itself.

Every ``url_for('static', ...)`` gets ``?v=<first 12 hex of the file's SHA-256>``. A request carrying the current
fingerprint is answered with ``Cache-Control: public, max-age=31536000, immutable``: the browser never asks again,
and a changed file gets a new URL. Without it (an old or hand-typed URL) Flask's default applies: revalidate.
Flask-Compress compresses pages (and these files) when the client accepts it, so the embedded default is light on a
phone without a reverse proxy in front.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, Response, request
from flask_compress import Compress

ONE_YEAR = 365 * 24 * 3600
compress = Compress()


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


def fingerprint(app: Flask, filename: str) -> str | None:
    """The fingerprint of a static file (recomputed when it changes on disk), or None if there is no such file."""
    path = os.path.join(app.static_folder or "", filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "text/css", "text/javascript", "application/javascript",
                                                 "application/json", "image/svg+xml"])

    # Registered before Flask-Compress, so it runs after it (Flask runs after-request functions last-registered
    # first). Flask-Compress leaves non-2xx responses alone, but a page sent back with its problems (400) is the
    # heaviest page a respondent meets, and error pages are pages too: compress them the same way.
    @app.after_request
    def compress_sent_back_pages(response: Response) -> Response:
        if response.status_code >= 400 and "Content-Encoding" not in response.headers:
            status = response.status
            response.status_code = 200
            response = compress.after_request(response)
            response.status = status
        return response

    compress.init_app(app)

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = fingerprint(app, values["filename"])
            if digest:
                values["v"] = digest

    # Registered after Flask-Compress: Flask runs after-request functions last-registered first, so the static
    # response is made compressible (not passed through as a file stream) before Flask-Compress sees it.
    @app.after_request
    def cache_fingerprinted(response: Response) -> Response:
        if request.endpoint != "static":
            return response
        filename = (request.view_args or {}).get("filename", "")
        if response.status_code == 200 and request.args.get("v") == fingerprint(app, filename):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        if response.direct_passthrough:  # small files: read them, so that Flask-Compress compresses them like pages
            response.direct_passthrough = False
            response.make_sequence()
        return response
