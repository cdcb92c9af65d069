"""Sender standing around the firewall: registered enterprise senders, the staff review
queue of restricted senders, a sender's appeal, and the feed of firewall decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import antispam_rules as r
from telcare.domain.errors import Conflict, InvalidInput, NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.services.antispam.common import _now, _retry
from telcare.services.antispam.flags import _audit
from telcare.store import antispam_models as am
from telcare.store.uow import Database

MAX_APPEAL = 500


@dataclass(frozen=True, slots=True)
class Enterprise:
    sender: str
    name: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A flagged or restricted sender awaiting a staff decision."""

    sender: str
    kind: str
    status: str
    reason: str | None
    flagged_at: datetime | None
    flagged_by: str | None
    appeal: str | None
    """The sender's appeal text, when one came after the flag."""


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """One firewall decision, as the staff console lists it."""

    message_id: str
    sender: str
    recipient: str
    text: str
    action: str
    reason: str
    detail: str
    score: float | None
    p2p: bool
    created_at: datetime


def register_enterprise(
    db: Database, sender: str, name: str, *, staff: str, now: datetime | None = None
) -> None:
    """Whitelist a registered enterprise sender (its texts and volume are not judged)."""
    source = r.sender_number(sender)
    check_plain(name)
    label = name.strip()[:60]
    if not label:
        raise InvalidInput(N_("antispam.enterprise_name"))
    when = _now(now)

    def work(s: Session) -> None:
        if s.get(am.SpamEnterpriseSender, source) is not None:
            raise Conflict(N_("antispam.enterprise_exists"), sender=source)
        s.add(am.SpamEnterpriseSender(sender=source, name=label, created_at=when, created_by=staff))
        _audit(s, source, "enterprise_add", staff, when, name=label)

    _retry(db, work)


def remove_enterprise(
    db: Database, sender: str, *, staff: str, now: datetime | None = None
) -> None:
    """Take a sender off the enterprise whitelist."""
    source = r.sender_number(sender)
    when = _now(now)
    with db.uow() as uow:
        row = uow.session.get(am.SpamEnterpriseSender, source)
        if row is None:
            raise NotFound(N_("antispam.sender_unknown"))
        uow.session.delete(row)
        _audit(uow.session, source, "enterprise_remove", staff, when)
        uow.commit()


def enterprises(db: Database) -> list[Enterprise]:
    """The registered enterprise senders, by number."""
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(am.SpamEnterpriseSender).order_by(am.SpamEnterpriseSender.sender)
        ).all()
        return [Enterprise(e.sender, e.name, e.created_at, e.created_by) for e in rows]


def appeal(db: Database, sender: str, text: str, *, now: datetime | None = None) -> None:
    """A restricted (or flagged) sender asks for a review; it goes to the top of the queue."""
    source = r.sender_number(sender)
    check_plain(text)
    body = r.storable(text)[:MAX_APPEAL]
    when = _now(now)
    with db.uow() as uow:
        standing = uow.session.get(am.SpamSender, source)
        if standing is None or standing.status == r.SenderStatus.CLEAR.value:
            raise Conflict(N_("antispam.not_flagged"), sender=source)
        _audit(uow.session, source, "appeal", source, when, text=body)
        uow.commit()


def review_queue(db: Database, *, limit: int = 100) -> list[ReviewItem]:
    """Flagged and restricted senders not yet confirmed by staff since their flag (or with
    an appeal after the last confirmation); appeals first, then the newest flags."""
    with db.uow() as uow:
        s = uow.session
        standings = s.scalars(
            select(am.SpamSender)
            .where(am.SpamSender.status != r.SenderStatus.CLEAR.value)
            .order_by(am.SpamSender.flagged_at.desc())
            .limit(limit * 4)
        ).all()
        items: list[ReviewItem] = []
        for st in standings:
            trail = s.execute(
                select(am.SpamAction.action, am.SpamAction.detail, am.SpamAction.created_at)
                .where(
                    am.SpamAction.sender == st.sender,
                    am.SpamAction.action.in_(("confirm", "appeal")),
                )
                .order_by(am.SpamAction.created_at, am.SpamAction.id)
            ).all()
            since = st.flagged_at
            confirmed = any(a == "confirm" and since and at >= since for a, _, at in trail)
            last = trail[-1] if trail else None
            appeal_text = (
                str(last[1].get("text", "")) if last is not None and last[0] == "appeal" else None
            )
            if confirmed and appeal_text is None:
                continue
            items.append(
                ReviewItem(
                    st.sender,
                    st.kind,
                    st.status,
                    st.reason,
                    st.flagged_at,
                    st.flagged_by,
                    appeal_text,
                )
            )
        items.sort(key=lambda i: i.appeal is None)
        return items[:limit]


def confirm(db: Database, sender: str, *, staff: str, now: datetime | None = None) -> None:
    """Staff keep the flag after review: the sender leaves the queue (until it appeals)."""
    source = r.sender_number(sender)
    when = _now(now)
    with db.uow() as uow:
        standing = uow.session.get(am.SpamSender, source)
        if standing is None or standing.status == r.SenderStatus.CLEAR.value:
            raise Conflict(N_("antispam.not_flagged"), sender=source)
        _audit(uow.session, source, "confirm", staff, when)
        uow.commit()


def decisions(
    db: Database,
    *,
    action: str | None = None,
    reason: str | None = None,
    sender: str | None = None,
    recipient: str | None = None,
    p2p: bool | None = None,
    limit: int = 100,
) -> list[DecisionRow]:
    """The firewall's decisions, newest first, filtered by any of the given fields."""
    query = select(am.SpamMessage)
    if action:
        query = query.where(am.SpamMessage.action == action)
    if reason:
        query = query.where(am.SpamMessage.reason == reason)
    if sender:
        query = query.where(am.SpamMessage.sender == r.sender_number(sender))
    if recipient:
        query = query.where(am.SpamMessage.recipient == r.sender_number(recipient))
    if p2p is not None:
        query = query.where(am.SpamMessage.p2p.is_(p2p))
    query = query.order_by(am.SpamMessage.created_at.desc(), am.SpamMessage.id.desc())
    with db.uow() as uow:
        rows = uow.session.scalars(query.limit(max(1, min(limit, 500)))).all()
        return [
            DecisionRow(
                x.message_id,
                x.sender,
                x.recipient,
                x.text,
                x.action,
                x.reason,
                x.detail,
                x.score,
                x.p2p,
                x.created_at,
            )
            for x in rows
        ]
