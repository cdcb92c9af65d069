"""The SMPP gateway against an SMSC this project did not write (npm ``smpp`` under node): garbage
on the wire gets an SMPP answer and a log line, and the session goes on."""

from __future__ import annotations

import os
import signal
import socket
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.channels.sms.smpp import SmppGateway
from tests.e2e.peer_smsc import WAIT, PeerSmsc, peer_smsc

SUBSCRIBER = "13800138000"
ESME_RINVCMDLEN, ESME_RINVCMDID, ESME_RX_P_APPN = 0x02, 0x03, 0x65


def echo(mo: MoMessage) -> list[MtMessage]:
    return [MtMessage(mo.recipient, mo.sender, "echo " + mo.text)]


@pytest.fixture
def peer() -> Iterator[PeerSmsc]:
    yield from peer_smsc()


@pytest.fixture
def gateway(peer: PeerSmsc) -> Iterator[Callable[..., SmppGateway]]:
    started: list[SmppGateway] = []

    def make(**kwargs: object) -> SmppGateway:
        params: dict[str, object] = {
            "response_timeout": 2.0,
            "backoff_initial": 0.02,
            "backoff_max": 0.2,
        }
        params.update(kwargs)
        gw = SmppGateway(peer.host, peer.port, "telcare", "secret", echo, **params)  # type: ignore[arg-type]
        gw.start()
        started.append(gw)
        peer.binds(len(started))
        assert gw.wait_bound(WAIT)
        return gw

    yield make
    for gw in started:
        gw.stop(timeout=WAIT)
        assert gw._thread is not None and not gw._thread.is_alive()


def answered(peer: PeerSmsc, text: str, count: int = 1) -> None:
    """An MO now still gets its reply: the session (or a new one) goes on."""
    deliver_id = peer.deliver(SUBSCRIBER, "10086", text=text, data_coding=0)
    assert peer.resp(deliver_id)["status"] == 0
    submits = peer.submits(count)
    assert submits[-1]["text"] == f"echo {text}"


def test_deliver_sm_with_truncated_udh_is_refused_and_session_goes_on(
    peer: PeerSmsc, gateway: Callable[..., SmppGateway], caplog: pytest.LogCaptureFixture
) -> None:
    """Issue #16 case 1: short_message 0500032a with UDHI killed the gateway (IndexError)."""
    gw = gateway()
    bad = peer.deliver(SUBSCRIBER, "10086", hex="0500032a", esm_class=0x40, data_coding=8)
    assert peer.resp(bad)["status"] == ESME_RX_P_APPN  # permanent: not redelivered for ever
    answered(peer, "CXYE")
    assert gw.bind_count == 1
    assert "undecodable MO" in caplog.text


def test_udh_part_numbers_out_of_range_are_refused(
    peer: PeerSmsc, gateway: Callable[..., SmppGateway]
) -> None:
    gateway()
    bad = peer.deliver(
        SUBSCRIBER, "10086", hex="050003070309" + "0041", esm_class=0x40, data_coding=8
    )
    assert peer.resp(bad)["status"] == ESME_RX_P_APPN
    answered(peer, "CXJF")


def test_pdu_shorter_than_its_header_is_nacked_and_the_gateway_rebinds(
    peer: PeerSmsc, gateway: Callable[..., SmppGateway], caplog: pytest.LogCaptureFixture
) -> None:
    """Issue #16 case 2: command_length 8 raised struct.error and the gateway died."""
    gw = gateway()
    peer.raw(bytes.fromhex("00000008000000050000000000001006"))
    peer.binds(2)  # framing is lost: a fresh session, not a dead gateway
    answered(peer, "CXYE")
    assert gw.bind_count == 2 and gw._thread is not None and gw._thread.is_alive()
    assert "framing lost" in caplog.text


def test_unknown_command_id_gets_generic_nack(
    peer: PeerSmsc, gateway: Callable[..., SmppGateway]
) -> None:
    """Issue #16 case 7: an unknown command_id was ignored without an answer."""
    gw = gateway()
    peer.raw(struct.pack(">LLLL", 16, 0x00000999, 0, 77))
    (nack,) = peer.wait_for(lambda e: e["ev"] == "pdu" and e["command"] == "generic_nack")
    assert (nack["seq"], nack["status"]) == (77, ESME_RINVCMDID)
    answered(peer, "CXYE")
    assert gw.bind_count == 1


