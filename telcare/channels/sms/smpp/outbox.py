"""Outbound MT: the reply queue, the submit_sm window, resends after throttling or link loss."""

from __future__ import annotations

import collections
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from smpplib import exceptions, smpp

from telcare.channels.sms.messages import MtMessage
from telcare.channels.sms.smpp.client import SmppClient
from telcare.channels.sms.smpp.pdu import (
    ESM_UDHI,
    ESME_RMSGQFUL,
    ESME_ROK,
    ESME_RTHROTTLED,
    encode_text,
    text_of,
)
from telcare.ops import logs
from telcare.ops.metrics import SMPP_ERRORS

logger = logging.getLogger(__name__)

_TRANSIENT_SUBMIT_ERRORS = frozenset({ESME_RTHROTTLED, ESME_RMSGQFUL})


class Outbox:
    """MT messages waiting for a bound session, and those sent but not yet acknowledged.

    At most ``window`` submit_sm are unacknowledged at a time. A throttled submit goes to the
    back of the queue; after a link loss the unacknowledged ones go back to its head (at-least-
    once). Messages are queued from any thread; everything else runs on the gateway's loop.
    """

    def __init__(
        self, window: int, allow_default_alphabet: bool, addressing: Mapping[str, int]
    ) -> None:
        self.window = window
        self.allow_default_alphabet_mt = allow_default_alphabet
        self._addr = dict(addressing)
        self._outbox: collections.deque[MtMessage] = collections.deque()
        self._inflight: dict[int, MtMessage] = {}

    def append(self, message: MtMessage) -> None:
        """Queue one MT message (thread-safe)."""
        self._outbox.append(message)

    def extend(self, messages: Iterable[MtMessage]) -> None:
        """Queue MT messages in order."""
        self._outbox.extend(messages)

    @property
    def queued(self) -> int:
        """MT messages not sent yet."""
        return len(self._outbox)

    @property
    def pending(self) -> int:
        """MT messages queued or still awaiting their submit_sm_resp."""
        return len(self._outbox) + len(set(map(id, list(self._inflight.values()))))

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing awaiting a response."""
        return not self._inflight and not self._outbox

    def flush(self, client: SmppClient) -> None:
        """Send queued messages as submit_sm while the window has room."""
        while self._outbox and len(self._inflight) < self.window:
            message = self._outbox.popleft()
            try:
                for pdu in self._submit_pdus(client, message):
                    self._inflight[pdu.sequence] = message
                    client.send_pdu(pdu)
                with logs.bound(message_id=message.message_id or ""):
                    logger.info("sms.mt submitted to %s", message.recipient)
            except exceptions.ConnectionError:
                self._outbox.appendleft(message)
                raise

    def _submit_pdus(self, client: SmppClient, message: MtMessage) -> list[Any]:
        data_coding, parts = encode_text(message.text, self.allow_default_alphabet_mt)
        esm_class = ESM_UDHI if len(parts) > 1 else 0
        return [
            smpp.make_pdu(
                "submit_sm",
                client=client,
                source_addr=message.sender,
                destination_addr=message.recipient,
                esm_class=esm_class,
                data_coding=data_coding,
                short_message=part,
                **self._addr,
            )
            for part in parts
        ]

    def on_submit_resp(self, pdu: Any) -> None:
        """A submit_sm_resp: the message is done, or failed with the response's status."""
        if pdu.status != ESME_ROK:
            SMPP_ERRORS.labels("submit_sm", f"0x{pdu.status:08x}").inc()
            self.inflight_failed(pdu.sequence, pdu.status)
            return
        message = self._inflight.pop(pdu.sequence, None)
        if message is not None:
            logger.debug("MT to %s accepted as %s", message.recipient, text_of(pdu.message_id))

    def inflight_failed(self, sequence: int, status: int) -> None:
        """The submit_sm ``sequence`` was refused: queue it again if the refusal is transient."""
        message = self._inflight.pop(sequence, None)
        if message is None:
            return
        if status in _TRANSIENT_SUBMIT_ERRORS:
            logger.warning("MT to %s throttled (0x%x); queued again", message.recipient, status)
            self._outbox.append(message)
        else:
            logger.error("MT to %s rejected by SMSC with status 0x%x", message.recipient, status)

    def requeue_inflight(self) -> None:
        """After a link loss, unacknowledged MT go back to the head of the queue, in order."""
        pending: list[MtMessage] = []
        for _, message in sorted(self._inflight.items()):
            if not pending or pending[-1] is not message:  # one entry per multi-part message
                pending.append(message)
        self._inflight.clear()
        self._outbox.extendleft(reversed(pending))
