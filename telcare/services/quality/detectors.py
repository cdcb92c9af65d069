"""What the system finds of the other three prohibitions, from the data it keeps (called
by :func:`telcare.services.quality.discipline.detect`, inside its transaction):

* 不准虚假宣传误导客户 (``misleading_sale``): an SP violation of type
  ``false_advertising`` in the register (from a complaint or an inspection);
* 不准强制捆绑搭售 (``forced_bundle``): paid subscriptions of one line that took effect
  on one and the same confirmation — SP consents, or a package and an SP consent,
  confirmed at the same instant (a ``Y`` carries out one order);
* 不准乱收费 (``hidden_charge``): an SP fee above the service's listed price, posted
  after the subscription was cancelled, or for a service not on sale to that line
  (no passed launch checklist and not one of its test lines), unless refunded.

Plus, for 不准未经客户确认收费: a fee whose consent came after the 24-hour window.
Each finding has a stable reference, so running detection twice opens one case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import discipline as rules
from telcare.domain import launch as launch_rules
from telcare.domain.partners import consent_valid
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.improvement_models import LaunchChecklist

Open = Callable[..., bool]
"""``open(session, rule, ref, province, unit, evidence, found_at, staff=None)``."""


def misleading_sales(s: Session, open_case: Open, province_of: Callable[..., str]) -> int:
    opened = 0
    for v in s.scalars(
        select(pm.SpViolationRecord).where(
            pm.SpViolationRecord.type == "false_advertising",
            pm.SpViolationRecord.revoked_at.is_(None),
        )
    ):
        province = province_of(s, v.evidence or {})
        opened += open_case(s, "misleading_sale", f"violation:{v.source_ref}", province,
                            f"{province}市场部 / SP {v.access_code}",
                            {"violation": v.id, "sp": v.access_code, "source": v.source,
                             **(v.evidence or {})}, v.occurred_at)  # fmt: skip
    return opened


def _on_sale(s: Session) -> Callable[[str, str], bool]:
    """Whether an SP service (item ``ACCESS:CODE``) is on sale to a line."""
    rows = {r.item: (r.status, list(r.test_lines)) for r in s.scalars(
        select(LaunchChecklist).where(LaunchChecklist.kind == "sp_service"))}  # fmt: skip

    def on_sale(item: str, msisdn: str) -> bool:
        status, lines = rows.get(item, (None, []))
        return status == "passed" or (status is not None and msisdn in lines)

    return on_sale


def hidden_charges(s: Session, open_case: Open) -> int:
    on_sale = _on_sale(s)
    opened = 0
    fees = (
        select(pm.SpFee, pm.SpSubscription, m.SpService, m.Subscriber)
        .join(pm.SpSubscription, pm.SpSubscription.id == pm.SpFee.subscription_id)
        .join(m.SpService, m.SpService.id == pm.SpSubscription.service_id)
        .join(m.Subscriber, m.Subscriber.id == pm.SpSubscription.subscriber_id)
        .where(pm.SpFee.refund_entry_id.is_(None))
    )
    for fee, row, svc, sub in s.execute(fees).all():
        item = launch_rules.item_of(launch_rules.Kind.SP_SERVICE, svc.code, svc.access_code)
        reasons = rules.fee_breaches(amount_fen=fee.amount_fen, listed_fen=svc.price_fen,
                                     charged_at=fee.created_at, cancelled_at=row.cancelled_at,
                                     refunded=False, on_sale=on_sale(item, sub.msisdn))  # fmt: skip
        if not reasons:
            continue
        evidence: dict[str, Any] = {"fee": fee.id, "msisdn": sub.msisdn, "sp": svc.access_code,
                                    "service": svc.code, "amount_fen": fee.amount_fen,
                                    "listed_fen": svc.price_fen, "reasons": reasons,
                                    "cancelled_at": row.cancelled_at.isoformat()
                                    if row.cancelled_at else None}  # fmt: skip
        opened += open_case(s, "hidden_charge", f"sp_fee:{fee.id}", sub.province_code,
                            f"{sub.province_code}业务支撑部 / SP {svc.access_code}", evidence,
                            fee.created_at)  # fmt: skip
    return opened


def late_consents(s: Session, open_case: Open) -> int:
    """Fees charged on a ``Y`` that came after the confirmation window had closed."""
    opened = 0
    late = (
        select(pm.SpFee, pm.SpConsent, m.Subscriber)
        .join(pm.SpConsent, pm.SpConsent.id == pm.SpFee.consent_id)
        .join(pm.SpSubscription, pm.SpSubscription.id == pm.SpFee.subscription_id)
        .join(m.Subscriber, m.Subscriber.id == pm.SpSubscription.subscriber_id)
    )
    for fee, consent, sub in s.execute(late).all():
        if consent_valid(consent.requested_at, consent.confirmed_at):
            continue
        opened += open_case(s, "unconfirmed_fee", f"sp_fee_late:{fee.id}", sub.province_code,
                            f"{sub.province_code}业务支撑部 / SP {fee.access_code}",
                            {"fee": fee.id, "msisdn": sub.msisdn, "amount_fen": fee.amount_fen,
                             "requested_at": consent.requested_at.isoformat(),
                             "consent_at": consent.confirmed_at.isoformat()},
                            fee.created_at)  # fmt: skip
    return opened


def _activations(s: Session) -> list[rules.Activation]:
    out = [
        rules.Activation(sid, at, f"sp:{access}:{code}", channel)
        for sid, at, access, code, channel in s.execute(
            select(pm.SpSubscription.subscriber_id, pm.SpConsent.confirmed_at,
                   m.SpService.access_code, m.SpService.code, pm.SpSubscription.channel)
            .join(pm.SpSubscription, pm.SpSubscription.id == pm.SpConsent.subscription_id)
            .join(m.SpService, m.SpService.id == pm.SpSubscription.service_id)
            .where(m.SpService.price_fen > 0)
        ).all()
    ]  # fmt: skip
    confirmed = (  # packages taken on a confirmation: ordered before they were created
        select(m.Subscription.subscriber_id, m.Subscription.created_at,
               m.Subscription.product_code)
        .join(m.Product, m.Product.code == m.Subscription.product_code)
        .where(m.Product.charged.is_(True), m.Product.price_fen > 0,
               m.Subscription.ordered_at.is_not(None),
               m.Subscription.ordered_at < m.Subscription.created_at)
    )  # fmt: skip
    out += [rules.Activation(sid, at, f"product:{code}", "") for sid, at, code in
            s.execute(confirmed).all()]  # fmt: skip
    return out


def forced_bundles(s: Session, open_case: Open) -> int:
    opened = 0
    for group in rules.bundles(_activations(s)):
        first = group[0]
        sub = s.get_one(m.Subscriber, first.subscriber_id)
        channels = sorted({a.channel for a in group if a.channel}) or ["-"]
        opened += open_case(s, "forced_bundle",
                            f"bundle:{first.subscriber_id}:{_stamp(first.confirmed_at)}",
                            sub.province_code, f"{sub.province_code} {'/'.join(channels)}渠道",
                            {"msisdn": sub.msisdn, "items": [a.item for a in group],
                             "confirmed_at": first.confirmed_at.isoformat()},
                            first.confirmed_at)  # fmt: skip
    return opened


def _stamp(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%M%S.%f")
