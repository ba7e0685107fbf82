"""Shanzhi 善治: the app factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from config import CONFIGS, INSTANCE_DIR
from volunteer_app.core.instance import instance_secret
from volunteer_app.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate, rest_api


def create_app(config_name: str | None = None, **overrides) -> Flask:
    # Production unless asked otherwise: `gunicorn wsgi:app` as the README writes it must never run in debug mode.
    # `flask run` asks for development through .flaskenv, the tests for testing.
    config_name = config_name or os.environ.get("FLASK_CONFIG") or "production"
    instance_path = overrides.pop("INSTANCE_PATH", None) or str(INSTANCE_DIR)
    app = Flask(__name__, instance_path=instance_path)
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path), "secret_key", lambda: secrets.token_hex(32))

    _init_extensions(app)
    _register_domains(app)
    return app


def select_locale() -> str:
    """The language chosen in this session, else the user's saved choice, else the browser's, else Chinese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and scheduler: messages for the operator, in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for choice in (session.get("lang"), getattr(current_user, "locale", None)):
        if choice in languages:
            return choice
    return request.accept_languages.best_match(list(languages), default=current_app.config["BABEL_DEFAULT_LOCALE"])


def _init_extensions(app: Flask) -> None:
    from volunteer_app.core import (  # noqa: F401 — sqlite sets connections up
        audit,
        crypto,
        errorhandlers,
        ids,
        languages,
        logs,
        security,
        sqlite,
    )

    logs.init_app(app)
    ids.init_app(app)
    crypto.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    babel.init_app(
        app, locale_selector=lambda: languages.parsed(select_locale()), timezone_selector=lambda: app.config["TIMEZONE"]
    )
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    rest_api.init_app(app)
    errorhandlers.init_app(app)
    security.init_app(app)
    audit.set_ip_source(lambda: request.remote_addr if has_request_context() else None)


# Each domain package may have `policy` (rules), `views.bp` (pages), `api.blp` (/api/v1), `jobs.JOBS` (what the
# scheduler process runs) and `cli`.
DOMAINS = ("accounts", "organisations", "events", "socialwork", "needs", "reports", "reminders", "privacy")


def _register_domains(app: Flask) -> None:
    from importlib import import_module
    from importlib.util import find_spec

    from volunteer_app import cli
    from volunteer_app.accounts import access
    from volunteer_app.api import docs
    from volunteer_app.core import jobs, navigation
    from volunteer_app.core import views as core_views

    access.init_app(app)
    navigation.init_app(app)
    app.register_blueprint(core_views.bp)
    app.register_blueprint(docs.bp)
    app.extensions[jobs.EXTENSION] = []
    for domain in DOMAINS:
        package = f"volunteer_app.{domain}"
        if find_spec(f"{package}.policy"):
            import_module(f"{package}.policy")
        if find_spec(f"{package}.views"):
            app.register_blueprint(import_module(f"{package}.views").bp)
        if find_spec(f"{package}.api"):
            blueprint = import_module(f"{package}.api").blp
            rest_api.register_blueprint(blueprint)
            csrf.exempt(blueprint)
        if find_spec(f"{package}.jobs"):
            app.extensions[jobs.EXTENSION].extend(import_module(f"{package}.jobs").JOBS)
    cli.init_app(app)
