"""SMPP 3.4 adapter: binds to an SMSC as a transceiver and feeds MO messages to the dispatcher.

One gateway owns one TCP session, driven by a single loop thread:

* ``deliver_sm`` for a service number is decoded (data_coding 0/1/3/8, concatenated parts
  reassembled) and handed to the :data:`~telcare.channels.sms.messages.MoHandler`; the
  ``deliver_sm_resp`` is written only after the handler returned, i.e. after its transaction
  committed. A raising handler is answered with ``ESME_RX_T_APPN`` so the SMSC redelivers.
* The replies are queued and sent as ``submit_sm`` (UCS-2, or data_coding 0 for plain ASCII);
  a reply whose ``submit_sm_resp`` has not arrived when the link drops is sent again after the
  next bind (at-least-once).
* ``enquire_link`` from the SMSC is answered; our own is sent when the link has been idle for
  ``enquire_link_interval`` seconds and a missing answer marks the link dead.
* Any link failure or failed bind leads to a reconnect with capped, jittered exponential
  back-off. :meth:`SmppGateway.stop` (any thread) unbinds gracefully.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import random
import select
import signal
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from smpplib import client as smpp_client
from smpplib import consts, exceptions, smpp

from telcare.channels.sms.messages import MoHandler, MoMessage, MtMessage

logger = logging.getLogger(__name__)

ESME_ROK = consts.SMPP_ESME_ROK
ESME_RINVDSTADR = consts.SMPP_ESME_RINVDSTADR
ESME_RX_T_APPN = consts.SMPP_ESME_RX_T_APPN
ESME_RTHROTTLED = consts.SMPP_ESME_RTHROTTLED
ESME_RMSGQFUL = consts.SMPP_ESME_RMSGQFUL

DEFAULT_SERVICE_NUMBERS = frozenset({"10086", "10086999", "10086700", "1066*"})
"""Self-service, spam reports, survey replies and every SP access code (``*`` = prefix)."""

_ESM_UDHI = 0x40
_ESM_MESSAGE_TYPE = 0x3C  # bits 2-5: delivery receipt, SME acks, intermediate notification
_DC_DEFAULT, _DC_IA5, _DC_LATIN1, _DC_UCS2 = 0x00, 0x01, 0x03, 0x08
_TRANSIENT_SUBMIT_ERRORS = frozenset({ESME_RTHROTTLED, ESME_RMSGQFUL})

# GSM 03.38 default alphabet (unpacked, one septet per octet) and its escape extension.
_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}
# Characters encoded identically in ASCII and in the GSM default alphabet: text made only of
# these can go out as data_coding 0 whatever the SMSC's default alphabet really is.
_DC0_SAFE = frozenset(
    " !\"#%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\r"
)


class LinkError(Exception):
    """The SMPP session is unusable (closed, unbound, or not answering)."""


# --------------------------------------------------------------------------- codecs


def decode_short_message(
    payload: bytes, data_coding: int, default_alphabet: Literal["ascii", "gsm"] = "ascii"
) -> str:
    """Decode an SMPP user-data payload (without UDH) according to ``data_coding``."""
    dc = data_coding or 0
    if 0xF0 <= dc <= 0xFF:  # GSM message-class group: bit 2 chooses 8-bit data over default
        dc = _DC_LATIN1 if dc & 0x04 else _DC_DEFAULT
    if dc == _DC_UCS2:
        if len(payload) % 2:
            payload = payload[:-1]
        return payload.decode("utf-16-be", errors="replace")
    if dc == _DC_DEFAULT and default_alphabet == "gsm":
        return _gsm_decode(payload)
    if dc in (_DC_DEFAULT, _DC_IA5, _DC_LATIN1):
        return payload.decode("latin-1")
    codec = {0x06: "iso8859-5", 0x07: "iso8859-8"}.get(dc, "latin-1")
    if codec == "latin-1":
        logger.warning("unsupported data_coding 0x%02x, decoding as latin-1", dc)
    return payload.decode(codec, errors="replace")


def _gsm_decode(payload: bytes) -> str:
    out: list[str] = []
    escape = False
    for octet in payload:
        if escape:
            out.append(_GSM_EXTENSION.get(octet, " "))
            escape = False
        elif octet == 0x1B:
            escape = True
        elif octet < len(_GSM_BASIC):
            out.append(_GSM_BASIC[octet])
        else:  # not a septet: the SMSC evidently sends 8-bit text
            out.append(chr(octet))
    return "".join(out)


def encode_text(text: str, allow_default_alphabet: bool = True) -> tuple[int, list[bytes]]:
    """Encode an MT text: ``(data_coding, [user data per part])``.

    ASCII text made of characters common to ASCII and GSM (≤160) goes as data_coding 0;
    anything else as UCS-2 (≤70 code units). Longer text is split into concatenated parts,
    each prefixed with a UDH (the caller must set esm_class UDHI when there are several).
    """
    if allow_default_alphabet and len(text) <= 160 and set(text) <= _DC0_SAFE:
        return _DC_DEFAULT, [text.encode("ascii")]
    data = text.encode("utf-16-be")
    if len(data) <= 140:
        return _DC_UCS2, [data]
    chunks: list[bytes] = []
    start = 0
    while start < len(data):
        end = min(start + 134, len(data))
        # never split a surrogate pair (high surrogate = D800-DBFF) across parts
        if end < len(data) and 0xD8 <= data[end - 2] <= 0xDB:
            end -= 2
        chunks.append(data[start:end])
        start = end
    ref = random.randint(0, 255)
    total = len(chunks)
    return _DC_UCS2, [bytes([5, 0, 3, ref, total, i]) + c for i, c in enumerate(chunks, 1)]


@dataclass(frozen=True, slots=True)
class _Concat:
    ref: int
    total: int
    seq: int


def split_udh(short_message: bytes) -> tuple[_Concat | None, bytes]:
    """Strip a user data header; return its concatenation info (if any) and the body."""
    if not short_message:
        return None, b""
    udh_len = short_message[0]
    udh, body = short_message[1 : 1 + udh_len], short_message[1 + udh_len :]
    pos = 0
    concat = None
    while pos + 2 <= len(udh):
        iei, length = udh[pos], udh[pos + 1]
        value = udh[pos + 2 : pos + 2 + length]
        if iei == 0x00 and length == 3:
            concat = _Concat(value[0], value[1], value[2])
        elif iei == 0x08 and length == 4:
            concat = _Concat((value[0] << 8) | value[1], value[2], value[3])
        pos += 2 + length
    return concat, body


def normalise_address(address: str) -> str:
    """Turn ``+8613800138000`` / ``008613800138000`` / ``8613800138000`` into 11 digits."""
    digits = address.strip().lstrip("+")
    for prefix in ("0086", "86"):
        rest = digits[len(prefix) :]
        if digits.startswith(prefix) and len(rest) == 11 and rest.startswith("1"):
            return rest
    return digits


def _text(value: Any) -> str:
    """smpplib parses C-octet strings as bytes; make them str."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


