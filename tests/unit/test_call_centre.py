"""Reading the call centre's export rows: every row is a call or a reasoned rejection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import call_centre as cc

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
ROW = {
    "call_id": "A1",
    "queue": "g3",
    "offered": "2026-12-01T09:00:00",
    "answered": "2026-12-01T09:00:20",
    "abandoned": "",
    "ended": "2026-12-01T09:03:00",
    "agent": "bj-001",
}


def test_a_row_without_offset_is_beijing_time_and_20_s_is_in_time() -> None:
    call = cc.read_call(ROW, "bj", NOW)
    assert call.province == "BJ" and call.queue == "G3"
    assert call.offered_at == datetime(2026, 12, 1, 1, tzinfo=UTC)
    assert call.answered_in_time
    late = cc.read_call({**ROW, "answered": "2026-12-01T09:00:21"}, "BJ", NOW)
    assert not late.answered_in_time


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"call_id": ""}, "call_id"),
        ({"offered": "yesterday"}, "offered"),
        ({"offered": "9999-12-31T23:59:59"}, "offered"),
        ({"offered": "1999-12-31T00:00:00"}, "offered"),
        ({"abandoned": "2026-12-01T09:00:30"}, "answered and abandoned"),
        ({"answered": "2026-12-01T08:59:00"}, "answered"),
        ({"agent": "a\x00b"}, "agent"),
        ({"queue": "q" * 41}, "queue"),
        ({"province": "XX"}, "province"),
    ],
)
def test_bad_rows_say_why(change: dict[str, str], reason: str) -> None:
    with pytest.raises(cc.BadCall, match=reason):
        cc.read_call({**ROW, **change}, "BJ", NOW)


def test_a_row_needs_a_province() -> None:
    with pytest.raises(cc.BadCall, match="province"):
        cc.read_call(ROW, None, NOW)


@given(st.dictionaries(st.sampled_from([*cc.COLUMNS, "province", "x"]), st.text(max_size=50)))
def test_any_row_is_a_call_or_a_rejection(row: dict[str, str]) -> None:
    try:
        call = cc.read_call(row, "SH", NOW)
    except cc.BadCall as err:
        assert str(err)
    else:
        assert call.offered_at <= NOW + timedelta(days=1)
        assert call.answered_at is None or call.abandoned_at is None
