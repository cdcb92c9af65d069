"""The README's terminal examples as an executable doc test: after ``telcare init --demo``
and ``telcare report demo-activity`` (small), each ``telcare sms`` line of the README's
first shell block prints what its comment says (issue #20: demo-activity left
13800138000 at −1,796.53 yuan, so the README's ``CXYE`` line was no longer true)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.demo.activity import generate
from telcare.services import selfcare
from telcare.store.uow import Database
from tests.e2e.test_cli import run

README = Path(__file__).resolve().parents[2] / "README.md"
KEEP = ("13800138000", "13900139000")  # the lines the README's examples use


def example_lines() -> list[tuple[list[str], str]]:
    """``(arguments, comment)`` of each ``.venv/bin/telcare …`` line of the sh block that
    shows the terminal examples (the first with a ``telcare sms`` line)."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    block = next((b for b in blocks if ".venv/bin/telcare sms " in b), "")
    assert block, "the README has no terminal examples"
    found = []
    for line in block.splitlines():
        if not line.startswith(".venv/bin/telcare "):
            continue
        command, _, comment = line.partition("#")
        found.append((shlex.split(command)[1:], comment.strip()))
    return found


def expected_output(comment: str) -> str | None:
    """The ``NUMBER<TAB>TEXT`` a comment promises, as the line printed (None: no promise)."""
    promise = re.search(r"(\d{5,})<TAB>(\S+)", comment)
    return f"{promise.group(1)}\t{promise.group(2)}" if promise else None


def test_the_readme_has_sms_examples_with_promised_output() -> None:
    sms = [(args, c) for args, c in example_lines() if args[0] == "sms"]
    assert len(sms) >= 3 and sum(expected_output(c) is not None for _, c in sms) >= 2


@pytest.mark.slow
def test_readme_sms_examples_hold_after_demo_activity(tmp_path: Path) -> None:
    db_file = tmp_path / "demo.db"
    assert run(["init", "--demo"], db_file).returncode == 0
    played = run(["report", "demo-activity", "--months", "1", "--lines", "12"], db_file)
    assert played.returncode == 0, played.stderr
    examples = [(args, c) for args, c in example_lines() if args[0] == "sms"]
    assert examples
    for args, comment in examples:
        out = run(args, db_file)
        assert out.returncode == 0, (args, out.stderr)
        promised = expected_output(comment)
        if promised is not None:
            assert out.stdout.rstrip("\n") == promised, (args, out.stdout)
        else:
            assert out.stdout.strip(), args  # every example SMS gets an answer


def test_demo_activity_leaves_the_readme_lines_alone(sqlite_db: Database) -> None:
    """Every other line of the small demo plays; the README's two keep their balances."""
    before = {n: selfcare.overview(sqlite_db, n).balance_fen for n in KEEP}
    created = generate(sqlite_db, months=2, seed=7, lines=1_000)
    assert created  # the activity did happen (to the other lines)
    assert {n: selfcare.overview(sqlite_db, n).balance_fen for n in KEEP} == before
    dispatcher = SmsDispatcher(sqlite_db)
    reply = dispatcher.handle(MoMessage(KEEP[0], "10086", "CXYE", message_id="readme-1"))
    assert [r.text for r in reply] == ["尊敬的客户，您的账户余额为100.00元。【中国移动】"]
