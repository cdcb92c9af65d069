"""A small SMSC simulator speaking SMPP 3.4 over TCP, for tests and demos.

It is a real peer built on smpplib's PDU codecs (``make_pdu``/``parse_pdu``): it accepts
binds (checking system_id/password), delivers queued MO messages as ``deliver_sm`` one at a
time to the bound ESME and redelivers those answered with a temporary error or not answered at
all, records every ``submit_sm`` (answering with a message_id), answers and sends
``enquire_link``, and can drop or freeze its connections to exercise reconnection.

Demo: ``python -m telcare.channels.sms.smsc_sim --port 2775`` then type ``FROM TO TEXT``
lines to inject MO messages; submitted MT messages are printed.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import itertools
import logging
import random
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from smpplib import consts, exceptions, smpp

logger = logging.getLogger(__name__)

_RETRYABLE = frozenset(
    {
        consts.SMPP_ESME_RX_T_APPN,
        consts.SMPP_ESME_RTHROTTLED,
        consts.SMPP_ESME_RMSGQFUL,
        consts.SMPP_ESME_RSYSERR,
    }
)
_BINDS = {
    "bind_transceiver": ("trx", "bind_transceiver_resp"),
    "bind_receiver": ("rx", "bind_receiver_resp"),
    "bind_transmitter": ("tx", "bind_transmitter_resp"),
}


class _Sequence:
    """The ``client`` object smpplib PDUs draw sequence numbers from."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self.sequence = 0
        self._lock = threading.Lock()

    def next_sequence(self) -> int:
        with self._lock:
            self.sequence = next(self._counter)
            return self.sequence


