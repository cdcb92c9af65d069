"""The SMPP client: smpplib's, with the MO acknowledgement written only after the handler ran,
its own framing (bad PDUs become :class:`BadPdu`, not a dead session) and TCP_NODELAY."""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable
from typing import Any

from smpplib import client as smpp_client
from smpplib import command_codes, consts, exceptions, smpp

MAX_PDU_LENGTH = 64 * 1024
"""Longer than any PDU an SMSC sends (a deliver_sm with a full message_payload is < 66 KiB)."""


class LinkError(Exception):
    """The SMPP session is unusable (closed, unbound, not answering, or its framing lost)."""


class FramingLost(LinkError):
    """A ``command_length`` no PDU can have: the byte stream cannot be followed any more."""


class BadPdu(Exception):
    """A well-framed PDU we cannot use: answer it with ``status`` and carry on."""

    def __init__(self, reason: str, status: int, sequence: int, command: str | None) -> None:
        super().__init__(reason)
        self.status, self.sequence, self.command = status, sequence, command


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

    :meth:`read_pdu` frames PDUs itself: a ``command_length`` outside 16..64 KiB loses the
    framing (:class:`LinkError`); an unknown ``command_id`` or a body smpplib cannot parse is a
    :class:`BadPdu` the gateway answers with ``generic_nack`` while the stream stays intact.
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

    def connect(self) -> None:
        super().connect()
        # a reply follows its deliver_sm_resp at once: without this, Nagle holds it ~40 ms
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def read_pdu(self) -> Any:
        (length,) = struct.unpack(">L", self._recv_exact(4))
        if not 16 <= length <= MAX_PDU_LENGTH:
            self.last_rx = time.monotonic()
            raise FramingLost(f"command_length {length} out of range: PDU framing lost")
        raw = struct.pack(">L", length) + self._recv_exact(length - 4)
        self.last_rx = time.monotonic()
        command_id, _status, sequence = struct.unpack(">LLL", raw[4:16])
        try:
            command = command_codes.get_command_name(command_id)
        except exceptions.UnknownCommandError:
            raise BadPdu(
                f"unknown command_id 0x{command_id:08x}", consts.SMPP_ESME_RINVCMDID, sequence, None
            ) from None
        try:
            pdu = smpp.parse_pdu(raw, client=self, allow_unknown_opt_params=True)
        except Exception as exc:  # smpplib raises struct.error, IndexError, ValueError, ...
            raise BadPdu(
                f"malformed {command} ({length} bytes): {exc!r}",
                consts.SMPP_ESME_RINVCMDLEN,
                sequence,
                command,
            ) from exc
        if not pdu.is_error() and pdu.command in consts.STATE_SETTERS:
            self.state = consts.STATE_SETTERS[pdu.command]
        return pdu

    def _message_received(self, pdu: Any) -> None:
        status = self._on_deliver_sm(pdu)  # returns once the handler finished
        resp = smpp.make_pdu("deliver_sm_resp", client=self, status=status)
        resp.sequence = pdu.sequence
        self.send_pdu(resp)

    def generic_nack(self, sequence: int, status: int) -> None:
        """Answer a PDU we cannot handle."""
        nack = smpp.make_pdu("generic_nack", client=self, status=status)
        nack.sequence = sequence
        self.send_pdu(nack)

    @property
    def sock(self) -> socket.socket | None:
        return self._socket  # type: ignore[no-any-return]
