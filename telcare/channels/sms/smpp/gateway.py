"""SmppGateway: the transceiver session's bind, serve and reconnect loop, on one thread."""

from __future__ import annotations

import contextlib
import logging
import select
import signal
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from smpplib import consts, exceptions, smpp

from telcare.channels.sms.messages import MoHandler, MtMessage
from telcare.channels.sms.smpp.backoff import Backoff
from telcare.channels.sms.smpp.client import BadPdu, FramingLost, LinkError, SmppClient
from telcare.channels.sms.smpp.outbox import MtResult, Outbox
from telcare.channels.sms.smpp.pdu import ESME_ROK, ESME_RX_T_APPN, text_of
from telcare.channels.sms.smpp.receiver import (
    DEFAULT_SERVICE_NUMBERS,
    MoReceiver,
    ReceiptHandler,
)
from telcare.config import Settings, get_settings
from telcare.ops.metrics import SMPP_BINDS, SMPP_BOUND, SMPP_ERRORS

logger = logging.getLogger(__name__)


class GatewayCrashed(RuntimeError):
    """The gateway's loop died: the process should exit non-zero."""


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
        max_attempts: int = 5,
        retry_initial: float = 1.0,
        retry_max: float = 60.0,
        on_mt_result: MtResult | None = None,
        on_receipt: ReceiptHandler | None = None,
    ) -> None:
        """Configure the gateway; nothing connects before :meth:`run_forever`/:meth:`start`.

        ``service_numbers``: recipients we answer for (``"1066*"`` matches a prefix; ``None``
        accepts every recipient); MO to other numbers get ``ESME_RINVDSTADR``.
        ``on_mt_result`` hears when an MT is accepted by the SMSC or failed (on the loop
        thread); ``on_receipt`` gets each delivery receipt.
        """
        self.host, self.port = host, int(port)
        self.system_id, self.password, self.system_type = system_id, password, system_type
        self.response_timeout = response_timeout
        self.enquire_link_interval = enquire_link_interval
        self.backoff = Backoff(backoff_initial, backoff_max)
        self.receiver = MoReceiver(
            handler, service_numbers, default_alphabet, concat_ttl, on_receipt=on_receipt
        )
        """The MO side: service numbers, reassembly, the handler."""
        addressing = {
            "source_addr_ton": source_addr_ton,
            "source_addr_npi": source_addr_npi,
            "dest_addr_ton": dest_addr_ton,
            "dest_addr_npi": dest_addr_npi,
        }
        self.outbox = Outbox(
            window,
            allow_default_alphabet_mt,
            addressing,
            response_timeout=response_timeout,
            max_attempts=max_attempts,
            gsm_alphabet=default_alphabet == "gsm",
            retry_initial=retry_initial,
            retry_max=retry_max,
            on_result=on_mt_result,
        )
        """The MT side: replies and sent messages awaiting their response."""

        self._stop = threading.Event()
        self._bound = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_lock = threading.Lock()
        self._wake_w: socket.socket | None = None
        self.bind_count = 0
        """Successful binds so far (reconnections = bind_count - 1)."""
        self.crashed: BaseException | None = None
        self._client: SmppClient | None = None
        """What ended the loop thread other than :meth:`stop`, if anything did."""

    @classmethod
    def from_settings(cls, handler: MoHandler, settings: Settings, **kwargs: Any) -> SmppGateway:
        """Build from the ``smpp_*`` settings (``TELCARE_SMPP_HOST/PORT/SYSTEM_ID/PASSWORD``,
        ``TELCARE_SMPP_SYSTEM_TYPE``, ``TELCARE_SMPP_SERVICE_NUMBERS`` comma-separated)."""
        numbers = settings.smpp_service_numbers
        params: dict[str, Any] = {
            "host": settings.smpp_host,
            "port": settings.smpp_port,
            "system_id": settings.smpp_system_id,
            "password": settings.smpp_password.get_secret_value(),
            "system_type": settings.smpp_system_type,
            "service_numbers": (
                DEFAULT_SERVICE_NUMBERS
                if numbers is None
                else {n.strip() for n in numbers.split(",") if n.strip()}
            ),
        }
        params.update(kwargs)
        return cls(handler=handler, **params)

    @classmethod
    def from_env(
        cls, handler: MoHandler, env: Mapping[str, str] | None = None, **kwargs: Any
    ) -> SmppGateway:
        """Build from the settings, or from ``env`` (``TELCARE_SMPP_*`` keys) when given."""
        if env is None:
            return cls.from_settings(handler, get_settings(), **kwargs)
        given = {
            k.removeprefix("TELCARE_").lower(): v
            for k, v in env.items()
            if k.startswith("TELCARE_SMPP_")
        }
        return cls.from_settings(handler, Settings.model_validate(given), **kwargs)

    # ----------------------------------------------------------------- public API

    @property
    def bound(self) -> bool:
        """Whether a session is currently bound."""
        return self._bound.is_set()

    @property
    def pending_mt(self) -> int:
        """MT messages queued or still awaiting their submit_sm_resp."""
        return self.outbox.pending

    def wait_bound(self, timeout: float | None = None) -> bool:
        """Block until a session is bound (or ``timeout``); return whether it is."""
        return self._bound.wait(timeout)

    def send(self, message: MtMessage, outbox_id: int | None = None) -> None:
        """Queue an MT message (thread-safe); it goes out as soon as a session is bound.

        ``outbox_id`` (an ``outbound_sms`` row) asks for a delivery receipt and is passed
        back to ``on_mt_result``.
        """
        self.outbox.append(message, outbox_id)
        self._wake()

    def start(self) -> threading.Thread:
        """Run :meth:`run_forever` in a daemon thread and return it."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("gateway already running")
        self._stop.clear()
        self.crashed = None
        self._thread = threading.Thread(target=self._run, name="smpp-gateway", daemon=True)
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
        Raises :class:`GatewayCrashed` if the loop died, so the process exits non-zero and a
        supervisor restarts it.
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
        if self.crashed is not None:
            raise GatewayCrashed(f"SMPP gateway loop died: {self.crashed!r}") from self.crashed

    def _run(self) -> None:
        try:
            self.run_forever()
        except BaseException as exc:
            self.crashed = exc
            logger.critical("SMPP gateway loop died", exc_info=True)
            raise

    def run_forever(self) -> None:
        """Connect, bind, serve; on any failure reconnect with back-off; return after stop()."""
        wake_r, wake_w = socket.socketpair()
        wake_r.setblocking(False)
        wake_w.setblocking(False)
        with self._wake_lock:
            self._wake_w = wake_w
        try:
            while not self._stop.is_set():
                client = SmppClient(
                    self._process_deliver_sm, self.host, self.port, self.response_timeout
                )
                self._client = client
                try:
                    self._connect_and_bind(client)
                    self.backoff.reset()
                    self._serve(client, wake_r)
                except (LinkError, exceptions.ConnectionError, OSError) as exc:
                    logger.warning("SMPP link to %s:%s lost: %r", self.host, self.port, exc)
                except exceptions.PDUError as exc:
                    logger.error("SMPP bind to %s:%s refused: %s", self.host, self.port, exc)
                    SMPP_ERRORS.labels("bind_transceiver", _status_of(exc)).inc()
                except Exception:  # a bug met on the wire must not end the gateway
                    logger.exception("SMPP session to %s:%s failed", self.host, self.port)
                finally:
                    self._bound.clear()
                    SMPP_BOUND.set(0)
                    self.outbox.requeue_inflight()
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
            if self.outbox.queued:
                logger.warning("SMPP gateway stopped with %d MT unsent", self.outbox.queued)

    # ----------------------------------------------------------------- session

    def _connect_and_bind(self, client: SmppClient) -> None:
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
        SMPP_BOUND.set(1)
        SMPP_BINDS.inc()
        logger.info("bound to SMSC %s:%s as transceiver %r", self.host, self.port, self.system_id)

    def _serve(self, client: SmppClient, wake_r: socket.socket) -> None:
        enquire_sent_at: float | None = None
        while True:
            if self._stop.is_set():
                self._shutdown(client, wake_r)
                return
            self.outbox.flush(client)
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
            due = self.outbox.next_event(now)
            if due is not None:
                wait = min(wait, due)
            self._read_and_dispatch(client, wake_r, max(0.0, min(wait, 1.0)))

    def _read_and_dispatch(
        self, client: SmppClient, wake_r: socket.socket, timeout: float, accepting: bool = True
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
        except FramingLost as exc:  # answer it, then start a fresh session
            logger.error("%s; reconnecting", exc)
            with contextlib.suppress(Exception):
                client.generic_nack(0, consts.SMPP_ESME_RINVCMDLEN)
            raise
        except BadPdu as exc:  # length-framed, so the stream is intact
            logger.warning("generic_nack 0x%x for seq %d: %s", exc.status, exc.sequence, exc)
            if not (exc.command or "").endswith("_resp"):
                client.generic_nack(exc.sequence, exc.status)
            return
        if pdu is None:
            return
        self._dispatch(client, pdu, accepting)

    def _dispatch(self, client: SmppClient, pdu: Any, accepting: bool) -> None:
        command = pdu.command
        if command == "deliver_sm":
            if accepting:
                client._message_received(pdu)
            else:  # shutting down: do not start new work, let the SMSC redeliver later
                self._respond(client, pdu, "deliver_sm_resp", ESME_RX_T_APPN)
        elif command == "enquire_link":
            client._enquire_link_received(pdu)
        elif command == "submit_sm_resp":
            self.outbox.on_submit_resp(pdu)
        elif command in ("enquire_link_resp", "unbind_resp"):
            pass
        elif command == "unbind":
            logger.info("SMSC requested unbind")
            self._respond(client, pdu, "unbind_resp", ESME_ROK)
            raise LinkError("unbound by SMSC")
        elif command == "generic_nack":
            logger.warning("generic_nack 0x%x for seq %s", pdu.status, pdu.sequence)
            SMPP_ERRORS.labels("generic_nack", f"0x{pdu.status:08x}").inc()
            self.outbox.inflight_failed(pdu.sequence, pdu.status)
        elif command == "alert_notification":
            logger.info("alert_notification for %s", text_of(getattr(pdu, "source_addr", "")))
        elif command.endswith("_resp"):
            logger.warning("unexpected %s for seq %s ignored", command, pdu.sequence)
        else:  # a request we do not serve (query_sm, data_sm, ...): refuse it, keep the session
            logger.warning("generic_nack for unsupported %s (seq %s)", command, pdu.sequence)
            client.generic_nack(pdu.sequence, consts.SMPP_ESME_RINVCMDID)

    def _respond(self, client: SmppClient, pdu: Any, command: str, status: int) -> None:
        resp = smpp.make_pdu(command, client=client, status=status)
        resp.sequence = pdu.sequence
        client.send_pdu(resp)

    def _shutdown(self, client: SmppClient, wake_r: socket.socket) -> None:
        """Flush queued replies, wait for their responses, then unbind."""
        deadline = time.monotonic() + self.response_timeout
        while time.monotonic() < deadline:
            self.outbox.flush(client)
            if self.outbox.idle:
                break
            self._read_and_dispatch(client, wake_r, 0.1, accepting=False)
        client.send_pdu(smpp.make_pdu("unbind", client=client))
        while time.monotonic() < deadline + self.response_timeout:
            if client.state != consts.SMPP_CLIENT_STATE_BOUND_TRX:  # unbind_resp received
                break
            self._read_and_dispatch(client, wake_r, 0.1, accepting=False)
        logger.info("unbound from SMSC %s:%s", self.host, self.port)

    # ----------------------------------------------------------------- MO

    def _process_deliver_sm(self, pdu: Any) -> int:
        """Run one deliver_sm through the receiver; return the deliver_sm_resp status."""
        try:
            status, replies = self.receiver.receive(pdu)
        except Exception:  # answered, so the SMSC neither waits nor loses the MO
            logger.exception("deliver_sm seq %s failed; answered ESME_RX_T_APPN", pdu.sequence)
            return ESME_RX_T_APPN
        # Queued before the deliver_sm_resp is written: should that write fail, the committed
        # effect's replies still go out after the reconnect.
        self.outbox.extend(replies)
        return status

    def _wake(self) -> None:
        with self._wake_lock:
            if self._wake_w is not None:
                with contextlib.suppress(OSError):
                    self._wake_w.send(b"\0")


def _status_of(exc: Exception) -> str:
    """The command_status of a refused PDU (smpplib puts it in the exception's args)."""
    status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
    return f"0x{status:08x}" if status is not None else "unknown"
