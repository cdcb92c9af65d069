"""Call-centre records as the ACD/IVR exports them, and what the hotline indicators count.

A row: ``call_id, queue, offered, answered, abandoned, ended, agent`` (and optionally
``province``); times are ISO 8601, Beijing time when they carry no offset. A call is
answered (``answered`` set) or abandoned (``abandoned`` set), never both; a call still
ringing when the file was cut has neither and counts as offered only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from telcare.domain.inputs import FIRST_YEAR, has_control
from telcare.domain.provinces import is_province

ANSWER_TARGET = timedelta(seconds=20)
"""HOTLINE_20S: a call counts as answered in time when an agent took it within 20 s."""
G3_QUEUE = "G3"
"""The G3 / 全球通 desk's queue: its callers are routed there first, with the same target."""
MAX_FIELD = 40
MAX_AHEAD = timedelta(days=1)
COLUMNS = ("call_id", "queue", "offered", "answered", "abandoned", "ended", "agent")
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class Call:
    call_id: str
    province: str
    queue: str
    offered_at: datetime
    answered_at: datetime | None
    abandoned_at: datetime | None
    ended_at: datetime | None
    agent: str | None

    @property
    def answered_in_time(self) -> bool:
        return self.answered_at is not None and self.answered_at - self.offered_at <= ANSWER_TARGET


class BadCall(ValueError):
    """A row that cannot be a call; the message is the reject file's reason."""


def _text(row: Mapping[str, str | None], name: str, *, required: bool) -> str | None:
    value = (row.get(name) or "").strip()
    if not value:
        if required:
            raise BadCall(f"{name}: missing")
        return None
    if has_control(value) or len(value) > MAX_FIELD:
        raise BadCall(f"{name}: control characters or longer than {MAX_FIELD}")
    return value


def _instant(
    row: Mapping[str, str | None], name: str, now: datetime, *, required: bool
) -> datetime | None:
    value = _text(row, name, required=required)
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadCall(f"{name}: not an ISO 8601 time") from None
    at = at if at.tzinfo else at.replace(tzinfo=BEIJING)
    if at.year < FIRST_YEAR or at > now + MAX_AHEAD:
        raise BadCall(f"{name}: out of range")
    return at


def read_call(row: Mapping[str, str | None], province: str | None, now: datetime) -> Call:
    """One exported row as a :class:`Call` (``province`` when the row has none), or
    :class:`BadCall` with the reason."""
    where = _text(row, "province", required=False) or province
    if where is None or not is_province(where.upper()):
        raise BadCall("province: missing or unknown")
    offered = _instant(row, "offered", now, required=True)
    assert offered is not None
    answered = _instant(row, "answered", now, required=False)
    abandoned = _instant(row, "abandoned", now, required=False)
    ended = _instant(row, "ended", now, required=False)
    if answered is not None and abandoned is not None:
        raise BadCall("answered and abandoned")
    for name, at in (("answered", answered), ("abandoned", abandoned), ("ended", ended)):
        if at is not None and at < offered:
            raise BadCall(f"{name}: before offered")
    return Call(
        call_id=str(_text(row, "call_id", required=True)),
        province=where.upper(),
        queue=str(_text(row, "queue", required=True)).upper(),
        offered_at=offered,
        answered_at=answered,
        abandoned_at=abandoned,
        ended_at=ended,
        agent=_text(row, "agent", required=False),
    )