# --------------------------------------------------------------------------- back-off


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


# --------------------------------------------------------------------------- client


class _Client(smpp_client.Client):  # type: ignore[misc]
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

    def __init__(self, gateway: SmppGateway, host: str, port: int, timeout: float) -> None:
        super().__init__(
            host,
            port,
            timeout=timeout,
            logger_name=f"{__name__}.client",
            allow_unknown_opt_params=True,
        )
        self._gateway = gateway
        self.last_rx = time.monotonic()

    def read_pdu(self) -> Any:
        pdu = super().read_pdu()
        self.last_rx = time.monotonic()
        return pdu

    def _message_received(self, pdu: Any) -> None:
        status = self._gateway._process_deliver_sm(pdu)  # returns once the handler finished
        resp = smpp.make_pdu("deliver_sm_resp", client=self, status=status)
        resp.sequence = pdu.sequence
        self.send_pdu(resp)

    @property
    def sock(self) -> socket.socket | None:
        return self._socket  # type: ignore[no-any-return]


@dataclass
class _Partial:
    total: int
    data_coding: int
    parts: dict[int, bytes] = field(default_factory=dict)
    first_seen: float = field(default_factory=time.monotonic)


# --------------------------------------------------------------------------- gateway


class SmppGateway:
    """An ESME bound as transceiver that answers MO SMS through a :data:`MoHandler`."""

    def __init__(
        self,
        host: str,
        port: int,
        system_id: str,
        password: str,
        handler: MoHandler,
        service_numbers: Iterable[str] | None = DEFAULT_SERVICE_NUMBERS,
        *,
        system_type: str = "",
        response_timeout: float = 10.0,
        enquire_link_interval: float = 30.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        window: int = 10,
        default_alphabet: Literal["ascii", "gsm"] = "ascii",
        allow_default_alphabet_mt: bool = True,
        source_addr_ton: int = consts.SMPP_TON_UNK,
        source_addr_npi: int = consts.SMPP_NPI_ISDN,
        dest_addr_ton: int = consts.SMPP_TON_UNK,
        dest_addr_npi: int = consts.SMPP_NPI_ISDN,
        concat_ttl: float = 600.0,
    ) -> None:
        """Configure the gateway; nothing connects before :meth:`run_forever`/:meth:`start`.

        ``service_numbers``: recipients we answer for (``"1066*"`` matches a prefix; ``None``
        accepts every recipient); MO to other numbers get ``ESME_RINVDSTADR``.
        """
        self.host, self.port = host, int(port)
        self.system_id, self.password, self.system_type = system_id, password, system_type
        self.handler = handler
        numbers = None if service_numbers is None else set(service_numbers)
        self._exact = None if numbers is None else {n for n in numbers if not n.endswith("*")}
        self._prefixes = () if numbers is None else tuple(n[:-1] for n in numbers if n[-1:] == "*")
        self.response_timeout = response_timeout
        self.enquire_link_interval = enquire_link_interval
        self.backoff = Backoff(backoff_initial, backoff_max)
        self.window = window
        self.default_alphabet: Literal["ascii", "gsm"] = default_alphabet
        self.allow_default_alphabet_mt = allow_default_alphabet_mt
        self._addr = {
            "source_addr_ton": source_addr_ton,
            "source_addr_npi": source_addr_npi,
            "dest_addr_ton": dest_addr_ton,
            "dest_addr_npi": dest_addr_npi,
        }
        self.concat_ttl = concat_ttl

        self._stop = threading.Event()
        self._bound = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_lock = threading.Lock()
        self._wake_w: socket.socket | None = None
        self._outbox: collections.deque[MtMessage] = collections.deque()
        self._inflight: dict[int, MtMessage] = {}
        self._partials: dict[tuple[str, str, int], _Partial] = {}
        self.bind_count = 0
        """Successful binds so far (reconnections = bind_count - 1)."""

    @classmethod
    def from_env(
        cls, handler: MoHandler, env: Mapping[str, str] | None = None, **kwargs: Any
    ) -> SmppGateway:
        """Build from ``TELCARE_SMPP_HOST/PORT/SYSTEM_ID/PASSWORD`` (and optional
        ``TELCARE_SMPP_SYSTEM_TYPE``, ``TELCARE_SMPP_SERVICE_NUMBERS`` comma-separated)."""
        env = os.environ if env is None else env
        numbers = env.get("TELCARE_SMPP_SERVICE_NUMBERS")
        params: dict[str, Any] = {
            "host": env.get("TELCARE_SMPP_HOST", "127.0.0.1"),
            "port": int(env.get("TELCARE_SMPP_PORT", "2775")),
            "system_id": env.get("TELCARE_SMPP_SYSTEM_ID", "telcare"),
            "password": env.get("TELCARE_SMPP_PASSWORD", ""),
            "system_type": env.get("TELCARE_SMPP_SYSTEM_TYPE", ""),
            "service_numbers": (
                DEFAULT_SERVICE_NUMBERS
                if numbers is None
                else {n.strip() for n in numbers.split(",") if n.strip()}
            ),
        }
        params.update(kwargs)
        return cls(handler=handler, **params)

    # ----------------------------------------------------------------- public API

    @property
    def bound(self) -> bool:
        """Whether a session is currently bound."""
        return self._bound.is_set()

    @property
    def pending_mt(self) -> int:
        """MT messages queued or still awaiting their submit_sm_resp."""
        return len(self._outbox) + len(set(map(id, list(self._inflight.values()))))

    def wait_bound(self, timeout: float | None = None) -> bool:
        """Block until a session is bound (or ``timeout``); return whether it is."""
        return self._bound.wait(timeout)

    def send(self, message: MtMessage) -> None:
        """Queue an MT message (thread-safe); it goes out as soon as a session is bound."""
        self._outbox.append(message)
        self._wake()

    def start(self) -> threading.Thread:
        """Run :meth:`run_forever` in a daemon thread and return it."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("gateway already running")
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name="smpp-gateway", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to unbind and exit (callable from any thread); join a started thread.

        The default ``timeout`` covers the worst case: draining replies, then the unbind, each
        bounded by ``response_timeout``.
        """
        self._stop.set()
        self._wake()
        if timeout is None:
            timeout = 2 * self.response_timeout + 1.0
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("SMPP gateway thread did not stop within %.1fs", timeout)

    def serve(self) -> None:
        """Run in the foreground until Ctrl-C or SIGTERM (or :meth:`stop`), then unbind.

        Meant for a CLI command; SIGTERM is only hooked when called from the main thread.
        """
        thread = self.start()
        stop_requested = threading.Event()
        previous: Any = None
        in_main = threading.current_thread() is threading.main_thread()
        if in_main:
            previous = signal.signal(signal.SIGTERM, lambda *_: stop_requested.set())
        try:
            while thread.is_alive() and not stop_requested.wait(0.2):
                pass
        except KeyboardInterrupt:
            logger.info("interrupted")
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, previous)
            self.stop()

    def run_forever(self) -> None:
        """Connect, bind, serve; on any failure reconnect with back-off; return after stop()."""
        wake_r, wake_w = socket.socketpair()
        wake_r.setblocking(False)
        wake_w.setblocking(False)
        with self._wake_lock:
            self._wake_w = wake_w
        try:
            while not self._stop.is_set():
                client = _Client(self, self.host, self.port, self.response_timeout)
                try:
                    self._connect_and_bind(client)
                    self.backoff.reset()
                    self._serve(client, wake_r)
                except (LinkError, exceptions.ConnectionError, OSError) as exc:
                    logger.warning("SMPP link to %s:%s lost: %r", self.host, self.port, exc)
                except exceptions.PDUError as exc:
                    logger.error("SMPP bind to %s:%s refused: %s", self.host, self.port, exc)
                finally:
                    self._bound.clear()
                    self._requeue_inflight()
                    # the session is over whatever smpplib thinks; spare its "bound" warning
                    client.state = consts.SMPP_CLIENT_STATE_OPEN
                    with contextlib.suppress(Exception):
                        client.disconnect()
                if not self._stop.is_set():
                    delay = self.backoff.next_delay()
                    logger.info("reconnecting to SMSC in %.2fs", delay)
                    self._stop.wait(delay)
        finally:
            with self._wake_lock:
                self._wake_w = None
            wake_r.close()
            wake_w.close()
            if self._outbox:
                logger.warning("SMPP gateway stopped with %d MT unsent", len(self._outbox))

    # ----------------------------------------------------------------- session

    def _connect_and_bind(self, client: _Client) -> None:
        client.connect()
        client.bind_transceiver(
            system_id=self.system_id,
            password=self.password,
            system_type=self.system_type,
            addr_ton=consts.SMPP_TON_UNK,
            addr_npi=consts.SMPP_NPI_UNK,
            address_range="",
        )
        self.bind_count += 1
        self._bound.set()
        logger.info("bound to SMSC %s:%s as transceiver %r", self.host, self.port, self.system_id)

    def _serve(self, client: _Client, wake_r: socket.socket) -> None:
        enquire_sent_at: float | None = None
        while True:
            if self._stop.is_set():
                self._shutdown(client, wake_r)
                return
            self._flush_outbox(client)
            now = time.monotonic()
            if enquire_sent_at is not None and client.last_rx >= enquire_sent_at:
                enquire_sent_at = None  # anything heard since proves the link alive
            if enquire_sent_at is None and now - client.last_rx >= self.enquire_link_interval:
                client.send_pdu(smpp.make_pdu("enquire_link", client=client))
                enquire_sent_at = now
            if enquire_sent_at is not None:
                if now - enquire_sent_at >= self.response_timeout:
                    raise LinkError(f"no answer to enquire_link in {self.response_timeout}s")
                wait = enquire_sent_at + self.response_timeout - now
            else:
                wait = client.last_rx + self.enquire_link_interval - now
            self._read_and_dispatch(client, wake_r, max(0.0, min(wait, 1.0)))

    def _read_and_dispatch(
        self, client: _Client, wake_r: socket.socket, timeout: float, accepting: bool = True
    ) -> None:
        sock = client.sock
        if sock is None:
            raise LinkError("socket closed")
        readable, _, _ = select.select([sock, wake_r], [], [], timeout)
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                wake_r.recv(4096)
        if sock not in readable:
            return
        try:
            pdu = client.read_pdu()
        except TimeoutError as exc:  # a PDU started but did not finish within the timeout
            raise LinkError("incomplete PDU") from exc
        except exceptions.UnknownCommandError as exc:  # length-framed, so the stream is intact
            logger.warning("ignoring PDU: %s", exc)
            return
        if pdu is None:
            return
        self._dispatch(client, pdu, accepting)

    def _dispatch(self, client: _Client, pdu: Any, accepting: bool) -> None:
        command = pdu.command
        if command == "deliver_sm":
            if accepting:
                client._message_received(pdu)
            else:  # shutting down: do not start new work, let the SMSC redeliver later
                self._respond(client, pdu, "deliver_sm_resp", ESME_RX_T_APPN)
        elif command == "enquire_link":
            client._enquire_link_received(pdu)
        elif command == "submit_sm_resp":
            self._on_submit_resp(pdu)
        elif command in ("enquire_link_resp", "unbind_resp"):
            pass
        elif command == "unbind":
            logger.info("SMSC requested unbind")
            self._respond(client, pdu, "unbind_resp", ESME_ROK)
            raise LinkError("unbound by SMSC")
        elif command == "generic_nack":
            logger.warning("generic_nack 0x%x for seq %s", pdu.status, pdu.sequence)
            self._inflight_failed(pdu.sequence, pdu.status)
        elif command == "alert_notification":
            logger.info("alert_notification for %s", _text(getattr(pdu, "source_addr", "")))
        else:
            logger.warning("unhandled SMPP command %s", command)

    def _respond(self, client: _Client, pdu: Any, command: str, status: int) -> None:
        resp = smpp.make_pdu(command, client=client, status=status)
        resp.sequence = pdu.sequence
        client.send_pdu(resp)

    def _shutdown(self, client: _Client, wake_r: socket.socket) -> None:
        """Flush queued replies, wait for their responses, then unbind."""
        deadline = time.monotonic() + self.response_timeout
        while time.monotonic() < deadline:
            self._flush_outbox(client)
            if not self._inflight and not self._outbox:
                break
            self._read_and_dispatch(client, wake_r, 0.1, accepting=False)
        client.send_pdu(smpp.make_pdu("unbind", client=client))
        while time.monotonic() < deadline + self.response_timeout:
            if client.state != consts.SMPP_CLIENT_STATE_BOUND_TRX:  # unbind_resp received
                break
            self._read_and_dispatch(client, wake_r, 0.1, accepting=False)
        logger.info("unbound from SMSC %s:%s", self.host, self.port)

    # ----------------------------------------------------------------- MT

    def _flush_outbox(self, client: _Client) -> None:
        while self._outbox and len(self._inflight) < self.window:
            message = self._outbox.popleft()
            try:
                for pdu in self._submit_pdus(client, message):
                    self._inflight[pdu.sequence] = message
                    client.send_pdu(pdu)
            except exceptions.ConnectionError:
                self._outbox.appendleft(message)
                raise

    def _submit_pdus(self, client: _Client, message: MtMessage) -> list[Any]:
        data_coding, parts = encode_text(message.text, self.allow_default_alphabet_mt)
        esm_class = _ESM_UDHI if len(parts) > 1 else 0
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

    def _on_submit_resp(self, pdu: Any) -> None:
        if pdu.status != ESME_ROK:
            self._inflight_failed(pdu.sequence, pdu.status)
            return
        message = self._inflight.pop(pdu.sequence, None)
        if message is not None:
            logger.debug("MT to %s accepted as %s", message.recipient, _text(pdu.message_id))

    def _inflight_failed(self, sequence: int, status: int) -> None:
        message = self._inflight.pop(sequence, None)
        if message is None:
            return
        if status in _TRANSIENT_SUBMIT_ERRORS:
            logger.warning("MT to %s throttled (0x%x); queued again", message.recipient, status)
            self._outbox.append(message)
        else:
            logger.error("MT to %s rejected by SMSC with status 0x%x", message.recipient, status)

    def _requeue_inflight(self) -> None:
        """After a link loss, unacknowledged MT go back to the head of the queue, in order."""
        pending: list[MtMessage] = []
        for _, message in sorted(self._inflight.items()):
            if not pending or pending[-1] is not message:  # one entry per multi-part message
                pending.append(message)
        self._inflight.clear()
        self._outbox.extendleft(reversed(pending))

    # ----------------------------------------------------------------- MO

    def _accepts(self, recipient: str) -> bool:
        if self._exact is None:
            return True
        return recipient in self._exact or recipient.startswith(self._prefixes)

    def _process_deliver_sm(self, pdu: Any) -> int:
        """Turn one deliver_sm into a handler call; return the deliver_sm_resp status."""
        sender = normalise_address(_text(pdu.source_addr))
        recipient = normalise_address(_text(pdu.destination_addr))
        esm_class = pdu.esm_class or 0
        if esm_class & _ESM_MESSAGE_TYPE:
            logger.info(
                "delivery receipt/ack from %s for message %s: %r",
                sender,
                _text(getattr(pdu, "receipted_message_id", None)),
                bytes(pdu.short_message or b"")[:80],
            )
            return ESME_ROK
        if not self._accepts(recipient):
            logger.warning("MO from %s to unknown service number %s refused", sender, recipient)
            return ESME_RINVDSTADR
        raw = bytes(pdu.short_message or getattr(pdu, "message_payload", None) or b"")
        data_coding = pdu.data_coding or 0
        concat: _Concat | None = None
        if esm_class & _ESM_UDHI:
            concat, raw = split_udh(raw)
        elif getattr(pdu, "sar_total_segments", None):
            concat = _Concat(
                pdu.sar_msg_ref_num or 0, pdu.sar_total_segments, pdu.sar_segment_seqnum or 0
            )
        key: tuple[str, str, int] | None = None
        if concat is not None and concat.total > 1:
            key = (sender, recipient, concat.ref)
            raw_full = self._collect_part(key, concat, data_coding, raw)
            if raw_full is None:
                return ESME_ROK  # part kept in memory until the message is complete
            raw = raw_full
        text = decode_short_message(raw, data_coding, self.default_alphabet)
        message = MoMessage(sender=sender, recipient=recipient, text=text)
        try:
            replies = list(self.handler(message))
        except Exception:
            logger.exception("MO handler failed for %s -> %s; SMSC will retry", sender, recipient)
            return ESME_RX_T_APPN  # the parts stay buffered so the redelivered last part completes
        if key is not None:
            self._partials.pop(key, None)
        # Queued before the deliver_sm_resp is written: should that write fail, the committed
        # effect's replies still go out after the reconnect.
        self._outbox.extend(replies)
        return ESME_ROK

    def _collect_part(
        self, key: tuple[str, str, int], concat: _Concat, data_coding: int, body: bytes
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

    def _wake(self) -> None:
        with self._wake_lock:
            if self._wake_w is not None:
                with contextlib.suppress(OSError):
                    self._wake_w.send(b"\0")
