"""The SMPP client: smpplib's, with the MO acknowledgement written only after the handler ran."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from smpplib import client as smpp_client
from smpplib import smpp


class LinkError(Exception):
    """The SMPP session is unusable (closed, unbound, or not answering)."""


class SmppClient(smpp_client.Client):  # type: ignore[misc]
    """smpplib's client with the MO acknowledgement explicitly ordered after the handler.

    smpplib's ``Client._message_received`` calls ``message_received_handler`` and then writes
    ``deliver_sm_resp`` with the status it returned, so the order is right for a handler that
    returns; but if the handler raises, no response is written at all and the exception
    escapes ``read_once``/``listen``, tearing the session down and leaving the SMSC to time the
    MO out. We override it so that the gateway processes the MO first (handler run, effect
    committed, replies queued), then the response carries ``ESME_ROK`` or, on failure, a
    temporary error so the SMSC retries. The gateway dispatches PDUs itself instead of using
    ``read_once``, which ignores an SMSC ``unbind`` and raises on error responses.
    """

    def __init__(
        self, on_deliver_sm: Callable[[Any], int], host: str, port: int, timeout: float
    ) -> None:
        super().__init__(
            host,
            port,
            timeout=timeout,
            logger_name=__name__,
            allow_unknown_opt_params=True,
        )
        self._on_deliver_sm = on_deliver_sm
        self.last_rx = time.monotonic()

    def read_pdu(self) -> Any:
        pdu = super().read_pdu()
        self.last_rx = time.monotonic()
        return pdu

    def _message_received(self, pdu: Any) -> None:
        status = self._on_deliver_sm(pdu)  # returns once the handler finished
        resp = smpp.make_pdu("deliver_sm_resp", client=self, status=status)
        resp.sequence = pdu.sequence
        self.send_pdu(resp)

    @property
    def sock(self) -> socket.socket | None:
        return self._socket  # type: ignore[no-any-return]
