"""SmscSimulator: an SMSC on a TCP port that delivers queued MO and records submitted MT."""

from __future__ import annotations

import collections
import itertools
import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from smpplib import consts

from telcare.channels.sms.smsc_sim.records import MoRecord, SubmittedSm, encode_text, text_of
from telcare.channels.sms.smsc_sim.session import Session

logger = logging.getLogger(__name__)

_RETRYABLE = frozenset(
    {
        consts.SMPP_ESME_RX_T_APPN,
        consts.SMPP_ESME_RTHROTTLED,
        consts.SMPP_ESME_RMSGQFUL,
        consts.SMPP_ESME_RSYSERR,
    }
)


class SmscSimulator:
    """An SMSC on ``host:port`` (port 0 picks a free one); use as a context manager."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        system_id: str = "telcare",
        password: str = "secret",
        *,
        name: str = "TELCARESIM",
        retry_delay: float = 0.05,
        response_timeout: float = 5.0,
        max_attempts: int = 20,
        on_submit: Callable[[SubmittedSm], None] | None = None,
    ) -> None:
        self.system_id, self.password, self.name = system_id, password, name
        self.retry_delay, self.response_timeout = retry_delay, response_timeout
        self.max_attempts = max_attempts
        self.on_submit = on_submit
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.1)
        self.host, self.port = self._listener.getsockname()[:2]
        self._cond = threading.Condition()
        self._running = False
        self._sessions: list[Session] = []
        self._queue: collections.deque[MoRecord] = collections.deque()
        self._mo_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._submits: list[SubmittedSm] = []
        self._reject_binds: list[int] = []
        self.bind_attempts: list[tuple[str, str, int]] = []
        """(command, system_id, status) of every bind request."""
        self.counters: collections.Counter[str] = collections.Counter()
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------- lifecycle
    def start(self) -> SmscSimulator:
        """Start accepting connections and delivering MO messages."""
        self._running = True
        for target, name in ((self._accept_loop, "smsc-accept"), (self._deliver_loop, "smsc-mo")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        logger.info("SMSC simulator listening on %s:%s", self.host, self.port)
        return self

    def stop(self) -> None:
        """Close every connection and stop all threads."""
        self._running = False
        self._notify()
        self.drop_connections()
        for thread in self._threads:
            thread.join(5)
        with self._cond:
            sessions = list(self._sessions)
        for session in sessions:
            session.thread.join(5)
        self._listener.close()

    def __enter__(self) -> SmscSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------- MO side
    def deliver(
        self, sender: str, recipient: str, text: str, data_coding: int | None = None
    ) -> MoRecord:
        """Queue one MO; ASCII goes as data_coding 0, anything else as UCS-2 (≤70 chars)."""
        if data_coding is None:
            data_coding = 0 if text.isascii() else consts.SMPP_ENCODING_ISO10646
        payload = encode_text(text, data_coding)
        if len(payload) > 160 or (data_coding != 0 and len(payload) > 140):
            raise ValueError("text too long for one SMS; use deliver_multipart()")
        return self.deliver_raw(sender, recipient, payload, data_coding=data_coding)

    def deliver_multipart(
        self, sender: str, recipient: str, text: str, part_chars: int = 67, ref: int | None = None
    ) -> list[MoRecord]:
        """Queue ``text`` as a concatenated UCS-2 MO (UDH with 8-bit reference)."""
        data = text.encode("utf-16-be")
        chunks = [data[i : i + 2 * part_chars] for i in range(0, len(data), 2 * part_chars)]
        ref = random.randint(0, 255) if ref is None else ref
        return [
            self.deliver_raw(
                sender,
                recipient,
                bytes([5, 0, 3, ref, len(chunks), i]) + chunk,
                data_coding=consts.SMPP_ENCODING_ISO10646,
                esm_class=0x40,
            )
            for i, chunk in enumerate(chunks, 1)
        ]

    def deliver_receipt(self, sender: str, recipient: str, message_id: str) -> MoRecord:
        """Queue an SMSC delivery receipt (esm_class 0x04) for a message we accepted."""
        text = f"id:{message_id} sub:001 dlvrd:001 submit date:2401010000 done date:2401010000 "
        return self.deliver_raw(
            recipient,
            sender,
            (text + "stat:DELIVRD err:000 text:").encode("ascii"),
            esm_class=0x04,
            receipted_message_id=message_id,
            message_state=consts.SMPP_MESSAGE_STATE_DELIVERED,
        )

    def deliver_raw(
        self,
        sender: str,
        recipient: str,
        short_message: bytes,
        data_coding: int = 0,
        esm_class: int = 0,
        **extra: Any,
    ) -> MoRecord:
        """Queue a deliver_sm with exactly these fields."""
        record = MoRecord(
            next(self._mo_ids), sender, recipient, short_message, data_coding, esm_class, extra
        )
        with self._cond:
            self._queue.append(record)
            self._cond.notify_all()
        return record

    # ------------------------------------------------------------- link control
    def enquire_link(self, timeout: float = 5.0) -> bool:
        """Send enquire_link on the bound session; return whether it was answered in time."""
        session = self._receiver()
        if session is None:
            return False
        waiter = session.request("enquire_link")
        return waiter.event.wait(timeout) and waiter.status == consts.SMPP_ESME_ROK

    def unbind(self, timeout: float = 5.0) -> bool:
        """Ask the bound ESME to unbind (an SMSC-initiated unbind)."""
        session = self._receiver()
        if session is None:
            return False
        waiter = session.request("unbind")
        answered = waiter.event.wait(timeout) and waiter.status == consts.SMPP_ESME_ROK
        session.close()
        return answered

    def drop_connections(self) -> int:
        """Close every open connection abruptly (TCP FIN, no unbind); return how many."""
        with self._cond:
            sessions = [s for s in self._sessions if not s.closed.is_set()]
        for session in sessions:
            session.close()
        return len(sessions)

    def hang_connections(self) -> None:
        """Freeze the open connections: keep them open, read, never answer anything again."""
        with self._cond:
            for session in self._sessions:
                session.hung = True

    def reject_next_binds(self, count: int, status: int = consts.SMPP_ESME_RBINDFAIL) -> None:
        """Refuse the next ``count`` binds with ``status``."""
        with self._cond:
            self._reject_binds.extend([status] * count)

    # ------------------------------------------------------------- observation
    @property
    def submits(self) -> list[SubmittedSm]:
        with self._cond:
            return list(self._submits)

    @property
    def bind_count(self) -> int:
        """Successful binds so far."""
        with self._cond:
            return sum(1 for *_, status in self.bind_attempts if status == 0)

    @property
    def bound_sessions(self) -> int:
        with self._cond:
            return sum(1 for s in self._sessions if s.bound_as and not s.closed.is_set())

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Wait until ``predicate()`` holds (re-checked on every change and every 50 ms)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
        return True

    def wait_bound(self, binds: int = 1, timeout: float = 5.0) -> bool:
        """Wait for the ``binds``-th successful bind with a session still open."""
        return self.wait_for(lambda: self.bind_count >= binds and self.bound_sessions > 0, timeout)

    def wait_for_submits(self, count: int, timeout: float = 5.0) -> list[SubmittedSm]:
        """Wait until ``count`` submit_sm arrived; return them all (raises on timeout)."""
        if not self.wait_for(lambda: len(self._submits) >= count, timeout):
            raise TimeoutError(f"{len(self._submits)} submit_sm received, expected {count}")
        return self.submits

    # ------------------------------------------------------------- internals
    def _notify(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _count(self, name: str) -> None:
        with self._cond:
            self.counters[name] += 1
            self._cond.notify_all()

    def _check_bind(self, session: Session, command: str, system_id: str, password: str) -> int:
        with self._cond:
            if session.bound_as is not None:
                status = consts.SMPP_ESME_RALYBND
            elif self._reject_binds:
                status = self._reject_binds.pop(0)
            elif system_id != self.system_id:
                status = consts.SMPP_ESME_RINVSYSID
            elif password != self.password:
                status = consts.SMPP_ESME_RINVPASWD
            else:
                status = consts.SMPP_ESME_ROK
            self.bind_attempts.append((command, system_id, status))
            self._cond.notify_all()
        return status

    def _on_bound(self, session: Session) -> None:
        logger.info("ESME %r bound (%s) from %s", session.system_id, session.bound_as, session.peer)
        self._notify()

    def _record_submit(self, session: Session, pdu: Any) -> str:
        message_id = f"{next(self._message_ids):08x}"
        submitted = SubmittedSm(
            source_addr=text_of(pdu.source_addr),
            destination_addr=text_of(pdu.destination_addr),
            data_coding=pdu.data_coding or 0,
            esm_class=pdu.esm_class or 0,
            short_message=bytes(pdu.short_message or b""),
            message_id=message_id,
            system_id=session.system_id,
        )
        with self._cond:
            self._submits.append(submitted)
            self._cond.notify_all()
        if self.on_submit is not None:
            self.on_submit(submitted)
        return message_id

    def _receiver(self) -> Session | None:
        with self._cond:
            for session in reversed(self._sessions):
                if session.bound_as in ("trx", "rx") and not session.closed.is_set():
                    return session
        return None

    def _accept_loop(self) -> None:
        while self._running:
            try:
                sock, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            session = Session(self, sock, peer)
            with self._cond:
                self._sessions = [s for s in self._sessions if not s.closed.is_set()]
                self._sessions.append(session)
            session.thread.start()

    def _deliver_loop(self) -> None:
        """Window of one: the head MO is sent, answered, and retried before the next one."""
        while self._running:
            with self._cond:
                if not self._queue or self._receiver() is None:
                    self._cond.wait(0.05)
                    continue
                record = self._queue[0]
            session = self._receiver()
            if session is None:
                continue
            fields = dict(
                source_addr=record.sender,
                destination_addr=record.recipient,
                source_addr_ton=consts.SMPP_TON_UNK,
                source_addr_npi=consts.SMPP_NPI_ISDN,
                dest_addr_ton=consts.SMPP_TON_UNK,
                dest_addr_npi=consts.SMPP_NPI_ISDN,
                esm_class=record.esm_class,
                data_coding=record.data_coding,
                short_message=record.short_message,
                **record.extra,
            )
            with self._cond:
                record.attempts += 1
            waiter = session.request("deliver_sm", **fields)
            answered = waiter.event.wait(self.response_timeout) and not session.closed.is_set()
            status = waiter.status if answered else None
            with self._cond:
                record.statuses.append(status)
                if answered:
                    record.answered_at.append(waiter.answered_at)
                if status == consts.SMPP_ESME_ROK:
                    self._queue.popleft()
                    record.delivered.set()
                elif (status is not None and status not in _RETRYABLE) or (
                    record.attempts >= self.max_attempts
                ):
                    self._queue.popleft()
                    record.failed = True
                    logger.warning("MO %s given up (status %s)", record.mo_id, status)
                self._cond.notify_all()
            if status != consts.SMPP_ESME_ROK and not record.finished:
                deadline = time.monotonic() + self.retry_delay
                while self._running and time.monotonic() < deadline:
                    time.sleep(min(0.01, self.retry_delay))
