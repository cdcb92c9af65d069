"""Issue #20, the subscriber side, over HTTP: errors are pages, ledger reasons in the
reader's language, CSV export and receipts, online payment (demo), the balance banner,
the usage chart, the favicon and the complaint detail page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from fastapi import HTTPException
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden
from telcare.domain.subscriptions import OPERATOR_TZ, last_day, month_end
from telcare.services import accounts, hall, lookups, surveys
from telcare.services import complaints as cmp
from telcare.store import models as m
from telcare.store.charging_models import UsageDay
from telcare.store.uow import Database
from tests.e2e.test_web_hall import EN_USER, ZH_USER, form_key, log_in, text, token

HTML = {"Accept": "text/html,application/xhtml+xml"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def client(request: pytest.FixtureRequest, sqlite_db: Database) -> TestClient:
    demo = request.node.get_closest_marker("demo") is not None
    return TestClient(create_app(sqlite_db, demo=demo), headers=HTML)


def reasons(html: str) -> list[str]:
    return [text(r).strip() for r in re.findall(r'<td[^>]*class="reason">(.*?)</td>', html, re.S)]


# --- errors are pages ---------------------------------------------------------------------


def test_ledger_page_zero_is_the_ledger_with_a_message(
    client: TestClient, sqlite_db: Database
) -> None:
    log_in(client, sqlite_db, ZH_USER)
    for bad in ("0", "-1", "x", "99999"):
        page = client.get(f"/hall/ledger?page={bad}")
        assert page.status_code == 200, bad
        assert page.headers["content-type"].startswith("text/html")
        assert 'id="ledger-error"' in page.text and "页码" in text(page.text)
        assert 'id="kind"' in page.text  # the filters are still there


def test_a_complaint_without_a_category_is_the_form_with_a_message(
    client: TestClient, sqlite_db: Database
) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    html = client.get("/hall/complaints").text
    data = {"csrf_token": csrf, "key": form_key(html, "/hall/complaints"), "description": "没信号"}
    page = client.post("/hall/complaints", data=data)  # as a browser with validation off
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert re.search(r'id="category-error"[^>]*>请选择投诉分类', page.text)
    assert "没信号</textarea>" in page.text  # what was typed is kept
    assert not cmp.list_tickets(sqlite_db, Principal(Kind.SUBSCRIBER, ZH_USER, ""), limit=5).items


def test_unknown_pages_are_a_friendly_404_in_the_readers_language(
    client: TestClient, sqlite_db: Database
) -> None:
    anonymous = client.get("/no/such/page")
    assert anonymous.status_code == 404 and "页面不存在" in anonymous.text
    assert 'href="/static/style.css"' in anonymous.text  # the site's page, not a bare line
    english = client.get("/no/such/page", headers={"Accept-Language": "en-GB", **HTML})
    assert "Page not found" in english.text and not CJK.search(
        text(english.text).split("Telcare")[0]
    )
    log_in(client, sqlite_db, EN_USER)
    page = client.get("/hall/complaints/NOPE-1")
    assert page.status_code == 404 and "Complaint" not in page.headers.get("content-type", "")
    assert page.headers["content-type"].startswith("text/html") and 'role="alert"' in page.text
    api = client.get("/api/no-such", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    bad_id = client.get("/hall/ledger/abc/receipt")
    assert bad_id.status_code == 422 and bad_id.headers["content-type"].startswith("text/html")


def test_a_crash_is_a_500_page_and_an_api_crash_a_problem(sqlite_db: Database) -> None:
    app = create_app(sqlite_db)

    def boom() -> None:
        raise RuntimeError("bug")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/boom", boom)
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/boom", headers=HTML)
    assert page.status_code == 500 and "系统暂时无法处理" in page.text
    english = client.get("/boom", headers={**HTML, "Accept-Language": "en"})
    assert "please try again later" in english.text
    api = client.get("/api/boom")
    assert api.status_code == 500 and api.headers["content-type"] == "application/problem+json"


def test_a_refusal_is_a_403_page_in_the_readers_language(sqlite_db: Database) -> None:
    app = create_app(sqlite_db)

    def refused() -> None:
        raise HTTPException(403, "headquarters staff only")

    app.add_api_route("/staff/hq-only", refused)
    app.add_api_route("/api/hq-only", refused)
    client = TestClient(app)
    page = client.get("/staff/hq-only", headers=HTML)
    assert (
        page.status_code == 403
        and "无权访问" in page.text
        and "您没有访问此页面的权限" in page.text
    )
    english = client.get("/staff/hq-only", headers={**HTML, "Accept-Language": "en"})
    assert "You are not allowed to see this page." in english.text
    api = client.get("/api/hq-only", headers=HTML)  # an API path keeps its problem body
    assert api.status_code == 403 and api.headers["content-type"] == "application/problem+json"


# --- ledger: reasons, export, receipts ----------------------------------------------------


def test_ledger_reasons_are_in_the_readers_language(
    client: TestClient, sqlite_db: Database
) -> None:
    accounts.charge(sqlite_db, ZH_USER, 150, idempotency_key="t:usage", reason="usage 2026-12-04")
    accounts.charge(sqlite_db, EN_USER, 150, idempotency_key="t:usage2", reason="usage 2026-12-04")
    accounts.recharge(sqlite_db, EN_USER, 100, idempotency_key="t:shop", reason="营业厅充值")
    log_in(client, sqlite_db, ZH_USER)
    zh = client.get("/hall/ledger").text
    assert "开户预存款" in reasons(zh) and "通信费 2026-12-04" in reasons(zh)
    assert "opening balance" not in zh and "usage 2026" not in zh
    month = clock.now().astimezone(OPERATOR_TZ).strftime("%Y-%m")
    statement = client.get(f"/hall/statement?month={month}").text
    assert "通信费 2026-12-04" in reasons(statement) and "usage 2026" not in statement
    other = TestClient(client.app, headers=HTML)
    log_in(other, sqlite_db, EN_USER)  # an English-speaking subscriber
    en = reasons(other.get("/hall/ledger").text)
    assert "Opening balance" in en and "Usage 2026-12-04" in en and "Recharge at a shop" in en
    assert not any(CJK.search(r) for r in en), en


def test_ledger_csv_export(client: TestClient, sqlite_db: Database) -> None:
    log_in(client, sqlite_db, ZH_USER)
    page = client.get("/hall/ledger")
    assert 'id="ledger-csv"' in page.text
    export = client.get("/hall/ledger.csv?kind=recharge")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert rows[0][0] == "流水号" and rows[1][5] == "开户预存款" and rows[1][3] == "100.00"
    bad = client.get("/hall/ledger.csv?since=nope")
    assert bad.headers["content-type"].startswith("text/html") and "nope" in bad.text


def test_a_receipt_per_recharge(client: TestClient, sqlite_db: Database) -> None:
    log_in(client, sqlite_db, ZH_USER)
    rows, _ = hall.ledger_history(sqlite_db, ZH_USER, kind="recharge")
    ledger = client.get("/hall/ledger").text
    assert f'href="/hall/ledger/{rows[0].entry_id}/receipt"' in ledger
    page = client.get(f"/hall/ledger/{rows[0].entry_id}/receipt")
    assert page.status_code == 200 and "充值收据" in page.text
    assert "100.00" in text(page.text) and 'src="/static/print.js"' in page.text
    others, _ = hall.ledger_history(sqlite_db, EN_USER, kind="recharge")
    assert client.get(f"/hall/ledger/{others[0].entry_id}/receipt").status_code == 404


# --- recharge other than a card -----------------------------------------------------------


@pytest.mark.demo
def test_online_payment_in_demo_mode_credits_through_the_ledger(
    client: TestClient, sqlite_db: Database
) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    html = client.get("/hall/recharge").text
    assert 'id="online-payment"' in html and 'value="5000"' in html
    key = form_key(html, "/hall/recharge/online")
    data = {"csrf_token": csrf, "key": key, "amount": "5000"}
    page = client.post("/hall/recharge/online", data=data)
    assert "支付成功，已充值50.00元，当前余额150.00元" in text(page.text)
    assert client.post("/hall/recharge/online", data=data).status_code == 200  # replayed key
    rows, total = hall.ledger_history(sqlite_db, ZH_USER, kind="recharge")
    assert (
        total == 2
        and rows[0].amount_fen == 5000
        and rows[0].reason.startswith("online payment DEMO-")
    )
    assert f"/hall/ledger/{rows[0].entry_id}/receipt" in page.text
    odd = client.post("/hall/recharge/online", data={**data, "key": "web:k-odd", "amount": "1"})
    assert "请选择充值金额" in text(odd.text)


def test_online_payment_is_refused_outside_demo_mode(
    client: TestClient, sqlite_db: Database
) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    html = client.get("/hall/recharge").text
    assert 'id="pay-unavailable"' in html
    data = {"csrf_token": csrf, "key": "web:k-prod", "amount": "5000"}
    page = client.post("/hall/recharge/online", data=data)
    assert "尚未接入支付机构" in text(page.text)
    assert hall.ledger_history(sqlite_db, ZH_USER, kind="recharge")[1] == 1


# --- banner, chart, favicon ---------------------------------------------------------------


def test_low_balance_and_barred_banners_with_a_recharge_button(
    client: TestClient, sqlite_db: Database
) -> None:
    log_in(client, sqlite_db, ZH_USER)
    assert 'id="balance-banner"' not in client.get("/hall/").text
    accounts.charge(sqlite_db, ZH_USER, 9500, idempotency_key="t:low")
    page = client.get("/hall/ledger").text
    assert 'id="balance-banner"' in page and "余额不足：当前余额5.00元" in text(page)
    assert re.search(r'id="balance-banner".*?href="/hall/recharge"', page, re.S)
    with sqlite_db.uow() as uow:
        uow.session.execute(
            update(m.Subscriber).where(m.Subscriber.msisdn == ZH_USER).values(status="barred")
        )
        uow.commit()
    assert "您的号码已停机" in text(client.get("/hall/").text)


def test_usage_history_chart_for_six_months(client: TestClient, sqlite_db: Database) -> None:
    today = clock.today()  # Beijing time: the chart counts Beijing months
    earlier = (today.replace(day=1) - timedelta(days=40)).replace(day=3)
    with sqlite_db.uow() as uow:
        sub = lookups.subscriber(uow.session, ZH_USER)
        for day, kb in ((today.replace(day=1), 2048 * 1024), (earlier, 512 * 1024)):
            uow.session.add(UsageDay(subscriber_id=sub.id, day=day, data_kb=kb, voice_min=5, sms=2))
        uow.commit()
    log_in(client, sqlite_db, ZH_USER)
    html = client.get("/hall/").text
    assert (
        'id="usage-history"' in html
        and "<svg" in html
        and "<script" not in html.split("</head>")[1]
    )
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)" class="col"', html)]
    assert len(heights) == 6 and heights[-1] > heights[-3] > 0 and heights.count(0.0) == 4
    months = re.findall(r'data-month="(\d{4}-\d{2})"', html)
    assert len(months) == 6 and months[-1] == today.strftime("%Y-%m")
    assert f'data-month="{earlier:%Y-%m}"' in html and "2048" in text(html)
    assert date.fromisoformat(months[0] + "-01") < earlier


def test_favicon_is_linked_and_served(client: TestClient) -> None:
    home = client.get("/").text
    assert '<link rel="icon" href="/static/favicon.svg"' in home
    assert client.get("/static/favicon.svg").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


# --- complaint detail ---------------------------------------------------------------------


def file_one(client: TestClient, csrf: str) -> tuple[str, str]:
    html = client.get("/hall/complaints").text
    category = re.findall(r'<option value="([A-Z][^"]+)"', html)[0]
    data = {
        "csrf_token": csrf,
        "key": form_key(html, "/hall/complaints"),
        "category": category,
        "description": "家里没有信号",
    }
    page = client.post("/hall/complaints", data=data)
    found = re.search(r"/hall/complaints/([^/]+)$", str(page.url))
    assert found, page.url
    return found.group(1), page.text


def test_complaint_detail_timeline_reply_and_withdraw(
    client: TestClient, sqlite_db: Database
) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    ticket_id, page = file_one(client, csrf)
    assert "家里没有信号" in page and "投诉已提交" in text(page) and "撤销投诉" in page
    listing = client.get("/hall/complaints").text
    assert f'href="/hall/complaints/{ticket_id}"' in listing
    assert 'data-label="状态"' in listing  # the phone layout keeps its labels
    replied = client.post(
        f"/hall/complaints/{ticket_id}/reply", data={"csrf_token": csrf, "text": "晚上更差"}
    )
    assert "您的补充说明已发送" in text(replied.text) and "晚上更差" in replied.text
    staff_view = cmp.get_ticket(sqlite_db, Principal(Kind.STAFF, "hq", "HQ", "admin"), ticket_id)
    assert [n.text for n in staff_view.notes] == ["晚上更差"]  # the agents read it
    done = client.post(
        f"/hall/complaints/{ticket_id}/move", data={"csrf_token": csrf, "action": "withdraw"}
    )
    assert "已撤销" in text(done.text) and 'id="ticket-status" class="status">已关闭' in done.text
    assert "您已撤销投诉" in text(done.text)
    odd = client.post(
        f"/hall/complaints/{ticket_id}/move", data={"csrf_token": csrf, "action": "resolve"}
    )
    assert odd.status_code == 200 and "不能执行" in text(odd.text)


def test_only_the_subscriber_withdraws(client: TestClient, sqlite_db: Database) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    ticket_id, _ = file_one(client, csrf)
    staff = Principal(Kind.STAFF, "hq", "HQ", "admin")
    with pytest.raises(Forbidden):
        cmp.transition(sqlite_db, staff, ticket_id, "withdraw", node="HQ")
    other = TestClient(client.app, headers=HTML)
    other_csrf = log_in(other, sqlite_db, EN_USER)
    refused = other.post(
        f"/hall/complaints/{ticket_id}/move", data={"csrf_token": other_csrf, "action": "withdraw"}
    )
    assert (
        refused.url.path == "/hall/complaints" and f"There is no ticket {ticket_id}" in refused.text
    )
    mine = cmp.get_ticket(sqlite_db, Principal(Kind.SUBSCRIBER, ZH_USER, ""), ticket_id)
    assert mine.status == "new"
    assert token(client.get(f"/hall/complaints/{ticket_id}").text)


# --- a cancelled package until it ends -----------------------------------------------------


def test_a_cancelled_package_is_shown_until_it_ends_on_the_web_and_by_sms(
    client: TestClient, sqlite_db: Database
) -> None:
    sms = SmsDispatcher(sqlite_db)

    def send(text: str) -> str:
        mo = MoMessage(ZH_USER, "10086", text, message_id=f"t-{text}-{clock.now().timestamp()}")
        return "".join(r.text for r in sms.handle(mo))

    send("KTG3YH")
    assert "成功" in send("Y")
    csrf = log_in(client, sqlite_db, ZH_USER)
    page = client.get("/hall/packages").text
    data = {"code": "G3YH", "key": form_key(page, "/hall/packages/cancel"), "csrf_token": csrf}
    client.post("/hall/packages/cancel", data=data)
    last = last_day(month_end(clock.now())).strftime("%m-%d")
    ending = f"本月仍可使用，至{last}止"
    page = client.get("/hall/packages").text
    item = re.search(r'<li data-code="G3YH">(.*?)</li>', page, re.S)
    assert item and ending in text(item.group(1)), text(page)
    assert ending in text(client.get("/hall/").text)
    assert f"1元G3优惠包(G3YH) 1.00（已退订，{ending}）" in send("CXTC")
    menu = send("0000")
    assert (
        "没有付费业务" in menu and f"已退订、本月仍可使用：1元G3优惠包（已退订，{ending}）" in menu
    )


# --- a survey sent in quiet hours ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_survey_sent_in_quiet_hours_says_when_it_arrives(
    client: TestClient, sqlite_db: Database, lang: str
) -> None:
    night = datetime.combine(clock.now().date(), time(23, 10), tzinfo=OPERATOR_TZ)
    number = ZH_USER if lang == "zh" else EN_USER
    with time_machine.travel(night, tick=False):
        sent = surveys.send_now(sqlite_db, number, "hotline")
        assert sent.sent_at is not None and sent.sent_at.astimezone(OPERATOR_TZ).hour == 8
        log_in(client, sqlite_db, number)
        page = client.get("/hall/survey").text
    assert 'id="survey-arrives"' in page and 'id="survey-form"' not in page
    said = "将于08:00发送" if lang == "zh" else "arrives at 08:00"
    assert said in text(page)


# --- the G3 service van: the subscriber's province first -------------------------------------


def test_the_van_list_shows_the_subscribers_province_first(
    client: TestClient, sqlite_db: Database
) -> None:
    for number, home in ((ZH_USER, "BJ"), (EN_USER, "GD")):
        other = TestClient(client.app, headers=HTML)
        log_in(other, sqlite_db, number)
        page = other.get("/hall/van").text
        home_part, _, rest = page.partition('id="schedule-elsewhere"')
        provinces = re.findall(r'data-province="([A-Z]+)"', home_part)
        assert provinces and set(provinces) == {home}, (number, provinces)
        assert home not in re.findall(r'data-province="([A-Z]+)"', rest)
        assert re.findall(r'data-province="([A-Z]+)"', rest)  # the others are still listed
