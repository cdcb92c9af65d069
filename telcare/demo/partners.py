"""The demo SPs (``data/partners.yaml``): their services, launch terms and portal logins."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from telcare import clock
from telcare.demo import load
from telcare.domain.launch import Kind as LaunchKind
from telcare.domain.launch import item_of
from telcare.services.hashing import hash_secret
from telcare.services.quality.launch import mark_launched
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database

_DATA: dict[str, Any] = load("partners")

DEMO_SPS: tuple[tuple[str, str, tuple[tuple[str, str, str, int], ...]], ...] = tuple(
    (
        str(sp["access_code"]),
        str(sp["name"]),
        tuple(
            (str(v["code"]), str(v["name_zh"]), str(v["name_en"]), int(v["price_fen"]))
            for v in sp["services"]
        ),
    )
    for sp in _DATA["sps"]
)
"""An honest music SP (the foundation's), an honest reader, a spammy MMS SP, a weather SP
and a game SP that charges without confirmation (the two dishonest ones in the demo)."""
DEMO_PASSWORD: str = str(_DATA["password"])
_LAUNCHED_DAYS_AGO = int(_DATA["services_launched_days_ago"])


def seed_partners(db: Database, *, now: datetime | None = None) -> int:
    """Idempotent demo: the SPs and services above, their launch terms and portal logins.

    Returns how many SPs were added.
    """
    now = now or clock.now()
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
                        pm.SpServiceTerms(
                            service_id=svc.id,
                            launched_at=now - timedelta(days=_LAUNCHED_DAYS_AGO),
                        )
                    )
                item = item_of(LaunchKind.SP_SERVICE, svc.code, code)
                mark_launched(s, LaunchKind.SP_SERVICE, item, by="seed", now=now)
            if s.get(pm.SpLogin, code) is None:
                s.add(pm.SpLogin(access_code=code, password_hash=hash_secret(DEMO_PASSWORD)))
        uow.commit()
    return added
