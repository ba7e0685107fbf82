import pytest

from volunteer_app import create_app
from volunteer_app.accounts import access
from volunteer_app.extensions import db

pytestmark = pytest.mark.no_db


@pytest.fixture
def production_app(tmp_path):
    app = create_app("production", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="k")

    @app.route("/boom")
    @access.public
    def boom():
        raise RuntimeError("a bug")

    @app.route("/api/v1/boom")
    @access.public
    def api_boom():
        raise RuntimeError("a bug")

    return app


@pytest.mark.parametrize(("language", "text"), [("zh-CN", "系统出现错误"), ("en", "Something went wrong")])
def test_an_unexpected_error_shows_the_500_page_in_the_users_language(production_app, language, text):
    response = production_app.test_client().get("/boom", headers={"Accept-Language": language})
    assert response.status_code == 500
    assert text in response.get_data(as_text=True)
    assert "a bug" not in response.get_data(as_text=True)


def test_an_unexpected_api_error_is_json(production_app):
    response = production_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_server_error"


@pytest.mark.parametrize(("language", "text"), [("zh-CN", "不存在"), ("en", "does not exist")])
def test_the_not_found_page_speaks_both_languages(production_app, language, text):
    response = production_app.test_client().get("/nowhere", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_logins_are_rate_limited_per_address(tmp_path):
    app = create_app(
        "testing", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'rate.db'}",
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute",
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    statuses = [
        client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}).status_code for _ in range(3)
    ]
    assert statuses[-1] == 429
    assert client.post("/api/v1/auth/token", json={}).get_json()["error"]["code"] == "too_many_requests"

