"""Closing the quality loop (PDCA): what opens an improvement action, its due date and
owner, escalation when overdue, verification by the next month's figure; incidents and
the accountability of major complaints; monthly quality meetings. Pure rules.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from telcare.domain import quality as q
from telcare.domain.errors import InvalidInput


class Source(enum.StrEnum):
    INDICATOR = "indicator"  # an indicator missed its target
    STANDARD = "standard"  # a basic service standard failed
    COMPLAINT = "complaint"  # a major complaint
    INCIDENT = "incident"
    MEETING = "meeting"  # raised by a quality meeting
    DISCIPLINE = "discipline"  # an upheld discipline case


class Status(enum.StrEnum):
    OPEN = "open"  # planned, being carried out (Plan, Do)
    DONE = "done"  # evidence given, waiting for the next month's figure (Check)
    CLOSED = "closed"  # verified (Act)


DAYS_TO_ACT = {
    Source.INDICATOR: 30,
    Source.STANDARD: 30,
    Source.COMPLAINT: 15,
    Source.INCIDENT: 15,
    Source.MEETING: 30,
    Source.DISCIPLINE: 30,
}
ESCALATE_EVERY = timedelta(days=7)
ESCALATION_TO = ("", "省公司分管领导 / provincial head", "总部客户服务部 / headquarters")
"""Who an overdue action is escalated to, by level (1: the province's head, 2: HQ)."""
MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Miss:
    """A figure that missed: what opens an action (``ref`` makes opening idempotent)."""

    source: Source
    province: str
    month: str
    indicator: str
    title_zh: str
    title_en: str
    department: str
    value: float | None
    target: float | None

    @property
    def ref(self) -> str:
        code = self.title_en.split(" ", 1)[0] if self.source is Source.STANDARD else self.indicator
        return f"{self.source.value}:{code}:{self.province}:{self.month}"


def due_on(source: Source, opened: date) -> date:
    return opened + timedelta(days=DAYS_TO_ACT[source])


def misses(province: str, month: str, figures: Iterable[q.Figure]) -> list[Miss]:
    """The failed standards and the indicators off target of one province and month
    (no data opens nothing: there is nothing to act on)."""
    figs = [f for f in figures if not f.dim]
    out: list[Miss] = []
    for r in q.check_standards(figs):
        if r.outcome is q.Outcome.FAIL:
            owner = q.BY_CODE[r.standard.indicator].owner
            out.append(Miss(Source.STANDARD, province, month, r.standard.indicator,
                            f"{r.standard.code} {r.standard.name_zh}未达标",
                            f"{r.standard.code} {r.standard.name_en}: failed",
                            owner, r.value, r.standard.threshold))  # fmt: skip
    standards = {s.indicator for s in q.STANDARDS}
    for f in figs:
        found = q.BY_CODE.get(f.code)
        if found is None or found.code in standards or found.meets_target(f.value) is not False:
            continue
        ind = found
        out.append(Miss(Source.INDICATOR, province, month, ind.code,
                        f"{ind.name_zh}未达目标", f"{ind.name_en}: off target",
                        ind.owner, f.value, ind.target))  # fmt: skip
    return out


class Verdict(enum.StrEnum):
    MET = "met"  # the next month's figure meets the target: close
    MISSED = "missed"  # still missed: the action goes back to open
    NO_DATA = "no_data"  # nothing to judge yet: wait


def verdict(indicator: str, value: float | None, threshold: float | None = None) -> Verdict:
    """Judge the next month's ``value`` of ``indicator`` (against ``threshold`` when the
    action came from a standard, else the indicator's target)."""
    ind = q.BY_CODE[indicator]
    if value is None:
        return Verdict.NO_DATA
    limit = ind.target if threshold is None else threshold
    if limit is None:
        return Verdict.NO_DATA
    ok = value >= limit if ind.direction is q.Direction.HIGHER else value <= limit
    return Verdict.MET if ok else Verdict.MISSED


def escalation(status: Status, due: date, today: date, level: int, last: date | None) -> int:
    """The escalation level an action should now have (unchanged when nothing is due):
    one level up when overdue, again each ``ESCALATE_EVERY`` while it stays overdue."""
    if status is Status.CLOSED or today <= due or level >= len(ESCALATION_TO) - 1:
        return level
    if last is not None and today - last < ESCALATE_EVERY:
        return level
    return level + 1


def text(value: str, key: str, *, required: bool = True) -> str:
    """A trimmed free text (plan, evidence, impact …), 1..MAX_TEXT characters."""
    value = (value or "").strip()
    if (required and not value) or len(value) > MAX_TEXT or "\x00" in value:
        raise InvalidInput(key, limit=MAX_TEXT)
    return value


def names(values: Iterable[str], key: str) -> list[str]:
    """Attendees or decisions: trimmed, non-empty, at least one."""
    out = [v.strip() for v in values if v and v.strip()]
    if not out or any(len(v) > 200 for v in out):
        raise InvalidInput(key, limit=200)
    return out
