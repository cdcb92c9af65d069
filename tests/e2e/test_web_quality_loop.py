"""The quality loop's staff pages (issue #22): actions, meetings, incidents, the launch
gate and discipline cases, scoped by province, forms with CSRF."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.services.hashing import hash_secret
from telcare.services.quality import actions
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.e2e.test_web_quality import HTML, signed_in
from tests.integration.quality_fixture import MONTH, load


@pytest.fixture
def app_db(sqlite_db: Database) -> Database:
    """The dashboards' fixture: staff passwords set, the hand-made quality data loaded."""
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    load(sqlite_db)
    return sqlite_db


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_actions_are_listed_by_province_and_worked_through_forms(app_db: Database) -> None:
    actions.open_for_missed(app_db, MONTH, now=datetime(2024, 7, 2, tzinfo=UTC))
    hq = signed_in(app_db, "hq-admin")
    page = hq.get("/staff/quality/actions?province=XZ", headers=HTML).text
    assert "S1 投诉24小时内首次响应未达标" in page and "待指定" in page
    (s1,) = [a for a in actions.list_actions(app_db, _hq(), province="XZ")
             if a.source_ref == "standard:S1:XZ:2024-06"]  # fmt: skip
    form = {"csrf_token": csrf(page), "department": "西藏客服中心", "owner": "卓玛",
            "plan": "夜班增员", "due_on": "2024-08-15"}  # fmt: skip
    done = hq.post(f"/staff/quality/actions/{s1.id}/assign", data=form, headers=HTML)
    assert "已保存" in done.text and "卓玛" in done.text
    ev = {"csrf_token": csrf(done.text), "text": "每日通报超时工单"}
    after = hq.post(f"/staff/quality/actions/{s1.id}/evidence", data=ev, headers=HTML).text
    assert f'data-action="{s1.id}" data-status="done"' in after
    bj = signed_in(app_db, "bj-agent")
    assert bj.get("/staff/quality/actions?province=XZ", headers=HTML).status_code == 403
    assert "卓玛" not in bj.get("/staff/quality/actions", headers=HTML).text
    wrong = bj.post(f"/staff/quality/actions/{s1.id}/evidence", headers=HTML,
                    data={"csrf_token": csrf(after), "text": "x"})  # fmt: skip
    assert "只能处理本省" in wrong.text or wrong.status_code == 403


def test_meetings_incidents_launch_and_discipline_pages(app_db: Database) -> None:
    bj = signed_in(app_db, "bj-agent")
    page = bj.get("/staff/quality/meetings", headers=HTML).text
    form = {"csrf_token": csrf(page), "province": "BJ", "month": MONTH,
            "held_on": "2024-07-05", "chair": "王经理", "attendees": "王经理\n李主管",
            "decisions": "成立专项组"}  # fmt: skip
    after = bj.post("/staff/quality/meetings", data=form, headers=HTML).text
    assert "已保存" in after and "王经理、李主管" in after and "成立专项组" in after
    inc = {"csrf_token": csrf(after), "province": "BJ", "title": "充值中断",
           "occurred_at": "2024-06-20T10:00", "impact": "2小时", "root_cause": "证书过期",
           "unit": "北京计费中心", "person": "李四", "penalty": "通报批评",
           "tickets": ""}  # fmt: skip
    listed = bj.post("/staff/quality/incidents", data=inc, headers=HTML).text
    assert "已保存" in listed and "证书过期" in listed
    launch = bj.get("/staff/quality/launch", headers=HTML).text
    assert 'data-item="product:QQT88" data-status="passed"' in launch
    assert "开始上线测试" not in launch  # headquarters runs the gate
    assert "五不准" in bj.get("/staff/quality/discipline", headers=HTML).text
    assert bj.get("/staff/quality/discipline?province=GD", headers=HTML).status_code == 403


def _hq():  # type: ignore[no-untyped-def]
    from telcare.domain.access import Kind, Principal

    return Principal(Kind.STAFF, "hq-admin", "HQ", "admin")


def test_pages_need_staff(app_db: Database) -> None:
    anon = TestClient(signed_in(app_db, "nobody").app)
    for path in ("actions", "meetings", "incidents", "launch", "discipline"):
        r = anon.get(f"/staff/quality/{path}", headers=HTML, follow_redirects=False)
        assert r.status_code in (303, 401, 403), (path, r.status_code)


def test_headquarters_runs_the_test_orders_from_the_launch_page(app_db: Database) -> None:
    from telcare.demo.partners import seed_partners
    from telcare.domain.access import Kind, Principal
    from telcare.services import partners

    seed_partners(app_db)
    music = "1066000001"
    partners.launch_service(app_db, Principal(Kind.SP, music, "HQ"), music, "NEWS", "音乐快讯",
                            "Music news", 300)  # fmt: skip
    hq = signed_in(app_db, "hq-admin")
    page = hq.get("/staff/quality/launch", headers=HTML).text
    form = {"csrf_token": csrf(page), "kind": "sp_service", "item": f"{music}:NEWS",
            "lines": "13800138000 13900139000"}  # fmt: skip
    started = hq.post("/staff/quality/launch", data=form, headers=HTML).text
    assert f'data-item="sp_service:{music}:NEWS" data-status="testing"' in started
    typed = {"csrf_token": csrf(started), "step": "sms_order", "ok": "true", "note": ""}
    refused = hq.post(f"/staff/quality/launch/sp_service/{music}:NEWS/steps", data=typed,
                      headers=HTML).text  # fmt: skip
    assert "系统自动验证" in refused
    ran = hq.post(f"/staff/quality/launch/sp_service/{music}:NEWS/verify", headers=HTML,
                  data={"csrf_token": csrf(refused)}).text  # fmt: skip
    assert "测试订购全部通过" in ran
    assert 'data-step="sms_charge" data-ok="true"' in ran
    assert 'data-step="web_refund" data-ok="true"' in ran
