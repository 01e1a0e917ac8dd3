"""parsurvey's web application: the factory is a plain list of ``init_app`` calls."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from survey_app.config import Config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; ``test_config`` overrides settings read from the environment."""
    app = Flask(__name__, instance_path=os.environ.get("PARSURVEY_INSTANCE_PATH") or None)
    app.config.from_object(Config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    from survey_app import errors, i18n, proxies, request_guard, security_headers, static_assets
    from survey_app.extensions import csrf, db, limiter, migrate

    proxies.init_app(app)
    db.init_app(app)
    migrations = os.path.join(os.path.dirname(__file__), "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    request_guard.init_app(app)
    security_headers.init_app(app)
    static_assets.init_app(app)

    from survey_app import queue
    from survey_app.jobs import exports, tasks  # noqa: F401  (importing registers the jobs with the queue)

    queue.init_app(app)

    from survey_app import models  # noqa: F401  (registers the tables with the metadata)
    from survey_app.blueprints import register_blueprints

    register_blueprints(app)

    from survey_app.cli import register_commands

    register_commands(app)
    return app
