"""Inbound MO: each deliver_sm filtered by service number, reassembled, decoded and handled."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from telcare.channels.sms.messages import MoHandler, MoMessage, MtMessage
from telcare.channels.sms.smpp.pdu import (
    ESM_MESSAGE_TYPE,
    ESM_UDHI,
    ESME_RINVDSTADR,
    ESME_ROK,
    ESME_RX_P_APPN,
    ESME_RX_T_APPN,
    Concat,
    decode_short_message,
    normalise_address,
    split_udh,
    text_of,
)

logger = logging.getLogger(__name__)

ReceiptHandler = Callable[[str, str], None]
"""Called with ``(message_id, state)`` for each delivery receipt; state is the receipt's
``stat`` (DELIVRD, UNDELIV, EXPIRED, REJECTD, ...)."""

_RECEIPT = re.compile(rb"id:(?P<id>\S+).*?stat:(?P<stat>[A-Z]+)", re.DOTALL | re.IGNORECASE)
# message_state TLV (SMPP 3.4 §5.2.28) -> the receipt text's stat
_STATES = {
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
}

DEFAULT_SERVICE_NUMBERS = frozenset(
    {"10086", "10086999", "10086700", "1066*", *(f"1{d}*" for d in "3456789")}
)
"""Self-service, spam reports, survey replies, every SP access code (``*`` = prefix) and
mobile numbers (a subscriber's SMS to another, judged by the SMS firewall)."""


@dataclass
class _Partial:
    total: int
    data_coding: int
    parts: dict[int, bytes] = field(default_factory=dict)
    first_seen: float = field(default_factory=time.monotonic)


class MoReceiver:
    """Turns a deliver_sm into one :data:`MoHandler` call, holding concatenated parts until the
    message is complete (parts older than ``concat_ttl`` seconds are dropped)."""

    def __init__(
        self,
        handler: MoHandler,
        service_numbers: Iterable[str] | None,
        default_alphabet: Literal["ascii", "gsm"],
        concat_ttl: float,
        on_receipt: ReceiptHandler | None = None,
    ) -> None:
        self.handler = handler
        self.on_receipt = on_receipt
        numbers = None if service_numbers is None else set(service_numbers)
        self._exact = None if numbers is None else {n for n in numbers if not n.endswith("*")}
        self._prefixes = () if numbers is None else tuple(n[:-1] for n in numbers if n[-1:] == "*")
        self.default_alphabet: Literal["ascii", "gsm"] = default_alphabet
        self.concat_ttl = concat_ttl
        self._partials: dict[tuple[str, str, int], _Partial] = {}

    def accepts(self, recipient: str) -> bool:
        """Whether ``recipient`` is one of our service numbers."""
        if self._exact is None:
            return True
        return recipient in self._exact or recipient.startswith(self._prefixes)

    def receive(self, pdu: Any) -> tuple[int, list[MtMessage]]:
        """Turn one deliver_sm into a handler call; return the deliver_sm_resp status and the
        replies to send (none unless the handler ran and returned)."""
        sender = normalise_address(text_of(pdu.source_addr))
        recipient = normalise_address(text_of(pdu.destination_addr))
        esm_class = pdu.esm_class or 0
        if esm_class & ESM_MESSAGE_TYPE:
            return self._receipt(pdu, sender)
        if not self.accepts(recipient):
            logger.warning("MO from %s to unknown service number %s refused", sender, recipient)
            return ESME_RINVDSTADR, []
        try:
            key, text = self._decode(pdu, sender, recipient, esm_class)
        except (IndexError, ValueError, UnicodeError, TypeError) as exc:
            logger.warning("undecodable MO from %s to %s refused: %r", sender, recipient, exc)
            return ESME_RX_P_APPN, []  # permanent: redelivering the same bytes cannot help
        if text is None:
            return ESME_ROK, []  # part kept in memory until the message is complete
        message = MoMessage(sender=sender, recipient=recipient, text=text)
        try:
            replies = list(self.handler(message))
        except Exception:
            logger.exception("MO handler failed for %s -> %s; SMSC will retry", sender, recipient)
            # the parts stay buffered so the redelivered last part completes
            return ESME_RX_T_APPN, []
        if key is not None:
            self._partials.pop(key, None)
        return ESME_ROK, replies

    def _receipt(self, pdu: Any, sender: str) -> tuple[int, list[MtMessage]]:
        body = bytes(pdu.short_message or b"")
        message_id = text_of(getattr(pdu, "receipted_message_id", None))
        state = _STATES.get(getattr(pdu, "message_state", None) or 0, "")
        found = _RECEIPT.search(body)
        if found is not None:
            message_id = message_id or found["id"].decode("latin-1")
            state = state or found["stat"].decode("latin-1").upper()
        logger.info("delivery receipt from %s for message %s: %s", sender, message_id, state)
        if self.on_receipt is not None and message_id and state:
            try:
                self.on_receipt(message_id, state)
            except Exception:  # a receipt is information: never refuse it
                logger.exception("recording the receipt for %s failed", message_id)
        return ESME_ROK, []

    def _decode(
        self, pdu: Any, sender: str, recipient: str, esm_class: int
    ) -> tuple[tuple[str, str, int] | None, str | None]:
        """The reassembly key (for a concatenated MO) and the text, None while parts are missing.

        Raises on a user data header that does not fit the message.
        """
        raw = bytes(pdu.short_message or getattr(pdu, "message_payload", None) or b"")
        data_coding = pdu.data_coding or 0
        concat: Concat | None = None
        if esm_class & ESM_UDHI:
            concat, raw = split_udh(raw)
        elif getattr(pdu, "sar_total_segments", None):
            concat = Concat(
                pdu.sar_msg_ref_num or 0, pdu.sar_total_segments, pdu.sar_segment_seqnum or 0
            )
        key: tuple[str, str, int] | None = None
        if concat is not None and concat.total > 1:
            if not 1 <= concat.seq <= concat.total:
                raise ValueError(f"part {concat.seq} of {concat.total}")
            key = (sender, recipient, concat.ref)
            raw_full = self._collect_part(key, concat, data_coding, raw)
            if raw_full is None:
                return key, None
            raw = raw_full
        return key, decode_short_message(raw, data_coding, self.default_alphabet)

    def _collect_part(
        self, key: tuple[str, str, int], concat: Concat, data_coding: int, body: bytes
    ) -> bytes | None:
        now = time.monotonic()
        for stale in [k for k, p in self._partials.items() if now - p.first_seen > self.concat_ttl]:
            logger.warning("dropping incomplete concatenated MO %s", stale)
            del self._partials[stale]
        partial = self._partials.get(key)
        if partial is None or partial.total != concat.total:
            partial = self._partials[key] = _Partial(concat.total, data_coding)
        partial.parts[concat.seq] = body
        if len(partial.parts) < partial.total:
            return None
        return b"".join(partial.parts[i] for i in sorted(partial.parts))
