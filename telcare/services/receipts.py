"""One ledger entry as a receipt, and a subscriber's ledger as CSV (the hall's export)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from telcare.domain.errors import NotFound
from telcare.domain.ledger import EntryKind
from telcare.domain.ledger_reasons import say
from telcare.domain.messages import N_, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import hall, lookups
from telcare.store import models as m
from telcare.store.uow import Database

MAX_EXPORT = 5_000  # rows in one CSV (years of a line's ledger)


@dataclass(frozen=True, slots=True)
class Receipt:
    msisdn: str
    entry: hall.LedgerRow
    reference: str | None


def receipt(db: Database, msisdn: str, entry_id: int) -> Receipt:
    """A recharge of ``msisdn``'s own account (another line's entry is "not found")."""
    with db.read() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(m.LedgerEntry, entry_id)
        if row is None or row.account_id != sub.account.id:
            raise NotFound(N_("receipt.unknown"))
        if row.kind != EntryKind.RECHARGE.value:
            raise NotFound(N_("receipt.not_recharge"))
        view = hall.LedgerRow(
            row.id, row.created_at, row.kind, row.amount_fen, row.balance_after_fen, row.reason
        )
        return Receipt(sub.msisdn, view, row.reference)


def export_rows(
    db: Database,
    msisdn: str,
    *,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[hall.LedgerRow]:
    """Every entry the ledger page's filters select, newest first (at most MAX_EXPORT)."""
    rows: list[hall.LedgerRow] = []
    while len(rows) < MAX_EXPORT:
        page, total = hall.ledger_history(
            db, msisdn, kind=kind, since=since, until=until, offset=len(rows), limit=hall.MAX_PAGE
        )
        rows.extend(page)
        if not page or len(rows) >= total:
            break
    return rows[:MAX_EXPORT]


def ledger_csv(rows: list[hall.LedgerRow], lang: str) -> str:
    """The rows as CSV in the reader's language (a BOM, so spreadsheet programs read UTF-8)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            render(f"ledger.csv.{c}", lang)
            for c in ("id", "time", "kind", "amount", "balance", "reason")
        ]
    )
    for r in rows:
        w.writerow(
            [
                r.entry_id,
                r.created_at.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M:%S"),
                render(f"ledger.kind.{r.kind}", lang),
                fen_to_yuan(r.amount_fen),
                fen_to_yuan(r.balance_after_fen),
                _safe(say(r.reason, r.kind, lang)),
            ]
        )
    return "\ufeff" + out.getvalue()


def _safe(cell: str) -> str:
    """No formula injection: a cell starting with = + - @ is quoted with an apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell
