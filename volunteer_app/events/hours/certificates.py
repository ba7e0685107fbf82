"""Service-hours certificates 服务证明 that anyone can check: printing one's service record issues a numbered
certificate (ZS-XXXX-XXXX) recording what it certified, and /verify/<number> answers for it without a login.

Printing again with no new ledger entry gives the same certificate back: the paper one prints twice, or reloads,
is the same certificate, and the table holds one row per state of someone's record (the newest ledger entry it
counts, hours, stars, issuer) rather than one per page view. A unique index on that state makes it so when two
prints come at once: the second to write finds the first's certificate and gives it back. New hours (or a
correction, or new star thresholds) make a new certificate; the earlier ones stay verifiable with what they
certified when issued. Each certificate minted is audited.

What the public learns is the number, hours, star level, period, issuer and issue date, and the holder's name
masked (王*明), or that the account was closed: never a phone, an ID number or anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from volunteer_app.core import audit
from volunteer_app.core.errors import NotFound
from volunteer_app.core.identity import mask_name
from volunteer_app.core.numbers import new_number, normalise_number
from volunteer_app.core.policy import Actor
from volunteer_app.core.time import utcnow
from volunteer_app.events.hours.ledger import Certificate, certificate
from volunteer_app.events.models import ServiceCertificate
from volunteer_app.extensions import db

NUMBER_PREFIX = "ZS"  # 证书 / 证明


def issue_certificate(actor: Actor, *, now: datetime | None = None) -> Certificate:
    """The actor's own service record, with its certificate number: the certificate of this state of the record
    when there is one, otherwise a new one. A record without hours gets no number (there is nothing to certify)."""
    printout = certificate(actor, now=now)
    period = printout.period
    if period is None or printout.total_minutes <= 0 or printout.through_entry_id is None:
        return printout
    state = {
        "volunteer_id": printout.volunteer.id,
        "through_entry_id": printout.through_entry_id,
        "minutes": printout.total_minutes,
        "stars": printout.stars,
        "issuer": printout.issuer[:200],
    }
    printout.issued = _certificate_of(state) or _mint(actor, state, period, now or utcnow())
    return printout


def _certificate_of(state: dict) -> ServiceCertificate | None:
    return db.session.scalar(
        sa.select(ServiceCertificate)
        .where(*(getattr(ServiceCertificate, key) == value for key, value in state.items()))
        .where(ServiceCertificate.duplicate.is_(False))
    )


def _mint(actor: Actor, state: dict, period: tuple[date, date], now: datetime) -> ServiceCertificate:
    """A new certificate of this state, or the one another print of the same state wrote first (the unique index
    refuses the second: its transaction is rolled back and the first one's certificate is read)."""
    issued = ServiceCertificate(
        number=new_number(NUMBER_PREFIX, _number_taken),
        period_from=period[0],
        period_to=period[1],
        issued_at=now,
        **state,
    )
    db.session.add(issued)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        first = _certificate_of(state)
        if first is None:  # not a twin: some other constraint, which is a bug to hear about
            raise
        return first
    audit.record(
        actor,
        "create",
        "service_certificate",
        issued.id,
        detail={"number": issued.number, "minutes": issued.minutes, "through_entry_id": issued.through_entry_id},
    )
    db.session.commit()
    return issued


def _number_taken(number: str) -> bool:
    return db.session.scalar(sa.select(ServiceCertificate.id).where(ServiceCertificate.number == number)) is not None


@dataclass(frozen=True)
class Verification:
    """What the public verify page and API say about a certificate."""

    number: str
    hours: float
    stars: int
    period_from: date
    period_to: date
    issuer: str
    issued_on: date
    holder: str  # the name masked; "" once the account is closed
    account_closed: bool


def verify_certificate(number: str | None) -> Verification:
    """The certificate with this number (as typed: lower case, spaces, O for 0 are read right), or NotFound."""
    number = normalise_certificate_number(number)
    query = sa.select(ServiceCertificate).where(ServiceCertificate.number == number)
    found = db.session.scalar(query) if number else None
    if found is None:
        raise NotFound(_("No certificate has this number."))
    holder = found.volunteer
    return Verification(
        number=found.number,
        hours=found.hours,
        stars=found.stars,
        period_from=found.period_from,
        period_to=found.period_to,
        issuer=found.issuer,
        issued_on=found.issued_on,
        holder=mask_name(holder.name) if holder is not None else "",
        account_closed=holder is None,
    )


def normalise_certificate_number(text: str | None) -> str:
    return normalise_number(text, NUMBER_PREFIX)


def certificates_of(volunteer_id: int) -> list[ServiceCertificate]:
    """A person's certificates, newest first (their data download lists them)."""
    return list(
        db.session.scalars(
            sa.select(ServiceCertificate)
            .where(ServiceCertificate.volunteer_id == volunteer_id)
            .order_by(ServiceCertificate.id.desc())
        )
    )


def forget_holder(volunteer_id: int) -> int:
    """On closing an account: the certificates stay, answering with what they certified, but name no one."""
    return db.session.execute(
        sa.update(ServiceCertificate).where(ServiceCertificate.volunteer_id == volunteer_id).values(volunteer_id=None),
        execution_options={"synchronize_session": False},
    ).rowcount
