"""Who sees what: subscribers their own line, provincial staff their province,
SPs their own services, headquarters everything."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ


class Kind(enum.StrEnum):
    SUBSCRIBER = "subscriber"
    STAFF = "staff"
    SP = "sp"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller. ``subject`` is an MSISDN, a staff username or an SP code.

    ``version`` is the account's credential version when the principal was
    authenticated (staff and SPs): a token carries it and dies when the account's
    version moves on (password change, disabling, "log out everywhere").
    """

    kind: Kind
    subject: str
    province: str
    role: str = ""
    version: int = field(default=0, compare=False)

    @property
    def is_headquarters(self) -> bool:
        return self.kind is Kind.STAFF and self.province == HQ


def can_see_subscriber(who: Principal, msisdn: str, province: str) -> bool:
    if who.kind is Kind.SUBSCRIBER:
        return who.subject == msisdn
    if who.kind is Kind.STAFF:
        return who.is_headquarters or who.province == province
    return False


def require_subscriber_access(who: Principal, msisdn: str, province: str) -> None:
    """Raise :class:`Forbidden` unless ``who`` may see the line ``msisdn``."""
    if not can_see_subscriber(who, msisdn, province):
        raise Forbidden(N_("access.denied"))


def can_see_sp(who: Principal, access_code: str) -> bool:
    if who.kind is Kind.SP:
        return who.subject == access_code
    return who.kind is Kind.STAFF
