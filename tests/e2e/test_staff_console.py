"""The staff console as a place to work in (#20), over HTTP with the demo fixtures: its own
header and a menu by role, the complaint queue (open first by deadline, search, checked
filters, working-hours countdowns), the ticket page (customer's text, timeline, replies),
the quality dashboard's layout, the gift delivery queue, codes in words, and form and
query errors as pages with the message next to the field."""

from __future__ import annotations

import base64
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.channels.web.staff import section_actions
from telcare.domain import roles
from telcare.domain.access import Kind, Principal
from telcare.services import antispam, loyalty
from telcare.services import complaints as svc
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.e2e.test_web_complaints import file_on_hall, staff_login
from tests.e2e.test_web_hall import text, token

HTML = {"accept": "text/html"}
HQ = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
ZH_USER, EN_USER, SH_USER = "13800138000", "13900139000", "13700137000"


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return sqlite_db


@pytest.fixture
def client(db: Database) -> TestClient:
    return TestClient(create_app(db))


def staff(client: TestClient, username: str, lang: str = "zh") -> TestClient:
    """A new browser session of ``username`` in ``lang``."""
    other = TestClient(client.app)
    csrf = staff_login(other, username)
    if lang == "en":
        other.post("/hall/lang", data={"csrf_token": csrf, "lang": "en", "next": "/staff/"})
    return other


def menu(html: str) -> list[str]:
    nav = re.search(r'<nav class="console-menu".*?</nav>', html, re.S)
    assert nav, "no console menu"
    return re.findall(r'<li><a href="([^"]+)"', nav.group(0))


# --- the header and the menu by role -----------------------------------------------------


def test_the_console_has_its_own_header_and_a_menu_by_role(client: TestClient) -> None:
    hq = staff(client, "hq-admin")
    home = hq.get("/staff/", headers=HTML).text
    brand = re.search(r'<a href="/staff/" class="brand"[^>]*>([^<]+)</a>', home)
    assert brand and "客户服务与质量管理工作台" in brand.group(1)
    assert "网上营业厅" not in home.split("<main")[0]  # not the subscribers' header
    assert "<title>员工工作台 · 客户服务与质量管理工作台</title>" in home
    hq_items = menu(home)
    for section in ("/staff/complaints/", "/staff/quality/", "/staff/antispam/",
                    "/staff/loyalty", "/staff/partners/", "/staff/surveys/", "/staff/jobs/",
                    "/staff/logins/"):  # fmt: skip
        assert section in hq_items, section
    agent = staff(client, "bj-agent")
    agent_items = menu(agent.get("/staff/complaints/", headers=HTML).text)
    assert "/staff/logins/" not in agent_items and "/staff/complaints/" in agent_items
    # the menu is the matrix: every section shown is allowed, every one hidden is not
    actions = section_actions(client.app)
    for who, items in ((HQ, hq_items), (Principal(Kind.STAFF, "bj-agent", "BJ", "agent"),
                                        agent_items)):  # fmt: skip
        for href, action in actions.items():
            assert action is not None, href
            assert (href in items) == roles.allowed(who, action), (who.subject, href)
    # the current section is marked; English too
    queue = agent.get("/staff/complaints/", headers=HTML).text
    assert '<a href="/staff/complaints/" aria-current="page">' in queue
    en = staff(client, "bj-agent", "en").get("/staff/", headers=HTML).text
    assert "Telcare Staff console" in en and "Complaints console" in en
    assert "bj-agent (Beijing, agent)" in en


# --- the complaint queue -------------------------------------------------------------------


def test_queue_open_first_by_deadline_with_search_and_working_hours(
    client: TestClient, db: Database
) -> None:
    closed = file_on_hall(client, db, ZH_USER)  # filed first: the earliest deadline
    for action in ("start", "resolve", "close"):
        svc.transition(db, HQ, closed, action, node="HQ", outcome="已退费")
    open_ = file_on_hall(TestClient(client.app), db, EN_USER, category="NET.DATA.SLOW")
    hq = staff(client, "hq-admin")
    html = hq.get("/staff/complaints/", headers=HTML).text
    order = re.findall(r'data-ticket="([^"]+)"', html)
    assert order.index(open_) < order.index(closed)  # open first, closed last
    assert "个工作小时" in html and "截止" in html  # working hours said as such, and the date
    by_id = hq.get("/staff/complaints/", params={"q": open_[3:12].lower()}, headers=HTML).text
    assert re.findall(r'data-ticket="([^"]+)"', by_id) == [open_]
    by_number = hq.get("/staff/complaints/", params={"q": "+86 139 0013 9000"}, headers=HTML)
    assert re.findall(r'data-ticket="([^"]+)"', by_number.text) == [open_]
    assert 'id="f-q"' in html and "全部省份" in html
    en = staff(client, "hq-admin", "en").get("/staff/complaints/", headers=HTML).text
    assert "working hours" in en and "due " in en


