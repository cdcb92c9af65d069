"""The MT outbox's ownership rules: a broken pipe never puts one message in the queue twice."""

from __future__ import annotations

from typing import Any

import pytest
from smpplib import exceptions

from telcare.channels.sms.messages import MtMessage
from telcare.channels.sms.smpp.outbox import Outbox


class FakeClient:
    """Enough of an smpplib client for make_pdu; ``send_pdu`` fails while ``broken``."""

    def __init__(self, broken: bool) -> None:
        self.broken, self.sequence, self.sent = broken, 0, []

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence

    def send_pdu(self, pdu: Any) -> None:
        if self.broken:
            raise exceptions.ConnectionError()
        self.sent.append(pdu)


def test_broken_pipe_does_not_double_the_message() -> None:
    """Issue #16 case 5: requeued by flush() and again by requeue_inflight(): sent twice."""
    outbox = Outbox(10, True, {})
    outbox.append(MtMessage("10086", "13800138000", "hello"))
    with pytest.raises(exceptions.ConnectionError):
        outbox.flush(FakeClient(broken=True))
    outbox.requeue_inflight()  # what the gateway does when the session ends
    assert outbox.queued == 1
    client = FakeClient(broken=False)
    outbox.flush(client)
    assert [pdu.short_message for pdu in client.sent] == [b"hello"]
