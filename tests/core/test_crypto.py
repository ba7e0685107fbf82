"""ID and certificate numbers are encrypted at rest and found again through their blind index; keys can be
rotated; a wrong key is a clear error, not garbage."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from volunteer_app import create_app
from volunteer_app.core import crypto
from volunteer_app.organisations.models import VolunteerProfile
from volunteer_app.socialwork.models import HouseholdMember


def test_an_encrypted_column_refuses_sql_comparisons_that_could_never_match():
    with pytest.raises(TypeError, match="blind index"):
        VolunteerProfile.id_number == "440605198706201019"  # noqa: B015 — building the expression is the test
    assert str(HouseholdMember.id_number.is_(None)).endswith("IS NULL")


@pytest.mark.no_db
def test_keys_rotate_and_a_missing_key_is_a_clear_error(tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()

    def app_with(keys: str):
        return create_app("testing", INSTANCE_PATH=str(tmp_path), DATA_ENCRYPTION_KEYS=keys, BLIND_INDEX_KEY="k1")

    with app_with(old).app_context():
        token = crypto.encrypt("440605198706201019")
        digest = crypto.blind_index("440605198706201019")
    with app_with(f"{new},{old}").app_context():  # a new key in front: old tokens still read, new ones use it
        assert crypto.decrypt(token) == "440605198706201019"
        assert Fernet(new.encode()).decrypt(crypto.encrypt("x").encode()) == b"x"
        assert crypto.blind_index("440605198706201019") == digest  # lookups survive a rotation
    with app_with(new).app_context(), pytest.raises(RuntimeError, match="DATA_ENCRYPTION_KEYS"):
        crypto.decrypt(token)
    with pytest.raises(RuntimeError, match="not a Fernet key"):
        app_with("not-a-key")


@pytest.mark.no_db
def test_without_configured_keys_they_are_made_once_in_the_instance_folder(tmp_path):
    with create_app("testing", INSTANCE_PATH=str(tmp_path)).app_context():
        token = crypto.encrypt("秘密")
    key_file = tmp_path / "data_encryption_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    with create_app("testing", INSTANCE_PATH=str(tmp_path)).app_context():
        assert crypto.decrypt(token) == "秘密"
