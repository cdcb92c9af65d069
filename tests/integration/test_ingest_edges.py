"""Usage ingest never stops on a line (issue #16): every line is rated or rejected exactly once,
with its line number and reason; a crashed run is marked failed and resumes; a second ingest
of a running file is refused."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from telcare import clock
from telcare.domain.errors import InvalidInput
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services.charging import ingest
from telcare.store.charging_models import IngestJob
from telcare.store.uow import Database

HEADER = b"record_id,msisdn,service,started_at,volume,roaming,peer\n"
BJ = "13800138000"


def recent() -> str:
    """A start time an hour ago, operator local time: in force, not in the future."""
    return (clock.now() - timedelta(hours=1)).astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M:%S")


def write(tmp_path: Path, lines: list[bytes], name: str = "usage.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(HEADER + b"".join(line + b"\n" for line in lines))
    return path


def rejects(path: Path) -> dict[int, str]:
    frame = pl.read_csv(
        path.with_name(path.name + ".rejects.csv"),
        schema={"line": pl.Int64, "reason": pl.String, "raw": pl.String},
    )
    lines = frame["line"].to_list()
    assert len(lines) == len(set(lines)), "a line rejected twice"
    return dict(zip(lines, frame["reason"].to_list(), strict=True))


def job(db: Database) -> IngestJob:
    with db.uow() as uow:
        row = uow.session.scalars(select(IngestJob).order_by(IngestJob.id.desc())).first()
        assert row is not None
        uow.session.expunge(row)
        return row


def test_dates_out_of_range_are_rejected_and_the_rest_rated(db: Database, tmp_path: Path) -> None:
    """A 9999 date ("no end") raised ValueError: year 10000 and stopped the file for good."""
    future = (clock.now() + timedelta(days=3)).astimezone(OPERATOR_TZ)
    path = write(
        tmp_path,
        [
            f"d1,{BJ},data,9999-12-31 23:59:59,10,0,".encode(),
            f"d2,{BJ},data,1990-01-01 00:00:00,10,0,".encode(),
            f"d3,{BJ},data,{future:%Y-%m-%d %H:%M:%S},10,0,".encode(),
            f"d4,{BJ},data,{recent()},10,0,".encode(),
            f"d5,{BJ},data,0001-01-01T00:00:00Z,10,0,".encode(),
        ],
    )
    summary = ingest(db, path)
    assert (summary.rated, summary.rejected) == (1, 4)
    reasons = rejects(path)
    assert reasons[2].startswith("started_at too far in the future")
    assert reasons[3].startswith("started_at before the tariff history")
    assert reasons[4].startswith("started_at too far in the future")
    assert reasons[6].startswith("started_at before the tariff history")
    assert job(db).status == "done"
    # the allowed future is configurable
    later = write(tmp_path, [f"d6,{BJ},data,{future:%Y-%m-%d %H:%M:%S},10,0,".encode()], "b.csv")
    assert ingest(db, later, max_future=timedelta(days=7)).rated == 1


def test_control_characters_long_fields_and_wrong_types_are_rejected(
    db: Database, tmp_path: Path
) -> None:
    """A NUL in ``peer`` made the PostgreSQL COPY fail and stopped the file for good."""
    at = recent().encode()
    path = write(
        tmp_path,
        [
            b"c1," + BJ.encode() + b",voice," + at + b",60,0,1390013\x009000",
            b"c\x01," + BJ.encode() + b",data," + at + b",10,0,",
            b"c3," + BJ.encode() + b",data," + at + b",10,0," + b"9" * 5000,
            b"c4," + BJ.encode() + b",data," + at + b",1.5,0,",
            b"c5," + BJ.encode() + b",data," + at + b",10,maybe,",
            b"c6," + BJ.encode() + b",data," + at + b",10,0,\xff\xfe",
            b"c7," + BJ.encode() + b",data," + at + b",10,0,",
        ],
    )
    summary = ingest(db, path)
    assert (summary.rated, summary.rejected) == (1, 6)
    reasons = rejects(path)
    assert reasons[2] == "control character in line"
    assert reasons[3] == "control character in line"
    assert reasons[4].startswith("line longer than")
    assert reasons[5] == "malformed volume"
    assert reasons[6] == "malformed roaming flag"
    assert reasons[7] == "not valid UTF-8"


def test_a_line_that_breaks_rating_is_rejected_alone(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a line does to the rating, the chunk is split until that line stands alone."""
    from telcare.services.charging import chunk

    real = chunk._write_usage

    def explode(s, pg, rows):  # type: ignore[no-untyped-def]
        if "boom" in rows["record_id"].to_list():
            raise ValueError("year 10000 is out of range")
        return real(s, pg, rows)

    monkeypatch.setattr(chunk, "_write_usage", explode)
    at = recent().encode()
    lines = [b"r%d," % i + BJ.encode() + b",sms," + at + b",1,0," for i in range(7)]
    lines.insert(3, b"boom," + BJ.encode() + b",sms," + at + b",1,0,")
    path = write(tmp_path, lines)
    summary = ingest(db, path, chunk_rows=100)
    assert (summary.rated, summary.rejected) == (7, 1)
    assert rejects(path) == {5: "could not be rated: ValueError: year 10000 is out of range"}


def test_a_crashed_run_is_marked_failed_and_a_rerun_resumes(db: Database, tmp_path: Path) -> None:
    """A run that died left its job ``running`` for ever, with no reason given."""
    at = recent().encode()
    records = 4000  # about 180 kB: several 64 kB reading blocks, so several chunks
    path = write(tmp_path, [b"k%d,%s,sms,%s,1,0," % (i, BJ.encode(), at) for i in range(records)])

    def crash(done: int, total: int) -> None:
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        ingest(db, path, chunk_rows=1000, progress=crash)
    failed = job(db)
    assert failed.status == "failed" and failed.error == "OSError: disk went away"
    assert 0 < failed.rated == failed.lines < records
    summary = ingest(db, path, chunk_rows=1000)
    assert summary.resumed
    assert (summary.rated, summary.duplicates, summary.lines) == (records, 0, records)
    assert job(db).status == "done" and job(db).id == failed.id


def test_a_second_ingest_of_a_running_file_is_refused(db: Database, tmp_path: Path) -> None:
    """Two concurrent ingests of one file counted 2,000,000 lines for 1,000,000 records."""
    at = recent().encode()
    path = write(tmp_path, [b"p%d," % i + BJ.encode() + b",sms," + at + b",1,0," for i in range(4)])
    inside, release = threading.Event(), threading.Event()

    def hold(done: int, total: int) -> None:
        inside.set()
        release.wait(10)

    first = threading.Thread(
        target=ingest, args=(db, path), kwargs={"chunk_rows": 2, "progress": hold}
    )
    first.start()
    try:
        assert inside.wait(10)
        with pytest.raises(InvalidInput) as refused:
            ingest(db, path, chunk_rows=2)
        assert refused.value.key == "usage.already_running"
    finally:
        release.set()
        first.join(10)
    done = job(db)
    assert (done.status, done.lines, done.rated, done.duplicates) == ("done", 4, 4, 0)


VALID = st.builds(
    lambda i, svc, vol: f"h{{n}}-{i},{BJ},{svc},{{at}},{vol},0,".encode(),
    st.integers(0, 10**6),
    st.sampled_from(["data", "voice", "sms"]),
    st.integers(0, 10**6),
)
GARBAGE = st.binary(max_size=120).map(lambda b: b.replace(b"\n", b""))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(st.one_of(VALID, GARBAGE), min_size=1, max_size=30))
def test_fuzz_every_line_is_rated_or_rejected_exactly_once(
    sqlite_db: Database, tmp_path_factory: pytest.TempPathFactory, lines: list[bytes]
) -> None:
    at = recent().encode()
    run = tmp_path_factory.mktemp("fuzz")
    filled = [line.replace(b"{n}", run.name.encode()).replace(b"{at}", at) for line in lines]
    path = write(run, filled)
    summary = ingest(sqlite_db, path, chunk_rows=7)
    counted = [n for n, line in enumerate(filled, 2) if line.rstrip(b"\r").strip(b" \t") != b""]
    reasons = rejects(path)
    assert summary.rated + summary.duplicates + summary.rejected == len(counted)
    assert set(reasons) <= set(counted) and len(reasons) == summary.rejected
    assert summary.lines == len(filled) and job(sqlite_db).status == "done"
