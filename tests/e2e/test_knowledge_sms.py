"""Free text to 10086 answered from the knowledge base, through the real dispatcher and CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.domain.access import Kind, Principal
from telcare.domain.messages import render
from telcare.services import knowledge
from telcare.store.uow import Database

BJ, GD = "13800138000", "13900139000"
HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
HQ_EDITOR = Principal(Kind.STAFF, "hq-editor", "HQ", "admin")


def ask(db: Database, sender: str, text: str) -> str:
    replies = SmsDispatcher(db).handle(MoMessage(sender, "10086", text, message_id=f"kb-{text}"))
    assert all(r.recipient == sender and r.sender == "10086" for r in replies)
    return "".join(r.text for r in replies)


@pytest.mark.parametrize(
    ("question", "command"),
    [
        ("怎么查流量", "CXLL"),
        ("话费还剩多少？", "CXYE"),
        ("怎么举报垃圾短信", "10086999"),
        ("积分怎么兑换礼品", "CXJF"),
        ("充值卡怎么用", "CZ"),
    ],
)
def test_a_question_gets_its_article(db: Database, question: str, command: str) -> None:
    reply = ask(db, BJ, question)
    assert command in reply and reply != render("sms.help")


def test_an_english_subscriber_is_answered_in_english(db: Database) -> None:
    reply = ask(db, GD, "how do I check my data?")
    assert "CXLL" in reply and "Text" in reply


def test_text_nothing_answers_gets_the_help_menu(db: Database) -> None:
    assert ask(db, BJ, "今天天气真好") == render("sms.help")
    assert ask(db, GD, "what's the weather like") == render("sms.help", "en")


def test_commands_still_run_before_the_knowledge_base(db: Database) -> None:
    assert ask(db, BJ, "查流量") == ask(db, BJ, "CXLL")  # a command word, not a question
    assert ask(db, BJ, "余额") == ask(db, BJ, "CXYE")


def test_an_approved_new_version_answers_at_once(db: Database) -> None:
    new = {
        "slug": "data-usage",
        "language": "zh-CN",
        "category": "data",
        "title": "查询流量使用情况",
        "questions": ["怎么查流量"],
        "body": "发送CXLL到10086查流量，或在网上营业厅的流量页面查看近6个月用量。",
        "sms_answer": "查流量请发送CXLL到10086，网上营业厅可看近6个月用量。",
    }
    draft = knowledge.write_draft(db, HQ_EDITOR, new)
    assert "近6个月" not in ask(db, BJ, "怎么查流量")  # a draft is not in force
    knowledge.approve(db, HQ_ADMIN, "data-usage", "zh-CN", draft.version)
    assert "近6个月" in ask(db, BJ, "怎么查流量")


def test_sms_command_answers_from_the_knowledge_base(tmp_path: Path) -> None:
    env = {**os.environ, "TELCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.db'}"}
    run = [sys.executable, "-m", "telcare"]
    init = subprocess.run([*run, "init", "--demo", "--subscribers", "10"], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert init.returncode == 0, init.stderr
    out = subprocess.run([*run, "sms", BJ, "10086", "怎么查流量"], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    number, _, text = out.stdout.strip().partition("\t")
    assert number == "10086" and "CXLL" in text


def test_an_imported_call_file_fills_the_monthly_report(tmp_path: Path) -> None:
    env = {**os.environ, "TELCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'calls.db'}"}
    run = [sys.executable, "-m", "telcare"]

    def telcare(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*run, *args], env=env, capture_output=True, text=True, timeout=120)

    assert telcare("init").returncode == 0
    calls = tmp_path / "acd.csv"
    calls.write_text(
        "call_id,queue,offered,answered,abandoned,ended,agent\n"
        "k1,GEN,2026-10-08T10:00:00,2026-10-08T10:00:12,,,bj-01\n"
        "k2,GEN,2026-10-08T10:01:00,2026-10-08T10:01:40,,,bj-01\n"
        "k3,GEN,2026-10-08T10:02:00,,2026-10-08T10:02:30,,\n"
        "k4,G3,2026-10-08T10:03:00,2026-10-08T10:03:04,,,bj-09\n"
        "k5,GEN,not-a-time,,,,\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    out = telcare("calls", "import", str(calls), "--province", "BJ", "--rejects", str(rejects))
    assert out.returncode == 0, out.stderr
    assert "line 6: offered" in out.stdout
    assert rejects.read_text(encoding="utf-8").splitlines()[1].startswith("6,offered")
    html = tmp_path / "bj.html"
    report = telcare("report", "quality", "--province", "BJ", "--month", "2026-10",
                     "--out", str(html), "--lang", "en")  # fmt: skip
    assert report.returncode == 0, report.stderr
    page = html.read_text(encoding="utf-8")
    row = page[page.index("10086 calls answered within 20 s") :][:400]
    assert "50.0" in row, row  # k1 and k4 of k1–k4
