"""Idempotency keys: the same key applied twice has the effect of one.

The key is claimed (inserted) before any work, inside the same transaction as the
work; a concurrent request with the same key blocks on the unique index and fails
when the first commits, then replays the stored result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from telcare import clock
from telcare.domain.errors import IdempotencyConflict, InvalidInput
from telcare.domain.messages import N_
from telcare.store.models import IdempotencyRecord
from telcare.store.uow import Database, UnitOfWork

Result = dict[str, Any]
MAX_KEY = 100


def fingerprint(operation: str, payload: Mapping[str, Any]) -> str:
    body = json.dumps({"op": operation, **payload}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def check_key(key: str) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY:
        raise InvalidInput(N_("idempotency.bad_key"))
    return key


def run_once(
    db: Database,
    operation: str,
    key: str,
    payload: Mapping[str, Any],
    work: Callable[[UnitOfWork], Result],
) -> Result:
    """Run ``work`` in one transaction unless ``key`` already ran; return its result.

    The returned dict has ``replayed: True`` when the stored result of an earlier run
    is returned. Reusing a key for a different operation or payload is refused.
    """
    check_key(key)
    fp = fingerprint(operation, payload)
    for attempt in (1, 2):
        try:
            with db.uow() as uow:
                record = uow.session.get(IdempotencyRecord, key)
                if record is not None:
                    return _replay(record, operation, fp)
                record = IdempotencyRecord(
                    key=key,
                    operation=operation,
                    fingerprint=fp,
                    result={},
                    created_at=clock.now(),
                )
                uow.session.add(record)
                uow.session.flush()
                result = work(uow)
                record.result = result
                uow.commit()
                return {**result, "replayed": False}
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _replay(record: IdempotencyRecord, operation: str, fp: str) -> Result:
    if record.operation != operation or record.fingerprint != fp:
        raise IdempotencyConflict(N_("idempotency.conflict"))
    return {**record.result, "replayed": True}