# a deliver_sm body ending in one octet of a TLV tag: smpplib cannot parse it
TRUNCATED_TLV = b"\0\1\1138\0\1\110086\0\0\0\0\0\0\0\0\0\0\2ab\x04"


def test_unsupported_request_and_malformed_body_get_generic_nack(
    peer: PeerSmsc, gateway: Callable[..., SmppGateway]
) -> None:
    gw = gateway()
    peer.raw(struct.pack(">LLLL", 16, 0x00000003, 0, 78))  # query_sm: not ours to answer
    peer.raw(struct.pack(">LLLL", 16 + len(TRUNCATED_TLV), 0x00000005, 0, 79) + TRUNCATED_TLV)
    nacks = peer.wait_for(lambda e: e["ev"] == "pdu" and e["command"] == "generic_nack", 2)
    assert {(n["seq"], n["status"]) for n in nacks} == {
        (78, ESME_RINVCMDID),
        (79, ESME_RINVCMDLEN),
    }
    answered(peer, "CXYE")
    assert gw.bind_count == 1


def test_gateway_socket_has_tcp_nodelay(
    peer: PeerSmsc, gateway: Callable[..., SmppGateway]
) -> None:
    """Issue #16 case 7: Nagle held every reply ~40 ms behind its deliver_sm_resp."""
    gw = gateway()
    client = gw._client
    assert client is not None and client.sock is not None
    assert client.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


CRASHING_GATEWAY = """
from telcare.channels.sms.smpp import SmppGateway
def handler(mo):
    raise SystemExit("handler gave up")  # not an Exception: nothing should swallow it
SmppGateway.from_env(handler, backoff_initial=0.02).serve()
"""


def _env(peer: PeerSmsc) -> dict[str, str]:
    return {
        **os.environ,
        "TELCARE_SMPP_HOST": peer.host,
        "TELCARE_SMPP_PORT": str(peer.port),
        "TELCARE_SMPP_SYSTEM_ID": "telcare",
        "TELCARE_SMPP_PASSWORD": "secret",
    }


def test_process_exits_non_zero_when_the_gateway_loop_dies(peer: PeerSmsc) -> None:
    """A dead loop used to leave serve() returning normally: rc 0, never restarted."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASHING_GATEWAY],
        env=_env(peer),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        peer.binds(1, timeout=20)
        peer.deliver(SUBSCRIBER, "10086", text="CXYE", data_coding=0)
        output = proc.communicate(timeout=20)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, output
    assert "SMPP gateway loop died" in output


def test_telcare_smpp_logs_the_link_and_survives_garbage(peer: PeerSmsc, sqlite_db) -> None:  # type: ignore[no-untyped-def]
    """`telcare smpp --log-level INFO`: bound, reconnecting and unbound are printed; bad PDUs are
    answered and the process carries on to a clean exit on SIGTERM."""
    env = {**_env(peer), "TELCARE_DATABASE_URL": str(sqlite_db.engine.url)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "telcare", "smpp", "--log-level", "INFO", "--drain-every", "0.2"],
        env=env,
        cwd=Path(__file__).parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        peer.binds(1, timeout=90)  # the spam model loads before the bind
        bad = peer.deliver(SUBSCRIBER, "10086", hex="0500032a", esm_class=0x40, data_coding=8)
        assert peer.resp(bad)["status"] == ESME_RX_P_APPN
        peer.raw(bytes.fromhex("00000008000000050000000000001006"))
        peer.binds(2, timeout=10)
        good = peer.deliver(SUBSCRIBER, "10086", text="CXYE", data_coding=0)
        assert peer.resp(good, timeout=20)["status"] == 0
        peer.submits(1, timeout=20)
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, output
    for line in ("bound to SMSC", "reconnecting to SMSC", "unbound from SMSC", "undecodable MO"):
        assert line in output, output
