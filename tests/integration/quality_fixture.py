# ruff: noqa: E501 - a data table, kept one record per line
"""A small, hand-computed quality fixture: two provinces (XZ with 4 live subscribers,
QH with 2) and activity in May and June 2024. The expected values are in
``test_quality_service.py``, each worked out by hand in a comment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from telcare.store import antispam_models as sp
from telcare.store import charging_models as ch
from telcare.store import chat_models as chm
from telcare.store import complaint_models as cm
from telcare.store import knowledge_models as km
from telcare.store import loyalty_models as ly
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store import survey_models as sv
from telcare.store.uow import Database

MONTH, PREV = "2024-06", "2024-05"
SP_CODE = "1066000001"
XZ = ["15000000001", "15000000002", "15000000003", "15000000004"]
QH = ["15000000005", "15000000006"]
CLOSED = "15000000007"


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=UTC)


def _ticket(tid: str, province: str, msisdn: str | None, category: str, channel: str,
            created: datetime, responded: datetime | None, respond_by: datetime,
            resolve_by: datetime, resolved: datetime | None, **kw: Any) -> dict[str, Any]:  # fmt: skip
    row = {
        "id": tid, "province": province, "msisdn": msisdn, "category": category,
        "taxonomy_version": 1, "channel": channel, "severity": "normal", "queue": "general",
        "status": "resolved" if resolved else "inProgress", "summary": tid, "description": "",
        "related_product": None, "related_sp": None, "major": False, "escalation": 0,
        "reopened": 0, "respond_by": respond_by, "resolve_by": resolve_by,
        "responded_at": responded, "resolved_at": resolved, "closed_at": None,
        "filed_by": "test", "created_at": created, "updated_at": created, "seq": 1,
    }  # fmt: skip
    row.update(kw)
    return row


def load(db: Database) -> dict[str, int]:
    """Insert the fixture; returns subscriber ids by MSISDN."""
    ids: dict[str, int] = {}
    with db.uow() as uow:
        s = uow.session
        cust = s.execute(insert(m.Customer).returning(m.Customer.id),
                         [{"name": "q", "province_code": "XZ", "created_at": at(1, 1)}]).scalar_one()  # fmt: skip
        reminder = {XZ[0]: True, XZ[1]: False, XZ[2]: None, XZ[3]: None, QH[0]: True,
                    QH[1]: False, CLOSED: True}  # fmt: skip
        for number, choice in reminder.items():
            prov = "QH" if number in QH else "XZ"
            status = "closed" if number == CLOSED else "active"
            sid = s.execute(
                insert(m.Subscriber).returning(m.Subscriber.id),
                [{"msisdn": number, "customer_id": cust, "brand": "SZX", "province_code": prov,
                  "status": status, "language": "zh", "data_reminder": choice,
                  "created_at": at(1, 1)}],
            ).scalar_one()  # fmt: skip
            ids[number] = sid
            s.execute(insert(m.Account), [{"subscriber_id": sid, "balance_fen": 0, "points": 0}])
        acc = dict(s.execute(select(m.Account.subscriber_id, m.Account.id)).all())
        a = {n: acc[ids[n]] for n in ids}

        s.execute(insert(cm.Ticket), [
            _ticket("T1", "XZ", XZ[0], "NET.COV.INDOOR", "sms", at(6, 10), at(6, 10, 10),
                    at(6, 10, 12), at(6, 12), at(6, 11)),
            _ticket("T2", "XZ", XZ[0], "BIL.DISPUTE.DATA", "console", at(6, 5), at(6, 6, 6),
                    at(6, 5, 12), at(6, 7), at(6, 8), reopened=1, escalation=1, major=True),
            _ticket("T3", "XZ", XZ[1], "VAS.UNCONFIRMED.SP", "hall",
                    datetime(2024, 5, 31, 17, tzinfo=UTC), None, at(6, 1, 12), at(6, 3), None,
                    related_sp=SP_CODE),  # 1 June 01:00 in Beijing: a June ticket
            _ticket("T4", "XZ", None, "NET.DATA.SLOW", "api", at(6, 20), at(6, 20, 1),
                    at(6, 20, 12), at(6, 23), None),
            _ticket("T5", "QH", QH[0], "SVC.HALL.ATTITUDE", "console", at(6, 15), at(6, 15, 2),
                    at(6, 15, 12), at(6, 17), at(6, 16)),
            _ticket("T6", "XZ", XZ[2], "BIL.RECHARGE.CARD", "sms", at(5, 10), at(5, 10, 1),
                    at(5, 10, 12), at(5, 12), at(5, 11)),
        ])  # fmt: skip

        def survey(trigger: str, status: str, score: int | None, sent: datetime,
                   ticket: str | None = None) -> dict[str, Any]:  # fmt: skip
            return {"msisdn": XZ[0], "province": "XZ", "trigger": trigger, "via": "sms",
                    "template_code": "SAT", "template_version": 1, "status": status,
                    "created_at": sent, "sent_at": sent, "expires_at": at(7, 30),
                    "answered_at": sent if status == "answered" else None, "score": score,
                    "comment": "", "ticket_id": ticket}  # fmt: skip

        s.execute(insert(sv.Survey), [
            survey("shop", "answered", 5, at(6, 2)),
            survey("hotline", "answered", 2, at(6, 3), "T-F1"),
            survey("hotline", "answered", 1, at(6, 4)),
            survey("shop", "expired", None, at(6, 5)),
            survey("shop", "open", None, at(6, 25)),
        ])  # fmt: skip

        def report(reporter: str, sender: str, channel: str, created: datetime,
                   handled: datetime | None) -> dict[str, Any]:  # fmt: skip
            return {"reporter": reporter, "sender": sender, "text": "spam", "text_hash": "h",
                    "score": None, "channel": channel,
                    "status": "handled" if handled else "open", "outcome": None,
                    "created_at": created, "handled_at": handled}  # fmt: skip

        s.execute(insert(sp.SpamReport), [
            report(XZ[0], "10690000", "sms", at(6, 1), at(6, 1, 12)),
            report(XZ[1], "10690000", "web", at(6, 10), at(6, 13)),
            report(QH[0], "10690000", "sms", at(6, 10), None),
            report("13000000000", "10690000", "sms", at(6, 10), None),  # not a subscriber
        ])  # fmt: skip
        s.execute(insert(sp.SpamMessage), [
            {"message_id": f"M{i}", "sender": "10690000", "recipient": XZ[0], "text": "x",
             "text_hash": "h", "action": action, "reason": "model", "detail": "", "score": 0.9,
             "created_at": at(6, 2)}
            for i, action in enumerate(("quarantine", "deliver"))
        ])  # fmt: skip
        s.execute(insert(sp.SpamSender), [
            {"sender": "10690000", "kind": "number", "status": "flagged", "reason": "reports",
             "flagged_at": at(6, 3)},
            {"sender": "10690001", "kind": "number", "status": "flagged", "reason": "reports",
             "flagged_at": at(5, 3)},
        ])  # fmt: skip
        s.execute(insert(sp.SpViolation), [
            {"access_code": SP_CODE, "type": "unconfirmed", "evidence": {}, "created_at": at(6, 4),
             "revoked_at": None},
            {"access_code": SP_CODE, "type": "unconfirmed", "evidence": {}, "created_at": at(6, 5),
             "revoked_at": at(6, 6)},
        ])  # fmt: skip

        def entry(number: str, kind: str, ref: str | None, when: datetime) -> dict[str, Any]:
            amount = -100 if kind == "charge" else 100
            return {"account_id": a[number], "kind": kind, "amount_fen": amount,
                    "balance_after_fen": 0, "reason": kind, "reference": ref, "created_at": when}  # fmt: skip

        s.execute(insert(m.LedgerEntry), [
            entry(XZ[0], "recharge", "card:1", at(6, 2)),
            entry(XZ[1], "recharge", "card:2", at(6, 2)),
            entry(XZ[0], "recharge", None, at(6, 3)),
            entry(QH[0], "recharge", None, at(6, 3)),
            entry(XZ[0], "refund", "QQT88", at(6, 5)),
        ])  # fmt: skip
        s.execute(insert(m.SecretAttempt), [{"msisdn": XZ[0], "purpose": "card",
                                             "day": date(2024, 6, 3), "failures": 2}])  # fmt: skip

        pe = s.execute(insert(m.PointsEntry).returning(m.PointsEntry.id), [
            {"account_id": a[XZ[0]], "kind": "redeem", "points": -10, "points_after": 0,
             "reason": "r", "created_at": at(6, 1)}]).scalar_one()  # fmt: skip

        def order(number: str, channel: str, state: str, created: datetime) -> dict[str, Any]:
            return {"subscriber_id": ids[number], "gift_code": "G001", "points": 10,
                    "state": state, "warehouse": "XZ", "recipient": "r", "phone": "1",
                    "province_code": "XZ", "city": "c", "street": "s", "channel": channel,
                    "points_entry_id": pe, "created_at": created, "updated_at": created}  # fmt: skip

        o = s.execute(insert(ly.DeliveryOrder).returning(ly.DeliveryOrder.id), [
            order(XZ[0], "sms", "delivered", at(6, 1)),
        ]).scalar_one()  # fmt: skip
        o2 = s.execute(insert(ly.DeliveryOrder).returning(ly.DeliveryOrder.id),
                       [order(XZ[1], "web", "delivered", at(6, 1))]).scalar_one()  # fmt: skip
        s.execute(insert(ly.DeliveryOrder), [order(XZ[0], "sms", "cancelled", at(6, 20))])
        s.execute(insert(ly.DeliveryEvent), [
            {"order_id": o, "state": "delivered", "note": "", "actor": "w", "created_at": at(6, 4)},
            {"order_id": o2, "state": "delivered", "note": "", "actor": "w",
             "created_at": at(6, 11)},
        ])  # fmt: skip
        s.execute(insert(ly.Merchant), [{"code": "MQ", "name_zh": "m", "name_en": "m",
                  "province_code": "XZ", "password_hash": "x", "created_at": at(1, 1)}])  # fmt: skip
        svc = s.execute(insert(ly.MerchantService).returning(ly.MerchantService.id),
                        [{"merchant_code": "MQ", "code": "S", "name_zh": "s", "name_en": "s"}]
                        ).scalar_one()  # fmt: skip
        s.execute(insert(ly.RedemptionCode), [
            {"code": "QCODE1", "subscriber_id": ids[XZ[1]], "gift_code": "G001",
             "merchant_code": "MQ", "service_id": svc, "points": 10, "points_entry_id": pe,
             "created_at": at(6, 5), "expires_at": at(7, 5), "used_at": None}])  # fmt: skip

        s.execute(insert(ch.UsageDay), [
            {"subscriber_id": ids[XZ[0]], "day": date(2024, 6, 3), "data_kb": 100,
             "data_ufen": 500},
            {"subscriber_id": ids[XZ[0]], "day": date(2024, 6, 4), "data_kb": 50, "data_ufen": 0},
            {"subscriber_id": ids[XZ[1]], "day": date(2024, 6, 5), "data_kb": 10, "data_ufen": 0},
            {"subscriber_id": ids[XZ[2]], "day": date(2024, 6, 6), "data_kb": 20,
             "data_ufen": 300},
        ])  # fmt: skip
        s.execute(insert(ch.DataReminderSent), [
            {"subscriber_id": ids[XZ[0]], "month": MONTH, "threshold": "pct80", "sent": True,
             "created_at": at(6, 3)},
            {"subscriber_id": ids[XZ[2]], "month": MONTH, "threshold": "pct80", "sent": False,
             "created_at": at(6, 6)},
        ])  # fmt: skip
        # SP subscriptions of SP_CODE: active at the end of May XZ1, XZ3, QH1 (cancelled
        # 20 June); at the end of June XZ1, XZ2 (activated 10 June), XZ3; QH2 never confirmed
        service = s.scalar(
            select(m.SpService.id).where(m.SpService.access_code == SP_CODE).limit(1)
        )

        def sub(number: str, state: str, activated: datetime | None,
                cancelled: datetime | None = None) -> dict[str, Any]:  # fmt: skip
            return {"subscriber_id": ids[number], "service_id": service, "access_code": SP_CODE,
                    "state": state, "channel": "sms", "requested_at": activated or at(6, 1),
                    "activated_at": activated, "cancelled_at": cancelled,
                    "needs_reconfirm": False}  # fmt: skip

        s.execute(insert(pm.SpSubscription), [
            sub(XZ[0], "active", at(5, 1)),
            sub(XZ[1], "active", at(6, 10)),
            sub(XZ[2], "active", at(3, 1)),
            sub(QH[0], "cancelled", at(4, 1), at(6, 20)),
            sub(QH[1], "pending", None),
        ])  # fmt: skip

        # 10086 calls in XZ (QH has none): answered after 10 s, 30 s and 20 s (in time:
        # ≤ 20 s), one abandoned; C4 is 1 June 00:30 in Beijing; C5 to the G3 desk after 5 s
        def call(cid: str, queue: str, offered: datetime, answered: int | None,
                 abandoned: int | None = None) -> dict[str, Any]:  # fmt: skip
            return {"call_id": cid, "province": "XZ", "queue": queue, "offered_at": offered,
                    "answered_at": offered + timedelta(seconds=answered) if answered is not None else None,
                    "abandoned_at": offered + timedelta(seconds=abandoned) if abandoned is not None else None,
                    "ended_at": None, "agent": None, "imported_at": at(7, 1)}  # fmt: skip

        s.execute(insert(km.CallRecord), [
            call("C1", "GEN", at(6, 2, 9), 10),
            call("C2", "GEN", at(6, 2, 10), 30),
            call("C3", "GEN", at(6, 3), None, 40),
            call("C4", "GEN", datetime(2024, 5, 31, 16, 30, tzinfo=UTC), 20),
            call("C5", "G3", at(6, 4), 5),
            call("C0", "GEN", at(5, 20), 60),  # May: not counted in June
        ])  # fmt: skip

        def chat(cid: int, queued: datetime | None, answered: int | None,
                 closed: datetime | None) -> dict[str, Any]:  # fmt: skip
            return {"id": cid, "msisdn": XZ[0], "province": "XZ", "queue": "GEN",
                    "state": "closed" if closed else "queued", "agent": None, "bot_misses": 0,
                    "seq": 0, "ticket_id": None, "created_at": queued or at(6, 5),
                    "queued_at": queued,
                    "answered_at": queued + timedelta(seconds=answered) if queued and answered else None,
                    "closed_at": closed}  # fmt: skip

        s.execute(insert(chm.ChatSession), [
            chat(1, at(6, 5, 9), 15, at(6, 5, 10)),
            chat(2, at(6, 6, 9), 60, at(6, 6, 10)),
            chat(3, at(6, 7, 9), None, None),
            chat(4, None, None, at(6, 8, 10)),
        ])  # fmt: skip
        uow.commit()
    return ids
