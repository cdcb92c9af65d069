"""Long MTs as real concatenated SMS, read back by the peer SMSC's own decoder (npm ``smpp``):
GSM 03.38 for Latin text (160, 153 per part), UCS-2 for Chinese (70, 67 per part)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.channels.sms.smpp import SmppGateway, encode_text, split_udh
from tests.e2e.peer_smsc import PeerSmsc, peer_smsc
from tests.e2e.test_smpp_peer import SUBSCRIBER

Event = dict[str, object]


@pytest.fixture
def peer() -> Iterator[PeerSmsc]:
    yield from peer_smsc()


@pytest.fixture
def send(peer: PeerSmsc) -> Iterator[Callable[..., list[Event]]]:
    """Send one MT through a bound gateway; return the peer's submit_sm events."""
    gateways: list[SmppGateway] = []

    def run(text: str, parts: int, **kwargs: object) -> list[Event]:
        gw = SmppGateway(peer.host, peer.port, "telcare", "secret", lambda mo: [], **kwargs)  # type: ignore[arg-type]
        gw.start()
        gateways.append(gw)
        assert gw.wait_bound(5)
        gw.send(MtMessage("10086", SUBSCRIBER, text))
        return peer.submits(parts)

    yield run
    for gw in gateways:
        gw.stop(timeout=5)


def concat(udh: object) -> tuple[int, int, int]:
    """(ref, total, seq) from the peer's decoded UDH (a list of information elements)."""
    assert isinstance(udh, list) and len(udh) == 1
    element = bytes.fromhex(udh[0])
    assert element[:2] == b"\x00\x03", element
    return element[2], element[3], element[4]


def test_long_english_reply_is_two_gsm_parts_not_three_ucs2(
    send: Callable[..., list[Event]],
) -> None:
    """Issue #16 case 7: English went as UCS-2 and was cut into 67-character SMS."""
    text = "Your balance is 100.00 yuan. " * 7  # 203 characters
    submits = send(text, 2)
    assert [sm["data_coding"] for sm in submits] == [0, 0]
    assert all(int(sm["esm_class"]) & 0x40 for sm in submits)  # type: ignore[call-overload]
    heads = [concat(sm["udh"]) for sm in submits]
    assert heads[0][0] == heads[1][0] and [h[1:] for h in heads] == [(2, 1), (2, 2)]
    assert [len(str(sm["text"])) for sm in submits] == [153, 50]
    assert "".join(str(sm["text"]) for sm in submits) == text


def test_160_characters_are_one_sms_without_udh(send: Callable[..., list[Event]]) -> None:
    (sm,) = send("x" * 160, 1)
    assert (sm["data_coding"], sm["esm_class"], sm["udh"], sm["text"]) == (0, 0, [], "x" * 160)


def test_long_chinese_reply_is_ucs2_parts_of_67(send: Callable[..., list[Event]]) -> None:
    text = "尊敬的客户，您的账户余额为100.00元。" * 5  # 105 characters
    submits = send(text, 2)
    assert [sm["data_coding"] for sm in submits] == [8, 8]
    assert [concat(sm["udh"])[1:] for sm in submits] == [(2, 1), (2, 2)]
    assert [len(str(sm["text"])) for sm in submits] == [67, 38]
    assert "".join(str(sm["text"]) for sm in submits) == text


def test_gsm_extension_characters_are_never_split(send: Callable[..., list[Event]]) -> None:
    """With a GSM default alphabet, € takes two septets; a part never ends between them."""
    text = "€" * 100  # 200 septets
    submits = send(text, 2, default_alphabet="gsm")
    assert [sm["data_coding"] for sm in submits] == [0, 0]
    assert [str(sm["text"]) for sm in submits] == ["€" * 76, "€" * 24]


def test_codec_limits() -> None:
    assert encode_text("a" * 160) == (0, [b"a" * 160])
    dc, parts = encode_text("a" * 161)
    assert dc == 0 and [len(split_udh(p)[1]) for p in parts] == [153, 8]
    dc, parts = encode_text("话" * 70)
    assert dc == 8 and len(parts) == 1
    dc, parts = encode_text("话" * 71)
    assert dc == 8 and [len(split_udh(p)[1]) for p in parts] == [134, 8]
    dc, parts = encode_text("😀" * 40)  # surrogate pairs: 134 octets would split one
    assert [len(split_udh(p)[1]) for p in parts] == [132, 28]
    assert encode_text("a_b@c") == (8, ["a_b@c".encode("utf-16-be")])  # ASCII SMSC: UCS-2
    assert encode_text("a_b@c", gsm=True) == (0, [b"a\x11b\x00c"])


def test_dispatcher_returns_a_long_reply_as_one_message() -> None:
    """The dispatcher used to cut replies into 70-unit MTs sent as unrelated SMS."""
    mo = MoMessage(SUBSCRIBER, "10086", "HELP")
    (reply,) = SmsDispatcher._reply(mo, "Reply CXYE for your balance. " * 6, "m1")
    assert len(reply.text) == 174
