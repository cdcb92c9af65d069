"""Reference data (provinces, catalog, tariffs) and the demo operator. Both idempotent.

The data is in ``data/catalog.yaml``, ``data/subscribers.yaml`` and ``data/operator.yaml``;
each capability's own demo data is seeded by its module of this package.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.demo import catalog as demo_catalog
from telcare.demo import load
from telcare.demo.loyalty import seed_loyalty
from telcare.demo.partners import seed_partners
from telcare.demo.van import seed_van
from telcare.domain import catalog
from telcare.domain.launch import Kind as LaunchKind
from telcare.domain.launch import item_of, tariff_item
from telcare.domain.ledger import EntryKind, PointsKind
from telcare.domain.msisdn import is_msisdn
from telcare.domain.provinces import HEADQUARTERS, PROVINCES
from telcare.services import knowledge
from telcare.services.accounts import post_entry
from telcare.services.catalog_admin.specs import ensure_kind_specs
from telcare.services.hashing import hash_secret
from telcare.services.quality.launch import mark_launched
from telcare.store import models as m
from telcare.store.uow import Database

_SUBSCRIBERS = load("subscribers")
_OPERATOR = load("operator")
DEMO_SUBSCRIBERS: int = _SUBSCRIBERS["count"]
_CMCC_PREFIXES: tuple[str, ...] = tuple(_SUBSCRIBERS["prefixes"])
_SURNAMES: str = _SUBSCRIBERS["surnames"]
_GIVEN: str = _SUBSCRIBERS["given_names"]


@dataclass(frozen=True)
class Fixture:
    msisdn: str
    brand: catalog.Brand
    province: str
    language: str
    balance_fen: int
    points: int
    name: str


FIXTURES = tuple(
    Fixture(
        fx["msisdn"],
        catalog.Brand(fx["brand"]),
        fx["province"],
        fx["language"],
        fx["balance_fen"],
        fx["points"],
        fx["name"],
    )
    for fx in _SUBSCRIBERS["fixtures"]
)
STAFF: tuple[tuple[str, str, str], ...] = tuple(
    (x["username"], x["role"], x["province"]) for x in _OPERATOR["staff"]
)
_CARD = _OPERATOR["recharge_card"]
DEMO_CARD: tuple[str, str, int] = (_CARD["number"], _CARD["pin"], _CARD["face_value_fen"])
_GIFT = _OPERATOR["gift"]
DEMO_GIFT_PROVINCES: tuple[str, ...] = tuple(_GIFT["provinces"])
_SP = _OPERATOR["service_provider"]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    staff_passwords: dict[str, str] = field(default_factory=dict)
    merchant_passwords: dict[str, str] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def seed_reference(db: Database) -> SeedReport:
    """Provinces, products, tariff prices and the built-in knowledge-base articles; existing
    rows are left as they are."""
    report = SeedReport()
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        for p in (*PROVINCES, HEADQUARTERS):
            if s.get(m.Province, p.code) is None:
                s.add(m.Province(code=p.code, name_zh=p.name_zh, name_en=p.name_en))
                report.count("provinces")
        for prod in demo_catalog.PRODUCTS:
            if s.get(m.Product, prod.code) is None:
                s.add(_product_row(prod, now))
                report.count("products")
            s.flush()  # the operator's catalogue is on sale: recorded as launched
            mark_launched(s, LaunchKind.PRODUCT, prod.code, by="seed", now=now)
        s.flush()
        ensure_kind_specs(s, now)
        have = {(t.code, t.valid_from) for t in s.scalars(select(m.TariffPrice))}
        for t in demo_catalog.TARIFFS:
            if (t.code, t.valid_from) not in have:
                s.add(
                    m.TariffPrice(
                        code=t.code,
                        service=t.service.value,
                        unit=t.unit,
                        fen_per_unit=t.fen_per_unit,
                        valid_from=t.valid_from,
                        valid_to=t.valid_to,
                        name_zh=t.name_zh,
                        name_en=t.name_en,
                    )
                )
                report.count("tariff prices")
            s.flush()  # the reference tariffs are in force: recorded as launched
            mark_launched(s, LaunchKind.TARIFF, tariff_item(t.code, t.valid_from), by="seed",
                          now=now)  # fmt: skip
        uow.commit()
    articles = knowledge.ensure_builtin(db)
    if articles:
        report.created["knowledge articles"] = articles
    return report


def seed_demo(db: Database, subscribers: int = DEMO_SUBSCRIBERS) -> SeedReport:
    """The demo operator of the design notes plus ``subscribers`` generated lines."""
    report = seed_reference(db)
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        existing = set(s.scalars(select(m.Subscriber.msisdn)))
        for fx in FIXTURES:
            if fx.msisdn not in existing:
                _add_subscriber(s, fx, now)
                existing.add(fx.msisdn)
                report.count("subscribers")
        for fx in generated_fixtures(subscribers - len(FIXTURES)):
            if fx.msisdn not in existing:
                _add_subscriber(s, fx, now)
                report.count("subscribers")
        _seed_partners_and_stock(s, report, now)
        uow.commit()
    _seed_capabilities(db, report)
    return report


def _seed_capabilities(db: Database, report: SeedReport) -> None:
    """Each capability's own demo data (points mall, SPs, the G3 service van)."""
    report.merchant_passwords.update(seed_loyalty(db))
    if added := seed_partners(db):
        report.count("SP partners", added)
    if added := seed_van(db):
        report.count("service van stops", added)


