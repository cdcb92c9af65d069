"""Partner (SP) governance: consented subscriptions, the monthly fee run, violations,
credit scores and tiers, disclosure, suspension and termination, the yearly report.

Consent has one path whatever the channel (SMS to the access code, the online hall,
the API): :func:`request` makes the subscription *pending* and sends the
confirmation SMS from 10086; only the subscriber's ``Y`` (the ``sp_subscribe``
confirmer below) records a consent, activates the subscription and charges the
first month. Every fee row references a consent of its own subscription (see
:mod:`telcare.store.partner_models`). The rules live in :mod:`telcare.domain.partners`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import months
from telcare.domain import partners as rules
from telcare.domain.access import Kind, Principal, can_see_sp
from telcare.domain.errors import (
    AlreadySubscribed,
    Conflict,
    Forbidden,
    InsufficientFunds,
    InvalidInput,
    NotEligible,
    NotFound,
    NothingPending,
    NotSubscribed,
    WrongSecret,
)
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import register, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.provinces import HQ
from telcare.domain.subscriptions import CONFIRMATION_TTL, OPERATOR_TZ
from telcare.services import lookups, orders
from telcare.services.accounts import post_entry
from telcare.services.hashing import hash_secret, verify_secret
from telcare.services.notify import queue_sms
from telcare.store import antispam_models as am
from telcare.store import complaint_models as cm
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store import survey_models as sm
from telcare.store.uow import Database

ACTION = "sp_subscribe"
SYSTEM = "system"

register(
    {
        "sp.confirm_ask": (
            "您申请订购{sp}的{name}（{code}），资费{price}元/月，由{sp}提供。请在24小时内回复Y确认订购，"
            "回复N取消。未经确认不收取任何费用。",
            "You asked for {name} ({code}) from {sp} at {price} yuan/month. Reply Y within "
            "24 hours to confirm, N to cancel. Nothing is charged without your confirmation.",
        ),
        "sp.subscribed": (
            "您已成功订购{sp}的{name}，本月收取{price}元，当前余额{balance}元。发送TD{code}至{access}可随时退订。",
            "You now have {name} from {sp}; {price} yuan charged for this month, balance "
            "{balance} yuan. Send TD{code} to {access} to cancel at any time.",
        ),
        "sp.reconfirmed": (
            "您已确认继续使用{sp}的{name}。",
            "You confirmed you keep {name} from {sp}.",
        ),
        "sp.cancelled": (
            "您已退订{sp}的{name}，即时生效，不再收取后续费用。",
            "{name} from {sp} is cancelled at once; no further fees.",
        ),
        "sp.reconfirm_ask": (
            "{sp}的{name}需要您重新确认后才会继续收费。如需继续，请发送DG{code}至{access}并按提示回复Y。",
            "{name} from {sp} needs your confirmation again before any further fee. To keep it, "
            "send DG{code} to {access} and reply Y when asked.",
        ),
        "sp.terminated_notice": (
            "{sp}已因违规被终止合作，您订购的{name}已退订{refund}",
            "{sp} was terminated for violations; your {name} is cancelled.{refund}",
        ),
        "sp.refund_note": (
            "，本月费用{amount}元已退还。",
            " This month's {amount} yuan is refunded.",
        ),
        "sp.unknown_sp": ("没有接入码为{code}的服务提供商。", "There is no SP on {code}."),
        "sp.unknown_service": (
            "{access}没有代码为{code}的业务。",
            "{access} has no service {code}.",
        ),
        "sp.not_trading": (
            "{sp}目前暂停受理新订购。",
            "{sp} is not taking new orders at present.",
        ),
        "sp.launch_refused": (
            "本月信用等级为{tier}级，暂不能上线新业务。",
            "Your credit tier this month is {tier}: new services cannot be launched.",
        ),
        "sp.not_subscribed": ("您未订购{access}的业务。", "You have no service from {access}."),
        "sp.ack": (
            "已收到您的订购申请，请按10086发送的短信回复Y确认，未确认不收费。",
            "Order received: reply Y to the SMS from 10086 to confirm. Nothing is charged before.",
        ),
        "sp.help": (
            "发送DG加业务代码订购（需回复Y确认），发送TD退订全部，TD加业务代码退订单项。",
            "Send DG<code> to order (you confirm with Y), TD to cancel everything, "
            "TD<code> for one service.",
        ),
        "sp.login_wrong": ("接入码或密码错误。", "Wrong access code or password."),
        "sp.bad_violation": ("未知的违规类型{type}。", "Unknown violation type {type}."),
        "sp.bad_rating": ("评分须为1至5。", "A rating is 1 to 5."),
    }
)


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingSp:
    """A pending SP subscription waiting for ``Y``."""

    subscription_id: int
    access_code: str
    sp_name: str
    offer: orders.Offer
    expires_at: datetime


@dataclass(slots=True)
class SpConfirmed:
    """What ``Y`` did; the SMS engine renders ``message_key``."""

    message_key: str
    message_params: dict[str, Any]
    subscription_id: int
    charged_fen: int


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    id: int
    msisdn: str
    access_code: str
    sp_name: str
    service_code: str
    name_zh: str
    name_en: str
    price_fen: int
    state: str
    channel: str
    requested_at: datetime
    activated_at: datetime | None
    cancelled_at: datetime | None
    needs_reconfirm: bool

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class FeeRun:
    month: str
    charged: int = 0
    charged_fen: int = 0
    already: int = 0
    held_reconfirm: int = 0
    insufficient: int = 0


@dataclass(frozen=True, slots=True)
class MonthResult:
    """One SP's month: score, tier and what the policy did."""

    access_code: str
    score: Decimal
    tier: str
    action: str
    refunds: int = 0


@dataclass(frozen=True, slots=True)
class Disclosed:
    month: str
    access_code: str
    name: str
    score: Decimal


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: int
    code: str
    name_zh: str
    name_en: str
    price_fen: int
    period: str
    subscribers: int


@dataclass(frozen=True, slots=True)
class ViolationView:
    id: int
    access_code: str
    type: str
    source: str
    serious: bool
    penalty_points: int
    fine_fen: int
    evidence: dict[str, Any]
    occurred_at: datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class ScoreView:
    month: str
    score: Decimal
    tier: str
    inputs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SpOverview:
    access_code: str
    name: str
    status: str
    services: list[ServiceView]
    complaints: int
    violations: list[ViolationView]
    scores: list[ScoreView]

    @property
    def tier(self) -> str | None:
        return self.scores[0].tier if self.scores else None


