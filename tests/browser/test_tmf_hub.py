"""The TMF hub's staff page in a real browser: an admin sees a listener's dead letters
and replays them (under the page's CSP)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from telcare import clock
from telcare.services.hashing import hash_secret
from telcare.store.hub_models import HubDelivery, HubEvent, HubListener
from telcare.store.models import StaffUser
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser


def test_an_admin_replays_dead_letters(page: Page, live_hall: Hall) -> None:
    now = clock.now()
    with live_hall.db.uow() as uow:  # a listener whose one delivery gave up
        s = uow.session
        listener = HubListener(
            api="troubleTicket", callback="https://crm.example.com/tt", query=None,
            event_types=["TroubleTicketCreateEvent"], secret="0" * 64, owner="hq-admin",
            province="HQ", created_at=now,
        )  # fmt: skip
        event = HubEvent(
            event_id="00000000-0000-4000-8000-000000000001", api="troubleTicket",
            event_type="TroubleTicketCreateEvent", resource_key="troubleTicket:BJ-1",
            province="BJ", body={"id": "BJ-1"}, occurred_at=now,
        )  # fmt: skip
        s.add_all([listener, event])
        s.flush()
        s.add(
            HubDelivery(
                listener_id=listener.id, event_id=event.id, resource_key=event.resource_key,
                status="dead", attempts=8, next_at=now, last_status=503,
                last_error="HTTP 503", created_at=now, updated_at=now,
            )
        )  # fmt: skip
        s.execute(
            update(StaffUser)
            .where(StaffUser.username == "hq-admin")
            .values(password_hash=hash_secret("pw-browser-hub"))
        )
        uow.commit()
        listener_id = listener.id
    page.goto("/staff/login")
    page.get_by_label("用户名").fill("hq-admin")
    page.get_by_label("密码").fill("pw-browser-hub")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="工作台菜单").get_by_role(
        "link", name="TMF事件订阅"
    ).click()
    row = page.locator(f'tr[data-listener="{listener_id}"]')
    expect(row).to_have_attribute("data-dead", "1")
    expect(page.locator("tr[data-dead-letter]")).to_contain_text("HTTP 503")
    row.get_by_role("button", name="重新投递").click()
    expect(page.locator("#flash")).to_contain_text("已重新排队1条死信")
    expect(page.locator(f'tr[data-listener="{listener_id}"]')).to_have_attribute("data-dead", "0")