def generated_fixtures(n: int) -> list[Fixture]:
    """The same ``n`` generated subscribers every time (a fixed seed), fixtures excluded."""
    rng = random.Random(20261125)
    taken = {fx.msisdn for fx in FIXTURES}
    out: list[Fixture] = []
    while len(out) < n:
        fx = _random_fixture(rng)
        if fx.msisdn not in taken and is_msisdn(fx.msisdn):
            taken.add(fx.msisdn)
            out.append(fx)
    return out


def _random_fixture(rng: random.Random) -> Fixture:
    msisdn = rng.choice(_CMCC_PREFIXES) + f"{rng.randrange(10**8):08d}"
    brand = rng.choices(list(catalog.Brand), weights=(2, 5, 3))[0]
    province = rng.choice(PROVINCES).code
    language = "en" if rng.random() < 0.05 else "zh"
    balance = rng.randrange(0, 30000)
    points = rng.randrange(0, 8000)
    name = (
        rng.choice(_SURNAMES)
        + rng.choice(_GIVEN)
        + (rng.choice(_GIVEN) if rng.random() < 0.5 else "")
    )
    return Fixture(msisdn, brand, province, language, balance, points, name)


def _add_subscriber(s: Session, fx: Fixture, now: datetime) -> None:
    customer = m.Customer(name=fx.name, province_code=fx.province, created_at=now)
    s.add(customer)
    s.flush()
    sub = m.Subscriber(
        msisdn=fx.msisdn,
        customer_id=customer.id,
        brand=fx.brand.value,
        province_code=fx.province,
        status="active",
        language=fx.language,
        created_at=now,
    )
    s.add(sub)
    s.flush()
    account = m.Account(subscriber_id=sub.id, balance_fen=0, points=0)
    s.add(account)
    s.flush()
    if fx.balance_fen:
        post_entry(s, account, EntryKind.RECHARGE, fx.balance_fen, reason="opening balance")
    if fx.points:
        account.points = fx.points
        s.add(
            m.PointsEntry(
                account_id=account.id,
                kind=PointsKind.ADJUSTMENT.value,
                points=fx.points,
                points_after=fx.points,
                reason="opening points",
                created_at=now,
            )
        )
    s.add(
        m.Subscription(
            subscriber_id=sub.id,
            product_code=catalog.BASE_PLAN_FOR_BRAND[fx.brand],
            state="active",
            starts_at=now,
            ends_at=None,
            created_at=now,
        )
    )


def _seed_partners_and_stock(s: Session, report: SeedReport, now: datetime) -> None:
    for username, role, province in STAFF:
        if s.get(m.StaffUser, username) is None:
            password = secrets.token_urlsafe(9)
            s.add(
                m.StaffUser(
                    username=username,
                    role=role,
                    province_code=province,
                    password_hash=hash_secret(password),
                    created_at=now,
                )
            )
            report.staff_passwords[username] = password
            report.count("staff")
    number, pin, face = DEMO_CARD
    if s.get(m.RechargeCard, number) is None:
        s.add(
            m.RechargeCard(
                number=number,
                pin_hash=hash_secret(pin),
                face_value_fen=face,
                batch=_CARD["batch"],
                status="unused",
            )
        )
        report.count("recharge cards")
    if s.get(m.Gift, _GIFT["code"]) is None:
        s.add(
            m.Gift(
                code=_GIFT["code"],
                name_zh=_GIFT["name_zh"],
                name_en=_GIFT["name_en"],
                points=_GIFT["points"],
                physical=_GIFT["physical"],
            )
        )
        s.flush()
        for province in DEMO_GIFT_PROVINCES:
            s.add(
                m.GiftStock(
                    gift_code=_GIFT["code"], province_code=province, quantity=_GIFT["stock"]
                )
            )
        report.count("gifts")
    if s.get(m.ServiceProvider, _SP["access_code"]) is None:
        s.add(
            m.ServiceProvider(
                access_code=_SP["access_code"], name=_SP["name"], status="active", created_at=now
            )
        )
        s.flush()
        s.add(m.SpService(access_code=_SP["access_code"], **_SP["service"]))
        report.count("service providers")
    item = item_of(LaunchKind.SP_SERVICE, _SP["service"]["code"], _SP["access_code"])
    mark_launched(s, LaunchKind.SP_SERVICE, item, by="seed", now=now)


def _product_row(p: catalog.Product, now: datetime) -> m.Product:
    return m.Product(
        code=p.code,
        name_zh=p.name_zh,
        name_en=p.name_en,
        kind=p.kind.value,
        price_fen=p.price_fen,
        period=p.period.value,
        validity_days=p.validity_days,
        data_kb=p.allowance.data_kb,
        voice_min=p.allowance.voice_min,
        sms=p.allowance.sms,
        brands=sorted(b.value for b in p.brands),
        provinces=sorted(p.provinces) if p.provinces is not None else None,
        charged=p.charged,
        active=True,
        description_zh=p.description_zh,
        description_en=p.description_en,
        last_update=now,
        first_month=p.first_month.value,
    )
