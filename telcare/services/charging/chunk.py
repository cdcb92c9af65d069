"""Charging: ingest usage files, rate them, post charges, barring and data reminders.

One chunk of a file is one transaction: usage rows, allowance use, daily charges,
ledger entries (via :func:`telcare.services.accounts.post_bulk`), barring marks,
SMS notices (via :func:`queue_many`) and the job checkpoint commit together or not
at all, so a crash loses and doubles nothing and a re-run finishes the job. Ingests are
serialised (PostgreSQL advisory lock; SQLite ``BEGIN IMMEDIATE``), and a record
whose ``record_id`` is already stored is a duplicate: never rated twice.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from psycopg.errors import UniqueViolation
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.config import get_settings
from telcare.domain import months, rating
from telcare.domain.catalog import Service
from telcare.domain.errors import InvalidInput
from telcare.domain.ledger import EntryKind
from telcare.domain.money import fen_to_yuan
from telcare.domain.months import month_of
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.reminders import (
    SHANGHAI,
    AllowanceUse,
    DataUsage,
    Reminder,
    due_reminders,
)
from telcare.services import accounts, lookups
from telcare.services.idempotency import run_once
from telcare.services.notify import Notice, queue_many
from telcare.store import bulk
from telcare.store.charging_models import (
    AllowanceUsage,
    DataReminderSent,
    IngestJob,
    UsageDay,
    UsageRecord,
)
from telcare.store.models import Account, Product, Subscriber, Subscription, TariffPrice
from telcare.store.uow import Database, UnitOfWork

COLUMNS = ("record_id", "msisdn", "service", "started_at", "volume", "roaming", "peer")
CHUNK_ROWS = 500_000
MAX_VOLUME = 10**10  # 10 TB, 300 years of talk: anything beyond is a broken record
SERVICE_NAMES = ("data", "voice", "sms")
UNIT_COLUMNS = ("data_kb", "voice_min", "sms")
UFEN_COLUMNS = ("data_ufen", "voice_ufen", "sms_ufen")
Progress = Callable[[int, int], None]  # (done, total) in bytes (CSV) or rows (Parquet)


@dataclass
class IngestSummary:
    """What one file did (a resumed job counts the whole file, not only this run)."""

    rated: int = 0
    duplicates: int = 0
    rejected: int = 0
    charged_fen: int = 0
    lines: int = 0
    job_id: int = 0
    resumed: bool = False
    reject_path: str = ""


# --- reading --------------------------------------------------------------------------


@dataclass
class _Chunk:
    frame: pl.DataFrame  # COLUMNS as strings + "line" number + "raw" + "malformed"
    end: int  # position after this chunk
    total: int
    lines: int  # lines (rows) consumed, blank lines included


def _fingerprint(path: Path) -> str:
    size = path.stat().st_size
    digest = hashlib.sha256(f"{path.name}:{size}:".encode())
    with path.open("rb") as f:
        digest.update(f.read(1 << 20))
        if size > 1 << 20:
            f.seek(max(size - (1 << 16), 1 << 20))
            digest.update(f.read())
    return digest.hexdigest()


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"PAR1"


def _csv_chunks(path: Path, start: int, first_line: int, rows: int) -> Iterator[_Chunk]:
    """Raw lines, one string column, split on newlines; the header line is skipped."""
    total = path.stat().st_size
    block = max(rows * 80, 1 << 16)
    with path.open("rb") as f:
        if start == 0:
            header = f.readline()
            names = tuple(c.strip().lower() for c in header.decode("utf-8", "replace").split(","))
            if names != COLUMNS:
                raise InvalidInput("usage.bad_header", expected=",".join(COLUMNS))
            start = f.tell()
        f.seek(start)
        line = first_line + 1  # file line numbers: the header is line 1
        pending = b""
        while True:
            data = pending + f.read(block)
            if not data:
                return
            cut = data.rfind(b"\n")
            at_eof = f.tell() >= total
            if cut < 0 and not at_eof:
                pending = data
                continue
            body, pending = (data, b"") if at_eof else (data[: cut + 1], data[cut + 1 :])
            start += len(body)
            # str.split, not Polars' split + explode: about 110 MB less peak per chunk
            lines = pl.Series("raw", body.decode("utf-8", "replace").split("\n"), pl.String)
            if body.endswith(b"\n"):
                lines = lines.head(len(lines) - 1)
            frame = pl.DataFrame(
                {"line": np.arange(line + 1, line + 1 + len(lines)), "raw": lines}
            ).with_columns(pl.col("raw").str.strip_chars_end("\r"))
            line += len(lines)
            consumed = len(lines)
            frame = _split_fields(frame.filter(pl.col("raw").str.strip_chars() != ""))
            del data, body, lines  # memory: only the frame lives while the chunk is rated
            yield _Chunk(frame, start, total, consumed)
            del frame
            if at_eof:
                return


def _split_fields(frame: pl.DataFrame) -> pl.DataFrame:
    fields = pl.col("raw").str.split_exact(",", len(COLUMNS) - 1).struct.rename_fields(COLUMNS)
    return frame.with_columns(
        fields.alias("f"),
        (pl.col("raw").str.count_matches(",", literal=True) != len(COLUMNS) - 1).alias("malformed"),
    ).unnest("f")


def _parquet_chunks(path: Path, start: int, rows: int) -> Iterator[_Chunk]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    pf = pq.ParquetFile(path)
    total = pf.metadata.num_rows
    missing = set(COLUMNS) - set(pf.schema_arrow.names)
    if missing:
        raise InvalidInput("usage.bad_header", expected=",".join(COLUMNS))
    seen = 0
    for batch in pf.iter_batches(batch_size=rows, columns=list(COLUMNS)):
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        first, seen = seen, seen + len(frame)
        if seen <= start:
            continue
        frame = frame.slice(max(start - first, 0))
        offset = max(start, first)
        started = frame["started_at"]
        if started.dtype == pl.Datetime:
            tz = getattr(started.dtype, "time_zone", None)
            local = started if tz else started.dt.replace_time_zone("Asia/Shanghai")
            frame = frame.with_columns(
                local.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
            )
        frame = frame.select(pl.col(c).cast(pl.String) for c in COLUMNS)
        raw = pl.concat_str([pl.col(c).fill_null("") for c in COLUMNS], separator=",")
        frame = frame.with_columns(
            pl.Series("line", np.arange(offset + 1, offset + 1 + len(frame))),
            raw.alias("raw"),
            pl.lit(False).alias("malformed"),
        )
        yield _Chunk(frame, seen, total, len(frame))


# --- validation -----------------------------------------------------------------------


def _parse(frame: pl.DataFrame) -> pl.DataFrame:
    """Typed columns plus ``reason`` (null when the line is well formed)."""
    ts = pl.col("started_at").str.strip_chars().str.replace(r"Z$", "+00:00")
    epoch = pl.coalesce(
        ts.str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False).dt.epoch("s"),
        ts.str.to_datetime("%Y-%m-%d %H:%M:%S%z", strict=False).dt.epoch("s"),
        ts.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False).dt.epoch("s") - rating.LOCAL_OFFSET_S,
        ts.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False).dt.epoch("s") - rating.LOCAL_OFFSET_S,
    )
    vol = pl.col("volume").str.strip_chars()
    roam = pl.col("roaming").str.strip_chars().str.to_lowercase()
    svc = pl.col("service").str.strip_chars().str.to_lowercase()
    rid = pl.col("record_id").str.strip_chars().str.strip_chars('"')
    msisdn = pl.col("msisdn").str.strip_chars().str.strip_chars('"')
    peer = pl.col("peer").str.strip_chars().str.strip_chars('"')
    parsed = frame.with_columns(
        rid.alias("record_id"),
        msisdn.alias("msisdn"),
        svc.alias("service"),
        epoch.alias("epoch"),
        vol.cast(pl.Int64, strict=False).alias("vol"),
        roam.is_in(["1", "true", "y", "yes"]).alias("roam"),
        peer.fill_null("").alias("peer"),
    )
    reason = (
        pl.when(pl.col("malformed"))
        .then(pl.lit(f"malformed line: expected {len(COLUMNS)} fields"))
        .when(pl.col("record_id").is_null() | (pl.col("record_id").str.len_chars() == 0))
        .then(pl.lit("missing record_id"))
        .when(pl.col("record_id").str.len_chars() > 64)
        .then(pl.lit("record_id longer than 64"))
        .when(~pl.col("msisdn").str.contains(r"^1[3-9]\d{9}$"))
        .then(pl.lit("malformed msisdn"))
        .when(~pl.col("service").is_in(list(SERVICE_NAMES)))
        .then(pl.lit("unknown service"))
        .when(pl.col("epoch").is_null())
        .then(pl.lit("malformed started_at"))
        .when(pl.col("vol").is_null())
        .then(pl.lit("malformed volume"))
        .when(pl.col("vol") < 0)
        .then(pl.lit("negative volume"))
        .when(pl.col("vol") > MAX_VOLUME)
        .then(pl.lit("volume too large"))
        .when(~roam.is_in(["0", "1", "true", "false", "y", "n", "yes", "no", ""]))
        .then(pl.lit("malformed roaming flag"))
        .when(pl.col("peer").str.len_chars() > 32)
        .then(pl.lit("peer longer than 32"))
        .otherwise(None)
    )
    return parsed.with_columns(reason.alias("reason"))


# --- the chunk transaction ------------------------------------------------------------


@dataclass
class _ChunkResult:
    rated: int = 0
    duplicates: int = 0
    rejects: pl.DataFrame = field(default_factory=pl.DataFrame)
    charged_fen: int = 0


@dataclass(frozen=True)
class _Sub:
    id: int
    account_id: int
    msisdn: str
    status: str
    language: str
    reminder: bool


def _subscribers(s: Session, numbers: list[str]) -> dict[str, _Sub]:
    default = get_settings().reminders_default_on
    out: dict[str, _Sub] = {}
    for i in range(0, len(numbers), 5000):
        rows = s.execute(
            select(Subscriber, Account.id)
            .join(Account, Account.subscriber_id == Subscriber.id)
            .where(Subscriber.msisdn.in_(numbers[i : i + 5000]))
        ).all()
        for sub, account_id in rows:
            on = default if sub.data_reminder is None else sub.data_reminder
            out[sub.msisdn] = _Sub(sub.id, account_id, sub.msisdn, sub.status, sub.language, on)
    return out


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
    from telcare.domain.catalog import TariffPrice as DomainPrice

    return rating.PriceTable.from_tariffs(
        DomainPrice(p.code, Service(p.service), p.unit, p.fen_per_unit, p.valid_from, p.valid_to)
        for p in s.scalars(select(TariffPrice))
    )


_month_bounds = months.bounds


@dataclass(frozen=True)
class _Bucket:
    subscriber_id: int
    subscription_id: int
    period: str
    service: int
    start: datetime
    end: datetime
    total: int
    name: str


def _buckets(s: Session, sub_ids: list[int], months: list[str]) -> list[_Bucket]:
    """Allowance buckets in force in ``months`` for these subscribers (consumption order
    is decided by the rating core: earliest end, then subscription id)."""
    out: list[_Bucket] = []
    if not sub_ids:
        return out
    far = datetime(9999, 1, 1, tzinfo=UTC)
    rows = s.execute(
        select(Subscription, Product)
        .join(Product, Product.code == Subscription.product_code)
        .where(
            Subscription.subscriber_id.in_(sub_ids),
            Subscription.state != "pending",
            (Product.data_kb > 0) | (Product.voice_min > 0) | (Product.sms > 0),
        )
    ).all()
    for sub, prod in rows:
        if sub.state in ("cancelled", "expired") and sub.ends_at is None:
            continue  # no known end: treat as never in force
        caps = (prod.data_kb, prod.voice_min, prod.sms)
        if prod.period == "once":
            days = prod.validity_days or 0
            end = sub.ends_at or (sub.starts_at + timedelta(days=days) if days else far)
            windows = [("once", sub.starts_at, end)]
        else:
            windows = []
            for month in months:
                m_start, m_end = _month_bounds(month)
                start = max(sub.starts_at, m_start)
                end = min(sub.ends_at or far, m_end)
                if start < end:
                    windows.append((month, start, end))
        for period, start, end in windows:
            for service, cap in enumerate(caps):
                if cap > 0:
                    out.append(
                        _Bucket(
                            sub.subscriber_id,
                            sub.id,
                            period,
                            service,
                            start,
                            end,
                            cap,
                            prod.name_zh,
                        )
                    )
    return out


def _used(s: Session, buckets: list[_Bucket]) -> dict[tuple[int, str], tuple[int, int, int]]:
    ids = sorted({b.subscription_id for b in buckets})
    out: dict[tuple[int, str], tuple[int, int, int]] = {}
    for i in range(0, len(ids), 5000):
        for row in s.scalars(
            select(AllowanceUsage).where(AllowanceUsage.subscription_id.in_(ids[i : i + 5000]))
        ):
            out[(row.subscription_id, row.period)] = (row.data_kb, row.voice_min, row.sms)
    return out


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


def _texts(lang: str) -> dict[str, str]:
    if lang == "en":
        return {
            "allowance": "Data reminder: you have used {level}% of {name} this month; "
            "{left} MB left.",
            "charges": "Data reminder: your out-of-package data charges this month "
            "have reached {yuan} yuan.",
            "barring": "Your balance is used up ({yuan} yuan). Please recharge to keep "
            "your service. Reply QXLLTX to stop data reminders.",
        }
    return {
        "allowance": "【流量提醒】尊敬的客户，您本月{name}的数据流量已使用{level}%，剩余{left}MB。",
        "charges": "【流量提醒】尊敬的客户，您本月套餐外数据流量费用已达{yuan}元。",
        "barring": "尊敬的客户，您的账户余额已用尽（当前余额{yuan}元），"
        "为避免停机，请及时充值。中国移动",
    }


class _Ingest:
    """State of one file's ingest: database, job, prices and counters."""

    def __init__(self, db: Database, job_id: int, now: datetime | None) -> None:
        self.db = db
        self.pg = db.is_postgresql
        self.job_id = job_id
        self.now = now

    def chunk(self, uow: UnitOfWork, frame: pl.DataFrame) -> _ChunkResult:
        s = uow.session
        if self.pg:
            s.execute(text("SELECT pg_advisory_xact_lock(hashtext('telcare.usage_ingest'))"))
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
            .when(pl.col("sub_id").is_null())
            .then(pl.lit("unknown msisdn"))
            .when(pl.col("status") == "closed")
            .then(pl.lit("inactive msisdn"))
            .when(~pl.Series(priced))
            .then(pl.lit("no tariff in force"))
            .otherwise(None)
            .alias("reason")
        )
        rejects = df.filter(pl.col("reason").is_not_null()).select("line", "reason", "raw")
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
        rows = good.with_columns(
            pl.Series("units", rated.units),
            pl.Series("covered", rated.covered),
            pl.Series("charge_ufen", rated.charge_ufen),
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
        days = self._days(s, rows)
        return self._post(s, days, subs, buckets, used_before, per_bucket, now)

    def _days(self, s: Session, rows: pl.DataFrame) -> pl.DataFrame:
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
        self,
        s: Session,
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
        oop_before = self._month_data_ufen(s, sub_ids, months)
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
            upserts.append(
                {"subscriber_id": rec["sub_id"], "day": day, **new, "charged_fen": charged}
            )
            if delta:
                charges.setdefault(rec["sub_id"], []).append((day, delta))
            mkey = (rec["sub_id"], day.strftime("%Y-%m"))
            oop_after[mkey] = oop_after.get(mkey, 0) + int(rec["data_ufen"])
        keys = ["subscriber_id", "day"]
        bulk.insert_rows(s, UsageDay, upserts, conflict=keys, update_on_conflict=True)
        by_id = {x.id: x for x in subs.values()}
        total = self._ledger(s, charges, by_id, now)
        pairs = sorted(
            {
                (sid, (epoch_day + timedelta(days=dn)).strftime("%Y-%m"))
                for sid, dn, kb in days.select("sub_id", "dayn", "data_kb").iter_rows()
                if kb and by_id[sid].reminder
            }
        )
        if pairs:
            self._reminders(
                s, by_id, buckets, used_before, per_bucket, (oop_before, oop_after), pairs, now
            )
        return total

    def _month_data_ufen(
        self, s: Session, sub_ids: list[int], months: list[str]
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

    def _ledger(
        self,
        s: Session,
        charges: dict[int, list[tuple[date, int]]],
        by_id: dict[int, _Sub],
        now: datetime,
    ) -> int:
        """One entry per subscriber-day moved; barring mark and notice at zero."""
        if not charges:
            return 0
        held = accounts.lock_many(s, (by_id[sid].account_id for sid in charges))
        postings = [
            accounts.BulkPosting(
                held[by_id[sid].account_id],
                EntryKind.CHARGE,
                -delta,
                f"usage {day.isoformat()}",
                self._reference(day),
            )
            for sid, items in sorted(charges.items())
            for day, delta in items
        ]
        barred = {a.id for a in accounts.post_bulk(s, postings, allow_negative=True)}
        notices = []
        for sid in sorted(charges):
            sub = by_id[sid]
            if sub.account_id in barred:
                account = held[sub.account_id]
                text = _texts(sub.language)["barring"].format(yuan=fen_to_yuan(account.balance_fen))
                key = f"barring:{sid}:{self._reference(charges[sid][-1][0])}"
                notices.append(Notice(sub.msisdn, text, key))
        queue_many(s, notices, now=now)
        return sum(delta for items in charges.values() for _, delta in items)

    def _reference(self, day: date) -> str:
        return f"usage:{self.job_id}:{day.isoformat()}"

    def _reminders(
        self,
        s: Session,
        by_id: dict[int, _Sub],
        buckets: list[_Bucket],
        used_before: dict[tuple[int, str], tuple[int, int, int]],
        per_bucket: dict[tuple[int, str], list[int]],
        oop: tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]],
        pairs: list[tuple[int, str]],
        now: datetime,
    ) -> None:
        """Queue the data reminders whose thresholds this chunk crossed."""
        months = sorted({m for _, m in pairs})
        sent: dict[tuple[int, str], set[str]] = {}
        ids = sorted({sid for sid, _ in pairs})
        mark = DataReminderSent
        for i in range(0, len(ids), 5000):
            for sid, month, threshold in s.execute(
                select(mark.subscriber_id, mark.month, mark.threshold).where(
                    mark.subscriber_id.in_(ids[i : i + 5000]), mark.month.in_(months)
                )
            ):
                sent.setdefault((sid, month), set()).add(threshold)
        marks: list[dict[str, Any]] = []
        notices: list[Notice] = []
        data_buckets: dict[int, list[_Bucket]] = {}
        for b in buckets:
            if b.service == rating.DATA:
                data_buckets.setdefault(b.subscriber_id, []).append(b)
        for sid, month in pairs:
            m_start, m_end = _month_bounds(month)
            mine = [
                b
                for b in data_buckets.get(sid, [])
                if b.period in (month, "once") and b.start < m_end and b.end > m_start
            ]

            states = []
            for after in (False, True):
                uses = []
                for b in mine:
                    used = used_before.get((b.subscription_id, b.period), (0, 0, 0))[0]
                    if after:
                        used += per_bucket.get((b.subscription_id, b.period), [0, 0, 0])[0]
                    uses.append(AllowanceUse(str(b.subscription_id), b.name, b.total, used))
                ufen = oop[after].get((sid, month), 0)
                states.append(DataUsage(tuple(uses), rating.ufen_to_fen(ufen)))
            due = due_reminders(
                states[0], states[1], now=now, already=sent.get((sid, month), set())
            )
            for r in due:
                marks.append(
                    {
                        "subscriber_id": sid,
                        "month": month,
                        "threshold": r.key,
                        "sent": r.send,
                        "created_at": now,
                    }
                )
                if r.send:
                    sub = by_id[sid]
                    notices.append(
                        Notice(
                            sub.msisdn,
                            _reminder_text(r, sub.language),
                            f"llx:{sid}:{month}:{r.key}",
                            not_before=r.not_before,
                        )
                    )
        queue_many(s, notices, now=now)
        bulk.insert_rows(s, DataReminderSent, marks)


