"""The launch gate (issue #22): an SP service (or product) with no passed checklist cannot
be ordered; its test lines can; a second person approves a complete checklist."""

from __future__ import annotations

import pytest

from telcare.channels.sms import launch_test
from telcare.demo.partners import seed_partners
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Conflict, Forbidden, InvalidInput, NotEligible
from telcare.services import orders, partners
from telcare.services.quality import launch
from telcare.store.uow import Database

BJ, GD = "13800138000", "13900139000"
MUSIC = "1066000001"
ITEM = f"{MUSIC}:NEWS"
TESTER = Principal(Kind.STAFF, "hq-tester", "HQ", "agent")
APPROVER = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")


@pytest.fixture
def pdb(db: Database) -> Database:
    seed_partners(db)
    partners.launch_service(db, Principal(Kind.SP, MUSIC, "HQ"), MUSIC, "NEWS", "音乐快讯",
                            "Music news", 300)  # fmt: skip
    return db


def test_an_sp_service_without_a_passed_checklist_cannot_be_ordered(pdb: Database) -> None:
    with pytest.raises(NotEligible, match=r"launch\.not_on_sale"):
        partners.request(pdb, BJ, MUSIC, "NEWS", channel="sms")
    partners.request(pdb, BJ, MUSIC, "YY", channel="sms")  # the demo's services: launched
    with pytest.raises(Forbidden):
        launch.start(pdb, BJ_AGENT, "sp_service", ITEM, [BJ])  # headquarters only
    with pytest.raises(InvalidInput):
        launch.start(pdb, TESTER, "sp_service", ITEM, [])
    launch.start(pdb, TESTER, "sp_service", ITEM, [BJ])
    partners.request(pdb, BJ, MUSIC, "NEWS", channel="sms")  # the test line may order
    assert orders.confirm(pdb, BJ).message_key == "sp.subscribed"
    with pytest.raises(NotEligible):
        partners.request(pdb, GD, MUSIC, "NEWS", channel="sms")  # the public may not
    with pytest.raises(InvalidInput, match=r"launch\.automatic"):  # run by the system only
        launch.record_step(pdb, TESTER, "sp_service", ITEM, "sms_order", ok=True, note="通过")
    partners.cancel(pdb, BJ, MUSIC, "NEWS", channel="sms")  # the manual order above
    launch_test.run(pdb, TESTER, "sp_service", ITEM)
    launch.record_step(pdb, TESTER, "sp_service", ITEM, "text_zh", ok=True, note="通过")
    with pytest.raises(Conflict, match=r"launch\.incomplete"):
        launch.approve(pdb, APPROVER, "sp_service", ITEM)
    launch.record_step(pdb, TESTER, "sp_service", ITEM, "text_en", ok=False, note="typo")
    assert launch.checklist(pdb, TESTER, "sp_service", ITEM).missing == ["text_en"]
    launch.record_step(pdb, TESTER, "sp_service", ITEM, "text_en", ok=True)
    with pytest.raises(Conflict, match=r"launch\.four_eyes"):
        launch.approve(pdb, TESTER, "sp_service", ITEM)
    done = launch.approve(pdb, APPROVER, "sp_service", ITEM)
    assert (done.status, done.approved_by, done.missing) == ("passed", "hq-admin", [])
    partners.request(pdb, GD, MUSIC, "NEWS", channel="sms")  # on sale now
    with pytest.raises(Conflict):
        launch.record_step(pdb, TESTER, "sp_service", ITEM, "text_zh", ok=False)
    listed = {(c.kind, c.item): c.status for c in launch.checklists(pdb, BJ_AGENT)}
    assert listed[("sp_service", ITEM)] == "passed"
    assert listed[("product", "QQT88")] == "passed"  # the catalogue, seeded as launched
