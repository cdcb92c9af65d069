"""Importing a call-centre export: bad rows rejected with their line, the rest imported once,
and the hotline indicators computed from what was imported."""

from __future__ import annotations

from telcare.services import callcentre
from telcare.services import quality as qs
from telcare.store.uow import Database

HEADER = "call_id,queue,offered,answered,abandoned,ended,agent,province\n"
ROWS = [
    "c1,GEN,2026-11-02T09:00:00+08:00,2026-11-02T09:00:05+08:00,,,a1,BJ\n",
    "c2,GEN,2026-11-02T09:01:00+08:00,2026-11-02T09:01:45+08:00,,,a1,BJ\n",
    "c3,GEN,2026-11-02T09:02:00+08:00,,2026-11-02T09:02:50+08:00,,,BJ\n",
    "c4,G3,2026-11-02T09:03:00+08:00,2026-11-02T09:03:10+08:00,,,a2,BJ\n",
    "bad,GEN,9999-12-31T00:00:00,,,,,BJ\n",
    'q,"unclosed\n',
]


def test_rows_are_imported_once_and_bad_ones_rejected_with_their_line(db: Database) -> None:
    first = callcentre.import_calls(db, [HEADER, *ROWS])
    assert (first.imported, first.duplicates) == (4, 0)
    assert first.rejected[0][0] == 6  # the line of "bad"; the unclosed quote after it too
    assert len(first.rejected) == 2
    again = callcentre.import_calls(db, [HEADER, *ROWS[:4]])
    assert (again.imported, again.duplicates) == (0, 4)
    result = qs.compute(db, ["2026-11"])
    assert result.value("HOTLINE_20S", "BJ", "2026-11") == 50.0  # c1, c4 of c1–c4
    assert result.value("HOTLINE_ABANDON", "BJ", "2026-11") == 25.0
    assert result.value("HOTLINE_G3_20S", "BJ", "2026-11") == 100.0
    assert result.value("HOTLINE_20S", "SH", "2026-11") is None


def test_a_file_without_the_columns_is_refused_whole(db: Database) -> None:
    report = callcentre.import_calls(db, ["id,when\n", "1,2\n"])
    assert report.imported == 0 and report.rejected[0][0] == 1
    assert "call_id" in report.rejected[0][1]
