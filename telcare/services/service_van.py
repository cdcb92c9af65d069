"""G3 after-sales service van: the published schedule, subscribers' bookings, and the
van staff closing them like tickets.

Each use case is one transaction. Capacity holds under concurrency: a booking raises
``van_slot.booked`` with a conditional UPDATE (``booked < capacity``); one booking per
subscriber and stop is a unique row, so a repeated or racing request for the same
slot has one effect. Provincial staff see their province's stops, headquarters all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import roles
from telcare.domain import service_van as dv
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import HQ
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.store import van_models as vm
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class SlotView:
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def left(self) -> int:
        return self.capacity - self.booked


@dataclass(frozen=True, slots=True)
class StopView:
    id: int
    province: str
    city: str
    place: str
    address: str
    day: date
    slots: tuple[SlotView, ...]


@dataclass(frozen=True, slots=True)
class BookingView:
    id: str
    msisdn: str
    state: str
    province: str
    city: str
    place: str
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    outcome: str | None
    replayed: bool = False


# --- the schedule ------------------------------------------------------------------


def add_stop(
    db: Database,
    who: Principal,
    *,
    province: str,
    city: str,
    place: str,
    day: date,
    slots: list[tuple[time, time, int]],
    address: str = "",
    now: datetime | None = None,
) -> StopView:
    """Publish a stop with its slots (local start, local end, capacity): staff of the
    stop's province or headquarters."""
    _require_staff(who, province)
    city, place = dv.check_stop(city, place, day)
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        stop = vm.VanStop(
            province=province, city=city, place=place, address=address.strip()[:200], day=day,
            created_at=now,
        )  # fmt: skip
        s.add(stop)
        s.flush()
        for start, end, capacity in slots:
            starts_at, ends_at = local_time(day, start), local_time(day, end)
            dv.check_slot(starts_at, ends_at, capacity)
            s.add(
                vm.VanSlot(
                    stop_id=stop.id, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                    booked=0,
                )
            )  # fmt: skip
        s.flush()
        view = _stop_view(s, stop)
        uow.commit()
        return view


def schedule(
    db: Database, *, province: str | None = None, now: datetime | None = None
) -> list[StopView]:
    """The stops from today on (Beijing time), by date, city and place."""
    today = (now or clock.now()).astimezone(OPERATOR_TZ).date()
    query = select(vm.VanStop).where(vm.VanStop.day >= today)
    if province:
        query = query.where(vm.VanStop.province == province)
    with db.uow() as uow:
        s = uow.session
        stops = s.scalars(query.order_by(vm.VanStop.day, vm.VanStop.city, vm.VanStop.place))
        return [_stop_view(s, stop) for stop in stops]


# --- subscribers ---------------------------------------------------------------------


