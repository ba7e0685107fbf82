"""Service-hours certificates 服务证明 that anyone can check: printing one's service record issues a numbered
certificate (ZS-XXXX-XXXX) recording what it certified, and /verify/<number> answers for it without a login.

Printing again with no new ledger entry gives the same certificate back: the paper one prints twice, or reloads,
is the same certificate, and the table holds one row per state of someone's record rather than one per page view.
New hours (or a correction, or new star thresholds) make a new certificate; the earlier ones stay verifiable with
what they certified when issued.

What the public learns is the number, hours, star level, period, issuer and issue date, and the holder's name
masked (王*明), or that the account was closed: never a phone, an ID number or anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

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
    """The actor's own service record, with its certificate number: the latest certificate when nothing it counts
    has changed since, otherwise a new one. A record without hours gets no number (there is nothing to certify)."""
    printout = certificate(actor, now=now)
    period = printout.period
    if period is None or printout.total_minutes <= 0 or printout.through_entry_id is None:
        return printout
    latest = db.session.scalar(
        sa.select(ServiceCertificate)
        .where(ServiceCertificate.volunteer_id == printout.volunteer.id)
        .order_by(ServiceCertificate.id.desc())
        .limit(1)
    )
    wanted = (printout.through_entry_id, printout.total_minutes, printout.stars, printout.issuer)
    if latest is not None and (latest.through_entry_id, latest.minutes, latest.stars, latest.issuer) == wanted:
        printout.issued = latest
        return printout
    printout.issued = ServiceCertificate(
        number=new_number(NUMBER_PREFIX, _number_taken),
        volunteer_id=printout.volunteer.id,
        minutes=printout.total_minutes,
        stars=printout.stars,
        period_from=period[0],
        period_to=period[1],
        through_entry_id=printout.through_entry_id,
        issuer=printout.issuer[:200],
        issued_at=now or utcnow(),
    )
    db.session.add(printout.issued)
    db.session.commit()
    return printout


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
