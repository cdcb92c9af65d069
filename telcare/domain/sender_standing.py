"""A sender's standing from behaviour: when person-to-person traffic restricts a line.

Operators spot spam senders by how they send, not only by what they send: many distinct
recipients in an hour, the same (or nearly the same) text to many of them, a new line
sending in bulk, and reports to 10086999 (those flag through
:func:`telcare.domain.antispam_rules.should_flag`). The thresholds are data
(:class:`StandingPolicy`); the service layer counts, this module decides.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta


class BehaviourReason(enum.StrEnum):
    """Why behaviour restricted a sender (kept in the audit trail's ``detail``)."""

    RECIPIENTS = "recipients"
    SAME_TEXT = "same_text"
    NEW_LINE_BULK = "new_line_bulk"


@dataclass(frozen=True, slots=True)
class StandingPolicy:
    """Thresholds of automatic restriction; all counts are within :attr:`window`."""

    window: timedelta = field(default=timedelta(hours=1))
    max_recipients: int = 150
    """Distinct recipients per window from one line, whatever the texts."""
    same_text_recipients: int = 50
    """Distinct recipients of near-identical texts (similarity at least :attr:`similarity`)."""
    similarity: float = 0.8
    """Estimated Jaccard similarity of character shingles that makes two texts "the same"."""
    new_line_days: int = 30
    """A line activated fewer days ago than this is new ..."""
    new_line_recipients: int = 30
    """... and restricted from this many distinct recipients per window."""


DEFAULT_POLICY = StandingPolicy()


@dataclass(frozen=True, slots=True)
class Activity:
    """What one sender did within the policy's window, the message being judged included."""

    recipients: int
    same_text_recipients: int
    line_age_days: int | None
    """Days since the sender's line was activated (None: not our subscriber)."""


def behaviour_verdict(
    activity: Activity, policy: StandingPolicy = DEFAULT_POLICY
) -> BehaviourReason | None:
    """The reason to restrict the sender now, or None."""
    if activity.same_text_recipients >= policy.same_text_recipients:
        return BehaviourReason.SAME_TEXT
    if activity.recipients >= policy.max_recipients:
        return BehaviourReason.RECIPIENTS
    if (
        activity.line_age_days is not None
        and activity.line_age_days < policy.new_line_days
        and activity.recipients >= policy.new_line_recipients
    ):
        return BehaviourReason.NEW_LINE_BULK
    return None


_DIGITS = str.maketrans("123456789", "000000000")


def shingle_text(text: str) -> str:
    """``text`` as the near-duplicate check reads it: case, width and spacing normalised,
    every digit read as 0, so texts that differ only in numbers look the same."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split()).translate(_DIGITS)


def shingles(text: str, k: int = 3) -> list[str]:
    """Character ``k``-shingles of :func:`shingle_text`; a shorter text is one shingle,
    padded with NUL to ``k`` characters."""
    norm = shingle_text(text).ljust(k, "\0")
    return [norm[i : i + k] for i in range(len(norm) - k + 1)]
