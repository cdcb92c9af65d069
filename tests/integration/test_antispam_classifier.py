"""The classifier behind its interface: the services call whatever the entry point handed
over with ``use_classifier``, and no service module imports ``telcare.antispam``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import telcare.services
from telcare.antispam import classifier as spam_classifier
from telcare.domain import antispam_rules as r
from telcare.domain.spam_classifier import SpamClassifier
from telcare.services import antispam
from telcare.services.antispam import classifier as registry
from telcare.store.uow import Database

BJ = "13800138000"
OFF_NET = "13512345678"
TEXT = "晚上一起吃饭吗？"


@dataclass(frozen=True)
class FixedVerdict:
    score: float
    is_spam: bool


class FixedClassifier:
    """Calls to a fixed answer: every text has the same score."""

    def __init__(self, score: float) -> None:
        self.value = score
        self.calls: list[tuple[str, str, float | None]] = []

    def score(self, text: str) -> float:
        self.calls.append(("score", text, None))
        return self.value

    def classify(self, text: str, threshold: float | None = None) -> FixedVerdict:
        self.calls.append(("classify", text, threshold))
        return FixedVerdict(self.value, self.value >= (threshold or 0.5))


@pytest.fixture
def fixed() -> Iterator[FixedClassifier]:
    model = FixedClassifier(0.9375)
    given: SpamClassifier = model  # the fake fits the interface
    antispam.use_classifier(lambda: given)
    try:
        yield model
    finally:
        antispam.use_classifier(spam_classifier)


def test_the_services_use_the_classifier_they_were_given(
    sqlite_db: Database, fixed: FixedClassifier
) -> None:
    decision = antispam.deliver_mt(sqlite_db, OFF_NET, BJ, TEXT, message_id="f1")
    assert decision.action is r.Action.QUARANTINE and decision.reason is r.Reason.CLASSIFIER
    assert decision.score == 0.9375
    report = antispam.report(sqlite_db, BJ, "another text", sender=OFF_NET)
    [row] = [q for q in antispam.report_queue(sqlite_db, status=None) if q.id == report.report_id]
    assert row.score == 0.9375
    assert [kind for kind, _, _ in fixed.calls] == ["classify", "score"]


def test_without_a_classifier_the_services_say_which_call_is_missing(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "_factory", None)
    with pytest.raises(RuntimeError, match="use_classifier"):
        antispam.deliver_mt(sqlite_db, OFF_NET, BJ, TEXT, message_id="none")


def test_no_service_imports_the_model_package() -> None:
    root = Path(telcare.services.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(root)}: {name}"
                for name in names
                if name == "telcare.antispam" or name.startswith("telcare.antispam.")
            ]
    assert offenders == []