def _str(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else (value or "")


def _decode(short_message: bytes, data_coding: int, esm_class: int) -> str:
    body = short_message
    if esm_class & 0x40 and body:
        body = body[1 + body[0] :]
    if data_coding == consts.SMPP_ENCODING_ISO10646:
        return body.decode("utf-16-be", errors="replace")
    return body.decode("latin-1")


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


@dataclass
class _Waiter:
    event: threading.Event = field(default_factory=threading.Event)
    status: int | None = None
    answered_at: float = 0.0


class _Session:
    def __init__(self, sim: SmscSimulator, sock: socket.socket, peer: tuple[str, int]) -> None:
        self.sim, self.sock, self.peer = sim, sock, peer
        self.seq = _Sequence()
        self.bound_as: str | None = None
        self.system_id = ""
        self.hung = False
        self.closed = threading.Event()
        self._send_lock = threading.Lock()
        self.pending: dict[int, _Waiter] = {}
        self.thread = threading.Thread(target=self._run, name=f"smsc-{peer[1]}", daemon=True)

    # ------------------------------------------------------------- io
    def send(self, pdu: Any) -> None:
        data = pdu.generate()
        with self._send_lock:
            self.sock.sendall(data)

    def request(self, command: str, **fields: Any) -> _Waiter:
        pdu = smpp.make_pdu(command, client=self.seq, **fields)
        waiter = _Waiter()
        self.pending[pdu.sequence] = waiter
        try:
            self.send(pdu)
        except OSError:
            self.close()
        if self.closed.is_set():
            waiter.event.set()
        return waiter

    def respond(self, pdu: Any, command: str, status: int = 0, **fields: Any) -> None:
        resp = smpp.make_pdu(command, client=self.seq, status=status, **fields)
        resp.sequence = pdu.sequence
        self.send(resp)

    def close(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        for waiter in list(self.pending.values()):
            waiter.event.set()
        self.pending.clear()
        self.sim._notify()

    def _recv_exact(self, size: int) -> bytes:
        chunks = []
        while size:
            chunk = self.sock.recv(size)
            if not chunk:
                raise ConnectionError("peer closed")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _run(self) -> None:
        try:
            while not self.closed.is_set():
                header = self._recv_exact(4)
                (length,) = struct.unpack(">L", header)
                raw = header + self._recv_exact(length - 4)
                if self.hung:
                    continue  # a frozen SMSC: reads, never answers
                try:
                    pdu = smpp.parse_pdu(raw, client=_Sequence(), allow_unknown_opt_params=True)
                except exceptions.UnknownCommandError:
                    nack = smpp.make_pdu("generic_nack", client=self.seq, status=3)
                    nack.sequence = struct.unpack(">L", raw[12:16])[0]
                    self.send(nack)
                    continue
                self._handle(pdu)
        except (OSError, ConnectionError):
            pass
        finally:
            self.close()

    # ------------------------------------------------------------- protocol
    def _handle(self, pdu: Any) -> None:
        sim, command = self.sim, pdu.command
        if command in _BINDS:
            role, resp_command = _BINDS[command]
            status = sim._check_bind(self, command, _str(pdu.system_id), _str(pdu.password))
            self.respond(pdu, resp_command, status=status, system_id=sim.name)
            if status == consts.SMPP_ESME_ROK:
                self.bound_as, self.system_id = role, _str(pdu.system_id)
                sim._on_bound(self)
            return
        if command.endswith("_resp") or command == "generic_nack":
            waiter = self.pending.pop(pdu.sequence, None)
            if waiter is not None:
                waiter.status, waiter.answered_at = pdu.status, time.monotonic()
                waiter.event.set()
            if command == "unbind_resp":
                self.close()
            return
        if self.bound_as is None:
            self.respond(pdu, "generic_nack", status=consts.SMPP_ESME_RINVBNDSTS)
            return
        if command == "enquire_link":
            sim._count("enquire_links_received")
            self.respond(pdu, "enquire_link_resp")
        elif command == "submit_sm" and self.bound_as in ("trx", "tx"):
            message_id = sim._record_submit(self, pdu)
            self.respond(pdu, "submit_sm_resp", message_id=message_id)
        elif command == "unbind":
            sim._count("unbinds_received")
            self.respond(pdu, "unbind_resp")
            self.close()
        else:
            self.respond(pdu, "generic_nack", status=consts.SMPP_ESME_RINVCMDID)


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
        self._sessions: list[_Session] = []
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
        payload = _encode(text, data_coding)
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

    def _check_bind(self, session: _Session, command: str, system_id: str, password: str) -> int:
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

    def _on_bound(self, session: _Session) -> None:
        logger.info("ESME %r bound (%s) from %s", session.system_id, session.bound_as, session.peer)
        self._notify()

    def _record_submit(self, session: _Session, pdu: Any) -> str:
        message_id = f"{next(self._message_ids):08x}"
        submitted = SubmittedSm(
            source_addr=_str(pdu.source_addr),
            destination_addr=_str(pdu.destination_addr),
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

    def _receiver(self) -> _Session | None:
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
            session = _Session(self, sock, peer)
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


def _encode(text: str, data_coding: int) -> bytes:
    if data_coding == consts.SMPP_ENCODING_ISO10646:
        return text.encode("utf-16-be")
    return text.encode("latin-1")


def main(argv: list[str] | None = None) -> None:
    """Run the simulator in the foreground; stdin lines ``FROM TO TEXT`` inject MO messages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2775)
    parser.add_argument("--system-id", default="telcare")
    parser.add_argument("--password", default="secret")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    def show(sm: SubmittedSm) -> None:
        print(f"MT {sm.source_addr} -> {sm.destination_addr}: {sm.text}", flush=True)

    with SmscSimulator(args.host, args.port, args.system_id, args.password, on_submit=show) as sim:
        print(f"SMSC simulator on {sim.host}:{sim.port}; type: FROM TO TEXT", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            for line in sys.stdin:
                parts = line.strip().split(maxsplit=2)
                if len(parts) < 3:
                    print("usage: FROM TO TEXT", flush=True)
                    continue
                try:
                    sim.deliver(*parts)
                except ValueError:
                    sim.deliver_multipart(*parts)


if __name__ == "__main__":
    main()
