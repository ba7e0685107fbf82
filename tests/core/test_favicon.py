import pytest

pytestmark = pytest.mark.no_db


def test_the_favicon_is_served_where_browsers_ask_for_it_and_linked_from_every_page(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file

    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in page
