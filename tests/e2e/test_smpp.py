"""The SMPP adapter end to end against a real SMPP 3.4 peer (the SMSC simulator) on loopback."""

from __future__ import annotations

import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import pytest

from telcare.channels.sms.messages import MoMessage, MtMessage
from telcare.channels.sms.smpp import (
    ESME_RINVDSTADR,
    ESME_ROK,
    ESME_RX_T_APPN,
    Backoff,
    SmppGateway,
    decode_short_message,
    encode_text,
    normalise_address,
    split_udh,
)
from telcare.channels.sms.smsc_sim import SmscSimulator

SUBSCRIBER = "13800138000"
WAIT = 5.0  # upper bound for anything that should take milliseconds


def wait_until(predicate: Callable[[], bool], timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


class Recorder:
    """A handler that records each MO and answers with ``reply(mo)``; may fail first."""

    def __init__(
        self,
        reply: Callable[[MoMessage], Sequence[str]] = lambda mo: [f"收到：{mo.text}"],
        fail_times: int = 0,
    ) -> None:
        self.reply, self.fail_times = reply, fail_times
        self.calls: list[MoMessage] = []
        self.committed: list[MoMessage] = []

    def __call__(self, mo: MoMessage) -> list[MtMessage]:
        self.calls.append(mo)
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("database is locked")
        self.committed.append(mo)
        return [MtMessage(mo.recipient, mo.sender, text) for text in self.reply(mo)]


@pytest.fixture
def smsc() -> Iterator[SmscSimulator]:
    with SmscSimulator(system_id="telcare", password="secret", retry_delay=0.02) as sim:
        yield sim


GatewayFactory = Callable[..., SmppGateway]


@pytest.fixture
def gateway(smsc: SmscSimulator) -> Iterator[GatewayFactory]:
    started: list[SmppGateway] = []

    def make(handler: Callable[[MoMessage], Sequence[MtMessage]], **kwargs: object) -> SmppGateway:
        params: dict[str, object] = {
            "response_timeout": 2.0,
            "enquire_link_interval": 30.0,
            "backoff_initial": 0.02,
            "backoff_max": 0.2,
        }
        params.update(kwargs)
        gw = SmppGateway(smsc.host, smsc.port, "telcare", "secret", handler, **params)  # type: ignore[arg-type]
        gw.start()
        started.append(gw)
        return gw

    yield make
    for gw in started:
        gw.stop(timeout=WAIT)
        assert gw._thread is not None and not gw._thread.is_alive()


def bound(smsc: SmscSimulator, gw: SmppGateway, binds: int = 1) -> None:
    assert smsc.wait_bound(binds, WAIT), smsc.bind_attempts
    assert gw.wait_bound(WAIT)


# ------------------------------------------------------------------ bind and basic flow


def test_binds_as_transceiver_with_credentials(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    gw = gateway(Recorder())
    bound(smsc, gw)
    assert smsc.bind_attempts == [("bind_transceiver", "telcare", ESME_ROK)]
    assert gw.bound and gw.bind_count == 1


def test_mo_for_10086_reaches_handler_and_reply_is_ucs2_submit_sm(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    handler = Recorder(reply=lambda mo: ["您的余额为100.00元，积分5000分。"])
    gw = gateway(handler)
    bound(smsc, gw)

    mo = smsc.deliver("+86" + SUBSCRIBER, "10086", "查询余额")  # UCS-2, international sender
    (sm,) = smsc.wait_for_submits(1)

    assert handler.calls == [MoMessage(SUBSCRIBER, "10086", "查询余额")]
    assert (sm.source_addr, sm.destination_addr) == ("10086", SUBSCRIBER)
    assert sm.data_coding == 8 and sm.esm_class == 0
    assert sm.short_message == "您的余额为100.00元，积分5000分。".encode("utf-16-be")
    assert sm.text == "您的余额为100.00元，积分5000分。"
    assert wait_until(mo.delivered.is_set) and mo.statuses == [ESME_ROK]


def test_ascii_reply_goes_as_data_coding_0(smsc: SmscSimulator, gateway: GatewayFactory) -> None:
    gw = gateway(Recorder(reply=lambda mo: ["Balance: 30.00 yuan"]))
    bound(smsc, gw)
    smsc.deliver("13900139000", "10086", "cxye", data_coding=0)
    (sm,) = smsc.wait_for_submits(1)
    assert (sm.data_coding, sm.short_message) == (0, b"Balance: 30.00 yuan")


def test_latin1_mo_is_decoded(smsc: SmscSimulator, gateway: GatewayFactory) -> None:
    handler = Recorder()
    gw = gateway(handler)
    bound(smsc, gw)
    smsc.deliver(SUBSCRIBER, "10086", "café", data_coding=3)
    smsc.wait_for_submits(1)
    assert handler.calls[0].text == "café"


def test_multi_segment_replies_arrive_in_order(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    parts = [f"第{i}段：" + "套餐" * 30 for i in range(1, 6)]
    gw = gateway(Recorder(reply=lambda mo: parts))
    bound(smsc, gw)
    smsc.deliver(SUBSCRIBER, "10086", "CXTC")
    submits = smsc.wait_for_submits(len(parts))
    assert [sm.text for sm in submits] == parts
    assert all(sm.data_coding == 8 and sm.esm_class == 0 for sm in submits)


def test_concatenated_mo_is_reassembled(smsc: SmscSimulator, gateway: GatewayFactory) -> None:
    handler = Recorder(reply=lambda mo: ["ok"])
    gw = gateway(handler)
    bound(smsc, gw)
    text = "13912345678*" + "恭喜您中奖了，请点击链接领取大奖" * 10  # 172 chars: three parts
    records = smsc.deliver_multipart(SUBSCRIBER, "10086999", text, ref=7)
    assert len(records) == 3
    smsc.wait_for_submits(1)
    assert [mo.text for mo in handler.calls] == [text]
    assert wait_until(lambda: all(r.finished for r in records))
    assert all(r.statuses == [ESME_ROK] for r in records)


def test_delivery_receipt_is_acknowledged_not_handled(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    handler = Recorder()
    gw = gateway(handler)
    bound(smsc, gw)
    receipt = smsc.deliver_receipt("10086", SUBSCRIBER, "0000002a")
    after = smsc.deliver(SUBSCRIBER, "10086", "CXJF")  # delivered after the receipt, in order
    smsc.wait_for_submits(1)
    assert wait_until(lambda: receipt.finished and after.finished)
    assert receipt.statuses == [ESME_ROK] and after.statuses == [ESME_ROK]
    assert [mo.text for mo in handler.calls] == ["CXJF"]


def test_mo_for_unknown_number_is_refused(smsc: SmscSimulator, gateway: GatewayFactory) -> None:
    handler = Recorder()
    gw = gateway(handler)
    bound(smsc, gw)
    mo = smsc.deliver(SUBSCRIBER, "10010", "CXYE")
    assert wait_until(lambda: mo.finished)
    assert mo.statuses == [ESME_RINVDSTADR] and mo.failed
    assert handler.calls == []


def test_sp_access_codes_match_by_prefix(smsc: SmscSimulator, gateway: GatewayFactory) -> None:
    handler = Recorder()
    gw = gateway(handler)
    bound(smsc, gw)
    smsc.deliver(SUBSCRIBER, "1066000001", "TD")
    smsc.wait_for_submits(1)
    assert handler.calls == [MoMessage(SUBSCRIBER, "1066000001", "TD")]


# ------------------------------------------------------------------ acknowledgement semantics


def test_deliver_sm_resp_only_after_handler_returned(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    entered, release = threading.Event(), threading.Event()
    finished_at: list[float] = []

    def slow_handler(mo: MoMessage) -> list[MtMessage]:
        entered.set()
        assert release.wait(WAIT)
        finished_at.append(time.monotonic())  # "transaction committed"
        return [MtMessage(mo.recipient, mo.sender, "已办理")]

    gw = gateway(slow_handler)
    bound(smsc, gw)
    mo = smsc.deliver(SUBSCRIBER, "10086", "Y")
    assert entered.wait(WAIT)
    # The handler is running: the SMSC must not have any answer yet.
    assert not smsc.wait_for(lambda: bool(mo.statuses), timeout=0.3)
    assert mo.attempts == 1 and mo.statuses == [] and smsc.submits == []

    release.set()
    assert wait_until(mo.delivered.is_set)
    assert mo.statuses == [ESME_ROK]
    assert mo.answered_at[0] >= finished_at[0]
    assert [sm.text for sm in smsc.wait_for_submits(1)] == ["已办理"]


def test_failing_handler_gets_temporary_error_and_redelivery_is_processed(
    smsc: SmscSimulator, gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    handler = Recorder(reply=lambda mo: ["充值成功"], fail_times=1)
    gw = gateway(handler)
    bound(smsc, gw)
    with caplog.at_level(logging.ERROR, logger="telcare.channels.sms.smpp"):
        mo = smsc.deliver(SUBSCRIBER, "10086", "CZ1000000000000001123456")
        (sm,) = smsc.wait_for_submits(1)
    assert wait_until(mo.delivered.is_set)
    assert mo.statuses == [ESME_RX_T_APPN, ESME_ROK]
    assert len(handler.calls) == 2 and len(handler.committed) == 1
    assert sm.text == "充值成功"
    assert any("MO handler failed" in r.message and r.exc_info for r in caplog.records)


def test_failing_last_part_of_concatenated_mo_is_completed_on_redelivery(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    handler = Recorder(reply=lambda mo: ["ok"], fail_times=1)
    gw = gateway(handler)
    bound(smsc, gw)
    text = "举报" * 80
    records = smsc.deliver_multipart(SUBSCRIBER, "10086999", text)
    smsc.wait_for_submits(1)
    assert [mo.text for mo in handler.committed] == [text]
    assert wait_until(lambda: len(records[-1].statuses) == 2)
    assert records[-1].statuses == [ESME_RX_T_APPN, ESME_ROK]


# ------------------------------------------------------------------ link supervision


def test_enquire_link_from_smsc_is_answered(smsc: SmscSimulator, gateway: GatewayFactory) -> None:
    gw = gateway(Recorder())
    bound(smsc, gw)
    assert smsc.enquire_link(timeout=WAIT)
    assert smsc.enquire_link(timeout=WAIT)


def test_gateway_sends_its_own_enquire_link_when_idle(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    gw = gateway(Recorder(), enquire_link_interval=0.05)
    bound(smsc, gw)
    assert smsc.wait_for(lambda: smsc.counters["enquire_links_received"] >= 3, WAIT)
    assert gw.bind_count == 1  # answered, so no reconnect


def test_reconnects_after_smsc_drops_the_link(smsc: SmscSimulator, gateway: GatewayFactory) -> None:
    handler = Recorder()
    gw = gateway(handler)
    bound(smsc, gw)
    smsc.deliver(SUBSCRIBER, "10086", "CXYE")
    smsc.wait_for_submits(1)

    for expected_binds in (2, 3):
        # an MT whose submit_sm_resp was not read yet would be (rightly) sent again
        assert wait_until(lambda: gw.pending_mt == 0)
        assert smsc.drop_connections() == 1
        bound(smsc, gw, binds=expected_binds)
        smsc.deliver(SUBSCRIBER, "10086", f"CXLL{expected_binds}")
        smsc.wait_for_submits(expected_binds)
    assert [mo.text for mo in handler.calls] == ["CXYE", "CXLL2", "CXLL3"]
    assert gw.bind_count == 3


def test_mo_interrupted_by_link_loss_is_redelivered(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def handler(mo: MoMessage) -> list[MtMessage]:
        calls.append(mo.text)
        if len(calls) == 1:
            entered.set()
            assert release.wait(WAIT)
            raise RuntimeError("rolled back: connection lost mid-transaction")
        return [MtMessage(mo.recipient, mo.sender, "好")]

    gw = gateway(handler)
    bound(smsc, gw)
    mo = smsc.deliver(SUBSCRIBER, "10086", "KTG3YH")
    assert entered.wait(WAIT)
    smsc.drop_connections()  # the SMSC never got an answer for this MO
    release.set()
    bound(smsc, gw, binds=2)
    assert [sm.text for sm in smsc.wait_for_submits(1)] == ["好"]
    assert wait_until(mo.delivered.is_set)
    assert mo.statuses[0] is None and mo.statuses[-1] == ESME_ROK
    assert calls == ["KTG3YH", "KTG3YH"]


def test_hung_smsc_is_detected_by_enquire_link_and_mt_is_resent(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    gw = gateway(Recorder(), enquire_link_interval=0.1, response_timeout=0.3)
    bound(smsc, gw)
    smsc.hang_connections()  # TCP stays up, nothing is answered any more
    gw.send(MtMessage("10086", SUBSCRIBER, "您的流量已用完80%"))  # its submit_sm_resp never comes
    assert smsc.wait_bound(2, WAIT)
    (sm,) = smsc.wait_for_submits(1)
    assert sm.text == "您的流量已用完80%" and gw.bind_count == 2


def test_smsc_initiated_unbind_leads_to_rebind(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    gw = gateway(Recorder())
    bound(smsc, gw)
    assert smsc.unbind(timeout=WAIT)
    bound(smsc, gw, binds=2)


def test_bind_failures_are_retried_with_backoff(
    smsc: SmscSimulator, gateway: GatewayFactory
) -> None:
    smsc.reject_next_binds(3)
    gw = gateway(Recorder())
    bound(smsc, gw)
    assert [status for *_, status in smsc.bind_attempts] == [0x0D, 0x0D, 0x0D, ESME_ROK]


def test_wrong_password_never_binds(smsc: SmscSimulator) -> None:
    gw = SmppGateway(
        smsc.host, smsc.port, "telcare", "wrong", Recorder(), backoff_initial=0.01, backoff_max=0.02
    )
    gw.start()
    try:
        assert smsc.wait_for(lambda: len(smsc.bind_attempts) >= 3, WAIT)
        assert not gw.bound
        assert {status for *_, status in smsc.bind_attempts} == {0x0E}  # ESME_RINVPASWD
    finally:
        gw.stop(WAIT)


def test_stop_from_another_thread_unbinds(smsc: SmscSimulator, gateway: GatewayFactory) -> None:
    gw = gateway(Recorder())
    bound(smsc, gw)
    stopper = threading.Thread(target=gw.stop)
    stopper.start()
    stopper.join(WAIT)
    assert gw._thread is not None and not gw._thread.is_alive()
    assert smsc.counters["unbinds_received"] == 1
    assert not gw.bound


def test_with_the_real_dispatcher(smsc: SmscSimulator, gateway: GatewayFactory, sqlite_db) -> None:  # type: ignore[no-untyped-def]
    from telcare.channels.sms.dispatcher import SmsDispatcher

    gw = gateway(SmsDispatcher(sqlite_db).handle)
    bound(smsc, gw)
    smsc.deliver(SUBSCRIBER, "10086", "ｃｘｙｅ")
    submits = smsc.wait_for_submits(1)
    assert submits[0].destination_addr == SUBSCRIBER and submits[0].source_addr == "10086"
    assert "100.00" in "".join(sm.text for sm in submits)


def test_serve_returns_after_stop(smsc: SmscSimulator) -> None:
    gw = SmppGateway(smsc.host, smsc.port, "telcare", "secret", Recorder())
    runner = threading.Thread(target=gw.serve)
    runner.start()
    try:
        bound(smsc, gw)
    finally:
        gw.stop(WAIT)
        runner.join(WAIT)
    assert not runner.is_alive() and smsc.counters["unbinds_received"] == 1


GATEWAY_PROCESS = """
from telcare.channels.sms.messages import MtMessage
from telcare.channels.sms.smpp import SmppGateway
echo = lambda mo: [MtMessage(mo.recipient, mo.sender, "echo " + mo.text)]
SmppGateway.from_env(echo).serve()
"""


def test_gateway_process_stops_gracefully_on_sigterm(smsc: SmscSimulator) -> None:
    env = {
        **os.environ,
        "TELCARE_SMPP_HOST": smsc.host,
        "TELCARE_SMPP_PORT": str(smsc.port),
        "TELCARE_SMPP_SYSTEM_ID": "telcare",
        "TELCARE_SMPP_PASSWORD": "secret",
    }
    proc = subprocess.Popen([sys.executable, "-c", GATEWAY_PROCESS], env=env)
    try:
        assert smsc.wait_bound(1, timeout=20)
        smsc.deliver(SUBSCRIBER, "10086", "CXYE")
        assert [sm.text for sm in smsc.wait_for_submits(1)] == ["echo CXYE"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=WAIT) == 0
        assert smsc.counters["unbinds_received"] == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_simulator_demo_command(smsc: SmscSimulator) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "telcare.channels.sms.smsc_sim", "--port", "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)  # type: ignore[union-attr]
    reader.start()
    gw = None
    try:
        banner = lines.get(timeout=20)
        port = int(banner.split(";")[0].rsplit(":", 1)[1])
        gw = SmppGateway("127.0.0.1", port, "telcare", "secret", Recorder(lambda mo: ["好的"]))
        gw.start()
        assert gw.wait_bound(WAIT)
        assert proc.stdin is not None
        proc.stdin.write(f"{SUBSCRIBER} 10086 余额\n")
        proc.stdin.flush()
        assert lines.get(timeout=WAIT).strip() == f"MT 10086 -> {SUBSCRIBER}: 好的"
    finally:
        if gw is not None:
            gw.stop(WAIT)
        proc.stdin.close()  # type: ignore[union-attr]
        try:
            proc.wait(timeout=WAIT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()  # type: ignore[union-attr]


# ------------------------------------------------------------------ codecs and policy


def test_from_env() -> None:
    env = {
        "TELCARE_SMPP_HOST": "smsc.example",
        "TELCARE_SMPP_PORT": "2776",
        "TELCARE_SMPP_SYSTEM_ID": "tc01",
        "TELCARE_SMPP_PASSWORD": "pw",
        "TELCARE_SMPP_SERVICE_NUMBERS": "10086, 10086999",
    }
    gw = SmppGateway.from_env(Recorder(), env=env, enquire_link_interval=15.0)
    assert (gw.host, gw.port, gw.system_id, gw.password) == ("smsc.example", 2776, "tc01", "pw")
    assert gw.enquire_link_interval == 15.0
    assert gw.receiver.accepts("10086999") and not gw.receiver.accepts("1066000001")


def test_codecs() -> None:
    assert decode_short_message("余额".encode("utf-16-be"), 8) == "余额"
    assert decode_short_message(b"CXYE", 0) == "CXYE"
    assert decode_short_message(b"\x00\x11\x1b\x65", 0, default_alphabet="gsm") == "@_€"
    assert decode_short_message(b"caf\xe9", 3) == "café"
    assert encode_text("CXYE ok") == (0, [b"CXYE ok"])
    assert encode_text("a_b@c")[0] == 8  # differs between ASCII and GSM: never data_coding 0
    dc, parts = encode_text("话" * 100)
    assert dc == 8 and len(parts) == 2 and parts[0][:3] == b"\x05\x00\x03"
    concat, body = split_udh(parts[1])
    assert concat is not None and (concat.total, concat.seq) == (2, 2) and len(body) == 2 * 33
    assert normalise_address("+8613800138000") == normalise_address("008613800138000")
    assert normalise_address("8613800138000") == SUBSCRIBER
    assert normalise_address("10086") == "10086"


def test_backoff_is_exponential_capped_and_jittered() -> None:
    backoff = Backoff(initial=1.0, maximum=8.0, factor=2.0, jitter=0.5)
    delays = [backoff.next_delay() for _ in range(8)]
    for delay, nominal in zip(delays, [1, 2, 4, 8, 8, 8, 8, 8], strict=True):
        assert nominal * 0.5 <= delay <= nominal
    assert len(set(delays)) > 1
    backoff.reset()
    assert backoff.next_delay() <= 1.0
