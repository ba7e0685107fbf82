"""Sensitive numbers at rest (PIPL): ID numbers and disability certificate numbers are stored encrypted, and found
again through a keyed hash of their value (a "blind index"), so a copy of the database alone reveals none of them.

- `EncryptedString` is the column type: Fernet tokens (AES-128-CBC + HMAC-SHA256) in the table, plain text in
  Python. It refuses SQL comparisons, which could never match a token with a random IV: compare the blind index.
- `blind_index(value)` is HMAC-SHA256 of the value under its own key: equal values, equal digests; used for
  lookups and uniqueness (one volunteer profile per ID number).

Keys come from DATA_ENCRYPTION_KEYS (Fernet keys, comma-separated, newest first: older ones still decrypt, so a
new key can be put in front at any time) and BLIND_INDEX_KEY. Unset, each is made once into instance/, like the
secret key. Back instance/ up with the database: without these keys the numbers cannot be read again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from sqlalchemy.sql import operators

from volunteer_app.core.instance import instance_secret

EXTENSION = "shanzhi.crypto"


@dataclass(frozen=True)
class Keys:
    fernet: MultiFernet
    index_key: bytes


def init_app(app: Flask) -> None:
    instance = Path(app.instance_path)
    configured = app.config.get("DATA_ENCRYPTION_KEYS") or instance_secret(
        instance, "data_encryption_key", lambda: Fernet.generate_key().decode()
    )
    index_key = app.config.get("BLIND_INDEX_KEY") or instance_secret(
        instance, "blind_index_key", lambda: secrets.token_hex(32)
    )
    try:
        fernets = [Fernet(key.strip()) for key in configured.split(",") if key.strip()]
    except ValueError as error:
        raise RuntimeError(f"DATA_ENCRYPTION_KEYS holds a key that is not a Fernet key: {error}") from None
    if not fernets:
        raise RuntimeError("DATA_ENCRYPTION_KEYS is empty")
    app.extensions[EXTENSION] = Keys(MultiFernet(fernets), index_key.encode())


def _keys() -> Keys:
    return current_app.extensions[EXTENSION]


def encrypt(value: str) -> str:
    return _keys().fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys().fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        raise RuntimeError(
            "a stored number cannot be decrypted: DATA_ENCRYPTION_KEYS does not hold the key it was written with"
        ) from None


def reencrypt_all(batch_size: int = 500) -> int:
    """Rewrites every encrypted value with the first of DATA_ENCRYPTION_KEYS, so older keys can then be dropped.
    Works on the raw tokens (no decrypting into Python objects), a batch per commit. Returns the values rewritten."""
    from volunteer_app.extensions import db

    fernet = _keys().fernet
    done = 0
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (EncryptedString, EncryptedJSON))]
        if not columns:
            continue
        raw = sa.table(table.name, sa.column("id", sa.Integer), *(sa.column(c.name, sa.String) for c in columns))
        last_id = 0
        while True:
            rows = db.session.execute(
                sa.select(raw).where(raw.c.id > last_id).order_by(raw.c.id).limit(batch_size)
            ).all()
            if not rows:
                break
            for row in rows:
                values = {c.name: fernet.rotate(row._mapping[c.name].encode()).decode()
                          for c in columns if row._mapping[c.name] is not None}  # fmt: skip
                if values:
                    db.session.execute(sa.update(raw).where(raw.c.id == row.id).values(**values))
                    done += len(values)
            last_id = rows[-1].id
            db.session.commit()
    return done


def blind_index(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return hmac.new(_keys().index_key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedString(sa.TypeDecorator):
    """Text encrypted at rest. A token is about 100 characters plus 4/3 of the value's length."""

    impl = sa.String(255)
    cache_ok = True

    class comparator_factory(sa.String.Comparator):
        def operate(self, op, *other, **kwargs):
            if op in (operators.is_, operators.is_not):
                return super().operate(op, *other, **kwargs)
            raise TypeError("an encrypted column cannot be compared in SQL; compare its blind index instead")

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else decrypt(value)


class EncryptedJSON(sa.TypeDecorator):
    """A JSON value encrypted at rest as one token (for history that keeps old values of encrypted records)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else encrypt(json.dumps(value, ensure_ascii=False, default=str))

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Any:
        return None if value is None else json.loads(decrypt(value))