def _reminder_text(r: Reminder, lang: str) -> str:
    texts = _texts(lang)
    if r.kind == "allowance":
        return texts["allowance"].format(level=r.level, name=r.name, left=r.left_kb // 1024)
    return texts["charges"].format(yuan=fen_to_yuan(r.level))


# --- the use cases --------------------------------------------------------------------


def ingest(
    db: Database,
    path: str | os.PathLike[str],
    *,
    reject_path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    now: datetime | None = None,
) -> IngestSummary:
    """Rate a CSV or Parquet usage file, chunk by chunk, each chunk one transaction.

    An unfinished job for the same file resumes from its checkpoint (the summary
    then covers the whole file); a finished one is read again and every record is
    a duplicate. Rejected lines go to ``reject_path`` (default ``FILE.rejects.csv``)
    as ``line,reason,raw``.
    """
    file = Path(path)
    rejects = Path(reject_path) if reject_path else file.with_name(file.name + ".rejects.csv")
    fp = _fingerprint(file)
    started = clock.now()
    with db.uow() as uow:
        job = uow.session.scalars(
            select(IngestJob)
            .where(IngestJob.fingerprint == fp, IngestJob.status == "running")
            .order_by(IngestJob.id.desc())
        ).first()
        resumed = job is not None
        if job is None:
            job = IngestJob(
                file_name=str(file)[-500:],
                fingerprint=fp,
                status="running",
                position=0,
                lines=0,
                rated=0,
                duplicates=0,
                rejected=0,
                charged_fen=0,
                started_at=started,
                updated_at=started,
            )
            uow.session.add(job)
        uow.commit()
        job_id, position, lines = job.id, job.position, job.lines
    _prepare_rejects(rejects, resumed, lines + (0 if _is_parquet(file) else 1))
    work = _Ingest(db, job_id, now)
    chunks = (
        _parquet_chunks(file, position, chunk_rows)
        if _is_parquet(file)
        else _csv_chunks(file, position, lines, chunk_rows)
    )
    for chunk in chunks:
        with db.uow() as uow:
            result = work.chunk(uow, chunk.frame)
            job = uow.session.get(IngestJob, job_id)
            assert job is not None
            job.position = chunk.end
            job.lines += chunk.lines
            if len(result.rejects):
                _append_rejects(rejects, result.rejects)
            uow.commit()
        if progress is not None:
            progress(chunk.end, chunk.total)
    with db.uow() as uow:
        job = uow.session.get(IngestJob, job_id)
        assert job is not None
        job.status = "done"
        uow.commit()
        return IngestSummary(
            rated=job.rated,
            duplicates=job.duplicates,
            rejected=job.rejected,
            charged_fen=job.charged_fen,
            lines=job.lines,
            job_id=job.id,
            resumed=resumed,
            reject_path=str(rejects),
        )


def _prepare_rejects(path: Path, resumed: bool, last_line: int) -> None:
    """A new job starts a fresh reject file. A resumed one keeps the lines of committed
    chunks only: rejects are appended just before their chunk commits, so after a
    crash the file is cut back to what the database counts (``line <= last_line``)."""
    if resumed and path.exists():
        kept = pl.read_csv(path, schema={"line": pl.Int64, "reason": pl.String, "raw": pl.String})
        path.write_text("line,reason,raw\n", encoding="utf-8")
        _append_rejects(path, kept.filter(pl.col("line") <= last_line))
        return
    path.write_text("line,reason,raw\n", encoding="utf-8")


def _append_rejects(path: Path, rejects: pl.DataFrame) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(rejects.write_csv(include_header=False))
        f.flush()
        os.fsync(f.fileno())


# --- usage summary and reminder opt-in ------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllowanceLeft:
    """One allowance of one package in force in the month."""

    subscription_id: int
    code: str
    name_zh: str
    name_en: str
    service: str  # data | voice | sms
    total: int  # KB, minutes or messages
    used: int
    ends_at: datetime | None

    @property
    def left(self) -> int:
        return max(self.total - self.used, 0)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """A subscriber's month: use, allowances left and out-of-package charges (fen).

    ``*_charge_fen`` are the month's exact charges per service rounded once for
    display; ``charged_fen`` is what the ledger holds (rounded per day).
    """

    msisdn: str
    month: str
    data_kb: int
    voice_min: int
    sms: int
    data_charge_fen: int
    voice_charge_fen: int
    sms_charge_fen: int
    charged_fen: int
    allowances: tuple[AllowanceLeft, ...]

    def left(self, service: str) -> int:
        return sum(a.left for a in self.allowances if a.service == service)


def usage_summary(db: Database, msisdn: str, month: str | None = None) -> UsageSummary:
    """This (or ``month``, ``YYYY-MM``) month's use, allowances left and charges."""
    month = month or month_of(clock.now())
    try:
        m_start, m_end = _month_bounds(month)
    except ValueError as exc:
        raise InvalidInput("usage.bad_month", month=month) from exc
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        sums = s.execute(
            select(
                *(
                    func.coalesce(func.sum(getattr(UsageDay, c)), 0)
                    for c in (*UNIT_COLUMNS, *UFEN_COLUMNS, "charged_fen")
                )
            ).where(
                UsageDay.subscriber_id == sub.id,
                UsageDay.day >= m_start.date(),
                UsageDay.day < m_end.date(),
            )
        ).one()
        totals = [int(x) for x in sums]
        allowances: list[AllowanceLeft] = []
        buckets = [b for b in _buckets(s, [sub.id], [month]) if b.start < m_end and b.end > m_start]
        used = _used(s, buckets)
        products = {
            sid: (code, zh, en, ends)
            for sid, code, zh, en, ends in s.execute(
                select(
                    Subscription.id,
                    Product.code,
                    Product.name_zh,
                    Product.name_en,
                    Subscription.ends_at,
                )
                .join(Product, Product.code == Subscription.product_code)
                .where(Subscription.id.in_({b.subscription_id for b in buckets}))
            )
        }
        for b in sorted(buckets, key=lambda b: (b.end, b.subscription_id, b.service)):
            code, zh, en, ends = products[b.subscription_id]
            allowances.append(
                AllowanceLeft(
                    b.subscription_id,
                    code,
                    zh,
                    en,
                    SERVICE_NAMES[b.service],
                    b.total,
                    used.get((b.subscription_id, b.period), (0, 0, 0))[b.service],
                    ends,
                )
            )
        return UsageSummary(
            msisdn=sub.msisdn,
            month=month,
            data_kb=totals[0],
            voice_min=totals[1],
            sms=totals[2],
            data_charge_fen=rating.ufen_to_fen(totals[3]),
            voice_charge_fen=rating.ufen_to_fen(totals[4]),
            sms_charge_fen=rating.ufen_to_fen(totals[5]),
            charged_fen=totals[6],
            allowances=tuple(allowances),
        )


def reminder_enabled(db: Database, msisdn: str) -> bool:
    """Whether data reminders are on: the subscriber's choice, else the operator's."""
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        return reminder_on(sub.data_reminder)


def reminder_on(choice: bool | None) -> bool:
    return get_settings().reminders_default_on if choice is None else choice


def set_data_reminder(db: Database, msisdn: str, on: bool, *, idempotency_key: str) -> bool:
    """Turn data reminders on or off (``KTLLTX`` / ``QXLLTX``, the page, the API)."""
    number = normalise_msisdn(msisdn)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        sub = lookups.subscriber(uow.session, number)
        sub.data_reminder = on
        return {"msisdn": number, "on": on}

    result = run_once(db, "reminder.set", idempotency_key, {"msisdn": number, "on": on}, work)
    return bool(result["on"])


# --- demo data ------------------------------------------------------------------------


def generate_usage(
    db: Database,
    path: str | os.PathLike[str],
    records: int,
    *,
    days: int = 1,
    end: datetime | None = None,
    prefix: str = "g",
    seed: int = 20091001,
    chunk_rows: int = 1_000_000,
) -> int:
    """Write ``records`` realistic usage records (CSV) for the active subscribers.

    Mix: 60% data (log-normal, median ~33 KB), 30% voice (exponential, mean 2 min),
    10% SMS; 5% roaming; spread over the ``days`` days before ``end`` (default: the
    start of today, Asia/Shanghai). Written in chunks: memory stays flat.
    """
    with db.uow() as uow:
        numbers = np.array(
            sorted(
                uow.session.scalars(select(Subscriber.msisdn).where(Subscriber.status != "closed"))
            )
        )
    if not len(numbers):
        raise InvalidInput("usage.no_subscribers")
    today = (end or clock.local_now()).astimezone(SHANGHAI)
    stop = int(today.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())
    first = stop - days * 86400
    rng = np.random.default_rng(seed)
    with Path(path).open("wb") as f:
        f.write((",".join(COLUMNS) + "\n").encode())
        for lo in range(0, records, chunk_rows):
            n = min(chunk_rows, records - lo)
            kind = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
            volume = np.where(
                kind == 0,
                np.clip(rng.lognormal(3.5, 1.2, n), 1, 200_000).astype(np.int64),
                np.where(kind == 1, rng.exponential(120, n).astype(np.int64) + 1, 1),
            )
            peers = numbers[rng.integers(0, len(numbers), n)]
            frame = pl.DataFrame(
                {
                    "record_id": pl.Series(np.arange(lo, lo + n)).cast(pl.String),
                    "msisdn": numbers[rng.integers(0, len(numbers), n)],
                    "service": np.array(SERVICE_NAMES)[kind],
                    "started_at": pl.from_epoch(
                        pl.Series(np.sort(rng.integers(first, stop, n)) + rating.LOCAL_OFFSET_S),
                        "s",
                    ).dt.strftime("%Y-%m-%d %H:%M:%S"),
                    "volume": volume,
                    "roaming": (rng.random(n) < 0.05).astype(np.int8),
                    "peer": np.where(kind == 0, "", peers),
                }
            ).with_columns(
                (pl.lit(prefix + "-") + pl.col("record_id").str.zfill(10)).alias("record_id")
            )
            frame.write_csv(f, include_header=False, quote_style="never")
    return records
