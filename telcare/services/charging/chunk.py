"""The chunk transaction: validate, rate, store the usage and post it, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
from psycopg.errors import UniqueViolation
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import rating
from telcare.domain.months import month_of
from telcare.ops.metrics import USAGE_RECORDS
from telcare.services.charging.allowances import _buckets, _used
from telcare.services.charging.daily import _days, _post
from telcare.services.charging.records import CONTROL, UNIT_COLUMNS, _parse
from telcare.services.charging.subscribers import _Sub, _subscribers
from telcare.services.charging.zones import voice_prices
from telcare.services.quality.launch import rating_prices
from telcare.store import bulk
from telcare.store.charging_models import AllowanceUsage, IngestJob, UsageRecord
from telcare.store.models import TariffPrice
from telcare.store.uow import Database, UnitOfWork


@dataclass
class _ChunkResult:
    rated: int = 0
    duplicates: int = 0
    rejects: pl.DataFrame = field(default_factory=pl.DataFrame)
    charged_fen: int = 0


def _existing_ids(s: Session, ids: list[str], pg: bool) -> set[str]:
    if pg:
        rows = s.execute(
            text("SELECT record_id FROM usage_record WHERE record_id = ANY(:ids)"), {"ids": ids}
        )
        return {r[0] for r in rows}
    found: set[str] = set()
    for i in range(0, len(ids), 20000):
        part = ids[i : i + 20000]
        found.update(
            s.scalars(select(UsageRecord.record_id).where(UsageRecord.record_id.in_(part)))
        )
    return found


def _price_table(s: Session) -> rating.PriceTable:
    """The launched tariff prices (a price under launch test is not in force yet)."""
    return rating.PriceTable.from_tariffs(rating_prices(s))


def _epoch(when: datetime) -> int:
    return int(when.timestamp())


def _write_usage(s: Session, pg: bool, rows: pl.DataFrame) -> None:
    cols = ["record_id", "msisdn", "service", "started_at", "volume", "roaming", "peer"]
    cols += ["units", "covered", "charge_ufen", "job_id"]
    if pg:
        body = rows.with_columns(
            pl.from_epoch("epoch", "s").dt.strftime("%Y-%m-%d %H:%M:%S+00").alias("started_at")
        ).select(cols)
        raw = s.connection().connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY usage_record ({', '.join(cols)}) FROM STDIN (FORMAT csv)") as copy,
        ):
            copy.write(body.write_csv(include_header=False))
        return
    body = rows.with_columns(
        pl.from_epoch("epoch", "s").dt.strftime("%Y-%m-%d %H:%M:%S.000000").alias("started_at"),
        pl.col("roaming").cast(pl.Int8),
    ).select(cols)
    marks = ", ".join("?" for _ in cols)
    sql = f"INSERT INTO usage_record ({', '.join(cols)}) VALUES ({marks})"
    for lo in range(0, len(body), 50_000):  # slices: Python tuples are large
        s.connection().exec_driver_sql(sql, body.slice(lo, 50_000).rows())


MAX_FUTURE = timedelta(days=1)
"""Usage dated more than this after now is rejected (a clock or file error, not usage)."""


class _Ingest:
    """State of one file's ingest: database, job, prices and counters."""

    def __init__(
        self, db: Database, job_id: int, now: datetime | None, max_future: timedelta
    ) -> None:
        self.db = db
        self.pg = db.is_postgresql
        self.job_id = job_id
        self.now = now
        self.max_future = max_future

    def serialise(self, s: Session) -> None:
        """Take the ingest lock for this transaction (PostgreSQL; SQLite serialises writers)."""
        if self.pg:
            s.execute(text("SELECT pg_advisory_xact_lock(hashtext('telcare.usage_ingest'))"))

    def chunk(self, uow: UnitOfWork, frame: pl.DataFrame) -> _ChunkResult:
        s = uow.session
        self.serialise(s)
        now = self.now or clock.now()
        df = _parse(frame)
        subs = _subscribers(s, df.filter(pl.col("reason").is_null())["msisdn"].unique().to_list())
        known = pl.DataFrame(
            {
                "msisdn": [x.msisdn for x in subs.values()],
                "sub_id": [x.id for x in subs.values()],
                "status": [x.status for x in subs.values()],
            },
            schema={"msisdn": pl.String, "sub_id": pl.Int64, "status": pl.String},
        )
        df = df.join(known, on="msisdn", how="left")
        prices = _price_table(s)
        history = s.scalar(select(func.min(TariffPrice.valid_from)))
        earliest = (  # local midnight of the first tariff day
            _epoch(datetime(history.year, history.month, history.day, tzinfo=UTC))
            - rating.LOCAL_OFFSET_S
            if history is not None
            else 0
        )
        latest = _epoch(now + self.max_future)
        svc_code = pl.col("service").replace_strict(
            {"data": 0, "voice": 1, "sms": 2}, default=0, return_dtype=pl.Int8
        )
        df = df.with_columns(svc_code.alias("svc"))
        _, priced = prices.lookup(
            df["svc"].to_numpy(), df["epoch"].fill_null(0).to_numpy().astype(np.int64)
        )
        df = df.with_columns(
            pl.when(pl.col("reason").is_not_null())
            .then(pl.col("reason"))
            .when(pl.col("epoch") < earliest)
            .then(pl.lit(f"started_at before the tariff history ({history or '-'})"))
            .when(pl.col("epoch") > latest)
            .then(pl.lit(f"started_at too far in the future (more than {self.max_future})"))
            .when(pl.col("sub_id").is_null())
            .then(pl.lit("unknown msisdn"))
            .when(pl.col("status") == "closed")
            .then(pl.lit("inactive msisdn"))
            .when(~pl.Series(priced))
            .then(pl.lit("no tariff in force"))
            .otherwise(None)
            .alias("reason")
        )
        rejects = df.filter(pl.col("reason").is_not_null()).select(
            "line", "reason", pl.col("raw").str.replace_all(CONTROL, "\ufffd")
        )
        good = df.filter(pl.col("reason").is_null()).select(
            "record_id", "msisdn", "service", "epoch", "vol", "roam", "peer", "sub_id", "svc"
        )
        del df
        first = good.select(pl.col("record_id").is_first_distinct()).to_series()
        dup_in_file = int((~first).sum())
        good = good.filter(first)
        existing: set[str] = set()
        charged = 0
        try:  # optimistic: a fresh file has no stored ids; the usage COPY proves it
            with s.begin_nested():
                charged = self._rate_and_post(s, good, subs, prices, now) if len(good) else 0
        except (UniqueViolation, IntegrityError):  # some are stored: drop them, rate again
            existing = _existing_ids(s, good["record_id"].to_list(), self.pg)
            good = good.filter(~pl.col("record_id").is_in(list(existing)))
            charged = self._rate_and_post(s, good, subs, prices, now) if len(good) else 0
        result = _ChunkResult(
            rated=len(good), duplicates=dup_in_file + len(existing), rejects=rejects
        )
        result.charged_fen = charged
        job = s.get(IngestJob, self.job_id)
        assert job is not None
        job.rated += result.rated
        job.duplicates += result.duplicates
        job.rejected += len(rejects)
        USAGE_RECORDS.labels("rated").inc(result.rated)
        USAGE_RECORDS.labels("rejected").inc(len(rejects))
        USAGE_RECORDS.labels("duplicate").inc(result.duplicates)
        job.charged_fen += result.charged_fen
        job.updated_at = now
        return result

    def _rate_and_post(
        self,
        s: Session,
        good: pl.DataFrame,
        subs: dict[str, _Sub],
        prices: rating.PriceTable,
        now: datetime,
    ) -> int:
        epoch = good["epoch"].to_numpy().astype(np.int64)
        sub_ids = good["sub_id"].to_numpy().astype(np.int64)
        months = sorted(
            {
                month_of(datetime.fromtimestamp(int(t), UTC))
                for t in np.unique((epoch + rating.LOCAL_OFFSET_S) // 86400 * 86400)
            }
        )
        chunk_subs = sorted({int(x) for x in np.unique(sub_ids)})
        buckets = _buckets(s, chunk_subs, months)
        used_before = _used(s, buckets)
        remaining = [
            max(b.total - used_before.get((b.subscription_id, b.period), (0, 0, 0))[b.service], 0)
            for b in buckets
        ]
        arr = rating.Buckets(
            np.array([b.subscriber_id for b in buckets], dtype=np.int64),
            np.array([b.service for b in buckets], dtype=np.int8),
            np.array([_epoch(b.start) for b in buckets], dtype=np.int64),
            np.array([_epoch(b.end) for b in buckets], dtype=np.int64),
            np.array(remaining, dtype=np.int64),
            np.array([b.subscription_id for b in buckets], dtype=np.int64),
        )
        batch = rating.Batch(
            sub_ids,
            good["svc"].to_numpy().astype(np.int8),
            epoch,
            good["vol"].to_numpy().astype(np.int64),
            good["roam"].to_numpy().astype(np.bool_),
        )
        rated = rating.rate(batch, arr, prices)
        zoned = voice_prices(s, good)  # calls priced by where they go (-1: standard)
        charge = np.where(zoned >= 0, (rated.units - rated.covered) * zoned, rated.charge_ufen)
        rows = good.with_columns(
            pl.Series("units", rated.units),
            pl.Series("covered", rated.covered),
            pl.Series("charge_ufen", charge),
            pl.lit(self.job_id).alias("job_id"),
            pl.col("vol").alias("volume"),
            pl.col("roam").alias("roaming"),
        )
        _write_usage(s, self.pg, rows)
        # allowance use
        per_bucket: dict[tuple[int, str], list[int]] = {}
        for b, u in zip(buckets, rated.used.tolist(), strict=True):
            if u:
                per_bucket.setdefault((b.subscription_id, b.period), [0, 0, 0])[b.service] += u
        bulk.insert_rows(
            s,
            AllowanceUsage,
            [
                {
                    "subscription_id": sid,
                    "period": period,
                    **{
                        c: used_before.get((sid, period), (0, 0, 0))[i] + add[i]
                        for i, c in enumerate(UNIT_COLUMNS)
                    },
                }
                for (sid, period), add in per_bucket.items()
            ],
            conflict=["subscription_id", "period"],
            update_on_conflict=True,
        )
        days = _days(rows)
        return _post(s, self.job_id, days, subs, buckets, used_before, per_bucket, now)