@dataclass(frozen=True, slots=True)
class YearReport:
    year: int
    violations_handled: int
    billing_violations: int
    by_type: dict[str, int]
    fines_fen: int
    sps_suspended: int
    sps_terminated: int
    refunds: int
    refunds_fen: int
    disclosed: int
    consents: int
    fees: int = field(default=0)


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


# --- registry ---------------------------------------------------------------------------


def _sp(s: Session, access_code: str) -> m.ServiceProvider:
    sp = s.get(m.ServiceProvider, access_code)
    if sp is None:
        raise NotFound("sp.unknown_sp", code=access_code)
    return sp


def _service(s: Session, access_code: str, code: str) -> m.SpService:
    row = s.scalar(
        select(m.SpService).where(
            m.SpService.access_code == access_code, m.SpService.code == code.upper()
        )
    )
    if row is None:
        raise NotFound("sp.unknown_service", access=access_code, code=code.upper())
    return row


def sp_of_number(db: Database, number: str) -> str:
    """The SP whose access code ``number`` is or starts with (longest match)."""
    with db.uow() as uow:
        codes = uow.session.scalars(select(m.ServiceProvider.access_code)).all()
    found = sorted((c for c in codes if number.startswith(c)), key=len, reverse=True)
    if not found:
        raise NotFound("sp.unknown_sp", code=number)
    return found[0]


def _latest_tier(s: Session, access_code: str) -> rules.Tier | None:
    tier = s.scalar(
        select(pm.SpScore.tier)
        .where(pm.SpScore.access_code == access_code)
        .order_by(pm.SpScore.month.desc())
        .limit(1)
    )
    return rules.Tier(tier) if tier else None


def launch_service(
    db: Database,
    who: Principal,
    access_code: str,
    code: str,
    name_zh: str,
    name_en: str,
    price_fen: int,
    *,
    now: datetime | None = None,
) -> ServiceView:
    """Put a new monthly service on sale; the SP's latest tier must allow launches."""
    now = _now(now)
    _require_sp(who, access_code)
    if not code.isalnum() or len(code) > 12 or price_fen <= 0:
        raise InvalidInput("sp.unknown_service", access=access_code, code=code)
    with db.uow() as uow:
        s = uow.session
        sp = _sp(s, access_code)
        tier = _latest_tier(s, access_code)
        if rules.SpStatus(sp.status) is not rules.SpStatus.ACTIVE:
            raise NotEligible("sp.not_trading", sp=sp.name)
        if not rules.rules_for(tier).launch_allowed:
            raise NotEligible("sp.launch_refused", tier=tier.value if tier else "-")
        row = m.SpService(
            access_code=access_code,
            code=code.upper(),
            name_zh=name_zh,
            name_en=name_en,
            price_fen=price_fen,
            period="monthly",
        )
        s.add(row)
        s.flush()
        s.add(pm.SpServiceTerms(service_id=row.id, launched_at=now, on_sale=True))
        uow.commit()
        return ServiceView(row.id, row.code, name_zh, name_en, price_fen, "monthly", 0)


# --- consent: request, confirm (Y), cancel ------------------------------------------------


def _offer(svc: m.SpService) -> orders.Offer:
    return orders.Offer(svc.code, svc.name_zh, svc.name_en, svc.price_fen, "monthly")


def request(
    db: Database,
    msisdn: str,
    access_code: str,
    service_code: str,
    *,
    channel: str,
    now: datetime | None = None,
) -> PendingSp:
    """Hold an order for an SP service until the subscriber answers ``Y`` to 10086.

    Also how a subscription flagged for re-confirmation is confirmed again.
    """
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        sp = _sp(s, access_code)
        svc = _service(s, access_code, service_code)
        if rules.SpStatus(sp.status) is not rules.SpStatus.ACTIVE:
            raise NotEligible("sp.not_trading", sp=sp.name)
        rows = s.scalars(
            select(pm.SpSubscription).where(
                pm.SpSubscription.subscriber_id == sub.id,
                pm.SpSubscription.service_id == svc.id,
                pm.SpSubscription.state != rules.SubState.CANCELLED.value,
            )
        ).all()
        active = next((r for r in rows if r.state == rules.SubState.ACTIVE.value), None)
        if active is not None and not active.needs_reconfirm:
            raise AlreadySubscribed("order.already", code=svc.code)
        row = active or next(iter(rows), None)
        if row is None:
            row = pm.SpSubscription(
                subscriber_id=sub.id,
                service_id=svc.id,
                access_code=access_code,
                state=rules.SubState.PENDING.value,
                channel=channel,
                requested_at=now,
            )
            s.add(row)
        else:
            row.requested_at, row.channel = now, channel
        s.flush()
        offer = _offer(svc)
        orders.hold_for_confirmation(
            s, sub.id, ACTION, offer, channel, now, {"subscription_id": row.id}
        )
        queue_sms(
            s,
            sub.msisdn,
            render(
                "sp.confirm_ask",
                sub.language,
                sp=sp.name,
                name=offer.name(sub.language),
                code=svc.code,
                price=fen_to_yuan(svc.price_fen),
            ),
            dedupe_key=f"sp:confirm:{row.id}:{now.isoformat()}",
            now=now,
        )
        uow.commit()
        return PendingSp(row.id, access_code, sp.name, offer, now + CONFIRMATION_TTL)


