"""The SMS firewall: a subscriber's SMS to another subscriber, judged before delivery.

Order (see :func:`telcare.domain.antispam_rules.decide`): the sender's restriction, the
recipient's allow and block lists and keywords, registered enterprise senders, the sender's
standing, then the classifier. The sender's behaviour in the last hour (distinct recipients,
near-identical texts by MinHash, a new line sending in bulk; thresholds in
:class:`telcare.domain.sender_standing.StandingPolicy`) is counted first and may restrict the
sender on the spot. Every decision is a :class:`~telcare.store.antispam_models.SpamMessage`
row with its reason; a held message is in the recipient's quarantine box.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import antispam_rules as r
from telcare.domain import sender_standing as st
from telcare.domain.msisdn import normalise_msisdn
from telcare.ops.metrics import SMS_FIREWALL
from telcare.services import lookups
from telcare.services.antispam.common import _now, _retry, _sender_status
from telcare.services.antispam.delivery import judge
from telcare.services.antispam.flags import SYSTEM, _flag
from telcare.store import antispam_models as am
from telcare.store import models as m
from telcare.store.uow import Database

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 64
"""MinHash permutations: a Jaccard estimate within about ±0.06."""


@functools.cache
def _template() -> MinHash:
    """The ``MinHash`` whose permutations :func:`signatures` applies, drawn once;
    datasketch is imported on first use (about a second at start-up)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


@dataclass(frozen=True, slots=True)
class P2PResult:
    """The firewall's decision on one person-to-person SMS."""

    decision: r.Decision
    sender: str
    recipient: str
    text: str
    restricted_now: st.BehaviourReason | None = None
    """Set when this message's behaviour restricted the sender."""


_MIX = (np.uint32(0x9E3779B1), np.uint32(0x85EBCA77))


def signatures(texts: list[str]) -> np.ndarray:
    """The MinHash signatures (``len(texts)`` × :data:`NUM_PERM`, uint32) of the texts'
    character 3-shingles (:func:`telcare.domain.sender_standing.shingles`), in one numpy
    pass over the batch.

    A shingle's code points ``c0 c1 c2`` hash to ``c0·K1 + c1·K2 + c2 (mod 2³²)``; the
    values are then exactly those of a ``datasketch.MinHash(num_perm=NUM_PERM, seed=1)``
    updated with those hashes (a property test pins this): datasketch's permutations and
    mixing, applied to every shingle of the batch at once instead of per text."""
    from datasketch.minhash import _fmix

    a, b = _template().permutations
    norms = [st.shingle_text(t).ljust(3, "\0") for t in texts]
    lengths = np.fromiter(map(len, norms), dtype=np.int64, count=len(norms))
    points = np.frombuffer("".join(norms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    with np.errstate(over="ignore"):
        hv = points[:-2] * _MIX[0] + points[1:-1] * _MIX[1] + points[2:]
        ends = np.cumsum(lengths)
        keep = np.ones(len(points), dtype=bool)
        keep[ends - 1] = keep[ends - 2] = False  # shingles running into the next text
        hv = hv[keep[:-2]]
        permuted = a[:, None] * _fmix(hv, 32) + b[:, None]  # wraps modulo 2**32, as datasketch's
    starts = np.concatenate(([0], np.cumsum(lengths - 2)[:-1]))
    return np.minimum.reduceat(permuted, starts, axis=1).T.astype(np.uint32, order="C")


def signature(text: str) -> np.ndarray:
    """The MinHash signature (uint32) of ``text``'s character 3-shingles."""
    return signatures([text])[0]


def activity(
    s: Session,
    sender: str,
    recipient: str,
    sig: np.ndarray,
    when: datetime,
    policy: st.StandingPolicy,
) -> st.Activity:
    """What ``sender`` did within the policy's window, counting this message (a restriction
    lifted by staff starts the count afresh)."""
    since = when - policy.window
    lifted = s.scalar(select(am.SpamSender.lifted_at).where(am.SpamSender.sender == sender))
    if lifted is not None:
        since = max(since, lifted)
    rows = s.execute(
        select(am.SpamMessage.recipient, am.SpamMessage.minhash).where(
            am.SpamMessage.sender == sender,
            am.SpamMessage.p2p.is_(True),
            am.SpamMessage.created_at >= since,
        )
    ).all()
    recipients = {recipient, *(row[0] for row in rows)}
    same = {recipient}
    signed = [(to, blob) for to, blob in rows if blob]
    if signed:
        sigs = np.frombuffer(b"".join(blob for _, blob in signed), dtype=np.uint32)
        sim = (sigs.reshape(len(signed), NUM_PERM) == sig).mean(axis=1)
        same.update(to for (to, _), x in zip(signed, sim, strict=True) if x >= policy.similarity)
    line = s.scalar(select(m.Subscriber.created_at).where(m.Subscriber.msisdn == sender))
    age = (when - line).days if line is not None else None
    return st.Activity(len(recipients), len(same), age)


def deliver_p2p(
    db: Database,
    sender: str,
    recipient: str,
    text: str,
    *,
    message_id: str,
    now: datetime | None = None,
    policy: st.StandingPolicy = st.DEFAULT_POLICY,
) -> P2PResult:
    """Judge one SMS from ``sender`` to the subscriber ``recipient`` and record it.

    Idempotent on ``message_id``: a redelivery returns the first decision.
    """
    number = normalise_msisdn(recipient)
    source = r.sender_number(sender)
    body = r.storable(text)
    when = _now(now)
    sig = signature(body)

    def work(s: Session) -> P2PResult:
        old = s.scalar(select(am.SpamMessage).where(am.SpamMessage.message_id == message_id))
        if old is not None:
            decision = r.Decision(r.Action(old.action), r.Reason(old.reason), old.score, old.detail)
            return P2PResult(decision, old.sender, old.recipient, old.text)
        lookups.subscriber(s, number)
        enterprise = s.get(am.SpamEnterpriseSender, source) is not None
        status = _sender_status(s, source)
        restricted_now = None
        if not enterprise and status is r.SenderStatus.CLEAR:
            seen = activity(s, source, number, sig, when, policy)
            restricted_now = st.behaviour_verdict(seen, policy)
            if restricted_now is not None:
                evidence = {
                    "behaviour": restricted_now.value,
                    "recipients": seen.recipients,
                    "same_text_recipients": seen.same_text_recipients,
                    "line_age_days": seen.line_age_days,
                }
                status = r.SenderStatus(
                    _flag(s, source, r.FlagReason.BEHAVIOUR, SYSTEM, when, evidence).status
                )

        decision = judge(
            s, message_id, source, number, body, status, when,
            enterprise=enterprise, p2p=True, minhash=sig.tobytes(),
        )  # fmt: skip
        return P2PResult(decision, source, number, body, restricted_now)

    result = _retry(db, work)
    SMS_FIREWALL.labels(result.decision.action.value, result.decision.reason.value).inc()
    return result
