"""`telcare smpp` as a real process: commands over SMPP and the outbox delivered."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from telcare.bus.cluster import free_port
from telcare.channels.sms.smsc_sim import SmscSimulator
from telcare.services import mt_state, notify
from telcare.store.uow import Database
from tests.e2e.peer_smsc import PeerSmsc

TELCARE_SMPP = [sys.executable, "-m", "telcare", "smpp"]


def test_smpp_command_answers_mos_and_drains_the_outbox(sqlite_db: Database) -> None:
    with sqlite_db.uow() as uow:
        notify.queue_sms(uow.session, "13900139000", "Your data reminder", dedupe_key="t-1")
        uow.commit()
    health_port = free_port()
    with SmscSimulator() as smsc:
        env = {
            **os.environ,
            "TELCARE_DATABASE_URL": str(sqlite_db.engine.url),
            "TELCARE_SMPP_HOST": smsc.host,
            "TELCARE_SMPP_PORT": str(smsc.port),
            "TELCARE_SMPP_SYSTEM_ID": "telcare",
            "TELCARE_SMPP_PASSWORD": "secret",
        }
        proc = subprocess.Popen(
            [*TELCARE_SMPP, "--drain-every", "0.2", "--health-port", str(health_port)],
            env=env,
            cwd=Path(__file__).parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            smsc.deliver("13800138000", "10086", "CXYE")
            submits = smsc.wait_for_submits(2, timeout=30)
            texts = {(s.destination_addr, s.text) for s in submits}
            assert ("13900139000", "Your data reminder") in texts
            assert any(to == "13800138000" and "100.00" in text for to, text in texts)
            deadline = time.monotonic() + 10
            while notify.due(sqlite_db) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert notify.due(sqlite_db) == []  # marked sent once handed to the SMSC link
            ready = json.loads(_get(f"http://127.0.0.1:{health_port}/ready"))
            assert ready == {"status": "ok", "checks": {"database": "ok", "smpp": "ok"}}
            metrics = _get(f"http://127.0.0.1:{health_port}/metrics")
            assert "telcare_smpp_bound 1.0" in metrics
            assert 'telcare_sms_mo_total{command="QueryBalance"} 1.0' in metrics
        finally:
            proc.send_signal(signal.SIGTERM)
            output = proc.communicate(timeout=20)[0]
        assert proc.returncode == 0, output
    # one id follows the SMS: the MO's log line and the submit_sm of its reply
    lines = [json.loads(x) for x in output.decode().splitlines() if x.startswith("{")]
    mo = next(x for x in lines if x["event"] == "sms.mo")
    mt = [x for x in lines if x["event"] == "sms.mt submitted to 13800138000"]
    assert mo["command"] == "QueryBalance" and mo["level"] == "info"
    assert mt and all(x["message_id"] == mo["message_id"] for x in mt)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return str(resp.read().decode())


def test_smpp_person_to_person_goes_through_the_firewall(sqlite_db: Database) -> None:
    """A subscriber's SMS to another subscriber over SMPP: delivered -> submitted to the
    recipient from the sender; spam -> held in the recipient's box, nothing submitted."""
    from telcare.services import antispam

    with SmscSimulator() as smsc:
        env = {
            **os.environ,
            "TELCARE_DATABASE_URL": str(sqlite_db.engine.url),
            "TELCARE_SMPP_HOST": smsc.host,
            "TELCARE_SMPP_PORT": str(smsc.port),
            "TELCARE_SMPP_SYSTEM_ID": "telcare",
            "TELCARE_SMPP_PASSWORD": "secret",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "telcare", "smpp", "--drain-every", "0.2"],
            env=env,
            cwd=Path(__file__).parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            smsc.deliver("13800138000", "13900139000", "恭喜您中奖了，请点击 http://t.cn/abc 领取")
            smsc.deliver("13800138000", "13900139000", "晚上一起吃饭吗？")
            [submit] = smsc.wait_for_submits(1, timeout=30)
            assert (submit.source_addr, submit.destination_addr) == ("13800138000", "13900139000")
            assert submit.text == "晚上一起吃饭吗？"
        finally:
            proc.send_signal(signal.SIGTERM)
            output = proc.communicate(timeout=20)[0]
        assert proc.returncode == 0, output
    [held] = [m for m in antispam.quarantine(sqlite_db, "13900139000") if "t.cn/abc" in m.text]
    assert held.reason == "classifier" and held.sender == "13800138000"


def _smpp_process(db: Database, port: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TELCARE_DATABASE_URL": str(db.engine.url),
        "TELCARE_SMPP_HOST": "127.0.0.1",
        "TELCARE_SMPP_PORT": str(port),
        "TELCARE_SMPP_SYSTEM_ID": "telcare",
        "TELCARE_SMPP_PASSWORD": "secret",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "telcare", "smpp", "--drain-every", "0.1", "--log-level", "INFO"],
        env=env,
        cwd=Path(__file__).parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, output
    return output


def _row(db: Database) -> mt_state.MtState:
    (row,) = mt_state.states(db, recipient="13900139000")
    return row


def test_notice_queued_while_smsc_is_down_is_sent_after_a_restart(sqlite_db: Database) -> None:
    """Issue #16 case 6: sent_at was set when the notice was queued in memory; a SIGTERM
    with the SMSC away lost it for good. Now it stays queued, and the next run sends it,
    records the SMSC's message id and the delivery receipt."""
    with sqlite_db.uow() as uow:
        notify.queue_sms(uow.session, "13900139000", "Your bill is ready", dedupe_key="bill-1")
        uow.commit()
    with socket.socket() as unused:  # a port where no SMSC listens
        unused.bind(("127.0.0.1", 0))
        down_port = unused.getsockname()[1]
    proc = _smpp_process(sqlite_db, down_port)
    try:
        assert proc.stdout is not None
        seen = [proc.stdout.readline() for _ in range(2)]  # the link is being tried
        while not any("reconnecting to SMSC" in line for line in seen) and seen[-1]:
            seen.append(proc.stdout.readline())
        time.sleep(0.5)  # a few notification rounds with the SMSC away
    finally:
        output = "".join(seen) + _stop(proc)
    row = _row(sqlite_db)
    assert (row.status, row.sent_at) == ("queued", None), output

    peer = PeerSmsc()
    try:
        peer.command("receipts", on=True)
        proc = _smpp_process(sqlite_db, peer.port)
        try:
            (sm,) = peer.submits(1, timeout=90)  # the spam model loads before the bind
            assert (sm["destination_addr"], sm["text"]) == ("13900139000", "Your bill is ready")
            assert sm["registered_delivery"] == 1
            deadline = time.monotonic() + 10
            while _row(sqlite_db).status != "delivered" and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            _stop(proc)
    finally:
        peer.close()
    row = _row(sqlite_db)
    assert row.status == "delivered" and row.sent_at is not None
    assert row.smsc_message_id == sm["message_id"] and row.attempts == 1
    assert len(peer.select(lambda e: e["ev"] == "submit_sm")) == 1
