"""The one place Telcare reads the current instant.

Services, the SMS engine, jobs and pages call :func:`now` (or take an explicit
``now=`` argument and fall back to it). ``TELCARE_CLOCK`` set to an ISO instant
with its offset (``2027-01-01T00:00:30+08:00``) starts this process's clock there
for demos and for the processes a clock-pinned test run starts; the clock then runs
on at real speed. Tests pin the clock with ``time-machine``, which moves
``datetime.now`` itself, so this module follows them without a hook of its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pydantic import ValidationError

from telcare.config import Settings
from telcare.domain.subscriptions import OPERATOR_TZ

ENV = "TELCARE_CLOCK"


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; one without an offset is taken as Beijing time."""
    at = datetime.fromisoformat(text.strip())
    return at if at.tzinfo else at.replace(tzinfo=OPERATOR_TZ)


def _offset_for(start: str | None) -> timedelta:
    return parse_instant(start) - datetime.now(UTC) if start else timedelta(0)


def _configured_start() -> str | None:
    try:
        return Settings().clock  # TELCARE_CLOCK
    except ValidationError:  # another setting is wrong: the entry point reports it
        return None


_offset = _offset_for(_configured_start())


def start_at(instant: datetime | None) -> None:
    """Run this process's clock from ``instant`` on (``None``: the real time again)."""
    global _offset
    _offset = instant - datetime.now(UTC) if instant else timedelta(0)


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC) + _offset


def local_now() -> datetime:
    """The current instant in the operator's time zone (Beijing time)."""
    return now().astimezone(OPERATOR_TZ)


def today() -> date:
    """Today's date in the operator's time zone."""
    return local_now().date()
