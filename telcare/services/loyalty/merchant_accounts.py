"""Partner merchants: their login and tokens, and HQ's merchant and service records."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.config import secret_key
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound, WrongSecret
from telcare.domain.messages import N_
from telcare.services import auth
from telcare.services.hashing import hash_secret, needs_rehash, verify_or_dummy
from telcare.store import loyalty_models as lm
from telcare.store.uow import Database

from .admin import _bad, _code_of, _decimal, _hq, _name, _provinces
from .days import _now


@dataclass(frozen=True, slots=True)
class MerchantInfo:
    code: str
    name_zh: str
    name_en: str
    province: str
    version: int = 0

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def authenticate_merchant(
    db: Database, code: str, password: str, *, address: str = "", now: datetime | None = None
) -> MerchantInfo:
    """The merchant for a right password (throttled like staff logins: five failures
    lock the ID, known or not; an unknown ID costs the same hashing work)."""
    key = code.strip().upper()[:20]

    def check(s: Session) -> MerchantInfo | None:
        row = s.get(lm.Merchant, key)
        right = verify_or_dummy(password, row.password_hash if row is not None else None)
        if row is None or not right or not row.active:
            return None
        if needs_rehash(row.password_hash):  # an old scrypt hash: Argon2id from now on
            row.password_hash = hash_secret(password)
        return MerchantInfo(
            row.code, row.name_zh, row.name_en, row.province_code, row.token_version
        )

    return auth.throttle.password_login(
        db, "merchant", key, address, check, WrongSecret(N_("loyalty.merchant_login")), now=now
    )


def set_merchant_password(db: Database, code: str, password: str) -> None:
    """Give a merchant a new password (operator staff, tests); older tokens die."""
    with db.uow() as uow:
        row = uow.session.get(lm.Merchant, code)
        if row is None:
            raise NotFound(N_("loyalty.merchant_unknown"), code=code)
        row.password_hash = hash_secret(password)
        row.token_version += 1
        uow.commit()


def _merchant_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt="telcare-merchant")


def issue_merchant_token(merchant: MerchantInfo) -> str:
    return _merchant_serializer().dumps([merchant.code, merchant.version])


def read_merchant_token(db: Database, token: str) -> MerchantInfo:
    """The merchant a token was issued to (still active, same credential version),
    or :class:`WrongSecret`."""
    try:
        code, version = _merchant_serializer().loads(
            token, max_age=int(auth.token_ttl().total_seconds())
        )
    except (BadSignature, SignatureExpired, ValueError, TypeError) as exc:
        raise WrongSecret(N_("login.token_invalid")) from exc
    with db.read() as uow:
        row = uow.session.get(lm.Merchant, str(code))
        if row is None or not row.active or row.token_version != version:
            raise WrongSecret(N_("login.token_invalid"))
        return MerchantInfo(
            row.code, row.name_zh, row.name_en, row.province_code, row.token_version
        )


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: int
    merchant_code: str
    code: str
    name_zh: str
    name_en: str
    valid_days: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class MerchantView:
    code: str
    name_zh: str
    name_en: str
    province: str
    settlement_fen_per_point: Decimal
    active: bool
    services: list[ServiceView]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def merchants(db: Database) -> list[MerchantView]:
    """Every partner merchant with its services."""
    with db.uow() as uow:
        s = uow.session
        services: dict[str, list[ServiceView]] = defaultdict(list)
        for sv in s.scalars(select(lm.MerchantService).order_by(lm.MerchantService.code)):
            services[sv.merchant_code].append(
                ServiceView(sv.id, sv.merchant_code, sv.code, sv.name_zh, sv.name_en, sv.valid_days)
            )
        return [
            MerchantView(
                mc.code,
                mc.name_zh,
                mc.name_en,
                mc.province_code,
                Decimal(mc.settlement_fen_per_point),
                mc.active,
                services[mc.code],
            )
            for mc in s.scalars(select(lm.Merchant).order_by(lm.Merchant.code))
        ]


def save_merchant(
    db: Database,
    who: Principal,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    province: str,
    settlement_fen_per_point: str,
    active: bool = True,
    now: datetime | None = None,
) -> str | None:
    """Create or edit a partner merchant (HQ). A new merchant gets a random password,
    returned once (``None`` for an edit; :func:`set_merchant_password` resets)."""
    _hq(who, "merchant.create")
    key = _code_of(code)
    zh, en = _name(name_zh, 60, "name_zh"), _name(name_en, 80, "name_en")
    chosen = _provinces([province])
    if not chosen:
        raise _bad("province", province)
    prov = chosen[0]
    rate = _decimal(settlement_fen_per_point, "settlement", Decimal(0), Decimal(1000))
    password = None
    with db.uow() as uow:
        s = uow.session
        row = s.get(lm.Merchant, key)
        if row is None:
            password = secrets.token_urlsafe(9)
            row = lm.Merchant(code=key, password_hash=hash_secret(password), created_at=_now(now))
            s.add(row)
        row.name_zh, row.name_en, row.province_code = zh, en, prov
        if row.active and not active:
            row.token_version += 1  # a deactivated merchant's tokens die
        row.settlement_fen_per_point, row.active = rate, active
        uow.commit()
    return password


def save_service(
    db: Database,
    who: Principal,
    *,
    merchant_code: str,
    code: str,
    name_zh: str,
    name_en: str,
    valid_days: int,
) -> ServiceView:
    """Create or edit (by merchant and code) a merchant service (HQ)."""
    _hq(who, "merchant.service.edit")
    key = _code_of(code)
    zh, en = _name(name_zh, 60, "name_zh"), _name(name_en, 80, "name_en")
    if not 1 <= valid_days <= 3660:
        raise _bad("valid_days", valid_days)
    with db.uow() as uow:
        s = uow.session
        merchant = s.get(lm.Merchant, merchant_code.strip().upper()[:20])
        if merchant is None:
            raise NotFound(N_("loyalty.merchant_unknown"), code=merchant_code[:20])
        row = s.scalar(
            select(lm.MerchantService).where(
                lm.MerchantService.merchant_code == merchant.code, lm.MerchantService.code == key
            )
        )
        if row is None:
            row = lm.MerchantService(merchant_code=merchant.code, code=key)
            s.add(row)
        row.name_zh, row.name_en, row.valid_days = zh, en, valid_days
        s.flush()
        view = ServiceView(row.id, merchant.code, key, zh, en, valid_days)
        uow.commit()
        return view
