"""MT delivery against the peer SMSC (npm ``smpp``): swallowed responses, throttling and
retry limits; each MT accepted once, or visibly failed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from telcare.channels.sms.messages import MtMessage
from telcare.channels.sms.smpp import SmppGateway
from telcare.channels.sms.smpp.outbox import Mt
from tests.e2e.peer_smsc import PeerSmsc, peer_smsc
from tests.e2e.test_smpp_peer import SUBSCRIBER, echo

Results = list[tuple[str, str, str]]


@pytest.fixture
def peer() -> Iterator[PeerSmsc]:
    yield from peer_smsc()


@pytest.fixture
def gateway(peer: PeerSmsc) -> Iterator[Callable[..., tuple[SmppGateway, Results]]]:
    started: list[SmppGateway] = []

    def make(**kwargs: object) -> tuple[SmppGateway, Results]:
        results: Results = []

        def on_result(mt: Mt, state: str, detail: str) -> None:
            results.append((mt.message.text, state, detail))

        params: dict[str, object] = {
            "response_timeout": 0.5,
            "backoff_initial": 0.02,
            "backoff_max": 0.2,
            "retry_initial": 0.05,
            "retry_max": 0.2,
            "on_mt_result": on_result,
        }
        params.update(kwargs)
        gw = SmppGateway(peer.host, peer.port, "telcare", "secret", echo, **params)  # type: ignore[arg-type]
        gw.start()
        started.append(gw)
        peer.binds(len(started))
        assert gw.wait_bound(5)
        return gw, results

    yield make
    for gw in started:
        gw.stop(timeout=5)


def settled(gw: SmppGateway, timeout: float = 5.0) -> bool:
    """Nothing left in the gateway (the last response may still be on its way in)."""
    deadline = time.monotonic() + timeout
    while gw.pending_mt and time.monotonic() < deadline:
        time.sleep(0.01)
    return gw.pending_mt == 0


def accepted(peer: PeerSmsc) -> list[str]:
    return [e["text"] for e in peer.select(lambda e: e["ev"] == "submit_sm" and e["status"] == 0)]


def test_swallowed_submit_sm_resp_times_out_and_is_sent_again(
    peer: PeerSmsc, gateway: Callable[..., tuple[SmppGateway, Results]]
) -> None:
    """Issue #16 case 3: with 3 responses swallowed the window stayed full for good."""
    gw, _ = gateway(window=3)
    peer.command("swallow", n=3)
    for i in range(3):
        peer.deliver(SUBSCRIBER, "10086", text=f"A{i}", data_coding=0)
    peer.submits(3)  # the window is full of unanswered submit_sm
    started = time.monotonic()
    later = peer.deliver(SUBSCRIBER, "10086", text="LATER", data_coding=0)
    assert peer.resp(later)["status"] == 0
    peer.wait_for(lambda e: e.get("text") == "echo LATER" and e["status"] == 0)
    assert time.monotonic() - started < 3.0  # not the 50 s of the issue
    peer.wait_for(lambda e: e["ev"] == "submit_sm" and e["status"] == 0, 4)
    assert sorted(accepted(peer)) == ["echo A0", "echo A1", "echo A2", "echo LATER"]
    assert settled(gw)


def test_retry_limit_fails_the_mt_visibly(
    peer: PeerSmsc, gateway: Callable[..., tuple[SmppGateway, Results]]
) -> None:
    gw, results = gateway(max_attempts=3)
    peer.command("swallow", n=1000)
    gw.send(MtMessage("10086", SUBSCRIBER, "never answered"), outbox_id=7)
    deadline = time.monotonic() + 10
    while not results and time.monotonic() < deadline:
        time.sleep(0.02)
    assert results == [("never answered", "failed", "no submit_sm_resp after 3 attempts")]
    assert len(peer.select(lambda e: e["ev"] == "submit_sm")) == 3
    assert settled(gw)


def test_throttled_smsc_gets_back_off_not_a_flood(
    peer: PeerSmsc, gateway: Callable[..., tuple[SmppGateway, Results]]
) -> None:
    """Issue #16 case 4: 2 s of ESME_RTHROTTLED drew 13,846 submit_sm for one reply."""
    gw, _ = gateway()
    peer.command("throttle", n=1_000_000)
    peer.deliver(SUBSCRIBER, "10086", text="CXYE", data_coding=0)
    peer.submits(1)
    time.sleep(1.5)
    peer.command("throttle", n=0)
    throttled = len(peer.select(lambda e: e["ev"] == "submit_sm"))
    assert throttled <= 12, throttled  # 0.2 s doubling back-off: a handful, not thousands
    peer.wait_for(lambda e: e["ev"] == "submit_sm" and e["status"] == 0, timeout=15)
    assert accepted(peer) == ["echo CXYE"]
    refused = peer.select(lambda e: e["ev"] == "submit_sm" and e["status"] == 0x58)
    assert gw.outbox.throttled == len(refused) >= throttled - 1


def test_notification_asks_for_a_receipt_and_is_reported_accepted(
    peer: PeerSmsc, gateway: Callable[..., tuple[SmppGateway, Results]]
) -> None:
    receipts: list[tuple[str, str]] = []
    gw, results = gateway(on_receipt=lambda mid, state: receipts.append((mid, state)))
    peer.command("receipts", on=True)
    gw.send(MtMessage("10086", SUBSCRIBER, "Your bill is ready"), outbox_id=1)
    gw.send(MtMessage("10086", SUBSCRIBER, "a reply"))  # no outbox row: no receipt asked
    (sm, _) = peer.submits(2)
    assert sm["registered_delivery"] == 1
    deadline = time.monotonic() + 5
    while not receipts and time.monotonic() < deadline:
        time.sleep(0.02)
    assert results[0] == ("Your bill is ready", "submitted", sm["message_id"])
    assert receipts == [(sm["message_id"], "DELIVRD")]


def test_mt_in_flight_when_the_link_drops_is_sent_once_after_the_rebind(
    peer: PeerSmsc, gateway: Callable[..., tuple[SmppGateway, Results]]
) -> None:
    """Issue #16 case 5 on the wire: after a drop the unanswered MT goes out once more, and
    only once (it used to be queued again twice: 1 run in 4 sent two copies)."""
    gw, results = gateway(response_timeout=5.0)
    peer.command("swallow", n=1)
    gw.send(MtMessage("10086", SUBSCRIBER, "in flight"), outbox_id=3)
    peer.submits(1)
    peer.command("drop")
    peer.binds(2)
    peer.wait_for(lambda e: e.get("text") == "in flight" and e["status"] == 0)
    time.sleep(0.3)  # a doubled copy would arrive right behind it
    assert [e["status"] for e in peer.select(lambda e: e["ev"] == "submit_sm")] == [None, 0]
    assert [r[:2] for r in results] == [("in flight", "submitted")]
    assert settled(gw)