def test_queue_filters_outside_the_choices_are_said_next_to_the_field(
    client: TestClient, db: Database
) -> None:
    file_on_hall(client, db, ZH_USER)
    agent = staff(client, "bj-agent")
    bad = agent.get(
        "/staff/complaints/", params={"province": "GD", "status": "bogus", "page": "0"},
        headers=HTML,
    )  # fmt: skip
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert 'id="f-status-error"' in bad.text and "筛选条件无效：状态" in text(bad.text)
    assert 'aria-invalid="true"' in bad.text
    long = agent.get("/staff/complaints/", params={"severity": "x" * 50}, headers=HTML)
    assert long.status_code == 422 and 'id="f-severity-error"' in long.text  # not a JSON 422


# --- the ticket page -----------------------------------------------------------------------


def test_ticket_page_shows_the_customer_text_a_timeline_in_words_and_replies(
    client: TestClient, db: Database
) -> None:
    ticket_id = file_on_hall(client, db, ZH_USER)
    agent = staff(client, "bj-agent")
    url = f"/staff/complaints/t/{ticket_id}"
    csrf = token(agent.get(url, headers=HTML).text)
    agent.post(f"{url}/move", data={"csrf_token": csrf, "action": "acknowledge"}, headers=HTML)
    agent.post(f"{url}/note", data={"csrf_token": csrf, "text": "已致电用户"}, headers=HTML)
    html = agent.get(url, headers=HTML).text
    customer = re.search(r'<section class="card" id="customer">(.*?)</section>', html, re.S)
    assert customer and "客户反映的问题" in customer.group(1)
    assert "上月流量费多扣了20元" in customer.group(1)
    details = re.search(r'<section class="card" id="details">(.*?)</section>', html, re.S)
    assert details and "上月流量费多扣了20元" not in details.group(1)  # not under 处理结果
    timeline = re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>', html, re.S)
    assert timeline
    said = text(timeline.group(1))
    assert "登记投诉（网上营业厅）" in said and "已受理" in said and "首次响应于" in said
    assert re.search(r"首次响应于\d{2}-\d{2} \d{2}:\d{2}", said)  # local time, not ISO
    for raw in ("responded_at", "None", "+00:00", " file ", "acknowledge"):
        assert raw not in said, raw
    assert f"客户 {ZH_USER}" in said and "回复：已致电用户" in said
    replies = re.search(r'<ul class="plain" id="replies">(.*?)</ul>', html, re.S)
    assert replies and "已致电用户" in replies.group(1) and "bj-agent" in replies.group(1)
    en = staff(client, "bj-agent", "en").get(url, headers=HTML).text
    assert "What the customer says" in en and "First response at" in en


# --- the quality dashboard -----------------------------------------------------------------


def test_quality_dashboard_layout_and_met_missed_in_words(client: TestClient) -> None:
    hq = staff(client, "hq-admin")
    html = hq.get("/staff/quality/", headers=HTML).text
    chart = re.search(r'<div class="chart" id="trend-chart"><img class="chart-img" alt="近期趋势" '
                      r'src="data:image/svg\+xml;base64,([^"]+)"', html)  # fmt: skip
    assert chart  # an image (its styles are its own, not refused by the page's CSP) ...
    svg = base64.b64decode(chart.group(1)).decode()
    assert 'fill="' in svg and 'style="' not in svg  # shapes painted by attributes
    assert 'style="' not in html  # ... and no inline style on the page itself
    assert '<table id="indicators" class="full">' in html
    assert '<table id="standards" class="full">' in html
    assert 'class="nodata">无数据' in html  # no data said as such, not "—"
    assert re.search(r'class="(met|missed)">[✓✗] (达标|未达标)', html)  # colour and a word
    css = client.get("/static/console.css").text
    assert ".chart-img" in css and "max-width: 100%" in css and "table.full" in css


# --- the gift delivery queue, the catalog and its stock form -------------------------------


def test_gift_queue_has_headers_and_buttons_named_for_the_action(
    client: TestClient, db: Database
) -> None:
    loyalty.request_redemption(db, ZH_USER, "G001", channel="web")
    order_id = loyalty.confirm_redemption(db, ZH_USER).order_id
    agent = staff(client, "bj-agent")
    html = agent.get("/staff/loyalty/orders", headers=HTML).text
    assert f'data-order="{order_id}"' in html
    heads = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert heads == ["订单号", "下单时间", "礼品", "发货仓 → 收货省份", "收货地址", "状态", "操作"]
    buttons = re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', html)
    assert "拣货出库" in buttons and "取消订单" in buttons
    assert "已出库" not in buttons and "已取消，积分已退还" not in buttons  # not the state
    csrf = token(html)
    agent.post(f"/staff/loyalty/orders/{order_id}", data={"csrf_token": csrf, "state": "picked"})
    shipped = agent.get("/staff/loyalty/orders", headers=HTML).text
    assert ">发货</button>" in shipped
    en = staff(client, "bj-agent", "en").get("/staff/loyalty/orders", headers=HTML).text
    assert ">Ship</button>" in en and '<th scope="col">Order</th>' in en
    hq = staff(client, "hq-admin").get("/staff/loyalty/orders", headers=HTML).text
    assert '<option value="">全部省份</option>' in hq and ">*<" not in hq


