"""Times for tests that must not depend on the hour they run at."""

from __future__ import annotations

from datetime import UTC, datetime

from telcare.domain.subscriptions import OPERATOR_TZ


def office_hours_today() -> datetime:
    """Noon today in the operator's time zone: outside quiet hours, inside this month."""
    return datetime.now(OPERATOR_TZ).replace(hour=12, minute=0, second=0, microsecond=0)


# Inside the demo's 2026 loyalty campaigns (M-Zone double points, the top-up bonus).
LOYALTY_SEASON = datetime(2026, 11, 25, 4, tzinfo=UTC)
