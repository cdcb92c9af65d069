"""The launch checklist's automatic steps, run and checked by the system (issue #22).

For a product or SP service the run places real test orders on the checklist's test
lines: through the SMS dispatcher (``KT<code>``/``DG<code>``, ``Y``, ``0000``, ``QX<n>``)
on the first line and through the online hall's services (the calls its pages make) on
the second (the first again when only one is named). Each check is judged on what the
system did — the pending order, the confirmation text in the line's language and its
rendering in the other, the ledger's charge of the quoted amount, the ``0000`` listing,
the cancellation (gone from the listing) and the refund's ledger entry — and recorded as
pass or fail with its evidence. A dated tariff price is checked by rating a sample usage
on a test line through the rating engine at that price.

The SMS dispatcher lives in the channels layer: callers pass it in as :data:`SmsPort`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import launch as rules
from telcare.domain import rating
from telcare.domain.access import Principal
from telcare.domain.catalog import ProductKind, Service
from telcare.domain.errors import DomainError
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import N_, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.renewals import first_month_fee
from telcare.services import accounts, hall, lookups, orders, partners, selfcare
from telcare.services.partners.sanctions import refund_fees
from telcare.services.quality import launch, launch_plans
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.improvement_models import LaunchChecklist
from telcare.store.uow import Database

SmsPort = Callable[[str, str, str], str]
"""``send(sender, service number, text)``: one MO through the SMS engine, its reply text."""
SELFCARE = "10086"
LANGS = ("zh", "en")


@dataclass(frozen=True, slots=True)
class _Item:
    kind: rules.Kind
    code: str
    access: str | None  # the SP's access code (SP services)
    sp_name: str
    name_zh: str
    name_en: str
    price_fen: int
    base_plan: bool = False

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


class _Run:
    """One channel's test order on one line: the six checks, each recorded once."""

    def __init__(self, db: Database, item: _Item, channel: str, line: str, tag: str) -> None:
        self.db, self.item, self.channel, self.line, self.tag = db, item, channel, line, tag
        self.lang = selfcare.overview(db, line).language
        self.results: dict[str, dict[str, Any]] = {}
        self.mark, self.mark_sms = self._marks()
        self.charged = 0

    def _marks(self) -> tuple[int, int]:
        with self.db.read() as uow:
            s = uow.session
            account = _account_id(s, self.line)
            entry = select(func.max(m.LedgerEntry.id)).where(m.LedgerEntry.account_id == account)
            sms = select(func.max(m.OutboundSms.id)).where(m.OutboundSms.recipient == self.line)
            return s.scalar(entry) or 0, s.scalar(sms) or 0

    def record(self, test: str, ok: bool, **evidence: Any) -> bool:
        step = f"{self.channel}_{test}"
        self.results[step] = {"ok": bool(ok), "auto": True, "line": self.line,
                              "evidence": _plain(evidence)}  # fmt: skip
        return bool(ok)

    def texts_ok(self, texts: dict[str, str]) -> bool:
        return _texts_ok(self.item, texts)

    @staticmethod
    def stop(key: str) -> Exception:
        return _Stop(key)

    def entries(self, kind: EntryKind) -> list[dict[str, Any]]:
        with self.db.read() as uow:
            s = uow.session
            rows = s.scalars(
                select(m.LedgerEntry)
                .where(
                    m.LedgerEntry.account_id == _account_id(s, self.line),
                    m.LedgerEntry.id > self.mark,
                    m.LedgerEntry.kind == kind.value,
                )
                .order_by(m.LedgerEntry.id)
            )
            return [{"entry": e.id, "amount_fen": e.amount_fen, "reason": e.reason} for e in rows]

    def queued_texts(self) -> list[str]:
        with self.db.read() as uow:
            query = select(m.OutboundSms.text).where(
                m.OutboundSms.recipient == self.line, m.OutboundSms.id > self.mark_sms
            )
            return list(uow.session.scalars(query.order_by(m.OutboundSms.id)))


