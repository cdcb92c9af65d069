"""The two SMS shapes that every SMS adapter (CLI, HTTP, SMPP) exchanges with the dispatcher."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MoMessage:
    """A mobile-originated SMS: a subscriber (``sender``) writes to a service number."""

    sender: str
    recipient: str
    text: str
    message_id: str | None = None  # the SMSC's id; makes redeliveries idempotent


@dataclass(frozen=True, slots=True)
class MtMessage:
    """A mobile-terminated SMS: a service number (``sender``) writes to a subscriber.

    ``text`` is the whole message, however long: the SMPP adapter sends it as one SMS or
    as concatenated parts (GSM 03.38: 160 / 153 per part; UCS-2: 70 / 67) that a phone
    shows as one. Several messages are sent in order.
    """

    sender: str
    recipient: str
    text: str
    message_id: str | None = field(default=None, compare=False)
    """The MO this replies to (its log id), so one id follows an SMS from MO to MT."""


MoHandler = Callable[[MoMessage], Sequence[MtMessage]]
"""Handles one MO in its own committed transaction and returns the replies to send."""
