"""Daily totals: a chunk's units and charges per subscriber-day, added to ``usage_day``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare.domain import rating
from telcare.services.charging.allowances import _Bucket, _month_bounds
from telcare.services.charging.posting import _ledger
from telcare.services.charging.records import SERVICE_NAMES, UFEN_COLUMNS, UNIT_COLUMNS
from telcare.services.charging.reminders import _reminders
from telcare.services.charging.subscribers import _Sub
from telcare.store import bulk
from telcare.store.charging_models import UsageDay


def _days(rows: pl.DataFrame) -> pl.DataFrame:
    """Per subscriber-day: this chunk's units and µfen per service."""
    aggs = []
    for i, name in enumerate(SERVICE_NAMES):
        is_svc = pl.col("svc") == i
        aggs.append(pl.col("units").filter(is_svc).sum().alias(UNIT_COLUMNS[i]))
        aggs.append(pl.col("charge_ufen").filter(is_svc).sum().alias(UFEN_COLUMNS[i]))
        del name
    return (
        rows.with_columns(((pl.col("epoch") + rating.LOCAL_OFFSET_S) // 86400).alias("dayn"))
        .group_by("sub_id", "dayn")
        .agg(aggs)
        .sort("sub_id", "dayn")
    )


def _post(
    s: Session,
    job_id: int,
    days: pl.DataFrame,
    subs: dict[str, _Sub],
    buckets: list[_Bucket],
    used_before: dict[tuple[int, str], tuple[int, int, int]],
    per_bucket: dict[tuple[int, str], list[int]],
    now: datetime,
) -> int:
    epoch_day = date(1970, 1, 1)
    sub_ids = sorted(set(days["sub_id"].to_list()))
    day_set = sorted({epoch_day + timedelta(days=d) for d in days["dayn"].to_list()})
    old: dict[tuple[int, date], UsageDay] = {}
    for i in range(0, len(sub_ids), 5000):
        for row in s.scalars(
            select(UsageDay).where(
                UsageDay.subscriber_id.in_(sub_ids[i : i + 5000]), UsageDay.day.in_(day_set)
            )
        ):
            old[(row.subscriber_id, row.day)] = row
    # The month's data µfen before this chunk, per (subscriber, month): reminders.
    months = sorted({d.strftime("%Y-%m") for d in day_set})
    oop_before = _month_data_ufen(s, sub_ids, months)
    upserts: list[dict[str, Any]] = []
    charges: dict[int, list[tuple[date, int]]] = {}
    oop_after = dict(oop_before)
    for rec in days.iter_rows(named=True):
        day = epoch_day + timedelta(days=rec["dayn"])
        key = (rec["sub_id"], day)
        prev = old.get(key)
        new = {
            c: (getattr(prev, c) if prev else 0) + int(rec[c])
            for c in (*UNIT_COLUMNS, *UFEN_COLUMNS)
        }
        charged = rating.ufen_to_fen(sum(new[c] for c in UFEN_COLUMNS))
        delta = charged - (prev.charged_fen if prev else 0)
        upserts.append({"subscriber_id": rec["sub_id"], "day": day, **new, "charged_fen": charged})
        if delta:
            charges.setdefault(rec["sub_id"], []).append((day, delta))
        mkey = (rec["sub_id"], day.strftime("%Y-%m"))
        oop_after[mkey] = oop_after.get(mkey, 0) + int(rec["data_ufen"])
    keys = ["subscriber_id", "day"]
    bulk.insert_rows(s, UsageDay, upserts, conflict=keys, update_on_conflict=True)
    by_id = {x.id: x for x in subs.values()}
    total = _ledger(s, job_id, charges, by_id, now)
    pairs = sorted(
        {
            (sid, (epoch_day + timedelta(days=dn)).strftime("%Y-%m"))
            for sid, dn, kb in days.select("sub_id", "dayn", "data_kb").iter_rows()
            if kb and by_id[sid].reminder
        }
    )
    if pairs:
        _reminders(s, by_id, buckets, used_before, per_bucket, (oop_before, oop_after), pairs, now)
    return total


def _month_data_ufen(
    s: Session, sub_ids: list[int], months: list[str]
) -> dict[tuple[int, str], int]:
    out: dict[tuple[int, str], int] = {}
    for month in months:
        start, end = _month_bounds(month)
        for i in range(0, len(sub_ids), 5000):
            rows = s.execute(
                select(UsageDay.subscriber_id, func.sum(UsageDay.data_ufen))
                .where(
                    UsageDay.subscriber_id.in_(sub_ids[i : i + 5000]),
                    UsageDay.day >= start.date(),
                    UsageDay.day < end.date(),
                )
                .group_by(UsageDay.subscriber_id)
            )
            for sid, total in rows:
                out[(sid, month)] = int(total or 0)
    return out
