"""Times for tests that must not depend on the hour they run at."""

from __future__ import annotations

from datetime import datetime

from telcare.domain.subscriptions import OPERATOR_TZ


def office_hours_today() -> datetime:
    """Noon today in the operator's time zone: outside quiet hours, inside this month."""
    return datetime.now(OPERATOR_TZ).replace(hour=12, minute=0, second=0, microsecond=0)
