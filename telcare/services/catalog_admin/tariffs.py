"""New dated tariff prices. The pricing history is kept: a new price closes the one in
force at its start, and rates nothing until its launch checklist (kind ``tariff``, item
``CODE@YYYY-MM-DD``) has passed — until then the price it supersedes stays in force
(:func:`telcare.services.quality.launch.rating_prices`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from telcare.domain import launch as rules
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict, InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.services.catalog_admin.drafts import _require_staff
from telcare.store import models as m
from telcare.store.uow import Database


def add_price(
    db: Database,
    who: Principal,
    code: str,
    fen_per_unit: Decimal | str,
    valid_from: date,
    *,
    name_zh: str = "",
    name_en: str = "",
) -> str:
    """Add a dated price of tariff ``code`` (headquarters' catalogue staff); its launch item."""
    _require_staff(who)
    try:
        price = Decimal(str(fen_per_unit))
    except InvalidOperation as err:
        raise InvalidInput(N_("tariff.price")) from err
    if not price.is_finite() or price < 0:
        raise InvalidInput(N_("tariff.price"))
    code = code.strip().upper()
    with db.uow() as uow:
        s = uow.session
        rows = list(
            s.scalars(
                select(m.TariffPrice)
                .where(m.TariffPrice.code == code)
                .order_by(m.TariffPrice.valid_from)
                .with_for_update()
            )
        )
        if not rows:
            raise NotFound(N_("tariff.unknown"), code=code)
        last = rows[-1]
        if valid_from <= last.valid_from:
            raise Conflict(N_("tariff.not_later"), day=last.valid_from.isoformat())
        if last.valid_to is None or last.valid_to > valid_from:
            last.valid_to = valid_from  # history kept: the old price ends where this starts
        s.add(m.TariffPrice(code=code, service=last.service, unit=last.unit, fen_per_unit=price,
                            valid_from=valid_from, valid_to=None,
                            name_zh=name_zh.strip()[:60] or last.name_zh,
                            name_en=name_en.strip()[:80] or last.name_en))  # fmt: skip
        uow.commit()
    return rules.tariff_item(code, valid_from)
