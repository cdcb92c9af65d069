"""Throughput and latency of the SMS firewall's decision (``telcare bench firewall``).

One message's decision, as ``antispam.deliver_p2p`` makes it but without the database:
its MinHash signature, the sender's behaviour in the window (kept in memory here), the
recipient's rules, and the classifier. ``decisions_per_s`` judges batches of 1,000 (the
classifier scores a batch at once, and the MinHash signatures are
computed for the batch in one numpy pass); ``p99_ms`` is the wall-clock 99th percentile of one
message judged on its own. One thread (``threadpoolctl`` limit 1).
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict

import numpy as np
from threadpoolctl import threadpool_limits

from telcare.antispam.model import SpamModel
from telcare.benchmarks.spam import message_mix
from telcare.domain import antispam_rules as r
from telcare.domain import sender_standing as st
from telcare.services.antispam.firewall import NUM_PERM, signature, signatures

N_MESSAGES = 20_000
N_SINGLE = 2_000
BATCH = 1_000
SEED = 11
_NO_RULES = r.Rules()
_ALIKE = 0.8 * NUM_PERM  # signature positions equal: the policy's similarity


class _Window:
    """The senders' recent messages (recipients, signatures), as the window query returns them."""

    def __init__(self) -> None:
        self.to: dict[str, list[str]] = defaultdict(list)
        self.sigs: dict[str, np.ndarray] = {}

    def activity(self, sender: str, recipient: str, sig: np.ndarray) -> st.Activity:
        to = self.to[sender]
        same = {recipient}
        rows = self.sigs.get(sender)
        if rows is not None:
            alike = np.count_nonzero(rows[: len(to)] == sig, axis=1) >= _ALIKE
            same.update(to[i] for i in np.flatnonzero(alike))
        if rows is None or len(rows) == len(to):  # grow by doubling
            grown = np.empty((max(8, 2 * len(to)), NUM_PERM), dtype=np.uint32)
            if rows is not None:
                grown[: len(to)] = rows
            self.sigs[sender] = rows = grown
        rows[len(to)] = sig
        to.append(recipient)
        return st.Activity(len(set(to)), len(same), 400)


def _workload(n: int) -> list[tuple[str, str, str]]:
    rng = random.Random(SEED)
    zh, en, _ = message_mix(n)
    texts = [t for pair in zip(zh, en, strict=True) for t in pair]
    senders = [f"138{i:08d}" for i in range(2_000)]
    recipients = [f"139{i:08d}" for i in range(5_000)]
    return [(rng.choice(senders), rng.choice(recipients), t) for t in texts]


def _rules() -> dict[str, r.Rules]:
    some = r.Rules(
        allow=frozenset({"13800000001"}),
        numbers=frozenset({"13800000002"}),
        prefixes=("1700",),
        keywords=("发票", "贷款"),
    )
    return {f"139{i:08d}": some for i in range(0, 5_000, 3)}


def _judge(
    window: _Window,
    rules: dict[str, r.Rules],
    msg: tuple[str, str, str],
    score: float,
    sig: np.ndarray,
) -> r.Decision:
    sender, recipient, text = msg
    status = r.SenderStatus.CLEAR
    if st.behaviour_verdict(window.activity(sender, recipient, sig)) is not None:
        status = r.SenderStatus.RESTRICTED

    def classify(cut: float | None) -> tuple[bool, float]:
        return score >= (cut if cut is not None else 0.5), score

    return r.decide(sender, text, rules.get(recipient, _NO_RULES), classify, status)


def run(records: int = N_MESSAGES) -> dict[str, float]:
    """``decisions_per_s`` (batches) and ``p99_ms`` (one message at a time)."""
    with threadpool_limits(1):
        model = SpamModel.load()
        work = _workload(records)
        rules = _rules()
        model.scores([t for _, _, t in work[:BATCH]])  # warm-up
        window = _Window()
        t0 = time.perf_counter()
        held = 0
        for i in range(0, len(work), BATCH):
            chunk = work[i : i + BATCH]
            texts = [t for _, _, t in chunk]
            scores = model.scores(texts)
            sigs = signatures(texts)
            for msg, score, sig in zip(chunk, scores, sigs, strict=True):
                held += not _judge(window, rules, msg, float(score), sig).delivered
        elapsed = time.perf_counter() - t0
        window = _Window()
        lat = []
        for msg in work[:N_SINGLE]:
            t = time.perf_counter()
            _judge(window, rules, msg, model.score(msg[2]), signature(msg[2]))
            lat.append((time.perf_counter() - t) * 1000)
        q = statistics.quantiles(lat, n=100)
    return {
        "decisions_per_s": round(len(work) / elapsed, 1),
        "p50_ms": round(q[49], 4),
        "p99_ms": round(q[98], 4),
        "held_share": round(held / len(work), 4),
        "messages": float(len(work)),
    }
