import pytest

from volunteer_app import create_app

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