def test_stock_errors_are_the_page_with_the_message_next_to_the_field(
    client: TestClient,
) -> None:
    agent = staff(client, "bj-agent")
    page = agent.get("/staff/loyalty", headers=HTML).text
    assert '<label for="gift">礼品</label>' in page and '<label for="quantity">库存数量' in page
    assert ">Gift<" not in page and ">#<" not in page and "BJ:" not in page
    csrf = token(page)
    for bad in ("-5", "abc", "99999999"):
        answer = agent.post(
            "/staff/loyalty/stock",
            data={"csrf_token": csrf, "gift": "G003", "province": "BJ", "quantity": bad},
            headers=HTML,
        )
        assert answer.status_code == 422, bad
        assert answer.headers["content-type"].startswith("text/html"), bad
        near = re.search(r'id="quantity"[^>]*>\s*<p class="field-error" id="quantity-error">'
                         r"([^<]+)</p>", answer.text)  # fmt: skip
        assert near and "0至1000000" in near.group(1), bad
    elsewhere = agent.post(
        "/staff/loyalty/stock",
        data={"csrf_token": csrf, "gift": "G003", "province": "GD", "quantity": "3"},
        headers=HTML,
    )
    assert elsewhere.status_code == 422 and 'id="form-error"' in elsewhere.text
    bad_filter = staff(client, "hq-admin").get(
        "/staff/loyalty/orders", params={"province": "ZZZ"}, headers=HTML
    )
    assert bad_filter.status_code == 422 and 'id="province-error"' in bad_filter.text


# --- codes in words --------------------------------------------------------------------------


def test_spam_platform_shows_statuses_and_channels_in_words(
    client: TestClient, db: Database
) -> None:
    antispam.report(db, ZH_USER, "恭喜中奖，点击领取", sender="13912345678", channel="sms")
    hq = staff(client, "hq-admin")
    queue = text(hq.get("/staff/antispam/", headers=HTML).text)
    assert "短信 · 正常" in queue and "sms · clear" not in queue
    senders = text(hq.get("/staff/antispam/senders", headers=HTML).text)
    assert " clear " not in senders and "正常" in senders
    en = text(staff(client, "hq-admin", "en").get("/staff/antispam/", headers=HTML).text)
    assert "SMS · clear" in en


def test_quality_filters_outside_the_choices_are_said_next_to_the_field(
    client: TestClient,
) -> None:
    hq = staff(client, "hq-admin")
    for query, field in (({"province": "ZZZ"}, "province"), ({"month": "2026-13"}, "month"),
                         ({"province": "x" * 30}, "province")):  # fmt: skip
        page = hq.get("/staff/quality/", params=query, headers=HTML)
        assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
        assert f'<p class="field-error" id="q-{field}-error">' in page.text, query
        assert 'id="standards"' in page.text  # the dashboard, with the default choice
    one = hq.get("/staff/quality/indicator/CMP_RATE", params={"province": "ZZ"}, headers=HTML)
    assert one.status_code == 422 and 'id="q-province-error"' in one.text


def test_filing_for_a_caller_with_a_bad_field_is_the_page_with_the_message_by_it(
    client: TestClient, db: Database
) -> None:
    agent = staff(client, "bj-agent")
    html = agent.get("/staff/complaints/", headers=HTML).text
    key = re.search(r'name="key" value="([^"]+)"', html)
    assert key
    data = {"csrf_token": token(html), "key": key.group(1), "msisdn": "123",
            "category": "BIL", "severity": "huge", "description": ""}  # fmt: skip
    bad = agent.post("/staff/complaints/new", data=data, headers=HTML)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    for field in ("msisdn", "category", "severity", "description"):
        assert f'id="c-{field}-error"' in bad.text, field
    assert '<details class="card" id="file-for-caller" open>' in bad.text
    assert 'value="123"' in bad.text  # what was typed is kept
    assert svc.list_tickets(db, HQ).total == 0
    good = {**data, "msisdn": ZH_USER, "category": "NET.COV.INDOOR", "severity": "normal",
            "description": "来电反映家里没信号"}  # fmt: skip
    filed = agent.post("/staff/complaints/new", data=good, headers=HTML)
    assert filed.url.path.startswith("/staff/complaints/t/BJ-")
