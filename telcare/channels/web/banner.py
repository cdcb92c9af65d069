"""The hall's balance banner: a barred or low-balance line sees it on every hall page,
with a recharge button (:mod:`telcare.domain.account_state` decides)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from telcare.domain.account_state import balance_state
from telcare.domain.errors import DomainError
from telcare.services import selfcare


def balance_banner(request: Request, msisdn: str | None) -> dict[str, Any] | None:
    """The banner for a hall page of ``msisdn`` (None: no banner, or not a hall page)."""
    if msisdn is None or not request.url.path.startswith("/hall"):
        return None
    try:
        info = selfcare.overview(request.app.state.db, msisdn)
    except DomainError:
        return None
    state = balance_state(info.status, info.balance_fen)
    return None if state is None else {"state": state.value, "balance_fen": info.balance_fen}