def _confirm(s: Session, sub: m.Subscriber, payload: dict[str, Any], now: datetime) -> SpConfirmed:
    """The ``Y`` for an SP order: record the consent, activate, charge this month once."""
    row = s.scalars(
        select(pm.SpSubscription)
        .where(pm.SpSubscription.id == payload["subscription_id"])
        .with_for_update()
    ).one()
    if row.subscriber_id != sub.id or row.state == rules.SubState.CANCELLED.value:
        raise NothingPending("order.nothing_pending")
    if not rules.consent_valid(row.requested_at, now):
        raise NothingPending("order.nothing_pending")
    sp = _sp(s, row.access_code)
    if rules.SpStatus(sp.status) is not rules.SpStatus.ACTIVE:
        raise NotEligible("sp.not_trading", sp=sp.name)
    svc = s.get_one(m.SpService, row.service_id)
    consent = pm.SpConsent(
        subscription_id=row.id, requested_at=row.requested_at, confirmed_at=now, answer="sms:Y"
    )
    s.add(consent)
    reconfirm = row.state == rules.SubState.ACTIVE.value
    row.state, row.needs_reconfirm = rules.SubState.ACTIVE.value, False
    row.activated_at = row.activated_at or now
    s.flush()
    fee = _post_fee(s, row, consent.id, svc, months.month_of(now), now)
    account = lookups.account_for_update(s, sub.id)
    lang, offer = sub.language, _offer(svc)
    params: dict[str, Any] = {
        "sp": sp.name,
        "name": offer.name(lang),
        "code": svc.code,
        "access": sp.access_code,
        "price": fen_to_yuan(svc.price_fen),
        "balance": fen_to_yuan(account.balance_fen),
    }
    key = "sp.reconfirmed" if reconfirm and fee is None else "sp.subscribed"
    return SpConfirmed(key, params, row.id, fee.amount_fen if fee else 0)


orders.register_confirmer(ACTION, _confirm)


def _post_fee(
    s: Session,
    row: pm.SpSubscription,
    consent_id: int,
    svc: m.SpService,
    month: str,
    now: datetime,
) -> pm.SpFee | None:
    """Charge ``month`` for ``row`` under ``consent_id`` unless it was charged already."""
    exists = s.scalar(
        select(pm.SpFee.id).where(pm.SpFee.subscription_id == row.id, pm.SpFee.month == month)
    )
    if exists is not None or svc.price_fen <= 0:
        return None
    account = lookups.account_for_update(s, row.subscriber_id)
    sp = _sp(s, row.access_code)
    entry = post_entry(
        s,
        account,
        EntryKind.CHARGE,
        -svc.price_fen,
        reason=f"{sp.name} {svc.name_zh} {month}",
        reference=f"sp:{row.id}:{month}",
    )
    fee = pm.SpFee(
        subscription_id=row.id,
        consent_id=consent_id,
        access_code=row.access_code,
        month=month,
        amount_fen=svc.price_fen,
        ledger_entry_id=entry.id,
        created_at=now,
    )
    s.add(fee)
    s.flush()
    return fee


def _cancel_rows(
    s: Session, rows: list[pm.SpSubscription], now: datetime, reason: str
) -> list[orders.Cancelled]:
    done = []
    for row in rows:
        if row.state == rules.SubState.CANCELLED.value:
            continue
        row.state, row.cancelled_at, row.cancel_reason = "cancelled", now, reason
        done.append(orders.Cancelled(_offer(s.get_one(m.SpService, row.service_id)), now))
    s.flush()
    return done


def cancel(
    db: Database,
    msisdn: str,
    access_code: str,
    service_code: str | None = None,
    *,
    channel: str,
    now: datetime | None = None,
) -> list[orders.Cancelled]:
    """``TD`` (every service of the SP) or ``TD<code>``: cancelled at once, no next fee."""
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        query = select(pm.SpSubscription).where(
            pm.SpSubscription.subscriber_id == sub.id,
            pm.SpSubscription.access_code == access_code,
            pm.SpSubscription.state != "cancelled",
        )
        if service_code:
            query = query.where(
                pm.SpSubscription.service_id == _service(s, access_code, service_code).id
            )
        done = _cancel_rows(s, list(s.scalars(query.with_for_update())), now, channel)
        if not done:
            raise NotSubscribed("sp.not_subscribed", access=access_code)
        uow.commit()
        return done


def cancel_subscription(
    db: Database, who: Principal, subscription_id: int, *, channel: str, now: datetime | None = None
) -> orders.Cancelled:
    """Cancel one subscription by id (the hall, the API, staff at the business hall)."""
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        row = s.get(pm.SpSubscription, subscription_id)
        if row is None:
            raise NotSubscribed("order.not_subscribed", code=str(subscription_id))
        sub = s.get_one(m.Subscriber, row.subscriber_id)
        _require_line(who, sub)
        done = _cancel_rows(s, [row], now, channel)
        if not done:
            raise NotSubscribed("order.not_subscribed", code=str(subscription_id))
        uow.commit()
        return done[0]


def _menu_list(s: Session, subscriber_id: int, _now: datetime) -> list[tuple[int, orders.Offer]]:
    rows = s.execute(
        select(pm.SpSubscription.id, m.SpService)
        .join(m.SpService, m.SpService.id == pm.SpSubscription.service_id)
        .where(
            pm.SpSubscription.subscriber_id == subscriber_id,
            pm.SpSubscription.state == "active",
            m.SpService.price_fen > 0,
        )
        .order_by(pm.SpSubscription.id)
    ).all()
    return [(i, _offer(svc)) for i, svc in rows]


def _menu_cancel(
    s: Session, subscriber_id: int, ids: list[int], now: datetime
) -> list[orders.Cancelled]:
    rows = s.scalars(
        select(pm.SpSubscription).where(
            pm.SpSubscription.id.in_(ids), pm.SpSubscription.subscriber_id == subscriber_id
        )
    ).all()
    return _cancel_rows(s, list(rows), now, "menu")


orders.register_menu_source("sp", _menu_list, _menu_cancel)


def subscriptions(
    db: Database, who: Principal, msisdn: str, *, include_cancelled: bool = False
) -> list[SubscriptionView]:
    """A line's SP subscriptions (pending ones included), newest first."""
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        _require_line(who, sub)
        query = select(pm.SpSubscription).where(pm.SpSubscription.subscriber_id == sub.id)
        if not include_cancelled:
            query = query.where(pm.SpSubscription.state != "cancelled")
        return [_view(s, r, sub.msisdn) for r in s.scalars(query.order_by(pm.SpSubscription.id))]


def _view(s: Session, r: pm.SpSubscription, msisdn: str) -> SubscriptionView:
    svc = s.get_one(m.SpService, r.service_id)
    sp = _sp(s, r.access_code)
    return SubscriptionView(
        r.id,
        msisdn,
        r.access_code,
        sp.name,
        svc.code,
        svc.name_zh,
        svc.name_en,
        svc.price_fen,
        r.state,
        r.channel,
        r.requested_at,
        r.activated_at,
        r.cancelled_at,
        r.needs_reconfirm,
    )


def catalog(db: Database) -> list[tuple[m.ServiceProvider, list[ServiceView]]]:
    """Trading SPs and their services (the hall's order page)."""
    with db.uow() as uow:
        s = uow.session
        out = []
        for sp in s.scalars(
            select(m.ServiceProvider)
            .where(m.ServiceProvider.status == "active")
            .order_by(m.ServiceProvider.access_code)
        ):
            out.append((sp, _services(s, sp.access_code)))
        return out


def _require_line(who: Principal, sub: m.Subscriber) -> None:
    if who.kind is Kind.SUBSCRIBER and who.subject == sub.msisdn:
        return
    if who.kind is Kind.STAFF and (who.is_headquarters or who.province == sub.province_code):
        return
    raise Forbidden("access.denied")


def _require_sp(who: Principal, access_code: str) -> None:
    if not can_see_sp(who, access_code):
        raise Forbidden("access.denied")


def _require_hq(who: Principal) -> None:
    if not who.is_headquarters:
        raise Forbidden("access.denied")


# --- the monthly fee run -----------------------------------------------------------------


def run_fees(db: Database, month: str, *, now: datetime | None = None) -> FeeRun:
    """Charge ``month`` to every confirmed active subscription of a trading SP, once.

    Subscriptions waiting for re-confirmation are held; a short balance skips the line.
    """
    rules.check_month(month)
    now = _now(now)
    counts: Counter[str] = Counter()
    charged_fen = 0
    with db.uow() as uow:
        s = uow.session
        rows = s.scalars(
            select(pm.SpSubscription)
            .join(m.ServiceProvider)
            .where(pm.SpSubscription.state == "active", m.ServiceProvider.status == "active")
            .order_by(pm.SpSubscription.id)
        ).all()
        ids = [r.id for r in rows]
    for sid in ids:
        with db.uow() as uow:
            s = uow.session
            row = s.scalars(
                select(pm.SpSubscription).where(pm.SpSubscription.id == sid).with_for_update()
            ).one()
            consent_id = s.scalar(
                select(func.max(pm.SpConsent.id)).where(pm.SpConsent.subscription_id == row.id)
            )
            state = rules.SubState(row.state)
            if row.activated_at and row.activated_at >= months.bounds(month)[1]:
                continue
            if not rules.can_charge(state, consent_id, row.needs_reconfirm) or consent_id is None:
                counts["held_reconfirm" if row.needs_reconfirm else "skipped"] += 1
                continue
            svc = s.get_one(m.SpService, row.service_id)
            try:
                fee = _post_fee(s, row, consent_id, svc, month, now)
            except InsufficientFunds:  # the line is skipped this run
                counts["insufficient"] += 1
                continue
            if fee is None:
                counts["already"] += 1
                continue
            uow.commit()
            counts["charged"] += 1
            charged_fen += fee.amount_fen
    return FeeRun(
        month,
        counts["charged"],
        charged_fen,
        counts["already"],
        counts["held_reconfirm"],
        counts["insufficient"],
    )


# --- violations --------------------------------------------------------------------------


def _add_violation(
    s: Session,
    access_code: str,
    kind: rules.ViolationType,
    source: rules.ViolationSource,
    ref: str,
    evidence: dict[str, Any],
    when: datetime,
    actor: str,
) -> pm.SpViolationRecord | None:
    if s.scalar(select(pm.SpViolationRecord.id).where(pm.SpViolationRecord.source_ref == ref)):
        return None
    p = rules.penalty(kind)
    row = pm.SpViolationRecord(
        access_code=access_code,
        type=kind.value,
        source=source.value,
        source_ref=ref,
        serious=p.serious,
        penalty_points=p.points,
        fine_fen=p.fine_fen,
        evidence=evidence,
        occurred_at=when,
        recorded_by=actor,
    )
    s.add(row)
    s.flush()
    return row


def record_inspection(
    db: Database,
    who: Principal,
    access_code: str,
    kind: str,
    evidence: str,
    *,
    ref: str | None = None,
    now: datetime | None = None,
) -> ViolationView:
    """A violation found by staff (inspection, or a complaint checked by hand)."""
    now = _now(now)
    if who.kind is not Kind.STAFF:
        raise Forbidden("access.denied")
    try:
        vtype = rules.ViolationType(kind)
    except ValueError:
        raise InvalidInput("sp.bad_violation", type=kind) from None
    with db.uow() as uow:
        s = uow.session
        _sp(s, access_code)
        row = _add_violation(
            s,
            access_code,
            vtype,
            rules.ViolationSource.INSPECTION,
            ref or f"inspection:{access_code}:{now.isoformat()}",
            {"note": evidence[:2000]},
            now,
            who.subject,
        )
        if row is None:
            raise Conflict("idempotency.conflict")
        uow.commit()
        return _violation_view(row)


def sync_violations(db: Database, *, now: datetime | None = None) -> int:
    """Copy new anti-spam ``sp_violation`` rows and violating complaints; mirror revocations.

    Idempotent (each source row has a unique ``source_ref``); returns how many were added.
    """
    now = _now(now)
    added = 0
    with db.uow() as uow:
        s = uow.session
        known = set(s.scalars(select(m.ServiceProvider.access_code)))
        for v in s.scalars(select(am.SpViolation).order_by(am.SpViolation.id)):
            ref = f"antispam:{v.id}"
            if v.access_code not in known:
                continue
            if v.revoked_at is not None:
                mine = s.scalar(
                    select(pm.SpViolationRecord).where(pm.SpViolationRecord.source_ref == ref)
                )
                if mine is not None and mine.revoked_at is None:
                    mine.revoked_at = v.revoked_at
                continue
            evidence = {"antispam_violation": v.id, **v.evidence}
            kind = rules.antispam_type(v.type)
            if _add_violation(
                s,
                v.access_code,
                kind,
                rules.ViolationSource.ANTISPAM,
                ref,
                evidence,
                v.created_at,
                SYSTEM,
            ):
                added += 1
        tickets = s.scalars(
            select(cm.Ticket).where(
                cm.Ticket.related_sp.in_(known),
                cm.Ticket.category.in_(list(rules.COMPLAINT_CATEGORIES)),
                cm.Ticket.status.in_(("resolved", "closed")),
            )
        )
        for t in tickets:
            evidence = {"ticket": t.id, "msisdn": t.msisdn, "summary": t.summary}
            kind = rules.COMPLAINT_CATEGORIES[t.category]
            when = t.resolved_at or t.created_at
            if _add_violation(
                s,
                str(t.related_sp),
                kind,
                rules.ViolationSource.COMPLAINT,
                f"ticket:{t.id}",
                evidence,
                when,
                SYSTEM,
            ):
                added += 1
        uow.commit()
    return added


