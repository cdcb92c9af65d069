"""Service-van rules: capacity, one booking per subscriber per stop, cancellation, closing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from telcare.domain import service_van as dv
from telcare.domain.errors import InvalidInput

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 Beijing time


def test_a_slot_is_bookable_before_it_starts_while_it_has_room() -> None:
    dv.check_bookable(START, 4, 3, START - timedelta(minutes=1))
    with pytest.raises(dv.SlotFull):
        dv.check_bookable(START, 4, 4, START - timedelta(days=1))
    with pytest.raises(InvalidInput):
        dv.check_bookable(START, 4, 0, START)


@pytest.mark.parametrize(
    ("held", "held_slot", "wanted", "same"),
    [
        (None, None, 1, False),
        (dv.BookingState.BOOKED, 1, 1, True),  # the same request again: nothing to do
        (dv.BookingState.CANCELLED, 1, 2, False),  # a cancelled booking may be replaced
        (dv.BookingState.CLOSED, 1, 1, False),
    ],
)
def test_one_booking_per_subscriber_per_stop(
    held: dv.BookingState | None, held_slot: int | None, wanted: int, same: bool
) -> None:
    assert dv.rebook(held, held_slot, wanted) is same


def test_a_second_live_slot_at_the_same_stop_is_refused() -> None:
    with pytest.raises(dv.AlreadyBooked):
        dv.rebook(dv.BookingState.BOOKED, 1, 2)


def test_cancel_until_two_hours_before_the_slot() -> None:
    dv.check_cancel(dv.BookingState.BOOKED, START, START - dv.CANCEL_CUTOFF)
    with pytest.raises(InvalidInput):
        dv.check_cancel(
            dv.BookingState.BOOKED, START, START - dv.CANCEL_CUTOFF + timedelta(seconds=1)
        )
    for state in (dv.BookingState.CANCELLED, dv.BookingState.CLOSED):
        with pytest.raises(dv.BookingClosed):
            dv.check_cancel(state, START, START - timedelta(days=1))


def test_staff_close_a_live_booking_with_an_outcome() -> None:
    assert dv.check_close(dv.BookingState.BOOKED, "  换机完成 ") == "换机完成"
    with pytest.raises(InvalidInput):
        dv.check_close(dv.BookingState.BOOKED, " ")
    with pytest.raises(dv.BookingClosed):
        dv.check_close(dv.BookingState.CANCELLED, "done")


def test_stops_and_slots_are_checked() -> None:
    assert dv.check_stop(" 北京 ", " 中关村 ", date(2026, 12, 1)) == ("北京", "中关村")
    with pytest.raises(InvalidInput):
        dv.check_stop("", "x", date(2026, 12, 1))
    dv.check_slot(START, START + timedelta(hours=1), 1)
    for end, capacity in (
        (START, 4),
        (START + timedelta(hours=1), 0),
        (START + timedelta(hours=1), 51),
    ):
        with pytest.raises(InvalidInput):
            dv.check_slot(START, end, capacity)
