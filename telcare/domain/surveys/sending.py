"""Who is asked and when: sampling, one survey per 7 days, quiet hours, 48 hours open, G3."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from telcare.domain.reminders import release_time

SURVEY_NUMBER = "10086700"
RESURVEY_AFTER = timedelta(days=7)
OPEN_FOR = timedelta(hours=48)


def sampled(key: str, percent: int, seed: str = "") -> bool:
    """Whether the contact ``key`` is in the sample: a hash of ``seed:key`` in [0, 100)
    below ``percent``. Deterministic: the same key always gives the same answer."""
    if percent >= 100:
        return True
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") * 100 < percent * 2**64


def may_survey(last_sent_at: datetime | None, now: datetime) -> bool:
    """At most one survey per subscriber per 7 days (counted from when one went out)."""
    return last_sent_at is None or now - last_sent_at >= RESURVEY_AFTER


def send_time(now: datetime) -> datetime:
    """When a survey due ``now`` may go out: never in quiet hours (22:00–08:00)."""
    return release_time(now)


def expires_at(sent_at: datetime) -> datetime:
    return sent_at + OPEN_FOR


def is_g3_package(code: str, name_zh: str = "", name_en: str = "") -> bool:
    """A subscription to this package is a "new G3 subscription" (the ``g3`` trigger):
    ``G3`` in its code or either name, case-insensitive — in the catalog QQT88
    (全球通88套餐G3版), WLT (动感地带网聊套餐G3版) and G3YH (1元G3优惠包)."""
    return any("G3" in part.upper() for part in (code, name_zh, name_en))