def _plain(value: Any) -> Any:
    """Evidence as JSON: texts kept short."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return value[:400]
    return value


def _account_id(s: Session, msisdn: str) -> int:
    sub = lookups.subscriber(s, msisdn)
    return int(s.scalar(select(m.Account.id).where(m.Account.subscriber_id == sub.id)) or 0)


def _texts(item: _Item, key: str, params: dict[str, Any]) -> dict[str, str]:
    """The confirmation text in both languages (the item's name in each)."""
    return {lang: render(key, lang, **{**params, "name": item.name(lang)}) for lang in LANGS}


def _texts_ok(item: _Item, texts: dict[str, str]) -> bool:
    price = fen_to_yuan(item.price_fen)
    return all(
        bool(item.name(lang)) and item.name(lang) in texts[lang] and price in texts[lang]
        and "{" not in texts[lang]
        for lang in LANGS
    )  # fmt: skip


def _listed(db: Database, line: str, code: str) -> int | None:
    """The item's number in the line's ``0000`` listing (the menu ``QX<n>`` reads)."""
    offers = orders.paid_menu(db, line)
    return next((i for i, o in enumerate(offers, 1) if o.code == code), None)


def _confirm_params(db: Database, r: _Run) -> dict[str, Any]:
    balance = selfcare.overview(db, r.line).balance_fen
    item = r.item
    return {"sp": item.sp_name, "code": item.code, "access": item.access or "",
            "price": fen_to_yuan(item.price_fen), "balance": fen_to_yuan(balance)}  # fmt: skip


def _order_sms(db: Database, r: _Run, sms: SmsPort) -> None:
    item = r.item
    if item.access is None:
        reply = sms(r.line, SELFCARE, f"KT{item.code}")
    else:
        reply = sms(r.line, item.access, f"DG{item.code}")
        reply += " | " + " | ".join(r.queued_texts())  # the 10086 confirmation request
    pending = orders.pending(db, r.line)
    ok = pending is not None and pending.offer.code == item.code
    r.record("order", ok and item.name(r.lang) in reply, reply=reply,
             pending=pending.offer.code if pending else None)  # fmt: skip
    if not ok:
        raise _Stop("order.nothing_pending")
    reply = sms(r.line, SELFCARE, "Y")
    key = "sms.subscribed" if item.access is None else "sp.subscribed"
    texts = _texts(item, key, _confirm_params(db, r))
    sent = item.name(r.lang) in reply and fen_to_yuan(item.price_fen) in reply
    r.record("confirmation", sent and _texts_ok(item, texts), reply=reply, texts=texts)


def _order_web(db: Database, r: _Run) -> None:
    item = r.item
    evidence: dict[str, Any]
    if item.access is None:
        step = hall.request_order(db, r.line, item.code, idempotency_key=f"{r.tag}:web:order")
        ok, evidence = step.action == "pending", {"action": step.action}
    else:
        held = partners.request(db, r.line, item.access, item.code, channel="web")
        ok, evidence = held.offer.code == item.code, {"subscription": held.subscription_id}
    pending = orders.pending(db, r.line)
    ok = ok and pending is not None and pending.offer.code == item.code
    r.record("order", ok, **evidence)
    if not ok:
        raise _Stop("order.nothing_pending")
    if item.access is None:
        done = hall.confirm_order(db, r.line, idempotency_key=f"{r.tag}:web:confirm")
        key, ok = "sms.subscribed", done.action == "subscribed"
    else:
        answer = orders.confirm(db, r.line)
        key = str(getattr(answer, "message_key", ""))
        ok = key == "sp.subscribed"
    shown = render(key, r.lang, **{**_confirm_params(db, r), "name": item.name(r.lang)})
    texts = _texts(item, key, _confirm_params(db, r))
    r.record("confirmation", ok and _texts_ok(item, texts), shown=shown, texts=texts)


def _charge_to_refund(db: Database, r: _Run, sms: SmsPort | None, expected: int) -> None:
    item = r.item
    charges = r.entries(EntryKind.CHARGE)
    r.charged = -sum(int(e["amount_fen"]) for e in charges)
    ok = (len(charges) == 1 and r.charged == expected) if expected else not charges
    r.record("charge", ok, expected_fen=expected, entries=charges)
    number = _listed(db, r.line, item.code)
    listing = sms(r.line, SELFCARE, "0000") if sms else None
    ok = number is not None and (listing is None or item.name(r.lang) in listing)
    r.record("listing", ok, number=number, reply=listing)
    if number is None:
        raise _Stop("order.no_paid")
    if sms is not None:
        reply = sms(r.line, SELFCARE, f"QX{number}")
    elif item.access is None:
        reply = orders.cancel(db, r.line, item.code).offer.code
    else:
        reply = ",".join(
            c.offer.code for c in partners.cancel(db, r.line, item.access, item.code, channel="web")
        )
    after = _listed(db, r.line, item.code)
    r.record("cancel", after is None and bool(reply), reply=reply, listed_after=after)
    _refund(db, r)
    refunds = r.entries(EntryKind.REFUND)
    back = sum(int(e["amount_fen"]) for e in refunds)
    r.record("refund", back == r.charged, refunded_fen=back, entries=refunds)


def _refund(db: Database, r: _Run) -> None:
    """Give the test charge back: an SP fee by the SP refund path, a package fee by a
    refund entry."""
    if r.charged <= 0:
        return
    if r.item.access is None:
        accounts.refund(db, r.line, r.charged, idempotency_key=f"{r.tag}:{r.channel}:refund",
                        reason=f"上线测试退费 {r.item.code}")  # fmt: skip
        return
    charged = [int(e["entry"]) for e in r.entries(EntryKind.CHARGE)]
    with db.uow() as uow:
        s = uow.session
        fees = s.scalars(select(pm.SpFee).where(pm.SpFee.ledger_entry_id.in_(charged))).all()
        for fee in fees:  # only the test order's own fee
            row = s.get_one(pm.SpSubscription, fee.subscription_id)
            refund_fees(s, row, fee.month, clock.now())
        uow.commit()


class _Stop(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _run_channel(db: Database, item: _Item, channel: str, line: str, tag: str,
                 sms: SmsPort) -> dict[str, dict[str, Any]]:  # fmt: skip
    r = _Run(db, item, channel, line, tag)
    try:
        if item.base_plan:
            launch_plans.run(db, r, sms if channel == "sms" else None)
            return _complete(r, channel, line)
        expected = _expected_fee(db, r)
        if channel == "sms":
            _order_sms(db, r, sms)
        else:
            _order_web(db, r)
        _charge_to_refund(db, r, sms if channel == "sms" else None, expected)
    except (DomainError, _Stop) as err:
        key = err.key
        failed = next((f"{channel}_{t}" for t in rules.TESTS
                       if f"{channel}_{t}" not in r.results), None)  # fmt: skip
        if failed is not None:
            r.results[failed] = {"ok": False, "auto": True, "line": line,
                                 "evidence": {"error": key}}  # fmt: skip
    return _complete(r, channel, line)


def _complete(r: _Run, channel: str, line: str) -> dict[str, dict[str, Any]]:
    for t in rules.TESTS:
        r.results.setdefault(f"{channel}_{t}", {"ok": False, "auto": True, "line": line,
                                                "evidence": {"error": "not reached"}})  # fmt: skip
    return r.results


def _expected_fee(db: Database, r: _Run) -> int:
    """What the order should charge: the first month's fee the quote shows."""
    if r.item.access is not None:
        return r.item.price_fen
    with db.read() as uow:
        product = lookups.product(uow.session, r.item.code)
    return first_month_fee(product.price_fen, product.first_month, clock.now())


def _item(s: Session, kind: rules.Kind, item: str) -> _Item:
    if kind is rules.Kind.PRODUCT:
        p = s.get_one(m.Product, item)
        return _Item(kind, p.code, None, "", p.name_zh, p.name_en, p.price_fen,
                     p.kind == ProductKind.BASE_PLAN.value)  # fmt: skip
    access, _, code = item.partition(":")
    svc = s.scalars(
        select(m.SpService).where(m.SpService.access_code == access, m.SpService.code == code)
    ).one()
    sp = s.get_one(m.ServiceProvider, access)
    return _Item(kind, svc.code, access, sp.name, svc.name_zh, svc.name_en, svc.price_fen)


def _rate(s: Session, row: LaunchChecklist) -> dict[str, dict[str, Any]]:
    """A tariff price: one sample usage on the first test line, rated at the new price."""
    price = launch.tariff_row(s, row.item)
    line = row.test_lines[0]
    if price is None:
        return {"rate": {"ok": False, "auto": True, "line": line,
                         "evidence": {"error": N_("launch.unknown_item")}}}  # fmt: skip
    service = Service(price.service)
    candidate = launch.rating_prices(s, [price.code], trying=row.item)
    table = rating.PriceTable.from_tariffs(candidate, {service: price.code})
    volume = {Service.DATA: 1024, Service.VOICE: 61, Service.SMS: 1}[service]
    started = rating.local_midnight(price.valid_from) + 12 * 3600
    sub = lookups.subscriber(s, line)
    batch = rating.Batch(np.array([sub.id], dtype=np.int64),
                         np.array([rating.SERVICE_CODE[service]], dtype=np.int8),
                         np.array([started], dtype=np.int64), np.array([volume], dtype=np.int64),
                         np.array([False]))  # fmt: skip
    rated = rating.rate(batch, rating.Buckets.empty(), table)
    units = int(rated.units[0])
    expected = units * rating.to_ufen(price.fen_per_unit)
    charged = int(rated.charge_ufen[0])
    live = rating.PriceTable.from_tariffs(launch.rating_prices(s, [price.code]),
                                          {service: price.code})  # fmt: skip
    live_ufen, live_found = live.lookup(batch.service, batch.started)
    evidence = {"volume": volume, "units": units, "expected_ufen": expected,
                "charged_ufen": charged, "in_force_before_launch_ufen":
                int(live_ufen[0]) if bool(live_found[0]) else None}  # fmt: skip
    return {"rate": {"ok": charged == expected and expected > 0, "auto": True, "line": line,
                     "evidence": evidence}}  # fmt: skip


def verify(
    db: Database, who: Principal, kind: str, item: str, sms: SmsPort, *, now: datetime | None = None
) -> launch.ChecklistView:
    """Run the checklist's automatic steps and record each result with its evidence
    (headquarters). Steps already passed by an earlier run are run again."""
    with db.read() as uow:
        row = launch.under_test(uow.session, who, kind, item)
        k, key, lines = rules.Kind(row.kind), row.item, list(row.test_lines)
        results = _rate(uow.session, row) if k is rules.Kind.TARIFF else None
        target = None if k is rules.Kind.TARIFF else _item(uow.session, k, key)
    if target is not None:
        tag = f"launch:{uuid.uuid4().hex[:12]}"
        results = _run_channel(db, target, "sms", lines[0], tag, sms)
        results |= _run_channel(db, target, "web", lines[min(1, len(lines) - 1)], tag, sms)
    assert results is not None
    return launch.record_run(db, who, kind, key, results, now=now)
