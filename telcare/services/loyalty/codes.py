"""Merchant one-time codes: issuing, listing, checking and the checks' brute-force throttle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import segno
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from telcare.domain import loyalty as rules
from telcare.domain.errors import Conflict, Locked, NotFound
from telcare.domain.messages import N_
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import lookups
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

from .days import _now


class CodeRefused(Conflict):
    code = "code-refused"


def _new_code_row(
    s: Session,
    sub: m.Subscriber,
    gift: m.Gift,
    service: lm.MerchantService,
    entry_id: int,
    now: datetime,
    expires: datetime,
) -> lm.RedemptionCode:
    for _ in range(20):
        code = rules.new_code()
        if s.scalar(select(lm.RedemptionCode.id).where(lm.RedemptionCode.code == code)) is None:
            break
    else:  # pragma: no cover - 10^8 codes
        raise Conflict(N_("loyalty.code_space"))
    row = lm.RedemptionCode(
        code=code,
        subscriber_id=sub.id,
        gift_code=gift.code,
        merchant_code=service.merchant_code,
        service_id=service.id,
        points=gift.points,
        points_entry_id=entry_id,
        created_at=now,
        expires_at=expires,
        used_at=None,
    )
    s.add(row)
    s.flush()
    return row


@dataclass(frozen=True, slots=True)
class CodeView:
    code: str
    gift_code: str
    service_zh: str
    service_en: str
    merchant_zh: str
    merchant_en: str
    points: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    msisdn_masked: str = ""

    def service(self, lang: str) -> str:
        return self.service_en if lang == "en" else self.service_zh

    def merchant(self, lang: str) -> str:
        return self.merchant_en if lang == "en" else self.merchant_zh

    def status(self, now: datetime) -> str:
        if self.used_at is not None:
            return "used"
        return "expired" if now >= self.expires_at else "valid"

    @property
    def qr_svg(self) -> str:
        return qr_svg(self.code)


def qr_svg(code: str, scale: int = 5) -> str:
    """The code as an inline SVG QR code (what a merchant's scanner reads: the digits)."""
    return str(segno.make(code, error="m", micro=False).svg_inline(scale=scale, title=code))


def _code_views(s: Session, rows: list[lm.RedemptionCode]) -> list[CodeView]:
    services = {
        sv.id: sv
        for sv in s.scalars(
            select(lm.MerchantService).where(
                lm.MerchantService.id.in_({r.service_id for r in rows})
            )
        )
    }
    merchants = {mc.code: mc for mc in s.scalars(select(lm.Merchant))}
    numbers = dict(
        (r[0], r[1])
        for r in s.execute(
            select(m.Subscriber.id, m.Subscriber.msisdn).where(
                m.Subscriber.id.in_({r.subscriber_id for r in rows})
            )
        )
    )
    return [
        CodeView(
            r.code,
            r.gift_code,
            services[r.service_id].name_zh,
            services[r.service_id].name_en,
            merchants[r.merchant_code].name_zh,
            merchants[r.merchant_code].name_en,
            r.points,
            r.created_at,
            r.expires_at,
            r.used_at,
            _mask(numbers[r.subscriber_id]),
        )
        for r in rows
    ]


def _mask(msisdn: str) -> str:
    return msisdn[:3] + "****" + msisdn[-4:]


def my_codes(db: Database, msisdn: str) -> list[CodeView]:
    """The subscriber's merchant codes, newest first."""
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        rows = s.scalars(
            select(lm.RedemptionCode)
            .where(lm.RedemptionCode.subscriber_id == sub.id)
            .order_by(lm.RedemptionCode.id.desc())
            .limit(100)
        ).all()
        return _code_views(s, list(rows))


def verify_code(
    db: Database, merchant_code: str, code: str, *, now: datetime | None = None
) -> CodeView:
    """A merchant honours a code: valid once, before it expires, for that merchant only.

    The ``used_at IS NULL`` condition of the update makes two simultaneous
    verifications of one code succeed once; the other is refused as used.
    """
    now = _now(now)
    digits = rules.normalise_code(code)
    with db.uow() as uow:
        s = uow.session
        _check_throttle(s, merchant_code, now)
        row = s.scalar(select(lm.RedemptionCode).where(lm.RedemptionCode.code == digits))
        verdict = rules.judge_code(
            found=row is not None,
            merchant_matches=row is not None and row.merchant_code == merchant_code,
            used_at=row.used_at if row else None,
            expires_at=row.expires_at if row else None,
            now=now,
        )
        if verdict is rules.CodeVerdict.OK and row is not None:
            done: CursorResult[Any] = s.execute(  # type: ignore[assignment]
                update(lm.RedemptionCode)
                .where(lm.RedemptionCode.id == row.id, lm.RedemptionCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:
                s.rollback()
                row = s.scalar(select(lm.RedemptionCode).where(lm.RedemptionCode.code == digits))
                verdict = rules.CodeVerdict.USED
            else:
                s.refresh(row)
                view = _code_views(s, [row])[0]
                uow.commit()
                return view
        if verdict is rules.CodeVerdict.UNKNOWN:
            s.add(lm.MerchantCheckFailure(merchant_code=merchant_code, created_at=now))
            uow.commit()
        _refuse(verdict, row)
    raise AssertionError("unreachable")  # pragma: no cover


def _refuse(verdict: rules.CodeVerdict, row: lm.RedemptionCode | None) -> None:
    def day(when: datetime | None) -> str:
        return when.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M") if when else ""

    if verdict is rules.CodeVerdict.USED and row is not None:
        raise CodeRefused(N_("loyalty.code_used"), when=day(row.used_at))
    if verdict is rules.CodeVerdict.EXPIRED and row is not None:
        raise CodeRefused(N_("loyalty.code_expired"), when=day(row.expires_at))
    raise NotFound(N_("loyalty.code_unknown"))


def merchant_codes(db: Database, merchant_code: str, limit: int = 50) -> list[CodeView]:
    """The merchant's latest honoured codes (its own page)."""
    with db.uow() as uow:
        s = uow.session
        rows = s.scalars(
            select(lm.RedemptionCode)
            .where(
                lm.RedemptionCode.merchant_code == merchant_code,
                lm.RedemptionCode.used_at.is_not(None),
            )
            .order_by(lm.RedemptionCode.used_at.desc())
            .limit(min(max(limit, 1), 200))
        ).all()
        return _code_views(s, list(rows))


# --- merchant code checks: the brute-force throttle ----------------------------------------

MAX_CHECK_FAILURES = 10
CHECK_WINDOW = timedelta(hours=1)


def _check_throttle(s: Session, merchant_code: str, now: datetime) -> None:
    """Refuse (:class:`Locked`) a merchant with ``MAX_CHECK_FAILURES`` wrong codes in the
    last hour. The merchant's row is locked, so concurrent checks count one by one."""
    s.scalar(select(lm.Merchant.code).where(lm.Merchant.code == merchant_code).with_for_update())
    recent = list(
        s.scalars(
            select(lm.MerchantCheckFailure.created_at)
            .where(
                lm.MerchantCheckFailure.merchant_code == merchant_code,
                lm.MerchantCheckFailure.created_at > now - CHECK_WINDOW,
            )
            .order_by(lm.MerchantCheckFailure.created_at)
        )
    )
    if len(recent) >= MAX_CHECK_FAILURES:
        until = recent[-MAX_CHECK_FAILURES] + CHECK_WINDOW
        raise Locked(
            N_("loyalty.checks_locked"),
            limit=MAX_CHECK_FAILURES,
            when=until.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M"),
        )


def check_failures(db: Database, merchant_code: str, *, now: datetime | None = None) -> int:
    """Wrong codes the merchant checked in the last hour."""
    now = _now(now)
    with db.uow() as uow:
        return int(
            uow.session.scalar(
                select(func.count()).where(
                    lm.MerchantCheckFailure.merchant_code == merchant_code,
                    lm.MerchantCheckFailure.created_at > now - CHECK_WINDOW,
                )
            )
            or 0
        )