def _violation_view(r: pm.SpViolationRecord) -> ViolationView:
    return ViolationView(
        r.id,
        r.access_code,
        r.type,
        r.source,
        r.serious,
        r.penalty_points,
        r.fine_fen,
        r.evidence,
        r.occurred_at,
        r.revoked_at is not None,
    )


def rate(
    db: Database, msisdn: str, access_code: str, score: int, *, now: datetime | None = None
) -> None:
    """A subscriber's satisfaction rating of an SP (1-5), e.g. from a survey."""
    if not 1 <= score <= 5:
        raise InvalidInput("sp.bad_rating")
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        _sp(s, access_code)
        s.add(pm.SpRating(access_code=access_code, msisdn=sub.msisdn, score=score, rated_at=now))
        uow.commit()


# --- monthly scoring, tiers, disclosure and policy ---------------------------------------------


def _inputs(s: Session, code: str, month: str) -> rules.ScoreInputs:
    start, end = months.bounds(month)
    subscribers = s.scalar(
        select(func.count(pm.SpSubscription.id)).where(
            pm.SpSubscription.access_code == code,
            pm.SpSubscription.activated_at.is_not(None),
            pm.SpSubscription.activated_at < end,
            (pm.SpSubscription.cancelled_at.is_(None)) | (pm.SpSubscription.cancelled_at >= end),
        )
    )
    complaints = s.scalar(
        select(func.count(cm.Ticket.id)).where(
            cm.Ticket.related_sp == code, cm.Ticket.created_at >= start, cm.Ticket.created_at < end
        )
    )
    ratings = s.scalars(
        select(pm.SpRating.score).where(
            pm.SpRating.access_code == code,
            pm.SpRating.rated_at >= start,
            pm.SpRating.rated_at < end,
        )
    ).all()
    surveyed = _survey_scores(s, code, start, end)
    kinds = s.scalars(
        select(pm.SpViolationRecord.type).where(
            pm.SpViolationRecord.access_code == code,
            pm.SpViolationRecord.revoked_at.is_(None),
            pm.SpViolationRecord.occurred_at >= start,
            pm.SpViolationRecord.occurred_at < end,
        )
    ).all()
    fees = s.scalar(
        select(func.coalesce(func.sum(pm.SpFee.amount_fen), 0)).where(
            pm.SpFee.access_code == code, pm.SpFee.month == month
        )
    )
    refunds = s.scalar(
        select(func.coalesce(func.sum(pm.SpFee.amount_fen), 0)).where(
            pm.SpFee.access_code == code,
            pm.SpFee.refunded_at >= start,
            pm.SpFee.refunded_at < end,
        )
    )
    return rules.ScoreInputs(
        subscribers=int(subscribers or 0),
        complaints=int(complaints or 0),
        ratings=tuple(int(x) for x in (*ratings, *surveyed)),
        violations=dict(Counter(rules.ViolationType(k) for k in kinds)),
        fees_fen=int(fees or 0),
        refunds_fen=int(refunds or 0),
    )


def _survey_scores(s: Session, code: str, start: datetime, end: datetime) -> list[int]:
    """Headline scores (1-5) of satisfaction surveys answered in [start, end) about a
    closed ticket naming the SP ``code``.

    A survey triggered by a closed ticket records the ticket's id as its contact's
    ``ref``; the ticket's ``related_sp`` names the SP. Read here by SQL so that surveys
    need not know partners (one-way wiring; nothing is copied into ``sp_rating``).
    """
    return [
        int(x or 0)
        for x in s.scalars(
            select(sm.Survey.score)
            .join(sm.SurveyContact, sm.SurveyContact.survey_id == sm.Survey.id)
            .join(cm.Ticket, cm.Ticket.id == sm.SurveyContact.ref)
            .where(
                sm.SurveyContact.trigger == "ticket",
                cm.Ticket.related_sp == code,
                sm.Survey.status == "answered",
                sm.Survey.score.is_not(None),
                sm.Survey.answered_at >= start,
                sm.Survey.answered_at < end,
            )
        )
    ]


def _serious(s: Session, code: str, since: datetime, until: datetime) -> list[str]:
    return list(
        s.scalars(
            select(pm.SpViolationRecord.type).where(
                pm.SpViolationRecord.access_code == code,
                pm.SpViolationRecord.serious.is_(True),
                pm.SpViolationRecord.revoked_at.is_(None),
                pm.SpViolationRecord.occurred_at >= since,
                pm.SpViolationRecord.occurred_at < until,
            )
        )
    )


def run_month(db: Database, month: str, *, now: datetime | None = None) -> list[MonthResult]:
    """Score every SP for ``month``, publish the A tier, apply the tier rules and the
    suspension/termination policy. Safe to run again: scores are replaced, each action
    happens once, refunds are posted once."""
    rules.check_month(month)
    now = _now(now)
    sync_violations(db, now=now)
    results = []
    with db.uow() as uow:
        codes = list(
            uow.session.scalars(
                select(m.ServiceProvider.access_code).order_by(m.ServiceProvider.access_code)
            )
        )
    for code in codes:
        with db.uow() as uow:
            s = uow.session
            sp = s.scalars(
                select(m.ServiceProvider)
                .where(m.ServiceProvider.access_code == code)
                .with_for_update()
            ).one()
            status = rules.SpStatus(sp.status)
            if status is rules.SpStatus.TERMINATED:
                continue
            inputs = _inputs(s, code, month)
            result = rules.score(inputs)
            _save_score(s, code, month, result, inputs, now)
            _disclose(s, sp, month, result, now)
            if rules.rules_for(result.tier).reconfirm:
                _ask_reconfirm(s, sp, month, now)
            start, end = months.bounds(month)
            this_month = _serious(s, code, start, end)
            window = _serious(
                s,
                code,
                datetime.combine(
                    rules.window_start(month), datetime.min.time(), tzinfo=OPERATOR_TZ
                ),
                end,
            )
            action = rules.decide(status, result.tier, len(this_month), len(window))
            refunds = _apply(s, sp, action, month, window, result, now)
            uow.commit()
            results.append(
                MonthResult(code, result.value, result.tier.value, action.value, refunds)
            )
    return results


