"""Who may see and handle which province's quality records: staff only; provincial staff
their own province, headquarters every province (and the nation, ``HQ``)."""

from __future__ import annotations

from datetime import datetime

from telcare import clock
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ, PROVINCES

PLACES = frozenset({HQ, *(p.code for p in PROVINCES)})


def staff(who: Principal) -> None:
    if who.kind is not Kind.STAFF:
        raise Forbidden(N_("access.denied"))


def place(who: Principal, province: str | None) -> str | None:
    """The province ``who`` asks for: None = every one they may see (HQ: all)."""
    staff(who)
    wanted = (province or "").strip().upper() or None
    if wanted is not None and wanted not in PLACES:
        raise InvalidInput(N_("quality.province"))
    if who.is_headquarters:
        return wanted
    if wanted not in (None, who.province):
        raise Forbidden(N_("quality.province"))
    return who.province


def may_handle(who: Principal, province: str) -> None:
    staff(who)
    if not who.is_headquarters and province != who.province:
        raise Forbidden(N_("quality.province"))


def now_or(now: datetime | None) -> datetime:
    return now or clock.now()
