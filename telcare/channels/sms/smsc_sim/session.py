"""One ESME connection to the simulated SMSC: its reader thread, binds and PDU answers."""

from __future__ import annotations

import contextlib
import itertools
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from smpplib import consts, exceptions, smpp

from telcare.channels.sms.smsc_sim.records import text_of

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


@dataclass
class _Waiter:
    event: threading.Event = field(default_factory=threading.Event)
    status: int | None = None
    answered_at: float = 0.0


class Smsc(Protocol):
    """What a session asks of the simulator that accepted it."""

    name: str

    def _check_bind(self, session: Session, command: str, system_id: str, password: str) -> int: ...
    def _on_bound(self, session: Session) -> None: ...
    def _count(self, name: str) -> None: ...
    def _record_submit(self, session: Session, pdu: Any) -> str: ...
    def _notify(self) -> None: ...


class Session:
    """A connection from an ESME, served by its own daemon thread."""

    def __init__(self, sim: Smsc, sock: socket.socket, peer: tuple[str, int]) -> None:
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
            status = sim._check_bind(self, command, text_of(pdu.system_id), text_of(pdu.password))
            self.respond(pdu, resp_command, status=status, system_id=sim.name)
            if status == consts.SMPP_ESME_ROK:
                self.bound_as, self.system_id = role, text_of(pdu.system_id)
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
