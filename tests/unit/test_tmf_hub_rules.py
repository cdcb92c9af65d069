"""The hub's rules: the retry schedule, refused addresses, listener queries, signatures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from telcare.domain import tmf_hub as rules
from telcare.domain.errors import InvalidInput

BASE, CAP = timedelta(seconds=30), timedelta(hours=1)


def test_back_off_doubles_up_to_the_cap_with_equal_jitter() -> None:
    shortest = [rules.backoff(n, BASE, CAP, 0.0).total_seconds() for n in range(1, 10)]
    longest = [rules.backoff(n, BASE, CAP, 0.999999).total_seconds() for n in range(1, 10)]
    assert shortest == [15, 30, 60, 120, 240, 480, 960, 1800, 1800]
    assert [round(x) for x in longest] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("172.16.5.4", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("::ffff:10.0.0.1", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("93.184.216.34", False),
        ("2606:2800:220:1::1", False),
    ],
)
def test_refused_addresses(address: str, refused: bool) -> None:
    assert rules.refused_address(address) is refused


def test_a_query_picks_event_types_of_the_api() -> None:
    every = {"TroubleTicketCreateEvent", "TroubleTicketStateChangeEvent"}
    assert rules.event_types("troubleTicket", None) == every
    assert rules.event_types("troubleTicket", "eventType=TroubleTicketCreateEvent") == {
        "TroubleTicketCreateEvent"
    }
    for bad in ("status=new", "eventType=UsageCreateEvent", "eventType="):
        with pytest.raises(InvalidInput):
            rules.event_types("troubleTicket", bad)


def test_the_signature_covers_timestamp_and_body() -> None:
    sig = rules.sign("k", 1700000000, b'{"a":1}')
    assert sig.startswith("sha256=") and rules.verify("k", 1700000000, b'{"a":1}', sig)
    assert not rules.verify("k", 1700000001, b'{"a":1}', sig)
    assert not rules.verify("k", 1700000000, b'{"a":2}', sig)
