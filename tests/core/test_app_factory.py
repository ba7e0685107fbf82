import os
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from volunteer_app import create_app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.no_db


def test_an_unset_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("config.DevelopmentConfig.SECRET_KEY", None)
    first = create_app("development", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert first.config["SECRET_KEY"] != ""
    assert (tmp_path / "secret_key").read_text().strip() == first.config["SECRET_KEY"]
    second = create_app("development", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_postgres_urls_use_the_psycopg3_driver():
    from config import normalise_database_url

    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"



def test_the_wsgi_app_is_the_production_configuration_when_nothing_is_set(tmp_path):
    """What `gunicorn wsgi:app` serves with no FLASK_CONFIG: production (no debug, a Secure cookie, the secret key
    kept in instance/). A fresh interpreter, since the settings are read from the environment at import."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "SESSION_", "SECRET_"))}
    env.update(INSTANCE_PATH=str(tmp_path), DATABASE_URL="sqlite://")
    code = (
        "from wsgi import app; c = app.config; key = open(app.instance_path + '/secret_key').read(); "
        "print(c['DEBUG'], c['SESSION_COOKIE_SECURE'], c['SECRET_KEY'] == key)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True", "True"]


def test_flask_run_asks_for_development_in_flaskenv():
    assert dotenv_values(ROOT / ".flaskenv")["FLASK_CONFIG"] == "development"
