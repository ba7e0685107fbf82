"""Record ids in paths are positive 32-bit integers: a larger number names nothing and never reaches the database."""

import pytest

# Routes whose services looked the id up without bounds: PostgreSQL refused 2**31 (integer out of range) and SQLite
# refused 2**63 (too large for its INTEGER), both as server errors.
UNBOUNDED_BEFORE = [
    ("POST", "/api/v1/outbox/{}/retry"),
    ("POST", "/api/v1/outbox/{}/cancel"),
    ("POST", "/api/v1/me/notifications/{}/read"),
    ("DELETE", "/api/v1/holiday-overrides/{}"),
]


@pytest.mark.parametrize("big", [2**31, 2**63])
@pytest.mark.parametrize(("method", "path"), UNBOUNDED_BEFORE)
def test_a_path_id_beyond_32_bits_is_a_404(client, make_user, token_for, method, path, big):
    response = client.open(path.format(big), method=method, json={}, headers=token_for(make_user("admin")))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_path_id_of_zero_is_a_404(client, make_user, token_for):
    assert client.get("/api/v1/towns/0", headers=token_for(make_user("admin"))).status_code == 404


def test_the_openapi_document_states_the_range_of_path_ids(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    (parameter,) = spec["paths"]["/api/v1/outbox/{notification_id}/retry"]["parameters"]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
