"""The G3 green channel's after-sales service van: its stops, slots and bookings.

Pure rules, no I/O. The van visits a stop (city, place) on a date and offers slots,
each with a capacity. A subscriber holds at most one booking per stop, books only a
slot that has not started and has room, and may cancel until two hours before the
slot. The van's staff close a booking like a ticket: with a recorded outcome.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from telcare.domain.errors import Conflict, InvalidInput, NotFound
from telcare.domain.messages import N_

CANCEL_CUTOFF = timedelta(hours=2)
MAX_CAPACITY = 50
MAX_OUTCOME = 1000


class BookingState(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class UnknownSlot(NotFound):
    code = "unknown-van-slot"


class UnknownBooking(NotFound):
    code = "unknown-van-booking"


class SlotFull(Conflict):
    code = "van-slot-full"


class AlreadyBooked(Conflict):
    code = "van-already-booked"


class BookingClosed(Conflict):
    code = "van-booking-closed"


def check_stop(city: str, place: str, day: date) -> tuple[str, str]:
    """Trimmed city (≤ 40) and place (≤ 80) of a stop; both required."""
    city, place = city.strip(), place.strip()
    if not city or len(city) > 40 or not place or len(place) > 80:
        raise InvalidInput(N_("van.bad_stop"))
    return city, place


def check_slot(starts_at: datetime, ends_at: datetime, capacity: int) -> None:
    """A slot ends after it starts and takes 1 to :data:`MAX_CAPACITY` subscribers."""
    if ends_at <= starts_at or not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(N_("van.bad_slot"), limit=MAX_CAPACITY)


def check_bookable(starts_at: datetime, capacity: int, booked: int, now: datetime) -> None:
    """A slot can be booked before it starts and while it has room."""
    if now >= starts_at:
        raise InvalidInput(N_("van.slot_started"))
    if booked >= capacity:
        raise SlotFull(N_("van.slot_full"))


def rebook(current: BookingState | None, current_slot: int | None, wanted_slot: int) -> bool:
    """One booking per subscriber per stop. True when the subscriber already holds
    exactly this slot (a repeated request: nothing to do); a live booking of another
    slot at the same stop is refused; a cancelled or closed one may be replaced."""
    if current is BookingState.BOOKED:
        if current_slot == wanted_slot:
            return True
        raise AlreadyBooked(N_("van.already_booked"))
    return False


def check_cancel(state: BookingState, starts_at: datetime, now: datetime) -> None:
    """A live booking may be cancelled until :data:`CANCEL_CUTOFF` before its slot."""
    if state is not BookingState.BOOKED:
        raise BookingClosed(N_("van.not_open"), state=state.value)
    if now > starts_at - CANCEL_CUTOFF:
        raise InvalidInput(N_("van.too_late"), hours=int(CANCEL_CUTOFF.total_seconds() // 3600))


def check_close(state: BookingState, outcome: str) -> str:
    """The van's staff close a live booking with an outcome (1 to 1,000 characters)."""
    if state is not BookingState.BOOKED:
        raise BookingClosed(N_("van.not_open"), state=state.value)
    outcome = outcome.strip()
    if not outcome or len(outcome) > MAX_OUTCOME:
        raise InvalidInput(N_("van.outcome"), limit=MAX_OUTCOME)
    return outcome
