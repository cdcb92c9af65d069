"""The G3 service van's demo schedule (``data/van.yaml``), published by :func:`seed_van`."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from telcare import clock
from telcare.demo import load
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services.service_van import local_time
from telcare.store import van_models as vm
from telcare.store.uow import Database

_VAN = load("van")
DEMO_STOPS: tuple[tuple[str, str, str, str], ...] = tuple(
    (x["province"], x["city"], x["place"], x["address"]) for x in _VAN["stops"]
)
DEMO_SLOTS: tuple[tuple[time, time], ...] = tuple(
    (time.fromisoformat(start), time.fromisoformat(end)) for start, end in _VAN["slots"]
)
DEMO_CAPACITY: int = _VAN["capacity"]


def seed_van(db: Database, *, days: int = 3, now: datetime | None = None) -> int:
    """The demo schedule: each demo stop on the next ``days`` days, three slots of four
    places each. Idempotent (a stop already published for a day is left alone);
    returns the number of stops added."""
    today = (now or clock.now()).astimezone(OPERATOR_TZ).date()
    added = 0
    with db.uow() as uow:
        s = uow.session
        for offset in range(1, days + 1):
            day = today + timedelta(days=offset)
            for province, city, place, address in DEMO_STOPS:
                exists = s.scalar(
                    select(vm.VanStop.id).where(
                        vm.VanStop.province == province,
                        vm.VanStop.city == city,
                        vm.VanStop.place == place,
                        vm.VanStop.day == day,
                    )
                )
                if exists is not None:
                    continue
                stop = vm.VanStop(
                    province=province, city=city, place=place, address=address, day=day,
                    created_at=clock.now(),
                )  # fmt: skip
                s.add(stop)
                s.flush()
                for start, end in DEMO_SLOTS:
                    s.add(
                        vm.VanSlot(
                            stop_id=stop.id, starts_at=local_time(day, start),
                            ends_at=local_time(day, end), capacity=DEMO_CAPACITY, booked=0,
                        )
                    )  # fmt: skip
                added += 1
        uow.commit()
    return added
