"""What every domain's models share."""

from __future__ import annotations

import enum

from sqlalchemy.orm import validates

from volunteer_app.core.crypto import blind_index
from volunteer_app.core.identity import mask_id_number, mask_phone


def one_of(column: str, values: type[enum.Enum]) -> str:
    """A CHECK that `column` holds one of an enum's values, written out so a migration stays self-contained."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class PersonNumbers:
    """For a model of a person with an encrypted `id_number`, its `id_number_digest` and a `phone`: the digest
    follows every change of the number (also clearing it), and both numbers can be shown masked."""

    @validates("id_number")
    def _index_id_number(self, _key: str, value: str | None) -> str | None:
        self.id_number_digest = blind_index(value)
        return value

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
