"""A past opinion campaign of the customer club as demo history (``data/club.yaml``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.demo import load
from telcare.domain import club as dc
from telcare.domain.provinces import HQ
from telcare.store import survey_models as sm
from telcare.store.uow import Database

_HISTORY = load("club")["campaign_history"]
CODE: str = _HISTORY["code"]
TITLE: str = _HISTORY["title"]
MEMBERS: int = _HISTORY["members"]
OPINIONS: int = _HISTORY["opinions"]
ESSAYS: int = _HISTORY["essays"]


def seed_campaign_history(
    db: Database,
    *,
    code: str = CODE,
    title: str = TITLE,
    members: int = MEMBERS,
    opinions: int = OPINIONS,
    essays: int = ESSAYS,
    now: datetime | None = None,
) -> None:
    """Bulk-load a past campaign with the given counts (demo history; numbers from the
    ``147`` range, not real subscribers). Idempotent by campaign code."""
    now = now or clock.now()
    cats = [c.value for c in dc.Category]
    prefix, province = _HISTORY["number_prefix"], _HISTORY["member_province"]
    essay_title, text = _HISTORY["essay_title"], _HISTORY["text"]
    with db.uow() as uow:
        s = uow.session
        if s.scalar(select(sm.OpinionCampaign.id).where(sm.OpinionCampaign.code == code)):
            return
        campaign = sm.OpinionCampaign(
            code=code, title=title, province=HQ, starts_at=now, ends_at=now, created_at=now
        )
        s.add(campaign)
        s.flush()
        numbers = [f"{prefix}{i:08d}" for i in range(members)]
        _bulk(
            s,
            sm.ClubMember,
            (
                {
                    "msisdn": n,
                    "province": province,
                    "active": True,
                    "joined_at": now,
                    "left_at": None,
                }
                for n in numbers
            ),
        )

        def rows(kind: str, n: int, offset: int) -> Iterable[dict[str, object]]:
            for i in range(n):
                yield {
                    "campaign_id": campaign.id,
                    "msisdn": numbers[(i + offset) % members],
                    "kind": kind,
                    "category": cats[i % len(cats)],
                    "title": essay_title.format(n=i + 1) if kind == "essay" else "",
                    "text": text,
                    "state": "approved",
                    "created_at": now,
                    "moderated_by": None,
                    "moderated_at": None,
                }

        _bulk(s, sm.OpinionSubmission, rows("opinion", opinions, 0))
        _bulk(s, sm.OpinionSubmission, rows("essay", essays, opinions))
        uow.commit()


def _bulk(s: Session, model: type, rows: Iterable[dict[str, object]], chunk: int = 5000) -> None:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk:
            s.execute(insert(model), batch)
            batch = []
    if batch:
        s.execute(insert(model), batch)