def _save_score(
    s: Session,
    code: str,
    month: str,
    result: rules.Score,
    inputs: rules.ScoreInputs,
    now: datetime,
) -> None:
    facts = {
        "subscribers": inputs.subscribers,
        "complaints": inputs.complaints,
        "complaint_rate": str(inputs.complaint_rate.quantize(Decimal("0.01"))),
        "ratings": len(inputs.ratings),
        "satisfaction": str(inputs.satisfaction) if inputs.satisfaction is not None else None,
        "violations": {k.value: n for k, n in inputs.violations.items()},
        "fees_fen": inputs.fees_fen,
        "refunds_fen": inputs.refunds_fen,
        "deductions": {k: str(v) for k, v in result.parts.items()},
    }
    row = s.get(pm.SpScore, (code, month))
    if row is None:
        row = pm.SpScore(access_code=code, month=month)
        s.add(row)
    row.score, row.tier, row.inputs, row.computed_at = result.value, result.tier.value, facts, now


def _disclose(
    s: Session, sp: m.ServiceProvider, month: str, result: rules.Score, now: datetime
) -> None:
    row = s.get(pm.SpDisclosure, (month, sp.access_code))
    if rules.rules_for(result.tier).disclosed:
        if row is None:
            s.add(
                pm.SpDisclosure(
                    month=month,
                    access_code=sp.access_code,
                    name=sp.name,
                    score=result.value,
                    published_at=now,
                )
            )
        else:
            row.score = result.value
    elif row is not None:
        s.delete(row)


def _ask_reconfirm(s: Session, sp: m.ServiceProvider, month: str, now: datetime) -> None:
    rows = s.scalars(
        select(pm.SpSubscription).where(
            pm.SpSubscription.access_code == sp.access_code,
            pm.SpSubscription.state == "active",
            pm.SpSubscription.needs_reconfirm.is_(False),
        )
    ).all()
    for row in rows:
        row.needs_reconfirm = True
        sub = s.get_one(m.Subscriber, row.subscriber_id)
        svc = s.get_one(m.SpService, row.service_id)
        queue_sms(
            s,
            sub.msisdn,
            render(
                "sp.reconfirm_ask",
                sub.language,
                sp=sp.name,
                name=_offer(svc).name(sub.language),
                code=svc.code,
                access=sp.access_code,
            ),
            dedupe_key=f"sp:reconfirm:{row.id}:{month}",
            now=now,
        )


def _apply(
    s: Session,
    sp: m.ServiceProvider,
    action: rules.Action,
    month: str,
    window: list[str],
    result: rules.Score,
    now: datetime,
) -> int:
    if action is rules.Action.NONE:
        return 0
    done = s.scalar(
        select(pm.SpAction.id).where(
            pm.SpAction.access_code == sp.access_code,
            pm.SpAction.action == action.value,
            pm.SpAction.month == month,
        )
    )
    if done is not None:
        return 0
    refunds = 0
    if action is rules.Action.SUSPEND:
        sp.status = rules.SpStatus.SUSPENDED.value
    elif action is rules.Action.REINSTATE:
        sp.status = rules.SpStatus.ACTIVE.value
    else:
        sp.status = rules.SpStatus.TERMINATED.value
        kinds = frozenset(rules.ViolationType(k) for k in window)
        refunds = _terminate(s, sp, month, rules.refund_on_termination(kinds), now)
    s.add(
        pm.SpAction(
            access_code=sp.access_code,
            action=action.value,
            month=month,
            reason=f"tier {result.tier.value}, score {result.value}, serious {len(window)}/12m",
            actor=SYSTEM,
            details={
                "score": str(result.value),
                "tier": result.tier.value,
                "serious": window,
                "refunds": refunds,
            },
            created_at=now,
        )
    )
    return refunds


def _terminate(s: Session, sp: m.ServiceProvider, month: str, refund: bool, now: datetime) -> int:
    """Cancel every subscription of ``sp``; refund ``month`` (and later) fees if told to."""
    rows = s.scalars(
        select(pm.SpSubscription)
        .where(
            pm.SpSubscription.access_code == sp.access_code, pm.SpSubscription.state != "cancelled"
        )
        .order_by(pm.SpSubscription.id)
    ).all()
    refunded = 0
    for row in rows:
        was_active = row.state == "active"
        _cancel_rows(s, [row], now, "terminated")
        amount = refund_fees(s, row, month, now) if refund else 0
        refunded += amount > 0
        if not was_active:
            continue
        sub = s.get_one(m.Subscriber, row.subscriber_id)
        svc = s.get_one(m.SpService, row.service_id)
        note = (
            render("sp.refund_note", sub.language, amount=fen_to_yuan(amount)) if amount else "。"
        )
        if sub.language == "en" and not amount:
            note = ""
        queue_sms(
            s,
            sub.msisdn,
            render(
                "sp.terminated_notice",
                sub.language,
                sp=sp.name,
                name=_offer(svc).name(sub.language),
                refund=note,
            ),
            dedupe_key=f"sp:terminated:{row.id}",
            now=now,
        )
    return refunded


def refund_fees(s: Session, row: pm.SpSubscription, month: str, now: datetime) -> int:
    """Refund the subscription's fees for ``month`` and later, each at most once (fen)."""
    fees = s.scalars(
        select(pm.SpFee)
        .where(
            pm.SpFee.subscription_id == row.id,
            pm.SpFee.month >= month,
            pm.SpFee.refund_entry_id.is_(None),
        )
        .with_for_update()
    ).all()
    total = 0
    for fee in fees:
        account = lookups.account_for_update(s, row.subscriber_id)
        entry = post_entry(
            s,
            account,
            EntryKind.REFUND,
            fee.amount_fen,
            reason=f"SP终止退费 {fee.month}",
            reference=f"sp-refund:{fee.id}",
        )
        fee.refund_entry_id, fee.refunded_at = entry.id, now
        total += fee.amount_fen
    s.flush()
    return total


# --- the monthly settlement ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settlement:
    """One SP's settlement for one month (fen)."""

    access_code: str
    month: str
    tier: str
    fees_fen: int
    refunds_fen: int
    net_fen: int
    hold_pct: int
    held_fen: int
    released_fen: int
    payable_fen: int
    released_in: str | None


