"""What the simulated SMSC stores: MO messages with their delivery attempts, received submit_sm."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from smpplib import consts


def text_of(value: Any) -> str:
    """smpplib parses C-octet strings as bytes; make them str."""
    return value.decode("latin-1") if isinstance(value, bytes) else (value or "")


def _decode(short_message: bytes, data_coding: int, esm_class: int) -> str:
    body = short_message
    if esm_class & 0x40 and body:
        body = body[1 + body[0] :]
    if data_coding == consts.SMPP_ENCODING_ISO10646:
        return body.decode("utf-16-be", errors="replace")
    return body.decode("latin-1")


def encode_text(text: str, data_coding: int) -> bytes:
    if data_coding == consts.SMPP_ENCODING_ISO10646:
        return text.encode("utf-16-be")
    return text.encode("latin-1")


@dataclass
class SubmittedSm:
    """One ``submit_sm`` received from an ESME."""

    source_addr: str
    destination_addr: str
    data_coding: int
    esm_class: int
    short_message: bytes
    message_id: str
    system_id: str

    @property
    def text(self) -> str:
        """The decoded text (UDH stripped)."""
        return _decode(self.short_message, self.data_coding, self.esm_class)

    @property
    def udh(self) -> bytes:
        """The user data header, empty if none."""
        if self.esm_class & 0x40 and self.short_message:
            return self.short_message[: 1 + self.short_message[0]]
        return b""


@dataclass
class MoRecord:
    """One MO message in the SMSC's store and the fate of each delivery attempt."""

    mo_id: int
    sender: str
    recipient: str
    short_message: bytes
    data_coding: int = 0
    esm_class: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
    """deliver_sm sent so far."""
    statuses: list[int | None] = field(default_factory=list)
    """deliver_sm_resp status per attempt (None: no answer / link lost)."""
    answered_at: list[float] = field(default_factory=list)
    """time.monotonic() at which each deliver_sm_resp arrived."""
    delivered: threading.Event = field(default_factory=threading.Event)
    failed: bool = False

    @property
    def finished(self) -> bool:
        return self.delivered.is_set() or self.failed
