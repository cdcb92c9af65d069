"""Platform statistics: reports and handled reports per day, the reports' top keywords."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from telcare.domain import antispam_rules as r
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services.antispam.common import _now
from telcare.store import antispam_models as am
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class DayStats:
    day: date
    reported: int
    handled: int


@dataclass(frozen=True, slots=True)
class Statistics:
    days: list[DayStats]
    top_keywords: list[tuple[str, int]]
    open_reports: int
    flagged_senders: int


def statistics(db: Database, *, days: int = 14, now: datetime | None = None) -> Statistics:
    """Reports and handled reports per operator-local day, top keywords of the reports."""
    today = _now(now).astimezone(OPERATOR_TZ).date()
    first = today - timedelta(days=days - 1)
    start = datetime(first.year, first.month, first.day, tzinfo=OPERATOR_TZ)
    rp = am.SpamReport
    with db.uow() as uow:
        s = uow.session
        created = s.scalars(select(rp.created_at).where(rp.created_at >= start)).all()
        handled = s.scalars(select(rp.handled_at).where(rp.handled_at >= start)).all()
        texts = s.scalars(select(rp.text).where(rp.created_at >= start).limit(5000)).all()
        open_reports = s.scalar(select(func.count()).select_from(rp).where(rp.status == "open"))
        flagged = s.scalar(
            select(func.count())
            .select_from(am.SpamSender)
            .where(am.SpamSender.status != r.SenderStatus.CLEAR.value)
        )

    def per_day(values: Iterable[datetime | None]) -> Counter[date]:
        return Counter(v.astimezone(OPERATOR_TZ).date() for v in values if v is not None)

    made, done = per_day(created), per_day(handled)
    series = [first + timedelta(days=i) for i in range(days)]
    return Statistics(
        [DayStats(d, made[d], done[d]) for d in series],
        top_keywords(texts),
        int(open_reports or 0),
        int(flagged or 0),
    )


_STOP_WORDS = (
    "the and you your for are with this that have has from not but can will our now get "
    "free call txt text reply send www com http https 我们 您的 你的 一个 可以 如果 没有 "
    "就是 这个 什么 已经 还是 现在 今天 进行 以及 或者 回复 中国移动"
)
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z]{3,}|[\u4e00-\u9fff]{2,}")


@lru_cache(maxsize=1)
def _jieba() -> Any:
    # jieba is slow to import and only the statistics page needs it: imported on first use
    import jieba  # type: ignore[import-untyped]

    jieba.setLogLevel(logging.WARNING)
    return jieba


def top_keywords(texts: Iterable[str], n: int = 10) -> list[tuple[str, int]]:
    """The words found in the most texts (jieba for Chinese), common words left out."""
    seen: Counter[str] = Counter()
    cut = _jieba().lcut
    for text in texts:
        words = {
            w
            for token in cut(r.normalise_text(text))
            for w in _WORD.findall(token)
            if w == token and w not in _STOP
        }
        seen.update(words)
    return seen.most_common(n)
