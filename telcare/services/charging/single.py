"""One usage record posted through the API (TMF635 ``POST usage``), rated exactly as a
line of a usage file is: the same parsing, checks, allowances, prices and ledger
posting (:class:`telcare.services.charging.chunk._Ingest`), as a one-line job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from telcare import clock
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.services.charging.chunk import MAX_FUTURE, _Ingest
from telcare.services.charging.reading import _split_fields
from telcare.services.tmf_hub import resources as tmf_events
from telcare.store.charging_models import IngestJob
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class Rated:
    record_id: str
    duplicate: bool  # already rated (a retry): nothing charged again
    charged_fen: int


def rate_record(
    db: Database,
    *,
    record_id: str,
    msisdn: str,
    service: str,
    started_at: datetime,
    volume: int,
    roaming: bool,
    peer: str,
    source: str,
) -> Rated:
    """Rate one record as a usage-file line; a rejected one raises ``InvalidInput``."""
    when = started_at.isoformat(timespec="seconds")
    fields = (record_id, msisdn, service, when, str(volume), "1" if roaming else "0", peer)
    if any("," in f or "\n" in f for f in fields):
        raise InvalidInput(N_("usage.rejected"), reason="a field holds a comma or line break")
    frame = _split_fields(pl.DataFrame({"line": [1], "raw": [",".join(fields)]}))
    now = clock.now()
    with db.uow() as uow:
        job = IngestJob(
            file_name=f"api:{source}"[:500],
            fingerprint=f"api:{record_id}"[:64],
            status="done",
            position=1,
            lines=1,
            rated=0,
            duplicates=0,
            rejected=0,
            charged_fen=0,
            started_at=now,
            updated_at=now,
        )
        uow.session.add(job)
        uow.session.flush()
        result = _Ingest(db, job.id, None, MAX_FUTURE).chunk(uow, frame)
        if len(result.rejects):
            raise InvalidInput("usage.rejected", reason=str(result.rejects["reason"][0]))
        if not result.duplicates:
            tmf_events.usage_created(uow.session, record_id, msisdn, service, started_at, now)
        uow.commit()
    return Rated(record_id, result.duplicates > 0, result.charged_fen)
