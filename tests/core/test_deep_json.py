"""A JSON body nested deeper than Python's json module can follow ('[' * 100000) is malformed JSON: 400 with the
usual error body and one log line, never a 500 with a traceback, before login and after."""

import logging

DEEP = "[" * 100_000


def _post_deep(client, path, headers=None):
    return client.post(path, data=DEEP, content_type="application/json", headers=headers or {})


def _app_log_records(caplog):
    return [r for r in caplog.records if r.name.startswith("volunteer_app") and r.levelno >= logging.WARNING]


def test_a_deeply_nested_body_is_refused_before_login(client, caplog):
    response = _post_deep(client, "/api/v1/auth/token")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    records = _app_log_records(caplog)
    assert len(records) == 1 and records[0].exc_info is None
    assert "/api/v1/auth/token" in records[0].getMessage()


def test_a_deeply_nested_body_is_refused_on_an_endpoint_behind_a_token(client, caplog, make_user, token_for):
    headers = token_for(make_user("admin"))

    response = _post_deep(client, "/api/v1/users", headers)

    assert response.status_code == 400
    assert set(response.get_json()["error"]) == {"code", "message"}
    assert len(_app_log_records(caplog)) == 1
