"""The G3 service van over HTTP (TestClient) and its services: the schedule on the hall,
booking with capacity and one booking per stop, cancellation, staff closing bookings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.demo.van import seed_van
from telcare.domain import service_van as dv
from telcare.domain.access import Kind, Principal
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import service_van as svc
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.e2e.test_web_hall import log_in, text, token

HTML = {"accept": "text/html"}
ZH_USER, EN_USER, SH_USER = "13800138000", "13900139000", "13700137000"
HQ = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
BJ = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return sqlite_db


@pytest.fixture
def client(db: Database) -> TestClient:
    return TestClient(create_app(db))


def tomorrow() -> datetime:
    return datetime.now(UTC) + timedelta(days=1)


def small_stop(db: Database, capacity: int = 1) -> svc.StopView:
    day = tomorrow().astimezone(OPERATOR_TZ).date()
    return svc.add_stop(
        db, BJ, province="BJ", city="北京", place="西单", day=day,
        slots=[(time(9), time(10), capacity), (time(10), time(11), capacity)],
    )  # fmt: skip


def test_seed_is_idempotent_and_the_schedule_is_published(client: TestClient, db: Database) -> None:
    assert len(svc.schedule(db)) == 12  # seeded with the demo (init --demo)
    assert seed_van(db) == 0  # and again: nothing new
    log_in(client, db, ZH_USER)
    page = text(client.get("/hall/van").text)
    assert "中关村广场" in page and "天河城" in page and "剩余4个名额" in page


def test_capacity_one_booking_per_stop_and_repeats(db: Database) -> None:
    stop = small_stop(db)
    first, second = stop.slots
    booked = svc.book(db, ZH_USER, first.id)
    assert booked.state == "booked" and not booked.replayed
    assert svc.book(db, ZH_USER, first.id).replayed  # the same request again
    with pytest.raises(dv.SlotFull):
        svc.book(db, EN_USER, first.id)
    with pytest.raises(dv.AlreadyBooked):
        svc.book(db, ZH_USER, second.id)
    svc.cancel(db, ZH_USER, booked.id)
    again = svc.book(db, EN_USER, first.id)  # the place is free again
    moved = svc.book(db, ZH_USER, second.id)  # and the stop's row is reused
    assert moved.id == booked.id and again.state == "booked"
    mine = next(view for view in svc.schedule(db) if view.id == stop.id)
    slots = {s.id: s.booked for s in mine.slots}
    assert slots == {first.id: 1, second.id: 1}


def test_cancel_only_own_and_before_the_cutoff(db: Database) -> None:
    stop = small_stop(db)
    booking = svc.book(db, ZH_USER, stop.slots[0].id)
    with pytest.raises(dv.UnknownBooking):
        svc.cancel(db, EN_USER, booking.id)
    late = stop.slots[0].starts_at - timedelta(hours=1)
    with pytest.raises(Exception, match=r"van\.too_late"):
        svc.cancel(db, ZH_USER, booking.id, now=late)
    with pytest.raises(Exception, match=r"van\.slot_started"):
        svc.book(db, SH_USER, stop.slots[1].id, now=stop.slots[1].starts_at)


def test_book_and_cancel_on_the_hall(client: TestClient, db: Database) -> None:
    stop = small_stop(db, capacity=2)
    csrf = log_in(client, db, ZH_USER)
    slot = stop.slots[0].id
    assert client.post("/hall/van/book", data={"slot": slot}).status_code == 403  # no CSRF
    page = client.post("/hall/van/book", data={"csrf_token": csrf, "slot": slot})
    assert "您已预约G3售后服务车：北京西单" in page.text
    again = client.post("/hall/van/book", data={"csrf_token": csrf, "slot": slot})
    assert "剩余1个名额" in text(again.text)  # a double submit books once
    found = re.search(r'name="booking" value="([^"]+)"', again.text)
    assert found
    done = client.post("/hall/van/cancel", data={"csrf_token": csrf, "booking": found.group(1)})
    assert "预约已取消" in done.text and "剩余2个名额" in text(done.text)


def test_staff_see_their_province_and_close_bookings(client: TestClient, db: Database) -> None:
    stop = small_stop(db)
    booking = svc.book(db, ZH_USER, stop.slots[0].id)
    gd = TestClient(client.app)
    csrf = token(gd.get("/staff/login", headers=HTML).text)
    gd.post(
        "/staff/login",
        data={"csrf_token": csrf, "username": "gd-agent", "password": "pw-123456"},
        headers=HTML,
    )
    assert booking.id not in gd.get("/staff/van/", headers=HTML).text
    csrf = token(gd.get("/staff/", headers=HTML).text)
    refused = gd.post(
        f"/staff/van/{booking.id}/close", data={"csrf_token": csrf, "outcome": "x"}, headers=HTML
    )
    assert "没有该预约" in refused.text

    csrf = token(client.get("/staff/login", headers=HTML).text)
    home = client.post(
        "/staff/login",
        data={"csrf_token": csrf, "username": "bj-agent", "password": "pw-123456"},
        headers=HTML,
    )
    assert "/staff/van/" in home.text
    csrf = token(home.text)
    listed = client.get("/staff/van/", headers=HTML).text
    assert booking.id in listed and ZH_USER in listed
    empty = client.post(
        f"/staff/van/{booking.id}/close", data={"csrf_token": csrf, "outcome": " "}, headers=HTML
    )
    assert "请填写服务结果" in empty.text
    closed = client.post(
        f"/staff/van/{booking.id}/close",
        data={"csrf_token": csrf, "outcome": "已更换USIM卡"},
        headers=HTML,
    )
    assert "已关闭" in closed.text
    assert f'data-booking="{booking.id}"' not in closed.text  # the default view: live ones
    history = text(client.get("/staff/van/?state=closed", headers=HTML).text)
    assert "已更换USIM卡" in history and "bj-agent" in history
    assert svc.my_bookings(db, ZH_USER)[0].state == "closed"
    assert [b.id for b in svc.bookings(db, HQ, state="closed")] == [booking.id]
