"""The 10086999 reporting platform: reports by SMS, API or click, acknowledged by SMS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import antispam_rules as r
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_, render
from telcare.domain.msisdn import normalise_msisdn
from telcare.services import lookups
from telcare.services.antispam.classifier import current_classifier
from telcare.services.antispam.common import _now, _retry
from telcare.services.antispam.delivery import _quarantined
from telcare.services.antispam.flags import _evaluate
from telcare.services.notify import queue_sms
from telcare.store import antispam_models as am
from telcare.store import models as m
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class ReportResult:
    """A stored report; ``duplicate`` when the same reporter already reported the same text."""

    report_id: int
    sender: str
    duplicate: bool
    status: str
    outcome: str | None


def _language(session: Session, msisdn: str) -> str:
    lang = session.scalar(select(m.Subscriber.language).where(m.Subscriber.msisdn == msisdn))
    return lang or "zh"


def _report(
    s: Session,
    reporter: str,
    text: str,
    sender: str | None,
    channel: str,
    when: datetime,
    score: float | None = None,
) -> ReportResult:
    lookups.subscriber(s, reporter)
    digest = r.fingerprint(text)
    if sender is None:
        sender = (
            s.scalar(
                select(am.SpamMessage.sender)
                .where(am.SpamMessage.recipient == reporter, am.SpamMessage.text_hash == digest)
                .order_by(am.SpamMessage.created_at.desc(), am.SpamMessage.id.desc())
                .limit(1)
            )
            or ""
        )
    else:
        sender = r.sender_number(sender)
    old = s.scalar(
        select(am.SpamReport).where(
            am.SpamReport.reporter == reporter,
            am.SpamReport.sender == sender,
            am.SpamReport.text_hash == digest,
        )
    )
    if old is not None:
        return ReportResult(old.id, sender, True, old.status, old.outcome)
    row = am.SpamReport(
        reporter=reporter,
        sender=sender,
        text=text,
        text_hash=digest,
        score=score if score is not None else current_classifier().score(text),
        channel=channel,
        status="open",
        created_at=when,
    )
    s.add(row)
    s.flush()
    lang = _language(s, reporter)
    ack = render("antispam.ack", lang, sender=sender) if sender else None
    queue_sms(
        s,
        reporter,
        ack or render("antispam.ack_unmatched", lang),
        dedupe_key=f"antispam:ack:{row.id}",
        sender=r.REPORT_NUMBER,
        now=when,
    )
    if sender:
        _evaluate(s, sender, when)
    return ReportResult(row.id, sender, False, row.status, row.outcome)


def report(
    db: Database,
    reporter: str,
    text: str,
    *,
    sender: str | None = None,
    channel: str = "api",
    now: datetime | None = None,
) -> ReportResult:
    """Report ``text`` as spam; without ``sender`` it is matched to the last message the
    reporter received with that text. Acknowledged by SMS; may flag the sender."""
    number = normalise_msisdn(reporter)
    body = r.storable(text)
    if not body:
        raise InvalidInput(N_("antispam.report_empty"))
    return _retry(db, lambda s: _report(s, number, body, sender, channel, _now(now)))


def report_quarantined(
    db: Database, msisdn: str, message_id: str, *, now: datetime | None = None
) -> ReportResult:
    """One click in the quarantine box: report the held message."""
    number = normalise_msisdn(msisdn)
    when = _now(now)

    def work(s: Session) -> ReportResult:
        row = _quarantined(s, number, message_id)
        row.reported_at = row.reported_at or when
        return _report(s, number, row.text, row.sender, "click", when, row.score)

    return _retry(db, work)
