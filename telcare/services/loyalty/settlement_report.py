"""The merchant settlement report: points honoured per merchant and month, and as CSV."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, select

from telcare.domain import loyalty as rules
from telcare.domain import months
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.domain.money import fen_to_yuan
from telcare.store import loyalty_models as lm
from telcare.store.uow import Database

from .days import _local_day


@dataclass(frozen=True, slots=True)
class SettlementRow:
    month: str
    merchant_code: str
    merchant_zh: str
    merchant_en: str
    redemptions: int
    points: int
    amount_fen: int


def _month_range(month: str) -> tuple[datetime, datetime]:
    try:
        start, end = months.bounds(month)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(N_("loyalty.month_bad")) from exc
    return start.astimezone(UTC), end.astimezone(UTC)


def settlement(db: Database, month: str | None = None) -> list[SettlementRow]:
    """Points honoured per merchant per month (by the day each code was used) and what
    the operator owes (``settlement_fen_per_point``, rounded half up once per row)."""
    with db.uow() as uow:
        s = uow.session
        q = select(
            lm.RedemptionCode.merchant_code, lm.RedemptionCode.points, lm.RedemptionCode.used_at
        ).where(lm.RedemptionCode.used_at.is_not(None))
        if month:
            start, end = _month_range(month)
            q = q.where(and_(lm.RedemptionCode.used_at >= start, lm.RedemptionCode.used_at < end))
        totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for merchant, points, used_at in s.execute(q):
            assert used_at is not None
            t = totals[(rules.month_key(_local_day(used_at)), merchant)]
            t[0] += 1
            t[1] += points
        merchants = {mc.code: mc for mc in s.scalars(select(lm.Merchant))}
        out = []
        for (mon, code), (count, points) in sorted(totals.items()):
            mc = merchants[code]
            amount = Decimal(points) * Decimal(mc.settlement_fen_per_point)
            fen = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            out.append(SettlementRow(mon, code, mc.name_zh, mc.name_en, count, points, fen))
        return out


def settlement_csv(rows: Iterable[SettlementRow]) -> str:
    """The report as CSV (UTF-8, a header row, amounts in yuan)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["month", "merchant_code", "merchant_name", "redemptions", "points", "amount_yuan"])
    for r in rows:
        w.writerow(
            [
                r.month,
                r.merchant_code,
                r.merchant_zh,
                r.redemptions,
                r.points,
                fen_to_yuan(r.amount_fen),
            ]
        )
    return buf.getvalue()
