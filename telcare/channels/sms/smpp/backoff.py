"""Capped, jittered exponential back-off (reconnects, retries, throttling)."""

from __future__ import annotations

import random


class Backoff:
    """Exponential back-off, capped, with jitter: attempt n waits ~initial·factorⁿ ≤ maximum."""

    def __init__(
        self, initial: float = 0.5, maximum: float = 30.0, factor: float = 2.0, jitter: float = 0.5
    ) -> None:
        self.initial, self.maximum, self.factor, self.jitter = initial, maximum, factor, jitter
        self.attempt = 0

    def next_delay(self) -> float:
        """The next wait, in seconds: uniform in [(1 - jitter)·d, d], d the capped delay."""
        delay = min(self.maximum, self.initial * self.factor**self.attempt)
        self.attempt += 1
        return delay * (1.0 - self.jitter * random.random())

    def reset(self) -> None:
        self.attempt = 0
