"""The usage record: its columns, its services and the validation of one line."""

from __future__ import annotations

import polars as pl

from telcare.domain import rating

COLUMNS = ("record_id", "msisdn", "service", "started_at", "volume", "roaming", "peer")
MAX_VOLUME = 10**10  # 10 TB, 300 years of talk: anything beyond is a broken record
MAX_LINE = 512  # characters: the longest valid record is under 200
CONTROL = r"[\x00-\x1f\x7f]"  # C0 controls and DEL (a trailing CR is stripped before)
SERVICE_NAMES = ("data", "voice", "sms")
UNIT_COLUMNS = ("data_kb", "voice_min", "sms")
UFEN_COLUMNS = ("data_ufen", "voice_ufen", "sms_ufen")


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
        pl.when(pl.col("raw").str.len_chars() > MAX_LINE)
        .then(pl.lit(f"line longer than {MAX_LINE} characters"))
        .when(pl.col("raw").str.contains(CONTROL))
        .then(pl.lit("control character in line"))
        .when(pl.col("raw").str.contains("\ufffd", literal=True))
        .then(pl.lit("not valid UTF-8"))
        .when(pl.col("malformed"))
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
