"""Complaint pages over HTTP (TestClient): filing on the business hall with a form key,
the staff queue with filters and countdowns, the ticket page, the HQ taxonomy editor."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.domain.access import Kind, Principal
from telcare.services import complaints as svc
from telcare.services.hashing import hash_secret
from telcare.services.quality import incidents
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.e2e.test_web_hall import form_key, log_in, text, token

HTML = {"accept": "text/html"}
ZH_USER, EN_USER = "13800138000", "13900139000"
HQ_STAFF = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return sqlite_db


@pytest.fixture
def client(db: Database) -> TestClient:
    return TestClient(create_app(db))


def staff_login(client: TestClient, username: str) -> str:
    csrf = token(client.get("/staff/login", headers=HTML).text)
    home = client.post(
        "/staff/login",
        data={"csrf_token": csrf, "username": username, "password": "pw-123456"},
        headers=HTML,
    )
    assert home.url.path == "/staff/", text(home.text)
    return token(home.text)


def file_on_hall(client: TestClient, db: Database, msisdn: str, **extra: str) -> str:
    csrf = log_in(client, db, msisdn)
    html = client.get("/hall/complaints").text
    data = {
        "csrf_token": csrf,
        "key": form_key(html, "/hall/complaints"),
        "category": "BIL.DISPUTE.DATA",
        "description": "上月流量费多扣了20元",
        **extra,
    }
    page = client.post("/hall/complaints", data=data)
    found = re.search(r"(?:编号|Complaint )([A-Z]{2}-[0-9A-F]{16})", page.text)
    assert found, text(page.text)
    return found.group(1)


def test_hall_filing_is_once_per_form_key_and_lists_my_tickets(
    client: TestClient, db: Database
) -> None:
    csrf = log_in(client, db, ZH_USER)
    html = client.get("/hall/complaints").text
    assert "计费 &gt; 费用争议 &gt; 流量费" in html  # leaves of the current taxonomy
    key = form_key(html, "/hall/complaints")
    data = {
        "csrf_token": csrf,
        "key": key,
        "category": "NET.COV.INDOOR",
        "description": "家里没信号",
    }
    first = client.post("/hall/complaints", data=data)
    again = client.post("/hall/complaints", data=data)  # double submit
    assert "已受理" in first.text and "已受理" in again.text
    mine = svc.list_tickets(db, Principal(Kind.SUBSCRIBER, ZH_USER, "BJ"))
    assert mine.total == 1
    assert mine.items[0].summary == "家里没信号" and mine.items[0].channel == "hall"
    assert mine.items[0].province == "BJ"
    assert mine.items[0].id in client.get("/hall/complaints").text
    # without the CSRF token nothing is filed
    refused = client.post("/hall/complaints", data={**data, "csrf_token": "x", "key": "web:2"})
    assert refused.status_code == 403
    assert svc.list_tickets(db, Principal(Kind.SUBSCRIBER, ZH_USER, "BJ")).total == 1


def test_hall_refuses_a_bad_category_or_attachment_and_files_a_good_one(
    client: TestClient, db: Database
) -> None:
    csrf = log_in(client, db, ZH_USER)
    html = client.get("/hall/complaints").text
    base = {"csrf_token": csrf, "description": "扣费不明"}
    bad = client.post(
        "/hall/complaints",
        data={**base, "key": form_key(html, "/hall/complaints"), "category": "BIL"},
    )
    assert "请选择最末一级投诉分类" in bad.text
    exe = client.post(
        "/hall/complaints",
        data={**base, "key": "web:exe", "category": "VAS.UNCONFIRMED.SP"},
        files={"attachment": ("bill.exe", b"MZ", "application/octet-stream")},
    )
    assert "类型不支持" in exe.text
    assert svc.list_tickets(db, Principal(Kind.SUBSCRIBER, ZH_USER, "BJ")).total == 0
    ok = client.post(
        "/hall/complaints",
        data={**base, "key": "web:ok", "category": "VAS.UNCONFIRMED.SP"},
        files={"attachment": ("bill.txt", b"SP 1066000001 3.00", "text/plain")},
    )
    assert "已受理" in ok.text
    (ticket,) = svc.list_tickets(db, Principal(Kind.SUBSCRIBER, ZH_USER, "BJ")).items
    assert [a.name for a in svc.get_ticket(db, HQ_STAFF, ticket.id).attachments] == ["bill.txt"]


def test_hall_pages_need_a_login(client: TestClient) -> None:
    response = client.get("/hall/complaints", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/hall/login"


def test_queue_is_scoped_by_province_and_filtered(client: TestClient, db: Database) -> None:
    bj = file_on_hall(client, db, ZH_USER)
    gd = file_on_hall(TestClient(client.app), db, EN_USER, category="NET.DATA.SLOW")
    staff = TestClient(client.app)
    staff_login(staff, "bj-agent")
    queue = staff.get("/staff/complaints/", headers=HTML).text
    assert bj in queue and gd not in queue and "剩余" in queue  # own province, countdowns
    assert staff.get(f"/staff/complaints/t/{gd}", headers=HTML).status_code == 404
    hq = TestClient(client.app)
    staff_login(hq, "hq-admin")
    national = hq.get("/staff/complaints/", headers=HTML).text
    assert bj in national and gd in national and "全国视图" in national
    only_gd = hq.get("/staff/complaints/?province=GD", headers=HTML).text
    assert gd in only_gd and bj not in only_gd
    net = hq.get("/staff/complaints/?category=NET&status=new", headers=HTML).text
    assert gd in net and bj not in net
    queues = {
        q: hq.get(f"/staff/complaints/?queue={q}", headers=HTML).text for q in ("g3", "general")
    }
    g3 = svc.get_ticket(db, HQ_STAFF, gd).queue == "g3"
    assert (gd in queues["g3"]) is g3 and (gd in queues["general"]) is not g3
    assert "共0条" in hq.get("/staff/complaints/?breached=1", headers=HTML).text
    assert "共0条" in hq.get("/staff/complaints/?severity=critical", headers=HTML).text


def test_ticket_page_moves_notes_accountability_and_audit(client: TestClient, db: Database) -> None:
    ticket_id = file_on_hall(client, db, ZH_USER)
    staff = TestClient(client.app)
    csrf = staff_login(staff, "bj-agent")
    url = f"/staff/complaints/t/{ticket_id}"

    def post(path: str, **data: str) -> str:
        return text(staff.post(url + path, data={"csrf_token": csrf, **data}, headers=HTML).text)

    assert "已更新" in post("/move", action="acknowledge")
    assert "已更新" in post("/move", action="start")
    assert "备注已添加" in post("/note", text="已联系用户核实")
    assert "已保存" in post("/fields", severity="high", major="1")
    assert "已更新" in post("/move", action="resolve", outcome="退还20元")
    page = post("/fields", severity="high", major="1", responsible_unit="", outcome="")
    assert "已保存" in page
    refused = post("/move", action="close")
    assert "重大投诉须登记责任单位和处理结果" in refused
    post("/fields", severity="high", major="1", responsible_unit="北京计费中心", outcome="退还20元")
    assert "须关联事件" in post("/move", action="close")  # issue #22: an incident first
    incidents.record_incident(
        db, HQ_STAFF, province="BJ", title="计费差错", occurred_at=clock.now(), impact="多扣20元",
        root_cause="计费配置错误", unit="北京计费中心", person="李四", penalty="通报批评",
        tickets=[ticket_id],
    )  # fmt: skip
    assert "已更新" in post("/move", action="close")
    assert "已更新" in post("/move", action="reopen")
    view = svc.get_ticket(db, HQ_STAFF, ticket_id)
    assert view.status == "inProgress" and view.reopened == 1
    assert view.responsible_unit == "北京计费中心" and [n.text for n in view.notes] == [
        "已联系用户核实"
    ]
    page = text(staff.get(url, headers=HTML).text)
    for event in ("登记投诉（网上营业厅）", "已受理", "开始处理", "回复：已联系用户核实",
                  "修改投诉单", "处理完成", "已关闭", "重新打开"):  # fmt: skip
        assert event in page  # the timeline in words (#20), not raw audit actions
    assert "严重程度：一般 → 高" in page and "severity" not in page
    assert "不能执行" in post("/move", action="acknowledge")
    upload = staff.post(
        url + "/attach",
        data={"csrf_token": csrf},
        files={"attachment": ("a.png", b"\x89PNG....", "image/png")},
        headers=HTML,
    )
    assert "附件已上传" in upload.text
    (att,) = svc.get_ticket(db, HQ_STAFF, ticket_id).attachments
    got = staff.get(f"{url}/a/{att.id}")
    assert got.content == b"\x89PNG...." and got.headers["content-disposition"].startswith(
        "attachment"
    )


def test_subscriber_accepts_or_reopens_a_resolved_ticket(client: TestClient, db: Database) -> None:
    ticket_id = file_on_hall(client, db, ZH_USER)
    node = "HQ"
    for action in ("start", "resolve"):
        svc.transition(db, HQ_STAFF, ticket_id, action, node=node)
    csrf = token(client.get("/hall/complaints").text)
    page = client.post(
        f"/hall/complaints/{ticket_id}/move", data={"csrf_token": csrf, "action": "close"}
    )
    assert "已更新" in page.text and "已关闭" in page.text
    assert svc.get_ticket(db, HQ_STAFF, ticket_id).status == "closed"


def test_taxonomy_editor_publishes_at_hq_only(client: TestClient, db: Database) -> None:
    bj = TestClient(client.app)
    csrf = staff_login(bj, "bj-agent")
    page = bj.get("/staff/complaints/taxonomy", headers=HTML).text
    assert "当前版本：第1版" in page and 'name="lines"' not in page
    lines = "A |  | 甲 | A\nA.B | A | 乙 | B\nA.B.C | A.B | 丙 | C"
    refused = bj.post(
        "/staff/complaints/taxonomy", data={"csrf_token": csrf, "lines": lines}, headers=HTML
    )
    assert refused.status_code == 403 and "您的岗位无权办理此业务" in refused.text
    assert svc.taxonomy(db).version == 1

    hq = TestClient(client.app)
    csrf = staff_login(hq, "hq-admin")
    editor = hq.get("/staff/complaints/taxonomy", headers=HTML).text
    current = re.search(r'<textarea id="lines"[^>]*>(.*?)</textarea>', editor, re.S)
    assert current and "NET.COV.INDOOR | NET.COV | 室内无信号 | No indoor signal" in current.group(
        1
    )
    shallow = hq.post(
        "/staff/complaints/taxonomy",
        data={"csrf_token": csrf, "lines": "A |  | 甲 | A\nA.B | A | 乙 | B"},
        headers=HTML,
    )
    assert "投诉分类无效" in shallow.text
    garbled = hq.post(
        "/staff/complaints/taxonomy", data={"csrf_token": csrf, "lines": "A, B"}, headers=HTML
    )
    assert "第1行格式不正确" in garbled.text
    new = "\n".join([current.group(1).strip(), "NET.COV.METRO | NET.COV | 地铁无信号 | Metro"])
    done = hq.post(
        "/staff/complaints/taxonomy", data={"csrf_token": csrf, "lines": new}, headers=HTML
    )
    assert "已发布第2版" in done.text and "NET.COV.METRO" in done.text
    assert svc.taxonomy(db).get("NET.COV.METRO").name_zh == "地铁无信号"
    # the hall offers the new leaf
    log_in(client, db, ZH_USER)
    assert "地铁无信号" in client.get("/hall/complaints").text


def test_console_is_listed_and_needs_staff(client: TestClient) -> None:
    assert client.get("/staff/complaints/", headers=HTML, follow_redirects=False).status_code == 303
    staff_login(client, "gd-agent")
    assert "/staff/complaints/" in client.get("/staff/", headers=HTML).text


def test_an_agent_files_for_a_caller_once(client: TestClient, db: Database) -> None:
    csrf = staff_login(client, "bj-agent")
    html = client.get("/staff/complaints/", headers=HTML).text
    data = {
        "csrf_token": csrf,
        "key": form_key(html, "/staff/complaints/new"),
        "msisdn": ZH_USER,
        "category": "SVC.HOTLINE.WAIT",
        "severity": "high",
        "description": "来电反映等待超过20分钟",
    }
    first = client.post("/staff/complaints/new", data=data, headers=HTML)
    client.post("/staff/complaints/new", data=data, headers=HTML)  # double submit
    assert "已受理" in first.text and first.url.path.startswith("/staff/complaints/t/BJ-")
    (ticket,) = svc.list_tickets(db, HQ_STAFF).items
    assert (ticket.channel, ticket.severity, ticket.filed_by) == ("console", "high", "bj-agent")
    other = {**data, "key": "web:gd", "msisdn": EN_USER}
    refused = client.post("/staff/complaints/new", data=other, headers=HTML)
    assert "无权处理" in refused.text  # a Guangdong caller is not Beijing's
    assert svc.list_tickets(db, HQ_STAFF).total == 1
