"""Recharge by online payment: the DEMO payment (no money moves) into the same ledger
path as every other top-up (:func:`telcare.services.accounts.recharge`, as the API's).

There is no real payment provider here. Production needs one (a bank or wallet gateway:
the order is created with it, the subscriber pays on its page, and only its signed
notification credits the account); :func:`pay_demo` stands in for that notification and is
refused outside demo mode.
"""

from __future__ import annotations

import hashlib

from telcare.domain.errors import Forbidden, InvalidAmount
from telcare.domain.messages import N_
from telcare.services import accounts
from telcare.store.uow import Database

AMOUNTS_FEN = (30_00, 50_00, 100_00, 200_00)  # what the page offers


def reference(idempotency_key: str) -> str:
    """The payment's reference on the ledger and receipt (stable for a replayed key)."""
    return "DEMO-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:10].upper()


def pay_demo(
    db: Database, msisdn: str, amount_fen: int, *, idempotency_key: str, demo: bool
) -> accounts.Posting:
    """A simulated online payment of ``amount_fen`` credited to ``msisdn`` (once per key)."""
    if not demo:
        raise Forbidden(N_("payment.demo_only"))
    if amount_fen not in AMOUNTS_FEN:
        raise InvalidAmount(N_("payment.bad_amount"))
    return accounts.recharge(
        db,
        msisdn,
        amount_fen,
        idempotency_key=idempotency_key,
        reason=f"online payment {reference(idempotency_key)}",
    )