def _settlement_view(r: pm.SpSettlement) -> Settlement:
    return Settlement(
        r.access_code,
        r.month,
        r.tier,
        int(r.fees_fen),
        int(r.refunds_fen),
        int(r.net_fen),
        r.hold_pct,
        int(r.held_fen),
        int(r.released_fen),
        int(r.payable_fen),
        r.released_in,
    )


def run_settlement(db: Database, month: str, *, now: datetime | None = None) -> list[Settlement]:
    """Settle ``month`` with every SP: the month's confirmed fees minus the refunds posted
    in the month, less the hold of the SP's tier for the month (its ``sp_score``; no score:
    B), plus the amounts held in earlier months when this month's tier holds nothing
    (A or B). Run after :func:`run_month`. Safe to run again: the month's rows are
    replaced and a release happens in one month only."""
    rules.check_month(month)
    now = _now(now)
    start, end = months.bounds(month)
    out = []
    with db.uow() as uow:
        s = uow.session
        fees = dict(
            s.execute(
                select(pm.SpFee.access_code, func.sum(pm.SpFee.amount_fen))
                .where(pm.SpFee.month == month)
                .group_by(pm.SpFee.access_code)
            ).all()
        )
        refunds = dict(
            s.execute(
                select(pm.SpFee.access_code, func.sum(pm.SpFee.amount_fen))
                .where(pm.SpFee.refunded_at >= start, pm.SpFee.refunded_at < end)
                .group_by(pm.SpFee.access_code)
            ).all()
        )
        tiers = dict(
            s.execute(
                select(pm.SpScore.access_code, pm.SpScore.tier).where(pm.SpScore.month == month)
            ).all()
        )
        codes = s.scalars(
            select(m.ServiceProvider.access_code).order_by(m.ServiceProvider.access_code)
        )
        for code in list(codes):
            tier = rules.Tier(tiers[code]) if code in tiers else None
            terms = rules.rules_for(tier)
            net = int(fees.get(code) or 0) - int(refunds.get(code) or 0)
            held = rules.settlement_held(tier or rules.Tier.B, max(net, 0))
            earlier = s.scalars(
                select(pm.SpSettlement).where(
                    pm.SpSettlement.access_code == code,
                    pm.SpSettlement.month < month,
                    pm.SpSettlement.held_fen > 0,
                    (pm.SpSettlement.released_in.is_(None))
                    | (pm.SpSettlement.released_in == month),
                )
            ).all()
            released = 0
            for row in earlier:  # released when the tier allows, withdrawn if it no longer does
                row.released_in = month if terms.settlement_hold_pct == 0 else None
                released += int(row.held_fen) if row.released_in else 0
            if not fees.get(code) and not refunds.get(code) and not released:
                continue
            mine = s.get(pm.SpSettlement, (code, month))
            if mine is None:
                mine = pm.SpSettlement(access_code=code, month=month)
                s.add(mine)
            mine.tier = (tier or rules.Tier.B).value
            mine.fees_fen, mine.refunds_fen, mine.net_fen = (
                int(fees.get(code) or 0),
                int(refunds.get(code) or 0),
                net,
            )
            mine.hold_pct, mine.held_fen, mine.released_fen = (
                terms.settlement_hold_pct,
                held,
                released,
            )
            mine.payable_fen = net - held + released
            mine.computed_at = now
            s.flush()
            out.append(_settlement_view(mine))
        uow.commit()
    return out


def settlements(db: Database, who: Principal, month: str | None = None) -> list[Settlement]:
    """Settlements of ``month`` (default: the latest settled), every SP (staff)."""
    if who.kind is not Kind.STAFF:
        raise Forbidden("access.denied")
    with db.uow() as uow:
        s = uow.session
        month = month or s.scalar(select(func.max(pm.SpSettlement.month)))
        if month is None:
            return []
        rows = s.scalars(
            select(pm.SpSettlement)
            .where(pm.SpSettlement.month == month)
            .order_by(pm.SpSettlement.access_code)
        ).all()
        return [_settlement_view(r) for r in rows]


# --- reading: portal, staff, public ------------------------------------------------------------


def _services(s: Session, code: str) -> list[ServiceView]:
    counts = dict(
        s.execute(
            select(pm.SpSubscription.service_id, func.count(pm.SpSubscription.id))
            .where(pm.SpSubscription.access_code == code, pm.SpSubscription.state == "active")
            .group_by(pm.SpSubscription.service_id)
        ).all()
    )
    return [
        ServiceView(
            v.id, v.code, v.name_zh, v.name_en, v.price_fen, v.period, int(counts.get(v.id, 0))
        )
        for v in s.scalars(
            select(m.SpService).where(m.SpService.access_code == code).order_by(m.SpService.code)
        )
    ]


def overview(db: Database, who: Principal, access_code: str) -> SpOverview:
    """An SP's services, subscriber counts, complaints, violations and scores.

    An SP sees only its own; staff see every SP.
    """
    _require_sp(who, access_code)
    with db.uow() as uow:
        s = uow.session
        sp = _sp(s, access_code)
        complaints = s.scalar(
            select(func.count(cm.Ticket.id)).where(cm.Ticket.related_sp == access_code)
        )
        violations = s.scalars(
            select(pm.SpViolationRecord)
            .where(pm.SpViolationRecord.access_code == access_code)
            .order_by(pm.SpViolationRecord.occurred_at.desc())
        ).all()
        scores = s.scalars(
            select(pm.SpScore)
            .where(pm.SpScore.access_code == access_code)
            .order_by(pm.SpScore.month.desc())
        ).all()
        return SpOverview(
            sp.access_code,
            sp.name,
            sp.status,
            _services(s, access_code),
            int(complaints or 0),
            [_violation_view(v) for v in violations],
            [ScoreView(x.month, x.score, x.tier, x.inputs) for x in scores],
        )


def all_sps(db: Database, who: Principal) -> list[SpOverview]:
    """Every SP with its latest score (staff)."""
    if who.kind is not Kind.STAFF:
        raise Forbidden("access.denied")
    with db.uow() as uow:
        codes = list(
            uow.session.scalars(
                select(m.ServiceProvider.access_code).order_by(m.ServiceProvider.access_code)
            )
        )
    return [overview(db, who, c) for c in codes]


def actions(db: Database, who: Principal) -> list[pm.SpAction]:
    """The governance audit trail, newest first (headquarters)."""
    _require_hq(who)
    with db.uow() as uow:
        return list(uow.session.scalars(select(pm.SpAction).order_by(pm.SpAction.id.desc())))


def disclosed(db: Database, month: str | None = None) -> list[Disclosed]:
    """The public list of A-tier SPs for ``month`` (default: the latest published)."""
    with db.uow() as uow:
        s = uow.session
        month = month or s.scalar(select(func.max(pm.SpDisclosure.month)))
        if month is None:
            return []
        rows = s.scalars(
            select(pm.SpDisclosure)
            .where(pm.SpDisclosure.month == month)
            .order_by(pm.SpDisclosure.score.desc(), pm.SpDisclosure.access_code)
        ).all()
        return [Disclosed(r.month, r.access_code, r.name, r.score) for r in rows]


def yearly_report(db: Database, year: int) -> YearReport:
    """The year's figures: violations handled (by type), billing violations, fines,
    SPs suspended and terminated, refunds, disclosures, consents and fees."""
    start = datetime(year, 1, 1, tzinfo=OPERATOR_TZ)
    end = datetime(year + 1, 1, 1, tzinfo=OPERATOR_TZ)
    months = (f"{year}-01", f"{year}-12")
    with db.uow() as uow:
        s = uow.session
        vs = s.execute(
            select(pm.SpViolationRecord.type, pm.SpViolationRecord.fine_fen).where(
                pm.SpViolationRecord.revoked_at.is_(None),
                pm.SpViolationRecord.occurred_at >= start,
                pm.SpViolationRecord.occurred_at < end,
            )
        ).all()
        by_type = Counter(t for t, _ in vs)
        acts = Counter(
            s.scalars(
                select(pm.SpAction.action).where(
                    pm.SpAction.month >= months[0], pm.SpAction.month <= months[1]
                )
            )
        )
        refunds = s.execute(
            select(func.count(pm.SpFee.id), func.coalesce(func.sum(pm.SpFee.amount_fen), 0)).where(
                pm.SpFee.refunded_at >= start, pm.SpFee.refunded_at < end
            )
        ).one()
        disclosed_n = s.scalar(
            select(func.count(func.distinct(pm.SpDisclosure.access_code))).where(
                pm.SpDisclosure.month >= months[0], pm.SpDisclosure.month <= months[1]
            )
        )
        consents = s.scalar(
            select(func.count(pm.SpConsent.id)).where(
                pm.SpConsent.confirmed_at >= start, pm.SpConsent.confirmed_at < end
            )
        )
        fees = s.scalar(
            select(func.count(pm.SpFee.id)).where(
                pm.SpFee.month >= months[0], pm.SpFee.month <= months[1]
            )
        )
    billing = sum(
        n for t, n in by_type.items() if rules.ViolationType(t) in rules.BILLING_VIOLATIONS
    )
    return YearReport(
        year=year,
        violations_handled=len(vs),
        billing_violations=billing,
        by_type=dict(by_type),
        fines_fen=sum(int(f) for _, f in vs),
        sps_suspended=acts["suspend"],
        sps_terminated=acts["terminate"],
        refunds=int(refunds[0]),
        refunds_fen=int(refunds[1]),
        disclosed=int(disclosed_n or 0),
        consents=int(consents or 0),
        fees=int(fees or 0),
    )


# --- SP portal logins ----------------------------------------------------------------------------


def set_sp_password(db: Database, access_code: str, password: str) -> None:
    with db.uow() as uow:
        s = uow.session
        _sp(s, access_code)
        row = s.get(pm.SpLogin, access_code)
        if row is None:
            s.add(pm.SpLogin(access_code=access_code, password_hash=hash_secret(password)))
        else:
            row.password_hash = hash_secret(password)
        uow.commit()


def authenticate_sp(db: Database, access_code: str, password: str) -> Principal:
    """The SP principal (its subject is the access code) for the portal and the API."""
    with db.uow() as uow:
        row = uow.session.get(pm.SpLogin, access_code)
        if row is None or not verify_secret(password, row.password_hash):
            raise WrongSecret("sp.login_wrong")
        return Principal(Kind.SP, access_code, HQ, "sp")


# --- demo ----------------------------------------------------------------------------------------

DEMO_SPS: tuple[tuple[str, str, tuple[tuple[str, str, str, int], ...]], ...] = (
    ("1066000001", "悦听音乐", (("YY", "悦听音乐包", "Music pack", 300),)),
    ("1066000002", "天天阅读", (("YD", "天天阅读包", "Daily reading", 500),)),
    ("1066000003", "好运彩信", (("CX", "好运彩信", "Lucky MMS", 200),)),
    ("1066000004", "快讯天气", (("TQ", "天气快讯", "Weather alerts", 100),)),
    ("1066000005", "乐游游戏", (("YX", "乐游游戏包", "Game pack", 800),)),
)
"""An honest music SP (the foundation's), an honest reader, a spammy MMS SP, a weather SP
and a game SP that charges without confirmation (the two dishonest ones in the demo)."""
DEMO_PASSWORD = "sp-demo-2024"


def seed_partners(db: Database, *, now: datetime | None = None) -> int:
    """Idempotent demo: the SPs and services above, their launch terms and portal logins.

    Returns how many SPs were added.
    """
    now = _now(now)
    added = 0
    with db.uow() as uow:
        s = uow.session
        for code, name, services in DEMO_SPS:
            if s.get(m.ServiceProvider, code) is None:
                s.add(
                    m.ServiceProvider(access_code=code, name=name, status="active", created_at=now)
                )
                s.flush()
                added += 1
            for svc_code, zh, en, price in services:
                svc = s.scalar(
                    select(m.SpService).where(
                        m.SpService.access_code == code, m.SpService.code == svc_code
                    )
                )
                if svc is None:
                    svc = m.SpService(
                        access_code=code,
                        code=svc_code,
                        name_zh=zh,
                        name_en=en,
                        price_fen=price,
                        period="monthly",
                    )
                    s.add(svc)
                    s.flush()
                if s.get(pm.SpServiceTerms, svc.id) is None:
                    s.add(
                        pm.SpServiceTerms(service_id=svc.id, launched_at=now - timedelta(days=365))
                    )
            if s.get(pm.SpLogin, code) is None:
                s.add(pm.SpLogin(access_code=code, password_hash=hash_secret(DEMO_PASSWORD)))
        uow.commit()
    return added
