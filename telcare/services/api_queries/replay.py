"""Idempotent replay for API actions whose service takes no idempotency key (:func:`once`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from telcare import clock
from telcare.domain.errors import IdempotencyConflict
from telcare.domain.messages import N_
from telcare.services.idempotency import check_key, fingerprint
from telcare.store import models as m
from telcare.store.uow import Database


def once(
    db: Database,
    operation: str,
    key: str,
    payload: Mapping[str, Any],
    action: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """Run ``action`` (its own transaction) unless ``key`` already ran; ``(result, replayed)``.

    For API actions whose service takes no idempotency key and whose repetition is
    harmless (an order is never charged without confirmation): the first result is
    remembered under ``key`` so a retried request gets the same answer.
    """
    check_key(key)
    fp = fingerprint(operation, payload)
    with db.uow() as uow:
        record = uow.session.get(m.IdempotencyRecord, key)
        if record is not None:
            return _replay(record, operation, fp), True
    result = action()
    try:
        with db.uow() as uow:
            uow.session.add(
                m.IdempotencyRecord(
                    key=key,
                    operation=operation,
                    fingerprint=fp,
                    result=result,
                    created_at=clock.now(),
                )
            )
            uow.commit()
    except IntegrityError:
        with db.uow() as uow:
            return _replay(uow.session.get_one(m.IdempotencyRecord, key), operation, fp), True
    return result, False


def _replay(record: m.IdempotencyRecord, operation: str, fp: str) -> dict[str, Any]:
    if record.operation != operation or record.fingerprint != fp:
        raise IdempotencyConflict(N_("idempotency.conflict"))
    return dict(record.result)