def book(db: Database, msisdn: str, slot_id: int, *, now: datetime | None = None) -> BookingView:
    """Book a slot for ``msisdn``. Booking the slot already held returns that booking
    (``replayed``); a full, started or second slot at the same stop is refused."""
    number = normalise_msisdn(msisdn)
    now = now or clock.now()
    for attempt in (1, 2):
        try:
            return _book(db, number, slot_id, now)
        except IntegrityError:  # a racing request created the row first: look again
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _book(db: Database, number: str, slot_id: int, now: datetime) -> BookingView:
    with db.uow() as uow:
        s = uow.session
        slot = s.get(vm.VanSlot, slot_id)
        if slot is None:
            raise dv.UnknownSlot(N_("van.unknown_slot"))
        row = s.scalar(
            select(vm.VanBooking).where(
                vm.VanBooking.stop_id == slot.stop_id, vm.VanBooking.msisdn == number
            )
        )
        held = dv.BookingState(row.state) if row is not None else None
        if dv.rebook(held, row.slot_id if row is not None else None, slot.id):
            assert row is not None
            return _booking_view(s, row, replayed=True)
        dv.check_bookable(slot.starts_at, slot.capacity, slot.booked, now)
        taken = s.execute(
            update(vm.VanSlot)
            .where(vm.VanSlot.id == slot.id, vm.VanSlot.booked < vm.VanSlot.capacity)
            .values(booked=vm.VanSlot.booked + 1)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise dv.SlotFull(N_("van.slot_full"))
        if row is None:
            row = vm.VanBooking(
                id=f"VB{uuid.uuid4().hex[:16].upper()}", stop_id=slot.stop_id, msisdn=number,
                slot_id=slot.id, state=dv.BookingState.BOOKED.value, created_at=now,
            )  # fmt: skip
            s.add(row)
        else:
            row.slot_id, row.state, row.created_at = slot.id, dv.BookingState.BOOKED.value, now
            row.cancelled_at = row.closed_at = row.closed_by = row.outcome = None
        s.flush()
        view = _booking_view(s, row)
        uow.commit()
        return view


def cancel(
    db: Database, msisdn: str, booking_id: str, *, now: datetime | None = None
) -> BookingView:
    """The subscriber cancels their own live booking, up to two hours before the slot."""
    number = normalise_msisdn(msisdn)
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        row = s.get(vm.VanBooking, booking_id)
        if row is None or row.msisdn != number:
            raise dv.UnknownBooking(N_("van.unknown_booking"))
        slot = s.get_one(vm.VanSlot, row.slot_id)
        dv.check_cancel(dv.BookingState(row.state), slot.starts_at, now)
        row.state, row.cancelled_at = dv.BookingState.CANCELLED.value, now
        s.execute(
            update(vm.VanSlot)
            .where(vm.VanSlot.id == slot.id, vm.VanSlot.booked > 0)
            .values(booked=vm.VanSlot.booked - 1)
        )
        s.flush()
        view = _booking_view(s, row)
        uow.commit()
        return view


def my_bookings(db: Database, msisdn: str) -> list[BookingView]:
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        s = uow.session
        rows = s.scalars(
            select(vm.VanBooking)
            .where(vm.VanBooking.msisdn == number)
            .order_by(vm.VanBooking.created_at.desc())
        )
        return [_booking_view(s, r) for r in rows]


# --- the van's staff -------------------------------------------------------------------


def bookings(
    db: Database, who: Principal, *, state: str | None = None, day: date | None = None
) -> list[BookingView]:
    """Bookings at the stops ``who`` may see (own province; every province at HQ),
    by slot time."""
    if who.kind is not Kind.STAFF:
        raise Forbidden(N_("complaint.not_yours"))
    query = (
        select(vm.VanBooking)
        .join(vm.VanSlot, vm.VanSlot.id == vm.VanBooking.slot_id)
        .join(vm.VanStop, vm.VanStop.id == vm.VanBooking.stop_id)
    )
    if not who.is_headquarters:
        query = query.where(vm.VanStop.province == who.province)
    if state:
        query = query.where(vm.VanBooking.state == dv.BookingState(state).value)
    if day is not None:
        query = query.where(vm.VanStop.day == day)
    with db.uow() as uow:
        s = uow.session
        rows = s.scalars(query.order_by(vm.VanSlot.starts_at, vm.VanBooking.id).limit(500))
        return [_booking_view(s, r) for r in rows]


def close_booking(
    db: Database, who: Principal, booking_id: str, outcome: str, *, now: datetime | None = None
) -> BookingView:
    """Staff of the stop's province (or HQ) close a live booking with its outcome."""
    roles.require(who, "van.booking.close")
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        row = s.get(vm.VanBooking, booking_id)
        stop = s.get(vm.VanStop, row.stop_id) if row is not None else None
        if row is None or stop is None or not _may_handle(who, stop.province):
            raise dv.UnknownBooking(N_("van.unknown_booking"))
        row.outcome = dv.check_close(dv.BookingState(row.state), outcome)
        row.state, row.closed_at, row.closed_by = dv.BookingState.CLOSED.value, now, who.subject
        s.flush()
        view = _booking_view(s, row)
        uow.commit()
        return view


# --- internals ---------------------------------------------------------------------------


def local_time(day: date, at: time) -> datetime:
    """``at`` o'clock, operator time, on ``day``, as a UTC instant (a slot's start or end)."""
    return datetime.combine(day, at, tzinfo=OPERATOR_TZ).astimezone(UTC)


def _may_handle(who: Principal, province: str) -> bool:
    return who.kind is Kind.STAFF and (who.province in (HQ, province))


def _require_staff(who: Principal, province: str) -> None:
    if not _may_handle(who, province):
        raise Forbidden(N_("complaint.not_yours"))


def _stop_view(s: Session, stop: vm.VanStop) -> StopView:
    slots = s.scalars(
        select(vm.VanSlot).where(vm.VanSlot.stop_id == stop.id).order_by(vm.VanSlot.starts_at)
    )
    return StopView(
        stop.id, stop.province, stop.city, stop.place, stop.address, stop.day,
        tuple(SlotView(x.id, x.starts_at, x.ends_at, x.capacity, x.booked) for x in slots),
    )  # fmt: skip


def _booking_view(s: Session, row: vm.VanBooking, *, replayed: bool = False) -> BookingView:
    slot = s.get_one(vm.VanSlot, row.slot_id)
    stop = s.get_one(vm.VanStop, row.stop_id)
    return BookingView(
        row.id, row.msisdn, row.state, stop.province, stop.city, stop.place, slot.starts_at,
        slot.ends_at, row.created_at, row.closed_at, row.closed_by, row.outcome, replayed,
    )  # fmt: skip
