"""Voice records priced by where they go (:mod:`telcare.domain.call_zones`), per chunk.

For each voice record the zone is found from its caller, its ``peer``, its roaming
flag, the caller's province and the zone-changing products in force at
``started_at`` (两城一家, 非常假期, 长途一费制); its unit price is the zone's
tariff in force that day. A record whose zone cannot be told keeps the standard
voice tariff (``-1`` here). Cities are cached per number, prices per tariff and day.

The holiday calendar is a callable: by default the operator's calendar
(:func:`telcare.services.calendar.operator_calendar`, China's holiday breaks plus the
operator's overrides, read only when a 非常假期 line makes a call);
:func:`use_holidays` replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import numpy as np
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import call_zones as cz
from telcare.domain import rating
from telcare.domain.calendar import is_holiday
from telcare.domain.catalog import price_at
from telcare.domain.errors import UnknownProduct
from telcare.domain.subscriptions import OPERATOR_TZ, in_force
from telcare.services.calendar import operator_calendar
from telcare.services.quality.launch import rating_prices
from telcare.store.models import Subscriber, Subscription


def operator_holiday(day: date) -> bool:
    """Whether ``day`` is in a holiday break of the operator's calendar."""
    return is_holiday(day, operator_calendar())


_holidays: list[Callable[[date], bool]] = [operator_holiday]


def use_holidays(is_holiday: Callable[[date], bool]) -> None:
    """Rate 非常假期 with this holiday calendar."""
    _holidays[0] = is_holiday


def voice_prices(s: Session, good: pl.DataFrame) -> np.ndarray:
    """Per record of ``good``: the zone's µfen per minute, or -1 (standard tariff)."""
    out = np.full(len(good), -1, dtype=np.int64)
    voice = np.flatnonzero(good["svc"].to_numpy() == rating.VOICE)
    if not len(voice):
        return out
    sub_ids = good["sub_id"].to_numpy()[voice].astype(np.int64)
    wanted = sorted({int(i) for i in np.unique(sub_ids)})
    province: dict[int, str] = dict(
        s.execute(
            select(Subscriber.id, Subscriber.province_code).where(Subscriber.id.in_(wanted))
        ).all()
    )
    held: dict[int, list[tuple[str, datetime, datetime | None]]] = {}
    for sid, code, starts, ends in s.execute(
        select(
            Subscription.subscriber_id,
            Subscription.product_code,
            Subscription.starts_at,
            Subscription.ends_at,
        ).where(
            Subscription.subscriber_id.in_(wanted),
            Subscription.product_code.in_(sorted(cz.VOICE_PRODUCTS)),
            Subscription.state != "pending",
        )
    ).all():
        held.setdefault(sid, []).append((code, starts, ends))
    tariffs = rating_prices(s, list(cz.ZONE_TARIFF.values()))  # launched prices only
    cache: dict[tuple[str, date], int] = {}
    is_holiday = _holidays[0]
    callers = good["msisdn"].to_numpy()[voice]
    peers = good["peer"].to_numpy()[voice]
    roams = good["roam"].to_numpy()[voice]
    epochs = good["epoch"].to_numpy()[voice]
    for k, i in enumerate(voice.tolist()):
        sid = int(sub_ids[k])
        at = datetime.fromtimestamp(int(epochs[k]), UTC)
        day = at.astimezone(OPERATOR_TZ).date()
        codes = [c for c, a, b in held.get(sid, ()) if in_force(a, b, at)]
        zone = cz.call_zone(
            str(callers[k]),
            str(peers[k] or ""),
            bool(roams[k]),
            codes,
            province.get(sid, ""),
            day,
            is_holiday,
        )
        if zone is None:
            continue
        code = cz.ZONE_TARIFF[zone]
        if (code, day) not in cache:
            try:
                cache[(code, day)] = rating.to_ufen(price_at(tariffs, code, day).fen_per_unit)
            except UnknownProduct:  # no such price in force: the standard tariff applies
                cache[(code, day)] = -1
        out[i] = cache[(code, day)]
    return out
